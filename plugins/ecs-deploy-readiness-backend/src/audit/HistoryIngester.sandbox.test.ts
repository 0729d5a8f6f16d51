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

/*
 * The history task against the sandbox's demo scenario (docs/sandbox.md): its stopped tasks'
 * pull failures are stored once, linked to the findings that explain them, and pruned.
 */

import { readFileSync } from 'fs';
import { resolve } from 'path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseScenarioYaml, type Sandbox, startSandbox } from 'ecs-sandbox';
import { AwsClients } from '../aws';
import { readReadinessConfig } from '../config';
import { DatabaseReadinessStore } from '../store/DatabaseReadinessStore';
import { AuditRunner } from './AuditRunner';
import { HistoryIngester } from './HistoryIngester';

const EXAMPLES = resolve(__dirname, '../../../../examples');

// As app-config.yaml lists them.
const ACCOUNTS = [
  { accountId: '111111111111', accessKeyId: 'AKIASANDBOXSHOPPROD1' },
  { accountId: '222222222222', accessKeyId: 'AKIASANDBOXPLATFORM1' },
  { accountId: '333333333333', accessKeyId: 'AKIASANDBOXBILLING01' },
].map(a => ({ ...a, secretAccessKey: 'sandbox' }));

function exampleEntities(): Entity[] {
  const text = readFileSync(resolve(EXAMPLES, 'catalog.yaml'), 'utf8');
  return text
    .split(/^---\s*$/m)
    .map(doc => parseScenarioYaml(doc, 'catalog.yaml') as unknown as Entity)
    .filter(doc => doc && typeof doc === 'object' && 'kind' in doc);
}

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: resolve(EXAMPLES, 'demo-scenario.yaml'),
  });
}, 60_000);

afterAll(() => sandbox?.stop());

async function setUp() {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseReadinessStore.create({
    database: mockServices.database({ knex }),
  });
  const host = new URL(sandbox.url).host;
  const config = new ConfigReader({
    aws: { accounts: ACCOUNTS },
    ecsDeployReadiness: {
      aws: { endpoint: sandbox.url },
      registries: {
        endpoints: { 'docker.io': `${sandbox.url}/registries/docker.io` },
        ecrDistributionEndpoint: `${sandbox.url}/ecr/{accountId}/{region}`,
        allowedPrivateRegistries: [host],
        insecureRegistries: [host],
      },
    },
  });
  const logger = mockServices.logger.mock();
  const clients = AwsClients.create({ config, logger });
  const options = {
    store,
    catalog: catalogServiceMock({ entities: exampleEntities() }),
    auth: mockServices.auth(),
    logger,
    clients,
    config: readReadinessConfig(config),
  };
  return {
    store,
    options,
    ingester: (clock?: () => Date) =>
      HistoryIngester.create({ ...options, clock }),
  };
}

const DAY = 24 * 60 * 60 * 1000;

const SEARCH_INDEXER = 'search-indexer';

async function pullErrorsOf(
  store: Awaited<ReturnType<typeof setUp>>['store'],
  serviceName?: string,
) {
  const { items } = await store.listPullErrors({ limit: 500 });
  // By service: before an audit there is no entity report to list an entity's errors by.
  return serviceName
    ? items.filter(p => p.serviceArn.endsWith(`/${serviceName}`))
    : items;
}

describe('HistoryIngester against the demo scenario', () => {
  it('stores the new pull failures of stopped tasks, classified, and none twice', async () => {
    const { store, ingester } = await setUp();

    const first = await ingester().run();
    const stored = await pullErrorsOf(store);

    expect(first.pullErrorsAdded).toBeGreaterThan(0);
    expect(first.pullErrorsAdded).toBe(stored.length);
    expect(first.servicesSeen).toBe(9);
    // The denied account is counted, the others were ingested.
    expect(Object.keys(first.errorsByAccount)).toEqual(['333333333333']);
    const search = await pullErrorsOf(store, SEARCH_INDEXER);
    expect(search.length).toBeGreaterThan(0);
    expect(search.map(p => p.category)).toEqual(
      search.map(() => 'mixed-compression'),
    );
    // Deduplicated by task ARN and container.
    const keys = stored.map(p => `${p.taskArn} ${p.container ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Before any audit there are no findings to confirm them with: not "none explain it".
    expect(stored.every(p => !('confirmedBy' in p.classified))).toBe(true);

    const second = await ingester().run();
    expect(second).toMatchObject({ pullErrorsAdded: 0, pullErrorsPruned: 0 });
    expect(second.pullErrorsSeen).toBe(first.pullErrorsSeen);
    expect(await pullErrorsOf(store)).toHaveLength(stored.length);
  }, 120_000);

  it('links each new pull failure to the current findings of its service that explain it', async () => {
    const { store, options, ingester } = await setUp();
    await AuditRunner.create(options).run();
    // Forget what the audit stored, so the ingester sees every failure as new.
    await store.prunePullErrors({ olderThan: new Date(Date.now() + DAY) });

    const summary = await ingester().run();

    expect(summary.pullErrorsAdded).toBeGreaterThan(0);
    const search = await pullErrorsOf(store, SEARCH_INDEXER);
    expect(search.length).toBeGreaterThan(0);
    for (const error of search) {
      expect((error.classified as any).confirmedBy).toContain(
        'mixed-layer-compression',
      );
    }
    expect(
      (await pullErrorsOf(store)).every(p =>
        Array.isArray((p.classified as any).confirmedBy),
      ),
    ).toBe(true);
  }, 120_000);

  it('prunes pull errors older than the retention', async () => {
    const { store, options, ingester } = await setUp();
    const first = await ingester().run();
    expect(first.pullErrorsAdded).toBeGreaterThan(0);

    // Just inside the retention (90 days): kept.
    const retention = 90 * DAY;
    const inside = await ingester(
      () => new Date(Date.now() + retention - DAY),
    ).run();
    expect(inside.pullErrorsPruned).toBe(0);
    expect(await pullErrorsOf(store)).toHaveLength(first.pullErrorsAdded);

    // A day past it: gone, and the same stopped tasks are not stored again.
    const past = await ingester(
      () => new Date(Date.now() + retention + DAY),
    ).run();
    expect(past.pullErrorsPruned).toBe(first.pullErrorsAdded);
    expect(await pullErrorsOf(store)).toHaveLength(0);
    expect(options.config.pullErrors.retention).toEqual({ days: 90 });
  }, 120_000);
});
