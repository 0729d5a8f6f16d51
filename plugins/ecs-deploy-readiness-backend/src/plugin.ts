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
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { durationToMilliseconds } from '@backstage/types';
import { ecsDeployReadinessPermissions } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { createImageInspection, registerReadinessActions } from './actions';
import { AuditRunner, HistoryIngester } from './audit';
import { LINK_TASK_ID, ShardTasks } from './audit/ShardTasks';
import { AwsClients } from './aws';
import { readReadinessConfig } from './config';
import { ReadinessMetrics } from './metrics';
import { ManualAudits } from './service/ManualAudits';
import { ReadinessNotifier } from './notifications';
import { createRouter } from './service/router';
import { EntityVisibility } from './service/visibility';
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
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        metrics: metricsServiceRef,
        notifications: notificationService,
      },
      async init({
        logger,
        httpRouter,
        database,
        scheduler,
        config,
        auth,
        httpAuth,
        permissions,
        permissionsRegistry,
        lifecycle,
        discovery,
        catalog,
        actionsRegistry,
        metrics,
        notifications,
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
        // Owners hear of an entity becoming blocked, when configured (off by default).
        const notifier = readinessConfig.notifications.enabled
          ? ReadinessNotifier.create({
              notifications,
              catalog,
              auth,
              logger,
              appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
            })
          : undefined;
        const readinessMetrics = ReadinessMetrics.create({ metrics, store });
        const runner = AuditRunner.create({
          ...deps,
          ...(notifier && {
            onEntityStatusChanged: change =>
              notifier.entityStatusChanged(change),
          }),
        });
        // The audits of redeployed services that the history run starts, measured too.
        const history = HistoryIngester.create({
          ...deps,
          auditor: {
            auditCollected: (results, options) =>
              readinessMetrics.timed('deployment', () =>
                runner.auditCollected(results, options),
              ),
          },
        });
        const shardTasks = ShardTasks.create({
          scheduler,
          logger,
          schedules: readinessConfig.schedules,
          audit: async (shard, signal) => {
            await readinessMetrics.timed('schedule', () =>
              runner.auditShard(shard, { signal }),
            );
          },
          history: async (shard, signal) => {
            await history.runShard(shard, { signal });
          },
        });

        // The catalog link, on the image audit's schedule: it stores the links that the shard
        // tasks read, and schedules the shards it finds.
        await scheduler.scheduleTask({
          id: LINK_TASK_ID,
          ...readinessConfig.schedules.images,
          scope: 'global',
          fn: async signal => {
            const { shards } = await runner.link({ signal });
            await shardTasks.ensure(shards);
            await shardTasks.triggerOverdue(shards, store);
          },
        });
        // Every replica schedules the shards that any replica's link found.
        await shardTasks.ensure(await store.listShards());
        // The scheduler keeps each task's next run across restarts: link (and so audit what is
        // overdue) within seconds of start-up, whatever the last process left.
        try {
          await scheduler.triggerTask(LINK_TASK_ID);
        } catch (error) {
          if ((error as Error)?.name !== 'ConflictError') {
            logger.warn(`Could not start the catalog link: ${error}`);
          }
        }
        await scheduler.scheduleTask({
          id: 'ecs-deploy-readiness-shards',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          initialDelay: { minutes: 1 },
          scope: 'local',
          fn: async () => {
            await shardTasks.ensure(await store.listShards());
          },
        });

        permissionsRegistry.addPermissions(ecsDeployReadinessPermissions);
        const manualAudits = ManualAudits.create({
          store,
          auditor: {
            startEntityAudit: async (entityRef, options) => {
              const started = await runner.startEntityAudit(entityRef, options);
              const done = readinessMetrics.timed('manual', () => started.done);
              return { ...started, done };
            },
          },
          logger,
          intervalMs: readinessConfig.api.manualAuditIntervalMs,
          timeoutMs: durationToMilliseconds(
            readinessConfig.schedules.images.timeout,
          ),
        });
        lifecycle.addShutdownHook(() => manualAudits.abortAll());
        httpRouter.use(
          await createRouter({
            logger,
            store,
            httpAuth,
            permissions,
            manualAudits,
            onGateDecision: decision => readinessMetrics.gateDecision(decision),
            visibility: EntityVisibility.create({
              catalog,
              permissions,
              auth,
              cacheMs: readinessConfig.api.visibilityCacheMs,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // ecs-deploy-readiness:get-readiness and :check-image, for MCP clients and other plugins.
        registerReadinessActions({
          actionsRegistry,
          discovery,
          auth,
          // Without app.baseUrl, links are paths relative to the app.
          appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
          inspectImage: createImageInspection({
            config: readinessConfig,
            clients: deps.clients,
            documentCache: store.documentCache(),
          }),
        });
      },
    });
  },
});
