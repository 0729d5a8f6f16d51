/*
 * Copyright 2026 The ECS Deploy Readiness Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import { ecsDeployReadinessApiRef, EcsDeployReadinessClient } from './api';

const rootRouteRef = createRouteRef();

const ecsDeployReadinessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ecsDeployReadinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new EcsDeployReadinessClient(deps),
    }),
});

const ecsDeployReadinessPage = PageBlueprint.make({
  params: {
    path: '/ecs-deploy-readiness',
    routeRef: rootRouteRef,
    title: 'ECS deploy readiness',
    icon: <AssignmentTurnedInIcon />,
    loader: () =>
      import('./components/ReadinessPage').then(m => <m.ReadinessPage />),
  },
});

/**
 * The ECS deploy readiness plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'ecs-deploy-readiness',
  extensions: [ecsDeployReadinessApi, ecsDeployReadinessPage],
  routes: { root: rootRouteRef },
});
