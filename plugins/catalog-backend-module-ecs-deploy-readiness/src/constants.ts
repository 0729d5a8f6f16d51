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

/**
 * The label the processor stamps on every entity linked to ECS: `blocked`, `at-risk`, `ready`
 * or `unknown`. Filter on it with
 * `GET /api/catalog/entities/by-query?filter=metadata.labels.ecs-deploy-readiness/status=blocked`.
 *
 * @public
 */
export const READINESS_STATUS_LABEL = 'ecs-deploy-readiness/status';

/**
 * The annotations the processor stamps next to the label: counts of findings by severity, the
 * time of the last audit and of the last pull failure (ISO 8601), when known.
 *
 * @public
 */
export const READINESS_ANNOTATIONS = {
  blocking: 'ecs-deploy-readiness/blocking-count',
  risk: 'ecs-deploy-readiness/risk-count',
  info: 'ecs-deploy-readiness/info-count',
  lastAudited: 'ecs-deploy-readiness/last-audited',
  lastPullFailure: 'ecs-deploy-readiness/last-pull-failure',
} as const;
