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

import { BuiltArtifact } from '../images';
import { PolicyStatement } from './policy';
import { RepositoryContent } from './repository';

/*
 * The loaded scenario: everything the API handlers read. Built once at start-up by buildWorld;
 * the read handlers never change it. UpdateService and CreateService (server/deployments.ts)
 * add deployments, revisions, service deployments, events and services.
 */

/** @public */
export interface AccountModel {
  id: string;
  name?: string;
  accessKeyId?: string;
  denyAccess: boolean;
  roleName: string;
  /** Roles other principals may assume with STS AssumeRole, by name. */
  roles: Map<string, RoleModel>;
}

/** An IAM role that STS AssumeRole can assume. @public */
export interface RoleModel {
  name: string;
  /** `arn:aws:iam::<account>:role/<name>`. */
  arn: string;
  account: string;
  /** Trust policy principals: `*`, account ids, `arn:aws:iam::<id>:root`, role or session ARNs. */
  trustedPrincipals: string[];
  /** Longest session, in seconds (IAM's MaxSessionDuration, default 3600). */
  maxSessionSeconds: number;
}

/** @public */
export interface Tag {
  key: string;
  value: string;
}

/** @public */
export interface TaskDefinitionModel {
  arn: string;
  family: string;
  revision: number;
  account: string;
  region: string;
  status: 'ACTIVE' | 'INACTIVE';
  registeredAt: Date;
  tags: Tag[];
  containers: Array<{ name: string; image: string; essential: boolean }>;
  /** The DescribeTaskDefinition shape, without `registeredAt`. */
  api: Record<string, unknown>;
}

/** @public */
export interface ContainerImageModel {
  containerName: string;
  image: string;
  imageDigest?: string;
}

/** @public */
export interface ServiceRevisionModel {
  arn: string;
  service: ServiceModel;
  taskDefinition: TaskDefinitionModel;
  createdAt: Date;
  containerImages: ContainerImageModel[];
}

/** @public */
export interface ServiceDeploymentModel {
  arn: string;
  service: ServiceModel;
  target: ServiceRevisionModel;
  sources: ServiceRevisionModel[];
  createdAt: Date;
  startedAt: Date;
  finishedAt?: Date;
  status: string;
  statusReason?: string;
}

/** @public */
export interface DeploymentModel {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: TaskDefinitionModel;
  rolloutState: 'COMPLETED' | 'IN_PROGRESS' | 'FAILED';
  rolloutStateReason: string;
  createdAt: Date;
  updatedAt: Date;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  revision: ServiceRevisionModel;
  serviceDeployment: ServiceDeploymentModel;
}

/** @public */
export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight: number;
  base: number;
}

/** @public */
export interface ServiceModel {
  name: string;
  arn: string;
  cluster: ClusterModel;
  /** Absent when the service uses a capacity provider strategy, as in DescribeServices. */
  launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  /** The capacity provider strategy (FARGATE, FARGATE_SPOT…) of a service without launchType. */
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  desiredCount: number;
  createdAt: Date;
  tags: Tag[];
  circuitBreaker: { enable: boolean; rollback: boolean };
  /** Newest first. */
  deployments: DeploymentModel[];
  /** Newest first. */
  events: Array<{ id: string; createdAt: Date; message: string }>;
  networkConfiguration?: Record<string, unknown>;
  /** `deploymentConfiguration.lifecycleHooks`, as DescribeServices shows them; empty by default. */
  lifecycleHooks: LifecycleHookModel[];
}

/**
 * A deployment lifecycle hook of a service (the ECS API's `DeploymentLifecycleHook`).
 *
 * @public
 */
export interface LifecycleHookModel {
  /** `AWS_LAMBDA` (default) or `PAUSE`. */
  targetType?: 'AWS_LAMBDA' | 'PAUSE';
  /** The Lambda function ARN: the name of the local handler the sandbox invokes. */
  hookTargetArn?: string;
  roleArn?: string;
  lifecycleStages: string[];
  hookDetails?: Record<string, unknown>;
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: string };
}

/** @public */
export interface TaskContainerModel {
  name: string;
  image: string;
  imageDigest?: string;
  lastStatus: string;
  reason?: string;
  exitCode?: number;
  containerArn: string;
  runtimeId?: string;
}

/** @public */
export interface TaskModel {
  id: string;
  arn: string;
  cluster: ClusterModel;
  service?: ServiceModel;
  deployment?: DeploymentModel;
  taskDefinition: TaskDefinitionModel;
  lastStatus: 'RUNNING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  stopCode?: string;
  stoppedReason?: string;
  availabilityZone: string;
  containers: TaskContainerModel[];
  /** The capacity provider the task ran on (services with a capacity provider strategy). */
  capacityProviderName?: string;
  /** The EC2 container instance the task was placed on (EC2 launch type). */
  containerInstance?: ContainerInstanceModel;
}

/**
 * A deployment that keeps failing: ECS keeps starting tasks that stop, one every `everyMs`,
 * after start-up too. Task k stops at `at + k * everyMs`; k runs from `first` (≤ 0, the history
 * at start-up) without end. Tasks are made on demand, relative to the request's time.
 *
 * @public
 */
export interface TaskSeriesModel {
  service: ServiceModel;
  deployment: DeploymentModel;
  at: Date;
  everyMs: number;
  first: number;
  /** The k-th task of the series (stable id); memoised by the caller. */
  make(k: number): TaskModel;
  /** The service event ECS writes when it starts the k-th task. */
  event(k: number): { id: string; createdAt: Date; message: string };
}

/** An EC2 container instance of a cluster (ListContainerInstances / DescribeContainerInstances). @public */
export interface ContainerInstanceModel {
  id: string;
  arn: string;
  ec2InstanceId: string;
  agentVersion: string;
  dockerVersion: string;
  registeredAt: Date;
  cpuArchitecture: 'x86_64' | 'arm64';
}

/** @public */
export interface ClusterModel {
  name: string;
  arn: string;
  account: string;
  region: string;
  tags: Tag[];
  services: Map<string, ServiceModel>;
  /** Newest first. */
  tasks: TaskModel[];
  /** Failing deployments that keep starting tasks (see TaskSeriesModel). */
  taskSeries: TaskSeriesModel[];
  /** EC2 container instances, made for the cluster's EC2 services. */
  containerInstances: ContainerInstanceModel[];
}

/** @public */
export interface EcsRegionModel {
  clusters: Map<string, ClusterModel>;
  /** By `family:revision`. */
  taskDefinitions: Map<string, TaskDefinitionModel>;
  tasks: Map<string, TaskModel>;
}

/** @public */
export interface EcrRepositoryModel {
  account: string;
  region: string;
  name: string;
  arn: string;
  uri: string;
  createdAt: Date;
  tagMutability: string;
  exclusionFilters: Array<{ filterType: 'WILDCARD'; filter: string }>;
  lifecyclePolicyText?: string;
  /** The repository policy (GetRepositoryPolicy), as given. */
  repositoryPolicyText?: string;
  /** Its parsed statements: what cross-account callers may do. */
  repositoryPolicy?: PolicyStatement[];
  tags: Tag[];
  content: RepositoryContent;
}

/** @public */
export interface RegistryRepositoryModel {
  name: string;
  private: boolean;
  content: RepositoryContent;
}

/** @public */
export interface RegistryModel {
  host: string;
  anonymousPullLimit?: number;
  users: Map<string, string>;
  missingRepositoryStatus: 401 | 404;
  latencyMs: number;
  repositories: Map<string, RegistryRepositoryModel>;
}

/** @public */
export interface WorldSettings {
  /** How long stopped tasks stay visible; undefined keeps them forever. */
  stoppedTaskRetentionMs?: number;
  latencyMs?: number;
  jitterMs?: number;
  throttle?: { rate: number; burst: number };
}

/**
 * A loaded scenario.
 *
 * @public
 */
export interface World {
  now: Date;
  description?: string;
  defaultAccount: string;
  defaultRegion: string;
  regions: string[];
  accounts: Map<string, AccountModel>;
  accountsByAccessKey: Map<string, AccountModel>;
  /** By `<account>/<region>`. */
  ecs: Map<string, EcsRegionModel>;
  /** By `<account>/<region>`, then repository name. */
  ecr: Map<string, Map<string, EcrRepositoryModel>>;
  /** By host (`docker.io`, `ghcr.io`…). */
  registries: Map<string, RegistryModel>;
  serviceRevisions: Map<string, ServiceRevisionModel>;
  serviceDeployments: Map<string, ServiceDeploymentModel>;
  /** Every named image, built. */
  images: Map<string, BuiltArtifact>;
  settings: WorldSettings;
  /** The current time of a request (default Date.now; tests move it). */
  clock: () => number;
}

/**
 * The key of per-account, per-region maps.
 *
 * @public
 */
export function regionKey(account: string, region: string): string {
  return `${account}/${region}`;
}

/**
 * ECR's registry host for an account and region.
 *
 * @public
 */
export function ecrHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com`;
}
