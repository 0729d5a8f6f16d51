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
 * Tech-insights backend module with a fact retriever for ECS deploy readiness: per entity its
 * status, its findings by severity, its last audit and pull failure, and whether it passes each
 * check, for tech-insights scorecards and maturity checks.
 *
 * @packageDocumentation
 */

export { techInsightsModuleEcsDeployReadiness as default } from './module';
export {
  createEcsDeployReadinessFactRetriever,
  type EcsDeployReadinessFactRetrieverOptions,
} from './retriever';
export {
  checkFactName,
  ECS_DEPLOY_READINESS_FACT_RETRIEVER_ID,
  ECS_DEPLOY_READINESS_FACTS,
  ecsDeployReadinessFactSchema,
} from './facts';
