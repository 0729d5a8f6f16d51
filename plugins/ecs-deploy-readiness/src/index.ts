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
 * Frontend plugin for ECS deploy readiness: the card on each entity page that says whether its
 * ECS services can be deployed (and what to run when not), and the org-wide scorecard.
 *
 * For the new frontend system, import the default export of `/alpha`.
 *
 * @packageDocumentation
 */

export {
  ecsDeployReadinessPlugin,
  EcsDeployReadinessPage,
  EntityEcsDeployReadinessCard,
  EntityEcsDeployReadinessContent,
} from './plugin';
export type { EcsDeployReadinessCardProps } from './components/EcsDeployReadinessCard';
export {
  isEcsDeployReadinessAvailable,
  ecsDeployReadinessEntityFilter,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_TAGS_ANNOTATION,
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_RESOURCE_TYPE,
} from './annotations';
export * from './api';
