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
import { type AwsClients, type AwsError, resolveTags } from '../aws';
import { ShardCollector, type ShardResult } from '../collect';
import type { ReadinessConfig } from '../config';
import {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_TAGS_ANNOTATION,
  EntityLinker,
  type EntityServiceLink,
  type LinkResult,
  parseServiceArn,
  parseServiceArnList,
  type ResolveTags,
} from '../links';
import { linkErrorFinding } from '../links/findings';
import type {
  AuditError,
  AuditRunResult,
  ReadinessStore,
  ServiceReportInput,
  ServiceStatus,
} from '../store/ReadinessStore';
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
    this.collector = ShardCollector.create({
      clients: options.clients,
      logger: options.logger,
      taskDefinitions: {
        get: arn => options.store.getTaskDefinition(arn),
        put: (arn, definition) =>
          options.store.putTaskDefinition(arn, definition),
      },
    });
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
    const links = await this.link(signal);

    // Collect, shard by shard.
    const shards = groupByShard(links.links);
    const outcomes: ShardOutcome[] = [];
    await forEachLimit(
      [...shards.values()],
      this.options.shardConcurrency ?? 4,
      async shard => {
        const result = await this.collector.collect(shard, { signal });
        outcomes.push({ result, errors: result.errors.map(toAuditError) });
      },
    );
    signal?.throwIfAborted();

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
    }
    summary.servicesAudited = snapshots.length;
    const pullErrors = snapshots.flatMap(s => pullErrorsOf(s, now));
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

  /** Links the catalog; unless configured, tag queries are searched where the ARNs point. */
  private async link(signal?: AbortSignal): Promise<LinkResult> {
    const { clients, config } = this.options;
    const accountIds = config.aws.accountIds;
    const known = new Map<string, boolean>();
    const regions = new Set<string>(config.aws.regions ?? []);
    const accounts = new Set<string>(accountIds);
    // Sees every page of entities before the linker does: the accounts the ARNs name are checked
    // for credentials (the linker asks synchronously), and their regions noted.
    const observe = async (items: Array<{ metadata: any }>) => {
      for (const entity of items) {
        const annotations = entity.metadata?.annotations ?? {};
        const arns = [
          ...parseServiceArnList(annotations[ECS_SERVICE_ARN_ANNOTATION] ?? '')
            .arns,
        ];
        const resourceArn = parseServiceArn(
          annotations[AWS_ARN_ANNOTATION] ?? '',
        );
        if (resourceArn.ok) arns.push(resourceArn.value);
        for (const arn of arns) {
          if (!config.aws.regions) regions.add(arn.region);
          if (!known.has(arn.accountId)) {
            const isKnown = await clients.isKnown(arn.accountId);
            known.set(arn.accountId, isKnown);
            if (isKnown) accounts.add(arn.accountId);
          }
        }
      }
    };
    const catalog = new Proxy(this.options.catalog, {
      get(target, property, receiver) {
        if (property === 'queryEntities') {
          return async (
            ...args: Parameters<CatalogService['queryEntities']>
          ) => {
            const response = await target.queryEntities(...args);
            await observe(response.items);
            return response;
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    for (const id of accountIds) {
      if (!known.has(id)) known.set(id, await clients.isKnown(id));
    }
    const tagResolver: ResolveTags = async (query, options) => {
      const searchAccounts = [...accounts].filter(id => known.get(id)).sort();
      const searchRegions = [...regions].sort();
      const resolved = await resolveTags(
        clients,
        Object.fromEntries(query.filters.map(f => [f.key, f.values[0]])),
        {
          accountIds: searchAccounts,
          regions: searchRegions,
          signal: options.signal,
        },
      );
      const failed = resolved.errors.map(e => ({
        accountId: e.accountId ?? '',
        region: e.region ?? '',
        reason: `${e.code}: ${e.message}`,
      }));
      const failedKeys = new Set(failed.map(f => `${f.accountId}/${f.region}`));
      return {
        serviceArns: resolved.serviceArns,
        searched: searchAccounts
          .flatMap(accountId =>
            searchRegions.map(region => ({ accountId, region })),
          )
          .filter(s => !failedKeys.has(`${s.accountId}/${s.region}`)),
        ...(failed.length > 0 && { failed }),
      };
    };
    return EntityLinker.create({
      catalog,
      auth: this.options.auth,
      logger: this.options.logger,
      accounts: {
        isKnown: id => known.get(id) === true,
        get regions() {
          return [...regions].sort();
        },
      },
      resolveTags: tagResolver,
    }).linkAll(signal);
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

/** Links grouped by (account, region). */
function groupByShard(links: EntityServiceLink[]) {
  const shards = new Map<
    string,
    { accountId: string; region: string; serviceArns: string[] }
  >();
  for (const link of links) {
    const key = `${link.accountId}/${link.region}`;
    const shard = shards.get(key) ?? {
      accountId: link.accountId,
      region: link.region,
      serviceArns: [],
    };
    if (!shard.serviceArns.includes(link.serviceArn)) {
      shard.serviceArns.push(link.serviceArn);
    }
    shards.set(key, shard);
  }
  return shards;
}

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

function toAuditError(error: AwsError): AuditError {
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
