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
  buildArtifact,
  buildImage,
  buildMultiPlatformIndex,
} from 'ecs-sandbox/images';
import {
  MEDIA_TYPES,
  fixFor,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { RegistryError, RegistryClientProvider } from '../registry/types';
import { DocumentCache, InMemoryDocumentCache } from './documentCache';
import { FakeRegistryClient } from './__testUtils__/FakeRegistryClient';
import { ImageInspector } from './ImageInspector';
import { InvalidRequestError } from './types';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const NOW = new Date('2026-06-15T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const layer = (content: string, compression: 'gzip' | 'zstd' = 'gzip') => ({
  files: { [content]: content },
  compression,
});

function setup(...clients: FakeRegistryClient[]) {
  const byHost = new Map(clients.map(c => [c.registry, c]));
  const provider: RegistryClientProvider = {
    forReference: ref => {
      const client = byHost.get(ref.registry);
      if (!client) throw new Error(`no client for ${ref.registry}`);
      return client;
    },
  };
  return ImageInspector.create({
    registryClientProvider: provider,
    concurrency: 4,
    clock: { now: () => NOW },
  });
}

function multiArch(architectures: string[], provenance = true) {
  return buildMultiPlatformIndex(
    architectures.map(architecture => ({
      platform: { os: 'linux', architecture },
      image: buildImage({
        platform: { os: 'linux', architecture },
        layers: [layer(architecture)],
      }),
    })),
    { provenance },
  );
}

const summary = (findings: Array<{ id: string; severity: string }>) =>
  findings.map(f => `${f.id}:${f.severity}`);

describe('ImageInspector.inspectImage', () => {
  it('walks index → platform manifest → config and reports a multi-arch image with attestations', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const index = multiArch(['amd64', 'arm64']);
    registry.push('team/app', index, '1.0');
    const inspector = setup(registry);

    const result = await inspector.inspectImage({
      image: 'registry.example.com/team/app:1.0',
    });

    expect(result.status).toBe('at-risk');
    expect(result.resolvedDigest).toBe(index.manifest.digest);
    expect(result.platformManifestDigest).toBe(
      index.children[0].manifest.digest,
    );
    expect(result.pinnedReference).toBe(
      `registry.example.com/team/app:1.0@${index.manifest.digest}`,
    );
    expect(summary(result.findings)).toEqual([
      'mutable-tag-reference:risk',
      'attestation-in-index:info',
    ]);
    expect(result.findings[0].title).toMatch(/cannot make tags immutable/);
    expect(
      JSON.stringify(
        fixFor(result.findings[0].fixKey, result.findings[0].fixVars),
      ),
    ).toContain(result.pinnedReference);
    expect(
      result.findings.every(
        f => f.image === 'registry.example.com/team/app:1.0',
      ),
    ).toBe(true);
    expect(result.facts.index).toMatchObject({
      platforms: ['linux/amd64', 'linux/arm64'],
      attestationCount: 2,
    });
    expect(result.facts.manifest).toMatchObject({
      layerCount: 1,
      diffIdCount: 1,
      isImage: true,
    });
  });

  it('is ready for a digest reference in a registry with nothing to say', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const digest = registry.push('app', multiArch(['amd64'], false));
    const result = await setup(registry).inspectImage({
      image: `registry.example.com/app@${digest}`,
    });
    expect(result).toMatchObject({
      status: 'ready',
      findings: [],
      resolvedDigest: digest,
    });
  });

  it('blocks when the index lacks the task platform', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    registry.push('app', multiArch(['arm64']), 'latest');
    const result = await setup(registry).inspectImage({
      image: 'registry.example.com/app',
      platform: 'linux/amd64',
    });
    expect(result.status).toBe('blocked');
    expect(result.findings[0]).toMatchObject({
      id: 'platform-missing',
      evidence: { platforms: ['linux/arm64'], wanted: 'linux/amd64' },
    });
    expect(result.platformManifestDigest).toBeUndefined();
  });

  it('reports a blob deleted after the push as missing-blob', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const image = buildImage({ layers: [layer('a'), layer('b')] });
    const digest = registry.push('app', image);
    registry.deleteBlob('app', image.blobs[2].digest);
    const result = await setup(registry).inspectImage({
      image: `registry.example.com/app@${digest}`,
    });
    expect(result.status).toBe('blocked');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      id: 'missing-blob',
      evidence: { missing: [image.blobs[2].digest] },
    });
  });

  it('reports a missing platform manifest of an index as platform-manifest-missing', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const index = multiArch(['amd64'], false);
    const digest = registry.push('app', index);
    registry.deleteManifest('app', index.children[0].manifest.digest);
    const result = await setup(registry).inspectImage({
      image: `registry.example.com/app@${digest}`,
    });
    expect(summary(result.findings)).toEqual([
      'platform-manifest-missing:blocking',
    ]);
  });

  it('turns registry answers into findings: unknown tag, unknown repository', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    registry.push('app', multiArch(['amd64']), 'v1');
    const inspector = setup(registry);
    const tag = await inspector.inspectImage({
      image: 'registry.example.com/app:v2',
    });
    expect(summary(tag.findings)).toEqual(['tag-not-found:blocking']);
    expect(tag.findings[0].title).toBe(
      'Tag "v2" not found in registry.example.com/app',
    );
    const repo = await inspector.inspectImage({
      image: 'registry.example.com/nope:v1',
    });
    expect(summary(repo.findings)).toEqual(['repository-not-found:blocking']);
  });

  it.each<[string, Error, RegExp]>([
    [
      'a timeout',
      new RegistryError('timeout', 'timed out after 10s'),
      /did not answer in time/,
    ],
    [
      'a denial',
      new RegistryError('denied', 'denied: not authorized', {
        httpStatus: 403,
      }),
      /access denied/,
    ],
    [
      'a rate limit',
      new RegistryError('rate-limited', 'toomanyrequests', {
        httpStatus: 429,
      }),
      /rate-limited/,
    ],
    ['an unexpected bug', new TypeError('boom'), /boom/],
  ])(
    'says why it could not verify after %s, and never says ready',
    async (_name, error, reason) => {
      const registry = new FakeRegistryClient('registry.example.com');
      registry.push('app', multiArch(['amd64']), 'v1');
      registry.failures.set('getManifest', error);
      const result = await setup(registry).inspectImage({
        image: 'registry.example.com/app:v1',
        // With credentials of its own, a refusal may be the auditor's, not the task's.
        hasRepositoryCredentials: true,
      });
      expect(result.status).toBe('unverifiable');
      expect(summary(result.findings)).toEqual(['unverifiable:risk']);
      expect(result.findings[0].title).toMatch(reason);
      expect(result.findings[0].evidence).toMatchObject({ stage: 'manifest' });
    },
  );

  it.each([
    ['unauthorized', 401],
    ['denied', 403],
  ] as const)(
    'blocks a non-ECR image its registry refuses (%s) to a container without repositoryCredentials, read without credentials',
    async (kind, httpStatus) => {
      const registry = new FakeRegistryClient('registry.example.com');
      registry.push('app', multiArch(['amd64']), 'v1');
      registry.failures.set(
        'getManifest',
        new RegistryError(kind, 'authentication required', { httpStatus }),
      );
      const asked: Array<boolean | undefined> = [];
      const inspector = ImageInspector.create({
        registryClientProvider: {
          forReference: (_ref, options) => {
            asked.push(options?.anonymous);
            return registry;
          },
        },
      });
      const result = await inspector.inspectImage({
        image: 'registry.example.com/app:v1',
      });
      expect(asked).toEqual([true]);
      expect(result.status).toBe('blocked');
      expect(summary(result.findings)).toEqual([
        'registry-auth-required:blocking',
      ]);
      expect(result.findings[0].evidence).toMatchObject({
        errorKind: kind,
        withoutCredentials: true,
      });
    },
  );

  it('reports an invalid reference without calling any registry', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const result = await setup(registry).inspectImage({
      image: 'Registry.example.com/App:v1 ',
    });
    expect(result.status).toBe('blocked');
    expect(summary(result.findings)).toEqual(['invalid-reference:blocking']);
    expect(registry.calls.getManifest).toBe(0);
  });

  it('says why when no client can be made for the registry', async () => {
    const result = await setup().inspectImage({
      image: 'elsewhere.example.com/app:v1',
    });
    expect(result.status).toBe('unverifiable');
    expect(result.findings[0].title).toMatch(
      /no client for elsewhere.example.com/,
    );
  });

  it('flags Docker Hub without credentials, and not with them', async () => {
    const hub = new FakeRegistryClient('docker.io');
    hub.push('library/nginx', multiArch(['amd64'], false), '1.27');
    const inspector = setup(hub);
    const anonymous = await inspector.inspectImage({ image: 'nginx:1.27' });
    expect(summary(anonymous.findings)).toEqual([
      'dockerhub-unauthenticated:risk',
      'mutable-tag-reference:risk',
    ]);
    const authenticated = await inspector.inspectImage({
      image: 'nginx:1.27',
      hasRepositoryCredentials: true,
    });
    expect(summary(authenticated.findings)).toEqual([
      'mutable-tag-reference:risk',
    ]);
  });

  describe('deduplication and limits', () => {
    it('inspects the same image and platform once for many concurrent requests', async () => {
      const registry = new FakeRegistryClient('registry.example.com');
      registry.latency = 5;
      registry.push('app', multiArch(['amd64', 'arm64']), 'v1');
      const inspector = setup(registry);
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          inspector.inspectImage({
            image: 'registry.example.com/app:v1',
            platform: 'linux/amd64',
          }),
        ),
      );
      expect(new Set(results.map(r => r.resolvedDigest)).size).toBe(1);
      // index + platform manifest; one existence check; one config.
      expect(registry.calls.getManifest).toBe(2);
      expect(registry.calls.blobsExist).toBe(1);
      expect(registry.calls.getBlob).toBe(1);

      // Another platform: the tag's digest is known in this audit, so only the arm64 manifest
      // is fetched.
      await inspector.inspectImage({
        image: 'registry.example.com/app:v1',
        platform: 'linux/arm64',
      });
      expect(registry.calls.getManifest).toBe(3);
    });

    it('keeps registry calls under the concurrency limit', async () => {
      const registry = new FakeRegistryClient('registry.example.com');
      registry.latency = 5;
      for (let i = 0; i < 20; i++) {
        registry.push('app', buildImage({ layers: [layer(`l${i}`)] }), `v${i}`);
      }
      const inspector = setup(registry);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          inspector.inspectImage({ image: `registry.example.com/app:v${i}` }),
        ),
      );
      expect(registry.calls.getManifest).toBe(20);
      expect(registry.maxInFlight).toBeLessThanOrEqual(4);
      expect(registry.maxInFlight).toBeGreaterThan(1);
    });

    it('reads documents from the document cache, and asks the registry whether a digest still exists', async () => {
      const registry = new FakeRegistryClient('registry.example.com');
      const index = multiArch(['amd64'], false);
      registry.push('app', index, 'v1');
      const cache = new InMemoryDocumentCache();
      const make = () =>
        ImageInspector.create({
          registryClientProvider: { forReference: () => registry },
          documentCache: cache,
        });
      await make().inspectImage({ image: 'registry.example.com/app:v1' });
      expect(registry.calls.getManifest).toBe(2);
      expect(registry.calls.getBlob).toBe(1);

      // Another audit: the pinned index exists, so its content and its children come from cache.
      const pinned = `registry.example.com/app@${index.manifest.digest}`;
      const ready = await make().inspectImage({ image: pinned });
      expect(ready.status).toBe('ready');
      expect(registry.calls.manifestExists).toBe(1);
      expect(registry.calls.getManifest).toBe(2);
      expect(registry.calls.getBlob).toBe(1);

      // The image is deleted: the cache still holds it, the registry says it is gone.
      registry.deleteManifest('app', index.manifest.digest);
      const gone = await make().inspectImage({
        image: pinned,
        deployedDigests: [index.manifest.digest],
      });
      // Asked once in this audit, for the pinned reference and the deployed digest alike.
      expect(registry.calls.manifestExists).toBe(2);
      expect(registry.calls.getManifest).toBe(2);
      expect(summary(gone.findings)).toEqual([
        'digest-not-found:blocking',
        'deployed-digest-missing:blocking',
      ]);
      expect(gone.findings[0].title).toBe(
        `Digest ${index.manifest.digest.slice(
          0,
          19,
        )}… not found in registry.example.com/app`,
      );
    });

    it('treats a corrupt cache entry as a miss, and keeps working when the cache fails', async () => {
      const registry = new FakeRegistryClient('registry.example.com');
      const image = buildImage({ layers: [layer('a')] });
      const digest = registry.push('app', image, 'v1');
      const configDigest = image.manifest.json.config.digest;
      const cache = new InMemoryDocumentCache();
      await cache.set(digest, Buffer.from('{"schemaVersion":2}'));
      await cache.set(configDigest, Buffer.from('tampered'));
      const inspect = (documentCache: DocumentCache) =>
        ImageInspector.create({
          registryClientProvider: { forReference: () => registry },
          documentCache,
        }).inspectImage({ image: `registry.example.com/app@${digest}` });

      const result = await inspect(cache);
      expect(result).toMatchObject({ status: 'ready', findings: [] });
      expect(registry.calls.getManifest).toBe(1);
      expect(registry.calls.getBlob).toBe(1);
      expect((await cache.get(digest))?.equals(image.manifest.data)).toBe(true);

      const down = async () => {
        throw new Error('db down');
      };
      const broken = await inspect({ get: down, set: down });
      expect(broken).toMatchObject({ status: 'ready', findings: [] });
    });
  });

  describe('ECR extras', () => {
    function ecr(options: Parameters<FakeRegistryClient['asEcr']>[0] = {}) {
      const registry = new FakeRegistryClient(ECR).asEcr(options);
      return registry;
    }

    it('does not flag a tag the repository makes immutable', async () => {
      const registry = ecr({ repositoryInfo: { tagMutability: 'IMMUTABLE' } });
      registry.push('web', multiArch(['amd64'], false), '1.2.3');
      const result = await setup(registry).inspectImage({
        image: `${ECR}/web:1.2.3`,
      });
      expect(result.findings).toEqual([]);
      expect(result.facts.tagMutability).toMatchObject({
        mutable: false,
        mutability: 'IMMUTABLE',
      });
    });

    it('flags a tag excluded from immutability, with the pinned reference in the fix', async () => {
      const registry = ecr({
        repositoryInfo: {
          tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          exclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
        },
      });
      const digest = registry.push(
        'web',
        multiArch(['amd64'], false),
        'latest',
      );
      const result = await setup(registry).inspectImage({
        image: `${ECR}/web:latest`,
        versionConsistency: 'enabled',
      });
      expect(summary(result.findings)).toEqual(['mutable-tag-reference:risk']);
      expect(result.findings[0].evidence).toMatchObject({
        tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        matchedFilter: 'latest',
        pinnedReference: `${ECR}/web:latest@${digest}`,
      });
      expect(
        JSON.stringify(
          fixFor(result.findings[0].fixKey, result.findings[0].fixVars),
        ),
      ).toContain(`${ECR}/web:latest@${digest}`);
    });

    it('blocks on a deployed digest that was deleted or archived', async () => {
      const registry = ecr({ repositoryInfo: { tagMutability: 'IMMUTABLE' } });
      const current = registry.push('web', multiArch(['amd64'], false), 'v2');
      const archived = `sha256:${'a'.repeat(64)}`;
      const deleted = `sha256:${'d'.repeat(64)}`;
      registry.images = [
        {
          digest: current,
          tags: ['v2'],
          sizeInBytes: 1000,
          pushedAt: daysAgo(1),
        },
        {
          digest: archived,
          tags: [],
          status: 'ARCHIVED',
          pushedAt: daysAgo(100),
        },
      ];
      const result = await setup(registry).inspectImage({
        image: `${ECR}/web:v2`,
        deployedDigests: [current, archived, deleted],
      });
      expect(result.status).toBe('blocked');
      expect(
        result.findings.map(f => [f.id, f.evidence.digest, f.evidence.status]),
      ).toEqual([
        ['image-archived', archived, 'ARCHIVED'],
        ['deployed-digest-missing', deleted, undefined],
      ]);
      expect(result.findings[0].title).toMatch(/archived/);
      expect(result.findings[1].title).toMatch(/no longer exists/);
    });

    it.each([
      ['a tag', 'web:v1', 'ARCHIVED'],
      ['a pinned digest', `web@sha256:${'b'.repeat(64)}`, 'ACTIVATING'],
    ])(
      'asks DescribeImages when %s is not found: an archived or restoring image is image-archived, not missing',
      async (_name, path, status) => {
        const registry = ecr({
          repositoryInfo: { tagMutability: 'IMMUTABLE' },
        });
        registry.push('web', multiArch(['amd64'], false), 'other');
        const digest = `sha256:${'b'.repeat(64)}`;
        // BatchGetImage says only "not found" (ECR documents no code of its own for archives).
        registry.images = [
          { digest, tags: ['v1'], status, pushedAt: daysAgo(200) },
        ];
        const result = await setup(registry).inspectImage({
          image: `${ECR}/${path}`,
        });
        expect(summary(result.findings)).toEqual(['image-archived:blocking']);
        expect(result.findings[0].fixVars.digest).toBe(digest);
        const fix = fixFor(
          result.findings[0].fixKey,
          result.findings[0].fixVars,
        );
        expect(JSON.stringify(fix)).toContain(`imageDigest=${digest}`);
      },
    );

    it('keeps tag-not-found for a tag DescribeImages does not know either', async () => {
      const registry = ecr({ repositoryInfo: { tagMutability: 'IMMUTABLE' } });
      registry.push('web', multiArch(['amd64'], false), 'other');
      registry.images = [];
      const result = await setup(registry).inspectImage({
        image: `${ECR}/web:gone`,
      });
      expect(summary(result.findings)).toEqual(['tag-not-found:blocking']);
    });

    it('reports the lifecycle rule that will expire the in-use image, and when', async () => {
      const registry = ecr({
        repositoryInfo: {
          tagMutability: 'IMMUTABLE',
          lifecyclePolicyText: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: 'untagged after 7 days',
                selection: {
                  tagStatus: 'untagged',
                  countType: 'sinceImagePushed',
                  countUnit: 'days',
                  countNumber: 7,
                },
                action: { type: 'expire' },
              },
              {
                rulePriority: 2,
                description: 'keep 2 releases',
                selection: {
                  tagStatus: 'tagged',
                  tagPatternList: ['v*'],
                  countType: 'imageCountMoreThan',
                  countNumber: 2,
                },
                action: { type: 'expire' },
              },
            ],
          }),
        },
      });
      const current = registry.push('web', multiArch(['amd64'], false), 'v1');
      const deployed = `sha256:${'b'.repeat(64)}`;
      registry.images = [
        {
          digest: current,
          tags: ['v1'],
          sizeInBytes: 10,
          pushedAt: daysAgo(30),
        },
        {
          digest: `sha256:${'2'.repeat(64)}`,
          tags: ['v2'],
          pushedAt: daysAgo(20),
        },
        {
          digest: `sha256:${'3'.repeat(64)}`,
          tags: ['v3'],
          pushedAt: daysAgo(10),
        },
        { digest: deployed, tags: [], pushedAt: daysAgo(3) },
      ];
      const result = await setup(registry).inspectImage({
        image: `${ECR}/web:v1`,
        deployedDigests: [deployed],
      });
      expect(summary(result.findings)).toEqual([
        'lifecycle-expires-in-use-image:risk',
        'lifecycle-expires-in-use-image:risk',
      ]);
      expect(result.findings[0]).toMatchObject({
        title: expect.stringMatching(
          /^Lifecycle rule 2 \("keep 2 releases"\) will expire the referenced image .* at its next run/,
        ),
        evidence: {
          digest: current,
          rulePriority: 2,
          countType: 'imageCountMoreThan',
          due: true,
          rank: 3,
        },
      });
      expect(result.findings[1]).toMatchObject({
        title: expect.stringContaining('on 2026-06-19'),
        evidence: {
          digest: deployed,
          rulePriority: 1,
          due: false,
          at: '2026-06-19T12:00:00.000Z',
        },
      });
      expect(registry.calls.listImages).toBe(1);
    });

    it('does not call an index empty because ECR says it is 0 bytes (the size comes from the layers)', async () => {
      const registry = ecr({ repositoryInfo: { tagMutability: 'IMMUTABLE' } });
      const digest = registry.push('web', multiArch(['amd64'], false), 'v1');
      registry.images = [{ digest, tags: ['v1'], sizeInBytes: 0 }];
      const result = await setup(registry).inspectImage({
        image: `${ECR}/web:v1`,
      });
      expect(summary(result.findings)).toEqual([]);
      expect(result.status).toBe('ready');
      expect(result.facts.registryImage).toMatchObject({ sizeInBytes: 0 });
      expect(result.facts.manifest?.sizeInBytes).toBeGreaterThan(0);
    });

    it('reports an artifact behind a tag as not-an-image', async () => {
      const registry = ecr({ repositoryInfo: { tagMutability: 'IMMUTABLE' } });
      const image = buildImage({ layers: [layer('x')] });
      registry.push(
        'web',
        buildArtifact({
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          configMediaType: MEDIA_TYPES.ociConfig,
          layers: [
            {
              mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
              content: '{}',
            },
          ],
          subject: image,
        }),
        'sha256-abc.sig',
      );
      const result = await setup(registry).inspectImage({
        image: `${ECR}/web:sha256-abc.sig`,
      });
      expect(summary(result.findings)).toEqual(['not-an-image:blocking']);
      expect(result.findings[0].evidence).toMatchObject({
        artifactKind: 'signature',
      });
    });
  });
});

describe('ImageInspector.inspectTaskDefinition', () => {
  it('checks every container for the task platform and tags findings with the container', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const armOnly = multiArch(['arm64'], false);
    const both = multiArch(['amd64', 'arm64'], false);
    registry.push('api', armOnly, 'v1');
    registry.push('sidecar', both, 'v1');
    const inspector = setup(registry);
    const taskDefinition = {
      taskDefinition: {
        family: 'svc',
        revision: 3,
        requiresCompatibilities: ['FARGATE'],
        containerDefinitions: [
          {
            name: 'api',
            image: `registry.example.com/api@${armOnly.manifest.digest}`,
          },
          {
            name: 'sidecar',
            image: `registry.example.com/sidecar@${both.manifest.digest}`,
          },
          { name: 'broken' },
        ],
      },
    };
    const result = await inspector.inspectTaskDefinition(taskDefinition);
    expect(result).toMatchObject({
      family: 'svc',
      revision: 3,
      platform: 'linux/amd64',
      platformSource: 'default',
      launchType: 'FARGATE',
      status: 'blocked',
    });
    expect(result.containers.map(c => [c.name, c.inspection?.status])).toEqual([
      ['api', 'blocked'],
      ['sidecar', 'ready'],
      ['broken', undefined],
    ]);
    expect(result.findings.map(f => [f.container, f.id])).toEqual([
      ['api', 'platform-missing'],
      ['broken', 'invalid-reference'],
    ]);

    const arm = await inspector.inspectTaskDefinition({
      ...taskDefinition.taskDefinition,
      containerDefinitions:
        taskDefinition.taskDefinition.containerDefinitions.slice(0, 2),
      runtimePlatform: {
        cpuArchitecture: 'ARM64',
        operatingSystemFamily: 'LINUX',
      },
    });
    expect(arm).toMatchObject({
      status: 'ready',
      platform: 'linux/arm64',
      findings: [],
    });
  });

  it('passes deployed digests by container', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const index = multiArch(['amd64'], false);
    registry.push('api', index);
    const missing = `sha256:${'e'.repeat(64)}`;
    const result = await setup(registry).inspectTaskDefinition(
      {
        containerDefinitions: [
          {
            name: 'api',
            image: `registry.example.com/api@${index.manifest.digest}`,
          },
        ],
      },
      { deployedDigestsByContainer: { api: [missing] } },
    );
    expect(
      result.findings.map(f => [f.container, f.id, f.evidence.digest]),
    ).toEqual([['api', 'deployed-digest-missing', missing]]);
  });

  it('blocks a task definition with more containers than ECS registers, and still checks every image', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const index = multiArch(['amd64'], false);
    registry.push('api', index);
    const result = await setup(registry).inspectTaskDefinition({
      containerDefinitions: Array.from({ length: 11 }, (_, i) => ({
        name: `c${i}`,
        image: `registry.example.com/api@${index.manifest.digest}`,
      })),
    });
    expect(result.status).toBe('blocked');
    expect(result.findings.map(f => [f.id, f.container])).toEqual([
      ['too-many-containers', undefined],
    ]);
    expect(result.containers.map(c => c.inspection?.status)).toEqual(
      Array(11).fill('ready'),
    );
  });

  it('gives an unreadable runtimePlatform as the reason, never a default platform', async () => {
    const result = await setup().inspectTaskDefinition({
      runtimePlatform: 'linux/arm64',
      containerDefinitions: [{ name: 'a', image: 'registry.example.com/a:1' }],
    });
    expect(result).toMatchObject({
      status: 'unverifiable',
      error: expect.stringContaining('runtimePlatform'),
      containers: [],
    });
  });

  it('never throws for a task definition it cannot read', async () => {
    const result = await setup().inspectTaskDefinition({ family: 'x' });
    expect(result).toMatchObject({
      status: 'unverifiable',
      error: expect.stringContaining('containerDefinitions'),
    });
    expect(result.findings[0].id).toBe('unverifiable');
  });
});

describe('ImageInspector.resolveDigest', () => {
  it('resolves a tag and keeps it for humans', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const digest = registry.push('app', multiArch(['amd64']), '2.0');
    const inspector = setup(registry);
    await expect(
      inspector.resolveDigest('registry.example.com/app:2.0'),
    ).resolves.toMatchObject({
      ok: true,
      digest,
      pinnedReference: `registry.example.com/app:2.0@${digest}`,
    });
    const missing = await inspector.resolveDigest(
      'registry.example.com/app:3.0',
    );
    expect(missing.ok === false && missing.finding.id).toBe('tag-not-found');
  });
});

describe('ImageInspector input validation', () => {
  it('says a deployed digest is malformed instead of looking it up as a tag', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const digest = registry.push('app', multiArch(['amd64'], false), 'abc');
    const result = await setup(registry).inspectImage({
      image: `registry.example.com/app@${digest}`,
      deployedDigests: ['abc'],
    });
    expect(summary(result.findings)).toEqual(['unverifiable:risk']);
    expect(result.findings[0].title).toMatch(
      /Cannot check the deployed digest "abc"/,
    );
    expect(registry.calls.getManifest).toBe(2);
  });

  it('refuses an invalid platform as a usage error instead of guessing one', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    const inspector = setup(registry);
    for (const platform of ['linux amd64', { os: 'linux' } as any]) {
      await expect(
        inspector.inspectImage({
          image: 'registry.example.com/app:v1',
          platform,
        }),
      ).rejects.toThrow(InvalidRequestError);
    }
    await expect(
      inspector.inspectImage({
        image: 'registry.example.com/app:v1',
        platform: 'linux amd64',
      }),
    ).rejects.toThrow(/platform "linux amd64" is not valid/);
    expect(registry.calls.getManifest).toBe(0);
  });
});
