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

import type { JsonObject } from '@backstage/types';
import type { AwsError } from '../aws';

/**
 * Task definitions by ARN. A revision never changes, so an ARN is fetched once, ever; the store's
 * `getTaskDefinition` / `putTaskDefinition` fit.
 */
export interface TaskDefinitionCache {
  get(arn: string): Promise<JsonObject | undefined>;
  put(arn: string, definition: JsonObject): Promise<void>;
}

/** One account and region, and the ECS services to collect in it. */
export interface Shard {
  accountId: string;
  region: string;
  serviceArns: string[];
}

/** The facts of a task definition that decide the platform tasks run on. */
export interface TaskPlatform {
  /** E.g. `['FARGATE']`, `['EC2']`. */
  requiresCompatibilities: string[];
  /** As written in the task definition; absent means Fargate's default, LINUX/X86_64. */
  runtimePlatform?: {
    cpuArchitecture?: string;
    operatingSystemFamily?: string;
  };
}

/** A capacity provider of a service's strategy. */
export interface CapacityProviderItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

/** What ECS resolved a container's image to for a deployment (its service revision). */
export interface ResolvedContainerImage {
  containerName: string;
  image?: string;
  imageDigest?: string;
}

/** One deployment of a service, as DescribeServices shows it. */
export interface DeploymentSnapshot {
  id: string;
  /** PRIMARY, ACTIVE (being replaced) or INACTIVE. */
  status: string;
  /** COMPLETED, IN_PROGRESS or FAILED. */
  rolloutState?: string;
  rolloutStateReason?: string;
  taskDefinitionArn: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  createdAt?: string;
  updatedAt?: string;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderItem[];
  /** Of its task definition; absent when the task definition could not be read. */
  platform?: TaskPlatform;
  /** The service revision (DescribeServiceRevisions), where ECS has one. */
  serviceRevisionArn?: string;
  /** The digests ECS resolved each container's image to for this deployment. */
  containerImages?: ResolvedContainerImage[];
  /** The service deployment (DescribeServiceDeployments) of the current deployment. */
  serviceDeployment?: {
    arn: string;
    status?: string;
    statusReason?: string;
    /** The circuit breaker's outcome: TRIGGERED, MONITORING, MONITORING_COMPLETE, DISABLED. */
    circuitBreaker?: {
      status?: string;
      failureCount?: number;
      threshold?: number;
    };
  };
}

/** How many running tasks of a service use one image of one container. */
export interface RunningImage {
  containerName: string;
  image?: string;
  /** What the running tasks pulled (`containers[].imageDigest`); absent while pulling. */
  imageDigest?: string;
  taskDefinitionArn?: string;
  /** The deployment that started the tasks (`startedBy`, `ecs-svc/…`). */
  deploymentId?: string;
  taskCount: number;
}

/** A stopped task of a service. */
export interface StoppedTaskSnapshot {
  taskArn: string;
  taskDefinitionArn?: string;
  deploymentId?: string;
  stoppedAt?: string;
  /** E.g. `TaskFailedToStart`, `EssentialContainerExited`. */
  stopCode?: string;
  /** As ECS wrote it. */
  stoppedReason?: string;
  containers: {
    name: string;
    reason?: string;
    exitCode?: number;
    image?: string;
    imageDigest?: string;
  }[];
}

/** A service event, newest first. */
export interface ServiceEvent {
  id?: string;
  createdAt?: string;
  message: string;
}

/** What an audit needs to know of one ECS service. Timestamps are ISO 8601 strings. */
export interface ServiceSnapshot {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  accountId: string;
  region: string;
  /** ACTIVE, DRAINING or INACTIVE. */
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** Absent when the service uses a capacity provider strategy. */
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderItem[];
  platformVersion?: string;
  /** The service's deployment circuit breaker settings. */
  circuitBreaker?: { enable: boolean; rollback: boolean };
  /** The PRIMARY deployment's task definition. */
  taskDefinitionArn?: string;
  /** Of the PRIMARY deployment's task definition. */
  platform?: TaskPlatform;
  deployments: DeploymentSnapshot[];
  runningImages: RunningImage[];
  stoppedTasks: StoppedTaskSnapshot[];
  events: ServiceEvent[];
  /** The task definitions of its deployments, by ARN, as DescribeTaskDefinition returns them. */
  taskDefinitions: Record<string, JsonObject>;
}

/** What collecting a shard gave. Nothing is thrown: faults are in `errors`. */
export interface ShardResult {
  accountId: string;
  region: string;
  snapshots: ServiceSnapshot[];
  /** With `keepSnapshots: false`: the services collected (their snapshots went to the caller). */
  collectedServiceArns?: string[];
  /** Services ECS does not have (or ARNs that are not services of this shard), with the reason. */
  missing: { serviceArn: string; reason: string }[];
  /** Services that could not be collected because of `errors`; they keep their last reports. */
  failedServiceArns: string[];
  /** Faults that kept services from being collected. */
  errors: AwsError[];
  /** Faults of optional reads (service revisions, service deployments); snapshots are kept. */
  warnings: AwsError[];
  /** True when the signal aborted the collection: nothing of it is kept. */
  canceled: boolean;
}
