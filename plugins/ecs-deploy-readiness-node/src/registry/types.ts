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

import type { ImageDetails, RepositoryInfo } from '../analysis/repositoryFacts';
import { ImageReference } from '../reference/types';
import { heldSecrets } from './secrets';

export type {
  ImageDetails,
  RepositoryInfo,
  TagMutability,
} from '../analysis/repositoryFacts';

/**
 * Why a registry call failed. The inspection turns these into findings (`repository-not-found`,
 * `tag-not-found`, `missing-blob`, `invalid-reference`, `unverifiable`…), never into crashes.
 *
 * - `invalid-argument`: the caller asked for something that cannot exist (an invalid repository
 *   name, tag or digest); the registry was not asked, or it rejected the request as malformed.
 *   Never reported as "not found".
 * - `canceled`: the caller's `AbortSignal` fired; nothing can be concluded.
 * - `image-archived`: ECR has the image but in its archive storage class (`ARCHIVED`) or
 *   being restored (`ACTIVATING`): it cannot be pulled until restored. Not "not found".
 *
 * @public
 */
export type RegistryErrorKind =
  | 'invalid-argument'
  | 'canceled'
  | 'repository-not-found'
  | 'manifest-not-found'
  | 'image-archived'
  | 'blob-not-found'
  | 'unauthorized'
  | 'denied'
  | 'rate-limited'
  | 'throttled'
  | 'timeout'
  | 'network'
  | 'too-large'
  | 'digest-mismatch'
  | 'blocked-address'
  | 'redirect-limit'
  | 'bad-response';

/**
 * Options of {@link RegistryError}.
 *
 * @public
 */
export interface RegistryErrorOptions {
  /** The HTTP status the registry answered with, when there was an HTTP answer. */
  httpStatus?: number;
  /**
   * The AWS error: an exception name (`RepositoryNotFoundException`) or an ECR failure code
   * (`ImageNotFound`), when an AWS API answered.
   */
  awsCode?: string;
  /** Node's system error code of a failed connection (`ECONNREFUSED`, `ENOTFOUND`…). */
  networkCode?: string;
  /** Registry host the call went to. */
  registry?: string;
  /** The underlying error, kept as the error's `cause`. */
  cause?: unknown;
}

/**
 * An error from a registry or from the engine's own safety limits. Tell it with `instanceof`.
 * Its message often quotes the registry's own text; every credential the process holds (see
 * `heldSecrets`) and every credential-shaped value in it is redacted when the error is made.
 *
 * @public
 */
export class RegistryError extends Error {
  /** Why the call failed. */
  readonly kind: RegistryErrorKind;
  /** The HTTP status the registry answered with, when there was an HTTP answer. */
  readonly httpStatus?: number;
  /** The AWS exception name or ECR failure code, when an AWS API answered. */
  readonly awsCode?: string;
  /** Node's system error code of a failed connection (`ECONNREFUSED`, `ENOTFOUND`…). */
  readonly networkCode?: string;
  /** Registry host the call went to, when known. */
  readonly registry?: string;

  constructor(
    kind: RegistryErrorKind,
    message: string,
    options: RegistryErrorOptions = {},
  ) {
    super(heldSecrets.redact(message), { cause: options.cause });
    this.name = 'RegistryError';
    this.kind = kind;
    this.httpStatus = options.httpStatus;
    this.awsCode = options.awsCode;
    this.networkCode = options.networkCode;
    this.registry = options.registry;
  }
}

/**
 * Per-call options of every {@link RegistryClient} method.
 *
 * @public
 */
export interface RegistryCallOptions {
  /**
   * Aborts the call: pending requests are destroyed (no socket is left open) and the call
   * rejects with a RegistryError of kind `canceled`.
   */
  signal?: AbortSignal;
  /**
   * The bound on requests in flight the call must keep (the inspector's concurrency): every
   * request the call sends, HTTP or AWS API, runs in one of its slots. Without it, the call is
   * bounded by its client's own limits only.
   */
  requestSlots?: RequestSlots;
}

/**
 * A bound on requests in flight, shared by every call given it. A registry client runs each
 * request it sends (one HTTP request with its redirects, one AWS API call) in one slot, from
 * just before it is sent until its answer is read, and holds no slot while it waits for
 * anything else (a token, credentials, another request), so slots cannot deadlock.
 *
 * @public
 */
export interface RequestSlots {
  /** Most requests in flight at once. */
  readonly limit: number;
  /**
   * Runs `task` in a slot once one is free, in arrival order. Rejects with a RegistryError of
   * kind `canceled`, without running it, when `signal` fires while it waits.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * What a registry says a tag points at, without the document: its digest and media type.
 *
 * @public
 */
export interface TagTarget {
  /** Digest of the manifest or index the tag points at now. */
  digest: string;
  /** The media type the registry declared for it, when it did. */
  mediaType?: string;
}

/**
 * A manifest or index as fetched: its exact bytes, verified against its digest.
 *
 * @public
 */
export interface FetchedManifest {
  /** Digest of `bytes` (`sha256:…`); when fetched by digest, verified to equal it. */
  digest: string;
  /**
   * The manifest's media type: its own `mediaType` field, else what the registry declared
   * (Content-Type, ECR's `imageManifestMediaType`) unless generic. Same rule as the parsed
   * document's (`effectiveMediaType`).
   */
  mediaType?: string;
  /** The document's exact bytes, as the registry served them. */
  bytes: Buffer;
}

/**
 * Read access to one registry. Every method either resolves or throws a RegistryError.
 *
 * @public
 */
export interface RegistryClient {
  /** Registry host this client talks to. */
  readonly registry: string;
  /**
   * Fetches a manifest or index by tag or digest, asking for every manifest media type.
   */
  getManifest(
    repository: string,
    reference: string,
    options?: RegistryCallOptions,
  ): Promise<FetchedManifest>;
  /**
   * Whether the repository holds the manifest or index `digest` now, as the registry answers it
   * (OCI Distribution: `HEAD /v2/<name>/manifests/<digest>`; ECR: `BatchGetImage`). Resolves
   * false when the registry says the manifest is unknown; throws a RegistryError of kind
   * `repository-not-found` when the repository itself does not exist, and as
   * {@link RegistryClient.getManifest} does for every other failure.
   */
  manifestExists(
    repository: string,
    digest: string,
    options?: RegistryCallOptions,
  ): Promise<boolean>;
  /**
   * The digest a tag points at now, without its content (OCI Distribution:
   * `HEAD /v2/<name>/manifests/<tag>` and its `Docker-Content-Digest`). Resolves undefined when
   * the registry does not say (the caller then fetches the manifest); throws as
   * {@link RegistryClient.getManifest} does. Optional: without it, a tag is always fetched.
   */
  tagDigest?(
    repository: string,
    tag: string,
    options?: RegistryCallOptions,
  ): Promise<TagTarget | undefined>;
  /** Fetches a small blob (a config) by digest, size-capped and verified against the digest. */
  getBlob(
    repository: string,
    digest: string,
    options?: RegistryCallOptions,
  ): Promise<Buffer>;
  /** Which of these blobs exist (HEAD, or ECR BatchCheckLayerAvailability). */
  blobsExist(
    repository: string,
    digests: string[],
    options?: RegistryCallOptions,
  ): Promise<Map<string, boolean>>;
  /** Registry-specific repository facts; undefined where the registry has no such API. */
  getRepositoryInfo?(
    repository: string,
    options?: RegistryCallOptions,
  ): Promise<RepositoryInfo | undefined>;
  /** Registry-specific image facts (ECR DescribeImages); undefined when unknown. */
  describeImage?(
    repository: string,
    reference: { tag?: string; digest?: string },
    options?: RegistryCallOptions,
  ): Promise<ImageDetails | undefined>;
  /**
   * Every image of a repository (ECR DescribeImages, all pages), for evaluating lifecycle rules
   * such as `imageCountMoreThan`. Undefined where the registry has no such API.
   */
  listImages?(
    repository: string,
    options?: RegistryCallOptions,
  ): Promise<ImageDetails[]>;
}

/**
 * Gives the client for the registry of a reference. Clients are created lazily and reused; they
 * keep no answers (the inspector's audit memo and document cache do).
 *
 * @public
 */
export interface RegistryClientProvider {
  /**
   * The client for the registry the reference names.
   *
   * @param reference - the image reference whose registry the client reads
   * @param options - `anonymous: true` asks for a client that sends no credentials at all
   *   (anonymous pulls and anonymous tokens only), e.g. to tell whether an image is public; it is
   *   a separate client from the credentialed one. Providers whose registry cannot be read
   *   without credentials (private ECR, read through the AWS API) may ignore it.
   */
  forReference(
    reference: ImageReference,
    options?: { anonymous?: boolean },
  ): RegistryClient;
}
