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
import type { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { TaskDefinitionInspection } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type { ServiceSnapshot } from '../collect';
import type {
  EntityReportInput,
  EntityStatus,
  ServiceReportInput,
  ServiceStatus,
} from '../store/ReadinessStore';

/** One engine question of a run: a task definition, with the digests its containers run on. */
export interface PlannedInspection {
  /** The task definition ARN and the deployed digests, as one string. */
  key: string;
  taskDefinitionArn: string;
  definition: JsonObject;
  deployedDigestsByContainer: Record<string, string[]>;
}

/**
 * What the engine is asked for a service: its PRIMARY deployment's task definition (what ECS
 * starts now and on every scale-out), with the digests its tasks run on and the ones ECS resolved
 * for the deployment (the service revision's `containerImages`), which version consistency makes
 * every replacement task pull. Undefined when the service has no readable task definition.
 */
export function planFor(
  snapshot: ServiceSnapshot,
): PlannedInspection | undefined {
  const taskDefinitionArn = snapshot.taskDefinitionArn;
  const definition = taskDefinitionArn
    ? snapshot.taskDefinitions[taskDefinitionArn]
    : undefined;
  if (!taskDefinitionArn || !definition) return undefined;
  const digests = new Map<string, Set<string>>();
  const add = (container: string, digest?: string) => {
    if (!digest) return;
    const set = digests.get(container) ?? new Set<string>();
    set.add(digest);
    digests.set(container, set);
  };
  for (const image of snapshot.runningImages) {
    if (image.taskDefinitionArn === taskDefinitionArn) {
      add(image.containerName, image.imageDigest);
    }
  }
  const primary = primaryDeployment(snapshot);
  for (const image of primary?.containerImages ?? []) {
    add(image.containerName, image.imageDigest);
  }
  const deployedDigestsByContainer = Object.fromEntries(
    [...digests.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en'))
      .map(([container, set]) => [container, [...set].sort()]),
  );
  return {
    key: `${taskDefinitionArn}\n${JSON.stringify(deployedDigestsByContainer)}`,
    taskDefinitionArn,
    definition,
    deployedDigestsByContainer,
  };
}

/** A service's PRIMARY deployment (else its first). */
export function primaryDeployment(snapshot: ServiceSnapshot) {
  return (
    snapshot.deployments.find(d => d.status === 'PRIMARY') ??
    snapshot.deployments[0]
  );
}

/** The finding of a service whose task definition could not be inspected at all. */
function noTaskDefinitionFinding(snapshot: ServiceSnapshot): Finding {
  return {
    id: 'unverifiable',
    severity: 'risk',
    title: snapshot.taskDefinitionArn
      ? `The task definition ${snapshot.taskDefinitionArn} of the service could not be read`
      : 'The service has no deployment with a task definition',
    evidence: {
      serviceArn: snapshot.serviceArn,
      ...(snapshot.taskDefinitionArn && {
        taskDefinitionArn: snapshot.taskDefinitionArn,
      }),
    },
    fixKey: 'unverifiable',
    fixVars: {},
  };
}

/**
 * A service's report from its snapshot and the engine's inspection of its task definition. Only
 * what says something about readiness goes in, and nothing that moves between two audits of an
 * unchanged service (timestamps, failed-task counters), so an unchanged service writes nothing.
 */
export function serviceReportFrom(
  snapshot: ServiceSnapshot,
  inspection: TaskDefinitionInspection | undefined,
  plan: PlannedInspection | undefined,
): ServiceReportInput {
  const status: ServiceStatus =
    !inspection || inspection.status === 'canceled'
      ? 'unverifiable'
      : inspection.status;
  const findings = inspection
    ? inspection.findings
    : [noTaskDefinitionFinding(snapshot)];
  const details = {
    serviceName: snapshot.serviceName,
    serviceStatus: snapshot.status,
    desiredCount: snapshot.desiredCount,
    runningCount: snapshot.runningCount,
    pendingCount: snapshot.pendingCount,
    launchType: snapshot.launchType,
    capacityProviderStrategy: snapshot.capacityProviderStrategy,
    taskDefinitionArn: snapshot.taskDefinitionArn,
    platform: inspection?.platform,
    platformSource: inspection?.platformSource,
    deployments: snapshot.deployments.map(d => ({
      id: d.id,
      status: d.status,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      taskDefinitionArn: d.taskDefinitionArn,
      desiredCount: d.desiredCount,
      runningCount: d.runningCount,
      pendingCount: d.pendingCount,
      createdAt: d.createdAt,
      circuitBreaker: d.serviceDeployment?.circuitBreaker?.status,
    })),
    images: (inspection?.containers ?? []).map(c => ({
      container: c.name,
      image: c.image,
      status: c.inspection?.status,
      resolvedDigest: c.inspection?.resolvedDigest,
      platformManifestDigest: c.inspection?.platformManifestDigest,
      pinnedReference: c.inspection?.pinnedReference,
      deployedDigests: plan?.deployedDigestsByContainer[c.name] ?? [],
    })),
  };
  return {
    serviceArn: snapshot.serviceArn,
    accountId: snapshot.accountId,
    region: snapshot.region,
    clusterArn: snapshot.clusterArn,
    status,
    findings,
    // Drops undefined values, so the stored JSON is what the hash saw.
    details: JSON.parse(JSON.stringify(details)) as JsonObject,
  };
}

/**
 * An entity's rollup: `blocked` when a service is blocked or an entity finding blocks; `at-risk`
 * when a service is at risk or unverifiable, or an entity finding (a link error) is a risk;
 * `unknown` when a linked service has no report yet (its shard failed before it was ever
 * audited) or the entity has neither services nor findings; else `ready`.
 */
export function rollupEntity(input: {
  entityRef: string;
  serviceArns: string[];
  /** The reports known for its services: this run's, or the last stored ones. */
  statuses: Map<string, ServiceStatus>;
  findings: Finding[];
}): EntityReportInput {
  const counts: Partial<Record<ServiceStatus, number>> = {};
  let unknown = input.serviceArns.length === 0 && input.findings.length === 0;
  for (const arn of input.serviceArns) {
    const status = input.statuses.get(arn);
    if (status) counts[status] = (counts[status] ?? 0) + 1;
    else unknown = true;
  }
  const severities = new Set(input.findings.map(f => f.severity));
  let status: EntityStatus;
  if (counts.blocked || severities.has('blocking')) status = 'blocked';
  else if (counts['at-risk'] || counts.unverifiable || severities.has('risk'))
    status = 'at-risk';
  else if (unknown) status = 'unknown';
  else status = 'ready';
  return {
    entityRef: input.entityRef,
    status,
    serviceArns: [...input.serviceArns].sort(),
    findings: input.findings,
    counts,
  };
}
