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
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  type Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  durationToMilliseconds,
  type HumanDuration,
  type JsonObject,
} from '@backstage/types';
import type { RegistryCredentials } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';

/** The plugin's configuration, with every default applied. */
export interface ReadinessConfig {
  aws: {
    /** The accounts listed under `aws.accounts` (integration-aws-node): tag queries search them. */
    accountIds: string[];
    /** `ecsDeployReadiness.aws.endpoint`: a local stand-in instead of AWS. */
    endpoint?: string;
    /**
     * Regions tag queries are searched in. Undefined when not configured: then the regions of
     * the service ARNs the catalog names are searched, and no others.
     */
    regions?: string[];
  };
  schedules: {
    /** The image audit: every 30 minutes, the first within seconds of start-up. */
    images: SchedulerServiceTaskScheduleDefinition;
    /** Stopped tasks, events and deployments: every 5 minutes. */
    history: SchedulerServiceTaskScheduleDefinition;
  };
  pullErrors: {
    /** How long pull errors are kept: 90 days. */
    retention: HumanDuration;
  };
  api: {
    /**
     * Manual audits of one entity (`POST …/audit`): a second request for the entity within this
     * many milliseconds of the last one (or while it runs) answers with that run. Default 60 s.
     */
    manualAuditIntervalMs: number;
    /** How long the entities a user may read are remembered, in milliseconds. Default 30 s. */
    visibilityCacheMs: number;
  };
  registries: {
    /** Base URLs by registry host (`docker.io` → `http://127.0.0.1:4566/registries/docker.io`). */
    endpoints: Record<string, string>;
    /** With `{accountId}` and `{region}` placeholders. */
    ecrDistributionEndpoint?: string;
    allowedPrivateRegistries: string[];
    insecureRegistries: string[];
    /** Credentials by registry host. Secret: never logged. */
    credentials: Record<string, RegistryCredentials>;
    /** One registry request's limit, in milliseconds (the engine's default when absent). */
    requestTimeoutMs?: number;
    /** One task definition's inspection limit, in milliseconds (the engine's default when absent). */
    inspectionDeadlineMs?: number;
  };
  notifications: {
    /** Notify an entity's owners when it becomes blocked. Default false. */
    enabled: boolean;
  };
}

const DEFAULT_IMAGES_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 25 },
  initialDelay: { seconds: 5 },
};

const DEFAULT_HISTORY_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 4 },
  initialDelay: { seconds: 30 },
};

const DEFAULT_PULL_ERROR_RETENTION: HumanDuration = { days: 90 };

/** Reads `ecsDeployReadiness.*`, applying the defaults in this one place. */
export function readReadinessConfig(config: Config): ReadinessConfig {
  const root = config.getOptionalConfig('ecsDeployReadiness');
  const registries = root?.getOptionalConfig('registries');
  return {
    aws: {
      accountIds: (config.getOptionalConfigArray('aws.accounts') ?? []).map(
        account => account.getString('accountId'),
      ),
      endpoint: root?.getOptionalString('aws.endpoint'),
      regions: root?.getOptionalStringArray('aws.regions'),
    },
    schedules: {
      images: readSchedule(root, 'schedules.images', DEFAULT_IMAGES_SCHEDULE),
      history: readSchedule(
        root,
        'schedules.history',
        DEFAULT_HISTORY_SCHEDULE,
      ),
    },
    pullErrors: {
      retention: root?.has('pullErrors.retention')
        ? readDurationFromConfig(root, { key: 'pullErrors.retention' })
        : DEFAULT_PULL_ERROR_RETENTION,
    },
    api: {
      manualAuditIntervalMs:
        readMilliseconds(root, 'api.manualAuditInterval', 'ms', {
          allowZero: true,
          under: '',
        }).ms ?? 60_000,
      visibilityCacheMs:
        readMilliseconds(root, 'api.visibilityCache', 'ms', {
          allowZero: true,
          under: '',
        }).ms ?? 30_000,
    },
    registries: {
      endpoints: readStringMap(registries?.getOptionalConfig('endpoints')),
      ecrDistributionEndpoint: registries?.getOptionalString(
        'ecrDistributionEndpoint',
      ),
      allowedPrivateRegistries:
        registries?.getOptionalStringArray('allowedPrivateRegistries') ?? [],
      insecureRegistries:
        registries?.getOptionalStringArray('insecureRegistries') ?? [],
      credentials: readCredentials(
        registries?.getOptionalConfig('credentials'),
      ),
      ...readMilliseconds(registries, 'requestTimeout', 'requestTimeoutMs'),
      ...readMilliseconds(
        registries,
        'inspectionDeadline',
        'inspectionDeadlineMs',
      ),
    },
    notifications: {
      enabled: root?.getOptionalBoolean('notifications.enabled') ?? false,
    },
  };
}

/** An optional positive (or, with `allowZero`, zero) duration, in milliseconds, under `as`. */
function readMilliseconds<K extends string>(
  config: Config | undefined,
  key: string,
  as: K,
  options: { allowZero?: boolean; under?: string } = {},
): Partial<Record<K, number>> {
  if (!config?.has(key)) return {};
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0) && !(options.allowZero && ms === 0)) {
    throw new InputError(
      `Invalid config at ecsDeployReadiness.${
        options.under ?? 'registries.'
      }${key}: must be a positive duration${
        options.allowZero ? ' or zero' : ''
      }`,
    );
  }
  return { [as]: ms } as Partial<Record<K, number>>;
}

/** A schedule from config; `frequency`, `timeout` and `initialDelay` default to the default's. */
function readSchedule(
  root: Config | undefined,
  key: string,
  defaults: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  const config = root?.getOptionalConfig(key);
  if (!config) return defaults;
  // The scheduler's reader requires frequency and timeout: fill in the defaults first.
  const defined = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader({
      frequency: defaults.frequency,
      timeout: defaults.timeout,
      ...config.get<JsonObject>(),
    } as JsonObject),
  );
  return {
    ...defined,
    initialDelay: defined.initialDelay ?? defaults.initialDelay,
  };
}

// Registry hosts contain dots, which config paths read as nesting: these maps are read whole.

function readStringMap(config: Config | undefined): Record<string, string> {
  const value = config?.get<JsonObject>() ?? {};
  const result: Record<string, string> = {};
  for (const [host, url] of Object.entries(value)) {
    if (typeof url !== 'string') {
      throw new InputError(
        `ecsDeployReadiness.registries.endpoints["${host}"] must be a string`,
      );
    }
    result[host.toLocaleLowerCase('en-US')] = url;
  }
  return result;
}

function readCredentials(
  config: Config | undefined,
): Record<string, RegistryCredentials> {
  const value = config?.get<JsonObject>() ?? {};
  const result: Record<string, RegistryCredentials> = {};
  for (const [host, entry] of Object.entries(value)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const token = str(e.token);
    const username = str(e.username);
    const password = str(e.password);
    if (token) {
      result[host.toLocaleLowerCase('en-US')] = { token };
    } else if (username && password) {
      result[host.toLocaleLowerCase('en-US')] = { username, password };
    } else {
      // Names the host and the keys, never a value: they are secrets.
      throw new InputError(
        `ecsDeployReadiness.registries.credentials["${host}"] needs a token, or a username and a password`,
      );
    }
  }
  return result;
}
