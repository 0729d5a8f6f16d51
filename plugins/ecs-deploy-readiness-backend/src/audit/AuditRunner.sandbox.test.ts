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
 * A whole audit against the sandbox's demo scenario: examples/catalog.yaml in the catalog, the
 * real SDK clients and registry code pointed at the sandbox, a SQLite store. Each demo service
 * must end in the status its story tells (docs/sandbox.md).
 */

import { resolve } from 'path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { type Sandbox, startSandbox } from 'ecs-sandbox';
import {
  DEMO_ACCOUNTS,
  EXAMPLES,
  demoTaskOptions,
} from '../__testUtils__/demo';
import { AwsClients } from '../aws';
import { AuditRunner, type AuditRunnerOptions } from './AuditRunner';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let sandbox: Sandbox;
const runnerOptions = new Map<AuditRunner, AuditRunnerOptions>();

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: resolve(EXAMPLES, 'demo-scenario.yaml'),
  });
}, 60_000);

afterAll(() => sandbox?.stop());

async function setUp(extra: Partial<AuditRunnerOptions> = {}) {
  const options = {
    ...(await demoTaskOptions(sandbox, databases)),
    ...extra,
  };
  const runner = AuditRunner.create(options);
  runnerOptions.set(runner, options);
  return { store: options.store, runner, clients: options.clients };
}

const DEMO_SERVICES = [
  'checkout-api',
  'catalog-web',
  'search-indexer',
  'storefront-web',
  'orders',
  'autotag',
  'alt-text',
  'edge-proxy',
  'recommendations',
  'billing-api',
];

const ids = (findings: Array<{ id: string }>) => [
  ...new Set(findings.map(f => f.id)),
];

describe('AuditRunner against the demo scenario', () => {
  it('audits every demo service into the status of its story, and stores the pull errors', async () => {
    const { store, runner } = await setUp();
    const summary = await runner.run();

    const entity = async (name: string) => {
      const report = await store.getEntityReport(`component:default/${name}`);
      expect(report).toBeDefined();
      const services = await store.getServiceReports(report!.serviceArns);
      return {
        status: report!.status,
        stale: report!.stale,
        staleCodes: report!.staleErrors.map(e => e.code),
        entityFindings: ids(report!.findings),
        serviceFindings: ids(services.flatMap(s => s.findings)),
        services,
      };
    };

    const statuses: Record<string, string> = {};
    for (const name of DEMO_SERVICES) {
      const e = await entity(name);
      statuses[name] = `${e.status}${e.stale ? ' (stale)' : ''}`;
    }
    expect(statuses).toEqual({
      'checkout-api': 'ready',
      'catalog-web': 'ready',
      'search-indexer': 'blocked',
      'storefront-web': 'blocked',
      orders: 'blocked',
      autotag: 'blocked',
      'alt-text': 'blocked',
      'edge-proxy': 'at-risk',
      recommendations: 'at-risk',
      'billing-api': 'unknown (stale)',
    });

    // Seed 001: an arm64-only index on X86_64 Fargate.
    const storefront = await entity('storefront-web');
    expect(storefront.status).toBe('blocked');
    expect(storefront.serviceFindings).toContain('platform-missing');

    // Seed 000: gzip and zstd layers under Docker media types.
    const search = await entity('search-indexer');
    expect(search.status).toBe('blocked');
    expect(search.serviceFindings).toContain('mixed-layer-compression');
    const searchDeployments = search.services[0].details.deployments as any[];
    expect(searchDeployments.map(d => d.status)).toEqual(
      expect.arrayContaining(['PRIMARY', 'ACTIVE']),
    );

    // Seed 002: the deployed digest was deleted.
    const orders = await entity('orders');
    expect(orders.status).toBe('blocked');
    expect(orders.serviceFindings).toContain('deployed-digest-missing');

    // Seed 003: CDK pushes.
    expect((await entity('autotag')).serviceFindings).toContain('not-an-image');
    expect((await entity('alt-text')).serviceFindings).toContain('empty-image');

    // Docker Hub without credentials; a mutable tag without a digest, linked by tags.
    expect((await entity('edge-proxy')).serviceFindings).toContain(
      'dockerhub-unauthenticated',
    );
    expect((await entity('recommendations')).serviceFindings).toContain(
      'mutable-tag-reference',
    );

    // The denied account: no report to keep, so unknown, stale with the error.
    const billing = await entity('billing-api');
    expect(billing).toMatchObject({ status: 'unknown', stale: true });
    expect(billing.staleCodes).toContain('AccessDeniedException');
    expect(billing.entityFindings).toEqual(['audit-error']);

    // The status history: one first entry per entity, for the trends.
    for (const name of DEMO_SERVICES) {
      const history = await store.listStatusHistory({
        subjectKind: 'entity',
        subject: `component:default/${name}`,
      });
      expect(history.map(h => [h.fromStatus, h.toStatus])).toEqual([
        [undefined, statuses[name].replace(' (stale)', '')],
      ]);
    }
    expect(summary.errorsByAccount['333333333333']?.[0]?.code).toBe(
      'AccessDeniedException',
    );

    // The run record.
    expect(summary.status).toBe('partial');
    const [run] = await store.listAuditRuns({ limit: 1 });
    expect(run).toMatchObject({
      id: summary.runId,
      status: 'partial',
      servicesAudited: 9,
      entitiesAudited: 10,
    });
    expect(run.callsByApi['ecs:DescribeServices']).toBeGreaterThan(0);

    // Pull errors of the stopped tasks, classified.
    expect(summary.pullErrorsAdded).toBeGreaterThan(0);
    const page = await store.listPullErrors({
      entityRef: 'component:default/search-indexer',
      limit: 500,
    });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.map(p => p.category)).toEqual(
      page.items.map(() => 'mixed-compression'),
    );
    // Linked to the finding that explains them.
    for (const error of page.items) {
      expect((error.classified as any).confirmedBy).toContain(
        'mixed-layer-compression',
      );
    }
  }, 120_000);

  it("diagnoses every demo pull failure with its story's cause, decided by the audit's evidence", async () => {
    const { store, runner } = await setUp();
    await runner.run();

    // Every stopped task of the demo whose stop reason is a pull (or start) failure: the cause
    // of its story, decided by the finding that the audit made of the same service.
    const diagnoses: Record<string, string[]> = {};
    for (const name of DEMO_SERVICES) {
      const page = await store.listPullErrors({
        entityRef: `component:default/${name}`,
        limit: 500,
      });
      const seen = new Set(
        page.items.map(p => {
          const d = p.classified.diagnosis;
          return [p.category, d?.fixKey, d?.decidedBy, d?.evidence[0]?.checkId]
            .filter(Boolean)
            .join(' ');
        }),
      );
      if (seen.size) diagnoses[name] = [...seen];
    }
    expect(diagnoses).toEqual({
      // Seed 000: gzip and zstd layers under Docker media types.
      'search-indexer': [
        'mixed-compression mixed-layer-compression evidence mixed-layer-compression',
      ],
      // Seed 001: an arm64-only index on X86_64 Fargate.
      'storefront-web': [
        'platform-mismatch platform-missing evidence platform-missing',
      ],
      // Seed 002: the tag moved and the digest ECS resolved was deleted.
      orders: [
        'manifest-unknown-digest-deleted deployed-digest-missing evidence deployed-digest-missing',
      ],
      // Seed 003: CDK pushes, an attestation manifest and a zero-size image.
      autotag: ['attestation-media-type not-an-image evidence not-an-image'],
      'alt-text': ['other empty-image evidence empty-image'],
      // Docker Hub's pull limit on an anonymous pull.
      'edge-proxy': [
        'rate-limited dockerhub-unauthenticated evidence dockerhub-unauthenticated',
      ],
      // The ECR token could not be fetched (network): nothing in the image to find; the
      // message decides.
      'checkout-api': ['ecr-auth-network ecr-auth-network message'],
    });
  }, 120_000);

  it('announces each entity status change once: the first reports, then nothing for an unchanged audit', async () => {
    const changes: Array<{ entityRef: string; from?: string; to: string }> = [];
    const { runner } = await setUp({
      onEntityStatusChanged: async change => {
        changes.push({
          entityRef: change.entityRef,
          from: change.from,
          to: change.to,
        });
        // Failures of the listener are logged, never the audit's.
        if (change.entityRef.endsWith('/orders')) throw new Error('boom');
      },
    });

    const first = await runner.run();
    const blockedFirst = changes.filter(c => c.to === 'blocked');
    changes.length = 0;
    await runner.run();

    expect(first.status).toBe('partial');
    expect(blockedFirst.map(c => c.entityRef).sort()).toEqual([
      'component:default/alt-text',
      'component:default/autotag',
      'component:default/orders',
      'component:default/search-indexer',
      'component:default/storefront-web',
    ]);
    expect(blockedFirst.every(c => c.from === undefined)).toBe(true);
    expect(changes).toEqual([]);
  }, 120_000);

  it('writes nothing on a second run of unchanged services, and reads documents from the cache', async () => {
    const { store, runner } = await setUp();
    const first = await runner.run();
    const billingBefore = await store.getEntityReport(
      'component:default/billing-api',
    );
    const second = await runner.run();

    expect(first.servicesWritten).toBe(9);
    expect(second).toMatchObject({
      status: 'partial',
      servicesAudited: 9,
      servicesWritten: 0,
      entitiesWritten: 0,
      pullErrorsAdded: 0,
    });
    // Task definitions come from the store the second time.
    expect(second.callsByApi['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(second.cacheHits).toBeGreaterThan(0);
    // The denied account's entity stays stale since the first run.
    const billingAfter = await store.getEntityReport(
      'component:default/billing-api',
    );
    expect(billingAfter).toMatchObject({
      stale: true,
      staleSince: billingBefore!.staleSince,
      updatedAt: billingBefore!.updatedAt,
    });
    const history = await store.listStatusHistory({
      subjectKind: 'entity',
      subject: 'component:default/orders',
    });
    expect(history).toHaveLength(1);
  }, 120_000);

  it('keeps the last report of a service whose shard fails later, marked stale with the error', async () => {
    const { store, runner } = await setUp();
    await runner.run();
    const orders = (await store.getEntityReport('component:default/orders'))!;

    // The shop account starts denying: its shard fails, the run goes on.
    const denied = AuditRunner.create({
      ...runnerOptions.get(runner)!,
      clients: AwsClients.create({
        config: new ConfigReader({
          aws: {
            accounts: DEMO_ACCOUNTS.map(a =>
              a.accountId === '111111111111'
                ? { ...a, accessKeyId: 'AKIAUNKNOWNKEY000001' }
                : a,
            ),
          },
          ecsDeployReadiness: { aws: { endpoint: sandbox.url } },
        }),
      }),
    });
    const summary = await denied.run();

    expect(summary.status).toBe('partial');
    expect(Object.keys(summary.errorsByAccount).sort()).toEqual([
      '111111111111',
      '333333333333',
    ]);
    const after = (await store.getEntityReport('component:default/orders'))!;
    // Its findings as they were, and one audit-error per fault that kept it from being read.
    expect(after).toMatchObject({
      status: 'blocked',
      stale: true,
      findings: [
        ...orders.findings,
        {
          id: 'audit-error',
          severity: 'risk',
          fixKey: 'audit-error',
          evidence: {
            code: 'UnrecognizedClientException',
            api: 'ecs:DescribeServices',
            accountId: '111111111111',
          },
        },
      ],
      updatedAt: orders.updatedAt,
    });
    expect(after.findings).toHaveLength(orders.findings.length + 1);
    expect(after.staleErrors.map(e => e.accountId)).toEqual(['111111111111']);
    const service = (await store.getServiceReport(orders.serviceArns[0]))!;
    expect(service).toMatchObject({ status: 'blocked', stale: true });
    // Another account's services were audited as before.
    expect(
      (await store.getEntityReport('component:default/autotag'))!.stale,
    ).toBe(false);
  }, 120_000);
});
