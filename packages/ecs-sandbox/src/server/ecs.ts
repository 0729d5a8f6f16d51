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
  ClusterModel,
  ContainerInstanceModel,
  DeploymentModel,
  EcsRegionModel,
  regionKey,
  ServiceDeploymentModel,
  ServiceModel,
  ServiceRevisionModel,
  Tag,
  TaskDefinitionModel,
  TaskModel,
  TaskSeriesModel,
} from '../scenario/model';
import {
  AwsApiError,
  AwsJsonService,
  CallContext,
  checkBatch,
} from './awsJson';
import { checkLifecycleHooks } from '../scenario/resolveNow';
import { deploymentRunner } from './deployments';
import { paginate } from './pagination';

const EMPTY_REGION: EcsRegionModel = {
  clusters: new Map(),
  taskDefinitions: new Map(),
  tasks: new Map(),
};

function ecsOf(ctx: CallContext): EcsRegionModel {
  return ctx.world.ecs.get(regionKey(ctx.account, ctx.region)) ?? EMPTY_REGION;
}

/**
 * Splits an ECS ARN of this caller's account and region; undefined for another region (ECS
 * does not find it there). Another account's ARN is refused as ECS refuses it: with
 * InvalidParameterException "Invalid identifier: Identifier is for <account>. Your accountId
 * is <caller>", the counterpart of "Identifier is for cluster X. Your cluster is Y" (seen in
 * aws/aws-toolkit-vscode#2915, docker/compose-cli#2086).
 */
function ownArn(
  ctx: CallContext,
  arn: string,
  resource: string,
): string[] | undefined {
  const m = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(
    arn,
  );
  if (!m || m[3] !== resource) return undefined;
  if (m[2] !== ctx.account) {
    throw new AwsApiError(
      'InvalidParameterException',
      `Invalid identifier: Identifier is for ${m[2]}. Your accountId is ${ctx.account}`,
    );
  }
  if (m[1] !== ctx.region) return undefined;
  return m[4].split('/');
}

/** An enum input: InvalidParameterException for a value ECS does not know. */
function oneOf<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'string' ||
    !(allowed as readonly string[]).includes(value)
  ) {
    throw new AwsApiError(
      'InvalidParameterException',
      `${name} must be one of ${allowed.join(', ')}.`,
    );
  }
  return value as T;
}

/** The `include` list of a Describe call, each value checked against the action's enum. */
function includeList(
  input: Record<string, any>,
  allowed: readonly string[],
): string[] {
  if (input.include === undefined || input.include === null) return [];
  if (!Array.isArray(input.include)) {
    throw new AwsApiError('SerializationException', 'include must be a list');
  }
  return input.include.map(v => oneOf(v, 'include', allowed)!);
}

const LAUNCH_TYPES = [
  'EC2',
  'FARGATE',
  'EXTERNAL',
  'MANAGED_INSTANCES',
] as const;

function str(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new AwsApiError('SerializationException', `${name} must be a string`);
  }
  return value;
}

function clusterName(
  ctx: CallContext,
  identifier: unknown,
): string | undefined {
  const id = str(identifier, 'cluster') ?? 'default';
  if (!id.startsWith('arn:')) return id;
  const parts = ownArn(ctx, id, 'cluster');
  return parts?.length === 1 ? parts[0] : undefined;
}

function findCluster(ctx: CallContext, identifier: unknown): ClusterModel {
  const name = clusterName(ctx, identifier);
  const cluster = name ? ecsOf(ctx).clusters.get(name) : undefined;
  if (!cluster)
    throw new AwsApiError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

function findService(
  ctx: CallContext,
  cluster: ClusterModel,
  identifier: string,
): ServiceModel | undefined {
  if (!identifier.startsWith('arn:')) return cluster.services.get(identifier);
  const parts = ownArn(ctx, identifier, 'service');
  if (!parts) return undefined;
  // New ARN format service/<cluster>/<name>; the old one is service/<name>.
  if (parts.length === 2 && parts[0] !== cluster.name) return undefined;
  return cluster.services.get(parts[parts.length - 1]);
}

/** Stopped at or before `now`, and within the stopped task retention. */
function isVisible(ctx: CallContext, task: TaskModel, now: number): boolean {
  if (task.lastStatus !== 'STOPPED' || !task.stoppedAt) return true;
  const at = task.stoppedAt.getTime();
  if (at > now) return false;
  const retention = ctx.world.settings.stoppedTaskRetentionMs;
  return retention === undefined || now - at <= retention;
}

/** The k range of a task series that has stopped by `now` and is still visible. */
function seriesRange(
  ctx: CallContext,
  series: TaskSeriesModel,
  now: number,
): [number, number] {
  const last = Math.floor((now - series.at.getTime()) / series.everyMs);
  const retention = ctx.world.settings.stoppedTaskRetentionMs;
  const oldest =
    retention === undefined
      ? series.first
      : Math.max(
          series.first,
          Math.ceil((now - retention - series.at.getTime()) / series.everyMs),
        );
  return [oldest, last];
}

/** The cluster's tasks as of the request: static ones and those failing deployments made since. */
function clusterTasks(ctx: CallContext, cluster: ClusterModel): TaskModel[] {
  const now = ctx.world.clock();
  const tasks = cluster.tasks.filter(t => isVisible(ctx, t, now));
  for (const series of cluster.taskSeries) {
    const [from, to] = seriesRange(ctx, series, now);
    for (let k = to; k >= from; k--) tasks.push(series.make(k));
  }
  return tasks.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** The service's events as of the request: newest first, at most 100, as DescribeServices. */
function serviceEvents(ctx: CallContext, service: ServiceModel) {
  const now = ctx.world.clock();
  const events = service.events.filter(e => e.createdAt.getTime() <= now);
  for (const series of service.cluster.taskSeries) {
    if (series.service !== service) continue;
    const last = Math.floor((now - series.at.getTime()) / series.everyMs);
    // Events outlive stopped tasks (ECS keeps the last 100): one per task started.
    for (let k = last; k >= Math.max(series.first, last - 99); k--) {
      const event = series.event(k);
      if (event.createdAt.getTime() <= now) events.push(event);
    }
  }
  return events
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, 100);
}

function includes(input: Record<string, any>, field: string): boolean {
  return Array.isArray(input.include) && input.include.includes(field);
}

/** DescribeServices `launchType`/`capacityProviderStrategy`: one or the other, as ECS shows them. */
function placementOf(service: ServiceModel) {
  return service.capacityProviderStrategy
    ? { capacityProviderStrategy: service.capacityProviderStrategy }
    : { launchType: service.launchType };
}

function onFargate(service: ServiceModel | undefined): boolean {
  if (!service) return true;
  if (service.capacityProviderStrategy)
    return service.capacityProviderStrategy.every(p =>
      p.capacityProvider.startsWith('FARGATE'),
    );
  return service.launchType === 'FARGATE';
}

function apiTags(tags: Tag[]) {
  return tags.map(t => ({ key: t.key, value: t.value }));
}

const FARGATE_PLATFORM = '1.4.0';

function platformOf(fargate: boolean, requested?: string) {
  if (!fargate) return {};
  return {
    platformVersion: requested ?? FARGATE_PLATFORM,
    platformFamily: 'Linux',
  };
}

// ------------------------------------------------------------------ serializers

function clusterToApi(cluster: ClusterModel, input: Record<string, any>) {
  const running = cluster.tasks.filter(t => t.lastStatus === 'RUNNING').length;
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: cluster.containerInstances.length,
    runningTasksCount: running,
    pendingTasksCount: 0,
    activeServicesCount: cluster.services.size,
    statistics: [],
    ...(includes(input, 'TAGS') ? { tags: apiTags(cluster.tags) } : {}),
    ...(includes(input, 'SETTINGS')
      ? { settings: [{ name: 'containerInsights', value: 'disabled' }] }
      : {}),
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
  };
}

function deploymentToApi(d: DeploymentModel, service: ServiceModel) {
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition.arn,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    ...placementOf(service),
    ...platformOf(onFargate(service), service.platformVersion),
    ...(service.networkConfiguration
      ? { networkConfiguration: service.networkConfiguration }
      : {}),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

function serviceToApi(
  ctx: CallContext,
  service: ServiceModel,
  input: Record<string, any>,
) {
  const current = service.deployments.filter(d => d.status !== 'INACTIVE');
  const primary = current.find(d => d.status === 'PRIMARY')!;
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.cluster.arn,
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: service.desiredCount,
    runningCount: current.reduce((n, d) => n + d.runningCount, 0),
    pendingCount: current.reduce((n, d) => n + d.pendingCount, 0),
    ...placementOf(service),
    ...platformOf(onFargate(service), service.platformVersion),
    taskDefinition: primary.taskDefinition.arn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: service.circuitBreaker,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      strategy: 'ROLLING',
      ...(service.lifecycleHooks.length > 0
        ? { lifecycleHooks: service.lifecycleHooks }
        : {}),
    },
    deployments: current.map(d => deploymentToApi(d, service)),
    events: serviceEvents(ctx, service),
    createdAt: service.createdAt,
    currentServiceDeployment: primary.serviceDeployment.arn,
    currentServiceRevisions: current.map(d => ({
      arn: d.revision.arn,
      requestedTaskCount: d.desiredCount,
      runningTaskCount: d.runningCount,
      pendingTaskCount: d.pendingCount,
    })),
    placementConstraints: [],
    placementStrategy: [],
    ...(service.networkConfiguration
      ? { networkConfiguration: service.networkConfiguration }
      : {}),
    healthCheckGracePeriodSeconds: 0,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: `arn:aws:iam::${service.cluster.account}:role/deployer`,
    enableECSManagedTags: true,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
    ...(includes(input, 'TAGS') ? { tags: apiTags(service.tags) } : {}),
  };
}

function taskToApi(task: TaskModel, input: Record<string, any>) {
  const td = task.taskDefinition;
  const launchType = task.service
    ? task.service.launchType
    : ('FARGATE' as const);
  const fargate = onFargate(task.service);
  const arch = (
    td.api.runtimePlatform as { cpuArchitecture?: string } | undefined
  )?.cpuArchitecture;
  return {
    attachments: [],
    attributes: [
      {
        name: 'ecs.cpu-architecture',
        value: arch === 'ARM64' ? 'arm64' : 'x86_64',
      },
    ],
    availabilityZone: task.availabilityZone,
    clusterArn: task.cluster.arn,
    connectivity: 'CONNECTED',
    connectivityAt: task.createdAt,
    containers: task.containers.map(c => ({
      containerArn: c.containerArn,
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      ...(c.imageDigest ? { imageDigest: c.imageDigest } : {}),
      ...(c.runtimeId ? { runtimeId: c.runtimeId } : {}),
      lastStatus: c.lastStatus,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
      networkBindings: [],
      networkInterfaces: [],
      healthStatus: 'UNKNOWN',
      cpu: '0',
    })),
    cpu: td.api.cpu,
    memory: td.api.memory,
    createdAt: task.createdAt,
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    group: task.service
      ? `service:${task.service.name}`
      : `family:${td.family}`,
    healthStatus: 'UNKNOWN',
    lastStatus: task.lastStatus,
    // A task of a capacity provider strategy names its provider and has no launchType.
    ...(launchType ? { launchType } : {}),
    ...(task.capacityProviderName
      ? { capacityProviderName: task.capacityProviderName }
      : {}),
    ...(task.containerInstance
      ? { containerInstanceArn: task.containerInstance.arn }
      : {}),
    ...platformOf(fargate),
    pullStartedAt: task.pullStartedAt,
    pullStoppedAt: task.pullStoppedAt,
    startedAt: task.startedAt,
    startedBy: task.deployment?.id,
    stopCode: task.stopCode,
    stoppedAt: task.stoppedAt,
    executionStoppedAt: task.stoppedAt,
    stoppedReason: task.stoppedReason,
    stoppingAt: task.stoppingAt,
    taskArn: task.arn,
    taskDefinitionArn: td.arn,
    version: task.lastStatus === 'STOPPED' ? 5 : 3,
    ...(fargate ? { ephemeralStorage: { sizeInGiB: 20 } } : {}),
    ...(includes(input, 'TAGS') ? { tags: [] } : {}),
  };
}

function taskDefinitionToApi(td: TaskDefinitionModel) {
  return { ...td.api, registeredAt: td.registeredAt };
}

function revisionSummary(r: ServiceRevisionModel) {
  const d = r.service.deployments.find(x => x.revision === r);
  return {
    arn: r.arn,
    requestedTaskCount: d?.desiredCount ?? 0,
    runningTaskCount: d?.runningCount ?? 0,
    pendingTaskCount: d?.pendingCount ?? 0,
  };
}

function revisionToApi(r: ServiceRevisionModel) {
  const service = r.service;
  return {
    serviceRevisionArn: r.arn,
    serviceArn: service.arn,
    clusterArn: service.cluster.arn,
    taskDefinition: r.taskDefinition.arn,
    ...placementOf(service),
    ...platformOf(onFargate(service), service.platformVersion),
    loadBalancers: [],
    serviceRegistries: [],
    ...(service.networkConfiguration
      ? { networkConfiguration: service.networkConfiguration }
      : {}),
    containerImages: r.containerImages.map(ci => ({
      containerName: ci.containerName,
      ...(ci.imageDigest ? { imageDigest: ci.imageDigest } : {}),
      image: ci.image,
    })),
    guardDutyEnabled: false,
    createdAt: r.createdAt,
  };
}

function serviceDeploymentBrief(sd: ServiceDeploymentModel) {
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.service.arn,
    clusterArn: sd.service.cluster.arn,
    startedAt: sd.startedAt,
    createdAt: sd.createdAt,
    ...(sd.finishedAt ? { finishedAt: sd.finishedAt } : {}),
    targetServiceRevisionArn: sd.target.arn,
    status: sd.status,
    ...(sd.statusReason ? { statusReason: sd.statusReason } : {}),
  };
}

function serviceDeploymentToApi(sd: ServiceDeploymentModel) {
  const deployment = sd.service.deployments.find(
    d => d.serviceDeployment === sd,
  );
  // ServiceDeploymentCircuitBreaker: DISABLED when the breaker is off; the threshold is
  // 0.5 × the desired task count, at least 3 and at most 200 (ECS API reference).
  const breakerStatus = sd.service.circuitBreaker.enable
    ? {
        FAILED: 'TRIGGERED',
        IN_PROGRESS: 'MONITORING',
        COMPLETED: 'MONITORING_COMPLETE',
      }[deployment?.rolloutState ?? 'COMPLETED']
    : 'DISABLED';
  const threshold = Math.min(
    200,
    Math.max(3, Math.ceil(0.5 * (deployment?.desiredCount ?? 0))),
  );
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.service.arn,
    clusterArn: sd.service.cluster.arn,
    createdAt: sd.createdAt,
    startedAt: sd.startedAt,
    ...(sd.finishedAt ? { finishedAt: sd.finishedAt } : {}),
    updatedAt: deployment?.updatedAt ?? sd.createdAt,
    sourceServiceRevisions: sd.sources.map(revisionSummary),
    targetServiceRevision: revisionSummary(sd.target),
    status: sd.status,
    ...(sd.statusReason ? { statusReason: sd.statusReason } : {}),
    deploymentConfiguration: {
      deploymentCircuitBreaker: sd.service.circuitBreaker,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deploymentCircuitBreaker: {
      status: breakerStatus,
      failureCount: deployment?.failedTasks ?? 0,
      threshold,
    },
  };
}

// ------------------------------------------------------------------ operations

function listClusters(input: Record<string, any>, ctx: CallContext) {
  const arns = [...ecsOf(ctx).clusters.values()].map(c => c.arn);
  const { page, nextToken } = paginate(
    arns,
    { ...input, defaultSize: 100, maxSize: 100, query: ['ListClusters'] },
    ctx.signer,
  );
  return { clusterArns: page, nextToken };
}

function describeClusters(input: Record<string, any>, ctx: CallContext) {
  includeList(input, [
    'ATTACHMENTS',
    'CONFIGURATIONS',
    'SETTINGS',
    'STATISTICS',
    'TAGS',
  ]);
  const ids =
    input.clusters === undefined
      ? ['default']
      : checkBatch(input.clusters, 'clusters', 100, 'ecs');
  const clusters: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const name = clusterName(ctx, id);
    const cluster = name ? ecsOf(ctx).clusters.get(name) : undefined;
    if (cluster) clusters.push(clusterToApi(cluster, input));
    else {
      failures.push({
        arn: String(id).startsWith('arn:')
          ? id
          : `arn:aws:ecs:${ctx.region}:${ctx.account}:cluster/${id}`,
        reason: 'MISSING',
      });
    }
  }
  return { clusters, failures };
}

function listServices(input: Record<string, any>, ctx: CallContext) {
  oneOf(input.launchType, 'launchType', LAUNCH_TYPES);
  oneOf(input.schedulingStrategy, 'schedulingStrategy', ['REPLICA', 'DAEMON']);
  const cluster = findCluster(ctx, input.cluster);
  const services = [...cluster.services.values()].filter(
    s => !input.launchType || s.launchType === input.launchType,
  );
  if (input.schedulingStrategy && input.schedulingStrategy !== 'REPLICA')
    services.length = 0;
  const { page, nextToken } = paginate(
    services.map(s => s.arn),
    {
      ...input,
      defaultSize: 10,
      maxSize: 100,
      query: [
        'ListServices',
        cluster.arn,
        input.launchType,
        input.schedulingStrategy,
      ],
    },
    ctx.signer,
  );
  return { serviceArns: page, nextToken };
}

function describeServices(input: Record<string, any>, ctx: CallContext) {
  const ids = checkBatch(input.services, 'services', 10, 'ecs');
  includeList(input, ['TAGS']);
  const cluster = findCluster(ctx, input.cluster);
  const services: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const identifier = str(id, 'services')!;
    const service = findService(ctx, cluster, identifier);
    if (service) services.push(serviceToApi(ctx, service, input));
    else {
      failures.push({
        arn: identifier.startsWith('arn:')
          ? identifier
          : `arn:aws:ecs:${ctx.region}:${ctx.account}:service/${cluster.name}/${identifier}`,
        reason: 'MISSING',
      });
    }
  }
  return { services, failures };
}

function findTaskDefinition(
  ctx: CallContext,
  identifier: unknown,
): TaskDefinitionModel {
  const id = str(identifier, 'taskDefinition');
  if (!id)
    throw new AwsApiError('ClientException', 'TaskDefinition cannot be empty.');
  let key = id;
  if (id.startsWith('arn:')) {
    const parts = ownArn(ctx, id, 'task-definition');
    key = parts?.length === 1 ? parts[0] : '';
  }
  const tds = ecsOf(ctx).taskDefinitions;
  let td = tds.get(key);
  if (!td && key && !key.includes(':')) {
    td = [...tds.values()]
      .filter(t => t.family === key && t.status === 'ACTIVE')
      .sort((a, b) => b.revision - a.revision)[0];
  }
  if (!td)
    throw new AwsApiError(
      'ClientException',
      'Unable to describe task definition.',
    );
  return td;
}

function describeTaskDefinition(input: Record<string, any>, ctx: CallContext) {
  includeList(input, ['TAGS']);
  const td = findTaskDefinition(ctx, input.taskDefinition);
  return {
    taskDefinition: taskDefinitionToApi(td),
    ...(includes(input, 'TAGS') ? { tags: apiTags(td.tags) } : {}),
  };
}

function listTasks(input: Record<string, any>, ctx: CallContext) {
  const cluster = findCluster(ctx, input.cluster);
  const desired =
    oneOf(input.desiredStatus, 'desiredStatus', [
      'RUNNING',
      'PENDING',
      'STOPPED',
    ]) ?? 'RUNNING';
  oneOf(input.launchType, 'launchType', LAUNCH_TYPES);
  const serviceName = str(input.serviceName, 'serviceName');
  let service: ServiceModel | undefined;
  if (serviceName) {
    service = findService(ctx, cluster, serviceName);
    if (!service)
      throw new AwsApiError('ServiceNotFoundException', 'Service not found.');
  }
  const family = str(input.family, 'family');
  const tasks = clusterTasks(ctx, cluster).filter(
    t =>
      t.desiredStatus === desired &&
      (!service || t.service === service) &&
      (!family || t.taskDefinition.family === family) &&
      (!input.startedBy || t.deployment?.id === input.startedBy) &&
      (!input.launchType ||
        (t.service ? t.service.launchType : 'FARGATE') === input.launchType),
  );
  const { page, nextToken } = paginate(
    tasks.map(t => t.arn),
    {
      ...input,
      defaultSize: 100,
      maxSize: 100,
      query: [
        'ListTasks',
        cluster.arn,
        desired,
        service?.arn,
        family,
        input.startedBy,
        input.launchType,
      ],
    },
    ctx.signer,
  );
  return { taskArns: page, nextToken };
}

function describeTasks(input: Record<string, any>, ctx: CallContext) {
  const ids = checkBatch(input.tasks, 'tasks', 100, 'ecs');
  includeList(input, ['TAGS']);
  const cluster = findCluster(ctx, input.cluster);
  const tasks: unknown[] = [];
  const failures: unknown[] = [];
  const visible = new Map(clusterTasks(ctx, cluster).map(t => [t.arn, t]));
  for (const id of ids) {
    const identifier = str(id, 'tasks')!;
    const arn = identifier.startsWith('arn:')
      ? identifier
      : `arn:aws:ecs:${ctx.region}:${ctx.account}:task/${cluster.name}/${identifier}`;
    if (arn.startsWith('arn:')) ownArn(ctx, arn, 'task');
    const task = visible.get(arn);
    if (task) tasks.push(taskToApi(task, input));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { tasks, failures };
}

function serviceFromInput(
  input: Record<string, any>,
  ctx: CallContext,
): ServiceModel {
  const id = str(input.service, 'service');
  if (!id)
    throw new AwsApiError(
      'InvalidParameterException',
      'Service cannot be empty.',
    );
  let clusterId = input.cluster;
  if (!clusterId && id.startsWith('arn:')) {
    const parts = ownArn(ctx, id, 'service');
    if (parts?.length === 2) clusterId = parts[0];
  }
  const cluster = findCluster(ctx, clusterId);
  const service = findService(ctx, cluster, id);
  if (!service)
    throw new AwsApiError('ServiceNotFoundException', 'Service not found.');
  return service;
}

function epoch(value: unknown): number | undefined {
  return typeof value === 'number' ? value * 1000 : undefined;
}

function listServiceDeployments(input: Record<string, any>, ctx: CallContext) {
  const service = serviceFromInput(input, ctx);
  const statuses: unknown[] | undefined = Array.isArray(input.status)
    ? input.status
    : undefined;
  const before = epoch(input.createdAt?.before);
  const after = epoch(input.createdAt?.after);
  const list = service.deployments
    .map(d => d.serviceDeployment)
    .filter(
      sd =>
        (!statuses || statuses.includes(sd.status)) &&
        (before === undefined || sd.createdAt.getTime() < before) &&
        (after === undefined || sd.createdAt.getTime() > after),
    );
  const { page, nextToken } = paginate(
    list,
    {
      ...input,
      defaultSize: 20,
      maxSize: 100,
      query: ['ListServiceDeployments', service.arn, statuses, before, after],
    },
    ctx.signer,
  );
  return { serviceDeployments: page.map(serviceDeploymentBrief), nextToken };
}

function ownResource<T extends { service: ServiceModel }>(
  ctx: CallContext,
  found: T | undefined,
): T | undefined {
  return found &&
    found.service.cluster.account === ctx.account &&
    found.service.cluster.region === ctx.region
    ? found
    : undefined;
}

function describeServiceDeployments(
  input: Record<string, any>,
  ctx: CallContext,
) {
  const arns = checkBatch(
    input.serviceDeploymentArns,
    'serviceDeploymentArns',
    20,
    'ecs',
  );
  const serviceDeployments: unknown[] = [];
  const failures: unknown[] = [];
  for (const arn of arns) {
    const sd = ownResource(ctx, ctx.world.serviceDeployments.get(String(arn)));
    if (sd) serviceDeployments.push(serviceDeploymentToApi(sd));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceDeployments, failures };
}

function describeServiceRevisions(
  input: Record<string, any>,
  ctx: CallContext,
) {
  const arns = checkBatch(
    input.serviceRevisionArns,
    'serviceRevisionArns',
    20,
    'ecs',
  );
  const serviceRevisions: unknown[] = [];
  const failures: unknown[] = [];
  for (const arn of arns) {
    const revision = ownResource(
      ctx,
      ctx.world.serviceRevisions.get(String(arn)),
    );
    if (revision) serviceRevisions.push(revisionToApi(revision));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceRevisions, failures };
}

function containerInstanceToApi(
  ci: ContainerInstanceModel,
  cluster: ClusterModel,
  ctx: CallContext,
  input: Record<string, any>,
) {
  const running = clusterTasks(ctx, cluster).filter(
    t => t.containerInstance === ci && t.lastStatus === 'RUNNING',
  ).length;
  return {
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    version: 1,
    // VersionInfo: the agent and Docker versions tell whether the host can pull zstd layers.
    versionInfo: {
      agentVersion: ci.agentVersion,
      agentHash: ci.id.slice(0, 8),
      dockerVersion: ci.dockerVersion,
    },
    status: 'ACTIVE',
    agentConnected: true,
    runningTasksCount: running,
    pendingTasksCount: 0,
    registeredAt: ci.registeredAt,
    attributes: [
      { name: 'ecs.cpu-architecture', value: ci.cpuArchitecture },
      { name: 'ecs.os-type', value: 'linux' },
    ],
    registeredResources: [],
    remainingResources: [],
    attachments: [],
    ...(includes(input, 'TAGS') ? { tags: [] } : {}),
  };
}

function listContainerInstances(input: Record<string, any>, ctx: CallContext) {
  const status = oneOf(input.status, 'status', [
    'ACTIVE',
    'DRAINING',
    'REGISTERING',
    'DEREGISTERING',
    'REGISTRATION_FAILED',
  ]);
  if (input.filter !== undefined && input.filter !== null) {
    throw new AwsApiError(
      'InvalidParameterException',
      'The sandbox does not evaluate cluster query language filters.',
    );
  }
  const cluster = findCluster(ctx, input.cluster);
  const arns =
    status && status !== 'ACTIVE'
      ? []
      : cluster.containerInstances.map(ci => ci.arn);
  const { page, nextToken } = paginate(
    arns,
    {
      ...input,
      defaultSize: 100,
      maxSize: 100,
      query: ['ListContainerInstances', cluster.arn, status],
    },
    ctx.signer,
  );
  return { containerInstanceArns: page, nextToken };
}

function describeContainerInstances(
  input: Record<string, any>,
  ctx: CallContext,
) {
  const ids = checkBatch(
    input.containerInstances,
    'containerInstances',
    100,
    'ecs',
  );
  includeList(input, ['TAGS', 'CONTAINER_INSTANCE_HEALTH']);
  const cluster = findCluster(ctx, input.cluster);
  const containerInstances: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const identifier = str(id, 'containerInstances')!;
    if (identifier.startsWith('arn:'))
      ownArn(ctx, identifier, 'container-instance');
    const arn = identifier.startsWith('arn:')
      ? identifier
      : `arn:aws:ecs:${ctx.region}:${ctx.account}:container-instance/${cluster.name}/${identifier}`;
    const ci = cluster.containerInstances.find(c => c.arn === arn);
    if (ci)
      containerInstances.push(containerInstanceToApi(ci, cluster, ctx, input));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { containerInstances, failures };
}

// ------------------------------------------------------------------ writes

function lifecycleHooksInput(input: Record<string, any>) {
  const value = input.deploymentConfiguration?.lifecycleHooks;
  if (value === undefined) return undefined;
  const checked = checkLifecycleHooks(value);
  if (!checked.ok)
    throw new AwsApiError('InvalidParameterException', checked.reason);
  return checked.hooks;
}

function desiredCountInput(input: Record<string, any>): number | undefined {
  const value = input.desiredCount;
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new AwsApiError(
      'InvalidParameterException',
      'desiredCount must be a non-negative integer.',
    );
  }
  return value;
}

function activeTaskDefinition(
  ctx: CallContext,
  identifier: unknown,
): TaskDefinitionModel {
  const td = findTaskDefinition(ctx, identifier);
  if (td.status !== 'ACTIVE') {
    throw new AwsApiError(
      'ClientException',
      `TaskDefinition is inactive: ${td.arn}`,
    );
  }
  return td;
}

/**
 * UpdateService: desired count, lifecycle hooks, and a new deployment when the task definition
 * changes or `forceNewDeployment` is set. The deployment runs its PRE_SCALE_UP hooks after the
 * call returns, as in ECS (server/deployments.ts).
 */
function updateService(input: Record<string, any>, ctx: CallContext) {
  const service = serviceFromInput(input, ctx);
  const desiredCount = desiredCountInput(input);
  const hooks = lifecycleHooksInput(input);
  const primary = service.deployments.find(d => d.status === 'PRIMARY')!;
  const taskDefinition =
    input.taskDefinition === undefined || input.taskDefinition === null
      ? primary.taskDefinition
      : activeTaskDefinition(ctx, input.taskDefinition);
  if (desiredCount !== undefined) service.desiredCount = desiredCount;
  if (hooks) service.lifecycleHooks = hooks;
  if (
    taskDefinition !== primary.taskDefinition ||
    input.forceNewDeployment === true
  ) {
    deploymentRunner(ctx.world).start(service, taskDefinition);
  }
  return { service: serviceToApi(ctx, service, {}) };
}

/** CreateService: a service with its first deployment, which runs its PRE_SCALE_UP hooks. */
function createService(input: Record<string, any>, ctx: CallContext) {
  const name = str(input.serviceName, 'serviceName');
  if (!name || !/^[a-zA-Z0-9_-]{1,255}$/.test(name)) {
    throw new AwsApiError(
      'InvalidParameterException',
      'serviceName must be 1-255 letters, numbers, hyphens and underscores.',
    );
  }
  const cluster = findCluster(ctx, input.cluster);
  if (cluster.services.has(name)) {
    throw new AwsApiError(
      'InvalidParameterException',
      'Creation of service was not idempotent.',
    );
  }
  const taskDefinition = activeTaskDefinition(ctx, input.taskDefinition);
  const hooks = lifecycleHooksInput(input) ?? [];
  const launchType =
    oneOf(input.launchType, 'launchType', LAUNCH_TYPES) ?? 'FARGATE';
  if (launchType === 'MANAGED_INSTANCES') {
    throw new AwsApiError(
      'InvalidParameterException',
      'The sandbox serves FARGATE, EC2 and EXTERNAL services.',
    );
  }
  const breaker = input.deploymentConfiguration?.deploymentCircuitBreaker;
  const service: ServiceModel = {
    name,
    arn: `arn:aws:ecs:${cluster.region}:${cluster.account}:service/${cluster.name}/${name}`,
    cluster,
    launchType,
    ...(launchType === 'FARGATE' && { platformVersion: 'LATEST' }),
    desiredCount: desiredCountInput(input) ?? 1,
    createdAt: new Date(ctx.world.clock()),
    tags: Array.isArray(input.tags)
      ? input.tags.map((t: { key: string; value: string }) => ({
          key: String(t.key),
          value: String(t.value ?? ''),
        }))
      : [],
    circuitBreaker: {
      enable: breaker?.enable === true,
      rollback: breaker?.rollback === true,
    },
    deployments: [],
    events: [],
    lifecycleHooks: hooks,
    ...(input.networkConfiguration && {
      networkConfiguration: input.networkConfiguration,
    }),
  };
  cluster.services.set(name, service);
  deploymentRunner(ctx.world).start(service, taskDefinition);
  return { service: serviceToApi(ctx, service, {}) };
}

/** The Amazon ECS API (AWS JSON 1.1, `AmazonEC2ContainerServiceV20141113`). */
export const ecsService: AwsJsonService = {
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  iamPrefix: 'ecs',
  throttlingErrorType: 'ThrottlingException',
  handlers: {
    ListClusters: listClusters,
    DescribeClusters: describeClusters,
    ListServices: listServices,
    DescribeServices: describeServices,
    DescribeTaskDefinition: describeTaskDefinition,
    ListTasks: listTasks,
    DescribeTasks: describeTasks,
    ListServiceDeployments: listServiceDeployments,
    DescribeServiceDeployments: describeServiceDeployments,
    DescribeServiceRevisions: describeServiceRevisions,
    ListContainerInstances: listContainerInstances,
    DescribeContainerInstances: describeContainerInstances,
    UpdateService: updateService,
    CreateService: createService,
  },
  resourceOf: (input, account, region) =>
    typeof input.cluster === 'string' && !input.cluster.startsWith('arn:')
      ? `arn:aws:ecs:${region}:${account}:cluster/${input.cluster}`
      : undefined,
};
