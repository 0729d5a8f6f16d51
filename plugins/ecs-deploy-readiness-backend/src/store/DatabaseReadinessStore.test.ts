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
import type { PullErrorInput, ServiceReportInput } from './ReadinessStore';

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

const classified: ClassifiedPullError = {
  category: 'manifest-unknown-tag',
  fixKey: 'manifest-unknown-tag',
  fixVars: { image: 'nginx:gone' },
  confidence: 'high',
  extracted: { image: 'nginx:gone', tag: 'gone' },
};

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
  });
}
