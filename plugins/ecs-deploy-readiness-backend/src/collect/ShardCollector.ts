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
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  DesiredStatus,
  ECSClient,
  ListTasksCommand,
  Service,
  ServiceDeployment,
  ServiceRevision,
  Task,
} from '@aws-sdk/client-ecs';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { callAws, AwsClients, describeAwsError, isAbortError } from '../aws';
import {
  CapacityProviderItem,
  DeploymentSnapshot,
  RunningImage,
  ServiceSnapshot,
  Shard,
  ShardResult,
  StoppedTaskSnapshot,
  TaskDefinitionCache,
  TaskPlatform,
} from './types';
import { forEachLimit } from '../lib/forEachLimit';
import { describeServiceDeployments } from './DeploymentHistory';

// ECS API limits (Amazon ECS API Reference): DescribeServices takes up to 10 services,
// DescribeTasks up to 100 tasks, ListTasks returns up to 100 a page, DescribeServiceRevisions
// and DescribeServiceDeployments take up to 20 ARNs.
const DESCRIBE_SERVICES_BATCH = 10;
const DESCRIBE_TASKS_BATCH = 100;
const LIST_TASKS_PAGE_SIZE = 100;
const DESCRIBE_REVISIONS_BATCH = 20;
const DESCRIBE_SERVICE_DEPLOYMENTS_BATCH = 20;

/** Options of {@link ShardCollector.create}. */
export interface ShardCollectorOptions {
  clients: AwsClients;
  /** Where task definitions are kept once read: the store. */
  taskDefinitions: TaskDefinitionCache;
  logger?: LoggerService;
  /** Service events kept per snapshot, newest first (default 20; ECS returns up to 100). */
  maxEvents?: number;
  /** DescribeTaskDefinition calls at once (default 4). */
  concurrency?: number;
}

/** A service ARN taken apart. Short ARNs (`service/<name>`) are in the `default` cluster. */
interface ServiceArnParts {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  cluster: string;
  name: string;
}

const SERVICE_ARN =
  /^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\d{12}):service\/(?:([A-Za-z0-9_-]+)\/)?([A-Za-z0-9_-]+)$/;

function parseServiceArn(arn: string): ServiceArnParts | undefined {
  const m = SERVICE_ARN.exec(arn);
  return m
    ? {
        arn,
        partition: m[1],
        region: m[2],
        accountId: m[3],
        cluster: m[4] ?? 'default',
        name: m[5],
      }
    : undefined;
}

/** What one call's context carries: the client, the run's signal, where. */
interface CallContext {
  client: ECSClient;
  signal?: AbortSignal;
  accountId: string;
  region: string;
}

/** A cluster's services as ECS described them, with what belongs to them. */
interface CollectedService {
  requestedArn: string;
  service: Service;
  running: Task[];
  stopped: Task[];
  revisions: ServiceRevision[];
  serviceDeployment?: ServiceDeployment;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

const iso = (date?: Date) => date?.toISOString();

function toJson(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function strategyOf(
  strategy?: { capacityProvider?: string; weight?: number; base?: number }[],
): CapacityProviderItem[] | undefined {
  if (!strategy?.length) return undefined;
  return strategy.map(s => ({
    capacityProvider: s.capacityProvider ?? '',
    ...(s.weight !== undefined ? { weight: s.weight } : {}),
    ...(s.base !== undefined ? { base: s.base } : {}),
  }));
}

function platformOf(definition?: JsonObject): TaskPlatform | undefined {
  if (!definition) return undefined;
  const compat = definition.requiresCompatibilities;
  const rp = definition.runtimePlatform as JsonObject | undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const runtimePlatform =
    rp && typeof rp === 'object'
      ? {
          ...(str(rp.cpuArchitecture)
            ? { cpuArchitecture: str(rp.cpuArchitecture) }
            : {}),
          ...(str(rp.operatingSystemFamily)
            ? { operatingSystemFamily: str(rp.operatingSystemFamily) }
            : {}),
        }
      : undefined;
  return {
    requiresCompatibilities: Array.isArray(compat)
      ? compat.filter((c): c is string => typeof c === 'string')
      : [],
    ...(runtimePlatform ? { runtimePlatform } : {}),
  };
}

/**
 * What a snapshot reads of a task, and nothing else: DescribeTasks returns much more (network
 * attachments, every container's details), and a shard holds thousands of tasks at once.
 */
function compact(task: Task): Task {
  return {
    taskArn: task.taskArn,
    taskDefinitionArn: task.taskDefinitionArn,
    startedBy: task.startedBy,
    group: task.group,
    desiredStatus: task.desiredStatus,
    lastStatus: task.lastStatus,
    stoppedAt: task.stoppedAt,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    containers: task.containers?.map(c => ({
      name: c.name,
      image: c.image,
      imageDigest: c.imageDigest,
      reason: c.reason,
      exitCode: c.exitCode,
    })),
  };
}

function isStopped(task: Task): boolean {
  return task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED';
}

/**
 * Collects one shard (an account and a region): the given services with their deployments,
 * tasks, service revisions and task definitions, as {@link ServiceSnapshot}s.
 *
 * Calls grow with clusters and distinct task definitions, not with services × tasks: services
 * are described 10 a call, tasks are listed per cluster (RUNNING and STOPPED) and described 100
 * a call, revisions and service deployments 20 a call, and a task definition is read once per
 * ARN, ever (the cache). Every call takes the run's `AbortSignal`. Faults are returned in the
 * result, never thrown.
 */
export class ShardCollector {
  private readonly clients: AwsClients;
  private readonly cache: TaskDefinitionCache;
  private readonly logger?: LoggerService;
  private readonly maxEvents: number;
  private readonly concurrency: number;

  static create(options: ShardCollectorOptions): ShardCollector {
    return new ShardCollector(options);
  }

  private constructor(options: ShardCollectorOptions) {
    this.clients = options.clients;
    this.cache = options.taskDefinitions;
    this.logger = options.logger;
    this.maxEvents = options.maxEvents ?? 20;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /**
   * Collects the shard. With `onSnapshot`, each service's snapshot is also handed over as soon
   * as its task definitions are read, so the caller can inspect it while the others are read.
   */
  async collect(
    shard: Shard,
    options: {
      signal?: AbortSignal;
      /** May return a promise: the collection waits for it (back-pressure). */
      onSnapshot?: (snapshot: ServiceSnapshot) => void | Promise<void>;
      /** False: snapshots go to `onSnapshot` only, not into the result (bounded memory). */
      keepSnapshots?: boolean;
    } = {},
  ): Promise<ShardResult> {
    const { accountId, region } = shard;
    const { signal } = options;
    const result: ShardResult = {
      accountId,
      region,
      snapshots: [],
      missing: [],
      failedServiceArns: [],
      errors: [],
      warnings: [],
      canceled: false,
      ...(options.keepSnapshots === false && { collectedServiceArns: [] }),
    };
    const canceled = (): ShardResult => ({
      ...result,
      snapshots: [],
      failedServiceArns: [...new Set(shard.serviceArns)],
      errors: [
        {
          code: 'Canceled',
          message: 'The collection was canceled.',
          accountId,
          region,
        },
      ],
      canceled: true,
    });
    if (signal?.aborted) return canceled();

    const clusters = new Map<string, ServiceArnParts[]>();
    for (const arn of new Set(shard.serviceArns)) {
      const parts = parseServiceArn(arn);
      if (!parts) {
        result.missing.push({
          serviceArn: arn,
          reason: 'not an ECS service ARN',
        });
      } else if (parts.accountId !== accountId || parts.region !== region) {
        result.missing.push({
          serviceArn: arn,
          reason: `not in account ${accountId}, region ${region}`,
        });
      } else {
        const clusterArn = `arn:${parts.partition}:ecs:${region}:${accountId}:cluster/${parts.cluster}`;
        clusters.set(clusterArn, [...(clusters.get(clusterArn) ?? []), parts]);
      }
    }

    const ctx: CallContext = {
      client: this.clients.ecs(accountId, region),
      signal,
      accountId,
      region,
    };
    const where = { accountId, region };
    const collected: CollectedService[] = [];
    for (const [clusterArn, services] of clusters) {
      try {
        collected.push(
          ...(await this.collectCluster(ctx, clusterArn, services, result)),
        );
      } catch (error) {
        if (signal?.aborted || isAbortError(error)) return canceled();
        const described = describeAwsError(error, where);
        if (described.code === 'ClusterNotFoundException') {
          result.missing.push(
            ...services.map(s => ({
              serviceArn: s.arn,
              reason: `cluster not found: ${clusterArn}`,
            })),
          );
        } else {
          result.errors.push(described);
          result.failedServiceArns.push(...services.map(s => s.arn));
        }
      }
    }

    // Task definitions, each once; a service's snapshot is ready once all of its are read.
    const definitions = new Map<string, JsonObject>();
    const unreadable = new Set<string>();
    const pending = new Map<CollectedService, Set<string>>();
    const waitingFor = new Map<string, CollectedService[]>();
    const emit = async (c: CollectedService) => {
      const snapshot = this.snapshot(c, definitions, shard);
      if (options.keepSnapshots !== false) result.snapshots.push(snapshot);
      else result.collectedServiceArns?.push(snapshot.serviceArn);
      await options.onSnapshot?.(snapshot);
    };
    for (const c of collected) {
      const tds = new Set(
        (c.service.deployments ?? []).flatMap(d =>
          d.taskDefinition ? [d.taskDefinition] : [],
        ),
      );
      pending.set(c, tds);
      for (const arn of tds) {
        waitingFor.set(arn, [...(waitingFor.get(arn) ?? []), c]);
      }
    }
    for (const [c, tds] of pending) {
      if (tds.size === 0) await emit(c);
    }
    await forEachLimit([...waitingFor.keys()], this.concurrency, async arn => {
      if (signal?.aborted) return;
      try {
        definitions.set(arn, await this.taskDefinition(ctx, arn));
      } catch (error) {
        if (signal?.aborted || isAbortError(error)) return;
        result.errors.push(describeAwsError(error, where));
        unreadable.add(arn);
        return;
      }
      for (const c of waitingFor.get(arn) ?? []) {
        const left = pending.get(c)!;
        left.delete(arn);
        const blocked = [...(c.service.deployments ?? [])].some(
          d => d.taskDefinition && unreadable.has(d.taskDefinition),
        );
        if (left.size === 0 && !blocked) await emit(c);
      }
    });
    if (signal?.aborted) return canceled();

    for (const [c, tds] of pending) {
      const blocked = (c.service.deployments ?? []).some(
        d => d.taskDefinition && unreadable.has(d.taskDefinition),
      );
      if (blocked || tds.size > 0)
        result.failedServiceArns.push(c.requestedArn);
    }
    return result;
  }

  /** Services, tasks, revisions and service deployments of one cluster. */
  private async collectCluster(
    ctx: CallContext,
    clusterArn: string,
    wanted: ServiceArnParts[],
    result: ShardResult,
  ): Promise<CollectedService[]> {
    const { client, signal } = ctx;
    const byName = new Map(wanted.map(w => [w.name, w.arn]));
    const found: CollectedService[] = [];
    for (const batch of chunk(wanted, DESCRIBE_SERVICES_BATCH)) {
      const out = await callAws('ecs:DescribeServices', () =>
        client.send(
          new DescribeServicesCommand({
            cluster: clusterArn,
            services: batch.map(w => w.arn),
          }),
          { abortSignal: signal },
        ),
      );
      for (const service of out.services ?? []) {
        const requestedArn =
          byName.get(service.serviceName ?? '') ?? service.serviceArn ?? '';
        found.push({
          requestedArn,
          // Only the events a snapshot keeps: ECS returns up to 100 a service.
          service: {
            ...service,
            events: service.events?.slice(0, this.maxEvents),
          },
          running: [],
          stopped: [],
          revisions: [],
        });
      }
      for (const failure of out.failures ?? []) {
        result.missing.push({
          serviceArn: failure.arn ?? '',
          reason: [failure.reason, failure.detail].filter(Boolean).join(': '),
        });
      }
    }
    if (found.length === 0) return found;

    // Tasks per cluster, not per service: list every task of the cluster once and keep those of
    // the services asked for, by the task's group (`service:<name>`).
    const byGroup = new Map(
      found.map(f => [`service:${f.service.serviceName}`, f]),
    );
    const taskArns = new Set<string>();
    for (const desiredStatus of [
      DesiredStatus.RUNNING,
      DesiredStatus.STOPPED,
    ]) {
      let nextToken: string | undefined;
      do {
        const input = {
          cluster: clusterArn,
          desiredStatus,
          maxResults: LIST_TASKS_PAGE_SIZE,
          ...(nextToken ? { nextToken } : {}),
        };
        const page = await callAws('ecs:ListTasks', () =>
          client.send(new ListTasksCommand(input), { abortSignal: signal }),
        );
        for (const arn of page.taskArns ?? []) taskArns.add(arn);
        nextToken = page.nextToken || undefined;
      } while (nextToken);
    }
    for (const batch of chunk([...taskArns], DESCRIBE_TASKS_BATCH)) {
      const out = await callAws('ecs:DescribeTasks', () =>
        client.send(
          new DescribeTasksCommand({ cluster: clusterArn, tasks: batch }),
          { abortSignal: signal },
        ),
      );
      for (const task of out.tasks ?? []) {
        const owner = task.group ? byGroup.get(task.group) : undefined;
        if (owner) {
          (isStopped(task) ? owner.stopped : owner.running).push(compact(task));
        }
      }
    }

    await this.enrich(ctx, found, result);
    return found;
  }

  /**
   * What ECS resolved (service revisions' `containerImages[].imageDigest`) and the circuit
   * breaker's outcome (service deployments). Optional: a fault here is a warning.
   */
  private async enrich(
    ctx: CallContext,
    found: CollectedService[],
    result: ShardResult,
  ) {
    const { client, signal } = ctx;
    const where = { accountId: ctx.accountId, region: ctx.region };
    const revisionOwner = new Map<string, CollectedService>();
    const deploymentOwner = new Map<string, CollectedService>();
    for (const f of found) {
      for (const r of f.service.currentServiceRevisions ?? []) {
        if (r.arn) revisionOwner.set(r.arn, f);
      }
      if (f.service.currentServiceDeployment) {
        deploymentOwner.set(f.service.currentServiceDeployment, f);
      }
    }
    try {
      for (const batch of chunk(
        [...revisionOwner.keys()],
        DESCRIBE_REVISIONS_BATCH,
      )) {
        const out = await callAws('ecs:DescribeServiceRevisions', () =>
          client.send(
            new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch }),
            { abortSignal: signal },
          ),
        );
        for (const revision of out.serviceRevisions ?? []) {
          revisionOwner
            .get(revision.serviceRevisionArn ?? '')
            ?.revisions.push(revision);
        }
      }
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw error;
      result.warnings.push(describeAwsError(error, where));
    }
    try {
      for (const batch of chunk(
        [...deploymentOwner.keys()],
        DESCRIBE_SERVICE_DEPLOYMENTS_BATCH,
      )) {
        const described = await describeServiceDeployments(
          client,
          batch,
          signal,
        );
        for (const [arn, sd] of described) {
          const owner = deploymentOwner.get(arn);
          if (owner) owner.serviceDeployment = sd;
        }
      }
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw error;
      result.warnings.push(describeAwsError(error, where));
    }
  }

  /** A task definition: from the cache, else DescribeTaskDefinition, then cached. */
  private async taskDefinition(
    ctx: CallContext,
    arn: string,
  ): Promise<JsonObject> {
    const cached = await this.cache.get(arn).catch(error => {
      this.logger?.warn(`Task definition cache read failed: ${error}`);
      return undefined;
    });
    if (cached) return cached;
    const out = await callAws('ecs:DescribeTaskDefinition', () =>
      ctx.client.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn }),
        {
          abortSignal: ctx.signal,
        },
      ),
    );
    const definition = toJson(out.taskDefinition ?? {});
    await this.cache.put(arn, definition).catch(error => {
      this.logger?.warn(`Task definition cache write failed: ${error}`);
    });
    return definition;
  }

  private snapshot(
    c: CollectedService,
    definitions: Map<string, JsonObject>,
    shard: Shard,
  ): ServiceSnapshot {
    const s = c.service;
    const revisionsLeft = [...c.revisions];
    const deployments: DeploymentSnapshot[] = (s.deployments ?? []).map(d => {
      const taskDefinitionArn = d.taskDefinition ?? '';
      const at = revisionsLeft.findIndex(
        r => r.taskDefinition === taskDefinitionArn,
      );
      const revision = at >= 0 ? revisionsLeft.splice(at, 1)[0] : undefined;
      const sd = d.status === 'PRIMARY' ? c.serviceDeployment : undefined;
      return {
        id: d.id ?? '',
        status: d.status ?? '',
        ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
        ...(d.rolloutStateReason
          ? { rolloutStateReason: d.rolloutStateReason }
          : {}),
        taskDefinitionArn,
        desiredCount: d.desiredCount ?? 0,
        runningCount: d.runningCount ?? 0,
        pendingCount: d.pendingCount ?? 0,
        failedTasks: d.failedTasks ?? 0,
        ...(d.createdAt ? { createdAt: iso(d.createdAt) } : {}),
        ...(d.updatedAt ? { updatedAt: iso(d.updatedAt) } : {}),
        ...(d.launchType ? { launchType: d.launchType } : {}),
        ...(strategyOf(d.capacityProviderStrategy)
          ? { capacityProviderStrategy: strategyOf(d.capacityProviderStrategy) }
          : {}),
        ...(platformOf(definitions.get(taskDefinitionArn))
          ? { platform: platformOf(definitions.get(taskDefinitionArn)) }
          : {}),
        ...(revision
          ? {
              serviceRevisionArn: revision.serviceRevisionArn,
              containerImages: (revision.containerImages ?? []).map(ci => ({
                containerName: ci.containerName ?? '',
                ...(ci.image ? { image: ci.image } : {}),
                ...(ci.imageDigest ? { imageDigest: ci.imageDigest } : {}),
              })),
            }
          : {}),
        ...(sd?.serviceDeploymentArn
          ? {
              serviceDeployment: {
                arn: sd.serviceDeploymentArn,
                ...(sd.status ? { status: sd.status } : {}),
                ...(sd.statusReason ? { statusReason: sd.statusReason } : {}),
                ...(sd.deploymentCircuitBreaker
                  ? {
                      circuitBreaker: {
                        status: sd.deploymentCircuitBreaker.status,
                        failureCount: sd.deploymentCircuitBreaker.failureCount,
                        threshold: sd.deploymentCircuitBreaker.threshold,
                      },
                    }
                  : {}),
              },
            }
          : {}),
      };
    });

    const running = new Map<string, RunningImage>();
    for (const task of c.running) {
      for (const container of task.containers ?? []) {
        const key = JSON.stringify([
          container.name,
          container.image,
          container.imageDigest,
          task.taskDefinitionArn,
          task.startedBy,
        ]);
        const entry = running.get(key);
        if (entry) {
          entry.taskCount++;
        } else {
          running.set(key, {
            containerName: container.name ?? '',
            ...(container.image ? { image: container.image } : {}),
            ...(container.imageDigest
              ? { imageDigest: container.imageDigest }
              : {}),
            ...(task.taskDefinitionArn
              ? { taskDefinitionArn: task.taskDefinitionArn }
              : {}),
            ...(task.startedBy ? { deploymentId: task.startedBy } : {}),
            taskCount: 1,
          });
        }
      }
    }

    const stoppedTasks: StoppedTaskSnapshot[] = c.stopped
      .map(task => ({
        taskArn: task.taskArn ?? '',
        ...(task.taskDefinitionArn
          ? { taskDefinitionArn: task.taskDefinitionArn }
          : {}),
        ...(task.startedBy ? { deploymentId: task.startedBy } : {}),
        ...(task.stoppedAt ? { stoppedAt: iso(task.stoppedAt) } : {}),
        ...(task.stopCode ? { stopCode: task.stopCode } : {}),
        ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
        containers: (task.containers ?? []).map(container => ({
          name: container.name ?? '',
          ...(container.reason ? { reason: container.reason } : {}),
          ...(container.exitCode !== undefined
            ? { exitCode: container.exitCode }
            : {}),
          ...(container.image ? { image: container.image } : {}),
          ...(container.imageDigest
            ? { imageDigest: container.imageDigest }
            : {}),
        })),
      }))
      .sort((a, b) => (b.stoppedAt ?? '').localeCompare(a.stoppedAt ?? ''));

    const taskDefinitions: Record<string, JsonObject> = {};
    for (const d of deployments) {
      const def = definitions.get(d.taskDefinitionArn);
      if (def) taskDefinitions[d.taskDefinitionArn] = def;
    }
    const primary = deployments.find(d => d.status === 'PRIMARY');
    const breaker = s.deploymentConfiguration?.deploymentCircuitBreaker;
    return {
      serviceArn: s.serviceArn ?? c.requestedArn,
      serviceName: s.serviceName ?? '',
      clusterArn: s.clusterArn ?? '',
      accountId: shard.accountId,
      region: shard.region,
      status: s.status ?? '',
      desiredCount: s.desiredCount ?? 0,
      runningCount: s.runningCount ?? 0,
      pendingCount: s.pendingCount ?? 0,
      ...(s.launchType ? { launchType: s.launchType } : {}),
      ...(strategyOf(s.capacityProviderStrategy)
        ? { capacityProviderStrategy: strategyOf(s.capacityProviderStrategy) }
        : {}),
      ...(s.platformVersion ? { platformVersion: s.platformVersion } : {}),
      ...(breaker
        ? {
            circuitBreaker: {
              enable: breaker.enable ?? false,
              rollback: breaker.rollback ?? false,
            },
          }
        : {}),
      ...(primary
        ? {
            taskDefinitionArn: primary.taskDefinitionArn,
            ...(primary.platform ? { platform: primary.platform } : {}),
          }
        : {}),
      deployments,
      runningImages: [...running.values()],
      stoppedTasks,
      events: (s.events ?? []).slice(0, this.maxEvents).map(e => ({
        ...(e.id ? { id: e.id } : {}),
        ...(e.createdAt ? { createdAt: iso(e.createdAt) } : {}),
        message: e.message ?? '',
      })),
      taskDefinitions,
    };
  }
}
