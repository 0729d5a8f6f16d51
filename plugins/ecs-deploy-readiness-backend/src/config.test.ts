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

import { ConfigReader } from '@backstage/config';
import { readReadinessConfig } from './config';

describe('readReadinessConfig', () => {
  it('applies the defaults when nothing is configured', () => {
    expect(readReadinessConfig(new ConfigReader({}))).toEqual({
      aws: { accountIds: [], endpoint: undefined, regions: undefined },
      schedules: {
        images: {
          frequency: { minutes: 30 },
          timeout: { minutes: 25 },
          initialDelay: { seconds: 5 },
        },
        history: {
          frequency: { minutes: 5 },
          timeout: { minutes: 4 },
          initialDelay: { seconds: 30 },
        },
      },
      pullErrors: { retention: { days: 90 } },
      api: { manualAuditIntervalMs: 60_000, visibilityCacheMs: 30_000 },
      registries: {
        endpoints: {},
        ecrDistributionEndpoint: undefined,
        allowedPrivateRegistries: [],
        insecureRegistries: [],
        credentials: {},
      },
      notifications: { enabled: false },
    });
  });

  it('turns notifications on only when configured', () => {
    expect(
      readReadinessConfig(
        new ConfigReader({
          ecsDeployReadiness: { notifications: { enabled: true } },
        }),
      ).notifications,
    ).toEqual({ enabled: true });
  });

  it('reads what is configured, registry hosts with dots included', () => {
    const config = readReadinessConfig(
      new ConfigReader({
        aws: { accounts: [{ accountId: '111111111111' }] },
        ecsDeployReadiness: {
          aws: { regions: ['eu-west-1'] },
          schedules: { images: { frequency: { hours: 1 } } },
          pullErrors: { retention: 'P30D' },
          registries: {
            endpoints: {
              'docker.io': 'http://127.0.0.1:4566/registries/docker.io',
            },
            credentials: {
              'ghcr.io': { token: 't0ken' },
              'Docker.IO': { username: 'me', password: 'pw' },
            },
          },
        },
      }),
    );
    expect(config.aws).toMatchObject({
      accountIds: ['111111111111'],
      regions: ['eu-west-1'],
    });
    // Unset keys of a configured schedule keep the defaults.
    expect(config.schedules.images).toEqual({
      frequency: { hours: 1 },
      timeout: { minutes: 25 },
      initialDelay: { seconds: 5 },
    });
    expect(config.pullErrors.retention).toEqual({ days: 30 });
    expect(config.registries.endpoints).toEqual({
      'docker.io': 'http://127.0.0.1:4566/registries/docker.io',
    });
    expect(config.registries.credentials).toEqual({
      'ghcr.io': { token: 't0ken' },
      'docker.io': { username: 'me', password: 'pw' },
    });
  });

  it('reads the registry request timeout and the inspection deadline as milliseconds', () => {
    const { registries } = readReadinessConfig(
      new ConfigReader({
        ecsDeployReadiness: {
          registries: {
            requestTimeout: { seconds: 4 },
            inspectionDeadline: 'PT1M30S',
          },
        },
      }),
    );
    expect(registries).toMatchObject({
      requestTimeoutMs: 4000,
      inspectionDeadlineMs: 90_000,
    });
    expect(() =>
      readReadinessConfig(
        new ConfigReader({
          ecsDeployReadiness: { registries: { requestTimeout: 'PT0S' } },
        }),
      ),
    ).toThrow(/registries.requestTimeout: must be a positive duration/);
  });

  it('reads the API limits, zero turning them off, and refuses negative ones', () => {
    const config = readReadinessConfig(
      new ConfigReader({
        ecsDeployReadiness: {
          api: { manualAuditInterval: { minutes: 5 }, visibilityCache: 'PT0S' },
        },
      }),
    );
    expect(config.api).toEqual({
      manualAuditIntervalMs: 300_000,
      visibilityCacheMs: 0,
    });
    expect(() =>
      readReadinessConfig(
        new ConfigReader({
          ecsDeployReadiness: { api: { manualAuditInterval: { seconds: -1 } } },
        }),
      ),
    ).toThrow(
      'Invalid config at ecsDeployReadiness.api.manualAuditInterval: must be a positive duration or zero',
    );
  });

  it('refuses incomplete credentials without repeating their values', () => {
    expect(() =>
      readReadinessConfig(
        new ConfigReader({
          ecsDeployReadiness: {
            registries: {
              credentials: { 'ghcr.io': { username: 'secret-user' } },
            },
          },
        }),
      ),
    ).toThrow(
      /credentials\["ghcr.io"\] needs a token, or a username and a password$/,
    );
  });
});
