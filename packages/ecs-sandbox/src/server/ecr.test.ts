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
import { gunzipSync, zstdDecompressSync } from 'zlib';
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  ImageNotFoundException,
  InvalidParameterException,
  LifecyclePolicyNotFoundException,
  ListImageReferrersCommand,
  ListImagesCommand,
  paginateDescribeImages,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  DENIED,
  DENIED_KEY,
  MAIN,
  MAIN_KEY,
  OTHER,
  OTHER_KEY,
  testScenario,
} from '../testing/testScenario';
import { Sandbox, startSandbox } from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: testScenario() });
});

afterAll(() => sandbox.stop());

function ecr(key = MAIN_KEY) {
  return new ECRClient({
    endpoint: sandbox.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: key, secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  });
}

const sha256 = (data: Buffer | string) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('repositories', () => {
  it('describes repositories with mutability, exclusions and URIs', async () => {
    const { repositories } = await ecr().send(
      new DescribeRepositoriesCommand({ repositoryNames: ['app'] }),
    );
    expect(repositories).toEqual([
      expect.objectContaining({
        repositoryName: 'app',
        registryId: MAIN,
        repositoryArn: `arn:aws:ecr:eu-west-1:${MAIN}:repository/app`,
        repositoryUri: `${MAIN}.dkr.ecr.eu-west-1.amazonaws.com/app`,
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD', filter: 'release-*' },
        ],
      }),
    ]);
    expect(repositories![0].createdAt).toBeInstanceOf(Date);
  });

  it('pages through repositories, and lists another registry only with its credentials', async () => {
    const first = await ecr().send(
      new DescribeRepositoriesCommand({ maxResults: 2 }),
    );
    expect(first.repositories).toHaveLength(2);
    const second = await ecr().send(
      new DescribeRepositoriesCommand({
        maxResults: 2,
        nextToken: first.nextToken,
      }),
    );
    expect(second.repositories!.map(r => r.repositoryName)).toEqual(['dlist']);
    expect(second.nextToken).toBeUndefined();
    // Another account's registry is not listable with this account's key (AccessDenied, as
    // in ECR); its own key lists it. Cross-account reads: see access.test.ts.
    await expect(
      ecr().send(new DescribeRepositoriesCommand({ registryId: OTHER })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const other = await ecr(OTHER_KEY).send(
      new DescribeRepositoriesCommand({ registryId: OTHER }),
    );
    expect(other.repositories!.map(r => r.repositoryName)).toEqual([
      'other-app',
    ]);
  });

  it('answers RepositoryNotFoundException with the ECR message', async () => {
    const error = await ecr()
      .send(new DescribeImagesCommand({ repositoryName: 'ghost' }))
      .catch(e => e);
    expect(error).toBeInstanceOf(RepositoryNotFoundException);
    expect(error.message).toBe(
      `The repository with name 'ghost' does not exist in the registry with id '${MAIN}'`,
    );
  });

  it('returns the lifecycle policy, or LifecyclePolicyNotFoundException', async () => {
    const policy = await ecr().send(
      new GetLifecyclePolicyCommand({ repositoryName: 'app' }),
    );
    expect(
      JSON.parse(policy.lifecyclePolicyText!).rules[0].selection.tagStatus,
    ).toBe('untagged');
    await expect(
      ecr().send(new GetLifecyclePolicyCommand({ repositoryName: 'bulk' })),
    ).rejects.toBeInstanceOf(LifecyclePolicyNotFoundException);
  });

  it('denies an account marked denyAccess', async () => {
    const error = await ecr(DENIED_KEY)
      .send(new DescribeRepositoriesCommand({}))
      .catch(e => e);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`arn:aws:sts::${DENIED}:assumed-role/`);
    expect(error.message).toContain('ecr:DescribeRepositories');
  });
});

describe('images', () => {
  it('describes images with tags, sizes, media types and dates', async () => {
    const { imageDetails } = await ecr().send(
      new DescribeImagesCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'latest' }, { imageTag: 'multi' }],
      }),
    );
    const [v2, multi] = imageDetails!;
    expect(v2).toMatchObject({
      imageTags: ['v2', 'latest'],
      imageManifestMediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: MEDIA_TYPES.ociConfig,
      imageStatus: 'ACTIVE',
    });
    expect(v2.imagePushedAt).toBeInstanceOf(Date);
    expect(v2.lastRecordedPullTime).toBeInstanceOf(Date);
    const manifest = sandbox.world.images.get('app-v2')!.manifest.json;
    expect(v2.imageSizeInBytes).toBe(
      manifest.layers.reduce((n: number, l: any) => n + l.size, 0),
    );
    expect(multi.imageManifestMediaType).toBe(MEDIA_TYPES.ociIndex);
  });

  it('hides archived images unless the filter asks for them', async () => {
    const active = await ecr().send(
      new DescribeImagesCommand({ repositoryName: 'app' }),
    );
    expect(active.imageDetails!.some(i => i.imageTags?.includes('old'))).toBe(
      false,
    );
    const archived = await ecr().send(
      new DescribeImagesCommand({
        repositoryName: 'app',
        filter: { imageStatus: 'ARCHIVED' },
      }),
    );
    expect(archived.imageDetails).toEqual([
      expect.objectContaining({
        imageTags: ['old'],
        imageStatus: 'ARCHIVED',
        lastArchivedAt: expect.any(Date),
      }),
    ]);
    await expect(
      ecr().send(
        new DescribeImagesCommand({
          repositoryName: 'app',
          imageIds: [{ imageTag: 'old' }],
        }),
      ),
    ).rejects.toBeInstanceOf(ImageNotFoundException);
    const any = await ecr().send(
      new DescribeImagesCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'old' }],
        filter: { imageStatus: 'ANY' },
      }),
    );
    expect(any.imageDetails![0].imageStatus).toBe('ARCHIVED');
  });

  it('lists the children of an index and referrers as their own untagged images', async () => {
    const untagged = await ecr().send(
      new ListImagesCommand({
        repositoryName: 'app',
        filter: { tagStatus: 'UNTAGGED' },
      }),
    );
    // multi: 2 platform images + 2 attestations; plus the SBOM artifact
    expect(untagged.imageIds).toHaveLength(5);
    const v2 = sandbox.world.images.get('app-v2')!.manifest.digest;
    const { referrers } = await ecr().send(
      new ListImageReferrersCommand({
        repositoryName: 'app',
        subjectId: { imageDigest: v2 },
      }),
    );
    expect(referrers).toEqual([
      expect.objectContaining({
        artifactType: 'application/spdx+json',
        digest: sandbox.world.images.get('sbom')!.manifest.digest,
      }),
    ]);
  });

  it('answers ImageNotFoundException with the ECR message, and does not show deleted images', async () => {
    const deleted = sandbox.world.images.get('app-v0')!.manifest.digest;
    const error = await ecr()
      .send(
        new DescribeImagesCommand({
          repositoryName: 'app',
          imageIds: [{ imageDigest: deleted }],
        }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ImageNotFoundException);
    expect(error.message).toBe(
      `The image with imageId {imageDigest:'${deleted}', imageTag:'null'} does not exist within the repository with name 'app' in the registry with id '${MAIN}'`,
    );
  });

  it('pages through 130 images', async () => {
    const pages = [];
    for await (const page of paginateDescribeImages(
      { client: ecr() },
      { repositoryName: 'bulk' },
    ))
      pages.push(page);
    expect(pages.map(p => p.imageDetails!.length)).toEqual([100, 30]);
  });

  it('enforces 100 image ids per call', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => ({ imageTag: `t${i}` }));
    const error = await ecr()
      .send(
        new DescribeImagesCommand({ repositoryName: 'bulk', imageIds: ids }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    await expect(
      ecr().send(
        new BatchGetImageCommand({ repositoryName: 'bulk', imageIds: ids }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const ok = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'bulk',
        imageIds: ids.slice(0, 100),
      }),
    );
    expect(ok.images).toHaveLength(100);
  });
});

describe('BatchGetImage', () => {
  it('returns the exact manifest bytes, whose sha256 is the digest', async () => {
    const { images, failures } = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'v1' }, { imageTag: 'multi' }],
        acceptedMediaTypes: [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest],
      }),
    );
    expect(failures).toEqual([]);
    for (const image of images!) {
      expect(sha256(image.imageManifest!)).toBe(image.imageId!.imageDigest);
    }
    expect(images!.map(i => i.imageManifestMediaType)).toEqual([
      MEDIA_TYPES.ociManifest,
      MEDIA_TYPES.ociIndex,
    ]);
    expect(images![1].imageId!.imageTag).toBe('multi');
  });

  it('reports failures per image id with ECR failure codes', async () => {
    const v1 = sandbox.world.images.get('app-v1')!.manifest.digest;
    const { images, failures } = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [
          { imageTag: 'nope' },
          { imageTag: 'v2', imageDigest: v1 },
          { imageDigest: 'sha256:xyz' },
          { imageTag: 'old' },
          { imageTag: 'multi' },
        ],
        acceptedMediaTypes: [
          MEDIA_TYPES.ociManifest,
          MEDIA_TYPES.dockerManifest,
        ],
      }),
    );
    expect(images).toEqual([]);
    expect(failures!.map(f => f.failureCode)).toEqual([
      'ImageNotFound',
      'ImageTagDoesNotMatchDigest',
      'InvalidImageDigest',
      'ImageNotFound',
      'ImageNotFound',
    ]);
    expect(failures![0]).toEqual({
      imageId: { imageTag: 'nope' },
      failureCode: 'ImageNotFound',
      failureReason: 'Requested image not found',
    });
    expect(failures![4].failureReason).toContain(MEDIA_TYPES.ociIndex);
  });
});

describe('layers', () => {
  it('checks layer availability, including blobs the registry lost', async () => {
    const lost = sandbox.world.images.get('lost')!.manifest.json;
    const [present, missing] = lost.layers.map((l: any) => l.digest);
    const out = await ecr().send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: 'app',
        layerDigests: [present, missing, lost.config.digest, 'not-a-digest'],
      }),
    );
    expect(out.layers).toEqual([
      expect.objectContaining({
        layerDigest: present,
        layerAvailability: 'AVAILABLE',
        mediaType: MEDIA_TYPES.ociLayerGzip,
      }),
      expect.objectContaining({
        layerDigest: lost.config.digest,
        layerAvailability: 'AVAILABLE',
      }),
    ]);
    expect(out.failures).toEqual([
      {
        layerDigest: missing,
        failureCode: 'MissingLayerDigest',
        failureReason: 'Could not find the layer',
      },
      {
        layerDigest: 'not-a-digest',
        failureCode: 'InvalidLayerDigest',
        failureReason: 'Invalid layer digest',
      },
    ]);
  });
});

describe('registry access with an ECR token', () => {
  it('pulls a real image: manifest, config and layers verify, and diff_ids match', async () => {
    const { authorizationData } = await ecr().send(
      new GetAuthorizationTokenCommand({}),
    );
    const [data] = authorizationData!;
    expect(data.expiresAt!.getTime()).toBeGreaterThan(
      Date.now() + 11 * 3600_000,
    );
    expect(Buffer.from(data.authorizationToken!, 'base64').toString()).toMatch(
      /^AWS:.+/,
    );
    expect(data.proxyEndpoint).toBe(`${sandbox.url}/ecr/${MAIN}/eu-west-1`);
    const headers = { authorization: `Basic ${data.authorizationToken}` };

    const manifestResponse = await fetch(
      `${data.proxyEndpoint}/v2/app/manifests/v1`,
      { headers },
    );
    expect(manifestResponse.status).toBe(200);
    const manifestBytes = Buffer.from(await manifestResponse.arrayBuffer());
    expect(sha256(manifestBytes)).toBe(
      manifestResponse.headers.get('docker-content-digest'),
    );
    const manifest = JSON.parse(manifestBytes.toString());

    const fetchBlob = async (digest: string) => {
      const response = await fetch(
        `${data.proxyEndpoint}/v2/app/blobs/${digest}`,
        { headers },
      );
      expect(response.status).toBe(200);
      expect(response.redirected).toBe(true);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(sha256(bytes)).toBe(digest);
      return bytes;
    };
    const config = JSON.parse(
      (await fetchBlob(manifest.config.digest)).toString(),
    );
    expect(manifest.layers.map((l: any) => l.mediaType)).toEqual([
      MEDIA_TYPES.ociLayerGzip,
      MEDIA_TYPES.ociLayerZstd,
    ]);
    const diffIds = [];
    for (const layer of manifest.layers) {
      const compressed = await fetchBlob(layer.digest);
      const tar = layer.mediaType.endsWith('zstd')
        ? zstdDecompressSync(compressed)
        : gunzipSync(compressed);
      diffIds.push(sha256(tar));
    }
    expect(config.rootfs.diff_ids).toEqual(diffIds);
  });
});
