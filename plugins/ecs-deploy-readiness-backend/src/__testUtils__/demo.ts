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

import { readFileSync } from 'fs';
import { resolve } from 'path';
import type {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseScenarioYaml, type Sandbox } from 'ecs-sandbox';
import { AwsClients } from '../aws';
import { readReadinessConfig } from '../config';
import { DatabaseReadinessStore } from '../store/DatabaseReadinessStore';

/** The repository's examples: the demo scenario and its catalog. */
export const EXAMPLES = resolve(__dirname, '../../../../examples');

/** The demo scenario's accounts, as app-config.yaml lists them. */
export const DEMO_ACCOUNTS = [
  { accountId: '111111111111', accessKeyId: 'AKIASANDBOXSHOPPROD1' },
  { accountId: '222222222222', accessKeyId: 'AKIASANDBOXPLATFORM1' },
  { accountId: '333333333333', accessKeyId: 'AKIASANDBOXBILLING01' },
].map(a => ({ ...a, secretAccessKey: 'sandbox' }));

/** The entities of examples/catalog.yaml (a multi-document YAML file). */
export function exampleEntities(): Entity[] {
  const text = readFileSync(resolve(EXAMPLES, 'catalog.yaml'), 'utf8');
  return text
    .split(/^---\s*$/m)
    .map(doc => parseScenarioYaml(doc, 'catalog.yaml') as unknown as Entity)
    .filter(doc => doc && typeof doc === 'object' && 'kind' in doc);
}

/**
 * The backend configuration that points the plugin at the sandbox, as app-config.yaml and the
 * sandbox's generated app-config do for the demo: the demo's accounts, the AWS endpoint and
 * the registries.
 */
export function demoConfig(sandbox: Sandbox) {
  const host = new URL(sandbox.url).host;
  return {
    aws: { accounts: DEMO_ACCOUNTS },
    ecsDeployReadiness: {
      aws: { endpoint: sandbox.url },
      registries: {
        endpoints: { 'docker.io': `${sandbox.url}/registries/docker.io` },
        ecrDistributionEndpoint: `${sandbox.url}/ecr/{accountId}/{region}`,
        allowedPrivateRegistries: [host],
        insecureRegistries: [host],
      },
    },
  };
}

type ScheduledTask = SchedulerServiceTaskInvocationDefinition &
  SchedulerServiceTaskScheduleDefinition;

/**
 * Runs what the backend's scheduler would, with a mock scheduler: the catalog link, then each
 * shard's task of each prefix (by default the image audits), one after the other.
 */
export async function runDemoTasks(
  scheduler: ReturnType<typeof mockServices.scheduler.mock>,
  prefixes: string[] = ['ecs-deploy-readiness-images:'],
): Promise<void> {
  const tasks = () =>
    scheduler.scheduleTask.mock.calls.map(call => call[0] as ScheduledTask);
  const signal = new AbortController().signal as any;
  await tasks()
    .find(t => t.id === 'ecs-deploy-readiness-link')!
    .fn(signal);
  for (const prefix of prefixes) {
    for (const task of tasks().filter(t => t.id.startsWith(prefix))) {
      await task.fn(signal);
    }
  }
}

/**
 * What a scheduled task needs to run against the sandbox's demo scenario: a fresh SQLite store,
 * examples/catalog.yaml in the catalog, and the real SDK clients and registry code pointed at
 * the sandbox (as app-config.yaml configures them).
 */
export async function demoTaskOptions(
  sandbox: Sandbox,
  databases: TestDatabases,
) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseReadinessStore.create({
    database: mockServices.database({ knex }),
  });
  const config = new ConfigReader(demoConfig(sandbox));
  const logger = mockServices.logger.mock();
  return {
    store,
    catalog: catalogServiceMock({ entities: exampleEntities() }),
    auth: mockServices.auth(),
    logger,
    clients: AwsClients.create({ config, logger }),
    config: readReadinessConfig(config),
  };
}
