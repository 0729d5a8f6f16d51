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
  DefaultRegistryClientProvider,
  ImageInspector,
  type RegistryClientProvider,
  type TaskDefinitionInspection,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type { AwsClients, AwsError } from '../aws';
import type { ShardCollector, ShardResult } from '../collect';
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
  PullErrorInput,
  ReadinessStore,
  ServiceReportInput,
  ServiceStatus,
  ShardKey,
  StoredLink,
} from '../store/ReadinessStore';
import { linkCatalog, storeBackedCollector } from './link';
import { pullErrorsOf } from './pullErrors';
import {
  type PlannedInspection,
  planFor,
  rollupEntity,
  serviceReportFrom,
} from './report';
import { forEachLimit } from '../lib/forEachLimit';

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
  /** Task definitions inspected at once (default 8; the engine bounds its requests itself). */
  inspectionConcurrency?: number;
  clock?: () => Date;
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
        const results: ShardResult[] = [];
        await forEachLimit(
          shards,
          this.options.shardConcurrency ?? 4,
          async shard => {
            const collected = await this.collectShard(shard, signal);
            if (collected) results.push(collected);
          },
        );
        signal?.throwIfAborted();
        await this.audit(summary, results, signal);
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
      async summary => {
        const collected = await this.collectShard(shard, signal);
        signal?.throwIfAborted();
        await this.audit(summary, collected ? [collected] : [], signal);
      },
    );
  }

  async auditCollected(
    results: ShardResult[],
    options: AuditOptions & { shard?: ShardKey } = {},
  ): Promise<AuditRunSummary> {
    return this.recorded(
      {
        trigger: options.trigger ?? 'deployment',
        ...(options.shard && { shard: options.shard }),
      },
      summary => this.audit(summary, results, options.signal),
    );
  }

  /** The stored links of a shard, collected; undefined when none links there. */
  private async collectShard(
    shard: ShardKey,
    signal?: AbortSignal,
  ): Promise<ShardResult | undefined> {
    const links = await this.options.store.listLinks({ shard });
    if (links.length === 0) return undefined;
    return this.collector.collect(
      { ...shard, serviceArns: [...new Set(links.map(l => l.serviceArn))] },
      { signal },
    );
  }

  /** Runs `fn` inside a recorded audit run. */
  private async recorded(
    record: { trigger: string; shard?: ShardKey },
    fn: (summary: AuditRunSummary) => Promise<void>,
  ): Promise<AuditRunSummary> {
    const { store, logger, clients } = this.options;
    const callsBefore = clients.calls();
    const runId = await store.startAuditRun(record);
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
    const where = record.shard
      ? ` of ${record.shard.accountId}/${record.shard.region}`
      : '';
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
   * Inspects and reports what was collected: service reports, pull errors, services ECS does not
   * have, stale marks for what could not be collected, and the rollups of the entities that link
   * to any of these services.
   */
  private async audit(
    summary: AuditRunSummary,
    results: ShardResult[],
    signal?: AbortSignal,
  ): Promise<void> {
    const { store, logger } = this.options;
    const runId = summary.runId;
    const documentCache = store.documentCache();

    // Plan and inspect: each distinct task definition (with its deployed digests) once.
    const snapshots = results.flatMap(r => r.snapshots);
    const plans = new Map<string, PlannedInspection | undefined>(
      snapshots.map(s => [s.serviceArn, planFor(s)]),
    );
    const distinct = new Map<string, PlannedInspection>();
    for (const plan of plans.values()) {
      if (plan) distinct.set(plan.key, plan);
    }
    const provider = this.createProvider();
    const { inspectionDeadlineMs } = this.options.config.registries;
    const inspector = ImageInspector.create({
      registryClientProvider: provider,
      documentCache,
      ...(inspectionDeadlineMs && { inspectionDeadlineMs }),
    });
    const inspections = new Map<string, TaskDefinitionInspection>();
    try {
      await forEachLimit(
        [...distinct.values()],
        this.options.inspectionConcurrency ?? 8,
        async plan => {
          inspections.set(
            plan.key,
            await inspector.inspectTaskDefinition(plan.definition, {
              deployedDigestsByContainer: plan.deployedDigestsByContainer,
              signal,
            }),
          );
        },
      );
    } finally {
      provider.close?.();
      const stats = documentCache.stats();
      summary.cacheHits += stats.hits;
      summary.cacheMisses += stats.misses;
    }
    signal?.throwIfAborted();

    // Service reports and pull errors. A registry that could not be reached now (a timeout, a
    // network fault, throttling) says nothing new of an image: a service whose task definition
    // is the one its last report checked keeps that report, marked stale with the fault.
    const now = this.clock();
    const pullErrors: PullErrorInput[] = [];
    const previous = new Map(
      (await store.getServiceReports(snapshots.map(s => s.serviceArn))).map(
        r => [r.serviceArn, r],
      ),
    );
    for (const snapshot of snapshots) {
      const plan = plans.get(snapshot.serviceArn);
      const report: ServiceReportInput = serviceReportFrom(
        snapshot,
        plan && inspections.get(plan.key),
        plan,
      );
      const last = previous.get(snapshot.serviceArn);
      const faults = registryFaults(
        report,
        snapshot.accountId,
        snapshot.region,
      );
      if (
        faults.length > 0 &&
        last &&
        last.details.taskDefinitionArn === report.details.taskDefinitionArn
      ) {
        summary.markedStale += await store.markStale({
          serviceArns: [snapshot.serviceArn],
          errors: faults,
        });
        pullErrors.push(...pullErrorsOf(snapshot, now, last.findings));
        continue;
      }
      const written = await store.upsertServiceReport(report, {
        auditRunId: runId,
      });
      if (written.written) summary.servicesWritten += 1;
      pullErrors.push(...pullErrorsOf(snapshot, now, report.findings));
    }
    summary.servicesAudited = snapshots.length;
    summary.pullErrorsAdded = await store.addPullErrors(pullErrors);

    // Services ECS does not have, and the faults that kept services from being collected.
    const touched = new Set(snapshots.map(s => s.serviceArn));
    for (const result of results) {
      for (const m of result.missing) touched.add(m.serviceArn);
      await store.setMissingServices(
        [
          ...result.snapshots.map(s => s.serviceArn),
          ...result.missing.map(m => m.serviceArn),
        ],
        result.missing,
      );
      for (const arn of result.failedServiceArns) touched.add(arn);
      if (result.errors.length > 0) {
        const errors = result.errors.map(toAuditError);
        (summary.errorsByAccount[result.accountId] ??= []).push(...errors);
        logger.warn(
          `Could not audit ${result.failedServiceArns.length} ECS services in ${
            result.accountId
          }/${result.region}: ${errors.map(e => e.code).join(', ')}`,
        );
      }
    }
    const failed = new Map<string, AuditError[]>();
    for (const result of results) {
      for (const arn of result.failedServiceArns) {
        failed.set(arn, result.errors.map(toAuditError));
      }
    }
    for (const result of results) {
      if (result.failedServiceArns.length === 0) continue;
      summary.markedStale += await store.markStale({
        serviceArns: result.failedServiceArns,
        errors: result.errors.map(toAuditError),
      });
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
    const reports = new Map(
      (
        await store.getServiceReports([
          ...new Set(links.map(l => l.serviceArn)),
        ])
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
      const written = await store.upsertEntityReport(rollup, {
        auditRunId: summary.runId,
        ...(staleErrors.length > 0 && { staleErrors }),
      });
      if (written.written) summary.entitiesWritten += 1;
    }
    summary.entitiesAudited += byEntity.size;
  }

  private createProvider(): RegistryClientProvider & { close?(): void } {
    if (this.options.createRegistryClientProvider) {
      return this.options.createRegistryClientProvider();
    }
    const { registries } = this.options.config;
    const { clients } = this.options;
    const credentials = registries.credentials;
    const ecrEndpoint = registries.ecrDistributionEndpoint;
    return new DefaultRegistryClientProvider({
      ...(registries.requestTimeoutMs && {
        timeouts: { requestMs: registries.requestTimeoutMs },
      }),
      allowedPrivateRegistries: registries.allowedPrivateRegistries,
      insecureRegistries: registries.insecureRegistries,
      registryEndpoints: registries.endpoints,
      // ECR's API with the registry account's credentials, through the counted clients.
      ecrClientFactory: (region, registryId) => clients.ecr(registryId, region),
      ...(ecrEndpoint && {
        ecrDistributionEndpoint: ecr =>
          ecrEndpoint
            .replace('{accountId}', ecr.accountId)
            .replace('{region}', ecr.region),
      }),
      credentialsFor: registry =>
        credentials[registry.toLocaleLowerCase('en-US')],
    });
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
