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
 * The retriever against the running plugin: the ECS deploy readiness backend plugin audits the
 * demo scenario in the sandbox, then the retriever reads it with a tech-insights plugin's real
 * discovery and auth, and tech-insights (with the json-rules-engine fact checker) stores the
 * facts and runs checks on them over its HTTP API.
 */

import { readFileSync } from 'fs';
import type { Server } from 'http';
import { resolve } from 'path';
import {
  coreServices,
  createBackendModule,
  type SchedulerServiceTaskInvocationDefinition,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import techInsightsPlugin from '@backstage-community/plugin-tech-insights-backend';
import techInsightsJsonRulesEngine from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import type {
  FactRetrieverContext,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
// The backend plugin itself, only in this test: the retriever reads it over HTTP.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import ecsDeployReadinessPlugin from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-backend';
import {
  CHECK_IDS,
  type EntityReadiness,
  type ScorecardPage,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { parseScenarioYaml, type Sandbox, startSandbox } from 'ecs-sandbox';
import { DateTime } from 'luxon';
import { factTypeErrors } from './__testUtils__/factSchema';
import { checkFactName, ecsDeployReadinessFactSchema } from './facts';
import techInsightsModuleEcsDeployReadiness, {
  createEcsDeployReadinessFactRetriever,
} from '.';

const EXAMPLES = resolve(__dirname, '../../../examples');

/** The demo scenario's accounts, as app-config.yaml lists them. */
const DEMO_ACCOUNTS = [
  { accountId: '111111111111', accessKeyId: 'AKIASANDBOXSHOPPROD1' },
  { accountId: '222222222222', accessKeyId: 'AKIASANDBOXPLATFORM1' },
  { accountId: '333333333333', accessKeyId: 'AKIASANDBOXBILLING01' },
].map(a => ({ ...a, secretAccessKey: 'sandbox' }));

/** The entities of examples/catalog.yaml. */
function exampleEntities(): Entity[] {
  const text = readFileSync(resolve(EXAMPLES, 'catalog.yaml'), 'utf8');
  return text
    .split(/^---\s*$/m)
    .map(doc => parseScenarioYaml(doc, 'catalog.yaml') as unknown as Entity)
    .filter(doc => doc && typeof doc === 'object' && 'kind' in doc);
}

/**
 * The json-rules-engine checks of docs/tech-insights.md: its first YAML block with a
 * `factChecker`, so the example the docs give is the one tested.
 */
function documentedChecks(): JsonObject {
  const text = readFileSync(
    resolve(__dirname, '../../../docs/tech-insights.md'),
    'utf8',
  );
  const block = [...text.matchAll(/^```yaml\n([\s\S]*?)^```/gm)]
    .map(match => match[1])
    .find(yaml => yaml.includes('factChecker:'))!;
  const doc = parseScenarioYaml(block, 'docs/tech-insights.md') as any;
  return doc.techInsights.factChecker.checks;
}

type Task = SchedulerServiceTaskInvocationDefinition &
  SchedulerServiceTaskScheduleDefinition;

let sandbox: Sandbox;
let server: Server;
let tasks: () => Task[];
/** What tech-insights gives a retriever: its own discovery, auth, logger, config, URL reader. */
let retrieverContext: FactRetrieverContext;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: resolve(EXAMPLES, 'demo-scenario.yaml'),
  });
  const host = new URL(sandbox.url).host;
  const scheduler = mockServices.scheduler.mock();
  const probe = createBackendModule({
    pluginId: 'tech-insights',
    moduleId: 'retriever-context-probe',
    register(env) {
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          discovery: coreServices.discovery,
          auth: coreServices.auth,
          logger: coreServices.logger,
          urlReader: coreServices.urlReader,
        },
        async init(deps) {
          retrieverContext = deps;
        },
      });
    },
  });
  ({ server } = await startTestBackend({
    features: [
      ecsDeployReadinessPlugin,
      techInsightsPlugin,
      techInsightsJsonRulesEngine,
      techInsightsModuleEcsDeployReadiness,
      probe,
      scheduler.factory,
      catalogServiceMock.factory({ entities: exampleEntities() }),
      mockServices.rootConfig.factory({
        data: {
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
          techInsights: {
            factRetrievers: {
              ecsDeployReadinessFactRetriever: {
                cadence: '*/2 * * * *',
                lifecycle: { timeToLive: { weeks: 2 } },
              },
            },
            factChecker: { checks: documentedChecks() },
          },
        },
      }),
    ],
  }));
  tasks = () => scheduler.scheduleTask.mock.calls.map(call => call[0] as Task);
  // What the scheduler would run: the catalog link, then each shard's image audit.
  const signal = new AbortController().signal as any;
  await tasks()
    .find(t => t.id === 'ecs-deploy-readiness-link')!
    .fn(signal);
  for (const task of tasks().filter(t =>
    t.id.startsWith('ecs-deploy-readiness-images:'),
  )) {
    await task.fn(signal);
  }
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

function api(path: string, init: RequestInit = {}) {
  const { port } = server.address() as { port: number };
  return fetch(`http://localhost:${port}/api${path}`, {
    ...init,
    headers: {
      Authorization: mockCredentials.user.header(),
      'Content-Type': 'application/json',
      ...init.headers,
    },
  });
}

const byName = (facts: TechInsightFact[], name: string) =>
  facts.find(f => f.entity.name === name)?.facts;

describe('the retriever against the running plugin', () => {
  let facts: TechInsightFact[];
  /** The paths of the plugin that the run requested. */
  let requested: string[];

  beforeAll(async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    try {
      facts = await createEcsDeployReadinessFactRetriever().handler({
        ...retrieverContext,
        entityFilter: [{ kind: ['component', 'resource', 'system'] }],
      });
    } finally {
      requested = fetchSpy.mock.calls
        .map(([input]) => new URL(String(input)).pathname)
        .filter(path => path.startsWith('/api/ecs-deploy-readiness/'));
      fetchSpy.mockRestore();
    }
  });

  it('reads the scorecard in one request: the demo has fewer than 500 entities', () => {
    expect(requested).toEqual(['/api/ecs-deploy-readiness/scorecard']);
  });

  it('writes facts of the schema for every audited entity of the scorecard, and no other', async () => {
    const response = await api('/ecs-deploy-readiness/scorecard?limit=500');
    const scorecard = (await response.json()) as ScorecardPage;
    const audited = scorecard.items.filter(
      row => row.status !== 'unknown' || row.lastAudited,
    );

    expect(audited.length).toBeGreaterThan(5);
    expect(facts.map(f => f.entity.name).sort()).toEqual(
      audited.map(row => row.name).sort(),
    );
    for (const fact of facts) {
      expect({
        entity: fact.entity.name,
        errors: factTypeErrors(ecsDeployReadinessFactSchema, fact.facts),
      }).toEqual({ entity: fact.entity.name, errors: [] });
      const row = audited.find(r => r.name === fact.entity.name)!;
      expect(fact.facts).toMatchObject({
        status: row.status,
        blockingCount: row.counts.blocking,
        riskCount: row.counts.risk,
        infoCount: row.counts.info,
        stale: row.stale,
      });
      expect(fact.facts).not.toHaveProperty('pullFailures30d');
    }
  });

  it("gives each entity the check facts of its own findings and its services', as its readiness has them", async () => {
    const failingChecks = async (name: string) => {
      const fact = facts.find(f => f.entity.name === name)!;
      const { kind, namespace } = fact.entity;
      const response = await api(
        `/ecs-deploy-readiness/entities/${kind}/${namespace}/${name}/readiness`,
      );
      expect(response.status).toBe(200);
      const readiness = (await response.json()) as EntityReadiness;
      return [
        ...new Set(
          [
            ...readiness.findings,
            ...readiness.services.flatMap(service => service.findings),
          ].map(finding => finding.id),
        ),
      ].sort();
    };

    let failing = 0;
    for (const fact of facts) {
      const expected = await failingChecks(fact.entity.name);
      failing += expected.length;
      expect({
        entity: fact.entity.name,
        failing: CHECK_IDS.filter(
          id => fact.facts[checkFactName(id)] === false,
        ).sort(),
      }).toEqual({ entity: fact.entity.name, failing: expected });
      expect(
        CHECK_IDS.filter(id => fact.facts[checkFactName(id)] === true),
      ).toHaveLength(CHECK_IDS.length - expected.length);
    }
    // The demo has failing checks to compare, not only entities that pass everything.
    expect(failing).toBeGreaterThan(3);
  });

  it('says storefront-web is blocked by its arm64-only image, and checkout-api is ready', () => {
    const storefront = byName(facts, 'storefront-web')!;
    expect(storefront).toMatchObject({
      status: 'blocked',
      check_platformMissing: false,
      check_invalidReference: true,
    });
    expect(storefront.blockingCount).toBeGreaterThan(0);
    expect(DateTime.isDateTime(storefront.lastAuditedAt)).toBe(true);
    expect(
      (storefront.lastAuditedAt as DateTime).diffNow('minutes').minutes,
    ).toBeGreaterThan(-5);

    const checkout = byName(facts, 'checkout-api')!;
    expect(checkout).toMatchObject({
      status: 'ready',
      blockingCount: 0,
      riskCount: 0,
      check_platformMissing: true,
    });
  });

  it('keeps an entity whose account denies access, as stale with a failing audit-error check', () => {
    expect(byName(facts, 'billing-api')).toMatchObject({
      status: 'unknown',
      stale: true,
      check_auditError: false,
    });
  });
});

describe('through tech-insights', () => {
  const ref = 'component:default/storefront-web';
  const retrieverTask = () =>
    tasks().find(t => t.id === 'ecsDeployReadinessFactRetriever')!;

  beforeAll(async () => {
    // What tech-insights' scheduler runs on the cadence: the retriever, then the facts stored.
    await retrieverTask().fn(new AbortController().signal as any);
  });

  it('schedules the retriever on the configured cadence', () => {
    expect(retrieverTask()).toMatchObject({
      frequency: { cron: '*/2 * * * *' },
    });
  });

  it('stores the schema and serves the latest facts at /facts/latest', async () => {
    const schemas = await (
      await api(
        '/tech-insights/fact-schemas?ids[]=ecsDeployReadinessFactRetriever',
      )
    ).json();
    expect(schemas).toHaveLength(1);
    expect(schemas[0]).toMatchObject({
      id: 'ecsDeployReadinessFactRetriever',
      version: `1.${CHECK_IDS.length}.0`,
      ...ecsDeployReadinessFactSchema,
    });

    const response = await api(
      `/tech-insights/facts/latest?entity=${encodeURIComponent(
        ref,
      )}&ids[]=ecsDeployReadinessFactRetriever`,
    );
    expect(response.status).toBe(200);
    const latest = await response.json();
    const stored = latest.ecsDeployReadinessFactRetriever;
    // When the facts were retrieved, as the tech-insights UI shows it.
    expect(
      DateTime.fromISO(stored.timestamp).diffNow('minutes').minutes,
    ).toBeGreaterThan(-5);
    expect(stored.entity).toEqual({
      kind: 'component',
      namespace: 'default',
      name: 'storefront-web',
    });
    expect(
      factTypeErrors(ecsDeployReadinessFactSchema, stored.facts, {
        serialized: true,
      }),
    ).toEqual([]);
    expect(stored.facts).toMatchObject({
      status: 'blocked',
      check_platformMissing: false,
      lastAuditedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(Object.keys(stored.facts)).toEqual(
      expect.arrayContaining(CHECK_IDS.map(checkFactName)),
    );
  });

  it('keeps the last facts when a run cannot read the plugin', async () => {
    const latest = async () =>
      (
        await (
          await api(
            `/tech-insights/facts/latest?entity=${encodeURIComponent(
              ref,
            )}&ids[]=ecsDeployReadinessFactRetriever`,
          )
        ).json()
      ).ecsDeployReadinessFactRetriever;
    const before = await latest();
    const realFetch = globalThis.fetch;
    const down = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async (input, init) => {
        if (String(input).includes('/api/ecs-deploy-readiness/')) {
          throw new TypeError('fetch failed');
        }
        return realFetch(input, init);
      });
    let calls: number;
    try {
      await retrieverTask().fn(new AbortController().signal as any);
    } finally {
      calls = down.mock.calls.length;
      down.mockRestore();
    }
    expect(calls).toBeGreaterThan(0);

    expect(await latest()).toEqual(before);
    // Nothing stored by the failed run: still the one row of the first.
    const range = new URLSearchParams({
      entity: ref,
      'ids[]': 'ecsDeployReadinessFactRetriever',
      startDatetime: '2000-01-01T00:00:00Z',
      endDatetime: '2100-01-01T00:00:00Z',
    });
    const rows = await (
      await api(`/tech-insights/facts/range?${range}`)
    ).json();
    expect(rows.ecsDeployReadinessFactRetriever).toHaveLength(1);
  });

  it('runs the json-rules-engine checks of the docs on the facts', async () => {
    const run = async (name: string) => {
      const response = await api(
        `/tech-insights/checks/run/default/component/${name}`,
        { method: 'POST', body: JSON.stringify({}) },
      );
      expect(response.status).toBe(200);
      const results = (await response.json()) as Array<{
        check: { id: string };
        result: boolean;
      }>;
      return Object.fromEntries(results.map(r => [r.check.id, r.result]));
    };

    expect(Object.keys(documentedChecks())).toHaveLength(4);
    expect(await run('storefront-web')).toEqual({
      ecsDeployReadinessNotBlocked: false,
      ecsDeployReadinessNoRisks: false,
      ecsDeployReadinessImagesForPlatform: false,
      ecsDeployReadinessImagesPinned: false,
    });
    // Healthy and pinned by digest.
    expect(await run('checkout-api')).toEqual({
      ecsDeployReadinessNotBlocked: true,
      ecsDeployReadinessNoRisks: true,
      ecsDeployReadinessImagesForPlatform: true,
      ecsDeployReadinessImagesPinned: true,
    });
    // Its account denies access: nothing blocking is known, but it is not known to be fine.
    expect(await run('billing-api')).toMatchObject({
      ecsDeployReadinessNotBlocked: false,
      ecsDeployReadinessImagesForPlatform: false,
    });
  });
});
