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
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ecsDeployReadinessApiRef, EcsDeployReadinessClient } from './api';
import type { EcsDeployReadinessCardProps } from './components/EcsDeployReadinessCard';
import { entityContentRouteRef, rootRouteRef } from './routes';

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
  routes: { root: rootRouteRef, entityContent: entityContentRouteRef },
});

/**
 * The org-wide scorecard page, for the legacy frontend system: mount it at
 * `/ecs-deploy-readiness`.
 *
 * @public
 */
export const EcsDeployReadinessPage: () => JSX.Element =
  ecsDeployReadinessPlugin.provide(
    createRoutableExtension({
      name: 'EcsDeployReadinessPage',
      component: () =>
        import('./components/ScorecardPage').then(m => m.LegacyScorecardPage),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * The deploy readiness card of the entity in context, for the legacy frontend system's
 * EntityPage (inside `EntitySwitch.Case if={isEcsDeployReadinessAvailable}`).
 *
 * @public
 */
export const EntityEcsDeployReadinessCard: (
  props: EcsDeployReadinessCardProps,
) => JSX.Element = ecsDeployReadinessPlugin.provide(
  createComponentExtension({
    name: 'EntityEcsDeployReadinessCard',
    component: {
      lazy: () =>
        import('./components/EcsDeployReadinessCard').then(
          m => m.EcsDeployReadinessCard,
        ),
    },
  }),
);

/**
 * The full deploy readiness view of the entity in context, with the pull-error history, for a
 * tab of the legacy frontend system's EntityPage.
 *
 * @public
 */
export const EntityEcsDeployReadinessContent: () => JSX.Element =
  ecsDeployReadinessPlugin.provide(
    createRoutableExtension({
      name: 'EntityEcsDeployReadinessContent',
      component: () =>
        import('./components/EcsDeployReadinessContent').then(
          m => m.EcsDeployReadinessContent,
        ),
      mountPoint: entityContentRouteRef,
    }),
  );
