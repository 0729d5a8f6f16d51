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
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AuditRunner, HistoryIngester } from './audit';
import { AwsClients } from './aws';
import { readReadinessConfig } from './config';
import { createRouter } from './service/router';
import { DatabaseReadinessStore } from './store/DatabaseReadinessStore';

/**
 * The ECS deploy readiness backend plugin.
 *
 * @public
 */
export const ecsDeployReadinessPlugin = createBackendPlugin({
  pluginId: 'ecs-deploy-readiness',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({
        logger,
        httpRouter,
        database,
        scheduler,
        config,
        auth,
        catalog,
      }) {
        const readinessConfig = readReadinessConfig(config);
        const store = await DatabaseReadinessStore.create({ database, logger });
        const deps = {
          store,
          catalog,
          auth,
          logger,
          clients: AwsClients.create({ config, logger }),
          config: readinessConfig,
        };
        const runner = AuditRunner.create(deps);
        const history = HistoryIngester.create(deps);

        await scheduler.scheduleTask({
          id: 'ecs-deploy-readiness-images',
          ...readinessConfig.schedules.images,
          scope: 'global',
          fn: async signal => {
            await runner.run({ signal });
          },
        });
        await scheduler.scheduleTask({
          id: 'ecs-deploy-readiness-history',
          ...readinessConfig.schedules.history,
          scope: 'global',
          fn: async signal => {
            await history.run({ signal });
          },
        });

        httpRouter.use(await createRouter({ logger, store }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
