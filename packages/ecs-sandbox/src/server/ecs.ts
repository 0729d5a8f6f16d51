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
  DeploymentModel,
  EcsRegionModel,
  regionKey,
  ServiceDeploymentModel,
  ServiceModel,
  ServiceRevisionModel,
  Tag,
  TaskDefinitionModel,
  TaskModel,
} from '../scenario/model';
import {
  AwsApiError,
  AwsJsonService,
  CallContext,
  checkBatch,
} from './awsJson';
import { paginate } from './pagination';

const EMPTY_REGION: EcsRegionModel = {
  clusters: new Map(),
  taskDefinitions: new Map(),
  tasks: new Map(),
};

function ecsOf(ctx: CallContext): EcsRegionModel {
  return ctx.world.ecs.get(regionKey(ctx.account, ctx.region)) ?? EMPTY_REGION;
}

/** Splits an ECS ARN of this caller's account and region; undefined for other accounts/regions. */
function ownArn(
  ctx: CallContext,
  arn: string,
  resource: string,
): string[] | undefined {
  const m = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(
    arn,
  );
  if (!m || m[3] !== resource) return undefined;
  if (m[1] !== ctx.region || m[2] !== ctx.account) return undefined;
  return m[4].split('/');
}

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

function isVisible(ctx: CallContext, task: TaskModel): boolean {
  const retention = ctx.world.settings.stoppedTaskRetentionMs;
  if (
    retention === undefined ||
    task.lastStatus !== 'STOPPED' ||
    !task.stoppedAt
  )
    return true;
  return Date.now() - task.stoppedAt.getTime() <= retention;
}

function includes(input: Record<string, any>, field: string): boolean {
  return Array.isArray(input.include) && input.include.includes(field);
}

function apiTags(tags: Tag[]) {
  return tags.map(t => ({ key: t.key, value: t.value }));
}

const FARGATE_PLATFORM = '1.4.0';

function platformOf(launchType: string, requested?: string) {
  if (launchType !== 'FARGATE') return {};
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
    registeredContainerInstancesCount: 0,
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
    launchType: service.launchType,
    ...platformOf(service.launchType),
    ...(service.networkConfiguration
      ? { networkConfiguration: service.networkConfiguration }
      : {}),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

function serviceToApi(service: ServiceModel, input: Record<string, any>) {
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
    launchType: service.launchType,
    ...platformOf(service.launchType, service.platformVersion),
    taskDefinition: primary.taskDefinition.arn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: service.circuitBreaker,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      strategy: 'ROLLING',
    },
    deployments: current.map(d => deploymentToApi(d, service)),
    events: service.events.slice(0, 100),
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
  const launchType = task.service?.launchType ?? 'FARGATE';
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
    launchType,
    ...platformOf(launchType),
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
    ...(launchType === 'FARGATE'
      ? { ephemeralStorage: { sizeInGiB: 20 } }
      : {}),
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
    launchType: service.launchType,
    ...platformOf(service.launchType),
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
  const breakerStatus = {
    FAILED: 'TRIGGERED',
    IN_PROGRESS: 'MONITORING',
    COMPLETED: 'MONITORING_COMPLETE',
  }[deployment?.rolloutState ?? 'COMPLETED'];
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
      threshold: 10,
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
  const cluster = findCluster(ctx, input.cluster);
  const services: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const identifier = str(id, 'services')!;
    const service = findService(ctx, cluster, identifier);
    if (service) services.push(serviceToApi(service, input));
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
  const td = findTaskDefinition(ctx, input.taskDefinition);
  return {
    taskDefinition: taskDefinitionToApi(td),
    ...(includes(input, 'TAGS') ? { tags: apiTags(td.tags) } : {}),
  };
}

function listTasks(input: Record<string, any>, ctx: CallContext) {
  const cluster = findCluster(ctx, input.cluster);
  const desired = str(input.desiredStatus, 'desiredStatus') ?? 'RUNNING';
  if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired)) {
    throw new AwsApiError(
      'InvalidParameterException',
      'desiredStatus must be RUNNING, PENDING or STOPPED.',
    );
  }
  const serviceName = str(input.serviceName, 'serviceName');
  let service: ServiceModel | undefined;
  if (serviceName) {
    service = findService(ctx, cluster, serviceName);
    if (!service)
      throw new AwsApiError('ServiceNotFoundException', 'Service not found.');
  }
  const family = str(input.family, 'family');
  const tasks = cluster.tasks.filter(
    t =>
      t.desiredStatus === desired &&
      isVisible(ctx, t) &&
      (!service || t.service === service) &&
      (!family || t.taskDefinition.family === family) &&
      (!input.startedBy || t.deployment?.id === input.startedBy) &&
      (!input.launchType ||
        (t.service?.launchType ?? 'FARGATE') === input.launchType),
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
  const cluster = findCluster(ctx, input.cluster);
  const tasks: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const identifier = str(id, 'tasks')!;
    const arn = identifier.startsWith('arn:')
      ? identifier
      : `arn:aws:ecs:${ctx.region}:${ctx.account}:task/${cluster.name}/${identifier}`;
    const task = ecsOf(ctx).tasks.get(arn);
    if (task && task.cluster === cluster && isVisible(ctx, task))
      tasks.push(taskToApi(task, input));
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
  },
  resourceOf: (input, account, region) =>
    typeof input.cluster === 'string' && !input.cluster.startsWith('arn:')
      ? `arn:aws:ecs:${region}:${account}:cluster/${input.cluster}`
      : undefined,
};
