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
 * Faults affect only what they touch (issue 11): a denied account, a throttled API, a registry
 * that never answers and the scheduler's timeout, each in a whole audit against the sandbox
 * (docs/sandbox.md) through the real SDK clients, registry code and store. Each starts from a
 * good audit and checks that nothing of it is lost: reports and pull errors are neither deleted
 * nor overwritten with less, the failed part is stale with the error, the rest is audited.
 */

import { ECSClient, DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  type Finding,
  fixFor,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { type Sandbox, type ScenarioDocument, startSandbox } from 'ecs-sandbox';
import type { Knex } from 'knex';
import { DEMO_ACCOUNTS } from '../__testUtils__/demo';
import {
  auditDeps,
  demoScenario,
  findingIdsOf,
  type StoreState,
  storeState,
  tableCounts,
} from '../__testUtils__/harness';
import {
  type RecordingProxy,
  type SilentServer,
  startRecordingProxy,
  startSilentServer,
} from '../__testUtils__/servers';
import type { ReadinessStore } from '../store/ReadinessStore';
import { AuditRunner, type AuditRunSummary } from './AuditRunner';

jest.setTimeout(60_000);

// SQLite always; PostgreSQL 15 too when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
// names one (scripts/lib/services.sh start_postgres), else its cases are skipped.
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const SHOP = '111111111111';
const PLATFORM = '222222222222';
const BILLING = '333333333333';

const ref = (name: string) => `component:default/${name}`;
/**
 * examples/catalog.yaml's components, by the account of their service (recommendations, in the
 * shop account too, is linked by a tag query that searches every account, so it is left out).
 */
const SHOP_ENTITIES = [
  'checkout-api',
  'catalog-web',
  'search-indexer',
  'storefront-web',
  'orders',
  'edge-proxy',
].map(ref);
const PLATFORM_ENTITIES = ['autotag', 'alt-text'].map(ref);

/** A change in the shop account (catalog-web scaled to 3), so that its audit is seen to write. */
function scaleCatalogWeb(scenario: ScenarioDocument) {
  const shop = scenario.clusters!.find(c => c.name === 'shop-prod')!;
  shop.services!.find(s => s.name === 'catalog-web')!.desiredCount = 3;
}

/** Every sandbox of a test is started from the same instant, so their answers are the same. */
const NOW = new Date();

const sandboxes: Array<{ stop(): Promise<void> }> = [];
async function sandboxOf(
  change: (scenario: ScenarioDocument) => void = () => {},
  options: Omit<Parameters<typeof startSandbox>[0], 'scenario'> = {},
): Promise<Sandbox> {
  const scenario = demoScenario();
  change(scenario);
  const sandbox = await startSandbox({ scenario, now: NOW, ...options });
  sandboxes.push(sandbox);
  return sandbox;
}
afterAll(async () => {
  await Promise.all(sandboxes.map(s => s.stop()));
});

/** The `audit-error` findings of an entity and of its services. */
function auditErrorFindings(state: StoreState, entityRef: string): Finding[] {
  const entity = state.entities.get(entityRef);
  return [
    ...(entity?.findings ?? []),
    ...(entity?.serviceArns ?? []).flatMap(
      arn => state.services.get(arn)?.findings ?? [],
    ),
  ].filter(f => f.id === 'audit-error');
}

/**
 * The good audit every case starts from: the demo as its story tells, only the billing account
 * (which denies access in the demo) failing.
 */
async function goodAudit(url: string, knex: Knex) {
  const summary = await AuditRunner.create(
    await auditDeps({ url, knex }),
  ).run();
  const failed = Object.keys(summary.errorsByAccount);
  if (
    failed.length !== 1 ||
    failed[0] !== BILLING ||
    summary.servicesAudited !== 9
  ) {
    throw new Error(`The good audit was not: ${JSON.stringify(summary)}`);
  }
}

/** Nothing of `before` is gone from `after`: no report deleted, no pull error deleted. */
function expectNothingLost(
  before: StoreState,
  after: StoreState,
  countsBefore: Record<string, number>,
  countsAfter: Record<string, number>,
) {
  expect([...after.entities.keys()]).toEqual(
    expect.arrayContaining([...before.entities.keys()]),
  );
  expect([...after.services.keys()]).toEqual(
    expect.arrayContaining([...before.services.keys()]),
  );
  expect(after.pullErrors.map(p => p.id)).toEqual(
    expect.arrayContaining(before.pullErrors.map(p => p.id)),
  );
  for (const table of [
    'service_reports',
    'entity_reports',
    'pull_errors',
    'status_history',
    'audit_runs',
  ]) {
    expect({ table, kept: countsAfter[table] >= countsBefore[table] }).toEqual({
      table,
      kept: true,
    });
  }
}

/** The entity's report is the one of `before`: same status, findings and services, not rewritten. */
function expectKept(before: StoreState, after: StoreState, entityRef: string) {
  const was = before.entities.get(entityRef)!;
  const is = after.entities.get(entityRef)!;
  expect(is).toBeDefined();
  expect(is).toMatchObject({
    status: was.status,
    serviceArns: was.serviceArns,
    updatedAt: was.updatedAt,
  });
  // Its last findings (entity and services) are all still there.
  expect(findingIdsOf(after, entityRef)).toEqual(
    expect.arrayContaining(findingIdsOf(before, entityRef)),
  );
  for (const arn of was.serviceArns) {
    const service = after.services.get(arn)!;
    const previous = before.services.get(arn)!;
    expect(service).toMatchObject({
      status: previous.status,
      updatedAt: previous.updatedAt,
    });
    expect(service.findings).toEqual(expect.arrayContaining(previous.findings));
  }
}

describe.each(databases.eachSupportedId())(
  'AuditRunner faults, on %s',
  databaseId => {
    describe('an account that denies access', () => {
      // A good audit of the demo, then the same audit once the platform account (autotag,
      // alt-text) denies every call, as an account whose Backstage role lost its policy does.
      let before: StoreState;
      let after: StoreState;
      let countsBefore: Record<string, number>;
      let countsAfter: Record<string, number>;
      let summary: AuditRunSummary;
      let store: ReadinessStore;

      beforeAll(async () => {
        const knex = await databases.init(databaseId);
        const healthy = await sandboxOf();
        const denying = await sandboxOf(scenario => {
          scenario.accounts.find(a => a.id === PLATFORM)!.denyAccess = true;
          scaleCatalogWeb(scenario);
        });
        await goodAudit(healthy.url, knex);
        const deps = await auditDeps({ url: denying.url, knex });
        store = deps.store;
        before = await storeState(deps.store);
        countsBefore = await tableCounts(knex);
        summary = await AuditRunner.create(deps).run();
        after = await storeState(deps.store);
        countsAfter = await tableCounts(knex);
      });

      it('audits the other accounts as usual', () => {
        expect(summary.servicesAudited).toBe(7);
        for (const entityRef of SHOP_ENTITIES) {
          expect({
            entityRef,
            stale: after.entities.get(entityRef)?.stale,
          }).toEqual({
            entityRef,
            stale: false,
          });
          expect(after.entities.get(entityRef)?.status).toBe(
            before.entities.get(entityRef)?.status,
          );
        }
        const catalogWeb = after.entities.get(ref('catalog-web'))!;
        const service = after.services.get(catalogWeb.serviceArns[0])!;
        expect(service.details.desiredCount).toBe(3);
        expect(
          service.updatedAt >
            before.services.get(service.serviceArn)!.updatedAt,
        ).toBe(true);
      });

      it("keeps the denied account's reports, marked stale with the AWS error", () => {
        for (const entityRef of PLATFORM_ENTITIES) {
          expectKept(before, after, entityRef);
          const entity = after.entities.get(entityRef)!;
          expect(entity.stale).toBe(true);
          expect(entity.staleErrors).toEqual(
            expect.arrayContaining([
              expect.objectContaining({
                code: 'AccessDeniedException',
                accountId: PLATFORM,
                api: 'ecs:DescribeServices',
              }),
            ]),
          );
          for (const arn of entity.serviceArns) {
            expect(after.services.get(arn)).toMatchObject({ stale: true });
          }
        }
      });

      it('adds an audit-error finding naming the AWS error code and the permission to add', () => {
        for (const entityRef of PLATFORM_ENTITIES) {
          const denial = auditErrorFindings(after, entityRef).find(
            f => f.evidence.code === 'AccessDeniedException',
          );
          expect({ entityRef, found: Boolean(denial) }).toEqual({
            entityRef,
            found: true,
          });
          expect(denial!.evidence).toMatchObject({
            accountId: PLATFORM,
            api: 'ecs:DescribeServices',
          });
          // What the user reads: the fix names the IAM action to allow.
          const fix = fixFor(denial!.fixKey, denial!.fixVars);
          expect(JSON.stringify(fix.steps)).toContain('ecs:DescribeServices');
        }
      });

      it('deletes no report and no pull error', () => {
        expect.hasAssertions();
        expectNothingLost(before, after, countsBefore, countsAfter);
      });

      it('records the run as partial, with the errors of the denied account', async () => {
        expect(summary.status).toBe('partial');
        const [run] = await store.listAuditRuns({ limit: 1 });
        expect(run).toMatchObject({ id: summary.runId, status: 'partial' });
        expect(Object.keys(run.errorsByAccount).sort()).toEqual([
          PLATFORM,
          BILLING,
        ]);
        expect(run.errorsByAccount[PLATFORM]).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              code: 'AccessDeniedException',
              api: 'ecs:DescribeServices',
            }),
          ]),
        );
        expect(run.errorsByAccount[PLATFORM][0].message).toContain(
          'not authorized to perform: ecs:DescribeServices',
        );
      });
    });
    describe('a throttled API', () => {
      // After a good audit, the next one runs against a sandbox that throttles
      // ecs:DescribeTasks to a burst of one call, per account and region as AWS does, on a
      // clock that stands still (so no token comes back, and the SDK's retry is throttled too).
      // Another caller has just taken the platform account's token: that shard is throttled,
      // the shop account's is not (and catalog-web has been scaled, so its audit writes).
      let before: StoreState;
      let after: StoreState;
      let countsBefore: Record<string, number>;
      let countsAfter: Record<string, number>;
      let summary: AuditRunSummary;
      let elapsedMs: number;

      beforeAll(async () => {
        const knex = await databases.init(databaseId);
        const healthy = await sandboxOf();
        await goodAudit(healthy.url, knex);

        const frozen = Date.now();
        const throttling = await sandboxOf(scaleCatalogWeb, {
          clock: () => frozen,
          throttle: {
            actions: { 'ecs:DescribeTasks': { rate: 1, burst: 1 } },
          },
        });
        const platform = DEMO_ACCOUNTS.find(a => a.accountId === PLATFORM)!;
        const other = new ECSClient({
          endpoint: throttling.url,
          region: 'us-east-1',
          maxAttempts: 1,
          credentials: {
            accessKeyId: platform.accessKeyId,
            secretAccessKey: platform.secretAccessKey,
          },
        });
        await other.send(
          new DescribeTasksCommand({
            cluster: 'tools',
            tasks: ['arn:aws:ecs:us-east-1:222222222222:task/tools/0'],
          }),
        );
        other.destroy();

        // Two attempts per call: one retry, so the test is quick and the retry is seen to fail.
        const deps = await auditDeps({
          url: throttling.url,
          knex,
          maxAttempts: 2,
        });
        before = await storeState(deps.store);
        countsBefore = await tableCounts(knex);
        const started = Date.now();
        summary = await AuditRunner.create(deps).run();
        elapsedMs = Date.now() - started;
        after = await storeState(deps.store);
        countsAfter = await tableCounts(knex);
      });

      it('finishes the run, quickly, as partial with the throttled account', () => {
        expect(elapsedMs).toBeLessThan(10_000);
        expect(summary.status).toBe('partial');
        expect(summary.errorsByAccount[PLATFORM]).toEqual([
          expect.objectContaining({
            code: 'ThrottlingException',
            api: 'ecs:DescribeTasks',
            accountId: PLATFORM,
            region: 'us-east-1',
          }),
        ]);
        expect(summary.errorsByAccount[SHOP]).toBeUndefined();
      });

      it('writes what it could read', () => {
        expect(summary.servicesAudited).toBe(7);
        for (const entityRef of SHOP_ENTITIES) {
          expect({
            entityRef,
            stale: after.entities.get(entityRef)?.stale,
          }).toEqual({ entityRef, stale: false });
          expect(findingIdsOf(after, entityRef)).toEqual(
            findingIdsOf(before, entityRef),
          );
        }
        const [arn] = after.entities.get(ref('catalog-web'))!.serviceArns;
        expect(after.services.get(arn)!.details.desiredCount).toBe(3);
      });

      it('keeps what it could not read, stale with the throttling error', () => {
        for (const entityRef of PLATFORM_ENTITIES) {
          expectKept(before, after, entityRef);
          const entity = after.entities.get(entityRef)!;
          expect(entity.stale).toBe(true);
          expect(entity.staleErrors.map(e => e.code)).toContain(
            'ThrottlingException',
          );
        }
      });

      it('adds an audit-error finding naming ThrottlingException', () => {
        for (const entityRef of PLATFORM_ENTITIES) {
          const throttled = auditErrorFindings(after, entityRef).find(
            f => f.evidence.code === 'ThrottlingException',
          );
          expect({ entityRef, found: Boolean(throttled) }).toEqual({
            entityRef,
            found: true,
          });
          expect(throttled!.evidence).toMatchObject({
            accountId: PLATFORM,
            api: 'ecs:DescribeTasks',
          });
        }
      });

      it('deletes no report and no pull error', () => {
        expect.hasAssertions();
        expectNothingLost(before, after, countsBefore, countsAfter);
      });
    });

    describe("the scheduler's timeout", () => {
      // The scheduler aborts a task that runs past its timeout through the signal it gives
      // `fn`, which plugin.ts passes to `run`. Each case starts from a good audit, aborts a run
      // against a world that has changed since (catalog-web scaled to 3), and checks that the
      // run stops at once and leaves the store as the good audit left it.

      async function abortedRun(options: {
        url: string;
        knex: Knex;
        registries?: Parameters<typeof auditDeps>[0]['registries'];
        controller: AbortController;
      }) {
        const deps = await auditDeps({
          url: options.url,
          knex: options.knex,
          registries: options.registries,
        });
        const before = await storeState(deps.store);
        const countsBefore = await tableCounts(options.knex);
        let abortedAt: number | undefined;
        options.controller.signal.addEventListener('abort', () => {
          abortedAt = Date.now();
        });
        const outcome = await AuditRunner.create(deps)
          .run({ signal: options.controller.signal })
          .then(
            value => ({ value, error: undefined }),
            (error: unknown) => ({ value: undefined, error }),
          );
        const settledAt = Date.now();
        // Anything still in flight would write now.
        await new Promise(r => setTimeout(r, 500));
        return {
          ...outcome,
          abortedAt,
          settledAt,
          before,
          after: await storeState(deps.store),
          countsBefore,
          countsAfter: await tableCounts(options.knex),
          runs: await deps.store.listAuditRuns({ limit: 1 }),
        };
      }

      function expectUntouched(result: Awaited<ReturnType<typeof abortedRun>>) {
        expect(result.error).toBeDefined();
        expect(result.value).toBeUndefined();
        expect(result.abortedAt).toBeDefined();
        expect(result.settledAt - result.abortedAt!).toBeLessThan(2_000);
        // No report written or marked stale: the store is the good audit's.
        for (const [entityRef, was] of result.before.entities) {
          expect({
            entityRef,
            report: result.after.entities.get(entityRef),
          }).toEqual({
            entityRef,
            report: was,
          });
        }
        for (const [arn, was] of result.before.services) {
          expect({ arn, report: result.after.services.get(arn) }).toEqual({
            arn,
            report: was,
          });
        }
        expectNothingLost(
          result.before,
          result.after,
          result.countsBefore,
          result.countsAfter,
        );
        expect(result.countsAfter.status_history).toBe(
          result.countsBefore.status_history,
        );
        const [run] = result.runs;
        expect(run.status).toBe('failed');
        expect(run.finishedAt).toBeDefined();
      }

      it('stops a run aborted while it collects, and writes nothing', async () => {
        expect.hasAssertions();
        const knex = await databases.init(databaseId);
        const healthy = await sandboxOf();
        await goodAudit(healthy.url, knex);
        // Every AWS answer takes 500 ms; the abort comes with the first DescribeServices.
        const slow = await sandboxOf(scaleCatalogWeb, { latencyMs: 500 });
        const controller = new AbortController();
        const proxy: RecordingProxy = await startRecordingProxy(slow.url, {
          onRequest: req => {
            if (
              String(req.headers['x-amz-target']).endsWith('.DescribeServices')
            ) {
              controller.abort(
                new DOMException('The task timed out', 'TimeoutError'),
              );
            }
          },
        });
        try {
          const result = await abortedRun({ url: proxy.url, knex, controller });
          expectUntouched(result);
        } finally {
          await proxy.close();
        }
      });

      it('stops a run aborted while it inspects images, and writes nothing', async () => {
        expect.hasAssertions();
        const knex = await databases.init(databaseId);
        const healthy = await sandboxOf();
        await goodAudit(healthy.url, knex);
        // Collection is done when the engine asks Docker Hub, which never answers.
        const sandbox = await sandboxOf(scaleCatalogWeb);
        const silent = await startSilentServer();
        const controller = new AbortController();
        silent.onConnection(() =>
          controller.abort(
            new DOMException('The task timed out', 'TimeoutError'),
          ),
        );
        try {
          const result = await abortedRun({
            url: sandbox.url,
            knex,
            controller,
            registries: {
              endpoints: { 'docker.io': silent.url },
              allowedPrivateRegistries: [silent.host],
              insecureRegistries: [silent.host],
            },
          });
          expect(silent.connections).toBeGreaterThan(0);
          expectUntouched(result);
        } finally {
          await silent.close();
        }
      });
    });
  },
);

describe('AuditRunner faults: a registry that never answers, on SQLITE_3', () => {
  // Docker Hub (edge-proxy's nginx) moves to a server that accepts connections and never sends
  // a byte. The registry request limit comes from config (`registries.requestTimeout`, 1.5 s
  // here instead of the default 10 s); once a host timed out 3 times it is not asked again. It
  // runs on SQLite only: the database plays no part in it.
  const REQUEST_LIMIT_MS = 1_500;
  let before: StoreState;
  let after: StoreState;
  let countsBefore: Record<string, number>;
  let countsAfter: Record<string, number>;
  let summary: AuditRunSummary;
  let elapsedMs: number;
  let silent: SilentServer;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const sandbox = await sandboxOf();
    silent = await startSilentServer();
    await goodAudit(sandbox.url, knex);
    const deps = await auditDeps({
      url: sandbox.url,
      knex,
      registries: {
        endpoints: { 'docker.io': silent.url },
        allowedPrivateRegistries: [silent.host],
        insecureRegistries: [silent.host],
        requestTimeout: { milliseconds: REQUEST_LIMIT_MS },
      },
    });
    before = await storeState(deps.store);
    countsBefore = await tableCounts(knex);
    const started = Date.now();
    summary = await AuditRunner.create(deps).run();
    elapsedMs = Date.now() - started;
    after = await storeState(deps.store);
    countsAfter = await tableCounts(knex);
  });
  afterAll(() => silent?.close());

  it('ends the run within the registry request limits', () => {
    expect(silent.connections).toBeGreaterThan(0);
    // At most the 3 timeouts after which the host is not asked again, and some slack.
    expect(elapsedMs).toBeLessThan(3 * REQUEST_LIMIT_MS + 2_000);
    expect(summary.status).toBe('partial');
    expect(summary.servicesAudited).toBe(9);
  });

  it('says which registry host did not answer, for the services that use it', () => {
    const edge = after.entities.get(ref('edge-proxy'))!;
    expect(edge.status).toBe('at-risk');
    const service = after.services.get(edge.serviceArns[0])!;
    // An audit-error on the kept report names the host and the fault.
    expect(service.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'audit-error',
          evidence: expect.objectContaining({
            api: 'registry:docker.io',
            code: 'RegistryTimeout',
          }),
        }),
      ]),
    );
    expect(service.staleErrors).toEqual([
      expect.objectContaining({
        api: 'registry:docker.io',
        code: 'RegistryTimeout',
      }),
    ]);
  });

  it("keeps the affected services' last findings, marked stale", () => {
    // Issue 11: "a registry that times out: those entities keep their last findings, marked
    // stale, with an audit-error finding saying what failed".
    const edge = after.entities.get(ref('edge-proxy'))!;
    expect(findingIdsOf(after, ref('edge-proxy'))).toEqual(
      expect.arrayContaining(findingIdsOf(before, ref('edge-proxy'))),
    );
    expect(edge.stale).toBe(true);
    expect(after.services.get(edge.serviceArns[0])?.stale).toBe(true);
  });

  it('leaves the services of other registries as they were', () => {
    for (const [entityRef, was] of before.entities) {
      if (entityRef === ref('edge-proxy')) continue;
      const is = after.entities.get(entityRef)!;
      expect({
        entityRef,
        updatedAt: is.updatedAt,
        findings: is.findings,
      }).toEqual({
        entityRef,
        updatedAt: was.updatedAt,
        findings: was.findings,
      });
      for (const arn of was.serviceArns) {
        const previous = before.services.get(arn);
        if (!previous) continue;
        expect(after.services.get(arn)).toMatchObject({
          updatedAt: previous.updatedAt,
          findings: previous.findings,
        });
      }
    }
  });

  it('deletes no report and no pull error', () => {
    expect.hasAssertions();
    expectNothingLost(before, after, countsBefore, countsAfter);
  });
});
