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
import { gunzipSync } from 'zlib';
import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { buildWorld } from './buildWorld';
import { parseScenarioYaml } from './load';
import { ScenarioError } from './read';
import { ScenarioDocument } from './types';

const NOW = new Date('2025-03-01T12:00:00Z');

function minimal(extra: Partial<ScenarioDocument> = {}): ScenarioDocument {
  return {
    accounts: [{ id: '123456789012' }],
    regions: ['eu-west-1'],
    images: { app: { layers: 2 }, next: { layers: 1 } },
    ecr: [{ name: 'app', images: [{ image: 'app', tags: ['v1'] }] }],
    taskDefinitions: [
      {
        family: 'web',
        revision: 1,
        containers: [{ name: 'app', image: 'app:v1' }],
      },
    ],
    clusters: [
      {
        name: 'c',
        services: [{ name: 's', deployments: [{ taskDefinition: 'web:1' }] }],
      },
    ],
    ...extra,
  };
}

function errorOf(document: unknown): string {
  try {
    buildWorld(document, NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

const sha256 = (data: Buffer) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('scenario errors name the place', () => {
  it.each([
    [
      { ...minimal(), accounts: [] },
      'accounts: at least one account is needed',
    ],
    [
      { ...minimal(), accounts: [{ id: '12' }] },
      "accounts[0].id: '12' is not a 12-digit account id",
    ],
    [
      { ...minimal(), regions: ['mars'] },
      "regions[0]: 'mars' is not a region like eu-west-1",
    ],
    [
      minimal({
        clusters: [
          {
            name: 'c',
            services: [
              { name: 's', deployments: [{ taskDefinition: 'web:9' }] },
            ],
          },
        ],
      }),
      'clusters[0].services[0].deployments[0].taskDefinition: no task definition web:9 in 123456789012/eu-west-1 (write family:revision)',
    ],
    [
      minimal({ ecr: [{ name: 'app', images: [{ image: 'nope' }] }] }),
      "ecr[0].images[0].image: unknown image 'nope' (not in images:)",
    ],
    [
      minimal({
        ecr: [
          {
            name: 'app',
            images: [
              { image: 'app', tags: ['v1'] },
              { image: 'next', tags: ['v1'] },
            ],
          },
        ],
      }),
      "ecr[0].images[1].tags: tag 'v1' is already on sha256:",
    ],
    [
      minimal({
        clusters: [
          {
            name: 'c',
            services: [
              {
                name: 's',
                createdAt: 'yesterday',
                deployments: [{ taskDefinition: 'web:1' }],
              },
            ],
          },
        ],
      }),
      "clusters[0].services[0].createdAt: 'yesterday' is neither a relative time (-2h) nor an ISO 8601 date",
    ],
    [
      minimal({
        taskDefinitions: [
          {
            family: 'web',
            revision: 1,
            containers: [{ name: 'app', image: 'app:v2' }],
          },
        ],
      }),
      'clusters[0].services[0].deployments[0]: has running tasks but 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v2 (container app) does not resolve in the scenario; push it or set resolvedImages',
    ],
    [
      minimal({ images: { app: { platforms: ['amd64'] } } }),
      "images.app.platforms[0]: 'amd64' is not a platform like linux/amd64 or linux/arm64/v8",
    ],
    [
      minimal({
        clusters: [
          {
            name: 'c',
            services: [
              {
                name: 's',
                deployments: [{ taskDefinition: 'web:1', status: 'ACTIVE' }],
              },
            ],
          },
        ],
      }),
      'clusters[0].services[0].deployments: exactly one deployment must be PRIMARY',
    ],
  ])('reports %#: the message names the path', (document, message) => {
    expect(errorOf(document)).toContain(message);
  });

  it('reports invalid YAML as a ScenarioError', () => {
    expect(() => parseScenarioYaml('a: [', 'demo.yaml')).toThrow(
      /^demo.yaml: invalid YAML/,
    );
  });
});

describe('references and placeholders', () => {
  it('expands bare ECR names and @digest-of, and resolves tags to what they point at now', () => {
    const world = buildWorld(
      minimal({
        taskDefinitions: [
          {
            family: 'web',
            revision: 1,
            containers: [
              { name: 'app', image: 'app:v1@digest-of:app' },
              { name: 'hub', image: 'nginx:1.27' },
            ],
          },
        ],
        registries: [
          {
            host: 'registry-1.docker.io',
            repositories: [
              {
                name: 'library/nginx',
                images: [{ image: 'next', tags: ['1.27'] }],
              },
            ],
          },
        ],
      }),
      NOW,
    );
    const digest = world.images.get('app')!.manifest.digest;
    const td = world.ecs
      .get('123456789012/eu-west-1')!
      .taskDefinitions.get('web:1')!;
    expect(td.containers.map(c => c.image)).toEqual([
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1@${digest}`,
      'nginx:1.27',
    ]);
    const service = world.ecs
      .get('123456789012/eu-west-1')!
      .clusters.get('c')!
      .services.get('s')!;
    expect(
      service.deployments[0].revision.containerImages.map(c => c.imageDigest),
    ).toEqual([digest, world.images.get('next')!.manifest.digest]);
    expect(world.registries.has('docker.io')).toBe(true);
  });

  it('fills placeholders in stop reasons and events, and takes times from now', () => {
    const world = buildWorld(
      minimal({
        clusters: [
          {
            name: 'c',
            services: [
              {
                name: 's',
                deployments: [
                  {
                    taskDefinition: 'web:1',
                    createdAt: '-1d2h',
                    resolvedImages: { app: 'next' },
                  },
                ],
                stoppedTasks: [
                  {
                    at: '-10m',
                    count: 2,
                    every: '90s',
                    stopCode: 'TaskFailedToStart',
                    stoppedReason:
                      'CannotPullContainerError: {image-name}@{digest} in {cluster}/{service} ({deployment}), layer {layer-digest-of:next:0}, {imageId:x}',
                  },
                ],
                events: [
                  {
                    at: '2025-03-01T11:00:00Z',
                    message:
                      '(service {service}) has started 1 tasks: (task {task}).',
                  },
                ],
              },
            ],
          },
        ],
      }),
      NOW,
    );
    const cluster = world.ecs.get('123456789012/eu-west-1')!.clusters.get('c')!;
    const service = cluster.services.get('s')!;
    const next = world.images.get('next')!.manifest;
    expect(service.deployments[0].createdAt).toEqual(
      new Date('2025-02-28T10:00:00Z'),
    );
    const stopped = cluster.tasks.filter(t => t.lastStatus === 'STOPPED');
    expect(stopped.map(t => t.stoppedAt!.toISOString()).sort()).toEqual([
      '2025-03-01T11:48:30.000Z',
      '2025-03-01T11:50:00.000Z',
    ]);
    expect(stopped[0].stoppedReason).toBe(
      `CannotPullContainerError: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@${next.digest} in c/s (${service.deployments[0].id}), layer ${next.json.layers[0].digest}, {imageId:x}`,
    );
    // A CannotPull reason goes to the essential container, which has no digest since it never started.
    expect(stopped[0].containers[0]).toMatchObject({
      reason: stopped[0].stoppedReason,
      lastStatus: 'STOPPED',
    });
    expect(stopped[0].containers[0].imageDigest).toBeUndefined();
    expect(
      service.events.find(e => e.message.includes('started'))!.message,
    ).toMatch(/^\(service s\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/);
  });

  it('is deterministic: the same scenario gives the same ARNs, ids and digests', () => {
    const a = buildWorld(minimal(), NOW);
    const b = buildWorld(minimal(), NOW);
    const tasks = (w: typeof a) =>
      w.ecs
        .get('123456789012/eu-west-1')!
        .clusters.get('c')!
        .tasks.map(t => t.arn);
    expect(tasks(a)).toEqual(tasks(b));
    expect(a.images.get('app')!.manifest.digest).toBe(
      b.images.get('app')!.manifest.digest,
    );
  });
});

describe('images', () => {
  function imagesOf(images: ScenarioDocument['images']) {
    return buildWorld(
      minimal({
        images: { app: { layers: 1 }, next: { layers: 1 }, ...images },
      }),
      NOW,
    ).images;
  }

  it('builds real layers whose diff_ids match, unless told to lie', () => {
    const images = imagesOf({
      honest: { layers: 3 },
      liar: { layers: 3, extraDiffIds: 12 },
    });
    for (const [name, expected] of [
      ['honest', 3],
      ['liar', 15],
    ] as const) {
      const artifact = images.get(name)!;
      const config = JSON.parse(artifact.blobs[0].data.toString());
      expect(config.rootfs.diff_ids).toHaveLength(expected);
      const layer = artifact.blobs.find(
        b => b.digest === artifact.manifest.json.layers[0].digest,
      )!;
      expect(config.rootfs.diff_ids[0]).toBe(sha256(gunzipSync(layer.data)));
    }
  });

  it('builds indexes, manifest lists, attestations, empty images, artifacts, schema 1 and raw bytes', () => {
    const images = imagesOf({
      oci: { platforms: ['linux/amd64', 'linux/arm64/v8'], provenance: true },
      list: {
        platforms: ['linux/amd64'],
        index: 'docker',
        mediaTypes: 'docker',
      },
      att: { kind: 'attestation', of: 'oci' },
      empty: { kind: 'empty' },
      sig: {
        kind: 'artifact',
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        subject: 'app',
        blobs: [
          {
            mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
            content: '{}',
          },
        ],
      },
      old: { kind: 'schema1', layers: 2 },
      win: { platforms: ['windows/amd64'], osVersion: '10.0.20348.2227' },
      broken: {
        kind: 'raw',
        mediaType: MEDIA_TYPES.ociManifest,
        body: '{"schemaVersion": 2, "layers": [',
      },
    });
    const oci = images.get('oci')!.manifest.json;
    expect(oci.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(oci.manifests.map((m: any) => m.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'unknown', architecture: 'unknown' },
      { os: 'unknown', architecture: 'unknown' },
    ]);
    expect(images.get('list')!.manifest.mediaType).toBe(
      MEDIA_TYPES.dockerManifestList,
    );
    expect(images.get('att')!.manifest.json.layers[0].mediaType).toBe(
      MEDIA_TYPES.inToto,
    );
    expect(images.get('empty')!.manifest.json.layers).toEqual([]);
    expect(images.get('sig')!.manifest.json.subject.digest).toBe(
      images.get('app')!.manifest.digest,
    );
    expect(images.get('old')!.manifest.json.schemaVersion).toBe(1);
    const win = JSON.parse(images.get('win')!.blobs[0].data.toString());
    expect(win).toMatchObject({
      os: 'windows',
      'os.version': '10.0.20348.2227',
    });
    expect(images.get('broken')!.manifest.data.toString()).toBe(
      '{"schemaVersion": 2, "layers": [',
    );
  });

  it('shares one build between every repository that holds an image', () => {
    const world = buildWorld(
      minimal({
        ecr: [
          { name: 'app', images: [{ image: 'app', tags: ['v1'] }] },
          { name: 'copy', images: [{ image: 'app', tags: ['v1'] }] },
        ],
      }),
      NOW,
    );
    const repos = world.ecr.get('123456789012/eu-west-1')!;
    expect(repos.get('app')!.content.resolve('v1')!.manifest).toBe(
      repos.get('copy')!.content.resolve('v1')!.manifest,
    );
  });
});
