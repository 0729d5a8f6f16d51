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

import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  ImageInspector,
  type RegistryClientProvider,
  type TaskDefinitionInspection,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type { AwsClients, AwsError } from '../aws';
import type { ServiceSnapshot, ShardCollector, ShardResult } from '../collect';
import type { ReadinessConfig } from '../config';
import {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_TAGS_ANNOTATION,
  type EntityServiceLink,
} from '../links';
import { linkErrorFinding } from '../links/findings';
import type {
  AuditError,
  AuditRunResult,
  EntityLinkErrors,
  EntityStatus,
  PullErrorInput,
  ReadinessStore,
  ServiceReportInput,
  ServiceStatus,
  ShardKey,
  StoredLink,
  UpsertResult,
} from '../store/ReadinessStore';
import { linkCatalog, storeBackedCollector } from './link';
import { pullErrorsOf } from './pullErrors';
import { planFor, rollupEntity, serviceReportFrom } from './report';
import { createLimit, forEachLimit } from '../lib/forEachLimit';
import { createRegistryClientProvider } from '../lib/registryClientProvider';

/** What an {@link AuditRunner} is built from. */
export interface AuditRunnerOptions {
  store: ReadinessStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  clients: AwsClients;
  config: ReadinessConfig;
  /** The registry clients of one run; by default built from `config.registries`. */
  createRegistryClientProvider?: () => RegistryClientProvider & {
    close?(): void;
  };
  /** Shards collected at once by {@link AuditRunner.run} (default 4). */
  shardConcurrency?: number;
  /** Services inspected at once per shard (default 16). */
  inspectionConcurrency?: number;
  /**
   * Registry requests (ECR API calls and HTTP) in flight at once for one audit, over all its
   * shards (default 32): the engine's limit. With 20 ms a call, 8 (the engine's default) holds
   * a 5,000-service audit to about 400 calls a second.
   */
  registryConcurrency?: number;
  clock?: () => Date;
  /**
   * Called once for each entity whose rolled-up status changed (or was first written), after
   * the rollup is stored, with the entity's own findings and its services'. Its failures are
   * logged; they never fail the audit.
   */
  onEntityStatusChanged?: (change: EntityStatusChange) => Promise<void> | void;
}

/** An entity's status change, as {@link AuditRunnerOptions.onEntityStatusChanged} hears it. */
export interface EntityStatusChange {
  entityRef: string;
  /** Absent for an entity's first report. */
  from?: EntityStatus;
  to: EntityStatus;
  /** The entity's own findings, then its services'. */
  findings: Finding[];
}

/** One audit's engine and where its figures go. */
interface Session {
  summary: AuditRunSummary;
  signal?: AbortSignal;
  inspector: ImageInspector;
  now: Date;
}

/** What a run did, for logs and tests. */
export interface AuditRunSummary extends AuditRunResult {
  runId: number;
  /** Service and entity reports written (new or changed); unchanged ones are not. */
  servicesWritten: number;
  entitiesWritten: number;
  /** Reports marked stale because their shard failed. */
  markedStale: number;
  pullErrorsAdded: number;
}

/** What linking the catalog did. */
export interface LinkSummary {
  /** The shards the links name: each is audited by its own task. */
  shards: ShardKey[];
  links: number;
  /** Entities with a link or a link error. */
  entities: number;
  /** Reports of entities that left the catalog or lost every link, deleted. */
  entitiesForgotten: number;
}

/** Options of one audit. */
export interface AuditOptions {
  signal?: AbortSignal;
  /** What started it, for the run record: `schedule`, `deployment`, `manual`... */
  trigger?: string;
}

/** Runs audits of the ECS services the catalog links to. */
export interface AuditRunnerService {
  /** Links the catalog and audits every shard in this process: one run record. */
  run(options?: AuditOptions): Promise<AuditRunSummary>;
  /** Links the catalog and stores the links, which the shard audits read. */
  link(options?: { signal?: AbortSignal }): Promise<LinkSummary>;
  /** Audits the stored links of one (account, region): one run record. */
  auditShard(shard: ShardKey, options?: AuditOptions): Promise<AuditRunSummary>;
  /**
   * Audits one entity's linked services now (a manual audit): one run record, whose id is
   * known as soon as it is recorded; `done` settles when the audit ends.
   */
  startEntityAudit(
    entityRef: string,
    options?: AuditOptions,
  ): Promise<{ runId: number; done: Promise<AuditRunSummary> }>;
  /** Audits services already collected (by the history task): one run record. */
  auditCollected(
    results: ShardResult[],
    options?: AuditOptions & { shard?: ShardKey },
  ): Promise<AuditRunSummary>;
}

/**
 * The image audit, in two steps that the scheduled tasks run apart:
 *
 * - {@link AuditRunner.link} links the catalog to ECS services and stores the links (and the
 *   entities' link errors); entities gone from the catalog lose their reports;
 * - {@link AuditRunner.auditShard} audits one (account, region): it collects the shard's linked
 *   services, inspects each distinct task definition once with the engine, writes each service's
 *   report and the rollup of every entity that links to one of them (unchanged ones are not
 *   written), and stores the stopped tasks' pull failures.
 *
 * Each shard is its own global scheduled task, so replicas share the shards and the scheduler's
 * lock keeps a shard from being audited twice at once. {@link AuditRunner.run} does both steps in
 * one process (tests, benchmarks, a whole audit on demand). A shard that fails keeps its
 * services' last reports, marked stale with the error; the run goes on. Each audit is recorded
 * (`startAuditRun` / `finishAuditRun`).
 */
export class AuditRunner implements AuditRunnerService {
  private readonly options: AuditRunnerOptions;
  private readonly clock: () => Date;
  private readonly collector: ShardCollector;

  static create(options: AuditRunnerOptions): AuditRunner {
    return new AuditRunner(options);
  }

  private constructor(options: AuditRunnerOptions) {
    this.options = options;
    this.clock = options.clock ?? (() => new Date());
    this.collector = storeBackedCollector(options);
  }

  async link(options: { signal?: AbortSignal } = {}): Promise<LinkSummary> {
    let linked: LinkSummary | undefined;
    await this.recorded({ trigger: 'link' }, async summary => {
      linked = await this.linkCatalog(options.signal);
      summary.entitiesAudited = linked.entities;
    });
    return linked!;
  }

  /** Links the catalog, stores the links, forgets entities gone. */
  private async linkCatalog(signal?: AbortSignal): Promise<LinkSummary> {
    const { store, logger } = this.options;
    const result = await linkCatalog(this.options, signal);
    signal?.throwIfAborted();
    const linkErrors = new Map<string, EntityLinkErrors>();
    for (const error of result.errors) {
      const entry = linkErrors.get(error.entityRef) ?? {
        entityRef: error.entityRef,
        findings: [],
      };
      entry.findings.push(error.finding);
      linkErrors.set(error.entityRef, entry);
    }
    await store.replaceLinks({
      links: result.links.map(link => ({
        entityRef: link.entityRef,
        serviceArn: link.serviceArn,
        accountId: link.accountId,
        region: link.region,
        serviceName: link.serviceName,
        via: link.via,
      })),
      linkErrors: [...linkErrors.values()],
      entities: result.entities,
    });

    // Entities with link errors and no service: no shard audit will roll them up.
    const linked = new Set(result.links.map(l => lower(l.entityRef)));
    for (const errors of linkErrors.values()) {
      if (linked.has(lower(errors.entityRef))) continue;
      await store.upsertEntityReport(
        rollupEntity({
          entityRef: errors.entityRef,
          serviceArns: [],
          statuses: new Map(),
          findings: errors.findings,
        }),
      );
    }
    const current = new Set([...linked, ...[...linkErrors.keys()].map(lower)]);
    const entitiesForgotten = await this.forgetEntitiesNotIn(current);
    const shards = new Map<string, ShardKey>();
    for (const link of result.links) {
      shards.set(`${link.accountId}/${link.region}`, {
        accountId: link.accountId,
        region: link.region,
      });
    }
    const summary: LinkSummary = {
      shards: [...shards.values()].sort(compareShards),
      links: result.links.length,
      entities: current.size,
      entitiesForgotten,
    };
    logger.info(
      `Linked ${summary.entities} catalog entities to ${
        new Set(result.links.map(l => l.serviceArn)).size
      } ECS services in ${summary.shards.length} account/region shards`,
    );
    return summary;
  }

  async run(options: AuditOptions = {}): Promise<AuditRunSummary> {
    const { signal } = options;
    return this.recorded(
      { trigger: options.trigger ?? 'schedule' },
      async summary => {
        const { shards } = await this.linkCatalog(signal);
        // One engine session for the whole run: registries shared by shards are asked once.
        await this.withSession(summary, signal, session =>
          forEachLimit(shards, this.options.shardConcurrency ?? 4, shard =>
            this.auditOneShard(session, shard),
          ),
        );
      },
    );
  }

  async auditShard(
    shard: ShardKey,
    options: AuditOptions = {},
  ): Promise<AuditRunSummary> {
    const { signal } = options;
    return this.recorded(
      { trigger: options.trigger ?? 'schedule', shard },
      summary =>
        this.withSession(summary, signal, session =>
          this.auditOneShard(session, shard),
        ),
    );
  }

  async auditCollected(
    results: ShardResult[],
    options: AuditOptions & { shard?: ShardKey } = {},
  ): Promise<AuditRunSummary> {
    const { signal } = options;
    return this.recorded(
      {
        trigger: options.trigger ?? 'deployment',
        ...(options.shard && { shard: options.shard }),
      },
      summary =>
        this.withSession(summary, signal, async session => {
          const snapshots = results.flatMap(r => r.snapshots);
          const pipeline = this.pipeline(session);
          for (const snapshot of snapshots) pipeline.add(snapshot);
          await pipeline.settled();
          await this.finish(session, pipeline, results);
        }),
    );
  }

  async startEntityAudit(
    entityRef: string,
    options: AuditOptions = {},
  ): Promise<{ runId: number; done: Promise<AuditRunSummary> }> {
    const { signal } = options;
    const links = await this.options.store.listLinks({
      entityRefs: [entityRef],
    });
    const shards = new Map<
      string,
      { shard: ShardKey; serviceArns: string[] }
    >();
    for (const link of links) {
      const key = `${link.accountId}/${link.region}`;
      const entry = shards.get(key) ?? {
        shard: { accountId: link.accountId, region: link.region },
        serviceArns: [],
      };
      if (!entry.serviceArns.includes(link.serviceArn)) {
        entry.serviceArns.push(link.serviceArn);
      }
      shards.set(key, entry);
    }
    let started!: (runId: number) => void;
    const recordedId = new Promise<number>(resolve => {
      started = resolve;
    });
    const done = this.recorded(
      {
        trigger: options.trigger ?? 'manual',
        entityRef,
        servicesTotal: [...shards.values()].reduce(
          (n, s) => n + s.serviceArns.length,
          0,
        ),
        onStart: id => started(id),
      },
      summary =>
        this.withSession(summary, signal, session =>
          forEachLimit(
            [...shards.values()],
            this.options.shardConcurrency ?? 4,
            ({ shard, serviceArns }) =>
              this.auditServices(session, shard, serviceArns),
          ),
        ),
    );
    // The run could not even be recorded: that failure is the answer.
    const runId = await Promise.race([recordedId, done.then(s => s.runId)]);
    return { runId, done };
  }

  /** Collects one shard's stored links and audits each service as soon as it is collected. */
  private async auditOneShard(session: Session, shard: ShardKey) {
    const links = await this.options.store.listLinks({ shard });
    await this.auditServices(session, shard, [
      ...new Set(links.map(l => l.serviceArn)),
    ]);
  }

  /** Collects these services of one shard and audits each as soon as it is collected. */
  private async auditServices(
    session: Session,
    shard: ShardKey,
    serviceArns: string[],
  ) {
    if (serviceArns.length === 0) return;
    const pipeline = this.pipeline(session);
    let result: ShardResult;
    try {
      result = await this.collector.collect(
        { ...shard, serviceArns },
        {
          signal: session.signal,
          onSnapshot: s => pipeline.add(s),
          keepSnapshots: false,
        },
      );
    } finally {
      // Whatever happened, no inspection is left running.
      await pipeline.settled();
    }
    session.signal?.throwIfAborted();
    await this.finish(session, pipeline, [result]);
  }

  /** Runs `fn` with one engine (registry clients, inspector, document cache) for the audit. */
  private async withSession(
    summary: AuditRunSummary,
    signal: AbortSignal | undefined,
    fn: (session: Session) => Promise<void>,
  ): Promise<void> {
    const documentCache = this.options.store.documentCache();
    const provider = this.createProvider();
    const { inspectionDeadlineMs } = this.options.config.registries;
    const inspector = ImageInspector.create({
      registryClientProvider: provider,
      documentCache,
      concurrency: this.options.registryConcurrency ?? 32,
      ...(inspectionDeadlineMs && { inspectionDeadlineMs }),
    });
    try {
      await fn({ summary, signal, inspector, now: this.clock() });
    } finally {
      provider.close?.();
      const stats = documentCache.stats();
      summary.cacheHits += stats.hits;
      summary.cacheMisses += stats.misses;
    }
  }

  /**
   * The per-service work of an audit, fed one snapshot at a time: plan, inspect (each distinct
   * task definition once), build the report, and write reports 100 a transaction. At most
   * `inspectionConcurrency` services are in progress; nothing of a service is kept once its
   * report is written.
   */
  private pipeline(session: Session) {
    const { store } = this.options;
    const { summary, signal, inspector, now } = session;
    const limit = createLimit(this.options.inspectionConcurrency ?? 16);
    const inspections = new Map<
      string,
      { users: number; work: Promise<TaskDefinitionInspection> }
    >();
    const running: Promise<void>[] = [];
    const pullErrors: PullErrorInput[] = [];
    const kept: Array<{ serviceArn: string; errors: AuditError[] }> = [];
    const audited: string[] = [];
    let batch: ServiceReportInput[] = [];
    let writing = Promise.resolve();
    const flush = () => {
      const items = batch.map(report => ({ report }));
      batch = [];
      if (items.length === 0) return writing;
      writing = writing.then(async () => {
        const results = await store.upsertServiceReports(items, {
          auditRunId: summary.runId,
        });
        summary.servicesWritten += results.filter(r => r.written).length;
      });
      return writing;
    };
    const process = async (snapshot: ServiceSnapshot) => {
      const plan = planFor(snapshot);
      let inspection: TaskDefinitionInspection | undefined;
      if (plan) {
        // Services on the same task definition (and digests) share one inspection while it is
        // in flight; afterwards the engine's memo and document cache answer a repeat cheaply,
        // so no inspection outlives its services.
        let shared = inspections.get(plan.key);
        if (!shared) {
          shared = {
            users: 0,
            work: inspector.inspectTaskDefinition(plan.definition, {
              deployedDigestsByContainer: plan.deployedDigestsByContainer,
              signal,
            }),
          };
          inspections.set(plan.key, shared);
        }
        shared.users += 1;
        try {
          inspection = await shared.work;
        } finally {
          shared.users -= 1;
          if (shared.users === 0) inspections.delete(plan.key);
        }
      }
      signal?.throwIfAborted();
      const report = serviceReportFrom(snapshot, inspection, plan);
      audited.push(snapshot.serviceArn);
      // A registry that could not be reached now (a timeout, a network fault, throttling) says
      // nothing new of an image: a service whose task definition is the one its last report
      // checked keeps that report, marked stale with the fault.
      const faults = registryFaults(
        report,
        snapshot.accountId,
        snapshot.region,
      );
      // Read only when needed: holding every last report of a shard would cost more memory
      // than the audit itself.
      const last =
        faults.length > 0
          ? await store.getServiceReport(snapshot.serviceArn)
          : undefined;
      if (
        faults.length > 0 &&
        last &&
        last.details.taskDefinitionArn === report.details.taskDefinitionArn
      ) {
        kept.push({ serviceArn: snapshot.serviceArn, errors: faults });
        pullErrors.push(...pullErrorsOf(snapshot, now, last.findings));
        return;
      }
      pullErrors.push(...pullErrorsOf(snapshot, now, report.findings));
      batch.push(report);
      if (batch.length >= 100) await flush();
    };
    // Back-pressure: the collector waits while this many services are queued, so that a shard
    // whose task definitions are all cached does not hold every snapshot at once.
    const maxQueued = 2 * (this.options.inspectionConcurrency ?? 16);
    let queued = 0;
    const room: Array<() => void> = [];
    return {
      add(snapshot: ServiceSnapshot): Promise<void> | undefined {
        queued += 1;
        const work = limit(() => {
          queued -= 1;
          room.shift()?.();
          return process(snapshot);
        });
        // Failures surface in settled(); none is left unhandled meanwhile.
        work.catch(() => {});
        running.push(work);
        return queued > maxQueued
          ? new Promise<void>(resolve => room.push(resolve))
          : undefined;
      },
      /** Waits for every service added; rejects with the first failure. */
      async settled() {
        const outcomes = await Promise.allSettled(running);
        await flush();
        const failure = outcomes.find(
          (o): o is PromiseRejectedResult => o.status === 'rejected',
        );
        if (failure) throw failure.reason;
      },
      pullErrors,
      kept,
      audited,
    };
  }

  /**
   * After the services of some shards were audited (their pipeline settled): the pull errors, the reports kept stale,
   * the services ECS does not have, the faults that kept services from being collected, and the
   * rollups of the entities that link to any of them.
   */
  private async finish(
    session: Session,
    pipeline: ReturnType<AuditRunner['pipeline']>,
    results: ShardResult[],
  ): Promise<void> {
    const { store, logger } = this.options;
    const { summary } = session;
    session.signal?.throwIfAborted();
    summary.servicesAudited += pipeline.audited.length;
    summary.pullErrorsAdded += await store.addPullErrors(pipeline.pullErrors);
    for (const { serviceArn, errors } of pipeline.kept) {
      summary.markedStale += await store.markStale({
        serviceArns: [serviceArn],
        errors,
      });
    }

    const touched = new Set(pipeline.audited);
    const failed = new Map<string, AuditError[]>();
    for (const result of results) {
      for (const m of result.missing) touched.add(m.serviceArn);
      await store.setMissingServices(
        [
          ...(result.collectedServiceArns ??
            result.snapshots.map(s => s.serviceArn)),
          ...result.missing.map(m => m.serviceArn),
        ],
        result.missing,
      );
      const errors = result.errors.map(toAuditError);
      for (const arn of result.failedServiceArns) {
        touched.add(arn);
        failed.set(arn, errors);
      }
      if (errors.length > 0) {
        (summary.errorsByAccount[result.accountId] ??= []).push(...errors);
        logger.warn(
          `Could not audit ${result.failedServiceArns.length} ECS services in ${
            result.accountId
          }/${result.region}: ${errors.map(e => e.code).join(', ')}`,
        );
      }
      if (result.failedServiceArns.length > 0) {
        summary.markedStale += await store.markStale({
          serviceArns: result.failedServiceArns,
          errors,
        });
      }
    }

    // The rollups of every entity that links to a service of this audit.
    const entityRefs = [
      ...new Set(
        (await store.listLinks({ serviceArns: [...touched] })).map(
          l => l.entityRef,
        ),
      ),
    ];
    await this.rollUp(entityRefs, failed, summary);
  }

  /** Runs `fn` inside a recorded audit run. */
  private async recorded(
    record: {
      trigger: string;
      shard?: ShardKey;
      entityRef?: string;
      servicesTotal?: number;
      /** Called once the run is recorded, before it does anything. */
      onStart?: (runId: number) => void;
    },
    fn: (summary: AuditRunSummary) => Promise<void>,
  ): Promise<AuditRunSummary> {
    const { store, logger, clients } = this.options;
    const callsBefore = clients.calls();
    const { onStart, ...run } = record;
    const runId = await store.startAuditRun(run);
    onStart?.(runId);
    const summary: AuditRunSummary = {
      runId,
      status: 'failed',
      servicesAudited: 0,
      entitiesAudited: 0,
      callsByApi: {},
      cacheHits: 0,
      cacheMisses: 0,
      errorsByAccount: {},
      servicesWritten: 0,
      entitiesWritten: 0,
      markedStale: 0,
      pullErrorsAdded: 0,
    };
    const finish = async () => {
      // Calls of the process since the run began: with several runs at once (shard tasks of one
      // replica), each counts the others' calls too.
      summary.callsByApi = callsSince(callsBefore, clients.calls());
      await store.finishAuditRun(runId, summary);
    };
    try {
      await fn(summary);
      summary.status =
        Object.keys(summary.errorsByAccount).length > 0
          ? 'partial'
          : 'succeeded';
    } catch (error) {
      summary.status = 'failed';
      await finish().catch(e =>
        logger.warn(`Could not record audit run ${runId}: ${e}`),
      );
      throw error;
    }
    await finish();
    let where = record.shard
      ? ` of ${record.shard.accountId}/${record.shard.region}`
      : '';
    if (record.entityRef) where += ` of ${record.entityRef}`;
    logger.info(
      `Audit run ${runId}${where} ${summary.status}: ${
        summary.servicesAudited
      } services, ${summary.entitiesAudited} entities, ${
        summary.servicesWritten + summary.entitiesWritten
      } reports written, ${summary.markedStale} marked stale, ${
        summary.pullErrorsAdded
      } new pull errors`,
    );
    return summary;
  }

  /**
   * Writes the rollups of these entities from the stored links and service reports; an entity
   * is stale while any of its services is (or could not be read now).
   */
  private async rollUp(
    entityRefs: string[],
    failed: Map<string, AuditError[]>,
    summary: AuditRunSummary,
  ) {
    const { store } = this.options;
    const links = await store.listLinks({ entityRefs });
    const linkErrors = new Map(
      (await store.listLinkErrors(entityRefs)).map(e => [e.entityRef, e]),
    );
    // Status and staleness only: the findings stay in the database.
    const reports = new Map(
      (
        await store.getServiceStates([...new Set(links.map(l => l.serviceArn))])
      ).map(r => [r.serviceArn, r]),
    );
    const statuses = new Map<string, ServiceStatus>(
      [...reports.values()].map(r => [r.serviceArn, r.status]),
    );
    const byEntity = new Map<string, StoredLink[]>();
    for (const link of links) {
      byEntity.set(link.entityRef, [
        ...(byEntity.get(link.entityRef) ?? []),
        link,
      ]);
    }
    const rollups: Array<{
      report: ReturnType<typeof rollupEntity>;
      staleErrors?: AuditError[];
    }> = [];
    for (const [entityRef, entityLinks] of byEntity) {
      const present = entityLinks.filter(l => l.missingReason === undefined);
      const rollup = rollupEntity({
        entityRef,
        serviceArns: present.map(l => l.serviceArn),
        statuses,
        findings: [
          ...(linkErrors.get(entityRef)?.findings ?? []),
          ...entityLinks
            .filter(l => l.missingReason !== undefined)
            .map(missingServiceFinding),
        ],
      });
      // Stale while any of its services is: their faults are its faults.
      const staleErrors = uniqueErrors(
        present.flatMap(l => {
          const report = reports.get(l.serviceArn);
          return (
            failed.get(l.serviceArn) ??
            (report?.stale ? report.staleErrors : [])
          );
        }),
      );
      rollups.push({
        report: rollup,
        ...(staleErrors.length > 0 && { staleErrors }),
      });
    }
    const written = await store.upsertEntityReports(rollups, {
      auditRunId: summary.runId,
    });
    summary.entitiesWritten += written.filter(w => w.written).length;
    summary.entitiesAudited += byEntity.size;
    await this.announce(
      rollups.filter((_, i) => written[i]?.statusChanged),
      written.filter(w => w.statusChanged),
    );
  }

  /** Tells `onEntityStatusChanged` of each entity whose status changed. */
  private async announce(
    changed: Array<{ report: ReturnType<typeof rollupEntity> }>,
    results: UpsertResult[],
  ) {
    const { onEntityStatusChanged, store, logger } = this.options;
    if (!onEntityStatusChanged || changed.length === 0) return;
    const services = new Map(
      (
        await store.getServiceReports([
          ...new Set(changed.flatMap(c => c.report.serviceArns)),
        ])
      ).map(s => [s.serviceArn, s]),
    );
    for (const [i, { report }] of changed.entries()) {
      try {
        await onEntityStatusChanged({
          entityRef: report.entityRef,
          ...(results[i].previousStatus && {
            from: results[i].previousStatus as EntityStatus,
          }),
          to: report.status,
          findings: [
            ...report.findings,
            ...report.serviceArns.flatMap(
              arn => services.get(arn)?.findings ?? [],
            ),
          ],
        });
      } catch (error) {
        logger.warn(
          `Could not announce the status change of ${report.entityRef}: ${error}`,
        );
      }
    }
  }

  private createProvider(): RegistryClientProvider & { close?(): void } {
    if (this.options.createRegistryClientProvider) {
      return this.options.createRegistryClientProvider();
    }
    return createRegistryClientProvider(this.options);
  }

  /** Entities that no longer link to anything and have no link errors lose their report. */
  private async forgetEntitiesNotIn(current: Set<string>): Promise<number> {
    const { store } = this.options;
    const gone: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await store.listEntityReports({ limit: 1000, offset });
      for (const report of page.items) {
        if (!current.has(report.entityRef)) gone.push(report.entityRef);
      }
      if (offset + 1000 >= page.totalCount) break;
    }
    for (const ref of gone) await store.deleteEntityReport(ref);
    return gone.length;
  }
}

/** The annotation each kind of link comes from. */
const LINK_ANNOTATION: Record<EntityServiceLink['via'], string> = {
  'arn-annotation': ECS_SERVICE_ARN_ANNOTATION,
  tags: ECS_SERVICE_TAGS_ANNOTATION,
  resource: AWS_ARN_ANNOTATION,
  'depends-on': AWS_ARN_ANNOTATION,
};

/** A link to a service ECS does not have: a `link-error` finding on the entity. */
function missingServiceFinding(link: StoredLink): Finding {
  const via = link.via as EntityServiceLink['via'];
  return linkErrorFinding({
    title: `ECS service ${link.serviceName} was not found`,
    annotation: LINK_ANNOTATION[via] ?? ECS_SERVICE_ARN_ANNOTATION,
    value: link.serviceArn,
    reason: link.missingReason ?? 'not found',
    via,
    accountId: link.accountId,
    region: link.region,
  });
}

/** An AWS fault as the store records it. */
export function toAuditError(error: AwsError): AuditError {
  return {
    code: error.code,
    message: error.message,
    ...(error.accountId && { accountId: error.accountId }),
    ...(error.region && { region: error.region }),
    ...(error.api && { api: error.api }),
    ...(error.permission && { permission: error.permission }),
  };
}

// The engine's error kinds that say the registry could not answer now, not what the image is.
const TRANSIENT_REGISTRY_ERRORS = new Set([
  'timeout',
  'network',
  'throttled',
  'rate-limited',
]);

/** The registry faults of a report: its `unverifiable` findings that are only transient. */
function registryFaults(
  report: ServiceReportInput,
  accountId: string,
  region: string,
): AuditError[] {
  const byFault = new Map<string, AuditError>();
  for (const fault of report.findings.flatMap(f => {
    if (f.id !== 'unverifiable') return [];
    const evidence = f.evidence as Record<string, unknown>;
    const kind = evidence.errorKind;
    const transient =
      evidence.stage === 'deadline' ||
      (typeof kind === 'string' && TRANSIENT_REGISTRY_ERRORS.has(kind));
    if (!transient) return [];
    const host =
      typeof evidence.registry === 'string' ? evidence.registry : undefined;
    return [
      {
        code:
          evidence.stage === 'deadline'
            ? 'InspectionDeadline'
            : `Registry${String(kind)
                .split('-')
                .map(w => w[0].toUpperCase() + w.slice(1))
                .join('')}`,
        message: f.title,
        accountId,
        region,
        ...(host && { api: `registry:${host}` }),
      },
    ];
  })) {
    // One per fault and host: the first message says it.
    const key = `${fault.code} ${fault.api}`;
    if (!byFault.has(key)) byFault.set(key, fault);
  }
  return [...byFault.values()];
}

function uniqueErrors(errors: AuditError[]): AuditError[] {
  const seen = new Map<string, AuditError>();
  for (const e of errors) seen.set(JSON.stringify(e), e);
  return [...seen.values()];
}

function compareShards(a: ShardKey, b: ShardKey): number {
  return (
    a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region)
  );
}

function lower(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

function callsSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [api, count] of Object.entries(after)) {
    const n = count - (before[api] ?? 0);
    if (n > 0) calls[api] = n;
  }
  return calls;
}
