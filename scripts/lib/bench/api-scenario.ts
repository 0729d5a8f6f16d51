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

// The scenario of `yarn bench:api` (scripts/lib/bench/api.mjs), shared by the backend process
// (api-backend.ts: the catalog's entity provider) and the seeder (api-seed.ts: the plugin's
// database), so that both see the same entities: made from a seed, nothing random elsewhere.
//
// N Components, one ECS service each (ARN annotation), spread over 2 accounts x 2 regions and
// 5 clusters per shard; owned by 100 groups (team-0..99), 90% of them part of one of 200
// systems; each service with a status (10% blocked, 25% at risk, 5% unverifiable, 60% ready),
// findings shaped as the engine makes them, and a weight for its share of the pull errors.

import type { Entity } from '@backstage/catalog-model';
import type { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

export const ACCOUNTS = ['111111111111', '222222222222'];
export const REGIONS = ['eu-west-1', 'us-east-1'];
export const TEAMS = 100;
export const SYSTEMS = 200;
export const CLUSTERS_PER_SHARD = 5;
/** Where the provider's entities say they come from. */
export const LOCATION = 'bench-api:entities';
export const ECS_SERVICE_ARN_ANNOTATION =
  'aws.amazon.com/amazon-ecs-service-arn';

export type ServiceStatus = 'blocked' | 'at-risk' | 'unverifiable' | 'ready';

/** The status mix, kept by the 30 days of history (a change draws from the same mix). */
export const STATUS_MIX: Array<[ServiceStatus, number]> = [
  ['blocked', 0.1],
  ['at-risk', 0.25],
  ['unverifiable', 0.05],
  ['ready', 0.6],
];

export interface ScenarioOptions {
  entities: number;
  seed: number;
}

export interface BenchService {
  index: number;
  /** The entity's and the service's name. */
  name: string;
  title: string;
  entityRef: string;
  owner: string;
  system?: string;
  accountId: string;
  region: string;
  cluster: string;
  clusterArn: string;
  serviceArn: string;
  image: string;
  /** A second image (a Docker Hub sidecar) on some services. */
  sidecarImage?: string;
}

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

export function drawStatus(rand: () => number): ServiceStatus {
  let x = rand();
  for (const [status, p] of STATUS_MIX) {
    if (x < p) return status;
    x -= p;
  }
  return 'ready';
}

const DOMAINS = [
  'payments',
  'checkout',
  'catalog',
  'search',
  'orders',
  'billing',
  'identity',
  'shipping',
  'inventory',
  'pricing',
  'reviews',
  'notifications',
  'ledger',
  'fraud',
  'media',
  'reporting',
];
const ROLES = ['api', 'worker', 'web', 'consumer', 'scheduler', 'gateway'];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The services (one per entity), in a fixed order. */
export function services(options: ScenarioOptions): BenchService[] {
  const rand = prng(options.seed);
  const width = Math.max(5, String(options.entities - 1).length);
  const out: BenchService[] = [];
  for (let i = 0; i < options.entities; i++) {
    const domain = pick(rand, DOMAINS);
    const role = pick(rand, ROLES);
    const name = `${domain}-${role}-${pad(i, width)}`;
    const accountId = ACCOUNTS[i % ACCOUNTS.length];
    const region = REGIONS[Math.floor(i / ACCOUNTS.length) % REGIONS.length];
    const cluster = `prod-${region}-${Math.floor(rand() * CLUSTERS_PER_SHARD)}`;
    const team = Math.floor(rand() * TEAMS);
    const system =
      rand() < 0.9
        ? `system:default/sys-${Math.floor(rand() * SYSTEMS)}`
        : undefined;
    const registry = `${accountId}.dkr.ecr.${region}.amazonaws.com`;
    out.push({
      index: i,
      name,
      title: `${domain[0].toUpperCase()}${domain.slice(1)} ${role} ${i}`,
      entityRef: `component:default/${name}`,
      owner: `group:default/team-${team}`,
      system,
      accountId,
      region,
      cluster,
      clusterArn: `arn:aws:ecs:${region}:${accountId}:cluster/${cluster}`,
      serviceArn: `arn:aws:ecs:${region}:${accountId}:service/${cluster}/${name}`,
      image: `${registry}/${name}:v${1 + Math.floor(rand() * 40)}`,
      sidecarImage:
        rand() < 0.2 ? 'docker.io/amazon/aws-for-fluent-bit:2.32.0' : undefined,
    });
  }
  return out;
}

/** The catalog: the Components, their groups and systems. */
export function catalogEntities(options: ScenarioOptions): Entity[] {
  const annotations = (extra: Record<string, string> = {}) => ({
    'backstage.io/managed-by-location': LOCATION,
    'backstage.io/managed-by-origin-location': LOCATION,
    ...extra,
  });
  const entities: Entity[] = [];
  for (let t = 0; t < TEAMS; t++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: `team-${t}`,
        namespace: 'default',
        title: `Team ${t}`,
        annotations: annotations(),
      },
      spec: { type: 'team', children: [] },
    });
  }
  for (let s = 0; s < SYSTEMS; s++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: `sys-${s}`,
        namespace: 'default',
        annotations: annotations(),
      },
      spec: { owner: `group:default/team-${s % TEAMS}` },
    });
  }
  for (const s of services(options)) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: s.name,
        namespace: 'default',
        title: s.title,
        annotations: annotations({
          [ECS_SERVICE_ARN_ANNOTATION]: s.serviceArn,
        }),
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: s.owner,
        ...(s.system && { system: s.system }),
      },
    });
  }
  return entities;
}

// ---------------------------------------------------------------------------------------------
// Reports, shaped as the audit writes them (serviceReportFrom, the engine's createFinding).

const hex = (rand: () => number, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
};

const digestOf = (rand: () => number) => `sha256:${hex(rand, 64)}`;

function varsOf(
  s: BenchService,
  image: string,
  extra: Record<string, string> = {},
) {
  const [ref, tag] = image.split(/:(?=[^/:]+$)/);
  const slash = ref.indexOf('/');
  return {
    image,
    registry: ref.slice(0, slash),
    repository: ref.slice(slash + 1),
    tag,
    platform: 'linux/amd64',
    launchType: 'FARGATE',
    ...(image.includes('.dkr.ecr.') && {
      accountId: s.accountId,
      region: s.region,
    }),
    ...extra,
  };
}

/** The blocking checks a blocked service fails, and the pull-error category they cause. */
export const BLOCKING = [
  { id: 'platform-missing', category: 'platform-mismatch' },
  { id: 'tag-not-found', category: 'manifest-unknown-tag' },
  {
    id: 'deployed-digest-missing',
    category: 'manifest-unknown-digest-deleted',
  },
  { id: 'mixed-layer-compression', category: 'mixed-compression' },
  { id: 'repository-not-found', category: 'repository-not-found' },
] as const;

export function findingsFor(
  s: BenchService,
  status: ServiceStatus,
  rand: () => number,
  blocking: (typeof BLOCKING)[number],
): Finding[] {
  const digest = digestOf(rand);
  const findings: Finding[] = [];
  const image = s.image;
  if (status === 'blocked') {
    switch (blocking.id) {
      case 'platform-missing':
        findings.push({
          id: 'platform-missing',
          severity: 'blocking',
          title: 'No linux/amd64 image in the index (it has linux/arm64)',
          evidence: {
            digest,
            mediaType: 'application/vnd.oci.image.index.v1+json',
            platforms: ['linux/arm64'],
            wanted: 'linux/amd64',
            osVersions: [],
          },
          fixKey: 'platform-missing',
          fixVars: varsOf(s, image, { digest }),
          image,
          container: 'app',
        } as Finding);
        break;
      case 'tag-not-found':
        findings.push({
          id: 'tag-not-found',
          severity: 'blocking',
          title: `The tag ${image.split(':').pop()} does not exist in ${
            image.split(':')[0]
          }`,
          evidence: {
            tag: image.split(':').pop(),
            httpStatus: 404,
            stage: 'manifest',
          },
          fixKey: 'tag-not-found',
          fixVars: varsOf(s, image),
          image,
          container: 'app',
        } as Finding);
        break;
      case 'deployed-digest-missing':
        findings.push({
          id: 'deployed-digest-missing',
          severity: 'blocking',
          title: `The digest ${digest.slice(
            0,
            19,
          )}… that the service runs no longer exists: new tasks cannot start`,
          evidence: { digest, deployedDigests: [digest], httpStatus: 404 },
          fixKey: 'deployed-digest-missing',
          fixVars: varsOf(s, image, { digest }),
          image,
          container: 'app',
        } as Finding);
        break;
      case 'mixed-layer-compression':
        findings.push({
          id: 'mixed-layer-compression',
          severity: 'blocking',
          title:
            'The image mixes gzip and zstd layers (2 of 7 zstd): Fargate cannot unpack it',
          evidence: {
            digest,
            compressions: { gzip: 5, zstd: 2 },
            layers: 7,
            zstdLayers: [digestOf(rand), digestOf(rand)],
          },
          fixKey: 'mixed-layer-compression',
          fixVars: varsOf(s, image, { digest }),
          image,
          container: 'app',
        } as Finding);
        break;
      default:
        findings.push({
          id: 'repository-not-found',
          severity: 'blocking',
          title: `The repository ${image
            .split(':')[0]
            .split('/')
            .slice(1)
            .join('/')} does not exist`,
          evidence: {
            httpStatus: 404,
            errorCode: 'RepositoryNotFoundException',
          },
          fixKey: 'repository-not-found',
          fixVars: varsOf(s, image),
          image,
          container: 'app',
        } as Finding);
    }
  }
  if (status === 'blocked' || status === 'at-risk') {
    const kind = rand();
    if (kind < 0.6 || status === 'blocked') {
      findings.push({
        id: 'mutable-tag-reference',
        severity: 'risk',
        title: `The image is referenced by the mutable tag ${image
          .split(':')
          .pop()}`,
        evidence: {
          tag: image.split(':').pop(),
          tagMutability: 'MUTABLE',
          pinnedReference: `${image}@${digest}`,
          versionConsistency: 'disabled',
        },
        fixKey: 'mutable-tag-reference',
        fixVars: varsOf(s, image, { pinnedReference: `${image}@${digest}` }),
        image,
        container: 'app',
      } as Finding);
    } else if (kind < 0.85) {
      findings.push({
        id: 'lifecycle-expires-in-use-image',
        severity: 'risk',
        title: `Lifecycle rule 2 ("keep 10 releases") will expire the referenced image ${digest.slice(
          0,
          19,
        )}… at its next run`,
        evidence: {
          digest,
          rulePriority: 2,
          countType: 'imageCountMoreThan',
          countNumber: 10,
          due: true,
        },
        fixKey: 'lifecycle-expires-in-use-image',
        fixVars: varsOf(s, image, { digest }),
        image,
        container: 'app',
      } as Finding);
    } else {
      const side = s.sidecarImage ?? 'docker.io/library/nginx:1.27';
      findings.push({
        id: 'dockerhub-unauthenticated',
        severity: 'risk',
        title:
          'Docker Hub is pulled anonymously: pulls are rate limited per IP',
        evidence: { registry: 'docker.io', repositoryCredentials: false },
        fixKey: 'dockerhub-unauthenticated',
        fixVars: varsOf(s, side),
        image: side,
        container: 'log-router',
      } as Finding);
    }
  }
  if (status === 'unverifiable') {
    findings.push({
      id: 'unverifiable',
      severity: 'risk',
      title:
        'The registry did not answer in time: the image could not be checked',
      evidence: { stage: 'manifest', errorKind: 'timeout', attempts: 3 },
      fixKey: 'unverifiable',
      fixVars: varsOf(s, image),
      image,
      container: 'app',
    } as Finding);
  }
  if (rand() < 0.3) {
    findings.push({
      id: 'attestation-in-index',
      severity: 'info',
      title:
        'The index lists 1 attestation manifest (unknown/unknown): ECS ignores it',
      evidence: { digest, attestations: 1 },
      fixKey: 'attestation-in-index',
      fixVars: varsOf(s, image, { digest }),
      image,
      container: 'app',
    } as Finding);
  }
  return findings;
}

/** `details` as serviceReportFrom writes them. */
export function detailsFor(
  s: BenchService,
  status: ServiceStatus,
  rand: () => number,
  at: string,
) {
  const revision = 1 + Math.floor(rand() * 200);
  const taskDefinitionArn = `arn:aws:ecs:${s.region}:${s.accountId}:task-definition/${s.name}:${revision}`;
  const desired = 2 + Math.floor(rand() * 4);
  const running = status === 'blocked' ? Math.floor(rand() * desired) : desired;
  const digest = digestOf(rand);
  const images = [
    {
      container: 'app',
      image: s.image,
      status: status === 'unverifiable' ? 'unverifiable' : status,
      resolvedDigest: digest,
      platformManifestDigest: digestOf(rand),
      deployedDigests: [digest],
    },
  ];
  if (s.sidecarImage) {
    const d = digestOf(rand);
    images.push({
      container: 'log-router',
      image: s.sidecarImage,
      status: 'ready',
      resolvedDigest: d,
      platformManifestDigest: digestOf(rand),
      deployedDigests: [d],
    });
  }
  return {
    serviceName: s.name,
    serviceStatus: 'ACTIVE',
    desiredCount: desired,
    runningCount: running,
    pendingCount: desired - running,
    launchType: 'FARGATE',
    taskDefinitionArn,
    platform: 'linux/amd64',
    platformSource: 'runtimePlatform',
    deployments: [
      {
        id: `ecs-svc/${Math.floor(rand() * 1e18)}`,
        status: 'PRIMARY',
        rolloutState: status === 'blocked' ? 'IN_PROGRESS' : 'COMPLETED',
        ...(status !== 'blocked' && {
          rolloutStateReason: 'ECS deployment ecs-svc/1 completed.',
        }),
        taskDefinitionArn,
        desiredCount: desired,
        runningCount: running,
        pendingCount: desired - running,
        createdAt: at,
        circuitBreaker: 'MONITORING',
      },
    ],
    images,
  };
}
