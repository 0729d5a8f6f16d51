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

import { ImageReference } from '../reference/types';

/**
 * Why a registry call failed. The checks turn these into findings (`repository-not-found`,
 * `tag-not-found`, `missing-blob`, `unverifiable`…), never into crashes.
 *
 * @public
 */
export type RegistryErrorKind =
  | 'repository-not-found'
  | 'manifest-not-found'
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
 * An error from a registry or from the engine's own safety limits.
 *
 * @public
 */
export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  /** HTTP status or AWS error code, when there was one. */
  readonly status?: number | string;
  readonly registry?: string;

  constructor(
    kind: RegistryErrorKind,
    message: string,
    options: {
      status?: number | string;
      registry?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'RegistryError';
    this.kind = kind;
    this.status = options.status;
    this.registry = options.registry;
  }
}

/**
 * A manifest or index as fetched: its exact bytes, verified against its digest.
 *
 * @public
 */
export interface FetchedManifest {
  /** Digest of `bytes` (`sha256:…`); when fetched by digest, verified to equal it. */
  digest: string;
  /** Media type the registry declared (Content-Type, or ECR's `imageManifestMediaType`). */
  mediaType?: string;
  bytes: Buffer;
}

/**
 * Tag mutability of a repository, ECR's names. `UNKNOWN` for registries that do not say.
 *
 * @public
 */
export type TagMutability =
  | 'MUTABLE'
  | 'IMMUTABLE'
  | 'MUTABLE_WITH_EXCLUSION'
  | 'IMMUTABLE_WITH_EXCLUSION'
  | 'UNKNOWN';

/** @public */
export interface RepositoryInfo {
  tagMutability: TagMutability;
  /** ECR `imageTagMutabilityExclusionFilters` (wildcard filters on tags). */
  exclusionFilters?: Array<{ filterType: string; filter: string }>;
  /** The repository's lifecycle policy text (JSON), when there is one. */
  lifecyclePolicyText?: string;
}

/**
 * What ECR's DescribeImages says about one image.
 *
 * @public
 */
export interface ImageDetails {
  digest: string;
  tags: string[];
  sizeInBytes?: number;
  pushedAt?: Date;
  lastRecordedPullTime?: Date;
  /** e.g. `ACTIVE`, `ARCHIVED`, `ACTIVATING` (ECR archive). */
  status?: string;
  manifestMediaType?: string;
  artifactMediaType?: string;
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
   * Fetches a manifest or index by tag or digest, asking for every manifest media type. Read it
   * for its CONTENT only: getting bytes for a digest does not prove that the repository still
   * holds that digest (a wrapper may serve content it fetched earlier in the audit). Ask
   * {@link RegistryClient.manifestExists} for that.
   */
  getManifest(repository: string, reference: string): Promise<FetchedManifest>;
  /**
   * Whether the repository holds the manifest or index `digest` now, as the registry answers it
   * (OCI Distribution: `HEAD /v2/<name>/manifests/<digest>`; ECR: `BatchGetImage`). Never
   * answered from a document cache: a digest's content never changes, its presence does (deletes,
   * lifecycle expiry, garbage collection). Wrappers may remember the answer for one audit only.
   * Resolves false when the registry says the manifest is unknown; throws a RegistryError of
   * kind `repository-not-found` when the repository itself does not exist, and as
   * {@link RegistryClient.getManifest} does for every other failure.
   */
  manifestExists(repository: string, digest: string): Promise<boolean>;
  /** Fetches a small blob (a config) by digest, size-capped and verified against the digest. */
  getBlob(repository: string, digest: string): Promise<Buffer>;
  /** Which of these blobs exist (HEAD, or ECR BatchCheckLayerAvailability). */
  blobsExist(
    repository: string,
    digests: string[],
  ): Promise<Map<string, boolean>>;
  /** Registry-specific repository facts; undefined where the registry has no such API. */
  getRepositoryInfo?(repository: string): Promise<RepositoryInfo | undefined>;
  /** Registry-specific image facts (ECR DescribeImages); undefined when unknown. */
  describeImage?(
    repository: string,
    reference: { tag?: string; digest?: string },
  ): Promise<ImageDetails | undefined>;
  /**
   * Every image of a repository (ECR DescribeImages, all pages), for evaluating lifecycle rules
   * such as `imageCountMoreThan`. Undefined where the registry has no such API.
   */
  listImages?(repository: string): Promise<ImageDetails[]>;
}

/**
 * Content-addressed store for fetched documents (manifests, configs). A document fetched by digest
 * never changes, so it can be kept forever; the backend persists it across audits. It answers
 * "what does this digest contain", never "does the registry still have it": only the
 * `ImageInspector` reads it, for content, and asks {@link RegistryClient.manifestExists} for
 * existence.
 *
 * @public
 */
export interface DocumentCache {
  get(digest: string): Promise<Buffer | undefined>;
  set(digest: string, bytes: Buffer): Promise<void>;
}

/**
 * Gives the client for the registry of a reference. Clients are created lazily and reused.
 *
 * @public
 */
export interface RegistryClientProvider {
  forReference(reference: ImageReference): RegistryClient;
}
