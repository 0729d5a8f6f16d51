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
import { durationToMilliseconds } from '@backstage/types';
import type { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  DefaultRegistryClientProvider,
  ImageInspector,
  type RegistryClientProvider,
  type TaskDefinitionInspection,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type { AwsClients, AwsError } from '../aws';
import { ShardCollector, type ShardResult } from '../collect';
import type { ReadinessConfig } from '../config';
import {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_TAGS_ANNOTATION,
  type EntityServiceLink,
  type LinkResult,
} from '../links';
import { linkErrorFinding } from '../links/findings';
import type {
  AuditError,
  AuditRunResult,
  PullErrorInput,
  ReadinessStore,
  ServiceReportInput,
  ServiceStatus,
} from '../store/ReadinessStore';
import { linkAndCollect, storeBackedCollector } from './link';
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
  /** Shards collected at once (default 4). */
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

/** Runs an audit of every ECS service the catalog links to. */
export interface AuditRunnerService {
  run(options?: {
    signal?: AbortSignal;
    trigger?: string;
  }): Promise<AuditRunSummary>;
}

/** Where a shard's services stand after collection. */
interface ShardOutcome {
  result: ShardResult;
  errors: AuditError[];
}

/**
 * One audit: link the catalog to ECS services, collect each (account, region) shard, inspect
 * each distinct task definition once with the engine, write each service's report and each
 * entity's rollup (unchanged ones are not written), and store the stopped tasks' pull failures.
 * A shard that fails keeps its services' last reports, marked stale with the error; the run
 * goes on. Each run is recorded (`startAuditRun` / `finishAuditRun`).
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

  async run(
    options: { signal?: AbortSignal; trigger?: string } = {},
  ): Promise<AuditRunSummary> {
    const { store, logger } = this.options;
    const { signal } = options;
    const callsBefore = this.options.clients.calls();
    const cache = store.documentCache();
    const runId = await store.startAuditRun({
      trigger: options.trigger ?? 'schedule',
    });
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
      const stats = cache.stats();
      summary.callsByApi = callsSince(
        callsBefore,
        this.options.clients.calls(),
      );
      summary.cacheHits = stats.hits;
      summary.cacheMisses = stats.misses;
      await store.finishAuditRun(runId, summary);
    };
    try {
      await this.audit(runId, summary, cache, signal);
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
    logger.info(
      `Audit run ${runId} ${summary.status}: ${
        summary.servicesAudited
      } services, ${summary.entitiesAudited} entities, ${
        summary.servicesWritten + summary.entitiesWritten
      } reports written, ${summary.markedStale} marked stale, ${
        summary.pullErrorsAdded
      } new pull errors`,
    );
    return summary;
  }

  private async audit(
    runId: number,
    summary: AuditRunSummary,
    documentCache: ReturnType<ReadinessStore['documentCache']>,
    signal?: AbortSignal,
  ): Promise<void> {
    const { store, logger } = this.options;
    // Link, then collect shard by shard.
    const { links, results } = await linkAndCollect(
      {
        ...this.options,
        collector: this.collector,
        concurrency: this.options.shardConcurrency ?? 4,
      },
      signal,
    );
    const outcomes: ShardOutcome[] = results.map(result => ({
      result,
      errors: result.errors.map(toAuditError),
    }));

    // Plan and inspect: each distinct task definition (with its deployed digests) once.
    const snapshots = outcomes.flatMap(o => o.result.snapshots);
    const plans = new Map<string, PlannedInspection | undefined>(
      snapshots.map(s => [s.serviceArn, planFor(s)]),
    );
    const distinct = new Map<string, PlannedInspection>();
    for (const plan of plans.values()) {
      if (plan) distinct.set(plan.key, plan);
    }
    const provider = this.createProvider();
    const inspector = ImageInspector.create({
      registryClientProvider: provider,
      documentCache,
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
    }
    signal?.throwIfAborted();

    // Service reports and pull errors.
    const statuses = new Map<string, ServiceStatus>();
    const now = this.clock();
    const pullErrors: PullErrorInput[] = [];
    for (const snapshot of snapshots) {
      const plan = plans.get(snapshot.serviceArn);
      const report: ServiceReportInput = serviceReportFrom(
        snapshot,
        plan && inspections.get(plan.key),
        plan,
      );
      const written = await store.upsertServiceReport(report, {
        auditRunId: runId,
      });
      if (written.written) summary.servicesWritten += 1;
      statuses.set(snapshot.serviceArn, report.status);
      pullErrors.push(...pullErrorsOf(snapshot, now, report.findings));
    }
    summary.servicesAudited = snapshots.length;
    summary.pullErrorsAdded = await store.addPullErrors(pullErrors);

    // Failed shards: errors by account, and the last reports of their services.
    const failedArns = new Set<string>();
    const missing = new Map<string, string>();
    for (const { result, errors } of outcomes) {
      for (const arn of result.failedServiceArns) failedArns.add(arn);
      for (const m of result.missing) missing.set(m.serviceArn, m.reason);
      if (errors.length > 0) {
        (summary.errorsByAccount[result.accountId] ??= []).push(...errors);
        logger.warn(
          `Could not audit ${result.failedServiceArns.length} ECS services in ${
            result.accountId
          }/${result.region}: ${errors.map(e => e.code).join(', ')}`,
        );
      }
    }
    for (const report of await store.getServiceReports([...failedArns])) {
      statuses.set(report.serviceArn, report.status);
    }

    // Entity rollups.
    const entities = entitiesOf(links, missing);
    const staleEntities: string[] = [];
    for (const [entityRef, entity] of entities) {
      const touchesFailed = entity.serviceArns.some(arn => failedArns.has(arn));
      if (touchesFailed && (await store.getEntityReport(entityRef))) {
        // Its last report stays, marked stale below.
        staleEntities.push(entityRef);
        continue;
      }
      const rollup = rollupEntity({ entityRef, ...entity, statuses });
      const written = await store.upsertEntityReport(rollup, {
        auditRunId: runId,
      });
      if (written.written) summary.entitiesWritten += 1;
      if (touchesFailed) staleEntities.push(entityRef);
    }
    summary.entitiesAudited = entities.size;
    const failedErrors = Object.values(summary.errorsByAccount).flat();
    if (failedArns.size > 0 || staleEntities.length > 0) {
      summary.markedStale = await store.markStale({
        serviceArns: [...failedArns],
        entityRefs: staleEntities,
        errors: failedErrors,
      });
    }

    await this.forgetEntitiesNotIn(entities);
    await store.prunePullErrors({
      olderThan: new Date(
        now.getTime() -
          durationToMilliseconds(this.options.config.pullErrors.retention),
      ),
    });
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
  private async forgetEntitiesNotIn(entities: Map<string, unknown>) {
    const { store } = this.options;
    const current = new Set(
      [...entities.keys()].map(ref => ref.toLocaleLowerCase('en-US')),
    );
    for (let offset = 0; ; offset += 1000) {
      const page = await store.listEntityReports({ limit: 1000, offset });
      for (const report of page.items) {
        if (!current.has(report.entityRef)) {
          await store.deleteEntityReport(report.entityRef);
        }
      }
      if (offset + 1000 >= page.totalCount) break;
    }
  }
}

/** The annotation each kind of link comes from. */
const LINK_ANNOTATION: Record<EntityServiceLink['via'], string> = {
  'arn-annotation': ECS_SERVICE_ARN_ANNOTATION,
  tags: ECS_SERVICE_TAGS_ANNOTATION,
  resource: AWS_ARN_ANNOTATION,
  'depends-on': AWS_ARN_ANNOTATION,
};

/** Each entity's services and entity-level findings: link errors, services ECS does not have. */
function entitiesOf(
  links: LinkResult,
  missing: Map<string, string>,
): Map<string, { serviceArns: string[]; findings: Finding[] }> {
  const entities = new Map<
    string,
    { serviceArns: string[]; findings: Finding[] }
  >();
  const entry = (ref: string) => {
    let e = entities.get(ref);
    if (!e) {
      e = { serviceArns: [], findings: [] };
      entities.set(ref, e);
    }
    return e;
  };
  for (const link of links.links) {
    const reason = missing.get(link.serviceArn);
    if (reason === undefined) {
      entry(link.entityRef).serviceArns.push(link.serviceArn);
      continue;
    }
    entry(link.entityRef).findings.push(
      linkErrorFinding({
        title: `ECS service ${link.serviceName} was not found`,
        annotation: LINK_ANNOTATION[link.via],
        value: link.serviceArn,
        reason,
        via: link.via,
        accountId: link.accountId,
        region: link.region,
      }),
    );
  }
  for (const error of links.errors)
    entry(error.entityRef).findings.push(error.finding);
  return entities;
}

/** An AWS fault as the store records it. */
export function toAuditError(error: AwsError): AuditError {
  return {
    code: error.code,
    message: error.message,
    ...(error.accountId && { accountId: error.accountId }),
    ...(error.region && { region: error.region }),
    ...(error.api && { api: error.api }),
  };
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
