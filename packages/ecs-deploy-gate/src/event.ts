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

import { DeploymentLifecycleHookStage } from '@aws-sdk/client-ecs';

/*
 * The event Amazon ECS sends a Lambda lifecycle hook, as the ECS Developer Guide documents it
 * ("Lambda hooks for Amazon ECS service deployments", Lifecycle payloads):
 *
 *   { executionId, lifecycleStage, resourceArn (the service deployment),
 *     executionDetails: { serviceArn, targetServiceRevisionArn, testTrafficWeights,
 *                         productionTrafficWeights },
 *     hookDetails? (the hook's configured hookDetails, merged with what IN_PROGRESS returned) }
 */

/**
 * A stage of an ECS service deployment at which lifecycle hooks run (`DeploymentLifecycleHookStage`).
 *
 * @public
 */
export type LifecycleStage = DeploymentLifecycleHookStage;

/** The lifecycle stages ECS knows, as the SDK lists them. */
const LIFECYCLE_STAGES: readonly LifecycleStage[] = Object.values(
  DeploymentLifecycleHookStage,
);

/**
 * A lifecycle hook invocation, validated.
 *
 * @public
 */
export interface HookEvent {
  /** The unique identifier of this hook execution. */
  executionId?: string;
  /** The stage ECS invoked the hook at. */
  lifecycleStage: LifecycleStage;
  /** The service deployment ARN (`…:service-deployment/<cluster>/<service>/<id>`). */
  resourceArn?: string;
  /** `executionDetails.serviceArn`: the service being deployed. */
  serviceArn: string;
  /** `executionDetails.targetServiceRevisionArn`: the revision being deployed. */
  targetServiceRevisionArn: string;
  /** The hook's `hookDetails`: configuration and the state returned with `IN_PROGRESS`. */
  hookDetails: Record<string, unknown>;
}

const SERVICE_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/;
const REVISION_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-revision\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/\d+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a reason: short, and never the whole payload. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/**
 * Reads a hook invocation. Never throws: a payload that is not what ECS sends gives the reason,
 * naming the field.
 */
export function parseHookEvent(
  input: unknown,
): { ok: true; event: HookEvent } | { ok: false; reason: string } {
  if (!isRecord(input)) {
    return {
      ok: false,
      reason: `the payload is not a JSON object (got ${
        Array.isArray(input) ? 'an array' : shown(input)
      })`,
    };
  }
  const details = input.executionDetails;
  if (!isRecord(details)) {
    return {
      ok: false,
      reason: `executionDetails is ${shown(
        details,
      )}: expected an object with serviceArn and targetServiceRevisionArn`,
    };
  }
  const stage = input.lifecycleStage;
  if (
    typeof stage !== 'string' ||
    !(LIFECYCLE_STAGES as readonly string[]).includes(stage)
  ) {
    return {
      ok: false,
      reason: `lifecycleStage is ${shown(
        stage,
      )}: expected one of ${LIFECYCLE_STAGES.join(', ')}`,
    };
  }
  const { serviceArn, targetServiceRevisionArn } = details;
  if (typeof serviceArn !== 'string' || !SERVICE_ARN.test(serviceArn)) {
    return {
      ok: false,
      reason: `executionDetails.serviceArn is ${shown(
        serviceArn,
      )}: expected arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`,
    };
  }
  if (
    typeof targetServiceRevisionArn !== 'string' ||
    !REVISION_ARN.test(targetServiceRevisionArn)
  ) {
    return {
      ok: false,
      reason: `executionDetails.targetServiceRevisionArn is ${shown(
        targetServiceRevisionArn,
      )}: expected arn:aws:ecs:<region>:<account>:service-revision/<cluster>/<service>/<id>`,
    };
  }
  const [, , , region, account] = serviceArn.split(':');
  const revisionParts = targetServiceRevisionArn.split(':');
  const servicePath = serviceArn.split(':')[5].slice('service/'.length);
  const revisionPath = revisionParts[5]
    .slice('service-revision/'.length)
    .replace(/\/\d+$/, '');
  if (
    revisionParts[3] !== region ||
    revisionParts[4] !== account ||
    revisionPath !== servicePath
  ) {
    return {
      ok: false,
      reason: `executionDetails.targetServiceRevisionArn ${targetServiceRevisionArn} is not a revision of ${serviceArn}`,
    };
  }
  if (input.hookDetails !== undefined && input.hookDetails !== null) {
    if (!isRecord(input.hookDetails)) {
      return {
        ok: false,
        reason: `hookDetails is ${shown(
          input.hookDetails,
        )}: expected an object`,
      };
    }
  }
  return {
    ok: true,
    event: {
      ...(typeof input.executionId === 'string' && {
        executionId: input.executionId,
      }),
      lifecycleStage: stage as LifecycleStage,
      ...(typeof input.resourceArn === 'string' && {
        resourceArn: input.resourceArn,
      }),
      serviceArn,
      targetServiceRevisionArn,
      hookDetails: isRecord(input.hookDetails) ? input.hookDetails : {},
    },
  };
}

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>` → its parts. */
export function serviceArnParts(serviceArn: string) {
  const [, partition, , region, account, resource] = serviceArn.split(':');
  const [, cluster, name] = resource.split('/');
  return { partition, region, account, cluster, name };
}
