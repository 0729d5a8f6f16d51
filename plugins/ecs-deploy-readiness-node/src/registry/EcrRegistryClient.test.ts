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
  ECRServiceException,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  ImageNotFoundException,
  InvalidParameterException,
  LifecyclePolicyNotFoundException,
  RepositoryNotFoundException,
  ValidationException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { buildImage } from 'ecs-sandbox/images';
import {
  MANIFEST_MEDIA_TYPES,
  MEDIA_TYPES,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  eventually,
  startHttpServer,
  TestHttpServer,
} from '../__testUtils__/httpServer';
import { parseImageReference } from '../reference/parse';
import { SharedWork } from './concurrency';
import { EcrRegistryClient } from './EcrRegistryClient';
import { SafeHttpClient } from './http';
import { RegistryError } from './types';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ecrInfo = (() => {
  const parsed = parseImageReference(`${HOST}/app`);
  if (!parsed.ok || !parsed.reference.ecr) throw new Error('fixture');
  return parsed.reference.ecr;
})();
const image = buildImage({ layers: [{ files: { a: '1' } }] });
const MISSING = `sha256:${'0'.repeat(64)}`;

const ecrMock = mockClient(ECRClient);

function awsError(name: string, message = name): ECRServiceException {
  return new ECRServiceException({
    name,
    $fault: 'client',
    message,
    $metadata: {},
  });
}

function client(
  distributionBaseUrl?: string,
  apiTimeoutMs?: number,
): EcrRegistryClient {
  return new EcrRegistryClient({
    registry: HOST,
    ecr: ecrInfo,
    client: new ECRClient({ region: 'eu-west-1' }),
    http: new SafeHttpClient({
      allowLoopback: true,
      timeouts: { requestMs: 2000 },
    }),
    distributionBaseUrl,
    apiTimeoutMs,
  });
}

/** The abort signal the client gave the SDK for one recorded `send` call. */
function sdkSignal(call: { args: unknown[] }): AbortSignal | undefined {
  return (call.args[1] as { abortSignal?: AbortSignal } | undefined)
    ?.abortSignal;
}

/** A promise that never settles: an AWS call that hangs. */
function hanging(): Promise<never> {
  return new Promise(() => {});
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a RegistryError');
    },
    e => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error;
}

beforeEach(() => ecrMock.reset());

describe('EcrRegistryClient.getManifest', () => {
  it('asks BatchGetImage for every manifest media type in the host account, and verifies the digest', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageTag: 'v1', imageDigest: image.manifest.digest },
          imageManifest: image.manifest.data.toString('utf8'),
          imageManifestMediaType: MEDIA_TYPES.ociManifest,
        },
      ],
    });
    const manifest = await client().getManifest('team/app', 'v1');
    expect(manifest).toMatchObject({
      digest: image.manifest.digest,
      mediaType: MEDIA_TYPES.ociManifest,
    });
    expect(ecrMock.commandCalls(BatchGetImageCommand)[0].args[0].input).toEqual(
      {
        registryId: '123456789012',
        repositoryName: 'team/app',
        imageIds: [{ imageTag: 'v1' }],
        acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
      },
    );
  });

  it('asks by digest and rejects content that does not match it', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageDigest: MISSING },
          imageManifest: image.manifest.data.toString('utf8'),
        },
      ],
    });
    const error = await failure(client().getManifest('team/app', MISSING));
    expect(error.kind).toBe('digest-mismatch');
    expect(
      ecrMock.commandCalls(BatchGetImageCommand)[0].args[0].input.imageIds,
    ).toEqual([{ imageDigest: MISSING }]);
  });

  it.each([
    ['ImageNotFound', 'manifest-not-found'],
    ['ImageTagDoesNotMatchDigest', 'manifest-not-found'],
    ['UpstreamAccessDenied', 'denied'],
    ['UpstreamTooManyRequests', 'rate-limited'],
  ] as const)('maps the failure %s to %s', async (failureCode, kind) => {
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [],
      failures: [
        {
          imageId: { imageTag: 'v9' },
          failureCode,
          failureReason: 'Requested image not found',
        },
      ],
    });
    const error = await failure(client().getManifest('team/app', 'v9'));
    expect(error.kind).toBe(kind);
    expect(error.awsCode).toBe(failureCode);
    expect(error.message).toContain('team/app:v9');
  });

  it.each([
    [
      'RepositoryNotFoundException',
      new RepositoryNotFoundException({
        message: "The repository with name 'x' does not exist",
        $metadata: {},
      }),
      'repository-not-found',
      { awsCode: 'RepositoryNotFoundException' },
    ],
    [
      'AccessDeniedException',
      awsError(
        'AccessDeniedException',
        'not authorized to perform: ecr:BatchGetImage',
      ),
      'denied',
      { awsCode: 'AccessDeniedException' },
    ],
    [
      'ThrottlingException',
      awsError('ThrottlingException', 'Rate exceeded'),
      'throttled',
      { awsCode: 'ThrottlingException' },
    ],
    [
      'ExpiredTokenException',
      awsError('ExpiredTokenException'),
      'unauthorized',
      { awsCode: 'ExpiredTokenException' },
    ],
    [
      'InvalidParameterException',
      new InvalidParameterException({
        message:
          "Invalid parameter at 'repositoryName' failed to satisfy constraint",
        $metadata: {},
      }),
      'invalid-argument',
      { awsCode: 'InvalidParameterException' },
    ],
    [
      'ValidationException',
      new ValidationException({
        message: 'There was an exception validating this request',
        $metadata: {},
      }),
      'invalid-argument',
      { awsCode: 'ValidationException' },
    ],
    [
      'ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED'), {
        code: 'ECONNREFUSED',
      }),
      'network',
      { networkCode: 'ECONNREFUSED' },
    ],
    [
      'an unknown error',
      awsError('SomethingNew'),
      'bad-response',
      { awsCode: 'SomethingNew' },
    ],
  ])('maps %s', async (_name, error, kind, codes) => {
    ecrMock.on(BatchGetImageCommand).rejects(error);
    const mapped = await failure(client().getManifest('team/app', 'v1'));
    expect(mapped.kind).toBe(kind);
    expect(mapped.cause).toBe(error);
    expect({
      awsCode: mapped.awsCode,
      networkCode: mapped.networkCode,
      httpStatus: mapped.httpStatus,
    }).toEqual({
      awsCode: undefined,
      networkCode: undefined,
      httpStatus: undefined,
      ...codes,
    });
  });

  it.each([
    'InvalidImageDigest',
    'InvalidImageTag',
    'MissingDigestAndTag',
  ] as const)(
    'reports the failure %s as an invalid argument, never as not found',
    async failureCode => {
      ecrMock.on(BatchGetImageCommand).resolves({
        failures: [
          {
            imageId: { imageTag: 'v1' },
            failureCode,
            failureReason: 'Invalid image identifier',
          },
        ],
      });
      const error = await failure(client().getManifest('team/app', 'v1'));
      expect(error.kind).toBe('invalid-argument');
      expect(error.awsCode).toBe(failureCode);
      expect(
        (await failure(client().manifestExists('team/app', MISSING))).kind,
      ).toBe('invalid-argument');
    },
  );

  it('rejects a manifest that is not JSON', async () => {
    ecrMock
      .on(BatchGetImageCommand)
      .resolves({ images: [{ imageId: {}, imageManifest: 'nope' }] });
    expect((await failure(client().getManifest('team/app', 'v1'))).kind).toBe(
      'bad-response',
    );
  });
});

describe('EcrRegistryClient.manifestExists', () => {
  it('asks BatchGetImage by digest, and reads an ImageNotFound failure as absent', async () => {
    ecrMock
      .on(BatchGetImageCommand, {
        imageIds: [{ imageDigest: image.manifest.digest }],
      })
      .resolves({
        images: [
          {
            imageId: { imageDigest: image.manifest.digest },
            imageManifest: image.manifest.data.toString('utf8'),
          },
        ],
      })
      .on(BatchGetImageCommand, { imageIds: [{ imageDigest: MISSING }] })
      .resolves({
        images: [],
        failures: [
          {
            imageId: { imageDigest: MISSING },
            failureCode: 'ImageNotFound',
            failureReason: 'Requested image not found',
          },
        ],
      });
    expect(
      await client().manifestExists('team/app', image.manifest.digest),
    ).toBe(true);
    expect(await client().manifestExists('team/app', MISSING)).toBe(false);
    expect(
      ecrMock.commandCalls(BatchGetImageCommand).map(c => c.args[0].input),
    ).toEqual([
      {
        registryId: '123456789012',
        repositoryName: 'team/app',
        imageIds: [{ imageDigest: image.manifest.digest }],
        acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
      },
      {
        registryId: '123456789012',
        repositoryName: 'team/app',
        imageIds: [{ imageDigest: MISSING }],
        acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
      },
    ]);
  });

  it('throws repository-not-found for a repository that does not exist', async () => {
    ecrMock.on(BatchGetImageCommand).rejects(
      new RepositoryNotFoundException({
        message: "The repository with name 'team/gone' does not exist",
        $metadata: {},
      }),
    );
    const error = await failure(
      client().manifestExists('team/gone', image.manifest.digest),
    );
    expect(error.kind).toBe('repository-not-found');
  });

  it.each([
    ['UpstreamAccessDenied', 'denied'],
    ['KmsError', 'denied'],
    ['UpstreamUnavailable', 'network'],
  ] as const)(
    'never reads the failure %s as absent: it throws %s',
    async (failureCode, kind) => {
      ecrMock.on(BatchGetImageCommand).resolves({
        failures: [{ imageId: { imageDigest: MISSING }, failureCode }],
      });
      const error = await failure(client().manifestExists('team/app', MISSING));
      expect(error.kind).toBe(kind);
      expect(error.awsCode).toBe(failureCode);
    },
  );

  it('throws when the call is refused, and on an invalid digest before any call', async () => {
    ecrMock
      .on(BatchGetImageCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          'not authorized to perform: ecr:BatchGetImage',
        ),
      );
    expect(
      (await failure(client().manifestExists('team/app', MISSING))).kind,
    ).toBe('denied');
    ecrMock.resetHistory();
    expect(
      (await failure(client().manifestExists('team/app', 'sha256:abc'))).kind,
    ).toBe('invalid-argument');
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(0);
  });
});

describe('EcrRegistryClient.blobsExist', () => {
  it('asks BatchCheckLayerAvailability in batches of 100', async () => {
    const digests = Array.from(
      { length: 150 },
      (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`,
    );
    ecrMock.on(BatchCheckLayerAvailabilityCommand).callsFake(input => ({
      layers: input.layerDigests
        .filter((d: string) => d !== digests[3] && d !== digests[120])
        .map((d: string) => ({
          layerDigest: d,
          layerAvailability: d === digests[7] ? 'ARCHIVED' : 'AVAILABLE',
        })),
      failures: [digests[3], digests[120]]
        .filter(d => input.layerDigests.includes(d))
        .map(d => ({ layerDigest: d, failureCode: 'MissingLayerDigest' })),
    }));
    const exists = await client().blobsExist('team/app', digests);
    const calls = ecrMock.commandCalls(BatchCheckLayerAvailabilityCommand);
    expect(calls.map(c => c.args[0].input.layerDigests?.length)).toEqual([
      100, 50,
    ]);
    expect(calls[0].args[0].input.registryId).toBe('123456789012');
    expect(exists.size).toBe(150);
    expect(
      [...exists.entries()].filter(([, found]) => !found).map(([d]) => d),
    ).toEqual([digests[3], digests[7], digests[120]]);
  });

  it('rejects an invalid digest before any call, and reports an InvalidLayerDigest failure as an invalid argument', async () => {
    const error = await failure(
      client().blobsExist('team/app', [MISSING, 'sha256:abc']),
    );
    expect(error.kind).toBe('invalid-argument');
    expect(
      ecrMock.commandCalls(BatchCheckLayerAvailabilityCommand),
    ).toHaveLength(0);
    ecrMock.on(BatchCheckLayerAvailabilityCommand).resolves({
      layers: [],
      failures: [
        {
          layerDigest: MISSING,
          failureCode: 'InvalidLayerDigest',
          failureReason: 'Invalid layer digest',
        },
      ],
    });
    const refused = await failure(client().blobsExist('team/app', [MISSING]));
    expect(refused.kind).toBe('invalid-argument');
    expect(refused.awsCode).toBe('InvalidLayerDigest');
  });
});

describe('EcrRegistryClient.getRepositoryInfo', () => {
  it('reads tag mutability with exclusion filters and the lifecycle policy', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        {
          repositoryName: 'team/app',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [
            { filterType: 'WILDCARD', filter: 'latest' },
          ],
        },
      ],
    });
    ecrMock
      .on(GetLifecyclePolicyCommand)
      .resolves({ lifecyclePolicyText: '{"rules":[]}' });
    expect(await client().getRepositoryInfo('team/app')).toEqual({
      tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      exclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
      lifecyclePolicyText: '{"rules":[]}',
    });
  });

  it('treats a missing lifecycle policy as none', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        { repositoryName: 'team/app', imageTagMutability: 'MUTABLE' },
      ],
    });
    ecrMock.on(GetLifecyclePolicyCommand).rejects(
      new LifecyclePolicyNotFoundException({
        message: 'none',
        $metadata: {},
      }),
    );
    expect(await client().getRepositoryInfo('team/app')).toEqual({
      tagMutability: 'MUTABLE',
    });
  });

  it('reports a missing repository', async () => {
    const missing = new RepositoryNotFoundException({
      message: 'no',
      $metadata: {},
    });
    ecrMock.on(DescribeRepositoriesCommand).rejects(missing);
    ecrMock.on(GetLifecyclePolicyCommand).rejects(missing);
    expect((await failure(client().getRepositoryInfo('team/app'))).kind).toBe(
      'repository-not-found',
    );
  });
});

describe('EcrRegistryClient.describeImage and listImages', () => {
  const pushedAt = new Date('2025-01-01T00:00:00Z');

  it('describes an archived image, asking for every status', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({
      imageDetails: [
        {
          imageDigest: image.manifest.digest,
          imageTags: ['v1'],
          imageSizeInBytes: 0,
          imagePushedAt: pushedAt,
          imageStatus: 'ARCHIVED',
          imageManifestMediaType: MEDIA_TYPES.ociManifest,
          artifactMediaType: MEDIA_TYPES.ociConfig,
        },
      ],
    });
    expect(
      await client().describeImage('team/app', {
        tag: 'v1',
        digest: image.manifest.digest,
      }),
    ).toEqual({
      digest: image.manifest.digest,
      tags: ['v1'],
      sizeInBytes: 0,
      pushedAt,
      status: 'ARCHIVED',
      manifestMediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: MEDIA_TYPES.ociConfig,
    });
    expect(
      ecrMock.commandCalls(DescribeImagesCommand)[0].args[0].input,
    ).toMatchObject({
      registryId: '123456789012',
      imageIds: [{ imageDigest: image.manifest.digest }],
      filter: { imageStatus: 'ANY' },
    });
  });

  it('gives undefined for an image ECR does not have', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejects(new ImageNotFoundException({ message: 'no', $metadata: {} }));
    expect(
      await client().describeImage('team/app', { tag: 'gone' }),
    ).toBeUndefined();
  });

  it('retries without the status filter where it is refused, and stops using it', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .resolves({ imageDetails: [{ imageDigest: MISSING, imageTags: [] }] });
    ecrMock
      .on(DescribeImagesCommand, { filter: { imageStatus: 'ANY' } })
      .rejects(
        new InvalidParameterException({ message: 'filter', $metadata: {} }),
      );
    const c = client();
    expect((await c.describeImage('team/app', { tag: 'v1' }))?.digest).toBe(
      MISSING,
    );
    expect((await c.describeImage('team/app', { tag: 'v2' }))?.digest).toBe(
      MISSING,
    );
    expect(
      ecrMock
        .commandCalls(DescribeImagesCommand)
        .map(call => call.args[0].input.filter),
    ).toEqual([{ imageStatus: 'ANY' }, undefined, undefined]);
  });

  it('keeps the status filter when the request itself is invalid, refused with and without it', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(
      new InvalidParameterException({
        message: "Invalid parameter at 'repositoryName'",
        $metadata: {},
      }),
    );
    const c = client();
    expect(
      (await failure(c.describeImage('Not A Repo', { tag: 'v1' }))).kind,
    ).toBe('invalid-argument');
    ecrMock.reset();
    ecrMock
      .on(DescribeImagesCommand)
      .resolves({ imageDetails: [{ imageDigest: MISSING, imageTags: [] }] });
    await c.describeImage('team/app', { tag: 'v1' });
    expect(
      ecrMock.commandCalls(DescribeImagesCommand)[0].args[0].input.filter,
    ).toEqual({ imageStatus: 'ANY' });
  });

  it('lists every page of images', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .resolvesOnce({
        imageDetails: [{ imageDigest: 'sha256:a', imageTags: ['1'] }],
        nextToken: 'p2',
      })
      .resolvesOnce({ imageDetails: [{ imageDigest: 'sha256:b' }] });
    const images = await client().listImages('team/app');
    expect(images.map(i => [i.digest, i.tags])).toEqual([
      ['sha256:a', ['1']],
      ['sha256:b', []],
    ]);
    expect(
      ecrMock.commandCalls(DescribeImagesCommand)[1].args[0].input.nextToken,
    ).toBe('p2');
  });
});

describe('EcrRegistryClient cancellation and time limits', () => {
  it('gives canceled when the caller aborts a call in flight, and aborts the SDK request', async () => {
    ecrMock.on(BatchGetImageCommand).callsFake(hanging);
    const controller = new AbortController();
    const pending = client().getManifest('team/app', 'v1', {
      signal: controller.signal,
    });
    await Promise.resolve();
    controller.abort();
    const error = await failure(pending);
    expect(error.kind).toBe('canceled');
    const [call] = ecrMock.commandCalls(BatchGetImageCommand);
    expect(sdkSignal(call)?.aborted).toBe(true);
  });

  it('gives timeout when the per-call time limit passes, and aborts the SDK request', async () => {
    ecrMock.on(BatchGetImageCommand).callsFake(hanging);
    const controller = new AbortController();
    const error = await failure(
      client(undefined, 100).getManifest('team/app', 'v1', {
        signal: controller.signal,
      }),
    );
    expect(error.kind).toBe('timeout');
    expect(controller.signal.aborted).toBe(false);
    const [call] = ecrMock.commandCalls(BatchGetImageCommand);
    expect(sdkSignal(call)?.aborted).toBe(true);
  });

  it('makes no call with an already-aborted signal', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [] });
    const error = await failure(
      client().getRepositoryInfo('team/app', { signal: AbortSignal.abort() }),
    );
    expect(error.kind).toBe('canceled');
    expect(ecrMock.calls()).toHaveLength(0);
  });

  it('asks for no further page of images after an abort', async () => {
    const controller = new AbortController();
    ecrMock.on(DescribeImagesCommand).callsFake(() => {
      controller.abort();
      return { imageDetails: [{ imageDigest: MISSING }], nextToken: 'p2' };
    });
    const error = await failure(
      client().listImages('team/app', { signal: controller.signal }),
    );
    expect(error.kind).toBe('canceled');
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it('checks no further batch of layers after an abort', async () => {
    const digests = Array.from(
      { length: 250 },
      (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`,
    );
    const controller = new AbortController();
    ecrMock.on(BatchCheckLayerAvailabilityCommand).callsFake(input => {
      controller.abort();
      return {
        layers: input.layerDigests.map((d: string) => ({
          layerDigest: d,
          layerAvailability: 'AVAILABLE',
        })),
      };
    });
    const error = await failure(
      client().blobsExist('team/app', digests, { signal: controller.signal }),
    );
    expect(error.kind).toBe('canceled');
    expect(
      ecrMock.commandCalls(BatchCheckLayerAvailabilityCommand),
    ).toHaveLength(1);
  });
});

describe('EcrRegistryClient.getBlob through the Distribution endpoint', () => {
  let endpoint: TestHttpServer;
  const config = image.blobs[0];
  const password = 'ecr-password';

  beforeEach(async () => {
    endpoint = await startHttpServer((req, res) => {
      const expected = `Basic ${Buffer.from(`AWS:${password}`).toString(
        'base64',
      )}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, {
          'www-authenticate': `Basic realm="${endpoint.url}/",service="ecr.amazonaws.com"`,
        });
        res.end(
          '{"errors":[{"code":"DENIED","message":"Your authorization token has expired."}]}',
        );
        return;
      }
      if (
        req.url ===
        `/ecr/123456789012/eu-west-1/v2/team/app/blobs/${config.digest}`
      ) {
        res.end(config.data);
        return;
      }
      res.writeHead(404);
      res.end(
        '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}',
      );
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await endpoint.stop();
  });

  it('logs in with GetAuthorizationToken (AWS:<password>) once and reads the config', async () => {
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
          expiresAt: new Date(Date.now() + 12 * 3600_000),
        },
      ],
    });
    const c = client(`${endpoint.url}/ecr/123456789012/eu-west-1`);
    expect(
      (await c.getBlob('team/app', config.digest)).equals(config.data),
    ).toBe(true);
    expect(
      (await c.getBlob('team/app', config.digest)).equals(config.data),
    ).toBe(true);
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1);
    const missing = await failure(c.getBlob('team/app', MISSING));
    expect(missing.kind).toBe('blob-not-found');
    expect(missing.message).toContain(
      'could not be read through the registry endpoint',
    );
  });

  it("shares one GetAuthorizationToken between callers: one caller's abort fails neither the others nor the token", async () => {
    let answer: (value: unknown) => void = () => {};
    ecrMock.on(GetAuthorizationTokenCommand).callsFake(
      () =>
        new Promise(resolve => {
          answer = resolve;
        }),
    );
    const wait = jest.spyOn(SharedWork.prototype, 'wait');
    const c = client(`${endpoint.url}/ecr/123456789012/eu-west-1`);
    const impatient = new AbortController();
    const first = c.getBlob('team/app', config.digest, {
      signal: impatient.signal,
    });
    const second = c.getBlob('team/app', config.digest);
    // Both callers wait for the one GetAuthorizationToken call.
    expect(await eventually(() => wait.mock.calls.length === 2)).toBe(true);
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1);
    impatient.abort();
    expect((await failure(first)).kind).toBe('canceled');
    answer({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
          expiresAt: new Date(Date.now() + 12 * 3600_000),
        },
      ],
    });
    expect((await second).equals(config.data)).toBe(true);
    // The token the shared call got is cached, not poisoned by the abort.
    expect(
      (await c.getBlob('team/app', config.digest)).equals(config.data),
    ).toBe(true);
    const calls = ecrMock.commandCalls(GetAuthorizationTokenCommand);
    expect(calls).toHaveLength(1);
    expect(sdkSignal(calls[0])?.aborted).toBe(false);
  });

  it('aborts the shared GetAuthorizationToken once every caller has stopped waiting', async () => {
    ecrMock.on(GetAuthorizationTokenCommand).callsFake(hanging);
    const wait = jest.spyOn(SharedWork.prototype, 'wait');
    const c = client(`${endpoint.url}/ecr/123456789012/eu-west-1`);
    const a = new AbortController();
    const b = new AbortController();
    const first = c.getBlob('team/app', config.digest, { signal: a.signal });
    const second = c.getBlob('team/app', config.digest, { signal: b.signal });
    expect(await eventually(() => wait.mock.calls.length === 2)).toBe(true);
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1);
    a.abort();
    expect((await failure(first)).kind).toBe('canceled');
    const [call] = ecrMock.commandCalls(GetAuthorizationTokenCommand);
    expect(sdkSignal(call)?.aborted).toBe(false);
    b.abort();
    expect((await failure(second)).kind).toBe('canceled');
    expect(sdkSignal(call)?.aborted).toBe(true);
  });

  it('reports a rejected registry token as unauthorized', async () => {
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        { authorizationToken: Buffer.from('AWS:stale').toString('base64') },
      ],
    });
    const error = await failure(
      client(`${endpoint.url}/ecr/123456789012/eu-west-1`).getBlob(
        'team/app',
        config.digest,
      ),
    );
    expect(error.kind).toBe('unauthorized');
  });

  it('reports a failed GetAuthorizationToken with its AWS error kind', async () => {
    ecrMock
      .on(GetAuthorizationTokenCommand)
      .rejects(awsError('AccessDeniedException', 'ecr:GetAuthorizationToken'));
    const error = await failure(
      client(`${endpoint.url}/ecr/123456789012/eu-west-1`).getBlob(
        'team/app',
        config.digest,
      ),
    );
    expect(error.kind).toBe('denied');
    expect(error.message).toContain('GetAuthorizationToken');
  });
});
