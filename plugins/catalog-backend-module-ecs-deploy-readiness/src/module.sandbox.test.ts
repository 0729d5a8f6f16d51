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
 * The module in a running catalog: the real catalog backend reading examples/catalog.yaml, this
 * module, and the ECS deploy readiness backend plugin auditing the demo scenario against the
 * in-process sandbox, all in one backend. The catalog API's label filter must then return the
 * entities the plugin's own scorecard calls blocked.
 */

import { readFileSync } from 'fs';
import { resolve } from 'path';
import type { Server } from 'http';
import type {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { CatalogClient } from '@backstage/catalog-client';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { JsonObject } from '@backstage/types';
// The module reads readiness from this plugin: the test runs both, as a backend would.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import readinessPlugin from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-backend';
import type {
  ScorecardPage,
  ScorecardRow,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  parseScenarioYaml,
  type Sandbox,
  sandboxAppConfig,
  startSandbox,
} from 'ecs-sandbox';
import { READINESS_ANNOTATIONS, READINESS_STATUS_LABEL } from './constants';
import { catalogModuleEcsDeployReadiness } from './module';

const EXAMPLES = resolve(__dirname, '../../../examples');
const CATALOG_FILE = resolve(EXAMPLES, 'catalog.yaml');

/** The entities of examples/catalog.yaml (a multi-document YAML file). */
const fileEntities: Entity[] = readFileSync(CATALOG_FILE, 'utf8')
  .split(/^---\s*$/m)
  .map(doc => parseScenarioYaml(doc, 'catalog.yaml') as unknown as Entity)
  .filter(doc => doc && typeof doc === 'object' && 'kind' in doc);

const LABEL_FILTER = `metadata.labels.${READINESS_STATUS_LABEL}`;
/** The whole test: starting, ingesting, auditing and waiting for the labels. */
const BUDGET_MS = 60_000;

type Task = SchedulerServiceTaskInvocationDefinition &
  SchedulerServiceTaskScheduleDefinition;

let sandbox: Sandbox;
let server: Server;
let baseUrl: string;
/** The plugin's scorecard after the audit, every row. */
let scorecard: ScorecardRow[];
/** `GET /scorecard?status=blocked`, as refs. */
let scorecardBlocked: string[];
/** Every entity of the catalog once the labels match the scorecard. */
let catalogEntities: Entity[];

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { Authorization: mockCredentials.user.header() },
  });
  if (!response.ok) {
    throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/**
 * `GET /api/catalog/entities/by-query`, every page, in the catalog's order: the entities matching
 * any of `filters` (each a comma-separated AND), or every entity without one.
 */
async function byQuery(...filters: string[]): Promise<Entity[]> {
  const items: Entity[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams(
      cursor
        ? { cursor }
        : [['limit', '100'], ...filters.map(filter => ['filter', filter])],
    );
    const page = await get<{
      items: Entity[];
      pageInfo: { nextCursor?: string };
    }>(`/api/catalog/entities/by-query?${query}`);
    items.push(...page.items);
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return items;
}

const refs = (entities: Entity[]) =>
  entities.map(e => stringifyEntityRef(e)).sort();

/**
 * Calls `read` until `done` says yes or `deadline` passes; fails naming what it last saw, as
 * `show` puts it.
 */
async function eventually<T>(options: {
  what: string;
  deadline: number;
  read: () => Promise<T>;
  done: (value: T) => boolean;
  show?: (value: T) => unknown;
}): Promise<T> {
  const { what, deadline, read, done, show = v => v } = options;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}; last saw ${
          last && 'value' in last
            ? JSON.stringify(show(last.value), null, 2)
            : String(last?.error)
        }`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

const labelOf = (entity?: Entity) =>
  entity?.metadata.labels?.[READINESS_STATUS_LABEL];

beforeAll(async () => {
  const deadline = Date.now() + BUDGET_MS - 5_000;
  sandbox = await startSandbox({
    scenario: resolve(EXAMPLES, 'demo-scenario.yaml'),
  });
  // JSON, typed by interfaces (without the index signature that JsonObject asks for).
  const demo = sandboxAppConfig(sandbox.world, sandbox.url)
    .config as unknown as {
    aws: JsonObject;
    ecsDeployReadiness: JsonObject;
  };
  // One mock scheduler for every plugin: it captures the plugin's link and shard tasks so the
  // test runs them once, in order. The catalog's processing and stitching loops do not use the
  // scheduler (they poll the database on their own timers), and its config location is read
  // when the provider connects; the one task the catalog schedules, the orphan cleanup, is
  // captured and left alone.
  const scheduler = mockServices.scheduler.mock();
  ({ server } = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleEcsDeployReadiness,
      readinessPlugin,
      scheduler.factory,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          catalog: {
            // Re-process every 1 to 1.5 seconds, so a new snapshot reaches the label soon.
            processingInterval: { seconds: 1 },
            locations: [{ type: 'file', target: CATALOG_FILE }],
            rules: [
              { allow: [...new Set(fileEntities.map(e => e.kind))].sort() },
            ],
          },
          // The accounts and endpoints ./scripts/start configures from the sandbox.
          ...demo,
          ecsDeployReadiness: {
            ...demo.ecsDeployReadiness,
            catalog: { cacheTtl: { seconds: 1 } },
          },
        },
      }),
    ],
  }));
  const { port } = server.address() as { port: number };
  baseUrl = `http://localhost:${port}`;

  // The link reads the catalog: wait until it holds every entity of the file.
  const expected = refs(fileEntities);
  await eventually({
    what: `the catalog to hold the entities of examples/catalog.yaml ${expected}`,
    deadline,
    read: async () => refs(await byQuery()),
    done: seen => expected.every(ref => seen.includes(ref)),
  });

  // What the scheduler would run: the catalog link, then each shard's image audit and history.
  const tasks = () =>
    scheduler.scheduleTask.mock.calls.map(call => call[0] as Task);
  const signal = new AbortController().signal as any;
  const link = tasks().find(t => t.id === 'ecs-deploy-readiness-link');
  if (!link) {
    throw new Error(
      `The plugin scheduled no link task; it scheduled ${tasks().map(
        t => t.id,
      )}`,
    );
  }
  await link.fn(signal);
  for (const prefix of ['images', 'history']) {
    for (const task of tasks().filter(t =>
      t.id.startsWith(`ecs-deploy-readiness-${prefix}:`),
    )) {
      await task.fn(signal);
    }
  }

  scorecard = (
    await get<ScorecardPage>('/api/ecs-deploy-readiness/scorecard?limit=500')
  ).items;
  scorecardBlocked = (
    await get<ScorecardPage>(
      '/api/ecs-deploy-readiness/scorecard?status=blocked&limit=500',
    )
  ).items
    .map(row => row.entityRef)
    .sort();

  // The processor's next snapshot (cacheTtl 1 s) reaches every linked entity's label on its
  // next processing (1 to 1.5 s) and stitching.
  const want = Object.fromEntries(
    scorecard.map(row => [row.entityRef, row.status]),
  );
  const labels = (entities: Entity[]) =>
    Object.fromEntries(
      entities
        .filter(e => labelOf(e))
        .map(e => [
          stringifyEntityRef(e).toLocaleLowerCase('en-US'),
          labelOf(e),
        ]),
    );
  catalogEntities = await eventually({
    what: `every linked entity's ${READINESS_STATUS_LABEL} label to match the scorecard ${JSON.stringify(
      want,
    )}`,
    deadline,
    read: () => byQuery(),
    done: entities => {
      const seen = labels(entities);
      return Object.entries(want).every(
        ([ref, status]) => seen[ref] === status,
      );
    },
    show: labels,
  });
}, BUDGET_MS);

afterAll(async () => {
  await sandbox?.stop();
});

const entity = (ref: string) =>
  catalogEntities.find(e => stringifyEntityRef(e) === ref);

describe('the module in a running catalog against the demo', () => {
  it('has the plugin report on every entity of the file that is linked to ECS', () => {
    const linked = fileEntities.filter(e =>
      Object.keys(e.metadata.annotations ?? {}).some(key =>
        key.startsWith('aws.amazon.com/'),
      ),
    );
    expect(linked.length).toBeGreaterThan(5);
    expect(scorecard.map(r => r.entityRef).sort()).toEqual(refs(linked));
  });

  it('returns the blocked demo services from the label filter of GET /entities/by-query', async () => {
    // Not vacuous: the demo's broken storefront and search indexer are blocked, its healthy
    // checkout is not.
    expect(scorecardBlocked).toEqual(
      expect.arrayContaining([
        'component:default/search-indexer',
        'component:default/storefront-web',
      ]),
    );
    expect(scorecardBlocked).not.toContain('component:default/checkout-api');

    const blocked = await byQuery(`${LABEL_FILTER}=blocked`);

    expect(refs(blocked)).toEqual(scorecardBlocked);
    for (const e of blocked) {
      expect(
        Number(e.metadata.annotations?.[READINESS_ANNOTATIONS.blocking]),
      ).toBeGreaterThan(0);
    }
  });

  it('stamps a ready entity with its status and the scorecard counts', () => {
    const row = scorecard.find(
      r => r.entityRef === 'component:default/checkout-api',
    )!;
    expect(row.status).toBe('ready');

    const checkout = entity('component:default/checkout-api')!;

    expect(labelOf(checkout)).toBe('ready');
    expect(checkout.metadata.annotations).toMatchObject({
      [READINESS_ANNOTATIONS.blocking]: '0',
      [READINESS_ANNOTATIONS.risk]: String(row.counts.risk),
      [READINESS_ANNOTATIONS.info]: String(row.counts.info),
      [READINESS_ANNOTATIONS.lastAudited]: row.lastAudited,
      // The entity's own link annotation is kept.
      'aws.amazon.com/amazon-ecs-service-arn': expect.stringContaining(
        'service/shop-prod/checkout-api',
      ),
    });
  });

  it('leaves entities without AWS annotations unlabelled', () => {
    const unlinked = catalogEntities.filter(
      e =>
        !Object.keys(e.metadata.annotations ?? {}).some(key =>
          key.startsWith('aws.amazon.com/'),
        ),
    );
    expect(refs(unlinked)).toEqual(
      expect.arrayContaining([
        'group:default/team-web',
        'system:default/storefront',
        'user:default/guest',
      ]),
    );
    for (const e of unlinked) {
      expect(labelOf(e)).toBeUndefined();
      expect(
        Object.keys(e.metadata.annotations ?? {}).filter(key =>
          key.startsWith('ecs-deploy-readiness/'),
        ),
      ).toEqual([]);
    }
  });

  it('stamps the entity the audit could not read as unknown, its audit error counted', () => {
    const row = scorecard.find(
      r => r.entityRef === 'component:default/billing-api',
    )!;
    expect(row).toMatchObject({ status: 'unknown', counts: { risk: 1 } });

    const billing = entity('component:default/billing-api')!;

    expect(labelOf(billing)).toBe('unknown');
    expect(billing.metadata.annotations?.[READINESS_ANNOTATIONS.risk]).toBe(
      '1',
    );
  });

  it('answers the queries of docs/catalog-queries.md', async () => {
    // The CatalogClient snippet: blocked or at-risk production entities, a few fields.
    const catalog = new CatalogClient({
      discoveryApi: { getBaseUrl: async id => `${baseUrl}/api/${id}` },
    });
    const { items } = await catalog.queryEntities(
      {
        filter: {
          'metadata.labels.ecs-deploy-readiness/status': ['blocked', 'at-risk'],
          'spec.lifecycle': 'production',
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.labels',
          'metadata.annotations.ecs-deploy-readiness/blocking-count',
          'metadata.annotations.ecs-deploy-readiness/last-audited',
        ],
      },
      { token: mockCredentials.user.token() },
    );
    const production = new Set(
      fileEntities
        .filter(e => e.spec?.lifecycle === 'production')
        .map(e => stringifyEntityRef(e)),
    );
    const expected = scorecard
      .filter(r => r.status === 'blocked' || r.status === 'at-risk')
      .filter(r => production.has(r.entityRef))
      .map(r => r.name)
      .sort();
    expect(expected).toContain('storefront-web');
    expect(items.map(e => e.metadata.name).sort()).toEqual(expected);
    for (const item of items) {
      const row = scorecard.find(r => r.name === item.metadata.name)!;
      expect(item).toEqual({
        kind: 'Component',
        metadata: {
          name: row.name,
          labels: { [READINESS_STATUS_LABEL]: row.status },
          annotations: {
            [READINESS_ANNOTATIONS.blocking]: String(row.counts.blocking),
            [READINESS_ANNOTATIONS.lastAudited]: row.lastAudited,
          },
        },
      });
    }

    // The first curl example: every blocked entity, by name.
    const byName = await get<{ items: Entity[] }>(
      `/api/catalog/entities/by-query?${new URLSearchParams({
        filter: `${LABEL_FILTER}=blocked`,
        orderField: 'metadata.name,asc',
      })}`,
    );
    expect(byName.items.map(e => e.metadata.name)).toEqual(
      scorecardBlocked.map(ref => ref.replace(/^component:default\//, '')),
    );

    // The second: blocked production services of one owner, with the counts.
    const webBlocked = await get<{ items: Entity[] }>(
      `/api/catalog/entities/by-query?${new URLSearchParams({
        filter: `${LABEL_FILTER}=blocked,spec.lifecycle=production,spec.owner=team-web`,
        fields: `metadata.name,metadata.annotations.${READINESS_ANNOTATIONS.blocking}`,
      })}`,
    );
    const storefront = scorecard.find(r => r.name === 'storefront-web')!;
    expect(webBlocked.items).toEqual([
      {
        metadata: {
          name: 'storefront-web',
          annotations: {
            [READINESS_ANNOTATIONS.blocking]: String(
              storefront.counts.blocking,
            ),
          },
        },
      },
    ]);
  });
});
