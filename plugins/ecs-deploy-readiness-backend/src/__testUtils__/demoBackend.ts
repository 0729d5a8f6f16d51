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

import { resolve } from 'path';
import type { Server } from 'http';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import { type Sandbox, startSandbox } from 'ecs-sandbox';
import { ecsDeployReadinessPlugin } from '../plugin';
import { demoConfig, EXAMPLES, exampleEntities, runDemoTasks } from './demo';

/**
 * The plugin in a test backend against the sandbox's demo scenario, with examples/catalog.yaml
 * in the catalog, audited: the link and each shard's tasks of `taskPrefixes` have run (as the
 * scheduler would run them). `features` and `config` add to the backend (other plugins, the
 * real metrics service, their configuration).
 */
export async function startDemoBackend(
  options: {
    features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
    config?: JsonObject;
    taskPrefixes?: string[];
  } = {},
): Promise<{ sandbox: Sandbox; server: Server }> {
  const sandbox = await startSandbox({
    scenario: resolve(EXAMPLES, 'demo-scenario.yaml'),
  });
  const scheduler = mockServices.scheduler.mock();
  const { server } = await startTestBackend({
    features: [
      ecsDeployReadinessPlugin,
      ...(options.features ?? []),
      scheduler.factory,
      catalogServiceMock.factory({ entities: exampleEntities() }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          ...options.config,
          ...demoConfig(sandbox),
        },
      }),
    ],
  });
  await runDemoTasks(scheduler, options.taskPrefixes);
  return { sandbox, server };
}
