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
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
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
  EntityReport,
  EntityReportInput,
  ListEntityReportsOptions,
  ListPullErrorsOptions,
  PullErrorInput,
  PullErrorPage,
  PullErrorRecord,
  ReadinessStore,
  ReportState,
  ServiceReport,
  ServiceDeploymentInput,
  ServiceDeploymentRecord,
  ServiceEventInput,
  ServiceEventRecord,
  ServiceReportInput,
  ShardKey,
  StatusChange,
  StoredLink,
  StoredLinkInput,
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
};

type AuditRunRow = {
  id: number;
  trigger: string;
  shard: string | null;
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

type ServiceEventRow = {
  id: number;
  service_arn: string;
  event_id: string;
  message: string;
  category: string | null;
  created_at: string;
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
        category: error.classified.category,
        message: error.message,
        classified: JSON.stringify(error.classified),
        image: error.image ?? null,
        task_definition_arn: error.taskDefinitionArn ?? null,
        occurred_at: toIso(error.occurredAt),
        recorded_at: now,
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
    const query = this.db<PullErrorRow>('pull_errors');
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
    if (options.cursor) {
      const { t, id } = decodeCursor(options.cursor);
      query.where(q =>
        q
          .where('occurred_at', '<', t)
          .orWhere(q2 => q2.where('occurred_at', t).andWhere('id', '<', id)),
      );
    }
    const rows = await query
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1);
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
  }): Promise<number> {
    const [row] = await this.db('audit_runs')
      .insert({
        trigger: options.trigger,
        shard: options.shard
          ? `${options.shard.accountId}/${options.shard.region}`
          : null,
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
    return rows.map(row => {
      const lookups = row.cache_hits + row.cache_misses;
      return {
        id: row.id,
        trigger: row.trigger,
        ...(row.shard ? { shard: row.shard } : {}),
        status: row.status as AuditRun['status'],
        startedAt: row.started_at,
        finishedAt: row.finished_at ?? undefined,
        servicesAudited: row.services_audited,
        entitiesAudited: row.entities_audited,
        callsByApi: JSON.parse(row.calls_by_api),
        cacheHits: row.cache_hits,
        cacheMisses: row.cache_misses,
        cacheHitRate: lookups > 0 ? row.cache_hits / lookups : undefined,
        errorsByAccount: JSON.parse(row.errors_by_account),
      };
    });
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
    });
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
          old.details !== row.details
        ) {
          const { deployment_arn, created_at, ...changes } = row;
          await this.db('service_deployments')
            .where({ deployment_arn })
            .update(changes);
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
    return Number(deployments) + Number(events);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

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
  const state = toState(row);
  const findings: Finding[] = JSON.parse(row.findings);
  return {
    ...state,
    findings: state.stale
      ? [...findings, ...auditErrorFindings(state.staleErrors)]
      : findings,
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
