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
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import type {
  ClassifiedPullError,
  Finding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { DatabaseReadinessStore } from './DatabaseReadinessStore';
import type {
  EntityMetaInput,
  EntityStatus,
  PullErrorInput,
  PullErrorSummary,
  ScorecardEntry,
  ScorecardQuery,
  ServiceReportInput,
  TrendDay,
} from './ReadinessStore';

jest.setTimeout(60_000);

const TABLES = [
  'service_reports',
  'entity_reports',
  'entity_services',
  'status_history',
  'pull_errors',
  'task_definitions',
  'documents',
  'audit_runs',
  'links',
  'link_errors',
  'service_deployments',
  'service_events',
  'entities',
  'gate_decisions',
];

// Every case runs on SQLite and on PostgreSQL 15. PostgreSQL is the real server that
// `./scripts/test` starts (scripts/lib/services.sh), reached through
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. When that variable is absent and Docker
// is disabled (BACKSTAGE_TEST_DISABLE_DOCKER=1), TestDatabases does not support POSTGRES_15 and
// its cases are reported as skipped (`describe.skip`), never passed; the guard test below fails if
// the variable is set and PostgreSQL still does not run.
const DATABASE_IDS: TestDatabaseId[] = ['SQLITE_3', 'POSTGRES_15'];
const databases = TestDatabases.create({ ids: DATABASE_IDS });

it('runs the PostgreSQL cases whenever a PostgreSQL 15 connection string is set', () => {
  const configured = Boolean(
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
  );
  expect(databases.supports('SQLITE_3')).toBe(true);
  expect(
    configured ? databases.supports('POSTGRES_15') : 'not configured',
  ).not.toBe(false);
});

const SERVICE = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web';
const OTHER_SERVICE = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/worker';
const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  id: 'mutable-tag-reference',
  severity: 'risk',
  title: 'The image is referenced by a tag',
  evidence: { tag: 'latest', platforms: ['linux/amd64'] },
  fixKey: 'mutable-tag-reference',
  fixVars: { image: 'nginx:latest', tag: 'latest' },
  image: 'nginx:latest',
  container: 'web',
  ...overrides,
});

const serviceReport = (
  overrides: Partial<ServiceReportInput> = {},
): ServiceReportInput => ({
  serviceArn: SERVICE,
  accountId: '123456789012',
  region: 'eu-west-1',
  clusterArn: CLUSTER,
  status: 'at-risk',
  findings: [finding()],
  details: { taskDefinitionArns: ['arn:td:1'] },
  ...overrides,
});

// Cast: the classifier's ranked candidates are being added (issue 15).
const classified = {
  category: 'manifest-unknown-tag',
  fixKey: 'manifest-unknown-tag',
  fixVars: { image: 'nginx:gone' },
  confidence: 'high',
  extracted: { image: 'nginx:gone', tag: 'gone' },
  candidates: [
    {
      category: 'manifest-unknown-tag',
      fixKey: 'manifest-unknown-tag',
      confidence: 0.9,
      reason: 'the registry has no such tag',
    },
  ],
  ambiguous: false,
} as ClassifiedPullError;

const pullError = (
  taskId: string,
  occurredAt: Date | string,
  overrides: Partial<PullErrorInput> = {},
): PullErrorInput => ({
  taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/prod/${taskId}`,
  container: 'web',
  serviceArn: SERVICE,
  accountId: '123456789012',
  region: 'eu-west-1',
  message: 'CannotPullContainerError: manifest unknown',
  classified,
  image: 'nginx:gone',
  occurredAt,
  ...overrides,
});

/** The catalog view of `component:default/<name>`. */
const meta = (
  name: string,
  overrides: Partial<EntityMetaInput> = {},
): EntityMetaInput => ({
  entityRef: `component:default/${name}`,
  kind: 'Component',
  namespace: 'default',
  name,
  ...overrides,
});

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

for (const databaseId of DATABASE_IDS) {
  const describeIfSupported = databases.supports(databaseId)
    ? describe
    : describe.skip;
  describeIfSupported(`DatabaseReadinessStore on ${databaseId}`, () => {
    let now: Date;
    const tick = (ms = 60_000) => {
      now = new Date(now.getTime() + ms);
    };

    async function setUp(): Promise<{
      knex: Knex;
      store: DatabaseReadinessStore;
    }> {
      now = new Date('2026-06-01T10:00:00.000Z');
      const knex = await databases.init(databaseId);
      const store = await DatabaseReadinessStore.create({
        database: mockServices.database({ knex }),
        clock: () => now,
      });
      return { knex, store };
    }

    it('migrates up, down and up again', async () => {
      const { knex, store } = await setUp();
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await store.upsertServiceReport(serviceReport());

      await knex.migrate.rollback(
        { directory: DatabaseReadinessStore.migrationsDirectory },
        true,
      );
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }

      const again = await DatabaseReadinessStore.create({
        database: mockServices.database({ knex }),
        clock: () => now,
      });
      expect(await again.getServiceReport(SERVICE)).toBeUndefined();
      expect((await again.upsertServiceReport(serviceReport())).written).toBe(
        true,
      );
    });

    it('does not migrate when migrations are skipped', async () => {
      const knex = await databases.init(databaseId);
      await DatabaseReadinessStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });
      expect(await knex.schema.hasTable('service_reports')).toBe(false);
    });

    it('does not rewrite an unchanged service report', async () => {
      const { store } = await setUp();
      expect(await store.upsertServiceReport(serviceReport())).toEqual({
        written: true,
        statusChanged: true,
      });
      const first = await store.getServiceReport(SERVICE);
      expect(first).toMatchObject({
        status: 'at-risk',
        findings: [finding()],
        stale: false,
        staleErrors: [],
        updatedAt: '2026-06-01T10:00:00.000Z',
        statusSince: '2026-06-01T10:00:00.000Z',
      });
      // Stored with fixKey and fixVars, as given, no rendered prose.
      expect(first?.findings[0].fixKey).toBe('mutable-tag-reference');
      expect(first?.findings[0].fixVars).toEqual({
        image: 'nginx:latest',
        tag: 'latest',
      });

      tick();
      // Same content with keys in another order: unchanged.
      const reordered = serviceReport({
        details: { taskDefinitionArns: ['arn:td:1'] },
        findings: [
          {
            container: 'web',
            image: 'nginx:latest',
            fixVars: { tag: 'latest', image: 'nginx:latest' },
            fixKey: 'mutable-tag-reference',
            evidence: { platforms: ['linux/amd64'], tag: 'latest' },
            title: 'The image is referenced by a tag',
            severity: 'risk',
            id: 'mutable-tag-reference',
          },
        ],
      });
      expect(await store.upsertServiceReport(reordered)).toEqual({
        written: false,
        statusChanged: false,
        previousStatus: 'at-risk',
      });
      expect((await store.getServiceReport(SERVICE))?.updatedAt).toBe(
        '2026-06-01T10:00:00.000Z',
      );
      expect(
        await store.listStatusHistory({
          subjectKind: 'service',
          subject: SERVICE,
        }),
      ).toHaveLength(1);

      tick();
      // New findings, same status: rewritten, no history row.
      const changed = serviceReport({
        findings: [finding({ evidence: { tag: 'stable' } })],
      });
      expect(await store.upsertServiceReport(changed)).toEqual({
        written: true,
        statusChanged: false,
        previousStatus: 'at-risk',
      });
      expect(await store.getServiceReport(SERVICE)).toMatchObject({
        updatedAt: '2026-06-01T10:02:00.000Z',
        statusSince: '2026-06-01T10:00:00.000Z',
      });
      expect(
        await store.listStatusHistory({
          subjectKind: 'service',
          subject: SERVICE,
        }),
      ).toHaveLength(1);
    });

    it('records a status change once', async () => {
      const { store } = await setUp();
      await store.upsertServiceReport(serviceReport());
      tick();
      const blocked = serviceReport({
        status: 'blocked',
        findings: [finding({ id: 'tag-not-found', severity: 'blocking' })],
      });
      expect(
        await store.upsertServiceReport(blocked, { auditRunId: 7 }),
      ).toEqual({
        written: true,
        statusChanged: true,
        previousStatus: 'at-risk',
      });
      tick();
      expect((await store.upsertServiceReport(blocked)).written).toBe(false);

      expect(
        await store.listStatusHistory({
          subjectKind: 'service',
          subject: SERVICE,
        }),
      ).toEqual([
        {
          subjectKind: 'service',
          subject: SERVICE,
          fromStatus: 'at-risk',
          toStatus: 'blocked',
          changedAt: '2026-06-01T10:01:00.000Z',
          auditRunId: 7,
        },
        {
          subjectKind: 'service',
          subject: SERVICE,
          toStatus: 'at-risk',
          changedAt: '2026-06-01T10:00:00.000Z',
        },
      ]);
      expect(await store.getServiceReport(SERVICE)).toMatchObject({
        status: 'blocked',
        statusSince: '2026-06-01T10:01:00.000Z',
      });

      // Entities: the same rule, refs matched case-insensitively.
      const entity = {
        entityRef: 'Component:default/Web',
        status: 'blocked' as const,
        serviceArns: [SERVICE],
        findings: [],
        counts: { blocked: 1 },
      };
      expect((await store.upsertEntityReport(entity)).statusChanged).toBe(true);
      expect((await store.upsertEntityReport(entity)).written).toBe(false);
      tick();
      expect(
        await store.upsertEntityReport({
          ...entity,
          status: 'ready',
          counts: { ready: 1 },
        }),
      ).toEqual({
        written: true,
        statusChanged: true,
        previousStatus: 'blocked',
      });
      const history = await store.listStatusHistory({
        subjectKind: 'entity',
        subject: 'component:default/web',
      });
      expect(history.map(h => [h.fromStatus, h.toStatus])).toEqual([
        ['blocked', 'ready'],
        [undefined, 'blocked'],
      ]);
      expect(
        await store.getEntityReport('component:default/web'),
      ).toMatchObject({
        entityRef: 'component:default/web',
        status: 'ready',
        serviceArns: [SERVICE],
        counts: { ready: 1 },
      });
    });

    it('lists entity reports filtered, sorted and paged', async () => {
      const { store } = await setUp();
      const statuses = ['ready', 'blocked', 'at-risk', 'unknown'] as const;
      for (const [i, status] of statuses.entries()) {
        await store.upsertEntityReport({
          entityRef: `component:default/e${i}`,
          status,
          serviceArns: [],
          findings: [],
          counts: {},
        });
      }
      const all = await store.listEntityReports();
      expect(all.totalCount).toBe(4);
      expect(all.items.map(i => i.entityRef)).toEqual([
        'component:default/e0',
        'component:default/e1',
        'component:default/e2',
        'component:default/e3',
      ]);
      const bad = await store.listEntityReports({
        status: ['blocked', 'at-risk'],
        orderBy: 'entityRef',
        order: 'desc',
        limit: 1,
      });
      expect(bad.totalCount).toBe(2);
      expect(bad.items.map(i => i.status)).toEqual(['at-risk']);
      const page2 = await store.listEntityReports({ limit: 3, offset: 3 });
      expect(page2.items.map(i => i.entityRef)).toEqual([
        'component:default/e3',
      ]);

      await store.deleteEntityReport('component:default/e0');
      expect(
        await store.getEntityReport('component:default/e0'),
      ).toBeUndefined();
      expect((await store.listEntityReports()).totalCount).toBe(3);
    });

    it('marks reports stale and keeps their findings', async () => {
      const { store } = await setUp();
      await store.upsertServiceReport(serviceReport());
      await store.upsertServiceReport(
        serviceReport({ serviceArn: OTHER_SERVICE }),
      );
      await store.upsertEntityReport({
        entityRef: 'component:default/web',
        status: 'at-risk',
        serviceArns: [SERVICE],
        findings: [],
        counts: { 'at-risk': 1 },
      });
      await store.upsertEntityReport({
        entityRef: 'component:default/worker',
        status: 'at-risk',
        serviceArns: [OTHER_SERVICE],
        findings: [],
        counts: { 'at-risk': 1 },
      });

      tick();
      const errors = [
        {
          code: 'AccessDeniedException',
          message: 'not authorized to perform ecs:DescribeServices',
          accountId: '123456789012',
          region: 'eu-west-1',
          api: 'ecs:DescribeServices',
        },
      ];
      // The service and the entity that links to it.
      expect(await store.markStale({ serviceArns: [SERVICE], errors })).toBe(2);
      const stale = await store.getServiceReport(SERVICE);
      expect(stale).toMatchObject({
        stale: true,
        staleErrors: errors,
        staleSince: '2026-06-01T10:01:00.000Z',
        status: 'at-risk',
        // The stored findings, and an audit-error for the fault, derived while stale.
        findings: [
          finding(),
          {
            id: 'audit-error',
            severity: 'risk',
            fixKey: 'audit-error',
            evidence: errors[0],
            fixVars: { accountId: '123456789012', region: 'eu-west-1' },
          },
        ],
        updatedAt: '2026-06-01T10:00:00.000Z',
      });
      expect(
        await store.getEntityReport('component:default/web'),
      ).toMatchObject({
        stale: true,
        staleErrors: errors,
        status: 'at-risk',
      });
      expect(
        (await store.getEntityReport('component:default/worker'))?.stale,
      ).toBe(false);
      expect((await store.getServiceReport(OTHER_SERVICE))?.stale).toBe(false);
      expect(
        (await store.listEntityReports({ stale: true })).items.map(
          i => i.entityRef,
        ),
      ).toEqual(['component:default/web']);

      // Still failing a minute later: stale since the first failure.
      tick();
      await store.markStale({ serviceArns: [SERVICE], errors });
      expect((await store.getServiceReport(SERVICE))?.staleSince).toBe(
        '2026-06-01T10:01:00.000Z',
      );

      // The next good audit with the same content clears the flag, without a history row.
      tick();
      expect(await store.upsertServiceReport(serviceReport())).toEqual({
        written: true,
        statusChanged: false,
        previousStatus: 'at-risk',
      });
      expect(await store.getServiceReport(SERVICE)).toMatchObject({
        stale: false,
        staleErrors: [],
        staleSince: undefined,
        updatedAt: '2026-06-01T10:00:00.000Z',
      });
      expect(
        await store.listStatusHistory({
          subjectKind: 'service',
          subject: SERVICE,
        }),
      ).toHaveLength(1);
      expect((await store.upsertServiceReport(serviceReport())).written).toBe(
        false,
      );
    });

    it('stores a pull error once per task and container', async () => {
      const { store } = await setUp();
      const a = pullError('a', '2026-05-30T08:00:00.000Z');
      const b = pullError('b', '2026-05-31T08:00:00.000Z');
      const bOtherContainer = pullError('b', '2026-05-31T08:00:00.000Z', {
        container: 'sidecar',
      });
      expect(await store.addPullErrors([a, b, a, bOtherContainer])).toBe(3);
      expect(
        await store.addPullErrors([
          a,
          b,
          pullError('c', new Date('2026-06-01T08:00:00.000Z')),
        ]),
      ).toBe(1);
      expect(await store.addPullErrors([])).toBe(0);

      const page = await store.listPullErrors({ serviceArn: SERVICE });
      expect(page.nextCursor).toBeUndefined();
      expect(
        page.items.map(i => [i.taskArn.split('/').pop(), i.container]),
      ).toEqual([
        ['c', 'web'],
        ['b', 'sidecar'],
        ['b', 'web'],
        ['a', 'web'],
      ]);
      expect(page.items[0]).toMatchObject({
        category: 'manifest-unknown-tag',
        classified,
        occurredAt: '2026-06-01T08:00:00.000Z',
        recordedAt: '2026-06-01T10:00:00.000Z',
        image: 'nginx:gone',
      });

      // A task-level error (no container) is its own key.
      expect(
        await store.addPullErrors([
          pullError('a', '2026-05-30T08:00:00.000Z', { container: undefined }),
        ]),
      ).toBe(1);
      expect(
        await store.addPullErrors([
          pullError('a', '2026-05-30T08:00:00.000Z', { container: undefined }),
        ]),
      ).toBe(0);
    });

    it('lists pull errors by entity and time, newest first, in pages', async () => {
      const { store } = await setUp();
      await store.upsertEntityReport({
        entityRef: 'component:default/web',
        status: 'blocked',
        serviceArns: [SERVICE],
        findings: [],
        counts: { blocked: 1 },
      });
      const errors = Array.from({ length: 5 }, (_, i) =>
        pullError(`t${i}`, `2026-05-2${i}T00:00:00.000Z`),
      );
      errors.push(
        pullError('other', '2026-05-25T00:00:00.000Z', {
          serviceArn: OTHER_SERVICE,
        }),
      );
      await store.addPullErrors(errors);

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listPullErrors({
          entityRef: 'Component:default/web',
          limit: 2,
          cursor,
        });
        seen.push(...page.items.map(i => i.taskArn.split('/').pop()!));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).toEqual(['t4', 't3', 't2', 't1', 't0']);
      expect(pages).toBe(3);

      const window = await store.listPullErrors({
        entityRef: 'component:default/web',
        since: '2026-05-21T00:00:00.000Z',
        until: new Date('2026-05-23T00:00:00.000Z'),
      });
      expect(window.items.map(i => i.taskArn.split('/').pop())).toEqual([
        't2',
        't1',
      ]);

      await expect(
        store.listPullErrors({ serviceArn: SERVICE, cursor: 'nonsense' }),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        store.listPullErrors({ serviceArn: SERVICE, since: 'yesterday' }),
      ).rejects.toBeInstanceOf(InputError);
    });

    it('pages the pull errors of an entity with several services newest first, ties by id', async () => {
      const { store } = await setUp();
      const THIRD = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/third';
      await store.upsertEntityReport({
        entityRef: 'component:default/web',
        status: 'blocked',
        serviceArns: [SERVICE, OTHER_SERVICE, THIRD],
        findings: [],
        counts: {},
      });
      const services = [SERVICE, OTHER_SERVICE, THIRD];
      // 12 errors over 3 services, four at the same time.
      await store.addPullErrors(
        Array.from({ length: 12 }, (_, i) =>
          pullError(
            `t${String(i).padStart(2, '0')}`,
            i < 4
              ? '2026-05-31T00:00:00.000Z'
              : `2026-05-2${i % 10}T00:00:00.000Z`,
            { serviceArn: services[i % 3] },
          ),
        ),
      );
      const all = await store.listPullErrors({
        entityRef: 'component:default/web',
        limit: 500,
      });
      expect(all.items).toHaveLength(12);
      for (let i = 1; i < all.items.length; i++) {
        const [a, b] = [all.items[i - 1], all.items[i]];
        expect(
          a.occurredAt > b.occurredAt ||
            (a.occurredAt === b.occurredAt && a.id > b.id),
        ).toBe(true);
      }
      for (const limit of [1, 3, 5]) {
        const seen: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listPullErrors({
            entityRef: 'component:default/web',
            limit,
            cursor,
          });
          seen.push(...page.items.map(i => i.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(all.items.map(i => i.id));
      }
      // One of its services, and a service it does not link to.
      expect(
        (
          await store.listPullErrors({
            entityRef: 'component:default/web',
            serviceArn: THIRD,
          })
        ).items.map(i => i.serviceArn),
      ).toEqual([THIRD, THIRD, THIRD, THIRD]);
      expect(
        (
          await store.listPullErrors({
            entityRef: 'component:default/other',
          })
        ).items,
      ).toEqual([]);
    });

    it('prunes pull errors older than the retention', async () => {
      const { store } = await setUp();
      await store.addPullErrors([
        pullError('old', '2026-02-01T00:00:00.000Z'),
        pullError('edge', '2026-03-03T10:00:00.000Z'),
        pullError('new', '2026-05-31T00:00:00.000Z'),
      ]);
      const ninetyDaysAgo = new Date(now.getTime() - 90 * 24 * 3600 * 1000);
      expect(ninetyDaysAgo.toISOString()).toBe('2026-03-03T10:00:00.000Z');
      expect(await store.prunePullErrors({ olderThan: ninetyDaysAgo })).toBe(1);
      const left = await store.listPullErrors({ serviceArn: SERVICE });
      expect(left.items.map(i => i.taskArn.split('/').pop())).toEqual([
        'new',
        'edge',
      ]);
      expect(await store.prunePullErrors({ olderThan: ninetyDaysAgo })).toBe(0);
    });

    it('keeps task definitions by ARN', async () => {
      const { knex, store } = await setUp();
      const arn = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42';
      expect(await store.getTaskDefinition(arn)).toBeUndefined();
      const definition = {
        family: 'web',
        revision: 42,
        containerDefinitions: [{ name: 'web', image: 'nginx:1.27' }],
      };
      await store.putTaskDefinition(arn, definition);
      await store.putTaskDefinition(arn, definition);
      expect(await store.getTaskDefinition(arn)).toEqual(definition);
      expect(
        await knex('task_definitions').select('family', 'revision'),
      ).toEqual([{ family: 'web', revision: 42 }]);
    });

    it('is a persistent, verified document cache', async () => {
      const { knex, store } = await setUp();
      const cache = store.documentCache({ maxEntryBytes: 64 });
      expect(cache.persistent).toBe(true);

      const bytes = Buffer.from('{"schemaVersion":2}');
      const digest = sha256(bytes);
      expect(await cache.get(digest)).toBeUndefined();
      await cache.set(digest, bytes);
      await cache.set(digest, bytes); // twice is fine
      expect(await cache.get(digest)).toEqual(bytes);
      // Another cache on the same database (another audit, another replica) sees it.
      expect(await store.documentCache().get(digest)).toEqual(bytes);
      expect(cache.stats()).toEqual({ hits: 1, misses: 1 });

      // Bytes that do not match the digest, a malformed digest, an oversized document: not kept.
      const other = Buffer.from('other');
      await cache.set(digest.replace(/.$/, '0'), other);
      await cache.set('sha256:../../etc/passwd', other);
      const big = Buffer.alloc(65, 1);
      await cache.set(sha256(big), big);
      expect(
        (await knex('documents').select('digest')).map(r => r.digest),
      ).toEqual([digest]);

      // An oversized entry stored by a larger cache is a miss for a smaller one.
      await store.documentCache().set(sha256(big), big);
      expect(await store.documentCache().get(sha256(big))).toEqual(big);
      expect(await cache.get(sha256(big))).toBeUndefined();

      // A corrupt row is a miss and is removed.
      await knex('documents')
        .where({ digest })
        .update({ bytes: Buffer.from('{"schemaVersion":3}') });
      expect(await cache.get(digest)).toBeUndefined();
      expect(await knex('documents').where({ digest }).first()).toBeUndefined();

      // Pruning by age.
      tick(24 * 3600 * 1000);
      await cache.set(digest, bytes);
      expect(await store.pruneDocuments({ olderThan: now })).toBe(1);
      expect(await cache.get(digest)).toEqual(bytes);
    });

    it('records audit runs', async () => {
      const { store } = await setUp();
      const first = await store.startAuditRun({ trigger: 'schedule' });
      tick(30_000);
      await store.finishAuditRun(first, {
        status: 'partial',
        servicesAudited: 12,
        entitiesAudited: 4,
        callsByApi: { 'ecs:DescribeServices': 3, 'ecr:BatchGetImage': 9 },
        cacheHits: 3,
        cacheMisses: 1,
        errorsByAccount: {
          '210987654321': [
            {
              code: 'AccessDeniedException',
              message: 'no',
              region: 'us-east-1',
            },
          ],
        },
      });
      tick();
      const second = await store.startAuditRun({ trigger: 'manual' });
      expect(second).not.toBe(first);

      const runs = await store.listAuditRuns();
      expect(runs).toEqual([
        {
          id: second,
          trigger: 'manual',
          status: 'running',
          startedAt: '2026-06-01T10:01:30.000Z',
          finishedAt: undefined,
          servicesAudited: 0,
          entitiesAudited: 0,
          callsByApi: {},
          cacheHits: 0,
          cacheMisses: 0,
          cacheHitRate: undefined,
          errorsByAccount: {},
        },
        {
          id: first,
          trigger: 'schedule',
          status: 'partial',
          startedAt: '2026-06-01T10:00:00.000Z',
          finishedAt: '2026-06-01T10:00:30.000Z',
          servicesAudited: 12,
          entitiesAudited: 4,
          callsByApi: { 'ecs:DescribeServices': 3, 'ecr:BatchGetImage': 9 },
          cacheHits: 3,
          cacheMisses: 1,
          cacheHitRate: 0.75,
          errorsByAccount: {
            '210987654321': [
              {
                code: 'AccessDeniedException',
                message: 'no',
                region: 'us-east-1',
              },
            ],
          },
        },
      ]);
      expect(await store.listAuditRuns({ limit: 1 })).toHaveLength(1);
    });
    it('replaces the link set, keeps missing reasons of links that stay, and lists shards', async () => {
      const { store } = await setUp();
      const link = (entity: string, arn: string) => ({
        entityRef: `Component:default/${entity}`,
        serviceArn: arn,
        accountId: arn.split(':')[4],
        region: arn.split(':')[3],
        serviceName: arn.split('/').pop()!,
        via: 'arn-annotation',
      });
      const US = 'arn:aws:ecs:us-east-1:210987654321:service/prod/api';
      await store.replaceLinks({
        links: [
          link('web', SERVICE),
          link('web', US),
          link('worker', OTHER_SERVICE),
        ],
        linkErrors: [
          {
            entityRef: 'Component:default/broken',
            findings: [finding({ id: 'link-error', fixKey: 'link-error' })],
          },
        ],
      });
      expect(await store.listShards()).toEqual([
        { accountId: '123456789012', region: 'eu-west-1' },
        { accountId: '210987654321', region: 'us-east-1' },
      ]);
      expect(
        (
          await store.listLinks({
            shard: { accountId: '123456789012', region: 'eu-west-1' },
          })
        ).map(l => [l.entityRef, l.serviceArn]),
      ).toEqual([
        ['component:default/web', SERVICE],
        ['component:default/worker', OTHER_SERVICE],
      ]);
      expect(
        (await store.listLinks({ entityRefs: ['Component:default/web'] }))
          .length,
      ).toBe(2);
      expect(await store.listLinkErrors(['component:default/broken'])).toEqual([
        {
          entityRef: 'component:default/broken',
          findings: [finding({ id: 'link-error', fixKey: 'link-error' })],
        },
      ]);

      await store.setMissingServices(
        [SERVICE, US],
        [{ serviceArn: US, reason: 'MISSING' }],
      );
      // Linked again (by the next catalog link): the reason stays until the shard is audited.
      await store.replaceLinks({
        links: [link('web', SERVICE), link('web', US)],
        linkErrors: [],
      });
      const links = await store.listLinks({ serviceArns: [US, SERVICE] });
      expect(links.map(l => [l.serviceArn, l.missingReason])).toEqual([
        [SERVICE, undefined],
        [US, 'MISSING'],
      ]);
      expect(await store.listLinkErrors()).toEqual([]);
      await store.setMissingServices([US], []);
      expect(
        (await store.listLinks({ serviceArns: [US] }))[0].missingReason,
      ).toBeUndefined();
    });

    it('stores service deployments once, rewrites them only when they change, and prunes them with events', async () => {
      const { store } = await setUp();
      const deployment = (status: string, finishedAt?: string) => ({
        deploymentArn: `arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc`,
        serviceArn: SERVICE,
        accountId: '123456789012',
        region: 'eu-west-1',
        status,
        statusReason: 'ECS deployment circuit breaker: tasks failed to start.',
        targetRevisionArn: 'arn:rev:2',
        details: { circuitBreaker: { status: 'MONITORING' } },
        createdAt: '2026-05-30T10:00:00.000Z',
        ...(finishedAt && { finishedAt }),
      });
      expect(
        await store.upsertServiceDeployments([deployment('IN_PROGRESS')]),
      ).toBe(1);
      expect(
        await store.upsertServiceDeployments([deployment('IN_PROGRESS')]),
      ).toBe(0);
      expect(
        await store.upsertServiceDeployments([
          deployment('ROLLBACK_SUCCESSFUL', '2026-05-30T10:20:00.000Z'),
        ]),
      ).toBe(1);
      expect(
        await store.listServiceDeployments({ serviceArns: [SERVICE] }),
      ).toEqual([
        {
          ...deployment('ROLLBACK_SUCCESSFUL', '2026-05-30T10:20:00.000Z'),
          recordedAt: '2026-06-01T10:00:00.000Z',
        },
      ]);
      expect(
        await store.latestServiceDeployments([SERVICE, OTHER_SERVICE]),
      ).toEqual(new Map([[SERVICE, '2026-05-30T10:00:00.000Z']]));

      const event = {
        serviceArn: SERVICE,
        eventId: 'e-1',
        message:
          '(service web) (deployment ecs-svc/1) deployment failed: tasks failed to start.',
        createdAt: '2026-05-31T10:00:00.000Z',
      };
      expect(await store.addServiceEvents([event, event])).toBe(1);
      expect(await store.addServiceEvents([event])).toBe(0);
      expect(await store.listServiceEvents({ serviceArns: [SERVICE] })).toEqual(
        [event],
      );
      // The deployment is older than the cut, the event is not.
      expect(
        await store.pruneServiceHistory({ olderThan: '2026-05-31T00:00:00Z' }),
      ).toBe(1);
      expect(
        await store.listServiceDeployments({ serviceArns: [SERVICE] }),
      ).toEqual([]);
      expect(
        await store.listServiceEvents({ serviceArns: [SERVICE] }),
      ).toHaveLength(1);
    });

    it('stores each gate decision once, lists them newest first per service, and prunes them with the history', async () => {
      const { store } = await setUp();
      const decision = (overrides: Record<string, unknown> = {}) => ({
        serviceArn: SERVICE,
        serviceDeploymentArn:
          'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc',
        targetServiceRevisionArn: 'arn:rev:2',
        taskDefinitionArn:
          'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
        lifecycleStage: 'PRE_SCALE_UP',
        executionId: 'exec-1',
        hookStatus: 'FAILED',
        decision: 'blocked',
        readiness: 'blocked',
        cause: 'container app: No linux/amd64 image in the index',
        fix: 'Rebuild for linux/amd64',
        findings: [{ check: 'platform-missing', severity: 'blocking' }],
        decidedAt: '2026-05-30T10:00:00.000Z',
        reportedBy: 'external:ecs-deploy-gate',
        ...overrides,
      });
      const first = await store.recordGateDecision(decision());
      expect(first.created).toBe(true);
      expect(first.record).toEqual({
        ...decision(),
        id: expect.any(Number),
        receivedAt: '2026-06-01T10:00:00.000Z',
      });
      // Repeated: the stored one, even if the retry's clock moved.
      const repeated = await store.recordGateDecision(
        decision({ decidedAt: '2026-05-30T10:00:05.000Z' }),
      );
      expect(repeated).toEqual({ record: first.record, created: false });
      // Without an execution id, the time tells two decisions apart.
      const bare = {
        executionId: undefined,
        serviceDeploymentArn: undefined,
        hookStatus: 'SUCCEEDED',
        decision: 'ready',
      };
      await store.recordGateDecision(
        decision({ ...bare, decidedAt: '2026-05-31T10:00:00.000Z' }),
      );
      expect(
        (
          await store.recordGateDecision(
            decision({ ...bare, decidedAt: '2026-05-31T10:00:00.000Z' }),
          )
        ).created,
      ).toBe(false);
      await store.recordGateDecision(
        decision({ serviceArn: OTHER_SERVICE, executionId: 'exec-2' }),
      );
      const listed = await store.listGateDecisions({ serviceArns: [SERVICE] });
      expect(listed.map(d => [d.decision, d.decidedAt])).toEqual([
        ['ready', '2026-05-31T10:00:00.000Z'],
        ['blocked', '2026-05-30T10:00:00.000Z'],
      ]);
      expect(listed[0]).not.toHaveProperty('executionId');
      expect(
        await store.listGateDecisions({
          serviceArns: [SERVICE],
          since: '2026-05-31T00:00:00Z',
        }),
      ).toHaveLength(1);
      // Two decisions of 2026-05-30 (one per service) are older than the cut.
      expect(
        await store.pruneServiceHistory({ olderThan: '2026-05-31T00:00:00Z' }),
      ).toBe(2);
      expect(
        await store.listGateDecisions({
          serviceArns: [SERVICE, OTHER_SERVICE],
        }),
      ).toHaveLength(1);
    });

    it('writes a report stale with its faults, and not again while unchanged and stale', async () => {
      const { store } = await setUp();
      const errors = [
        {
          code: 'ThrottlingException',
          message: 'Rate exceeded',
          api: 'ecs:DescribeTasks',
        },
      ];
      const report = {
        entityRef: 'component:default/web',
        status: 'at-risk' as const,
        serviceArns: [SERVICE],
        findings: [],
        counts: { 'at-risk': 1 },
      };
      expect(
        (await store.upsertEntityReport(report, { staleErrors: errors }))
          .written,
      ).toBe(true);
      expect(await store.getEntityReport(report.entityRef)).toMatchObject({
        stale: true,
        staleErrors: errors,
        staleSince: '2026-06-01T10:00:00.000Z',
        findings: [
          { id: 'audit-error', evidence: { code: 'ThrottlingException' } },
        ],
      });
      tick();
      expect(
        (await store.upsertEntityReport(report, { staleErrors: errors }))
          .written,
      ).toBe(false);
      // Fresh again: the flag and the derived finding go.
      expect((await store.upsertEntityReport(report)).written).toBe(true);
      expect(await store.getEntityReport(report.entityRef)).toMatchObject({
        stale: false,
        staleErrors: [],
        findings: [],
      });
    });

    it('upserts reports in batches: new, unchanged and changed ones, past 100 a transaction', async () => {
      const { store } = await setUp();
      const arn = (i: number) =>
        `arn:aws:ecs:eu-west-1:123456789012:service/prod/svc-${i}`;
      const reports = Array.from({ length: 150 }, (_, i) => ({
        report: serviceReport({ serviceArn: arn(i) }),
      }));
      const first = await store.upsertServiceReports(reports, {
        auditRunId: 1,
      });
      expect(first.filter(r => r.written)).toHaveLength(150);
      // Unchanged but one, which changes status; one is written stale.
      const second = await store.upsertServiceReports([
        ...reports.slice(0, 120),
        { report: serviceReport({ serviceArn: arn(120), status: 'blocked' }) },
        {
          report: serviceReport({ serviceArn: arn(121) }),
          staleErrors: [{ code: 'ThrottlingException', message: 'slow down' }],
        },
      ]);
      expect(second.filter(r => r.written)).toHaveLength(2);
      expect(second[120]).toMatchObject({
        written: true,
        statusChanged: true,
        previousStatus: 'at-risk',
      });
      expect((await store.getServiceReport(arn(121)))?.stale).toBe(true);
      // The light read of the rollups: status and staleness, no content.
      expect(
        (await store.getServiceStates([arn(120), arn(121), 'nope'])).sort(
          (a, b) => a.serviceArn.localeCompare(b.serviceArn),
        ),
      ).toEqual([
        {
          serviceArn: arn(120),
          status: 'blocked',
          stale: false,
          staleErrors: [],
        },
        {
          serviceArn: arn(121),
          status: 'at-risk',
          stale: true,
          staleErrors: [{ code: 'ThrottlingException', message: 'slow down' }],
        },
      ]);
      expect(
        await store.listStatusHistory({
          subjectKind: 'service',
          subject: arn(120),
        }),
      ).toHaveLength(2);

      const entities = await store.upsertEntityReports(
        Array.from({ length: 101 }, (_, i) => ({
          report: {
            entityRef: `component:default/e-${i}`,
            status: 'ready' as const,
            serviceArns: [arn(i)],
            findings: [],
            counts: { ready: 1 },
          },
        })),
      );
      expect(entities.filter(r => r.written)).toHaveLength(101);
      expect(
        (await store.getEntityReport('component:default/e-100'))?.serviceArns,
      ).toEqual([arn(100)]);
    });

    it('records the shard of a shard audit run', async () => {
      const { store } = await setUp();
      const id = await store.startAuditRun({
        trigger: 'schedule',
        shard: { accountId: '123456789012', region: 'eu-west-1' },
      });
      const [run] = await store.listAuditRuns();
      expect(run).toMatchObject({
        id,
        shard: '123456789012/eu-west-1',
        status: 'running',
      });
      // Only finished runs that did not fail count as the shard's last audit.
      expect(await store.lastShardAudits()).toEqual(new Map());
      const result = {
        status: 'succeeded' as const,
        servicesAudited: 1,
        entitiesAudited: 1,
        callsByApi: {},
        cacheHits: 0,
        cacheMisses: 0,
        errorsByAccount: {},
      };
      tick();
      await store.finishAuditRun(id, result);
      tick();
      const failed = await store.startAuditRun({
        trigger: 'schedule',
        shard: { accountId: '123456789012', region: 'eu-west-1' },
      });
      tick();
      await store.finishAuditRun(failed, { ...result, status: 'failed' });
      expect(await store.lastShardAudits()).toEqual(
        new Map([['123456789012/eu-west-1', '2026-06-01T10:01:00.000Z']]),
      );
    });

    it("prunes old audit runs but each shard's and trigger's newest that did not fail, and runs in flight", async () => {
      const { store } = await setUp();
      const result = {
        status: 'succeeded' as const,
        servicesAudited: 1,
        entitiesAudited: 1,
        callsByApi: {},
        cacheHits: 0,
        cacheMisses: 0,
        errorsByAccount: {},
      };
      const shard = (region: string) => ({
        accountId: '123456789012',
        region,
      });
      const run = async (
        options: Parameters<typeof store.startAuditRun>[0],
        status?: 'succeeded' | 'failed',
      ) => {
        const id = await store.startAuditRun(options);
        tick();
        if (status) await store.finishAuditRun(id, { ...result, status });
        tick();
        return id;
      };
      const oldWest = await run(
        { trigger: 'schedule', shard: shard('eu-west-1') },
        'succeeded',
      );
      const lastWest = await run(
        { trigger: 'schedule', shard: shard('eu-west-1') },
        'succeeded',
      );
      const failedWest = await run(
        { trigger: 'schedule', shard: shard('eu-west-1') },
        'failed',
      );
      const onlyEast = await run(
        { trigger: 'schedule', shard: shard('us-east-1') },
        'succeeded',
      );
      const oldLink = await run({ trigger: 'link' }, 'succeeded');
      const lastLink = await run({ trigger: 'link' }, 'succeeded');
      const running = await run({
        trigger: 'manual',
        entityRef: 'component:default/web',
      });
      const before = await store.lastShardAudits();
      // Runs started from here on are recent.
      const cut = now;
      tick();
      const recent = await run(
        { trigger: 'schedule', shard: shard('eu-west-1') },
        'failed',
      );

      expect(await store.pruneAuditRuns({ olderThan: cut })).toBe(3);
      const left = (await store.listAuditRuns({ limit: 100 })).map(r => r.id);
      expect(left.sort((a, b) => a - b)).toEqual(
        [lastWest, onlyEast, lastLink, running, recent].sort((a, b) => a - b),
      );
      expect(left).not.toContain(oldWest);
      expect(left).not.toContain(failedWest);
      expect(left).not.toContain(oldLink);
      expect(await store.lastShardAudits()).toEqual(before);
    });

    it('migrates the API migration down and up, filling the fix key of older pull errors', async () => {
      const { knex, store } = await setUp();
      await store.replaceLinks({
        links: [],
        linkErrors: [],
        entities: [meta('web', { title: 'Web' })],
      });
      await store.startAuditRun({
        trigger: 'manual',
        entityRef: 'component:default/web',
        servicesTotal: 2,
      });
      await store.addPullErrors([pullError('a', '2026-05-30T08:00:00.000Z')]);

      // The gate decisions' migration first (the newest), then the API migration.
      await knex.migrate.down({
        directory: DatabaseReadinessStore.migrationsDirectory,
      });
      expect(await knex.schema.hasTable('gate_decisions')).toBe(false);
      expect(await knex.schema.hasTable('entities')).toBe(true);
      await knex.migrate.down({
        directory: DatabaseReadinessStore.migrationsDirectory,
      });
      expect(await knex.schema.hasTable('entities')).toBe(false);
      expect(await knex.schema.hasColumn('audit_runs', 'entity_ref')).toBe(
        false,
      );
      expect(await knex.schema.hasColumn('audit_runs', 'services_total')).toBe(
        false,
      );
      expect(await knex.schema.hasColumn('pull_errors', 'fix_key')).toBe(false);
      // Written by the previous version: no fix key column.
      await knex('pull_errors').insert({
        task_arn: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/old',
        container: 'web',
        service_arn: SERVICE,
        account_id: '123456789012',
        region: 'eu-west-1',
        category: 'manifest-unknown-tag',
        message: 'CannotPullContainerError',
        classified: JSON.stringify({ ...classified, fixKey: 'narrower-key' }),
        occurred_at: '2026-05-31T08:00:00.000Z',
        recorded_at: '2026-05-31T08:00:00.000Z',
      });

      const again = await DatabaseReadinessStore.create({
        database: mockServices.database({ knex }),
        clock: () => now,
      });
      expect(
        await knex('pull_errors').orderBy('occurred_at').select('fix_key'),
      ).toEqual([
        { fix_key: 'manifest-unknown-tag' },
        { fix_key: 'narrower-key' },
      ]);
      expect(await again.listEntityMeta()).toEqual([]);
      expect((await again.listAuditRuns())[0].entityRef).toBeUndefined();
      expect(
        (await again.listPullErrors({ serviceArn: SERVICE })).items,
      ).toHaveLength(2);
    });

    it('replaces the catalog view of the entities with the links, only when given', async () => {
      const { knex, store } = await setUp();
      await store.replaceLinks({
        links: [],
        linkErrors: [],
        entities: [
          meta('web', {
            title: 'Web',
            owner: 'Group:default/Team-A',
            system: 'System:default/Shop',
          }),
          meta('worker'),
          { ...meta('web'), title: 'duplicate, ignored' },
          {
            entityRef: 'Resource:default/Queue',
            kind: 'Resource',
            namespace: 'default',
            name: 'Queue',
            title: '',
          },
        ],
      });
      expect(await store.listEntityMeta()).toEqual([
        {
          entityRef: 'component:default/web',
          kind: 'Component',
          namespace: 'default',
          name: 'web',
          title: 'Web',
          owner: 'group:default/team-a',
          system: 'system:default/shop',
        },
        {
          entityRef: 'component:default/worker',
          kind: 'Component',
          namespace: 'default',
          name: 'worker',
        },
        {
          entityRef: 'resource:default/queue',
          kind: 'Resource',
          namespace: 'default',
          name: 'Queue',
        },
      ]);
      expect(await store.listEntityKinds()).toEqual(['component', 'resource']);
      expect(
        (await store.listEntityMeta(['Component:default/Worker'])).map(
          e => e.entityRef,
        ),
      ).toEqual(['component:default/worker']);

      // A link without entities leaves them alone.
      tick();
      await store.replaceLinks({ links: [], linkErrors: [] });
      expect(await store.listEntityMeta()).toHaveLength(3);

      // With entities: exactly that set; only changed rows are written.
      await store.replaceLinks({
        links: [],
        linkErrors: [],
        entities: [
          meta('worker', { owner: 'group:default/team-b' }),
          meta('api'),
        ],
      });
      const rows = await knex('entities')
        .orderBy('entity_ref')
        .select('entity_ref', 'owner', 'updated_at');
      expect(rows).toEqual([
        {
          entity_ref: 'component:default/api',
          owner: null,
          updated_at: '2026-06-01T10:01:00.000Z',
        },
        {
          entity_ref: 'component:default/worker',
          owner: 'group:default/team-b',
          updated_at: '2026-06-01T10:01:00.000Z',
        },
      ]);
      tick();
      await store.replaceLinks({
        links: [],
        linkErrors: [],
        entities: [
          meta('worker', { owner: 'group:default/team-b' }),
          meta('api'),
        ],
      });
      expect(
        (await knex('entities').select('updated_at')).map(r => r.updated_at),
      ).toEqual(['2026-06-01T10:01:00.000Z', '2026-06-01T10:01:00.000Z']);
      await store.replaceLinks({ links: [], linkErrors: [], entities: [] });
      expect(await store.listEntityMeta()).toEqual([]);
      expect(await store.listEntityKinds()).toEqual([]);
    });

    describe('scorecard', () => {
      // Six entities; statusSince t0 (checkout, billing), t1 (search_v2, orders), t2 (legacy,
      // zeta). legacy has a report and no catalog view.
      const CHECKOUT = 'component:default/checkout';
      const BILLING = 'component:default/billing';
      const SEARCH = 'component:default/search_v2';
      const ORDERS = 'api:default/orders';
      const LEGACY = 'resource:default/legacy';
      const ZETA = 'component:default/zeta';
      const short = (ref: string) => ref.split('/')[1];

      async function seed() {
        const env = await setUp();
        const { store } = env;
        await store.replaceLinks({
          links: [],
          linkErrors: [],
          entities: [
            meta('checkout', {
              title: 'Checkout',
              owner: 'group:default/payments',
              system: 'system:default/shop',
            }),
            meta('billing', { owner: 'group:default/payments' }),
            meta('search_v2', {
              title: '100% Search',
              owner: 'group:default/discovery',
              system: 'system:default/shop',
            }),
            {
              entityRef: ORDERS,
              kind: 'API',
              namespace: 'default',
              name: 'orders',
              title: 'orders API',
              system: 'system:default/shop',
            },
            meta('zeta', {
              title: 'Alpha',
              owner: 'group:default/payments',
              system: 'system:default/tools',
            }),
          ],
        });
        const report = (entityRef: string, status: EntityStatus) => ({
          report: {
            entityRef,
            status,
            serviceArns: [],
            findings: [],
            counts: {},
          },
        });
        await store.upsertEntityReports([
          report(CHECKOUT, 'blocked'),
          report(BILLING, 'ready'),
        ]);
        tick();
        await store.upsertEntityReports([
          report(SEARCH, 'at-risk'),
          report(ORDERS, 'ready'),
        ]);
        tick();
        await store.upsertEntityReports([
          report(LEGACY, 'unknown'),
          report(ZETA, 'blocked'),
        ]);
        return env;
      }

      /** Every row of a query, page by page, and how many pages it took. */
      async function pageThrough(
        store: DatabaseReadinessStore,
        query: ScorecardQuery,
      ) {
        const refs: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listScorecard({ ...query, cursor });
          refs.push(...page.items.map(i => i.entityRef));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 50);
        return { refs, pages };
      }

      const EXPECTED: Record<
        NonNullable<ScorecardQuery['sort']>,
        { asc: string[]; desc: string[] }
      > = {
        status: {
          asc: [CHECKOUT, ZETA, SEARCH, LEGACY, ORDERS, BILLING],
          desc: [BILLING, ORDERS, LEGACY, SEARCH, ZETA, CHECKOUT],
        },
        name: {
          asc: [ORDERS, BILLING, CHECKOUT, SEARCH, ZETA, LEGACY],
          desc: [LEGACY, ZETA, SEARCH, CHECKOUT, BILLING, ORDERS],
        },
        // '100% search', 'alpha', 'billing' (no title: the name), 'checkout', 'legacy' (no
        // catalog view: the ref's name), 'orders api'.
        title: {
          asc: [SEARCH, ZETA, BILLING, CHECKOUT, LEGACY, ORDERS],
          desc: [ORDERS, LEGACY, CHECKOUT, BILLING, ZETA, SEARCH],
        },
        // No owner: last in both orders.
        owner: {
          asc: [SEARCH, BILLING, CHECKOUT, ZETA, ORDERS, LEGACY],
          desc: [ZETA, CHECKOUT, BILLING, SEARCH, LEGACY, ORDERS],
        },
        system: {
          asc: [ORDERS, CHECKOUT, SEARCH, ZETA, BILLING, LEGACY],
          desc: [ZETA, SEARCH, CHECKOUT, ORDERS, LEGACY, BILLING],
        },
        statusSince: {
          asc: [BILLING, CHECKOUT, ORDERS, SEARCH, ZETA, LEGACY],
          desc: [LEGACY, ZETA, SEARCH, ORDERS, CHECKOUT, BILLING],
        },
      };

      it('sorts by each key in both orders, and pages through every row once', async () => {
        const { store } = await seed();
        for (const [sort, orders] of Object.entries(EXPECTED)) {
          for (const order of ['asc', 'desc'] as const) {
            const query: ScorecardQuery = {
              sort: sort as ScorecardQuery['sort'],
              order,
            };
            const all = await store.listScorecard(query);
            expect([sort, order, all.items.map(i => i.entityRef)]).toEqual([
              sort,
              order,
              orders[order],
            ]);
            expect(all.nextCursor).toBeUndefined();
            for (const limit of [1, 2, 4]) {
              const { refs, pages } = await pageThrough(store, {
                ...query,
                limit,
              });
              expect([sort, order, limit, refs]).toEqual([
                sort,
                order,
                limit,
                orders[order],
              ]);
              expect(pages).toBe(Math.ceil(6 / limit));
            }
          }
        }
        // The default: worst first.
        expect(
          (await store.listScorecard({})).items.map(i => i.entityRef),
        ).toEqual(EXPECTED.status.asc);
      });

      it('pages through ties by entity ref, every row once', async () => {
        const { store } = await setUp();
        // 25 entities of three statuses, all written at the same time: statusSince, status
        // and the missing owner tie.
        const refs = Array.from(
          { length: 25 },
          (_, i) => `component:default/e-${String(i).padStart(2, '0')}`,
        );
        const statuses: EntityStatus[] = ['ready', 'blocked', 'at-risk'];
        await store.upsertEntityReports(
          refs.map((entityRef, i) => ({
            report: {
              entityRef,
              status: statuses[i % 3],
              serviceArns: [],
              findings: [],
              counts: {},
            },
          })),
        );
        for (const sort of [
          'status',
          'owner',
          'statusSince',
          'title',
        ] as const) {
          for (const order of ['asc', 'desc'] as const) {
            const all = (await store.listScorecard({ sort, order })).items.map(
              i => i.entityRef,
            );
            expect(new Set(all).size).toBe(25);
            const { refs: paged } = await pageThrough(store, {
              sort,
              order,
              limit: 4,
            });
            expect(paged).toEqual(all);
          }
        }
        const byStatus = (await store.listScorecard({})).items;
        expect(byStatus.slice(0, 8).every(i => i.status === 'blocked')).toBe(
          true,
        );
        expect(byStatus.slice(0, 8).map(i => i.entityRef)).toEqual(
          [...byStatus.slice(0, 8).map(i => i.entityRef)].sort(),
        );
      });

      it('filters by owner, system, status and text, with totals of the whole filter', async () => {
        const { store } = await seed();
        const refs = async (query: ScorecardQuery) =>
          (await store.listScorecard({ sort: 'name', ...query })).items.map(i =>
            short(i.entityRef),
          );

        const payments = await store.listScorecard({
          owners: ['Group:default/Payments'],
          limit: 1,
        });
        expect(payments.items.map(i => i.entityRef)).toEqual([CHECKOUT]);
        expect(payments.totals).toEqual({
          blocked: 2,
          'at-risk': 0,
          unknown: 0,
          ready: 1,
          total: 3,
        });
        expect(payments.nextCursor).toBeDefined();

        expect(await refs({ systems: ['system:default/shop'] })).toEqual([
          'orders',
          'checkout',
          'search_v2',
        ]);
        expect(
          await refs({
            owners: ['group:default/payments', 'group:default/discovery'],
            systems: ['system:default/shop'],
          }),
        ).toEqual(['checkout', 'search_v2']);
        expect(await refs({ statuses: ['ready', 'unknown'] })).toEqual([
          'orders',
          'billing',
          'legacy',
        ]);
        // Any case, in the title, the name or the ref; LIKE wildcards match literally.
        expect(await refs({ q: 'SEARCH' })).toEqual(['search_v2']);
        expect(await refs({ q: '%' })).toEqual(['search_v2']);
        expect(await refs({ q: '_' })).toEqual(['search_v2']);
        expect(await refs({ q: 'h_v' })).toEqual(['search_v2']);
        expect(await refs({ q: 'alpha' })).toEqual(['zeta']);
        expect(await refs({ q: 'Legacy' })).toEqual(['legacy']);
        expect(await refs({ q: 'api:' })).toEqual(['orders']);
        expect(await refs({ q: 'default/b' })).toEqual(['billing']);
        expect(await refs({ q: 'nothing like it' })).toEqual([]);

        const none = await store.listScorecard({ owners: ['group:default/x'] });
        expect(none).toEqual({
          items: [],
          totals: { blocked: 0, 'at-risk': 0, unknown: 0, ready: 0, total: 0 },
        });
        expect((await store.listScorecard({})).totals).toEqual({
          blocked: 2,
          'at-risk': 1,
          unknown: 1,
          ready: 2,
          total: 6,
        });
      });

      it('rejects a cursor that does not decode or belongs to another sort or filter', async () => {
        const { store } = await seed();
        const { nextCursor } = await store.listScorecard({
          sort: 'name',
          limit: 2,
        });
        expect(nextCursor).toBeDefined();
        const attempts: ScorecardQuery[] = [
          { sort: 'name', cursor: 'nonsense' },
          {
            sort: 'name',
            cursor: Buffer.from('{"s":1}').toString('base64url'),
          },
          {
            sort: 'name',
            cursor: Buffer.from('{"s":"x","k":[1]}').toString('base64url'),
          },
          { sort: 'title', cursor: nextCursor },
          { sort: 'name', order: 'desc', cursor: nextCursor },
          { sort: 'name', statuses: ['ready'], cursor: nextCursor },
          { sort: 'name', q: 'a', cursor: nextCursor },
        ];
        for (const query of attempts) {
          const result = store.listScorecard(query);
          await expect(result).rejects.toBeInstanceOf(InputError);
          await expect(result).rejects.toThrow(/cursor/);
        }
        // The same query with the cursor goes on.
        expect(
          (
            await store.listScorecard({
              sort: 'name',
              limit: 2,
              cursor: nextCursor,
            })
          ).items.map(i => i.entityRef),
        ).toEqual([CHECKOUT, SEARCH]);
        await expect(
          store.listScorecard({ sort: 'bogus' as any }),
        ).rejects.toBeInstanceOf(InputError);
      });

      it('counts and returns only the visible entities', async () => {
        const { store } = await seed();
        const visibleRefs = new Set([CHECKOUT, LEGACY, ORDERS]);
        const all = await store.listScorecard({ visibleRefs });
        expect(all.items.map(i => i.entityRef)).toEqual([
          CHECKOUT,
          LEGACY,
          ORDERS,
        ]);
        expect(all.totals).toEqual({
          blocked: 1,
          'at-risk': 0,
          unknown: 1,
          ready: 1,
          total: 3,
        });
        expect(all.nextCursor).toBeUndefined();
        for (const sort of ['status', 'name', 'owner'] as const) {
          const { refs } = await pageThrough(store, {
            sort,
            visibleRefs,
            limit: 1,
          });
          expect(refs).toEqual(
            EXPECTED[sort].asc.filter(ref => visibleRefs.has(ref)),
          );
        }
        const first = await store.listScorecard({ visibleRefs, limit: 2 });
        expect(first.items.map(i => i.entityRef)).toEqual([CHECKOUT, LEGACY]);
        expect(first.totals.total).toBe(3);
        // A filter and the visible set together.
        const mine = await store.listScorecard({
          visibleRefs,
          owners: ['group:default/payments'],
        });
        expect(mine.items.map(i => i.entityRef)).toEqual([CHECKOUT]);
        expect(mine.totals).toEqual({
          blocked: 1,
          'at-risk': 0,
          unknown: 0,
          ready: 0,
          total: 1,
        });
        expect(await store.listScorecard({ visibleRefs: new Set() })).toEqual({
          items: [],
          totals: { blocked: 0, 'at-risk': 0, unknown: 0, ready: 0, total: 0 },
        });
      });

      it('returns the catalog view, finding counts, the last pull failure and the oldest shard audit of each row', async () => {
        const { store } = await setUp();
        const US = 'arn:aws:ecs:us-east-1:210987654321:service/prod/api';
        const NEVER = 'arn:aws:ecs:ap-south-1:999999999999:service/prod/x';
        const shardRun = async (
          accountId: string,
          region: string,
          status: 'succeeded' | 'failed',
        ) => {
          const id = await store.startAuditRun({
            trigger: 'schedule',
            shard: { accountId, region },
          });
          tick();
          await store.finishAuditRun(id, {
            status,
            servicesAudited: 1,
            entitiesAudited: 1,
            callsByApi: {},
            cacheHits: 0,
            cacheMisses: 0,
            errorsByAccount: {},
          });
        };
        await shardRun('210987654321', 'us-east-1', 'succeeded'); // 10:01
        await shardRun('123456789012', 'eu-west-1', 'succeeded'); // 10:02
        await shardRun('210987654321', 'us-east-1', 'failed'); // 10:03, does not count

        await store.upsertServiceReport(
          serviceReport({
            findings: [
              finding({ severity: 'blocking' }),
              finding({ severity: 'risk', id: 'tag-not-found' }),
            ],
          }),
        );
        await store.upsertServiceReport(
          serviceReport({
            serviceArn: OTHER_SERVICE,
            findings: [finding({ severity: 'info' })],
          }),
          {
            staleErrors: [
              { code: 'ThrottlingException', message: 'slow down' },
            ],
          },
        );
        // US and NEVER have no report: their shard comes from the links.
        await store.replaceLinks({
          links: [US, NEVER].map(arn => ({
            entityRef: 'component:default/api',
            serviceArn: arn,
            accountId: arn.split(':')[4],
            region: arn.split(':')[3],
            serviceName: 'x',
            via: 'arn-annotation',
          })),
          linkErrors: [],
          entities: [meta('web', { title: 'Web', owner: 'group:default/a' })],
        });
        const entity = (
          name: string,
          serviceArns: string[],
          findings: Finding[] = [],
        ) => ({
          report: {
            entityRef: `component:default/${name}`,
            status: 'at-risk' as const,
            serviceArns,
            findings,
            counts: {},
          },
        });
        await store.upsertEntityReports([
          entity(
            'web',
            [SERVICE, OTHER_SERVICE],
            [finding({ id: 'link-error', severity: 'info' })],
          ),
          entity('api', [SERVICE, US]),
          entity('lonely', []),
          entity('unaudited', [SERVICE, NEVER]),
        ]);
        await store.addPullErrors([
          pullError('a', '2026-05-30T08:00:00.000Z'),
          pullError('b', '2026-05-29T08:00:00.000Z'),
          pullError('c', '2026-05-31T08:00:00.000Z', {
            serviceArn: OTHER_SERVICE,
          }),
        ]);

        const expected: ScorecardEntry[] = [
          {
            entityRef: 'component:default/api',
            kind: 'component',
            namespace: 'default',
            name: 'api',
            status: 'at-risk',
            stale: false,
            statusSince: '2026-06-01T10:03:00.000Z',
            serviceArns: [SERVICE, US].sort(),
            counts: { blocking: 1, risk: 1, info: 0 },
            failingChecks: ['mutable-tag-reference', 'tag-not-found'],
            lastPullFailureAt: '2026-05-30T08:00:00.000Z',
            // us-east-1 audited at 10:01 (its failed run does not count), eu-west-1 at 10:02.
            lastAuditedAt: '2026-06-01T10:01:00.000Z',
          },
          {
            entityRef: 'component:default/lonely',
            kind: 'component',
            namespace: 'default',
            name: 'lonely',
            status: 'at-risk',
            stale: false,
            statusSince: '2026-06-01T10:03:00.000Z',
            serviceArns: [],
            counts: { blocking: 0, risk: 0, info: 0 },
            failingChecks: [],
          },
          {
            entityRef: 'component:default/unaudited',
            kind: 'component',
            namespace: 'default',
            name: 'unaudited',
            status: 'at-risk',
            stale: false,
            statusSince: '2026-06-01T10:03:00.000Z',
            serviceArns: [NEVER, SERVICE].sort(),
            counts: { blocking: 1, risk: 1, info: 0 },
            failingChecks: ['mutable-tag-reference', 'tag-not-found'],
            lastPullFailureAt: '2026-05-30T08:00:00.000Z',
          },
          {
            entityRef: 'component:default/web',
            kind: 'Component',
            namespace: 'default',
            name: 'web',
            title: 'Web',
            owner: 'group:default/a',
            status: 'at-risk',
            stale: false,
            statusSince: '2026-06-01T10:03:00.000Z',
            serviceArns: [SERVICE, OTHER_SERVICE].sort(),
            // Its own info, the web service's blocking and risk, the worker's info and the
            // audit error of its stale report (risk).
            counts: { blocking: 1, risk: 2, info: 2 },
            failingChecks: [
              'audit-error',
              'link-error',
              'mutable-tag-reference',
              'tag-not-found',
            ],
            lastPullFailureAt: '2026-05-31T08:00:00.000Z',
            lastAuditedAt: '2026-06-01T10:02:00.000Z',
          },
        ];
        const all = await store.listScorecard({ sort: 'name' });
        expect(all.items).toEqual(expected);
        // Page by page, the same entries.
        const paged: ScorecardEntry[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listScorecard({
            sort: 'name',
            limit: 1,
            cursor,
          });
          paged.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        expect(paged).toEqual(expected);
        // And with a visible set (the other path).
        expect(
          (
            await store.listScorecard({
              sort: 'name',
              limit: 3,
              visibleRefs: new Set(expected.map(e => e.entityRef)),
            })
          ).items,
        ).toEqual(expected.slice(0, 3));
      });

      it('answers every row of a large scorecard with batched lookups', async () => {
        const { store } = await setUp();
        const n = 2_050;
        const arn = (i: number) =>
          `arn:aws:ecs:eu-west-1:123456789012:service/prod/s-${i}`;
        await store.upsertServiceReports(
          Array.from({ length: n }, (_, i) => ({
            report: serviceReport({
              serviceArn: arn(i),
              findings: i % 2 ? [finding()] : [],
            }),
          })),
        );
        await store.upsertEntityReports(
          Array.from({ length: n }, (_, i) => ({
            report: {
              entityRef: `component:default/e-${String(i).padStart(4, '0')}`,
              status: 'at-risk' as const,
              serviceArns: [arn(i)],
              findings: [],
              counts: {},
            },
          })),
        );
        await store.addPullErrors([
          pullError('x', '2026-05-30T00:00:00.000Z', { serviceArn: arn(7) }),
        ]);
        const started = Date.now();
        const all = await store.listScorecard({ sort: 'name' });
        const elapsed = Date.now() - started;
        expect(all.items).toHaveLength(n);
        expect(all.totals.total).toBe(n);
        expect(all.items[7]).toMatchObject({
          counts: { blocking: 0, risk: 1, info: 0 },
          lastPullFailureAt: '2026-05-30T00:00:00.000Z',
        });
        expect(all.items[8].counts.risk).toBe(0);
        expect(all.items[8].lastPullFailureAt).toBeUndefined();
        const page = await store.listScorecard({ sort: 'name', limit: 10 });
        expect(page.items).toEqual(all.items.slice(0, 10));
        expect(elapsed).toBeLessThan(5_000);
      });
    });

    it('replays the entity status history into a trend per day', async () => {
      const { store } = await setUp();
      const at = async (time: string, name: string, status: EntityStatus) => {
        now = new Date(time);
        await store.upsertEntityReport({
          entityRef: `component:default/${name}`,
          status,
          serviceArns: [],
          findings: [],
          counts: {},
        });
      };
      await at('2026-05-20T10:00:00.000Z', 'e0', 'ready'); // before the window
      await at('2026-05-29T10:00:00.000Z', 'e1', 'blocked');
      await at('2026-05-30T10:00:00.000Z', 'e2', 'at-risk');
      await at('2026-05-30T23:59:59.999Z', 'e1', 'ready'); // still the 30th
      await at('2026-05-30T11:00:00.000Z', 'gone', 'blocked');
      await store.deleteEntityReport('component:default/gone'); // no report now: not counted
      await at('2026-06-01T00:00:00.000Z', 'e3', 'unknown'); // the 1st, not the 31st
      await at('2026-06-01T09:00:00.000Z', 'e2', 'blocked');
      await store.replaceLinks({
        links: [],
        linkErrors: [],
        entities: [
          meta('e2', {
            owner: 'group:default/team',
            system: 'system:default/shop',
          }),
        ],
      });

      const nowIs = new Date('2026-06-01T12:00:00.000Z');
      const day = (
        d: string,
        counts: Partial<Record<EntityStatus, number>>,
      ): TrendDay => ({
        day: d,
        blocked: 0,
        'at-risk': 0,
        unknown: 0,
        ready: 0,
        ...counts,
      });
      expect(await store.scorecardTrend({ days: 4, now: nowIs })).toEqual([
        day('2026-05-29', { ready: 1, blocked: 1 }),
        day('2026-05-30', { ready: 2, 'at-risk': 1 }),
        day('2026-05-31', { ready: 2, 'at-risk': 1 }),
        day('2026-06-01', { ready: 2, blocked: 1, unknown: 1 }),
      ]);
      expect(
        await store.scorecardTrend({
          days: 3,
          now: nowIs,
          owners: ['Group:default/Team'],
        }),
      ).toEqual([
        day('2026-05-30', { 'at-risk': 1 }),
        day('2026-05-31', { 'at-risk': 1 }),
        day('2026-06-01', { blocked: 1 }),
      ]);
      expect(
        await store.scorecardTrend({
          days: 2,
          now: nowIs,
          systems: ['system:default/none'],
        }),
      ).toEqual([day('2026-05-31', {}), day('2026-06-01', {})]);
      expect(
        await store.scorecardTrend({
          days: 4,
          now: nowIs,
          visibleRefs: new Set(['component:default/e1']),
        }),
      ).toEqual([
        day('2026-05-29', { blocked: 1 }),
        day('2026-05-30', { ready: 1 }),
        day('2026-05-31', { ready: 1 }),
        day('2026-06-01', { ready: 1 }),
      ]);
      // The store's clock is the default now.
      now = nowIs;
      expect(await store.scorecardTrend({ days: 1 })).toEqual([
        day('2026-06-01', { ready: 2, blocked: 1, unknown: 1 }),
      ]);
      await expect(store.scorecardTrend({ days: 0 })).rejects.toBeInstanceOf(
        InputError,
      );
    });

    it('counts pull errors per day and category, filters by category and summarises them per fix key', async () => {
      const { knex, store } = await setUp();
      await store.upsertEntityReport({
        entityRef: 'component:default/web',
        status: 'blocked',
        serviceArns: [SERVICE, OTHER_SERVICE],
        findings: [],
        counts: {},
      });
      const auth: ClassifiedPullError = {
        ...classified,
        category: 'access-denied-iam',
        fixKey: 'access-denied-iam',
      };
      const blob: ClassifiedPullError = {
        ...classified,
        category: 'manifest-unknown-tag',
        fixKey: 'missing-blob',
      };
      await store.addPullErrors([
        pullError('a', '2026-05-30T01:00:00.000Z'),
        pullError('b', '2026-05-30T23:59:59.999Z'),
        pullError('c', '2026-05-30T12:00:00.000Z', { classified: auth }),
        pullError('d', '2026-05-31T00:00:00.000Z'),
        pullError('e', '2026-05-31T06:00:00.000Z', { classified: blob }),
        pullError('f', '2026-05-31T07:00:00.000Z', {
          serviceArn: OTHER_SERVICE,
          classified: auth,
        }),
        pullError('g', '2026-06-01T07:00:00.000Z', {
          serviceArn:
            'arn:aws:ecs:eu-west-1:123456789012:service/prod/not-mine',
        }),
      ]);

      expect(
        await store.countPullErrors({ entityRef: 'Component:default/web' }),
      ).toEqual([
        { day: '2026-05-30', category: 'access-denied-iam', count: 1 },
        { day: '2026-05-30', category: 'manifest-unknown-tag', count: 2 },
        { day: '2026-05-31', category: 'access-denied-iam', count: 1 },
        { day: '2026-05-31', category: 'manifest-unknown-tag', count: 2 },
      ]);
      expect(
        await store.countPullErrors({
          entityRef: 'component:default/web',
          categories: ['access-denied-iam'],
          since: '2026-05-31T00:00:00.000Z',
        }),
      ).toEqual([
        { day: '2026-05-31', category: 'access-denied-iam', count: 1 },
      ]);
      expect(
        await store.countPullErrors({
          serviceArn: SERVICE,
          until: '2026-05-31T00:00:00.000Z',
        }),
      ).toEqual([
        { day: '2026-05-30', category: 'access-denied-iam', count: 1 },
        { day: '2026-05-30', category: 'manifest-unknown-tag', count: 2 },
      ]);
      const page = await store.listPullErrors({
        entityRef: 'component:default/web',
        categories: ['access-denied-iam'],
      });
      expect(page.items.map(i => i.taskArn.split('/').pop())).toEqual([
        'f',
        'c',
      ]);

      const expected: PullErrorSummary[] = [
        {
          serviceArn: SERVICE,
          category: 'access-denied-iam',
          fixKey: 'access-denied-iam',
          count: 1,
          firstAt: '2026-05-30T12:00:00.000Z',
          lastAt: '2026-05-30T12:00:00.000Z',
        },
        {
          serviceArn: SERVICE,
          category: 'manifest-unknown-tag',
          fixKey: 'manifest-unknown-tag',
          count: 2,
          firstAt: '2026-05-30T23:59:59.999Z',
          lastAt: '2026-05-31T00:00:00.000Z',
        },
        {
          serviceArn: SERVICE,
          category: 'manifest-unknown-tag',
          fixKey: 'missing-blob',
          count: 1,
          firstAt: '2026-05-31T06:00:00.000Z',
          lastAt: '2026-05-31T06:00:00.000Z',
        },
        {
          serviceArn: OTHER_SERVICE,
          category: 'access-denied-iam',
          fixKey: 'access-denied-iam',
          count: 1,
          firstAt: '2026-05-31T07:00:00.000Z',
          lastAt: '2026-05-31T07:00:00.000Z',
        },
      ];
      const summarize = () =>
        store.summarizePullErrors({
          serviceArns: [SERVICE, OTHER_SERVICE, SERVICE],
          since: '2026-05-30T02:00:00.000Z',
        });
      expect(await summarize()).toEqual(expected);
      // Rows written without the fix key column (an older replica) read it from the
      // classification, and add up with the others.
      await knex('pull_errors')
        .whereIn('task_arn', [
          pullError('b', now).taskArn,
          pullError('e', now).taskArn,
        ])
        .update({ fix_key: null });
      expect(await summarize()).toEqual(expected);
      expect(
        await store.summarizePullErrors({ serviceArns: [], since: now }),
      ).toEqual([]);
    });

    it('records the entity of a manual audit and finds the recent one', async () => {
      const { store } = await setUp();
      const result = {
        status: 'succeeded' as const,
        servicesAudited: 2,
        entitiesAudited: 1,
        callsByApi: {},
        cacheHits: 0,
        cacheMisses: 0,
        errorsByAccount: {},
      };
      const first = await store.startAuditRun({
        trigger: 'manual',
        entityRef: 'Component:default/Web',
        servicesTotal: 2,
      });
      expect(await store.getAuditRun(first)).toMatchObject({
        id: first,
        trigger: 'manual',
        entityRef: 'component:default/web',
        servicesTotal: 2,
        status: 'running',
        startedAt: '2026-06-01T10:00:00.000Z',
      });
      expect(await store.getAuditRun(first + 1000)).toBeUndefined();
      const recent = (minutes: number, entityRef = 'component:default/web') =>
        store.findRecentAuditRun({
          trigger: 'manual',
          entityRef,
          startedSince: new Date(now.getTime() - minutes * 60_000),
        });

      // Still running: found however long ago it started.
      tick(10 * 60_000);
      expect((await recent(1))?.id).toBe(first);
      await store.finishAuditRun(first, result);
      expect(await recent(1)).toBeUndefined();
      expect(await recent(15)).toMatchObject({
        id: first,
        status: 'succeeded',
      });
      expect(await recent(15, 'component:default/other')).toBeUndefined();
      expect(
        await store.findRecentAuditRun({
          trigger: 'schedule',
          entityRef: 'component:default/web',
          startedSince: new Date(0),
        }),
      ).toBeUndefined();

      // The newest of several.
      tick();
      const second = await store.startAuditRun({
        trigger: 'manual',
        entityRef: 'component:default/web',
      });
      await store.startAuditRun({
        trigger: 'manual',
        entityRef: 'component:default/other',
      });
      expect((await recent(60))?.id).toBe(second);
      const runs = await store.listAuditRuns();
      expect(runs.find(r => r.id === second)).toMatchObject({
        entityRef: 'component:default/web',
      });
      expect(runs.find(r => r.id === second)?.servicesTotal).toBeUndefined();
      expect(runs.find(r => r.id === first)).toMatchObject({
        entityRef: 'component:default/web',
        servicesTotal: 2,
        servicesAudited: 2,
      });
    });
  });
}
