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
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import { ecsDeployReadinessEntityFilter } from './annotations';
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

/** The org-wide scorecard, with a nav item. */
const ecsDeployReadinessPage = PageBlueprint.make({
  params: {
    path: '/ecs-deploy-readiness',
    routeRef: rootRouteRef,
    title: 'ECS deploy readiness',
    icon: <AssignmentTurnedInIcon />,
    loader: () =>
      import('./components/ScorecardPage').then(m => <m.ScorecardPage />),
  },
});

/**
 * The card on the entity overview, on every entity that names ECS services
 * (`config.filter` in `app.extensions` replaces the filter).
 */
const ecsDeployReadinessEntityCard = EntityCardBlueprint.make({
  params: {
    type: 'content',
    filter: ecsDeployReadinessEntityFilter,
    loader: () =>
      import('./components/EcsDeployReadinessCard').then(m => (
        <m.EcsDeployReadinessCard />
      )),
  },
});

/** The entity page's "Deploy readiness" tab: the full view and the pull-error history. */
const ecsDeployReadinessEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'ecs-deploy-readiness',
    title: 'Deploy readiness',
    group: 'deployment',
    filter: ecsDeployReadinessEntityFilter,
    loader: () =>
      import('./components/EcsDeployReadinessContent').then(m => (
        <m.EcsDeployReadinessContent />
      )),
  },
});

/**
 * The ECS deploy readiness plugin for the new frontend system: the API, the scorecard page
 * (`page:ecs-deploy-readiness`), the entity card (`entity-card:ecs-deploy-readiness`) and the
 * entity tab (`entity-content:ecs-deploy-readiness`).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'ecs-deploy-readiness',
  title: 'ECS deploy readiness',
  icon: <AssignmentTurnedInIcon />,
  extensions: [
    ecsDeployReadinessApi,
    ecsDeployReadinessPage,
    ecsDeployReadinessEntityCard,
    ecsDeployReadinessEntityContent,
  ],
  routes: { root: rootRouteRef },
});
