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
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import type { JsonObject } from '@backstage/types';
import {
  callAws,
  type AwsClients,
  type AwsError,
  describeAwsError,
  isAbortError,
  redactAwsText,
} from '../aws';
import type { ServiceDeploymentInput } from '../store/ReadinessStore';

// ECS API reference: ListServiceDeployments returns up to 100 a page (20 by default);
// DescribeServiceDeployments and DescribeServiceRevisions take up to 20 ARNs.
const LIST_PAGE_SIZE = 100;
const DESCRIBE_BATCH = 20;

/**
 * DescribeServiceDeployments for one batch of at most 20 ARNs, by ARN. Throws as `callAws` does
 * (the caller decides whether a fault is a warning or an error).
 */
export async function describeServiceDeployments(
  client: ECSClient,
  arns: string[],
  signal?: AbortSignal,
): Promise<Map<string, ServiceDeployment>> {
  const out = await callAws('ecs:DescribeServiceDeployments', () =>
    client.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }),
      { abortSignal: signal },
    ),
  );
  const described = new Map<string, ServiceDeployment>();
  for (const sd of out.serviceDeployments ?? []) {
    if (sd.serviceDeploymentArn) described.set(sd.serviceDeploymentArn, sd);
  }
  return described;
}

/**
 * The task definition of each service revision, for batches of at most 20 ARNs
 * (DescribeServiceRevisions). Throws as `callAws` does.
 */
async function describeRevisionTaskDefinitions(
  client: ECSClient,
  arns: string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const taskDefinitions = new Map<string, string>();
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const out = await callAws('ecs:DescribeServiceRevisions', () =>
      client.send(
        new DescribeServiceRevisionsCommand({
          serviceRevisionArns: arns.slice(i, i + DESCRIBE_BATCH),
        }),
        { abortSignal: signal },
      ),
    );
    for (const revision of out.serviceRevisions ?? []) {
      if (revision.serviceRevisionArn && revision.taskDefinition) {
        taskDefinitions.set(
          revision.serviceRevisionArn,
          revision.taskDefinition,
        );
      }
    }
  }
  return taskDefinitions;
}

/** Service deployment statuses after which ECS changes nothing. */
export const TERMINAL_DEPLOYMENT_STATUSES: ReadonlySet<string> = new Set([
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
]);

/** A service whose deployments to read, and from when. */
export interface DeploymentHistoryRequest {
  serviceArn: string;
  clusterArn: string;
  /** Only deployments created after this (ECS keeps 90 days); all when absent. */
  since?: string;
  /** What is stored of its deployments, by ARN: only new or changed ones are described. */
  known?: Map<string, string>;
}

/**
 * Reads the service deployments of some services of one account and region: one
 * ListServiceDeployments (paged) per service asked, then DescribeServiceDeployments, 20 a call,
 * for the deployments that are new or whose status changed, and DescribeServiceRevisions, 20 a
 * call, for the task definition each of those rolls out. ECS keeps service deployments for
 * 90 days, long after the stopped tasks (about an hour): after a restart or an outage, this is
 * what still says which deployments failed, and why (`statusReason`, the circuit breaker, the
 * rollback). Faults are returned, never thrown; an abort is thrown.
 */
export async function collectDeploymentHistory(options: {
  clients: AwsClients;
  accountId: string;
  region: string;
  services: DeploymentHistoryRequest[];
  signal?: AbortSignal;
}): Promise<{ deployments: ServiceDeploymentInput[]; errors: AwsError[] }> {
  const { clients, accountId, region, signal } = options;
  const client = clients.ecs(accountId, region);
  const where = { accountId, region };
  const errors: AwsError[] = [];
  const briefs = new Map<string, ServiceDeploymentBrief>();
  for (const service of options.services) {
    try {
      let nextToken: string | undefined;
      do {
        const input = {
          service: service.serviceArn,
          cluster: service.clusterArn,
          maxResults: LIST_PAGE_SIZE,
          ...(service.since && {
            createdAt: { after: new Date(service.since) },
          }),
          ...(nextToken && { nextToken }),
        };
        const page = await callAws('ecs:ListServiceDeployments', () =>
          client.send(new ListServiceDeploymentsCommand(input), {
            abortSignal: signal,
          }),
        );
        for (const brief of page.serviceDeployments ?? []) {
          const arn = brief.serviceDeploymentArn;
          if (arn && service.known?.get(arn) !== brief.status) {
            briefs.set(arn, brief);
          }
        }
        nextToken = page.nextToken || undefined;
      } while (nextToken);
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw error;
      errors.push(describeAwsError(error, where));
    }
  }

  const deployments: ServiceDeploymentInput[] = [];
  const arns = [...briefs.keys()];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const batch = arns.slice(i, i + DESCRIBE_BATCH);
    let described = new Map<string, ServiceDeployment>();
    try {
      described = await describeServiceDeployments(client, batch, signal);
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw error;
      // The briefs are still worth keeping: status and reason.
      errors.push(describeAwsError(error, where));
    }
    for (const arn of batch) {
      const brief = briefs.get(arn)!;
      deployments.push(
        toInput(brief, described.get(arn), { accountId, region }),
      );
    }
  }
  // Which task definition each deployment rolls out: ECS names only the target revision.
  const revisions = [
    ...new Set(
      deployments.flatMap(d =>
        d.targetRevisionArn ? [d.targetRevisionArn] : [],
      ),
    ),
  ];
  if (revisions.length > 0) {
    try {
      const taskDefinitions = await describeRevisionTaskDefinitions(
        client,
        revisions,
        signal,
      );
      for (const d of deployments) {
        const taskDefinitionArn =
          d.targetRevisionArn && taskDefinitions.get(d.targetRevisionArn);
        if (taskDefinitionArn) d.taskDefinitionArn = taskDefinitionArn;
      }
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw error;
      // The deployments are still worth keeping, without their task definitions.
      errors.push(describeAwsError(error, where));
    }
  }
  return { deployments, errors };
}

function toInput(
  brief: ServiceDeploymentBrief,
  full: ServiceDeployment | undefined,
  where: { accountId: string; region: string },
): ServiceDeploymentInput {
  const status = full?.status ?? brief.status ?? 'UNKNOWN';
  const reason = full?.statusReason ?? brief.statusReason;
  const details = JSON.parse(
    JSON.stringify({
      lifecycleStage: full?.lifecycleStage,
      circuitBreaker: full?.deploymentCircuitBreaker && {
        status: full.deploymentCircuitBreaker.status,
        failureCount: full.deploymentCircuitBreaker.failureCount,
        threshold: full.deploymentCircuitBreaker.threshold,
      },
      rollback: full?.rollback && {
        reason: full.rollback.reason && redactAwsText(full.rollback.reason),
        startedAt: full.rollback.startedAt?.toISOString(),
        serviceRevisionArn: full.rollback.serviceRevisionArn,
      },
      alarms: full?.alarms && {
        status: full.alarms.status,
        triggeredAlarmNames: full.alarms.triggeredAlarmNames,
      },
      sourceServiceRevisionArns: full?.sourceServiceRevisions?.map(r => r.arn),
    }),
  ) as JsonObject;
  const createdAt = full?.createdAt ?? brief.createdAt ?? brief.startedAt;
  const startedAt = full?.startedAt ?? brief.startedAt;
  const finishedAt = full?.finishedAt ?? brief.finishedAt;
  return {
    deploymentArn: brief.serviceDeploymentArn!,
    serviceArn: brief.serviceArn ?? full?.serviceArn ?? '',
    accountId: where.accountId,
    region: where.region,
    status,
    ...(reason && { statusReason: redactAwsText(reason) }),
    ...((full?.targetServiceRevision?.arn ??
      brief.targetServiceRevisionArn) && {
      targetRevisionArn:
        full?.targetServiceRevision?.arn ?? brief.targetServiceRevisionArn,
    }),
    details,
    createdAt: (createdAt ?? new Date(0)).toISOString(),
    ...(startedAt && { startedAt: startedAt.toISOString() }),
    ...(finishedAt && { finishedAt: finishedAt.toISOString() }),
  };
}
