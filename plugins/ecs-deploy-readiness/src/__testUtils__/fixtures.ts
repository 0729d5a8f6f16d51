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

// Responses of the backend API for component tests, shaped as the backend builds them.

import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import {
  fixFor,
  type EntityReadiness,
  type PullErrorList,
  type ReadinessFinding,
  type ScorecardPage,
  type ScorecardRow,
  type ServiceReadiness,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { EcsDeployReadinessApi } from '../api';

export const NOW = new Date();
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const STOREFRONT_ARN =
  'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/storefront-web';
const STOREFRONT_IMAGE =
  '111111111111.dkr.ecr.eu-west-1.amazonaws.com/storefront-web:latest';

export function entity(
  name: string,
  annotations: Record<string, string> = {
    'aws.amazon.com/amazon-ecs-service-arn': STOREFRONT_ARN,
  },
  kind = 'Component',
  spec: JsonObject = { type: 'website', owner: 'team-web' },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec,
  };
}

export const platformFinding: ReadinessFinding = {
  id: 'platform-missing',
  severity: 'blocking',
  title: 'No linux/amd64 image in the index (it has linux/arm64)',
  evidence: {
    digest:
      'sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988',
    mediaType: 'application/vnd.oci.image.index.v1+json',
    platforms: ['linux/arm64'],
    attestationCount: 1,
    entryCount: 2,
    wanted: 'linux/amd64',
    osVersions: [],
  },
  fixKey: 'platform-missing',
  fixVars: { image: STOREFRONT_IMAGE, platform: 'linux/amd64' },
  image: STOREFRONT_IMAGE,
  container: 'web',
  fix: fixFor('platform-missing', {
    image: STOREFRONT_IMAGE,
    platform: 'linux/amd64',
  }),
  confirmedBy: {
    count: 14,
    firstAt: ago(2 * DAY),
    lastAt: ago(2 * HOUR),
    categories: ['platform-mismatch'],
  },
};

export const attestationFinding: ReadinessFinding = {
  id: 'attestation-in-index',
  severity: 'info',
  title:
    'The index carries 1 attestation manifest (platform unknown/unknown); ECS skips it, some older tools do not',
  evidence: { platforms: ['linux/arm64'], attestationCount: 1 },
  fixKey: 'attestation-in-index',
  fixVars: { image: STOREFRONT_IMAGE },
  image: STOREFRONT_IMAGE,
  container: 'web',
  fix: fixFor('attestation-in-index', { image: STOREFRONT_IMAGE }),
};

export const mutableTagFinding: ReadinessFinding = {
  id: 'mutable-tag-reference',
  severity: 'risk',
  title: 'The image is referenced by the mutable tag "latest" without a digest',
  evidence: {
    tag: 'latest',
    tagMutability: 'MUTABLE',
    versionConsistency: 'enabled',
  },
  fixKey: 'mutable-tag-reference',
  fixVars: { image: STOREFRONT_IMAGE },
  image: STOREFRONT_IMAGE,
  container: 'web',
  fix: fixFor('mutable-tag-reference', { image: STOREFRONT_IMAGE }),
};

export function service(
  overrides: Partial<ServiceReadiness> = {},
): ServiceReadiness {
  return {
    serviceArn: STOREFRONT_ARN,
    serviceName: 'storefront-web',
    clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/shop-prod',
    accountId: '111111111111',
    region: 'eu-west-1',
    status: 'blocked',
    platform: 'linux/amd64',
    platformSource: 'default',
    launchType: 'FARGATE',
    recentDeployments: [],
    gateDecisions: [],
    taskDefinitionArn:
      'arn:aws:ecs:eu-west-1:111111111111:task-definition/storefront-web:12',
    desiredCount: 2,
    runningCount: 0,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        rolloutState: 'FAILED',
        rolloutStateReason:
          'ECS deployment circuit breaker: tasks failed to start.',
        taskDefinitionArn:
          'arn:aws:ecs:eu-west-1:111111111111:task-definition/storefront-web:12',
        desiredCount: 2,
        runningCount: 0,
        pendingCount: 0,
        createdAt: ago(3 * HOUR),
      },
    ],
    containers: [
      {
        name: 'web',
        image: STOREFRONT_IMAGE,
        deployedDigest:
          'sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988',
        deployedDigests: [
          'sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988',
        ],
      },
    ],
    findings: [platformFinding, attestationFinding],
    counts: { blocking: 1, risk: 0, info: 1 },
    stale: false,
    staleErrors: [],
    updatedAt: ago(10 * MINUTE),
    statusSince: ago(2 * DAY),
    ...overrides,
  };
}

export function readiness(
  overrides: Partial<EntityReadiness> = {},
): EntityReadiness {
  return {
    entityRef: 'component:default/storefront-web',
    status: 'blocked',
    stale: false,
    staleErrors: [],
    lastAudited: ago(5 * MINUTE),
    updatedAt: ago(10 * MINUTE),
    statusSince: ago(2 * DAY),
    counts: { blocking: 1, risk: 0, info: 1 },
    serviceCounts: { blocked: 1 },
    findings: [],
    services: [service()],
    pullErrors: { last30Days: 14, lastAt: ago(2 * HOUR) },
    ...overrides,
  };
}

export const readyReadiness = readiness({
  entityRef: 'component:default/checkout-api',
  status: 'ready',
  counts: { blocking: 0, risk: 0, info: 0 },
  serviceCounts: { ready: 1 },
  pullErrors: { last30Days: 0 },
  services: [
    service({
      serviceArn:
        'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/checkout-api',
      serviceName: 'checkout-api',
      status: 'ready',
      runningCount: 2,
      deployments: [
        {
          id: 'ecs-svc/2',
          status: 'PRIMARY',
          rolloutState: 'COMPLETED',
          desiredCount: 2,
          runningCount: 2,
          createdAt: ago(4 * DAY),
        },
      ],
      containers: [
        {
          name: 'api',
          image:
            '111111111111.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:v41@sha256:aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44',
          deployedDigest:
            'sha256:aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44',
          deployedDigests: [
            'sha256:aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44',
          ],
        },
      ],
      findings: [],
      counts: { blocking: 0, risk: 0, info: 0 },
    }),
  ],
});

export const pullErrors: PullErrorList = {
  items: [
    {
      id: 7,
      occurredAt: ago(2 * HOUR),
      taskArn:
        'arn:aws:ecs:eu-west-1:111111111111:task/shop-prod/0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      container: 'web',
      serviceArn: STOREFRONT_ARN,
      accountId: '111111111111',
      region: 'eu-west-1',
      category: 'platform-mismatch',
      message:
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
      image: STOREFRONT_IMAGE,
      fixKey: 'platform-missing',
      fix: fixFor('platform-missing', { image: STOREFRONT_IMAGE }),
      classification: { platform: 'linux/amd64' },
      diagnosis: {
        decidedBy: 'evidence',
        confidence: 'high',
        statement:
          'When this task stopped, the audit found: No linux/amd64 image in the index (it has linux/arm64).',
        evidence: [
          {
            checkId: 'platform-missing',
            severity: 'blocking',
            title: 'No linux/amd64 image in the index (it has linux/arm64)',
          },
        ],
        ambiguousMessage: false,
      },
    },
  ],
  counts: [
    { day: ago(2 * DAY).slice(0, 10), category: 'platform-mismatch', count: 9 },
    { day: ago(0).slice(0, 10), category: 'platform-mismatch', count: 5 },
  ],
  since: ago(30 * DAY),
  until: ago(0),
};

export function scorecardRow(
  overrides: Partial<ScorecardRow> = {},
): ScorecardRow {
  return {
    entityRef: 'component:default/storefront-web',
    kind: 'component',
    namespace: 'default',
    name: 'storefront-web',
    owner: 'group:default/team-web',
    system: 'system:default/storefront',
    status: 'blocked',
    counts: { blocking: 1, risk: 0, info: 1 },
    failingChecks: ['platform-missing'],
    services: 1,
    lastPullFailure: ago(2 * HOUR),
    lastAudited: ago(5 * MINUTE),
    stale: false,
    statusSince: ago(2 * DAY),
    ...overrides,
  };
}

export const scorecardPage: ScorecardPage = {
  items: [
    scorecardRow(),
    scorecardRow({
      entityRef: 'component:default/checkout-api',
      name: 'checkout-api',
      owner: 'group:default/team-payments',
      status: 'ready',
      counts: { blocking: 0, risk: 0, info: 0 },
      lastPullFailure: undefined,
    }),
  ],
  totals: { blocked: 1, 'at-risk': 0, ready: 1, unknown: 0, total: 2 },
};

/** A mock of every method of the API; override what a test needs. */
export function mockApi(
  overrides: Partial<EcsDeployReadinessApi> = {},
): jest.Mocked<EcsDeployReadinessApi> {
  return {
    getHealth: jest.fn().mockResolvedValue({ status: 'ok' }),
    getEntityReadiness: jest.fn().mockResolvedValue(readiness()),
    getPullErrors: jest.fn().mockResolvedValue(pullErrors),
    startAudit: jest.fn(),
    getAuditRun: jest.fn(),
    getScorecard: jest.fn().mockResolvedValue(scorecardPage),
    getScorecardCsv: jest.fn().mockResolvedValue(new Blob(['entityRef\n'])),
    getScorecardTrend: jest.fn().mockResolvedValue({ days: [] }),
    getChecks: jest.fn().mockResolvedValue({ checks: [], categories: [] }),
    ...overrides,
  } as jest.Mocked<EcsDeployReadinessApi>;
}
