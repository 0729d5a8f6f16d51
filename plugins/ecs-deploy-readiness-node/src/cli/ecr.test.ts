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
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  ImageDetail,
  LifecyclePolicyNotFoundException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BuiltArtifact,
  buildImage,
  buildMultiPlatformIndex,
  flatten,
  pushArtifact,
} from 'ecs-sandbox/images';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { runCli } from './__testUtils__/runCli';

jest.setTimeout(60_000);

const ACCOUNT = '123456789012';
const HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const DAY = 86_400_000;

const ecrMock = mockClient(ECRClient);
let registry: DockerRegistry;

const index = buildMultiPlatformIndex(
  ['amd64', 'arm64'].map(architecture => ({
    platform: { os: 'linux', architecture },
    image: buildImage({
      platform: { os: 'linux', architecture },
      layers: [{ files: { [architecture]: 'x' } }],
    }),
  })),
  { provenance: false },
);
const archived = `sha256:${'a'.repeat(64)}`;
const deleted = `sha256:${'d'.repeat(64)}`;

/** A repository as ECR's API answers about it: manifests by digest, tags, image details. */
interface FakeRepository {
  artifact: BuiltArtifact;
  tags: Record<string, string>;
  details: ImageDetail[];
  mutability?: string;
  exclusions?: string[];
  lifecyclePolicy?: object;
  unavailableLayers?: string[];
}

let repositories: Record<string, FakeRepository>;

function manifestsOf(repo: FakeRepository) {
  return new Map(flatten(repo.artifact).manifests.map(m => [m.digest, m]));
}

function answer() {
  ecrMock.reset();
  ecrMock.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [
      {
        authorizationToken: Buffer.from('AWS:token').toString('base64'),
        expiresAt: new Date(Date.now() + DAY),
        proxyEndpoint: `https://${HOST}`,
      },
    ],
  });
  const repo = (name?: string) => {
    const found = name ? repositories[name] : undefined;
    if (!found) {
      throw new RepositoryNotFoundException({
        message: `The repository with name '${name}' does not exist`,
        $metadata: {},
      });
    }
    return found;
  };
  ecrMock.on(BatchGetImageCommand).callsFake(async input => {
    const r = repo(input.repositoryName);
    const id = input.imageIds[0];
    const digest = id.imageDigest ?? r.tags[id.imageTag];
    const manifest = digest ? manifestsOf(r).get(digest) : undefined;
    if (!manifest) {
      return {
        images: [],
        failures: [
          {
            imageId: id,
            failureCode: 'ImageNotFound',
            failureReason: 'Requested image not found',
          },
        ],
      };
    }
    return {
      images: [
        {
          imageId: { imageDigest: manifest.digest, imageTag: id.imageTag },
          imageManifest: manifest.data.toString('utf8'),
          imageManifestMediaType: manifest.mediaType,
        },
      ],
      failures: [],
    };
  });
  ecrMock.on(BatchCheckLayerAvailabilityCommand).callsFake(async input => {
    const r = repo(input.repositoryName);
    return {
      layers: input.layerDigests.map((layerDigest: string) => ({
        layerDigest,
        layerAvailability: r.unavailableLayers?.includes(layerDigest)
          ? 'UNAVAILABLE'
          : 'AVAILABLE',
      })),
    };
  });
  ecrMock.on(DescribeRepositoriesCommand).callsFake(async input => {
    const r = repo(input.repositoryNames[0]);
    return {
      repositories: [
        {
          repositoryName: input.repositoryNames[0],
          imageTagMutability: r.mutability ?? 'MUTABLE',
          imageTagMutabilityExclusionFilters: (r.exclusions ?? []).map(
            filter => ({ filterType: 'WILDCARD', filter }),
          ),
        },
      ],
    };
  });
  ecrMock.on(GetLifecyclePolicyCommand).callsFake(async input => {
    const r = repo(input.repositoryName);
    if (!r.lifecyclePolicy) {
      throw new LifecyclePolicyNotFoundException({
        message: 'no policy',
        $metadata: {},
      });
    }
    return { lifecyclePolicyText: JSON.stringify(r.lifecyclePolicy) };
  });
  ecrMock.on(DescribeImagesCommand).callsFake(async input => {
    const r = repo(input.repositoryName);
    if (!input.imageIds) return { imageDetails: r.details };
    const id = input.imageIds[0];
    const detail = r.details.find(
      d =>
        d.imageDigest === id.imageDigest || d.imageTags?.includes(id.imageTag),
    );
    if (!detail) {
      const error = new Error('image not found');
      error.name = 'ImageNotFoundException';
      throw error;
    }
    return { imageDetails: [detail] };
  });
}

function webRepository(
  overrides: Partial<FakeRepository> = {},
): FakeRepository {
  return {
    artifact: index,
    tags: { latest: index.manifest.digest, '1.4.2': index.manifest.digest },
    details: [
      {
        imageDigest: index.manifest.digest,
        imageTags: ['latest', '1.4.2'],
        imageSizeInBytes: 1234,
        imagePushedAt: new Date(Date.now() - 2 * DAY),
      },
      {
        imageDigest: archived,
        imageTags: [],
        imageStatus: 'ARCHIVED',
        imagePushedAt: new Date(Date.now() - 200 * DAY),
      },
    ],
    ...overrides,
  };
}

beforeAll(async () => {
  // ECR's API has no blob read: configs come from the registry's Distribution endpoint, here a
  // real registry standing in for <account>.dkr.ecr.<region>.amazonaws.com.
  registry = await startDockerRegistry();
  await pushArtifact(index, {
    registryUrl: registry.directUrl,
    repository: 'web',
  });
});

afterAll(async () => {
  ecrMock.restore();
  await registry?.stop();
});

beforeEach(() => {
  repositories = { web: webRepository() };
  answer();
});

async function checkImage(image: string, ...args: string[]) {
  const run = await runCli([
    'check-image',
    image,
    '--json',
    '--registry-endpoint',
    `${HOST}=${registry.url}`,
    ...args,
  ]);
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : undefined };
}

const ids = (json: any) =>
  json.findings.map((f: any) => `${f.id}:${f.severity}`);

describe('check-image on ECR (aws-sdk-client-mock)', () => {
  it('reads the image through BatchGetImage with every manifest media type and the config from the registry', async () => {
    repositories.web.mutability = 'IMMUTABLE';
    const { code, json } = await checkImage(`${HOST}/web:1.4.2`);
    expect(code).toBe(0);
    expect(json).toMatchObject({
      status: 'ready',
      resolvedDigest: index.manifest.digest,
      platformManifestDigest: index.children[0].manifest.digest,
      facts: {
        manifest: { diffIdCount: 1 },
        tagMutability: { mutable: false },
        registryImage: { sizeInBytes: 1234 },
      },
    });
    const call = ecrMock.commandCalls(BatchGetImageCommand)[0].args[0].input;
    expect(call.acceptedMediaTypes).toEqual(
      expect.arrayContaining([
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ]),
    );
  });

  it('turns BatchGetImage failures[] into tag-not-found', async () => {
    const { code, json } = await checkImage(`${HOST}/web:9.9.9`);
    expect(code).toBe(1);
    expect(ids(json)).toEqual(['tag-not-found:blocking']);
    expect(json.findings[0].evidence).toMatchObject({
      awsCode: 'ImageNotFound',
    });
  });

  it('turns RepositoryNotFoundException into repository-not-found', async () => {
    const { code, json } = await checkImage(`${HOST}/nope:1`);
    expect(code).toBe(1);
    expect(ids(json)).toEqual(['repository-not-found:blocking']);
  });

  it('says the auditor was denied, never ready', async () => {
    const denied = new Error(
      'User is not authorized to perform: ecr:BatchGetImage',
    );
    denied.name = 'AccessDeniedException';
    ecrMock.on(BatchGetImageCommand).rejects(denied);
    const { code, json } = await checkImage(`${HOST}/web:1.4.2`);
    expect(code).toBe(0);
    expect(json.status).toBe('unverifiable');
    expect(json.findings[0].title).toMatch(/access denied/);
    expect(
      (await checkImage(`${HOST}/web:1.4.2`, '--fail-on', 'unverifiable')).code,
    ).toBe(1);
  });

  it('flags a tag excluded from immutability, and not one the repository keeps immutable', async () => {
    repositories.web.mutability = 'IMMUTABLE_WITH_EXCLUSION';
    repositories.web.exclusions = ['latest', 'dev-*'];
    const latest = await checkImage(`${HOST}/web:latest`);
    expect(ids(latest.json)).toEqual(['mutable-tag-reference:risk']);
    expect(latest.json.findings[0].evidence).toMatchObject({
      matchedFilter: 'latest',
      tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    });
    expect(
      latest.json.findings[0].fix.steps
        .map((s: any) => `${s.text} ${s.command ?? ''}`)
        .join('\n'),
    ).toContain(`${HOST}/web:latest@${index.manifest.digest}`);
    expect(ids((await checkImage(`${HOST}/web:1.4.2`)).json)).toEqual([]);

    repositories.web.mutability = 'MUTABLE_WITH_EXCLUSION';
    repositories.web.exclusions = ['1.*'];
    expect(ids((await checkImage(`${HOST}/web:1.4.2`)).json)).toEqual([]);
    expect(ids((await checkImage(`${HOST}/web:latest`)).json)).toEqual([
      'mutable-tag-reference:risk',
    ]);
  });

  it('blocks on deployed digests that are archived (DescribeImages) or deleted', async () => {
    repositories.web.mutability = 'IMMUTABLE';
    const { code, json } = await checkImage(
      `${HOST}/web:1.4.2`,
      '--deployed-digest',
      archived,
      '--deployed-digest',
      deleted,
    );
    expect(code).toBe(1);
    expect(
      json.findings.map((f: any) => [
        f.id,
        f.evidence.digest,
        f.evidence.status,
      ]),
    ).toEqual([
      ['image-archived', archived, 'ARCHIVED'],
      ['deployed-digest-missing', deleted, undefined],
    ]);
  });

  it('evaluates the lifecycle policy (GetLifecyclePolicy + DescribeImages) against the in-use image', async () => {
    repositories.web.mutability = 'IMMUTABLE';
    repositories.web.details = [
      {
        imageDigest: index.manifest.digest,
        imageTags: ['1.4.2'],
        imagePushedAt: new Date(Date.now() - 30 * DAY),
      },
      {
        imageDigest: `sha256:${'2'.repeat(64)}`,
        imageTags: ['1.5.0'],
        imagePushedAt: new Date(Date.now() - 3 * DAY),
      },
    ];
    repositories.web.lifecyclePolicy = {
      rules: [
        {
          rulePriority: 10,
          description: 'keep the last release',
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['1.'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          },
          action: { type: 'expire' },
        },
      ],
    };
    const { code, json } = await checkImage(`${HOST}/web:1.4.2`);
    expect(code).toBe(0);
    expect(ids(json)).toEqual(['lifecycle-expires-in-use-image:risk']);
    expect(json.findings[0]).toMatchObject({
      title: expect.stringMatching(
        /^Lifecycle rule 10 \("keep the last release"\) will expire/,
      ),
      evidence: { rulePriority: 10, due: true, digest: index.manifest.digest },
    });
  });

  it("reports an unavailable layer, and does not take ECR's 0-byte size for an empty image", async () => {
    repositories.web.mutability = 'IMMUTABLE';
    repositories.web.details[0].imageSizeInBytes = 0;
    const layerDigest = index.children[0].manifest.json.layers[0].digest;
    repositories.web.unavailableLayers = [layerDigest];
    const { code, json } = await checkImage(`${HOST}/web:1.4.2`);
    expect(code).toBe(1);
    // The size comes from the manifest's layers, not from ECR's summary.
    expect(ids(json)).toEqual(['missing-blob:blocking']);
    expect(json.findings[0].evidence.missing).toEqual([layerDigest]);
  });
});
