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
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ecsDeployReadinessApiRef, EcsDeployReadinessClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The ECS deploy readiness plugin for the legacy frontend system.
 *
 * @public
 */
export const ecsDeployReadinessPlugin = createPlugin({
  id: 'ecs-deploy-readiness',
  apis: [
    createApiFactory({
      api: ecsDeployReadinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new EcsDeployReadinessClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The org-wide deploy readiness page, for the legacy frontend system.
 *
 * @public
 */
export const EcsDeployReadinessPage: () => JSX.Element =
  ecsDeployReadinessPlugin.provide(
    createRoutableExtension({
      name: 'EcsDeployReadinessPage',
      component: () =>
        import('./components/ReadinessPage').then(m => m.ReadinessPage),
      mountPoint: rootRouteRef,
    }),
  );
