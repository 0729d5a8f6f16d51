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

import { createApiRef } from '@backstage/core-plugin-api';

/**
 * Health of the ECS deploy readiness backend.
 *
 * @public
 */
export interface BackendHealth {
  /** `ok` when the backend plugin is up. */
  status: string;
}

/**
 * Client for the ECS deploy readiness backend.
 *
 * @public
 */
export interface EcsDeployReadinessApi {
  /** Asks the backend plugin whether it is up (`GET /api/ecs-deploy-readiness/health`). */
  getHealth(): Promise<BackendHealth>;
}

/**
 * The reference of the {@link EcsDeployReadinessApi}, for `useApi` and API factories.
 *
 * @public
 */
export const ecsDeployReadinessApiRef = createApiRef<EcsDeployReadinessApi>({
  id: 'plugin.ecs-deploy-readiness.service',
});
