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

import { type Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';

/** The module's configuration, with its defaults applied. */
export interface CatalogModuleConfig {
  /** How long one readiness snapshot is used. Default 1 minute. */
  cacheTtlMs: number;
  /** One bulk read's limit. Default 30 seconds. */
  timeoutMs: number;
}

const KEY = 'ecsDeployReadiness.catalog';

/** Reads `ecsDeployReadiness.catalog.*`, applying the defaults in this one place. */
export function readCatalogModuleConfig(config: Config): CatalogModuleConfig {
  const root = config.getOptionalConfig(KEY);
  return {
    cacheTtlMs: readMs(root, 'cacheTtl') ?? 60_000,
    timeoutMs: readMs(root, 'timeout') ?? 30_000,
  };
}

function readMs(config: Config | undefined, key: string): number | undefined {
  if (!config?.has(key)) return undefined;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0)) {
    throw new InputError(
      `Invalid config at ${KEY}.${key}: must be a positive duration`,
    );
  }
  return ms;
}
