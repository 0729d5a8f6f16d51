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
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readCatalogModuleConfig } from './config';
import { EcsDeployReadinessProcessor } from './EcsDeployReadinessProcessor';
import { CachedReadinessSource, readScorecard } from './ReadinessSource';

/**
 * Catalog module that stamps entities linked to ECS with their deploy readiness.
 *
 * @public
 */
export const catalogModuleEcsDeployReadiness = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'ecs-deploy-readiness',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ catalog, config, discovery, auth, logger }) {
        const { cacheTtlMs, timeoutMs } = readCatalogModuleConfig(config);
        const source = new CachedReadinessSource({
          read: readScorecard({ discovery, auth }),
          logger,
          cacheTtlMs,
          timeoutMs,
        });
        catalog.addProcessor(new EcsDeployReadinessProcessor(source));
      },
    });
  },
});
