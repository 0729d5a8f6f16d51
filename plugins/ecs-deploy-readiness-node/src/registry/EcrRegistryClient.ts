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

import type {
  BatchGetImageCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  ECRClient,
  Image,
  ImageDetail,
  ImageFailure,
  ImageIdentifier,
} from '@aws-sdk/client-ecr';
import { MANIFEST_MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { EcrRegistryInfo } from '../reference/types';
import { abortable, canceledError, SharedWork } from './concurrency';
import { assertDigest, isDigestReference, verifiedManifest } from './documents';
import { SafeHttpClient } from './http';
import { OciRegistryClient } from './OciRegistryClient';
import { DEFAULT_CAPS, DEFAULT_TIMEOUTS, RegistryCaps } from './options';
import { heldSecrets } from './secrets';
import {
  FetchedManifest,
  ImageDetails,
  RegistryCallOptions,
  RegistryClient,
  RegistryError,
  RegistryErrorKind,
  RepositoryInfo,
  TagMutability,
} from './types';

type EcrSdk = typeof import('@aws-sdk/client-ecr');
let loadedSdk: EcrSdk | undefined;

/**
 * The SDK's ECR module (commands, exception classes), loaded on the first ECR call: it is the
 * slowest part of the engine to load, and a process that never checks an ECR image (other
 * registries, `analyze`, `classify`) must not pay for it. The `ECRClient` itself comes from the
 * caller.
 */
function sdk(): EcrSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loadedSdk ??= require('@aws-sdk/client-ecr') as EcrSdk;
  return loadedSdk;
}

/**
 * Options of {@link EcrRegistryClient}.
 *
 * @internal
 */
export interface EcrRegistryClientOptions {
  /** The registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
  registry: string;
  ecr: EcrRegistryInfo;
  /** An ECR client for the registry's region, with the caller's credentials and endpoint. */
  client: ECRClient;
  /** HTTP layer for the Distribution endpoint (config blobs). */
  http: SafeHttpClient;
  /**
   * Base URL of the registry's Distribution API, for config blobs; default `https://<registry>`.
   * Override it for local stand-ins.
   */
  distributionBaseUrl?: string;
  caps?: Pick<RegistryCaps, 'manifestBytes' | 'blobBytes'>;
  /**
   * Limit for one AWS API call, the SDK's retries included. Default 30 s. A call that reaches it
   * fails with `timeout`; a call the caller's signal aborts fails with `canceled`.
   */
  apiTimeoutMs?: number;
}

/** ECR allows 100 digests per BatchCheckLayerAvailability call. */
const LAYER_BATCH = 100;
const MAX_DESCRIBE_PAGES = 1000;
const TOKEN_EXPIRY_MARGIN_MS = 60_000;

const AWS_ERROR_KINDS: Record<string, RegistryErrorKind> = {
  // The request was malformed (an invalid repository name, tag or digest), per the ECR API
  // reference ("The specified parameter is invalid"; "There was an exception validating this
  // request").
  InvalidParameterException: 'invalid-argument',
  ValidationException: 'invalid-argument',
  RepositoryNotFoundException: 'repository-not-found',
  ImageNotFoundException: 'manifest-not-found',
  ImageArchivedException: 'manifest-not-found',
  LayersNotFoundException: 'blob-not-found',
  AccessDeniedException: 'denied',
  AccessDenied: 'denied',
  KmsException: 'denied',
  BlockedByOrganizationPolicyException: 'denied',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  ThrottledException: 'throttled',
  TooManyRequestsException: 'throttled',
  RequestLimitExceeded: 'throttled',
  LimitExceededException: 'throttled',
  SlowDown: 'throttled',
  UnrecognizedClientException: 'unauthorized',
  InvalidSignatureException: 'unauthorized',
  SignatureDoesNotMatch: 'unauthorized',
  ExpiredTokenException: 'unauthorized',
  ExpiredToken: 'unauthorized',
  InvalidClientTokenId: 'unauthorized',
  CredentialsProviderError: 'unauthorized',
  TimeoutError: 'timeout',
  // The SDK's name for a request its abort signal stopped. `call` tells the caller's abort
  // (canceled) from its own time limit (timeout) by the signals themselves.
  AbortError: 'canceled',
  RequestTimeout: 'timeout',
  RequestTimeoutException: 'timeout',
  UnableToGetUpstreamImageException: 'network',
  ServerException: 'network',
  ServiceUnavailable: 'network',
  ServiceUnavailableException: 'network',
  InternalFailure: 'network',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * Maps an AWS SDK error to a RegistryError (RepositoryNotFoundException → repository-not-found,
 * InvalidParameterException → invalid-argument, AccessDeniedException → denied, throttling →
 * throttled, expired credentials → unauthorized…). `awsCode` is the exception name when an AWS
 * API answered; `networkCode` the Node system error code when the connection failed.
 *
 * @internal
 */
export function awsRegistryError(
  error: unknown,
  registry: string,
  action: string,
): RegistryError {
  if (error instanceof RegistryError) {
    return error;
  }
  // Not our error: an SDK exception, or a Node or SDK client-side error. Their fields are all
  // there is to read.
  const err = error as { name?: unknown; code?: unknown; message?: unknown };
  const name = typeof err?.name === 'string' ? err.name : 'Error';
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const answered = sdk().ECRServiceException.isInstance(error);
  let kind: RegistryErrorKind = AWS_ERROR_KINDS[name] ?? 'bad-response';
  if (!answered && code === 'ETIMEDOUT') kind = 'timeout';
  else if (!answered && code && NETWORK_CODES.has(code)) kind = 'network';
  return new RegistryError(
    kind,
    `ECR ${action} failed on ${registry}: ${name}${
      typeof err?.message === 'string' && err.message ? `: ${err.message}` : ''
    }`,
    {
      registry,
      awsCode: answered ? name : undefined,
      networkCode: answered ? undefined : code,
      cause: error,
    },
  );
}

/**
 * `ImageFailure.failureCode` values of BatchGetImage (ECR API reference) and what they mean here.
 * The first three say the image id itself was malformed: the caller's mistake, not "not found".
 */
const FAILURE_KINDS: Record<string, RegistryErrorKind> = {
  InvalidImageDigest: 'invalid-argument',
  InvalidImageTag: 'invalid-argument',
  MissingDigestAndTag: 'invalid-argument',
  ImageNotFound: 'manifest-not-found',
  ImageTagDoesNotMatchDigest: 'manifest-not-found',
  ImageInaccessible: 'manifest-not-found',
  UpstreamAccessDenied: 'denied',
  KmsError: 'denied',
  UpstreamTooManyRequests: 'rate-limited',
  UpstreamUnavailable: 'network',
};

/**
 * The kind of a BatchGetImage failure. ECR documents that an archived image "cannot be pulled"
 * (a pull of it fails with a 404) until it is restored, but no failure code of its own: the
 * ImageFailureCode enum of the ECR API has none, so an `ImageNotFound` whose reason says the
 * image is archived or being restored (activating) is told apart by that reason.
 * (docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html)
 */
function failureKind(failure: ImageFailure | undefined): RegistryErrorKind {
  const code = failure?.failureCode ?? '';
  if (
    code === 'ImageNotFound' &&
    /\b(archived|activating|restor)/i.test(failure?.failureReason ?? '')
  ) {
    return 'image-archived';
  }
  return FAILURE_KINDS[code] ?? 'bad-response';
}

function failureError(
  failure: ImageFailure | undefined,
  registry: string,
  subject: string,
): RegistryError {
  const code = failure?.failureCode;
  if (!code) {
    return new RegistryError(
      'bad-response',
      `ECR returned neither ${subject} nor a failure`,
      {
        registry,
      },
    );
  }
  return new RegistryError(
    failureKind(failure),
    `${subject} not available on ${registry}: ${code}${
      failure?.failureReason ? ` (${failure.failureReason})` : ''
    }`,
    { registry, awsCode: code },
  );
}

/** The image of a BatchGetImage answer that carries a manifest, if any. */
function manifestOf(output: BatchGetImageCommandOutput): Image | undefined {
  return output.images?.find(i => typeof i.imageManifest === 'string');
}

const TAG_MUTABILITY: readonly TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'MUTABLE_WITH_EXCLUSION',
  'IMMUTABLE_WITH_EXCLUSION',
];

function toImageDetails(detail: ImageDetail): ImageDetails {
  const details: ImageDetails = {
    digest: detail.imageDigest ?? '',
    tags: detail.imageTags ?? [],
  };
  if (detail.imageSizeInBytes !== undefined)
    details.sizeInBytes = detail.imageSizeInBytes;
  if (detail.imagePushedAt) details.pushedAt = detail.imagePushedAt;
  if (detail.lastRecordedPullTime)
    details.lastRecordedPullTime = detail.lastRecordedPullTime;
  if (detail.imageStatus) details.status = detail.imageStatus;
  if (detail.lastArchivedAt) details.lastArchivedAt = detail.lastArchivedAt;
  if (detail.subjectManifestDigest)
    details.subjectManifestDigest = detail.subjectManifestDigest;
  if (detail.imageManifestMediaType)
    details.manifestMediaType = detail.imageManifestMediaType;
  if (detail.artifactMediaType)
    details.artifactMediaType = detail.artifactMediaType;
  return details;
}

/**
 * A private ECR registry through the ECR API (`BatchGetImage` with every manifest media type,
 * `BatchCheckLayerAvailability`, `DescribeRepositories`, `GetLifecyclePolicy`, `DescribeImages`),
 * and through the registry's Distribution endpoint, authenticated with `GetAuthorizationToken`
 * as docker does, for config blobs (the ECR API has no blob read).
 *
 * @internal
 */
export class EcrRegistryClient implements RegistryClient {
  readonly registry: string;
  private readonly registryId: string;
  private readonly client: ECRClient;
  private readonly http: SafeHttpClient;
  private readonly baseUrl: string;
  private readonly caps: Required<
    Pick<RegistryCaps, 'manifestBytes' | 'blobBytes'>
  >;
  private readonly apiTimeoutMs: number;
  private token?: { username: string; password: string; expiresAt: number };
  /** The GetAuthorizationToken call in flight, shared by the callers that need a login. */
  private tokenRequest?: SharedWork<{ username: string; password: string }>;
  private distribution?: OciRegistryClient;
  /** False once ECR refused the `imageStatus` filter (older API or a stand-in). */
  private statusFilter = true;

  constructor(options: EcrRegistryClientOptions) {
    this.registry = options.registry;
    this.registryId = options.ecr.accountId;
    this.client = options.client;
    this.http = options.http;
    this.baseUrl = (
      options.distributionBaseUrl ?? `https://${options.registry}`
    ).replace(/\/+$/, '');
    this.caps = {
      manifestBytes: options.caps?.manifestBytes ?? DEFAULT_CAPS.manifestBytes,
      blobBytes: options.caps?.blobBytes ?? DEFAULT_CAPS.blobBytes,
    };
    this.apiTimeoutMs = options.apiTimeoutMs ?? DEFAULT_TIMEOUTS.awsApiMs;
  }

  async getManifest(
    repository: string,
    reference: string,
    options: RegistryCallOptions = {},
  ): Promise<FetchedManifest> {
    const byDigest = isDigestReference(reference);
    if (byDigest) assertDigest(reference, this.registry);
    const subject = `the manifest ${repository}${
      byDigest ? '@' : ':'
    }${reference}`;
    const output = await this.batchGetImage(
      subject,
      repository,
      byDigest ? { imageDigest: reference } : { imageTag: reference },
      options,
    );
    const image = manifestOf(output);
    if (!image) {
      throw failureError(output.failures?.[0], this.registry, subject);
    }
    const bytes = Buffer.from(image.imageManifest!, 'utf8');
    if (bytes.length > this.caps.manifestBytes) {
      throw new RegistryError(
        'too-large',
        `${subject} is ${bytes.length} bytes; the limit is ${this.caps.manifestBytes}`,
        { registry: this.registry },
      );
    }
    const claimed = image.imageId?.imageDigest;
    return verifiedManifest({
      bytes,
      registry: this.registry,
      repository,
      reference,
      declaredMediaType: image.imageManifestMediaType,
      claimedDigest: claimed
        ? { digest: claimed, source: "ECR's imageDigest" }
        : undefined,
    });
  }

  /**
   * `BatchGetImage` by digest. It is the call a pull makes, so "exists" means what ECS needs: the
   * manifest can be pulled by that digest now. `DescribeImages` was the alternative; it is not
   * used here because it (asked with `imageStatus: ANY`, as `describeImage` does) also lists
   * archived images, which cannot be pulled, and it needs `ecr:DescribeImages`, which the
   * auditor may lack while the image checks still run. The deployed-digest check reads
   * `describeImage` separately for the ARCHIVED / ACTIVATING status. The manifest that comes
   * back is dropped, not cached: document caching is the inspector's alone.
   * An `ImageNotFound` failure is false; a missing repository throws `repository-not-found`
   * (`RepositoryNotFoundException`); every other failure throws as in `getManifest`.
   */
  async manifestExists(
    repository: string,
    digest: string,
    options: RegistryCallOptions = {},
  ): Promise<boolean> {
    assertDigest(digest, this.registry);
    const subject = `the manifest ${repository}@${digest}`;
    const output = await this.batchGetImage(
      subject,
      repository,
      { imageDigest: digest },
      options,
    );
    if (manifestOf(output)) {
      return true;
    }
    const failure = output.failures?.[0];
    // An archived image exists but cannot be pulled: that throws (`image-archived`).
    if (
      failure?.failureCode === 'ImageNotFound' &&
      failureKind(failure) !== 'image-archived'
    ) {
      return false;
    }
    throw failureError(failure, this.registry, subject);
  }

  async getBlob(
    repository: string,
    digest: string,
    options: RegistryCallOptions = {},
  ): Promise<Buffer> {
    this.distribution ??= new OciRegistryClient({
      registry: this.registry,
      baseUrl: this.baseUrl,
      http: this.http,
      caps: this.caps,
      credentialsFor: (_registry, call) => this.authorizationToken(call),
    });
    try {
      return await this.distribution.getBlob(repository, digest, options);
    } catch (error) {
      const cause =
        error instanceof RegistryError
          ? error
          : awsRegistryError(error, this.registry, 'GetAuthorizationToken');
      throw new RegistryError(
        cause.kind,
        `the blob ${repository}@${digest} could not be read through the registry endpoint ${this.baseUrl}: ${cause.message}`,
        {
          registry: this.registry,
          httpStatus: cause.httpStatus,
          awsCode: cause.awsCode,
          networkCode: cause.networkCode,
          cause,
        },
      );
    }
  }

  /**
   * `BatchCheckLayerAvailability`, 100 digests a call, one call after the other; no call starts
   * after an abort. A digest ECR reports as an `InvalidLayerDigest` failure is the caller's
   * mistake (`invalid-argument`); a missing or unavailable layer is false.
   */
  async blobsExist(
    repository: string,
    digests: string[],
    options: RegistryCallOptions = {},
  ): Promise<Map<string, boolean>> {
    const unique = [...new Set(digests)];
    unique.forEach(d => assertDigest(d, this.registry));
    const result = new Map(unique.map(d => [d, false] as [string, boolean]));
    for (let i = 0; i < unique.length; i += LAYER_BATCH) {
      const batch = unique.slice(i, i + LAYER_BATCH);
      const output = await this.call(
        `BatchCheckLayerAvailability in ${repository}`,
        signal =>
          this.client.send(
            new (sdk().BatchCheckLayerAvailabilityCommand)({
              registryId: this.registryId,
              repositoryName: repository,
              layerDigests: batch,
            }),
            { abortSignal: signal },
          ),
        options,
      );
      const invalid = output.failures?.find(
        f => f.failureCode === 'InvalidLayerDigest',
      );
      if (invalid) {
        throw new RegistryError(
          'invalid-argument',
          `ECR refused the layer digest ${
            invalid.layerDigest ?? '(none)'
          } of ${repository}: InvalidLayerDigest${
            invalid.failureReason ? ` (${invalid.failureReason})` : ''
          }`,
          { registry: this.registry, awsCode: 'InvalidLayerDigest' },
        );
      }
      for (const layer of output.layers ?? []) {
        if (layer.layerDigest && result.has(layer.layerDigest)) {
          result.set(
            layer.layerDigest,
            layer.layerAvailability === 'AVAILABLE',
          );
        }
      }
    }
    return result;
  }

  async getRepositoryInfo(
    repository: string,
    options: RegistryCallOptions = {},
  ): Promise<RepositoryInfo> {
    const [described, lifecyclePolicyText] = await Promise.all([
      this.call(
        `DescribeRepositories for ${repository}`,
        signal =>
          this.client.send(
            new (sdk().DescribeRepositoriesCommand)({
              registryId: this.registryId,
              repositoryNames: [repository],
            }),
            { abortSignal: signal },
          ),
        options,
      ),
      this.call(
        `GetLifecyclePolicy for ${repository}`,
        signal =>
          this.client
            .send(
              new (sdk().GetLifecyclePolicyCommand)({
                registryId: this.registryId,
                repositoryName: repository,
              }),
              { abortSignal: signal },
            )
            .then(
              out => out.lifecyclePolicyText,
              error => {
                if (error instanceof sdk().LifecyclePolicyNotFoundException)
                  return undefined;
                throw error;
              },
            ),
        options,
      ),
    ]);
    const repo =
      described.repositories?.find(r => r.repositoryName === repository) ??
      described.repositories?.[0];
    if (!repo) {
      throw new RegistryError(
        'repository-not-found',
        `repository ${repository} not found on ${this.registry}`,
        {
          registry: this.registry,
        },
      );
    }
    const mutability =
      TAG_MUTABILITY.find(m => m === repo.imageTagMutability) ?? 'UNKNOWN';
    const info: RepositoryInfo = { tagMutability: mutability };
    const filters = repo.imageTagMutabilityExclusionFilters ?? [];
    if (filters.length > 0) {
      info.exclusionFilters = filters.map(f => ({
        filterType: f.filterType ?? 'WILDCARD',
        filter: f.filter ?? '',
      }));
    }
    if (lifecyclePolicyText) info.lifecyclePolicyText = lifecyclePolicyText;
    return info;
  }

  async describeImage(
    repository: string,
    reference: { tag?: string; digest?: string },
    options: RegistryCallOptions = {},
  ): Promise<ImageDetails | undefined> {
    const imageId = reference.digest
      ? { imageDigest: reference.digest }
      : reference.tag && { imageTag: reference.tag };
    if (!imageId) return undefined;
    try {
      const output = await this.describeImages(
        `DescribeImages for ${repository}`,
        {
          registryId: this.registryId,
          repositoryName: repository,
          imageIds: [imageId],
        },
        options,
      );
      const detail = output.imageDetails?.[0];
      return detail ? toImageDetails(detail) : undefined;
    } catch (error) {
      if (
        error instanceof RegistryError &&
        error.awsCode === 'ImageNotFoundException'
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** Every page of DescribeImages, one after the other; no page is asked for after an abort. */
  async listImages(
    repository: string,
    options: RegistryCallOptions = {},
  ): Promise<ImageDetails[]> {
    const images: ImageDetails[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_DESCRIBE_PAGES; page++) {
      const output = await this.describeImages(
        `DescribeImages for ${repository}`,
        {
          registryId: this.registryId,
          repositoryName: repository,
          maxResults: 1000,
          nextToken,
        },
        options,
      );
      images.push(...(output.imageDetails ?? []).map(toImageDetails));
      nextToken = output.nextToken;
      if (!nextToken) break;
    }
    return images;
  }

  /** One image by tag or digest through BatchGetImage, asking for every manifest media type. */
  private batchGetImage(
    subject: string,
    repository: string,
    imageId: ImageIdentifier,
    options: RegistryCallOptions,
  ): Promise<BatchGetImageCommandOutput> {
    return this.call(
      `BatchGetImage for ${subject}`,
      signal =>
        this.client.send(
          new (sdk().BatchGetImageCommand)({
            registryId: this.registryId,
            repositoryName: repository,
            imageIds: [imageId],
            acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
          }),
          { abortSignal: signal },
        ),
      options,
    );
  }

  /**
   * DescribeImages asking for every image status (archived too), without the filter where
   * refused. A refusal of the filtered request only proves the filter unsupported when the same
   * request without it succeeds; an invalid argument (a bad repository name) fails both, and
   * leaves the filter in use.
   */
  private async describeImages(
    action: string,
    input: DescribeImagesCommandInput,
    options: RegistryCallOptions,
  ): Promise<DescribeImagesCommandOutput> {
    const send = (withFilter: boolean) =>
      this.call(
        action,
        signal =>
          this.client.send(
            new (sdk().DescribeImagesCommand)(
              withFilter ? { ...input, filter: { imageStatus: 'ANY' } } : input,
            ),
            { abortSignal: signal },
          ),
        options,
      );
    if (!this.statusFilter) return send(false);
    try {
      return await send(true);
    } catch (error) {
      if (
        !(error instanceof RegistryError && error.kind === 'invalid-argument')
      )
        throw error;
      const output = await send(false);
      this.statusFilter = false;
      return output;
    }
  }

  /**
   * The Distribution API login, as `docker login` gets it: `AWS:<password>` from
   * GetAuthorizationToken. The call is shared by the callers that need it at once, so it runs
   * under its own time limit and none of their signals: each caller stops waiting on its own
   * abort, and the call is aborted only when every caller has. An aborted call caches nothing.
   */
  private async authorizationToken(options: RegistryCallOptions = {}): Promise<{
    username: string;
    password: string;
  }> {
    const { signal } = options;
    if (this.token && this.token.expiresAt > Date.now()) {
      return this.token;
    }
    if (signal?.aborted) {
      throw canceledError(
        signal,
        `ECR GetAuthorizationToken for ${this.registry}`,
        this.registry,
      );
    }
    if (!this.tokenRequest || this.tokenRequest.abandoned) {
      // The shared call keeps the first caller's bound on requests in flight.
      const { requestSlots } = options;
      const work = new SharedWork(
        shared =>
          this.fetchAuthorizationToken({ signal: shared, requestSlots }),
        aborted =>
          canceledError(
            aborted,
            `ECR GetAuthorizationToken for ${this.registry}`,
            this.registry,
          ),
      );
      work.done.then(() => {
        if (this.tokenRequest === work) this.tokenRequest = undefined;
      });
      this.tokenRequest = work;
    }
    return this.tokenRequest.wait(signal);
  }

  private async fetchAuthorizationToken(
    call: RegistryCallOptions,
  ): Promise<{ username: string; password: string }> {
    const output = await this.call(
      'GetAuthorizationToken',
      callSignal =>
        this.client.send(new (sdk().GetAuthorizationTokenCommand)({}), {
          abortSignal: callSignal,
        }),
      call,
    );
    const data = output.authorizationData?.[0];
    const decoded = Buffer.from(
      data?.authorizationToken ?? '',
      'base64',
    ).toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new RegistryError(
        'bad-response',
        'GetAuthorizationToken returned no usable token',
        {
          registry: this.registry,
        },
      );
    }
    const expiresAt =
      (data?.expiresAt?.getTime() ?? Date.now() + 3_600_000) -
      TOKEN_EXPIRY_MARGIN_MS;
    this.token = {
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
      expiresAt,
    };
    // The token in every form it travels in: as ECR gave it, and as the Basic login it makes.
    heldSecrets.add(data?.authorizationToken);
    heldSecrets.addCredentials(this.token);
    return this.token;
  }

  /**
   * One AWS call under the caller's signal and the per-call time limit (whichever fires first
   * aborts the SDK request, which destroys its socket), its errors mapped: the caller's abort is
   * `canceled`, the time limit `timeout`, and anything else as {@link awsRegistryError} says.
   * The wait ends at the abort even where the SDK would go on (a retry back-off). The call runs
   * in one slot of `options.requestSlots` when given; its time limit starts once it has one.
   */
  private async call<T>(
    action: string,
    send: (signal: AbortSignal) => Promise<T>,
    options: RegistryCallOptions,
  ): Promise<T> {
    const caller = options.signal;
    const canceled = () =>
      canceledError(
        caller!,
        `ECR ${action} on ${this.registry}`,
        this.registry,
      );
    if (caller?.aborted) throw canceled();
    const slots = options.requestSlots;
    if (slots) {
      return slots.run(
        () => this.call(action, send, { signal: caller }),
        caller,
      );
    }
    const limit = AbortSignal.timeout(this.apiTimeoutMs);
    const signal = caller ? AbortSignal.any([caller, limit]) : limit;
    try {
      return await abortable(send(signal), signal, () => new Error('aborted'));
    } catch (error) {
      if (caller?.aborted) throw canceled();
      if (limit.aborted) {
        throw new RegistryError(
          'timeout',
          `ECR ${action} on ${this.registry} did not finish within ${this.apiTimeoutMs} ms`,
          { registry: this.registry, cause: error },
        );
      }
      throw awsRegistryError(error, this.registry, action);
    }
  }
}
