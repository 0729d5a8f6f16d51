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

import { createHash } from 'crypto';
import {
  ScenarioCluster,
  ScenarioDocument,
  ScenarioEcrRepository,
  ScenarioImageSpec,
  ScenarioRegistry,
  ScenarioService,
  ScenarioTaskDefinition,
} from './scenario/types';

/**
 * Size and seed of a generated scenario.
 *
 * @public
 */
export interface GenerateOptions {
  services: number;
  accounts: number;
  regions: number;
  /** Size of the shared image pool; services reuse these images. */
  images: number;
  /** Same seed, same scenario. */
  seed?: number | string;
  /**
   * The desired count of every service (default: 1 to 3, drawn from the seed). Healthy services
   * run that many tasks; a service whose rollout failed runs none and shows its stopped tasks.
   * The rest of the scenario is the same for a seed whatever this is.
   */
  tasksPerService?: number;
}

const REGIONS = [
  'eu-west-1',
  'us-east-1',
  'us-west-2',
  'eu-central-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-north-1',
  'ca-central-1',
  'sa-east-1',
  'ap-south-1',
];

/** Services per cluster. */
const CLUSTER_SIZE = 50;

/** A small deterministic PRNG (mulberry32). */
function random(seed: number | string): () => number {
  let state = createHash('sha256')
    .update(String(seed))
    .digest()
    .readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Kinds of images in the pool, and what a service using one shows. */
type ImageKind =
  | 'healthy'
  | 'multiarch'
  | 'docker-v2'
  | 'arm64-only'
  | 'mixed-compression'
  | 'attestation'
  | 'empty'
  | 'zstd-docker';

const BROKEN_KINDS: ImageKind[] = [
  'arm64-only',
  'mixed-compression',
  'attestation',
  'empty',
  'zstd-docker',
];
const HEALTHY_KINDS: ImageKind[] = ['healthy', 'multiarch', 'docker-v2'];

function imageSpec(
  kind: ImageKind,
  name: string,
  pool: string[],
): ScenarioImageSpec {
  switch (kind) {
    case 'multiarch':
      return {
        platforms: ['linux/amd64', 'linux/arm64'],
        provenance: true,
        layers: 2,
      };
    case 'docker-v2':
      return { mediaTypes: 'docker', layers: 3 };
    case 'arm64-only':
      return { platforms: ['linux/arm64'], provenance: true, layers: 2 };
    case 'mixed-compression':
      return { layers: ['gzip', 'gzip', 'gzip', 'zstd', 'zstd'] };
    case 'attestation':
      return { kind: 'attestation', of: pool.find(p => p !== name) ?? name };
    case 'empty':
      return { kind: 'empty' };
    case 'zstd-docker':
      return {
        mediaTypes: 'docker',
        layers: [
          'gzip',
          {
            compression: 'zstd',
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
          },
        ],
      };
    default:
      return { layers: 2 };
  }
}

type Story =
  | 'healthy-pinned'
  | 'healthy-tag'
  | 'mutable-tag'
  | 'platform'
  | 'mixed'
  | 'moved-tag'
  | 'attestation'
  | 'empty'
  | 'zstd-docker'
  | 'dockerhub'
  | 'tag-missing';

/** The mix of services: mostly healthy, with every failure mode represented. */
const STORY_WEIGHTS: Array<[Story, number]> = [
  ['healthy-pinned', 25],
  ['healthy-tag', 30],
  ['mutable-tag', 14],
  ['platform', 5],
  ['mixed', 5],
  ['moved-tag', 5],
  ['attestation', 3],
  ['empty', 2],
  ['zstd-docker', 2],
  ['dockerhub', 6],
  ['tag-missing', 3],
];

const STORY_IMAGE: Partial<Record<Story, ImageKind>> = {
  platform: 'arm64-only',
  mixed: 'mixed-compression',
  attestation: 'attestation',
  empty: 'empty',
  'zstd-docker': 'zstd-docker',
};

const PULL_RETRIED =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s)';

/** Stop reasons, worded as ECS reports them. */
const STOP_REASONS: Partial<Record<Story, string>> = {
  platform: `CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'`,
  mixed: `CannotPullContainerError: ref pull has been retried 1 time(s): number of layers and diffIDs don't match: 2 != 5`,
  'moved-tag': `${PULL_RETRIED}: failed to resolve ref {image}@{digest}: {image}@{digest}: not found`,
  empty: `CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": stat /app/server: no such file or directory: unknown`,
  'zstd-docker': `CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer {layer}: mismatched image rootfs and manifest layers`,
  dockerhub: `${PULL_RETRIED}: failed to resolve ref docker.io/{repo}:{tag}: unexpected status from HEAD request to https://registry-1.docker.io/v2/{repo}/manifests/{tag}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`,
  'tag-missing': `${PULL_RETRIED}: failed to resolve ref {image}: {image}: not found`,
};

const ATTESTATION_REASON =
  'CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer {layer}: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type: unknown';

/**
 * Generates a large scenario for benchmarks: `services` services spread over accounts, regions
 * and clusters, sharing a pool of `images` images, with a realistic mix of healthy and broken
 * services and the stop reasons each failure produces. Deterministic for a given seed.
 *
 * @public
 */
export function generateScenario(options: GenerateOptions): ScenarioDocument {
  const { services, accounts, regions, images } = options;
  for (const [name, value, min] of [
    ['services', services, 0],
    ['accounts', accounts, 1],
    ['regions', regions, 1],
    ['images', images, 1],
    ['tasksPerService', options.tasksPerService ?? 1, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new Error(`${name} must be a whole number ≥ ${min}`);
  }
  if (regions > REGIONS.length)
    throw new Error(`regions must be at most ${REGIONS.length}`);
  const rand = random(options.seed ?? 1);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const weighted = (): Story => {
    const total = STORY_WEIGHTS.reduce((n, [, w]) => n + w, 0);
    let r = rand() * total;
    for (const [story, w] of STORY_WEIGHTS) {
      r -= w;
      if (r < 0) return story;
    }
    return 'healthy-tag';
  };

  const accountIds = Array.from({ length: accounts }, (_, i) =>
    String(210000000000 + i * 1111),
  );
  const regionNames = REGIONS.slice(0, regions);

  // The image pool: healthy kinds first, then one of each broken kind, then a healthy mix.
  const kinds: ImageKind[] = [];
  for (let i = 0; i < images; i++) {
    if (i < HEALTHY_KINDS.length) kinds.push(HEALTHY_KINDS[i]);
    else if (i - HEALTHY_KINDS.length < BROKEN_KINDS.length)
      kinds.push(BROKEN_KINDS[i - HEALTHY_KINDS.length]);
    else kinds.push(rand() < 0.8 ? pick(HEALTHY_KINDS) : pick(BROKEN_KINDS));
  }
  const poolNames = kinds.map((k, i) => `img-${i}-${k}`);
  const healthyNames = poolNames.filter(
    (_, i) => HEALTHY_KINDS.includes(kinds[i]) && kinds[i] !== 'multiarch',
  );
  const imageSpecs: Record<string, ScenarioImageSpec> = {};
  kinds.forEach((k, i) => {
    imageSpecs[poolNames[i]] = imageSpec(
      k,
      poolNames[i],
      healthyNames.length ? healthyNames : poolNames,
    );
  });
  const byKind = (kind: ImageKind) =>
    poolNames.filter((_, i) => kinds[i] === kind);
  const healthy = poolNames.filter((_, i) => HEALTHY_KINDS.includes(kinds[i]));

  const ecr: ScenarioEcrRepository[] = [];
  const taskDefinitions: ScenarioTaskDefinition[] = [];
  const clusters = new Map<string, ScenarioCluster>();
  const dockerHub: ScenarioRegistry = {
    host: 'docker.io',
    anonymousPullLimit: 1000000,
    repositories: healthy.slice(0, 5).map(name => ({
      name: `library/${name}`,
      images: [{ image: name, tags: ['1.0', 'latest'] }],
    })),
  };

  for (let i = 0; i < services; i++) {
    const account = accountIds[i % accounts];
    const region = regionNames[Math.floor(i / accounts) % regions];
    const perSlot = Math.floor(i / (accounts * regions));
    const clusterName = `cluster-${Math.floor(perSlot / CLUSTER_SIZE)}`;
    const clusterKey = `${account}/${region}/${clusterName}`;
    let cluster = clusters.get(clusterKey);
    if (!cluster) {
      cluster = {
        name: clusterName,
        account,
        region,
        tags: { env: 'bench' },
        services: [],
      };
      clusters.set(clusterKey, cluster);
    }
    const name = `svc-${i}`;
    let story = weighted();
    const wanted = STORY_IMAGE[story];
    if (wanted && byKind(wanted).length === 0) story = 'healthy-tag';
    if (story === 'moved-tag' && healthy.length < 2) story = 'healthy-tag';
    if (story === 'dockerhub' && dockerHub.repositories!.length === 0)
      story = 'healthy-tag';
    const brokenKind = STORY_IMAGE[story];
    const image = brokenKind ? pick(byKind(brokenKind)) : pick(healthy);
    const repo: ScenarioEcrRepository = {
      name,
      account,
      region,
      tagMutability: story === 'healthy-tag' ? 'IMMUTABLE' : 'MUTABLE',
      images: [],
    };
    const revision = 1 + Math.floor(rand() * 40);
    let reference = `${name}:v${revision}`;
    const resolvedImages: Record<string, string> = {};
    let reasonVars: Record<string, string> = {};

    switch (story) {
      case 'healthy-pinned':
        repo.images!.push({ image, tags: [`v${revision}`] });
        reference = `${name}:v${revision}@digest-of:${image}`;
        break;
      case 'mutable-tag':
        repo.images!.push({ image, tags: ['latest'] });
        reference = `${name}:latest`;
        break;
      case 'moved-tag': {
        const old = pick(healthy);
        const current = healthy.find(h => h !== old)!;
        repo.images!.push(
          { image: old, deleted: true },
          { image: current, tags: ['latest'], pushedAt: '-1d' },
        );
        repo.lifecyclePolicy = {
          rules: [
            {
              rulePriority: 1,
              description: 'Expire untagged images after 1 day',
              selection: {
                tagStatus: 'untagged',
                countType: 'sinceImagePushed',
                countUnit: 'days',
                countNumber: 1,
              },
              action: { type: 'expire' },
            },
          ],
        };
        reference = `${name}:latest`;
        resolvedImages.app = old;
        break;
      }
      case 'dockerhub': {
        const hub = pick(dockerHub.repositories!);
        reference = `${hub.name.replace(/^library\//, '')}:1.0`;
        reasonVars = { repo: hub.name, tag: '1.0' };
        break;
      }
      case 'tag-missing':
        repo.images!.push({ image, tags: [`v${revision - 1}`] });
        break;
      default:
        repo.images!.push({ image, tags: [`v${revision}`] });
    }
    if (story !== 'dockerhub') ecr.push(repo);

    taskDefinitions.push({
      family: name,
      revision,
      account,
      region,
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      ...(rand() < 0.5
        ? {
            runtimePlatform: {
              cpuArchitecture: 'X86_64',
              operatingSystemFamily: 'LINUX',
            },
          }
        : {}),
      containers: [
        {
          name: 'app',
          image: reference,
          portMappings: [{ containerPort: 8080 }],
        },
      ],
    });

    // Drawn even when fixed, so that the rest of the scenario stays the same for a seed.
    const drawn = 1 + Math.floor(rand() * 3);
    const desired = options.tasksPerService ?? drawn;
    const failing = Boolean(STOP_REASONS[story]) || story === 'attestation';
    const service: ScenarioService = {
      name,
      desiredCount: desired,
      tags: { app: name, team: `team-${i % 17}` },
      deployments: [
        {
          taskDefinition: `${name}:${revision}`,
          status: 'PRIMARY',
          rolloutState:
            failing && story !== 'moved-tag' && story !== 'dockerhub'
              ? 'FAILED'
              : 'COMPLETED',
          createdAt: `-${1 + Math.floor(rand() * 20)}d`,
          runningCount:
            failing && !['moved-tag', 'dockerhub'].includes(story)
              ? 0
              : desired,
          failedTasks: failing ? 3 : 0,
          ...(Object.keys(resolvedImages).length ? { resolvedImages } : {}),
        },
      ],
    };
    if (failing) {
      let reason =
        story === 'attestation' ? ATTESTATION_REASON : STOP_REASONS[story]!;
      reason = reason.replace(
        /\{(repo|tag)\}/g,
        (_, k: string) => reasonVars[k],
      );
      const layerImage =
        story === 'attestation' || story === 'zstd-docker' ? image : undefined;
      if (layerImage)
        reason = reason.replace(
          '{layer}',
          `{layer-digest-of:${layerImage}:${story === 'zstd-docker' ? 1 : 0}}`,
        );
      service.stoppedTasks = [
        {
          at: `-${5 + Math.floor(rand() * 50)}m`,
          count: 3,
          every: '4m',
          stopCode: 'TaskFailedToStart',
          stoppedReason: reason,
        },
      ];
      service.events = [
        {
          at: '-3m',
          message:
            '(service {service}) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
        },
      ];
    }
    cluster.services!.push(service);
  }

  const deniedAccount = accounts >= 3 ? accountIds[accounts - 1] : undefined;
  return {
    description: `Generated: ${services} services, ${accounts} accounts, ${regions} regions, ${images} images (seed ${
      options.seed ?? 1
    }).`,
    accounts: accountIds.map((id, i) => ({
      id,
      name: `account-${i}`,
      accessKeyId: `AKIASANDBOX${String(i).padStart(9, '0')}`,
      ...(id === deniedAccount ? { denyAccess: true } : {}),
    })),
    regions: regionNames,
    images: imageSpecs,
    ecr,
    registries: [dockerHub],
    taskDefinitions,
    clusters: [...clusters.values()],
  };
}
