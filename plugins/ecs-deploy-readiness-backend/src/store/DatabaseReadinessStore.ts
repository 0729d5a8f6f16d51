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
  DatabaseService,
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  type Finding,
  SCORECARD_SORTS,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { auditErrorFindings } from './auditErrorFindings';
import { DatabaseDocumentCache } from './DatabaseDocumentCache';
import type {
  AuditError,
  AuditRun,
  AuditRunResult,
  CountingDocumentCache,
  DocumentCacheOptions,
  EntityLinkErrors,
  EntityMetaInput,
  EntityReport,
  EntityReportInput,
  EntityStatus,
  GateDecisionInput,
  GateDecisionRecord,
  ListEntityReportsOptions,
  ListPullErrorsOptions,
  PullErrorCount,
  PullErrorInput,
  PullErrorPage,
  PullErrorRecord,
  PullErrorSummary,
  ReadinessStore,
  ReportState,
  ServiceReport,
  ServiceDeploymentInput,
  ServiceDeploymentRecord,
  ServiceEventInput,
  ServiceEventRecord,
  ServiceReportInput,
  ScorecardEntry,
  ScorecardQuery,
  ScorecardResult,
  ShardKey,
  StatusChange,
  StoredLink,
  StoredLinkInput,
  TrendDay,
  UpsertResult,
  WriteOptions,
} from './ReadinessStore';

const migrationsDir = resolvePackagePath(
  '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-backend',
  'migrations',
);

/** Rows per statement for `IN (...)` lists and batch inserts, well under SQLite's 999 bindings. */
const CHUNK = 100;

type StateRow = {
  content_hash: string;
  stale: boolean | number;
  stale_errors: string | null;
  stale_since: string | null;
  updated_at: string;
  status_since: string;
};

type ServiceRow = StateRow & {
  service_arn: string;
  account_id: string;
  region: string;
  cluster_arn: string;
  status: string;
  findings: string;
  details: string;
};

type EntityRow = StateRow & {
  entity_ref: string;
  status: string;
  service_arns: string;
  findings: string;
  counts: string;
};

type PullErrorRow = {
  id: number;
  task_arn: string;
  container: string;
  service_arn: string;
  account_id: string;
  region: string;
  category: string;
  message: string;
  classified: string;
  image: string | null;
  task_definition_arn: string | null;
  occurred_at: string;
  recorded_at: string;
  /** classified.fixKey; null on rows written before the column existed. */
  fix_key: string | null;
};

type AuditRunRow = {
  id: number;
  trigger: string;
  shard: string | null;
  entity_ref: string | null;
  services_total: number | null;
  status: string;
  started_at: string;
  finished_at: string | null;
  services_audited: number;
  entities_audited: number;
  calls_by_api: string;
  cache_hits: number;
  cache_misses: number;
  errors_by_account: string;
};

type HistoryRow = {
  subject_kind: 'entity' | 'service';
  subject: string;
  from_status: string | null;
  to_status: string;
  changed_at: string;
  audit_run_id: number | null;
};

type LinkRow = {
  entity_ref: string;
  service_arn: string;
  account_id: string;
  region: string;
  service_name: string;
  via: string;
  missing_reason: string | null;
};

type ServiceDeploymentRow = {
  deployment_arn: string;
  service_arn: string;
  account_id: string;
  region: string;
  status: string;
  status_reason: string | null;
  target_revision_arn: string | null;
  task_definition_arn: string | null;
  details: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  recorded_at: string;
};

type GateDecisionRow = {
  id: number | string;
  decision_key: string;
  service_arn: string;
  service_deployment_arn: string | null;
  target_service_revision_arn: string;
  task_definition_arn: string | null;
  lifecycle_stage: string;
  execution_id: string | null;
  hook_status: string;
  decision: string;
  readiness: string | null;
  cause: string | null;
  fix: string | null;
  findings: string;
  decided_at: string;
  received_at: string;
  reported_by: string;
};

type EntityMetaRow = {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  updated_at: string;
};

/** What the scorecard reads of an entity report and its catalog view (null without one). */
type ScorecardRow = Pick<
  EntityRow,
  | 'entity_ref'
  | 'status'
  | 'stale'
  | 'stale_errors'
  | 'status_since'
  | 'service_arns'
  | 'findings'
> &
  Pick<EntityMetaRow, 'title' | 'owner' | 'system'> & {
    kind: string | null;
    namespace: string | null;
    name: string | null;
  };

type ServiceEventRow = {
  id: number;
  service_arn: string;
  event_id: string;
  message: string;
  category: string | null;
  created_at: string;
};

/** What a scorecard row reads: the entity report and its catalog view. */
const SCORECARD_COLUMNS = [
  'er.entity_ref',
  'er.status',
  'er.stale',
  'er.stale_errors',
  'er.status_since',
  'er.service_arns',
  'er.findings',
  'e.kind',
  'e.namespace',
  'e.name',
  'e.title',
  'e.owner',
  'e.system',
];

/** The columns of the catalog view that a catalog link may change. */
const ENTITY_META_COLUMNS = [
  'kind',
  'namespace',
  'name',
  'title',
  'owner',
  'system',
] as const;

/** The status sort of the scorecard: worst first. */
const STATUS_RANK_SQL = `CASE er.status WHEN 'blocked' THEN 0 WHEN 'at-risk' THEN 1 WHEN 'unknown' THEN 2 WHEN 'ready' THEN 3 ELSE 4 END`;

const ENTITY_STATUSES: readonly EntityStatus[] = [
  'blocked',
  'at-risk',
  'unknown',
  'ready',
];

/** Above this many keys a lookup reads its table whole rather than in batches by key. */
const WHOLE_TABLE_THRESHOLD = 20 * CHUNK;

const DAY_MS = 24 * 3600 * 1000;

/** One sort key of the scorecard: an SQL expression that is never null. */
type SortKey = {
  sql: string;
  dir: 'asc' | 'desc';
  /** The type of its value, as the cursor carries it. */
  type: 'number' | 'string';
};

/** A scorecard row with its sort key values `k0`, `k1`, ... */
type KeyedScorecardRow = ScorecardRow & Record<`k${number}`, unknown>;

/** A scorecard filter, normalised: lower-case refs, sorted, no duplicates. */
type ScorecardFilter = {
  owners: string[];
  systems: string[];
  statuses: string[];
  q?: string;
};

const ENTITY_ORDER_COLUMNS = {
  entityRef: 'entity_ref',
  status: 'status',
  updatedAt: 'updated_at',
  statusSince: 'status_since',
} as const;

/**
 * The knex {@link ReadinessStore}, on SQLite or PostgreSQL. Timestamps are ISO 8601 UTC strings
 * in text columns (text order is time order on both databases); JSON values are text columns.
 *
 * @internal
 */
export class DatabaseReadinessStore implements ReadinessStore {
  /** Connects to the plugin database and migrates it unless `database.migrations.skip`. */
  static async create(options: {
    database: DatabaseService;
    logger?: LoggerService;
    /** The time source; tests pass a fixed one. */
    clock?: () => Date;
  }): Promise<DatabaseReadinessStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseReadinessStore(
      db,
      options.clock ?? (() => new Date()),
      options.logger,
    );
  }

  /** The migrations directory, for tests that migrate down and up. */
  static readonly migrationsDirectory = migrationsDir;

  private constructor(
    private readonly db: Knex,
    private readonly clock: () => Date,
    private readonly logger?: LoggerService,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Service reports

  async upsertServiceReport(
    report: ServiceReportInput,
    options: WriteOptions = {},
  ): Promise<UpsertResult> {
    const [result] = await this.upsertServiceReports(
      [{ report, staleErrors: options.staleErrors }],
      options,
    );
    return result;
  }

  async upsertServiceReports(
    items: Array<{ report: ServiceReportInput; staleErrors?: AuditError[] }>,
    options: Pick<WriteOptions, 'auditRunId'> = {},
  ): Promise<UpsertResult[]> {
    return this.upsertReports(
      {
        table: 'service_reports',
        keyColumn: 'service_arn',
        subjectKind: 'service',
        keyOf: report => report.serviceArn,
        hashOf: serviceHash,
        contentOf: report => ({
          account_id: report.accountId,
          region: report.region,
          cluster_arn: report.clusterArn,
          status: report.status,
          findings: JSON.stringify(report.findings),
          details: JSON.stringify(report.details),
        }),
      },
      items,
      options,
    );
  }

  async getServiceReport(
    serviceArn: string,
  ): Promise<ServiceReport | undefined> {
    const row = await this.db<ServiceRow>('service_reports')
      .where({ service_arn: serviceArn })
      .first();
    return row ? toServiceReport(row) : undefined;
  }

  async getServiceStates(serviceArns: string[]) {
    const states: Array<{
      serviceArn: string;
      status: ServiceReport['status'];
      stale: boolean;
      staleErrors: AuditError[];
    }> = [];
    for (const arns of chunks(unique(serviceArns))) {
      const rows = await this.db<ServiceRow>('service_reports')
        .whereIn('service_arn', arns)
        .select(['service_arn', 'status', 'stale', 'stale_errors']);
      for (const row of rows) {
        states.push({
          serviceArn: row.service_arn,
          status: row.status as ServiceReport['status'],
          stale: toBoolean(row.stale),
          staleErrors: row.stale_errors ? JSON.parse(row.stale_errors) : [],
        });
      }
    }
    return states;
  }

  async getServiceReports(serviceArns: string[]): Promise<ServiceReport[]> {
    const reports: ServiceReport[] = [];
    for (const arns of chunks(unique(serviceArns))) {
      const rows = await this.db<ServiceRow>('service_reports').whereIn(
        'service_arn',
        arns,
      );
      reports.push(...rows.map(toServiceReport));
    }
    return reports;
  }

  // ---------------------------------------------------------------------------------------------
  // Entity reports

  async upsertEntityReport(
    report: EntityReportInput,
    options: WriteOptions = {},
  ): Promise<UpsertResult> {
    const [result] = await this.upsertEntityReports(
      [{ report, staleErrors: options.staleErrors }],
      options,
    );
    return result;
  }

  async upsertEntityReports(
    items: Array<{ report: EntityReportInput; staleErrors?: AuditError[] }>,
    options: Pick<WriteOptions, 'auditRunId'> = {},
  ): Promise<UpsertResult[]> {
    const arnsOf = (report: EntityReportInput) =>
      unique(report.serviceArns).sort();
    return this.upsertReports(
      {
        table: 'entity_reports',
        keyColumn: 'entity_ref',
        subjectKind: 'entity',
        keyOf: report => report.entityRef.toLocaleLowerCase('en-US'),
        hashOf: report =>
          contentHash({
            status: report.status,
            serviceArns: arnsOf(report),
            findings: report.findings,
            counts: report.counts,
          }),
        contentOf: report => ({
          status: report.status,
          service_arns: JSON.stringify(arnsOf(report)),
          findings: JSON.stringify(report.findings),
          counts: JSON.stringify(report.counts),
        }),
        // The links by service follow the report's content.
        onContentChange: async (tx, entityRef, report) => {
          await tx('entity_services').where({ entity_ref: entityRef }).delete();
          for (const arns of chunks(arnsOf(report))) {
            await tx('entity_services').insert(
              arns.map(arn => ({ entity_ref: entityRef, service_arn: arn })),
            );
          }
        },
      },
      items,
      options,
    );
  }

  async getEntityReport(entityRef: string): Promise<EntityReport | undefined> {
    const row = await this.db<EntityRow>('entity_reports')
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .first();
    return row ? toEntityReport(row) : undefined;
  }

  async listEntityReports(
    options: ListEntityReportsOptions = {},
  ): Promise<{ items: EntityReport[]; totalCount: number }> {
    const query = this.db<EntityRow>('entity_reports');
    if (options.status?.length) query.whereIn('status', options.status);
    if (options.stale !== undefined) query.where('stale', options.stale);
    const [{ count }] = await query.clone().count({ count: '*' });
    const column = ENTITY_ORDER_COLUMNS[options.orderBy ?? 'entityRef'];
    if (!column) throw new InputError(`Cannot order by ${options.orderBy}`);
    const order = options.order === 'desc' ? 'desc' : 'asc';
    const rows = await query
      .orderBy([
        { column, order },
        { column: 'entity_ref', order },
      ])
      .limit(clamp(options.limit, 100, 1000))
      .offset(Math.max(0, Math.floor(options.offset ?? 0)));
    return { items: rows.map(toEntityReport), totalCount: Number(count) };
  }

  async deleteEntityReport(entityRef: string): Promise<void> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    await this.db.transaction(async tx => {
      await tx('entity_services').where({ entity_ref: ref }).delete();
      await tx('entity_reports').where({ entity_ref: ref }).delete();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Staleness and history

  async markStale(options: {
    serviceArns?: string[];
    entityRefs?: string[];
    errors: AuditError[];
  }): Promise<number> {
    const now = this.clock().toISOString();
    const serviceArns = unique(options.serviceArns ?? []);
    const entityRefs = new Set(
      (options.entityRefs ?? []).map(ref => ref.toLocaleLowerCase('en-US')),
    );
    return this.db.transaction(async tx => {
      const stale = {
        stale: true,
        stale_errors: JSON.stringify(options.errors),
        stale_since: tx.raw('COALESCE(??, ?)', ['stale_since', now]),
      };
      let marked = 0;
      for (const arns of chunks(serviceArns)) {
        marked += await tx('service_reports')
          .whereIn('service_arn', arns)
          .update(stale);
        const links = await tx('entity_services')
          .whereIn('service_arn', arns)
          .distinct('entity_ref');
        for (const link of links) entityRefs.add(link.entity_ref);
      }
      for (const refs of chunks([...entityRefs])) {
        marked += await tx('entity_reports')
          .whereIn('entity_ref', refs)
          .update(stale);
      }
      return marked;
    });
  }

  async listStatusHistory(options: {
    subjectKind: 'entity' | 'service';
    subject: string;
    since?: Date | string;
    limit?: number;
  }): Promise<StatusChange[]> {
    const subject =
      options.subjectKind === 'entity'
        ? options.subject.toLocaleLowerCase('en-US')
        : options.subject;
    const query = this.db<HistoryRow & { id: number }>('status_history').where({
      subject_kind: options.subjectKind,
      subject,
    });
    if (options.since) query.where('changed_at', '>=', toIso(options.since));
    const rows = await query
      .orderBy([
        { column: 'changed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(clamp(options.limit, 100, 1000));
    return rows.map(row => ({
      subjectKind: row.subject_kind,
      subject: row.subject,
      fromStatus: row.from_status ?? undefined,
      toStatus: row.to_status,
      changedAt: row.changed_at,
      auditRunId: row.audit_run_id ?? undefined,
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Pull errors

  async addPullErrors(errors: PullErrorInput[]): Promise<number> {
    const now = this.clock().toISOString();
    const byKey = new Map<string, Omit<PullErrorRow, 'id'>>();
    for (const error of errors) {
      const container = error.container ?? '';
      byKey.set(`${error.taskArn}\u0000${container}`, {
        task_arn: error.taskArn,
        container,
        service_arn: error.serviceArn,
        account_id: error.accountId,
        region: error.region,
        category:
          error.classified.diagnosis?.category ?? error.classified.category,
        message: error.message,
        classified: JSON.stringify(error.classified),
        image: error.image ?? null,
        task_definition_arn: error.taskDefinitionArn ?? null,
        occurred_at: toIso(error.occurredAt),
        recorded_at: now,
        fix_key:
          error.classified.diagnosis?.fixKey ?? error.classified.fixKey ?? null,
      });
    }
    let inserted = 0;
    for (const rows of chunks([...byKey.values()])) {
      const ids = await this.db('pull_errors')
        .insert(rows)
        .onConflict(['task_arn', 'container'])
        .ignore()
        .returning('id');
      inserted += ids.length;
    }
    return inserted;
  }

  async listPullErrors(options: ListPullErrorsOptions): Promise<PullErrorPage> {
    const limit = clamp(options.limit, 50, 500);
    const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
    // Newest first, one service at a time: each service's page is a backward scan of
    // pull_errors_service_cover_idx that stops after `limit + 1` rows, however many the service
    // has; the pages are merged here.
    const page = (serviceArn?: string) => {
      const query = this.pullErrorsMatching({
        since: options.since,
        until: options.until,
        categories: options.categories,
      });
      if (serviceArn !== undefined) query.where({ service_arn: serviceArn });
      if (cursor) {
        const { t, id } = cursor;
        query
          .where('occurred_at', '<=', t)
          .where(q =>
            q
              .where('occurred_at', '<', t)
              .orWhere(q2 =>
                q2.where('occurred_at', t).andWhere('id', '<', id),
              ),
          );
      }
      return query
        .orderBy([
          { column: 'occurred_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit + 1);
    };
    const serviceArns = await this.pullErrorServices(options);
    let rows: PullErrorRow[] = [];
    if (!serviceArns) {
      rows = await page();
    } else {
      for (const batch of chunks(serviceArns)) {
        const [first, ...rest] = batch.map((arn, i) =>
          this.db.select('*').from(page(arn).as(`s${i}`)),
        );
        rows.push(...(await (rest.length ? first.unionAll(rest) : first)));
      }
      rows = rows
        .sort(
          (a, b) =>
            compareText(b.occurred_at, a.occurred_at) ||
            Number(b.id) - Number(a.id),
        )
        .slice(0, limit + 1);
    }
    const items = rows.slice(0, limit).map(toPullErrorRecord);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ t: last.occurredAt, id: last.id })
          : undefined,
    };
  }

  async countPullErrors(
    options: Omit<ListPullErrorsOptions, 'limit' | 'cursor'>,
  ): Promise<PullErrorCount[]> {
    // The day is the date part of the ISO timestamp: UTC, and the same text on both databases.
    const day = 'substr(occurred_at, 1, 10)';
    const rows = (await this.pullErrorsMatching(options)
      .select(this.db.raw(`${day} as day`), 'category')
      .count({ count: '*' })
      .groupByRaw(`${day}, category`)
      .orderByRaw(`${day}, category`)) as Array<{
      day: string;
      category: string;
      count: number | string;
    }>;
    return rows.map(r => ({
      day: r.day,
      category: r.category,
      count: Number(r.count),
    }));
  }

  async summarizePullErrors(options: {
    serviceArns: string[];
    since: Date | string;
  }): Promise<PullErrorSummary[]> {
    const since = toIso(options.since);
    const groups = new Map<string, PullErrorSummary>();
    const add = (summary: PullErrorSummary) => {
      const key = JSON.stringify([
        summary.serviceArn,
        summary.category,
        summary.fixKey ?? null,
      ]);
      const seen = groups.get(key);
      if (!seen) {
        groups.set(key, summary);
        return;
      }
      seen.count += summary.count;
      if (summary.firstAt < seen.firstAt) seen.firstAt = summary.firstAt;
      if (summary.lastAt > seen.lastAt) seen.lastAt = summary.lastAt;
    };
    for (const arns of chunks(unique(options.serviceArns))) {
      const rows = (await this.db('pull_errors')
        .whereIn('service_arn', arns)
        .where('occurred_at', '>=', since)
        .select('service_arn', 'category', 'fix_key')
        .count({ count: '*' })
        .min({ first_at: 'occurred_at' })
        .max({ last_at: 'occurred_at' })
        .groupBy('service_arn', 'category', 'fix_key')) as Array<{
        service_arn: string;
        category: string;
        fix_key: string | null;
        count: number | string;
        first_at: string;
        last_at: string;
      }>;
      const unkeyed = new Set<string>();
      for (const row of rows) {
        if (row.fix_key === null) {
          unkeyed.add(row.service_arn);
          continue;
        }
        add({
          serviceArn: row.service_arn,
          category: row.category,
          fixKey: row.fix_key,
          count: Number(row.count),
          firstAt: row.first_at,
          lastAt: row.last_at,
        });
      }
      // Rows written without the fix key column (by a replica not yet upgraded): read it from
      // the classification.
      if (unkeyed.size > 0) {
        const old = (await this.db('pull_errors')
          .whereIn('service_arn', [...unkeyed])
          .where('occurred_at', '>=', since)
          .whereNull('fix_key')
          .select(
            'service_arn',
            'category',
            'classified',
            'occurred_at',
          )) as Array<
          Pick<
            PullErrorRow,
            'service_arn' | 'category' | 'classified' | 'occurred_at'
          >
        >;
        for (const row of old) {
          const fixKey = fixKeyOf(row.classified);
          add({
            serviceArn: row.service_arn,
            category: row.category,
            ...(fixKey !== undefined && { fixKey }),
            count: 1,
            firstAt: row.occurred_at,
            lastAt: row.occurred_at,
          });
        }
      }
    }
    return [...groups.values()].sort(
      (a, b) =>
        compareText(a.serviceArn, b.serviceArn) ||
        compareText(a.category, b.category) ||
        compareText(a.fixKey ?? '', b.fixKey ?? ''),
    );
  }

  async prunePullErrors(options: {
    olderThan: Date | string;
  }): Promise<number> {
    return this.db('pull_errors')
      .where('occurred_at', '<', toIso(options.olderThan))
      .delete();
  }

  // ---------------------------------------------------------------------------------------------
  // Task definitions

  async getTaskDefinition(arn: string): Promise<JsonObject | undefined> {
    const row = await this.db('task_definitions')
      .where({ arn })
      .first(['definition']);
    return row ? (JSON.parse(row.definition) as JsonObject) : undefined;
  }

  async putTaskDefinition(arn: string, definition: JsonObject): Promise<void> {
    const revision = Number(/:(\d+)$/.exec(arn)?.[1] ?? definition.revision);
    const family =
      /:task-definition\/([^:]+):\d+$/.exec(arn)?.[1] ??
      String(definition.family ?? '');
    await this.db('task_definitions')
      .insert({
        arn,
        family,
        revision: Number.isFinite(revision) ? revision : 0,
        definition: JSON.stringify(definition),
        fetched_at: this.clock().toISOString(),
      })
      .onConflict('arn')
      .merge(['definition', 'fetched_at']);
  }

  // ---------------------------------------------------------------------------------------------
  // Document cache

  documentCache(options: DocumentCacheOptions = {}): CountingDocumentCache {
    return new DatabaseDocumentCache(this.db, this.clock, {
      ...options,
      logger: this.logger,
    });
  }

  async pruneDocuments(options: { olderThan: Date | string }): Promise<number> {
    return this.db('documents')
      .where('stored_at', '<', toIso(options.olderThan))
      .delete();
  }

  // ---------------------------------------------------------------------------------------------
  // Audit runs

  async startAuditRun(options: {
    trigger: string;
    shard?: ShardKey;
    entityRef?: string;
    servicesTotal?: number;
  }): Promise<number> {
    const [row] = await this.db('audit_runs')
      .insert({
        trigger: options.trigger,
        shard: options.shard
          ? `${options.shard.accountId}/${options.shard.region}`
          : null,
        entity_ref: options.entityRef?.toLocaleLowerCase('en-US') ?? null,
        services_total: options.servicesTotal ?? null,
        status: 'running',
        started_at: this.clock().toISOString(),
        calls_by_api: '{}',
        errors_by_account: '{}',
      })
      .returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  }

  async finishAuditRun(id: number, result: AuditRunResult): Promise<void> {
    await this.db('audit_runs')
      .where({ id })
      .update({
        status: result.status,
        finished_at: this.clock().toISOString(),
        services_audited: result.servicesAudited,
        entities_audited: result.entitiesAudited,
        calls_by_api: JSON.stringify(result.callsByApi),
        cache_hits: result.cacheHits,
        cache_misses: result.cacheMisses,
        errors_by_account: JSON.stringify(result.errorsByAccount),
      });
  }

  async listAuditRuns(options: { limit?: number } = {}): Promise<AuditRun[]> {
    const rows = await this.db<AuditRunRow>('audit_runs')
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(clamp(options.limit, 20, 500));
    return rows.map(toAuditRun);
  }

  async getAuditRun(id: number): Promise<AuditRun | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = await this.db<AuditRunRow>('audit_runs').where({ id }).first();
    return row ? toAuditRun(row) : undefined;
  }

  async findRecentAuditRun(options: {
    trigger: string;
    entityRef: string;
    startedSince: Date | string;
  }): Promise<AuditRun | undefined> {
    const row = await this.db<AuditRunRow>('audit_runs')
      .where({
        entity_ref: options.entityRef.toLocaleLowerCase('en-US'),
        trigger: options.trigger,
      })
      .where(q =>
        q
          .where('status', 'running')
          .orWhere('started_at', '>=', toIso(options.startedSince)),
      )
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row ? toAuditRun(row) : undefined;
  }

  async pruneAuditRuns(options: { olderThan: Date | string }): Promise<number> {
    const kept = this.db('audit_runs')
      .whereNotNull('finished_at')
      .whereNot('status', 'failed')
      .groupBy('shard', 'trigger')
      .max({ id: 'id' });
    const deleted = await this.db('audit_runs')
      .where('started_at', '<', toIso(options.olderThan))
      .whereNotNull('finished_at')
      .whereNotIn('id', kept)
      .delete();
    return Number(deleted);
  }

  async lastShardAudits(): Promise<Map<string, string>> {
    const rows = (await this.db('audit_runs')
      .whereNotNull('shard')
      .whereNotNull('finished_at')
      .whereNot('status', 'failed')
      .groupBy('shard')
      .select('shard')
      .max({ last: 'finished_at' })) as { shard: string; last: string }[];
    return new Map(rows.map(r => [r.shard, r.last]));
  }

  // ---------------------------------------------------------------------------------------------
  // Links

  async replaceLinks(options: {
    links: StoredLinkInput[];
    linkErrors: EntityLinkErrors[];
    entities?: EntityMetaInput[];
  }): Promise<void> {
    const rows = new Map<string, LinkRow>();
    for (const link of options.links) {
      const entityRef = link.entityRef.toLocaleLowerCase('en-US');
      const key = `${entityRef}\u0000${link.serviceArn}`;
      if (rows.has(key)) continue;
      rows.set(key, {
        entity_ref: entityRef,
        service_arn: link.serviceArn,
        account_id: link.accountId,
        region: link.region,
        service_name: link.serviceName,
        via: link.via,
        missing_reason: null,
      });
    }
    const errors = new Map<string, Finding[]>();
    for (const e of options.linkErrors) {
      const ref = e.entityRef.toLocaleLowerCase('en-US');
      errors.set(ref, [...(errors.get(ref) ?? []), ...e.findings]);
    }
    await this.db.transaction(async tx => {
      // What the last audits learnt of the services stays until their shard is audited again.
      const missing = new Map(
        (
          await tx<LinkRow>('links')
            .whereNotNull('missing_reason')
            .select('service_arn', 'missing_reason')
        ).map(r => [r.service_arn, r.missing_reason]),
      );
      for (const row of rows.values()) {
        row.missing_reason = missing.get(row.service_arn) ?? null;
      }
      await tx('links').delete();
      await tx('link_errors').delete();
      for (const batch of chunks([...rows.values()])) {
        await tx('links').insert(batch);
      }
      for (const batch of chunks([...errors])) {
        await tx('link_errors').insert(
          batch.map(([entity_ref, findings]) => ({
            entity_ref,
            findings: JSON.stringify(findings),
          })),
        );
      }
      if (options.entities) await this.replaceEntities(tx, options.entities);
    });
  }

  /**
   * Makes the `entities` table exactly this set: rows new or changed are upserted (their
   * `updated_at` moves), rows not in the set are deleted, unchanged rows are not written.
   */
  private async replaceEntities(
    tx: Knex.Transaction,
    entities: EntityMetaInput[],
  ): Promise<void> {
    const rows = new Map<string, Omit<EntityMetaRow, 'updated_at'>>();
    for (const entity of entities) {
      const row = toEntityMetaRow(entity);
      if (!rows.has(row.entity_ref)) rows.set(row.entity_ref, row);
    }
    const stored = new Map(
      (
        await tx<EntityMetaRow>('entities').select(
          'entity_ref',
          ...ENTITY_META_COLUMNS,
        )
      ).map(row => [row.entity_ref, row]),
    );
    const gone = [...stored.keys()].filter(ref => !rows.has(ref));
    for (const batch of chunks(gone)) {
      await tx('entities').whereIn('entity_ref', batch).delete();
    }
    const now = this.clock().toISOString();
    const changed = [...rows.values()].filter(row => {
      const old = stored.get(row.entity_ref);
      return !old || ENTITY_META_COLUMNS.some(c => old[c] !== row[c]);
    });
    for (const batch of chunks(changed)) {
      await tx('entities')
        .insert(batch.map(row => ({ ...row, updated_at: now })))
        .onConflict('entity_ref')
        .merge();
    }
  }

  async listEntityMeta(entityRefs?: string[]): Promise<EntityMetaInput[]> {
    const rows: EntityMetaRow[] = [];
    if (entityRefs) {
      for (const batch of chunks(
        unique(entityRefs.map(r => r.toLocaleLowerCase('en-US'))),
      )) {
        rows.push(
          ...(await this.db<EntityMetaRow>('entities').whereIn(
            'entity_ref',
            batch,
          )),
        );
      }
    } else {
      rows.push(...(await this.db<EntityMetaRow>('entities')));
    }
    return rows
      .sort((a, b) => compareText(a.entity_ref, b.entity_ref))
      .map(toEntityMeta);
  }

  async listEntityKinds(): Promise<string[]> {
    const rows: Array<{ kind: string }> = await this.db('entities').distinct(
      'kind',
    );
    return unique(rows.map(r => r.kind.toLocaleLowerCase('en-US'))).sort(
      compareText,
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Scorecard

  async listScorecard(query: ScorecardQuery): Promise<ScorecardResult> {
    const filter = scorecardFilter(query);
    const sort = query.sort ?? 'status';
    const order = query.order ?? 'asc';
    if (!(SCORECARD_SORTS as readonly string[]).includes(sort)) {
      throw new InputError(`Cannot sort the scorecard by ${sort}`);
    }
    if (order !== 'asc' && order !== 'desc') {
      throw new InputError(`Cannot order the scorecard ${order}`);
    }
    if (query.limit !== undefined && !Number.isFinite(query.limit)) {
      throw new InputError(`Invalid limit ${query.limit}`);
    }
    const limit =
      query.limit === undefined
        ? undefined
        : Math.max(1, Math.floor(query.limit));
    const keys = this.scorecardKeys(sort, order);
    const scope = scorecardScope(sort, order, filter);
    const after = query.cursor
      ? keysetAfter(keys, decodeScorecardCursor(query.cursor, scope, keys))
      : undefined;
    const orderBy = keys.map(k => `${k.sql} ${k.dir}`).join(', ');
    const keyColumns = keys.map((k, i) => this.db.raw(`${k.sql} as k${i}`));
    const totals: ScorecardResult['totals'] = {
      ...emptyStatusCounts(),
      total: 0,
    };
    const count = (status: string, n: number) => {
      if (isEntityStatus(status)) totals[status] += n;
      totals.total += n;
    };

    let rows: KeyedScorecardRow[];
    const visible = query.visibleRefs;
    if (!visible) {
      const counted = (await this.scorecardBase(filter)
        .select('er.status')
        .count({ count: '*' })
        .groupBy('er.status')) as Array<{ status: string; count: unknown }>;
      for (const c of counted) count(c.status, Number(c.count));
      const page = this.scorecardBase(filter)
        .select(SCORECARD_COLUMNS)
        .select(keyColumns)
        .orderByRaw(orderBy);
      if (after) page.whereRaw(after.sql, after.bindings);
      if (limit !== undefined) page.limit(limit + 1);
      rows = await page;
    } else {
      // Only some entities may be read: the whole filter is read in order (the sort keys only,
      // unless every row is asked for), and the visible rows counted and picked here, so that no
      // list of visible refs goes to the database.
      const scan = this.scorecardBase(filter)
        .select(
          limit === undefined
            ? SCORECARD_COLUMNS
            : ['er.entity_ref', 'er.status'],
        )
        .select(keyColumns)
        .orderByRaw(orderBy);
      if (after) {
        scan.select(
          this.db.raw(
            `CASE WHEN ${after.sql} THEN 1 ELSE 0 END as after_cursor`,
            after.bindings,
          ),
        );
      }
      const picked: KeyedScorecardRow[] = [];
      for (const row of (await scan) as Array<
        KeyedScorecardRow & { after_cursor?: unknown }
      >) {
        if (!visible.has(row.entity_ref)) continue;
        count(row.status, 1);
        if (after && Number(row.after_cursor) !== 1) continue;
        if (limit === undefined || picked.length <= limit) picked.push(row);
      }
      rows =
        limit === undefined ? picked : await this.withScorecardColumns(picked);
    }

    const more = limit !== undefined && rows.length > limit;
    if (more) rows = rows.slice(0, limit);
    const items = await this.scorecardEntries(rows, limit === undefined);
    const last = rows[rows.length - 1];
    return {
      items,
      totals,
      ...(more && last
        ? {
            nextCursor: encodeScorecardCursor(
              scope,
              keys.map((_, i) => last[`k${i}`]),
            ),
          }
        : {}),
    };
  }

  async scorecardTrend(options: {
    days: number;
    now?: Date;
    owners?: string[];
    systems?: string[];
    visibleRefs?: ReadonlySet<string>;
  }): Promise<TrendDay[]> {
    const days = Math.floor(options.days);
    if (!Number.isFinite(days) || days < 1) {
      throw new InputError(`Invalid number of days ${options.days}`);
    }
    const now = options.now ?? this.clock();
    const today = Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate(),
    );
    // Each day ends where the next begins: `changed_at < <next day>T00:00:00.000Z`.
    const dayList = Array.from({ length: days }, (_, i) => {
      const start = today - (days - 1 - i) * DAY_MS;
      return {
        day: new Date(start).toISOString().slice(0, 10),
        end: new Date(start + DAY_MS).toISOString(),
      };
    });
    const windowStart = `${dayList[0].day}T00:00:00.000Z`;
    const windowEnd = dayList[dayList.length - 1].end;
    const filter = scorecardFilter(options);
    const visible = options.visibleRefs;

    // Each entity's status when the window opens: its latest history row before it.
    const baseline = (await this.scorecardBase(filter).select(
      'er.entity_ref',
      this.db('status_history as h')
        .select('h.to_status')
        .where('h.subject_kind', 'entity')
        .where('h.subject', this.db.ref('er.entity_ref'))
        .where('h.changed_at', '<', windowStart)
        .orderBy([
          { column: 'h.changed_at', order: 'desc' },
          { column: 'h.id', order: 'desc' },
        ])
        .limit(1)
        .as('baseline'),
    )) as Array<{ entity_ref: string; baseline: string | null }>;
    const subjects = new Set<string>();
    const current = new Map<string, EntityStatus>();
    const counts = emptyStatusCounts();
    for (const row of baseline) {
      if (visible && !visible.has(row.entity_ref)) continue;
      subjects.add(row.entity_ref);
      if (row.baseline && isEntityStatus(row.baseline)) {
        current.set(row.entity_ref, row.baseline);
        counts[row.baseline] += 1;
      }
    }
    // Then the changes inside the window, replayed day by day.
    const changes = (await this.db('status_history')
      .where('subject_kind', 'entity')
      .where('changed_at', '>=', windowStart)
      .where('changed_at', '<', windowEnd)
      .whereIn('subject', this.scorecardBase(filter).select('er.entity_ref'))
      .select('subject', 'to_status', 'changed_at')
      .orderBy([
        { column: 'changed_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])) as Array<{ subject: string; to_status: string; changed_at: string }>;
    const trend: TrendDay[] = [];
    let next = 0;
    for (const { day, end } of dayList) {
      for (; next < changes.length && changes[next].changed_at < end; next++) {
        const { subject, to_status: status } = changes[next];
        if (!subjects.has(subject)) continue;
        const before = current.get(subject);
        if (before) counts[before] -= 1;
        if (isEntityStatus(status)) {
          current.set(subject, status);
          counts[status] += 1;
        } else {
          current.delete(subject);
        }
      }
      trend.push({ day, ...counts });
    }
    return trend;
  }

  /** Entity reports with their catalog view (when there is one), filtered. */
  private scorecardBase(filter: ScorecardFilter): Knex.QueryBuilder {
    const query = this.db('entity_reports as er').leftJoin(
      'entities as e',
      'e.entity_ref',
      'er.entity_ref',
    );
    if (filter.owners.length) query.whereIn('e.owner', filter.owners);
    if (filter.systems.length) query.whereIn('e.system', filter.systems);
    if (filter.statuses.length) query.whereIn('er.status', filter.statuses);
    if (filter.q) {
      const pattern = `%${escapeLike(filter.q)}%`;
      query.where(q =>
        q
          .whereRaw(`lower(e.name) LIKE ? ESCAPE '\\'`, [pattern])
          .orWhereRaw(`lower(e.title) LIKE ? ESCAPE '\\'`, [pattern])
          .orWhereRaw(`er.entity_ref LIKE ? ESCAPE '\\'`, [pattern]),
      );
    }
    return query;
  }

  /**
   * The sort keys of a scorecard sort, the last one the entity ref so the order is total. None
   * is ever null (an absent owner or system sorts last in both orders), and text compares by
   * code point on both databases (`COLLATE "C"` on PostgreSQL, SQLite's BINARY).
   */
  private scorecardKeys(
    sort: NonNullable<ScorecardQuery['sort']>,
    order: 'asc' | 'desc',
  ): SortKey[] {
    const pg = this.db.client.config.client === 'pg';
    const text = (sql: string) => (pg ? `(${sql}) COLLATE "C"` : sql);
    const ref: SortKey = {
      sql: text('er.entity_ref'),
      dir: order,
      type: 'string',
    };
    const nameFromRef = pg
      ? `substr(er.entity_ref, strpos(er.entity_ref, '/') + 1)`
      : `substr(er.entity_ref, instr(er.entity_ref, '/') + 1)`;
    const nullsLast = (column: string): SortKey[] => [
      {
        sql: `CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`,
        dir: 'asc',
        type: 'number',
      },
      { sql: text(`COALESCE(${column}, '')`), dir: order, type: 'string' },
    ];
    switch (sort) {
      case 'status':
        return [{ sql: STATUS_RANK_SQL, dir: order, type: 'number' }, ref];
      case 'name':
        return [ref];
      case 'title':
        return [
          {
            sql: `lower(${text(`COALESCE(e.title, e.name, ${nameFromRef})`)})`,
            dir: order,
            type: 'string',
          },
          ref,
        ];
      case 'owner':
        return [...nullsLast('e.owner'), ref];
      case 'system':
        return [...nullsLast('e.system'), ref];
      case 'statusSince':
        return [
          { sql: text('er.status_since'), dir: order, type: 'string' },
          ref,
        ];
      default:
        throw new InputError(`Cannot sort the scorecard by ${sort}`);
    }
  }

  /** The full scorecard columns of rows picked by their sort keys, in the same order. */
  private async withScorecardColumns(
    picked: KeyedScorecardRow[],
  ): Promise<KeyedScorecardRow[]> {
    const full = new Map<string, ScorecardRow>();
    for (const batch of chunks(picked.map(r => r.entity_ref))) {
      const rows: ScorecardRow[] = await this.db('entity_reports as er')
        .leftJoin('entities as e', 'e.entity_ref', 'er.entity_ref')
        .whereIn('er.entity_ref', batch)
        .select(SCORECARD_COLUMNS);
      for (const row of rows) full.set(row.entity_ref, row);
    }
    return picked.flatMap(row => {
      const columns = full.get(row.entity_ref);
      // Deleted between the two reads: left out, as a later read would.
      return columns ? [{ ...row, ...columns }] : [];
    });
  }

  /**
   * The scorecard entries of these rows, every lookup batched: service reports, the newest
   * pull failure of each service, the shards' last audits and, for services without a report,
   * the shard of their link. `all` says every row of the scorecard is asked for (the CSV): the
   * lookups then read their tables whole instead of by key.
   */
  private async scorecardEntries(
    rows: ScorecardRow[],
    all: boolean,
  ): Promise<ScorecardEntry[]> {
    if (rows.length === 0) return [];
    const arnsOf = new Map<string, string[]>(
      rows.map(row => [row.entity_ref, unique(JSON.parse(row.service_arns))]),
    );
    const arns = unique([...arnsOf.values()].flat());

    const services = new Map<
      string,
      { shard: string; counts: ScorecardEntry['counts']; checks: string[] }
    >();
    type ServiceCountRow = Pick<
      ServiceRow,
      | 'service_arn'
      | 'account_id'
      | 'region'
      | 'findings'
      | 'stale'
      | 'stale_errors'
    >;
    // Independent reads: on PostgreSQL they run at once, on their own connections.
    const [serviceRows, lastPull, shardAudits] = await Promise.all([
      this.rowsByArns<ServiceCountRow>(
        'service_reports',
        [
          'service_arn',
          'account_id',
          'region',
          'findings',
          'stale',
          'stale_errors',
        ],
        arns,
      ),
      this.lastPullFailures(all ? undefined : rows.map(r => r.entity_ref)),
      this.lastShardAudits(),
    ]);
    for (const row of serviceRows) {
      const findings = findingsOf(row);
      services.set(row.service_arn, {
        shard: `${row.account_id}/${row.region}`,
        counts: severityCounts(findings),
        checks: findings.map(f => f.id),
      });
    }
    const linkShards = new Map<string, string>();
    const unreported = arns.filter(arn => !services.has(arn));
    for (const row of await this.rowsByArns<
      Pick<LinkRow, 'service_arn' | 'account_id' | 'region'>
    >('links', ['service_arn', 'account_id', 'region'], unreported)) {
      linkShards.set(row.service_arn, `${row.account_id}/${row.region}`);
    }

    return rows.map(row => {
      const serviceArns = arnsOf.get(row.entity_ref)!;
      const own = findingsOf(row);
      const counts = severityCounts(own);
      const checks = new Set<string>(own.map(f => f.id));
      let lastPullFailureAt: string | undefined;
      let lastAuditedAt: string | undefined;
      let neverAudited = serviceArns.length === 0;
      for (const arn of serviceArns) {
        const service = services.get(arn);
        if (service) {
          counts.blocking += service.counts.blocking;
          counts.risk += service.counts.risk;
          counts.info += service.counts.info;
          for (const id of service.checks) checks.add(id);
        }
        const pulled = lastPull.get(arn);
        if (pulled && (!lastPullFailureAt || pulled > lastPullFailureAt)) {
          lastPullFailureAt = pulled;
        }
        const shard = service?.shard ?? linkShards.get(arn);
        const audited =
          shard === undefined ? undefined : shardAudits.get(shard);
        if (!audited) neverAudited = true;
        else if (!lastAuditedAt || audited < lastAuditedAt) {
          lastAuditedAt = audited;
        }
      }
      const parts = refParts(row.entity_ref);
      return {
        entityRef: row.entity_ref,
        kind: row.kind ?? parts.kind,
        namespace: row.namespace ?? parts.namespace,
        name: row.name ?? parts.name,
        ...(row.title ? { title: row.title } : {}),
        ...(row.owner ? { owner: row.owner } : {}),
        ...(row.system ? { system: row.system } : {}),
        status: row.status as EntityStatus,
        stale: toBoolean(row.stale),
        statusSince: row.status_since,
        serviceArns,
        counts,
        failingChecks: [...checks].sort(),
        ...(lastPullFailureAt ? { lastPullFailureAt } : {}),
        ...(lastAuditedAt && !neverAudited ? { lastAuditedAt } : {}),
      };
    });
  }

  /**
   * Rows of a table keyed by `service_arn`, for these ARNs: by key in batches, or the table
   * read whole when the ARNs are many (every row of the scorecard).
   */
  private async rowsByArns<T extends { service_arn: string }>(
    table: 'service_reports' | 'links',
    columns: string[],
    arns: string[],
  ): Promise<T[]> {
    if (arns.length === 0) return [];
    if (arns.length > WHOLE_TABLE_THRESHOLD) {
      const wanted = new Set(arns);
      const rows = (await this.db(table).select(columns)) as T[];
      return rows.filter(row => wanted.has(row.service_arn));
    }
    const rows: T[] = [];
    for (const batch of chunks(arns)) {
      rows.push(
        ...(await this.db(table).whereIn('service_arn', batch).select(columns)),
      );
    }
    return rows;
  }

  /**
   * The newest pull failure of each service of these entities (of every linked entity when
   * absent): one index probe per service (`MAX` over pull_errors_service_cover_idx).
   */
  private async lastPullFailures(
    entityRefs?: string[],
  ): Promise<Map<string, string>> {
    const newest = (outer: string) =>
      this.db('pull_errors as p')
        .max('p.occurred_at')
        .where('p.service_arn', this.db.ref(`${outer}.service_arn`))
        .as('last_at');
    const rows: Array<{ service_arn: string; last_at: string | null }> = [];
    if (entityRefs) {
      for (const batch of chunks(unique(entityRefs))) {
        rows.push(
          ...(await this.db('entity_services as es')
            .whereIn('es.entity_ref', batch)
            .select('es.service_arn', newest('es'))),
        );
      }
    } else {
      rows.push(
        ...(await this.db
          .from(this.db('entity_services').distinct('service_arn').as('s'))
          .select('s.service_arn', newest('s'))),
      );
    }
    const last = new Map<string, string>();
    for (const row of rows) {
      if (row.last_at) last.set(row.service_arn, row.last_at);
    }
    return last;
  }

  async listLinks(
    options: {
      shard?: ShardKey;
      entityRefs?: string[];
      serviceArns?: string[];
    } = {},
  ): Promise<StoredLink[]> {
    const select = (query: Knex.QueryBuilder<LinkRow>) => {
      if (options.shard) {
        query.where({
          account_id: options.shard.accountId,
          region: options.shard.region,
        });
      }
      return query.orderBy(['entity_ref', 'service_arn']);
    };
    let rows: LinkRow[];
    if (options.entityRefs || options.serviceArns) {
      const [column, values] = options.entityRefs
        ? [
            'entity_ref',
            options.entityRefs.map(r => r.toLocaleLowerCase('en-US')),
          ]
        : ['service_arn', options.serviceArns!];
      rows = [];
      for (const batch of chunks(unique(values))) {
        rows.push(
          ...(await select(this.db<LinkRow>('links').whereIn(column, batch))),
        );
      }
    } else {
      rows = await select(this.db<LinkRow>('links'));
    }
    return rows.map(row => ({
      entityRef: row.entity_ref,
      serviceArn: row.service_arn,
      accountId: row.account_id,
      region: row.region,
      serviceName: row.service_name,
      via: row.via,
      ...(row.missing_reason ? { missingReason: row.missing_reason } : {}),
    }));
  }

  async listLinkErrors(entityRefs?: string[]): Promise<EntityLinkErrors[]> {
    const rows: { entity_ref: string; findings: string }[] = [];
    if (entityRefs) {
      for (const batch of chunks(
        unique(entityRefs.map(r => r.toLocaleLowerCase('en-US'))),
      )) {
        rows.push(
          ...(await this.db('link_errors').whereIn('entity_ref', batch)),
        );
      }
    } else {
      rows.push(...(await this.db('link_errors')));
    }
    return rows.map(r => ({
      entityRef: r.entity_ref,
      findings: JSON.parse(r.findings),
    }));
  }

  async listShards(): Promise<ShardKey[]> {
    const rows = await this.db<LinkRow>('links')
      .distinct('account_id', 'region')
      .orderBy(['account_id', 'region']);
    return rows.map(r => ({ accountId: r.account_id, region: r.region }));
  }

  async setMissingServices(
    serviceArns: string[],
    missing: { serviceArn: string; reason: string }[],
  ): Promise<void> {
    const reasons = new Map(missing.map(m => [m.serviceArn, m.reason]));
    await this.db.transaction(async tx => {
      for (const batch of chunks(unique(serviceArns))) {
        await tx('links')
          .whereIn('service_arn', batch)
          .whereNotNull('missing_reason')
          .update({ missing_reason: null });
      }
      const byReason = new Map<string, string[]>();
      for (const [arn, reason] of reasons) {
        byReason.set(reason, [...(byReason.get(reason) ?? []), arn]);
      }
      for (const [reason, arns] of byReason) {
        for (const batch of chunks(arns)) {
          await tx('links')
            .whereIn('service_arn', batch)
            .update({ missing_reason: reason });
        }
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Service deployments and events

  async upsertServiceDeployments(
    deployments: ServiceDeploymentInput[],
  ): Promise<number> {
    const now = this.clock().toISOString();
    const byArn = new Map<string, ServiceDeploymentRow>();
    for (const d of deployments) {
      byArn.set(d.deploymentArn, {
        deployment_arn: d.deploymentArn,
        service_arn: d.serviceArn,
        account_id: d.accountId,
        region: d.region,
        status: d.status,
        status_reason: d.statusReason ?? null,
        target_revision_arn: d.targetRevisionArn ?? null,
        task_definition_arn: d.taskDefinitionArn ?? null,
        details: JSON.stringify(d.details),
        created_at: toIso(d.createdAt),
        started_at: d.startedAt ? toIso(d.startedAt) : null,
        finished_at: d.finishedAt ? toIso(d.finishedAt) : null,
        recorded_at: now,
      });
    }
    let written = 0;
    for (const batch of chunks([...byArn.values()])) {
      const stored = new Map(
        (
          await this.db<ServiceDeploymentRow>('service_deployments').whereIn(
            'deployment_arn',
            batch.map(r => r.deployment_arn),
          )
        ).map(r => [r.deployment_arn, r]),
      );
      for (const row of batch) {
        const old = stored.get(row.deployment_arn);
        if (!old) {
          await this.db('service_deployments').insert(row);
          written += 1;
        } else if (
          old.status !== row.status ||
          old.status_reason !== row.status_reason ||
          old.finished_at !== row.finished_at ||
          old.details !== row.details ||
          (row.task_definition_arn !== null &&
            old.task_definition_arn !== row.task_definition_arn)
        ) {
          const { deployment_arn, created_at, ...changes } = row;
          await this.db('service_deployments')
            .where({ deployment_arn })
            // A write that could not learn the task definition keeps the one stored.
            .update({
              ...changes,
              task_definition_arn:
                row.task_definition_arn ?? old.task_definition_arn,
            });
          written += 1;
        }
      }
    }
    return written;
  }

  async listServiceDeployments(options: {
    serviceArns: string[];
    since?: Date | string;
    limit?: number;
  }): Promise<ServiceDeploymentRecord[]> {
    const rows: ServiceDeploymentRow[] = [];
    for (const batch of chunks(unique(options.serviceArns))) {
      const query = this.db<ServiceDeploymentRow>('service_deployments')
        .whereIn('service_arn', batch)
        .orderBy('created_at', 'desc')
        .limit(clamp(options.limit, 100, 1000));
      if (options.since) query.where('created_at', '>=', toIso(options.since));
      rows.push(...(await query));
    }
    return rows
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .slice(0, clamp(options.limit, 100, 1000))
      .map(row => ({
        deploymentArn: row.deployment_arn,
        serviceArn: row.service_arn,
        accountId: row.account_id,
        region: row.region,
        status: row.status,
        ...(row.status_reason ? { statusReason: row.status_reason } : {}),
        ...(row.target_revision_arn
          ? { targetRevisionArn: row.target_revision_arn }
          : {}),
        ...(row.task_definition_arn
          ? { taskDefinitionArn: row.task_definition_arn }
          : {}),
        details: JSON.parse(row.details),
        createdAt: row.created_at,
        ...(row.started_at ? { startedAt: row.started_at } : {}),
        ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
        recordedAt: row.recorded_at,
      }));
  }

  async latestServiceDeployments(
    serviceArns: string[],
  ): Promise<Map<string, string>> {
    const latest = new Map<string, string>();
    for (const batch of chunks(unique(serviceArns))) {
      const rows = await this.db('service_deployments')
        .whereIn('service_arn', batch)
        .groupBy('service_arn')
        .select('service_arn')
        .max({ latest: 'created_at' });
      for (const row of rows as { service_arn: string; latest: string }[]) {
        latest.set(row.service_arn, row.latest);
      }
    }
    return latest;
  }

  async addServiceEvents(events: ServiceEventInput[]): Promise<number> {
    const byKey = new Map<string, object>();
    for (const e of events) {
      byKey.set(`${e.serviceArn}\u0000${e.eventId}`, {
        service_arn: e.serviceArn,
        event_id: e.eventId,
        message: e.message,
        category: e.category ?? null,
        created_at: toIso(e.createdAt),
      });
    }
    let inserted = 0;
    for (const rows of chunks([...byKey.values()])) {
      const ids = await this.db('service_events')
        .insert(rows)
        .onConflict(['service_arn', 'event_id'])
        .ignore()
        .returning('id');
      inserted += ids.length;
    }
    return inserted;
  }

  async listServiceEvents(options: {
    serviceArns: string[];
    since?: Date | string;
    limit?: number;
  }): Promise<ServiceEventRecord[]> {
    const limit = clamp(options.limit, 100, 1000);
    const rows: ServiceEventRow[] = [];
    for (const batch of chunks(unique(options.serviceArns))) {
      const query = this.db<ServiceEventRow>('service_events')
        .whereIn('service_arn', batch)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
      if (options.since) query.where('created_at', '>=', toIso(options.since));
      rows.push(...(await query));
    }
    return rows
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
      .slice(0, limit)
      .map(row => ({
        serviceArn: row.service_arn,
        eventId: row.event_id,
        message: row.message,
        ...(row.category ? { category: row.category } : {}),
        createdAt: row.created_at,
      }));
  }

  async pruneServiceHistory(options: {
    olderThan: Date | string;
  }): Promise<number> {
    const olderThan = toIso(options.olderThan);
    const deployments = await this.db('service_deployments')
      .where('created_at', '<', olderThan)
      .delete();
    const events = await this.db('service_events')
      .where('created_at', '<', olderThan)
      .delete();
    const decisions = await this.db('gate_decisions')
      .where('decided_at', '<', olderThan)
      .delete();
    return Number(deployments) + Number(events) + Number(decisions);
  }

  // ---------------------------------------------------------------------------------------------
  // Gate decisions

  async recordGateDecision(
    decision: GateDecisionInput,
  ): Promise<{ record: GateDecisionRecord; created: boolean }> {
    const decidedAt = toIso(decision.decidedAt);
    const key = createHash('sha256')
      .update(
        [
          decision.serviceArn,
          decision.targetServiceRevisionArn,
          decision.lifecycleStage,
          decision.executionId ?? `at ${decidedAt}`,
        ].join('\u0000'),
      )
      .digest('hex');
    const row: Omit<GateDecisionRow, 'id'> = {
      decision_key: key,
      service_arn: decision.serviceArn,
      service_deployment_arn: decision.serviceDeploymentArn ?? null,
      target_service_revision_arn: decision.targetServiceRevisionArn,
      task_definition_arn: decision.taskDefinitionArn ?? null,
      lifecycle_stage: decision.lifecycleStage,
      execution_id: decision.executionId ?? null,
      hook_status: decision.hookStatus,
      decision: decision.decision,
      readiness: decision.readiness ?? null,
      cause: decision.cause ?? null,
      fix: decision.fix ?? null,
      findings: JSON.stringify(decision.findings),
      decided_at: decidedAt,
      received_at: this.clock().toISOString(),
      reported_by: decision.reportedBy,
    };
    const inserted = await this.db('gate_decisions')
      .insert(row)
      .onConflict('decision_key')
      .ignore()
      .returning('id');
    const stored = await this.db<GateDecisionRow>('gate_decisions')
      .where({ decision_key: key })
      .first();
    if (!stored) {
      throw new Error(`The gate decision ${key} was not stored`);
    }
    return { record: gateDecisionRecord(stored), created: inserted.length > 0 };
  }

  async listGateDecisions(options: {
    serviceArns: string[];
    since?: Date | string;
    limit?: number;
  }): Promise<GateDecisionRecord[]> {
    const limit = clamp(options.limit, 100, 1000);
    const rows: GateDecisionRow[] = [];
    for (const batch of chunks(unique(options.serviceArns))) {
      const query = this.db<GateDecisionRow>('gate_decisions')
        .whereIn('service_arn', batch)
        .orderBy('decided_at', 'desc')
        .limit(limit);
      if (options.since) query.where('decided_at', '>=', toIso(options.since));
      rows.push(...(await query));
    }
    return rows
      .sort(
        (a, b) =>
          b.decided_at.localeCompare(a.decided_at) ||
          Number(b.id) - Number(a.id),
      )
      .slice(0, limit)
      .map(gateDecisionRecord);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * The services whose pull errors a filter asks for: the entity's (as of its latest report),
   * the one named, both (the intersection), or undefined for every service.
   */
  private async pullErrorServices(
    options: Pick<ListPullErrorsOptions, 'entityRef' | 'serviceArn'>,
  ): Promise<string[] | undefined> {
    if (!options.entityRef) {
      return options.serviceArn === undefined
        ? undefined
        : [options.serviceArn];
    }
    const query = this.db('entity_services')
      .where({ entity_ref: options.entityRef.toLocaleLowerCase('en-US') })
      .orderBy('service_arn');
    if (options.serviceArn !== undefined) {
      query.where({ service_arn: options.serviceArn });
    }
    return (await query.select('service_arn')).map(
      (r: { service_arn: string }) => r.service_arn,
    );
  }

  /** The pull errors matching a filter of {@link ReadinessStore.listPullErrors}, unordered. */
  private pullErrorsMatching(
    options: Omit<ListPullErrorsOptions, 'limit' | 'cursor'>,
  ): Knex.QueryBuilder {
    const query = this.db('pull_errors');
    if (options.entityRef) {
      query.whereIn(
        'service_arn',
        this.db('entity_services')
          .select('service_arn')
          .where({ entity_ref: options.entityRef.toLocaleLowerCase('en-US') }),
      );
    }
    if (options.serviceArn) query.where({ service_arn: options.serviceArn });
    if (options.since) query.where('occurred_at', '>=', toIso(options.since));
    if (options.until) query.where('occurred_at', '<', toIso(options.until));
    if (options.categories?.length) {
      query.whereIn('category', unique(options.categories));
    }
    return query;
  }

  /**
   * Upserts reports of one table, 100 a transaction: the stored rows of a batch are read at
   * once (locked on PostgreSQL), each report is written unless unchanged ({@link writeReport}),
   * and a status change adds a history row.
   */
  private async upsertReports<R extends { status: string }>(
    kind: {
      table: 'service_reports' | 'entity_reports';
      keyColumn: 'service_arn' | 'entity_ref';
      subjectKind: 'service' | 'entity';
      keyOf: (report: R) => string;
      hashOf: (report: R) => string;
      contentOf: (report: R) => Record<string, string> & { status: string };
      onContentChange?: (
        tx: Knex.Transaction,
        key: string,
        report: R,
      ) => Promise<void>;
    },
    items: Array<{ report: R; staleErrors?: AuditError[] }>,
    options: Pick<WriteOptions, 'auditRunId'>,
  ): Promise<UpsertResult[]> {
    const results: UpsertResult[] = [];
    for (const batch of chunks(items)) {
      results.push(
        ...(await this.db.transaction(async tx => {
          const rows: Array<
            Pick<StateRow, 'content_hash' | 'stale'> & { status: string }
          > = await this.forUpdate(
            tx(kind.table)
              .whereIn(
                kind.keyColumn,
                batch.map(i => kind.keyOf(i.report)),
              )
              .select([kind.keyColumn, 'status', 'content_hash', 'stale']),
          );
          const existing = new Map(
            rows.map(row => [(row as any)[kind.keyColumn] as string, row]),
          );
          const out: UpsertResult[] = [];
          for (const { report, staleErrors } of batch) {
            const key = kind.keyOf(report);
            const before = existing.get(key);
            const hash = kind.hashOf(report);
            const result = await this.writeReport(tx, {
              table: kind.table,
              key: { [kind.keyColumn]: key },
              existing: before,
              hash,
              content: kind.contentOf(report),
              staleErrors,
            });
            if (result.written && before?.content_hash !== hash) {
              await kind.onContentChange?.(tx, key, report);
            }
            if (result.statusChanged) {
              await this.addHistory(tx, {
                subject_kind: kind.subjectKind,
                subject: key,
                from_status: result.previousStatus ?? null,
                to_status: report.status,
                audit_run_id: options.auditRunId ?? null,
              });
            }
            out.push(result);
          }
          return out;
        })),
      );
    }
    return results;
  }

  /**
   * Writes a report row unless its content is unchanged and it is not stale. A stale report
   * with unchanged content only loses its stale flag; `updated_at` moves only when the content
   * changes, `status_since` only when the status does.
   */
  private async writeReport(
    tx: Knex.Transaction,
    write: {
      table: 'service_reports' | 'entity_reports';
      key: Record<string, string>;
      existing?: Pick<StateRow, 'content_hash' | 'stale'> & { status: string };
      hash: string;
      content: Record<string, string> & { status: string };
      staleErrors?: AuditError[];
    },
  ): Promise<UpsertResult> {
    const { existing, hash, content } = write;
    const now = this.clock().toISOString();
    const fresh = write.staleErrors?.length
      ? {
          stale: true,
          stale_errors: JSON.stringify(write.staleErrors),
          stale_since: tx.raw('COALESCE(??, ?)', ['stale_since', now]),
        }
      : { stale: false, stale_errors: null, stale_since: null };
    if (!existing) {
      await tx(write.table).insert({
        ...write.key,
        ...content,
        ...fresh,
        ...(fresh.stale && { stale_since: now }),
        content_hash: hash,
        updated_at: now,
        status_since: now,
      });
      return { written: true, statusChanged: true };
    }
    const previousStatus = existing.status;
    const contentChanged = existing.content_hash !== hash;
    if (!contentChanged && toBoolean(existing.stale) === fresh.stale) {
      return { written: false, statusChanged: false, previousStatus };
    }
    const statusChanged = existing.status !== content.status;
    await tx(write.table)
      .where(write.key)
      .update({
        ...fresh,
        ...(contentChanged
          ? { ...content, content_hash: hash, updated_at: now }
          : {}),
        ...(statusChanged ? { status_since: now } : {}),
      });
    return { written: true, statusChanged, previousStatus };
  }

  private async addHistory(
    tx: Knex.Transaction,
    row: Omit<HistoryRow, 'changed_at'>,
  ): Promise<void> {
    await tx('status_history').insert({
      ...row,
      changed_at: this.clock().toISOString(),
    });
  }

  /** Locks the selected row on PostgreSQL; SQLite serialises writers by itself. */
  private forUpdate<T extends Knex.QueryBuilder>(query: T): T {
    return this.db.client.config.client === 'pg'
      ? (query.forUpdate() as T)
      : query;
  }
}

function toState(row: StateRow): ReportState {
  return {
    stale: toBoolean(row.stale),
    staleErrors: row.stale_errors ? JSON.parse(row.stale_errors) : [],
    staleSince: row.stale_since ?? undefined,
    updatedAt: row.updated_at,
    statusSince: row.status_since,
  };
}

function toServiceReport(row: ServiceRow): ServiceReport {
  return {
    serviceArn: row.service_arn,
    accountId: row.account_id,
    region: row.region,
    clusterArn: row.cluster_arn,
    status: row.status as ServiceReport['status'],
    details: JSON.parse(row.details),
    ...withAuditErrors(row),
  };
}

function toEntityReport(row: EntityRow): EntityReport {
  return {
    entityRef: row.entity_ref,
    status: row.status as EntityReport['status'],
    serviceArns: JSON.parse(row.service_arns),
    counts: JSON.parse(row.counts),
    ...withAuditErrors(row),
  };
}

/** The state of a report, and its findings with an `audit-error` per fault while stale. */
function withAuditErrors(
  row: StateRow & { findings: string },
): ReportState & { findings: Finding[] } {
  return { ...toState(row), findings: findingsOf(row) };
}

/** A report's findings as it is read: with an `audit-error` per fault while stale. */
function findingsOf(
  row: Pick<StateRow, 'stale' | 'stale_errors'> & { findings: string },
): Finding[] {
  const findings: Finding[] = JSON.parse(row.findings);
  if (!toBoolean(row.stale)) return findings;
  const errors: AuditError[] = row.stale_errors
    ? JSON.parse(row.stale_errors)
    : [];
  return [...findings, ...auditErrorFindings(errors)];
}

function toEntityMetaRow(
  entity: EntityMetaInput,
): Omit<EntityMetaRow, 'updated_at'> {
  return {
    entity_ref: entity.entityRef.toLocaleLowerCase('en-US'),
    kind: entity.kind,
    namespace: entity.namespace,
    name: entity.name,
    title: entity.title || null,
    owner: entity.owner?.toLocaleLowerCase('en-US') || null,
    system: entity.system?.toLocaleLowerCase('en-US') || null,
  };
}

function toEntityMeta(row: EntityMetaRow): EntityMetaInput {
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    ...(row.title ? { title: row.title } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.system ? { system: row.system } : {}),
  };
}

/** Kind, namespace and name of an entity ref, for a report without a catalog view. */
function refParts(ref: string): {
  kind: string;
  namespace: string;
  name: string;
} {
  try {
    const { kind, namespace, name } = parseEntityRef(ref);
    return { kind, namespace, name };
  } catch {
    return { kind: '', namespace: '', name: ref };
  }
}

function scorecardFilter(
  query: Pick<ScorecardQuery, 'owners' | 'systems' | 'statuses' | 'q'>,
): ScorecardFilter {
  const refs = (values?: string[]) =>
    unique((values ?? []).map(v => v.toLocaleLowerCase('en-US'))).sort(
      compareText,
    );
  const q = query.q?.trim().toLocaleLowerCase('en-US');
  return {
    owners: refs(query.owners),
    systems: refs(query.systems),
    statuses: unique<string>(query.statuses ?? []).sort(compareText),
    ...(q ? { q } : {}),
  };
}

/** What a scorecard cursor belongs to: a short hash of the sort, order and filter. */
function scorecardScope(
  sort: string,
  order: string,
  filter: ScorecardFilter,
): string {
  return contentHash({ sort, order, filter }).slice(0, 16);
}

function encodeScorecardCursor(scope: string, values: unknown[]): string {
  return Buffer.from(JSON.stringify({ s: scope, k: values })).toString(
    'base64url',
  );
}

/** The sort key values a cursor carries; an InputError when it is not one of this query's. */
function decodeScorecardCursor(
  cursor: string,
  scope: string,
  keys: SortKey[],
): unknown[] {
  let parsed: { s?: unknown; k?: unknown } | undefined;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    parsed = undefined;
  }
  const values = parsed?.k;
  if (
    typeof parsed?.s !== 'string' ||
    !Array.isArray(values) ||
    values.length !== keys.length ||
    !keys.every((key, i) =>
      key.type === 'number'
        ? Number.isInteger(values[i])
        : typeof values[i] === 'string',
    )
  ) {
    throw new InputError('Invalid cursor: it is not a scorecard cursor');
  }
  if (parsed.s !== scope) {
    throw new InputError(
      'Invalid cursor: it belongs to another sort, order or filter of the scorecard',
    );
  }
  return values;
}

/**
 * "After this row" in the order of these keys: `(k0 > v0) OR (k0 = v0 AND k1 > v1) OR ...`,
 * with `<` for a descending key.
 */
function keysetAfter(
  keys: SortKey[],
  values: unknown[],
): { sql: string; bindings: Knex.Value[] } {
  const terms: string[] = [];
  const bindings: Knex.Value[] = [];
  keys.forEach((key, i) => {
    const parts: string[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`${keys[j].sql} = ?`);
      bindings.push(values[j] as Knex.Value);
    }
    parts.push(`${key.sql} ${key.dir === 'asc' ? '>' : '<'} ?`);
    bindings.push(values[i] as Knex.Value);
    terms.push(`(${parts.join(' AND ')})`);
  });
  return { sql: `(${terms.join(' OR ')})`, bindings };
}

function emptyStatusCounts(): Record<EntityStatus, number> {
  return { blocked: 0, 'at-risk': 0, unknown: 0, ready: 0 };
}

function isEntityStatus(value: string): value is EntityStatus {
  return (ENTITY_STATUSES as readonly string[]).includes(value);
}

/** A LIKE pattern that matches `value` literally, with `\` as the escape character. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, c => `\\${c}`);
}

function severityCounts(findings: Finding[]): ScorecardEntry['counts'] {
  const counts = { blocking: 0, risk: 0, info: 0 };
  for (const f of findings) {
    if (f.severity in counts) counts[f.severity as keyof typeof counts] += 1;
  }
  return counts;
}

/** The classification's fix key of a stored pull error. */
function fixKeyOf(classified: string): string | undefined {
  try {
    const fixKey = JSON.parse(classified)?.fixKey;
    return typeof fixKey === 'string' ? fixKey : undefined;
  } catch {
    return undefined;
  }
}

/** Code-point order, as the databases compare the text (`COLLATE "C"`, SQLite's BINARY). */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function toAuditRun(row: AuditRunRow): AuditRun {
  const hits = Number(row.cache_hits);
  const lookups = hits + Number(row.cache_misses);
  return {
    id: Number(row.id),
    trigger: row.trigger,
    ...(row.shard ? { shard: row.shard } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    ...(row.services_total !== null && row.services_total !== undefined
      ? { servicesTotal: Number(row.services_total) }
      : {}),
    status: row.status as AuditRun['status'],
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    servicesAudited: Number(row.services_audited),
    entitiesAudited: Number(row.entities_audited),
    callsByApi: JSON.parse(row.calls_by_api),
    cacheHits: hits,
    cacheMisses: Number(row.cache_misses),
    cacheHitRate: lookups > 0 ? hits / lookups : undefined,
    errorsByAccount: JSON.parse(row.errors_by_account),
  };
}

function toPullErrorRecord(row: PullErrorRow): PullErrorRecord {
  return {
    id: Number(row.id),
    taskArn: row.task_arn,
    container: row.container || undefined,
    serviceArn: row.service_arn,
    accountId: row.account_id,
    region: row.region,
    category: row.category,
    message: row.message,
    classified: JSON.parse(row.classified),
    image: row.image ?? undefined,
    taskDefinitionArn: row.task_definition_arn ?? undefined,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  };
}

function toBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** An ISO 8601 UTC timestamp from a Date or a date string; an invalid one is an InputError. */
function gateDecisionRecord(row: GateDecisionRow): GateDecisionRecord {
  return {
    id: Number(row.id),
    serviceArn: row.service_arn,
    ...(row.service_deployment_arn && {
      serviceDeploymentArn: row.service_deployment_arn,
    }),
    targetServiceRevisionArn: row.target_service_revision_arn,
    ...(row.task_definition_arn && {
      taskDefinitionArn: row.task_definition_arn,
    }),
    lifecycleStage: row.lifecycle_stage,
    ...(row.execution_id && { executionId: row.execution_id }),
    hookStatus: row.hook_status,
    decision: row.decision,
    ...(row.readiness && { readiness: row.readiness }),
    ...(row.cause && { cause: row.cause }),
    ...(row.fix && { fix: row.fix }),
    findings: JSON.parse(row.findings),
    decidedAt: row.decided_at,
    receivedAt: row.received_at,
    reportedBy: row.reported_by,
  };
}

function toIso(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(`Invalid timestamp ${String(value)}`);
  }
  return date.toISOString();
}

function clamp(value: number | undefined, fallback: number, max: number) {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(value)));
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function chunks<T>(values: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    result.push(values.slice(i, i + CHUNK));
  }
  return result;
}

/** The content hash of a service report: what the report says, not when. */
function serviceHash(report: ServiceReportInput): string {
  return contentHash({
    accountId: report.accountId,
    region: report.region,
    clusterArn: report.clusterArn,
    status: report.status,
    findings: report.findings,
    details: report.details,
  });
}

/** sha256 of JSON with object keys sorted, so equal content hashes equally. */
function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : Number(a > b)));
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`)
    .join(',')}}`;
}

function encodeCursor(cursor: { t: string; id: number }): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string): { t: string; id: number } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      typeof parsed?.t === 'string' &&
      !Number.isNaN(Date.parse(parsed.t)) &&
      Number.isInteger(parsed?.id)
    ) {
      return { t: toIso(parsed.t), id: parsed.id };
    }
  } catch {
    // fall through
  }
  throw new InputError('Invalid pull error cursor');
}
