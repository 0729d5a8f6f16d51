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

import { Platform } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { asNumber, asRecord, asString } from './json';
import { platformFromRuntimePlatform } from './platform';

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
 * `{ "taskDefinition": … }` wrapper). Never throws; says what is wrong instead.
 *
 * @internal
 */
export function parseTaskDefinition(
  value: unknown,
):
  | { ok: true; taskDefinition: TaskDefinitionSummary }
  | { ok: false; reason: string } {
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
  const platform = platformFromRuntimePlatform(td.runtimePlatform);
  if (!platform.ok) return { ok: false, reason: platform.reason };

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
