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

/*
 * Requests at the floor on ECR (issue 9), with the AWS SDK mocked and the config served by a
 * real registry as the Distribution endpoint: layers are checked with one
 * BatchCheckLayerAvailability, never HEADs, and once per manifest with a persistent cache.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { buildImage, pushArtifact } from 'ecs-sandbox/images';
import {
  CountingProxy,
  startCountingProxy,
} from '../__testUtils__/countingProxy';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import { FileDocumentCache } from './documentCache';
import { ImageInspector } from './ImageInspector';

jest.setTimeout(60_000);

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ecrMock = mockClient(ECRClient);
const image = buildImage({
  layers: Array.from({ length: 5 }, (_, i) => ({
    files: { [`/l${i}`]: `${i}` },
  })),
});
let registry: DockerRegistry;
let proxy: CountingProxy;
let provider: DefaultRegistryClientProvider;
let directory: string;

beforeAll(async () => {
  registry = await startDockerRegistry();
  proxy = await startCountingProxy(registry.directUrl);
  await pushArtifact(image, {
    registryUrl: registry.directUrl,
    repository: 'team/app',
    tag: 'v1',
  });
  directory = await mkdtemp(join(tmpdir(), 'ecs-readiness-ecr-cache-'));
  provider = new DefaultRegistryClientProvider({
    insecureRegistries: [proxy.host],
    allowedPrivateRegistries: [proxy.host],
    ecrClientFactory: region => new ECRClient({ region }),
    ecrDistributionEndpoint: () => proxy.url,
  });
});

afterAll(async () => {
  provider?.close();
  await proxy?.stop();
  await registry?.stop();
  await rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  ecrMock.reset();
  ecrMock.on(BatchGetImageCommand).resolves({
    images: [
      {
        imageId: { imageDigest: image.manifest.digest, imageTag: 'v1' },
        imageManifest: image.manifest.data.toString('utf8'),
        imageManifestMediaType: image.manifest.mediaType,
      },
    ],
    failures: [],
  });
  ecrMock.on(BatchCheckLayerAvailabilityCommand).callsFake(input => ({
    layers: input.layerDigests.map((layerDigest: string) => ({
      layerDigest,
      layerAvailability: 'AVAILABLE',
    })),
    failures: [],
  }));
  ecrMock.on(DescribeImagesCommand).resolves({
    imageDetails: [
      {
        imageDigest: image.manifest.digest,
        imageTags: ['v1'],
        imageSizeInBytes: 1000,
        imageStatus: 'ACTIVE',
      },
    ],
  });
  ecrMock.on(DescribeRepositoriesCommand).resolves({
    repositories: [
      { repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE' },
    ],
  });
  ecrMock
    .on(GetLifecyclePolicyCommand)
    .rejects(
      new LifecyclePolicyNotFoundException({ message: 'none', $metadata: {} }),
    );
  ecrMock.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [
      {
        authorizationToken: Buffer.from('AWS:ecr-password').toString('base64'),
      },
    ],
  });
  proxy.reset();
});

const inspect = () =>
  ImageInspector.create({
    registryClientProvider: provider,
    documentCache: new FileDocumentCache({ directory }),
  }).inspectImage({ image: `${HOST}/team/app:v1` });

describe('On ECR', () => {
  it('checks every layer with one BatchCheckLayerAvailability, and GETs the config without a HEAD', async () => {
    const result = await inspect();
    expect(result.status).toBe('ready');
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(1);
    const checks = ecrMock.commandCalls(BatchCheckLayerAvailabilityCommand);
    expect(checks).toHaveLength(1);
    // The layers only: the config's GET is its check.
    expect([...checks[0].args[0].input.layerDigests!].sort()).toEqual(
      (image.manifest.json as { layers: Array<{ digest: string }> }).layers
        .map(l => l.digest)
        .sort(),
    );
    expect(proxy.count('GET', /\/blobs\//)).toBe(1);
    expect(proxy.count('HEAD')).toBe(0);
  });

  it('asks only BatchGetImage for the tag once the persistent cache is warm', async () => {
    const result = await inspect();
    expect(result.status).toBe('ready');
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(1);
    expect(
      ecrMock.commandCalls(BatchCheckLayerAvailabilityCommand),
    ).toHaveLength(0);
    expect(proxy.requests).toEqual([]);
  });
});
