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
  Finding,
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { createFinding } from './findings';
import { asNumber, asRecord, asString } from './json';
import { platformFromRuntimePlatform } from './platform';

/**
 * The most container definitions ECS registers in one task definition (a service quota that
 * cannot be raised: "Containers per task definition", 10).
 *
 * @internal
 */
export const MAX_CONTAINERS_PER_TASK_DEFINITION = 10;

const RUNTIME_PLATFORM_FIELDS = ['cpuArchitecture', 'operatingSystemFamily'];

/**
 * What is wrong with a task definition's `runtimePlatform`, if anything. ECS takes an object with
 * two optional string fields and nothing else; anything else (a string such as "linux/arm64",
 * a number, an unknown field) is a mistake that would otherwise be read as "no runtimePlatform"
 * and checked silently as linux/amd64. `null` counts as absent. The values themselves are
 * checked by `platformFromRuntimePlatform`.
 */
function runtimePlatformProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    return `"runtimePlatform" must be an object with "cpuArchitecture" and "operatingSystemFamily", got ${describeJson(
      value,
    )}`;
  }
  for (const [key, field] of Object.entries(value)) {
    if (!RUNTIME_PLATFORM_FIELDS.includes(key)) {
      return `"runtimePlatform.${key}" is not a runtimePlatform field (expected "cpuArchitecture" and "operatingSystemFamily")`;
    }
    if (field !== undefined && field !== null && typeof field !== 'string') {
      return `"runtimePlatform.${key}" must be a string, got ${describeJson(
        field,
      )}`;
    }
    if (field === '') {
      return `"runtimePlatform.${key}" is empty`;
    }
  }
  return undefined;
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(
      value.length > 40 ? `${value.slice(0, 40)}…` : value,
    )}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * One container definition, as far as image pulling is concerned.
 *
 * @internal
 */
export interface TaskDefinitionContainer {
  /** `name`, or `container-<n>` when the definition has none. */
  name: string;
  /** Position in `containerDefinitions`. */
  index: number;
  /** The image reference as written; undefined when missing or not a string. */
  image?: string;
  /** `repositoryCredentials.credentialsParameter` is set (private registry / Docker Hub auth). */
  hasRepositoryCredentials: boolean;
  /** Per-container software version consistency; ECS's default is `enabled`. */
  versionConsistency?: 'enabled' | 'disabled';
}

/**
 * What the checks need from an ECS task definition.
 *
 * @internal
 */
export interface TaskDefinitionSummary {
  family?: string;
  revision?: number;
  taskDefinitionArn?: string;
  platform: Platform;
  /** `runtimePlatform` when the task definition has one, else Fargate's default. */
  platformSource: 'runtimePlatform' | 'default';
  /** `requiresCompatibilities` (or `compatibilities` from describe-task-definition). */
  compatibilities: string[];
  /** The launch type the checks assume: the only one required, or `EC2` when EC2 is allowed. */
  launchType?: string;
  containers: TaskDefinitionContainer[];
}

function launchTypeOf(compatibilities: string[]): string | undefined {
  if (compatibilities.length === 0) return undefined;
  if (compatibilities.length === 1) return compatibilities[0];
  // Docker-specific risks apply as soon as the task may land on an EC2 or external instance.
  return compatibilities.find(c => c !== 'FARGATE') ?? compatibilities[0];
}

/**
 * Reads an ECS task definition in any of its JSON forms: what `aws ecs register-task-definition
 * --cli-input-json` takes, what `describe-task-definition` prints (with or without the
 * `{ "taskDefinition": … }` wrapper). Never throws; says what is wrong instead, and which field
 * (`field`) when one is malformed: a `runtimePlatform` that is not ECS's shape is an error, never
 * read as "linux/amd64".
 *
 * @internal
 */
export function parseTaskDefinition(
  value: unknown,
):
  | { ok: true; taskDefinition: TaskDefinitionSummary }
  | { ok: false; reason: string; field?: string } {
  const outer = asRecord(value);
  if (!outer)
    return { ok: false, reason: 'the task definition is not a JSON object' };
  const td = asRecord(outer.taskDefinition) ?? outer;
  if (!Array.isArray(td.containerDefinitions)) {
    return {
      ok: false,
      reason:
        'no "containerDefinitions" array (expected register-task-definition or describe-task-definition JSON)',
    };
  }
  if (td.containerDefinitions.length === 0) {
    return { ok: false, reason: '"containerDefinitions" is empty' };
  }
  const runtimePlatform = runtimePlatformProblem(td.runtimePlatform);
  if (runtimePlatform) {
    return { ok: false, reason: runtimePlatform, field: 'runtimePlatform' };
  }
  const platform = platformFromRuntimePlatform(td.runtimePlatform ?? undefined);
  if (!platform.ok) {
    return { ok: false, reason: platform.reason, field: 'runtimePlatform' };
  }

  const containers: TaskDefinitionContainer[] = [];
  for (const [index, entry] of td.containerDefinitions.entries()) {
    const def = asRecord(entry);
    if (!def) {
      return {
        ok: false,
        reason: `containerDefinitions[${index}] is not an object`,
      };
    }
    const consistency = asString(def.versionConsistency)?.toLowerCase();
    containers.push({
      name: asString(def.name) ?? `container-${index + 1}`,
      index,
      image: asString(def.image),
      hasRepositoryCredentials:
        asString(asRecord(def.repositoryCredentials)?.credentialsParameter) !==
        undefined,
      ...(consistency === 'enabled' || consistency === 'disabled'
        ? { versionConsistency: consistency }
        : {}),
    });
  }
  const compatibilitiesSource = [
    td.requiresCompatibilities,
    td.compatibilities,
    [],
  ].find(Array.isArray) as unknown[];
  const compatibilities = [
    ...new Set(
      compatibilitiesSource
        .filter((c): c is string => typeof c === 'string')
        .map(c => c.toUpperCase()),
    ),
  ];
  return {
    ok: true,
    taskDefinition: {
      family: asString(td.family),
      revision: asNumber(td.revision),
      taskDefinitionArn: asString(td.taskDefinitionArn),
      platform: platform.platform,
      platformSource: platform.source,
      compatibilities,
      launchType: launchTypeOf(compatibilities),
      containers,
    },
  };
}

/**
 * Findings about the task definition itself rather than one of its images: more container
 * definitions than ECS registers (`too-many-containers`, blocking). The images are checked all
 * the same.
 *
 * @internal
 */
export function taskDefinitionFindings(
  taskDefinition: TaskDefinitionSummary,
): Finding[] {
  const count = taskDefinition.containers.length;
  if (count <= MAX_CONTAINERS_PER_TASK_DEFINITION) return [];
  return [
    createFinding('too-many-containers', {
      severity: 'blocking',
      title: `The task definition has ${count} containers; ECS registers at most ${MAX_CONTAINERS_PER_TASK_DEFINITION}`,
      evidence: { containers: count, max: MAX_CONTAINERS_PER_TASK_DEFINITION },
    }),
  ];
}
