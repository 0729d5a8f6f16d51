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

import { LifecycleHookModel, regionKey, World } from './model';
import { Node } from './read';
import {
  canonicalHost,
  dockerHubRepository,
  parseEcrHost,
  splitReference,
} from './reference';

/** The digest a reference resolves to in the scenario's registries now, if any. */
export function resolveReferenceNow(
  world: World,
  reference: string,
): string | undefined {
  const split = splitReference(reference);
  if (split.digest) return split.digest;
  const tag = split.tag ?? 'latest';
  const host = canonicalHost(split.host ?? 'docker.io');
  const ecr = parseEcrHost(host);
  if (ecr) {
    return world.ecr
      .get(regionKey(ecr.account, ecr.region))
      ?.get(split.repository)
      ?.content.resolve(tag)?.digest;
  }
  const repository =
    host === 'docker.io'
      ? dockerHubRepository(split.repository)
      : split.repository;
  return world.registries
    .get(host)
    ?.repositories.get(repository)
    ?.content.resolve(tag)?.digest;
}

/** The lifecycle stages ECS knows (`DeploymentLifecycleHookStage`). */
export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];

/**
 * Checks a `DeploymentLifecycleHook` list (scenario or API input); returns the reason a hook is
 * refused, as CreateService / UpdateService would refuse it, or the hooks.
 */
export function checkLifecycleHooks(
  value: unknown,
): { ok: true; hooks: LifecycleHookModel[] } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: true, hooks: [] };
  if (!Array.isArray(value))
    return { ok: false, reason: 'lifecycleHooks must be a list' };
  const hooks: LifecycleHookModel[] = [];
  for (const [i, raw] of value.entries()) {
    const at = `lifecycleHooks[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return { ok: false, reason: `${at} must be an object` };
    const h = raw as Record<string, unknown>;
    const targetType = h.targetType ?? 'AWS_LAMBDA';
    if (targetType !== 'AWS_LAMBDA' && targetType !== 'PAUSE')
      return {
        ok: false,
        reason: `${at}.targetType must be AWS_LAMBDA or PAUSE`,
      };
    if (
      targetType === 'AWS_LAMBDA' &&
      (typeof h.hookTargetArn !== 'string' || h.hookTargetArn === '')
    ) {
      return {
        ok: false,
        reason: `${at}.hookTargetArn is required for an AWS_LAMBDA lifecycle hook`,
      };
    }
    const stages = h.lifecycleStages;
    if (
      !Array.isArray(stages) ||
      stages.length === 0 ||
      stages.some(s => typeof s !== 'string' || !LIFECYCLE_STAGES.includes(s))
    ) {
      return {
        ok: false,
        reason: `${at}.lifecycleStages must list stages of ${LIFECYCLE_STAGES.join(
          ', ',
        )}`,
      };
    }
    if (
      h.hookDetails !== undefined &&
      (typeof h.hookDetails !== 'object' ||
        h.hookDetails === null ||
        Array.isArray(h.hookDetails))
    ) {
      return { ok: false, reason: `${at}.hookDetails must be an object` };
    }
    hooks.push({
      ...(h.targetType !== undefined && {
        targetType: targetType as 'AWS_LAMBDA' | 'PAUSE',
      }),
      ...(typeof h.hookTargetArn === 'string' && {
        hookTargetArn: h.hookTargetArn,
      }),
      ...(typeof h.roleArn === 'string' && { roleArn: h.roleArn }),
      lifecycleStages: stages as string[],
      ...(h.hookDetails !== undefined && {
        hookDetails: h.hookDetails as Record<string, unknown>,
      }),
      ...(typeof h.timeoutConfiguration === 'object' &&
        h.timeoutConfiguration !== null && {
          timeoutConfiguration: h.timeoutConfiguration as {
            timeoutInMinutes?: number;
            action?: string;
          },
        }),
    });
  }
  return { ok: true, hooks };
}

/** A scenario service's `lifecycleHooks`. */
export function readLifecycleHooks(node: Node): LifecycleHookModel[] {
  if (node.isMissing) return [];
  const checked = checkLifecycleHooks(node.value);
  if (!checked.ok) return node.fail(checked.reason);
  return checked.hooks;
}
