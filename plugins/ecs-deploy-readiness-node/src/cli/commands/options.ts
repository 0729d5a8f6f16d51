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
import { parsePlatform } from '../../analysis';
import { InputError } from '../io';
import { FailOn } from '../output';

/** Parses `--platform`, as an input error when invalid. */
export function platformOption(value: string): Platform {
  const parsed = parsePlatform(value);
  if (!parsed.ok) throw new InputError(`--platform: ${parsed.reason}`);
  return parsed.platform;
}

const FAIL_ON: readonly FailOn[] = ['blocking', 'unverifiable', 'risk'];

/** Parses `--fail-on`. */
export function failOnOption(value: string): FailOn {
  const level = value.toLowerCase() as FailOn;
  if (!FAIL_ON.includes(level)) {
    throw new InputError(
      `--fail-on must be one of ${FAIL_ON.join(', ')}, got "${value}"`,
    );
  }
  return level;
}

const LAUNCH_TYPES = ['FARGATE', 'EC2', 'EXTERNAL'];

/** Parses `--launch-type`. */
export function launchTypeOption(value: string): string {
  const launchType = value.toUpperCase();
  if (!LAUNCH_TYPES.includes(launchType)) {
    throw new InputError(
      `--launch-type must be one of ${LAUNCH_TYPES.join(', ')}, got "${value}"`,
    );
  }
  return launchType;
}

/** Parses a positive integer option such as `--concurrency`. */
export function positiveIntegerOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError(`${name} must be a positive integer, got "${value}"`);
  }
  return n;
}
