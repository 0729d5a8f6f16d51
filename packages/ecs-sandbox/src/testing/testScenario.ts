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

import { ScenarioDocument } from '../scenario/types';

/*
 * A compact scenario for the contract tests: sizes chosen to cross AWS page sizes and batch
 * limits (25 services > 10 per ListServices page; 150 running tasks > 100 per ListTasks page and
 * per DescribeTasks call; 130 images > 100 per DescribeImages page).
 */

export const MAIN = '123456789012';
export const OTHER = '210987654321';
export const DENIED = '999999999999';
export const MAIN_KEY = 'AKIATESTMAIN0000001';
export const OTHER_KEY = 'AKIATESTOTHER000001';
export const DENIED_KEY = 'AKIATESTDENIED00001';
export const PULL_FAILURE =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: {image}: not found';

export function testScenario(): ScenarioDocument {
  const bulk = Array.from({ length: 130 }, (_, i) => `bulk-${i}`);
  return {
    accounts: [
      { id: MAIN, accessKeyId: MAIN_KEY },
      { id: OTHER, accessKeyId: OTHER_KEY },
      { id: DENIED, accessKeyId: DENIED_KEY, denyAccess: true },
    ],
    regions: ['eu-west-1', 'us-east-1'],
    images: {
      'app-v1': { layers: ['gzip', 'zstd'] },
      'app-v2': { layers: 2 },
      'app-v0': { layers: 1 },
      multi: { platforms: ['linux/amd64', 'linux/arm64'], provenance: true },
      dlist: {
        platforms: ['linux/amd64', 'linux/arm64'],
        index: 'docker',
        mediaTypes: 'docker',
      },
      sbom: {
        kind: 'artifact',
        artifactType: 'application/spdx+json',
        blobs: [
          {
            mediaType: 'application/spdx+json',
            content: '{"spdxVersion":"SPDX-2.3"}',
          },
        ],
        subject: 'app-v2',
      },
      old: { layers: 1 },
      lost: { layers: 2 },
      ...Object.fromEntries(bulk.map(b => [b, { layers: 1 }])),
    },
    ecr: [
      {
        name: 'app',
        tagMutability: 'MUTABLE_WITH_EXCLUSION',
        exclusionFilters: ['release-*'],
        lifecyclePolicy: {
          rules: [
            {
              rulePriority: 1,
              selection: {
                tagStatus: 'untagged',
                countType: 'sinceImagePushed',
                countUnit: 'days',
                countNumber: 1,
              },
              action: { type: 'expire' },
            },
          ],
        },
        images: [
          { image: 'app-v0', deleted: true },
          { image: 'app-v1', tags: ['v1'], pushedAt: '-3d' },
          {
            image: 'app-v2',
            tags: ['v2', 'latest'],
            pushedAt: '-1d',
            lastPulledAt: '-1h',
          },
          { image: 'multi', tags: ['multi'] },
          { image: 'sbom' },
          {
            image: 'old',
            tags: ['old'],
            status: 'ARCHIVED',
            pushedAt: '-400d',
          },
          { image: 'lost', tags: ['lost'], missingBlobs: ['layer:1'] },
        ],
      },
      {
        name: 'bulk',
        images: bulk.map((b, i) => ({ image: b, tags: [`t${i}`] })),
      },
      { name: 'dlist', images: [{ image: 'dlist', tags: ['1.0'] }] },
      {
        name: 'other-app',
        account: OTHER,
        images: [{ image: 'app-v1', tags: ['v1'] }],
      },
    ],
    registries: [
      {
        host: 'docker.io',
        missingRepositoryStatus: 401,
        users: [{ username: 'alice', password: 'wonderland' }],
        repositories: [
          {
            name: 'library/nginx',
            images: [{ image: 'multi', tags: ['1.27'] }],
          },
          {
            name: 'library/dlist',
            images: [{ image: 'dlist', tags: ['1.0'] }],
          },
          {
            name: 'acme/private',
            private: true,
            images: [{ image: 'app-v1', tags: ['v1'] }],
          },
        ],
      },
      {
        host: 'limited.example.com',
        anonymousPullLimit: 2,
        repositories: [
          { name: 'team/app', images: [{ image: 'app-v1', tags: ['v1'] }] },
        ],
      },
      {
        host: 'ghcr.io',
        repositories: [
          { name: 'org/tool', images: [{ image: 'app-v2', tags: ['2'] }] },
        ],
      },
    ],
    taskDefinitions: [
      {
        family: 'web',
        revision: 1,
        containers: [{ name: 'app', image: 'app:v1' }],
      },
      {
        family: 'web',
        revision: 2,
        runtimePlatform: {
          cpuArchitecture: 'X86_64',
          operatingSystemFamily: 'LINUX',
        },
        containers: [
          {
            name: 'app',
            image: 'app:v2',
            versionConsistency: 'enabled',
            portMappings: [{ containerPort: 8080 }],
          },
          { name: 'sidecar', image: 'nginx:1.27', essential: false },
        ],
      },
      {
        family: 'web',
        revision: 3,
        containers: [{ name: 'app', image: 'app:v3' }],
      },
      {
        family: 'ext',
        revision: 1,
        account: OTHER,
        containers: [{ name: 'app', image: 'other-app:v1' }],
      },
      {
        family: 'hidden',
        revision: 1,
        account: DENIED,
        containers: [{ name: 'app', image: 'nginx:1.27' }],
      },
      {
        family: 'east',
        revision: 1,
        region: 'us-east-1',
        containers: [{ name: 'app', image: 'nginx:1.27' }],
      },
    ],
    clusters: [
      {
        name: 'main',
        tags: { env: 'test' },
        services: [
          ...Array.from({ length: 25 }, (_, i) => ({
            name: `svc-${String(i).padStart(2, '0')}`,
            desiredCount: 6,
            tags: { app: `svc-${i}`, tier: i < 3 ? 'gold' : 'standard' },
            deployments: [{ taskDefinition: 'web:2' }],
          })),
          {
            name: 'broken',
            desiredCount: 1,
            tags: { app: 'broken' },
            deployments: [
              {
                taskDefinition: 'web:3',
                status: 'PRIMARY',
                rolloutState: 'IN_PROGRESS',
                createdAt: '-30m',
                runningCount: 0,
                failedTasks: 3,
              },
              {
                taskDefinition: 'web:2',
                status: 'ACTIVE',
                createdAt: '-2d',
                runningCount: 1,
              },
              { taskDefinition: 'web:1', status: 'INACTIVE', createdAt: '-9d' },
            ],
            stoppedTasks: [
              {
                at: '-2m',
                count: 3,
                every: '5m',
                stopCode: 'TaskFailedToStart',
                stoppedReason: PULL_FAILURE,
              },
            ],
            events: [
              {
                at: '-1m',
                message:
                  '(service {service}) (deployment {deployment}) is failing.',
              },
            ],
          },
        ],
      },
      {
        name: 'ext',
        account: OTHER,
        services: [{ name: 'ext', deployments: [{ taskDefinition: 'ext:1' }] }],
      },
      {
        name: 'secret',
        account: DENIED,
        services: [
          { name: 'hidden', deployments: [{ taskDefinition: 'hidden:1' }] },
        ],
      },
      {
        name: 'east',
        region: 'us-east-1',
        services: [
          { name: 'east', deployments: [{ taskDefinition: 'east:1' }] },
        ],
      },
    ],
  };
}
