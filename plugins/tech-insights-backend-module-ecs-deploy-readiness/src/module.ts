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

import { createBackendModule } from '@backstage/backend-plugin-api';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import { ECS_DEPLOY_READINESS_FACT_RETRIEVER_ID } from './facts';
import { createEcsDeployReadinessFactRetriever } from './retriever';

/**
 * Tech-insights module that adds the fact retriever `ecsDeployReadinessFactRetriever`. Like
 * every retriever, it runs only when its cadence is configured:
 * `techInsights.factRetrievers.ecsDeployReadinessFactRetriever.cadence`.
 *
 * @public
 */
export const techInsightsModuleEcsDeployReadiness = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'ecs-deploy-readiness',
  register(env) {
    env.registerInit({
      deps: { providers: techInsightsFactRetrieversExtensionPoint },
      async init({ providers }) {
        providers.addFactRetrievers({
          [ECS_DEPLOY_READINESS_FACT_RETRIEVER_ID]:
            createEcsDeployReadinessFactRetriever(),
        });
      },
    });
  },
});
