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

import { digestProblem } from '../reference/digest';
import { computeDigest, digestAlgorithm, manifestDigest } from './digest';
import { isDigestReference } from './documents';
import {
  DocumentCache,
  FetchedManifest,
  ImageDetails,
  RegistryClient,
  RegistryClientProvider,
  RepositoryInfo,
} from './types';
import { ImageReference } from '../reference/types';

/**
 * A bounded in-memory {@link DocumentCache}: least recently used documents are evicted once the
 * total size passes `maxBytes` (default 64 MiB). Documents larger than the bound are not kept.
 *
 * @public
 */
export class InMemoryDocumentCache implements DocumentCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly maxBytes: number;
  private totalBytes = 0;

  constructor(options: { maxBytes?: number } = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes currently held. */
  get size(): number {
    return this.totalBytes;
  }

  async get(digest: string): Promise<Buffer | undefined> {
    const bytes = this.entries.get(digest);
    if (bytes) {
      this.entries.delete(digest);
      this.entries.set(digest, bytes);
    }
    return bytes;
  }

  async set(digest: string, bytes: Buffer): Promise<void> {
    const previous = this.entries.get(digest);
    if (previous) {
      this.entries.delete(digest);
      this.totalBytes -= previous.length;
    }
    if (bytes.length > this.maxBytes) {
      return;
    }
    this.entries.set(digest, bytes);
    this.totalBytes += bytes.length;
    for (const [key, value] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.totalBytes -= value.length;
    }
  }
}

/**
 * Options of {@link CachingRegistryClient}.
 *
 * @public
 */
export interface CachingRegistryClientOptions {
  /** Where documents fetched by digest are kept (across audits when it is persistent). */
  cache?: DocumentCache;
  /**
   * Remember answers that can change (tag lookups, blob existence, repository and image facts)
   * for the life of this client. Use it for a client that lives for one audit only.
   */
  auditScoped?: boolean;
}

/** True when cached bytes still hash to the digest they are stored under. */
function intact(bytes: Buffer, digest: string, manifest: boolean): boolean {
  const algorithm = digestAlgorithm(digest);
  return (
    (manifest
      ? manifestDigest(bytes, algorithm)
      : computeDigest(bytes, algorithm)) === digest
  );
}

/**
 * Wraps a RegistryClient: manifests and blobs fetched by digest come from the DocumentCache when
 * there (re-verified, so a corrupt cache entry is a miss), concurrent identical requests share one
 * fetch, and, when `auditScoped`, everything else is remembered for the life of the wrapper (one
 * audit) but never put in the persistent cache. A tag's answer is never persisted: tags move.
 *
 * Note: a document found in the cache by digest is not re-checked against the registry, so it
 * says nothing about whether a repository still holds that digest; use `describeImage` (ECR) or
 * an uncached client for that question.
 *
 * @public
 */
export class CachingRegistryClient implements RegistryClient {
  readonly registry: string;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly inner: RegistryClient;
  private readonly cache?: DocumentCache;
  private readonly auditScoped: boolean;

  constructor(
    inner: RegistryClient,
    options: CachingRegistryClientOptions = {},
  ) {
    this.inner = inner;
    this.registry = inner.registry;
    this.cache = options.cache;
    this.auditScoped = options.auditScoped ?? false;
    if (inner.getRepositoryInfo) {
      this.getRepositoryInfo = repository =>
        this.once(`repo\n${repository}`, () =>
          inner.getRepositoryInfo!(repository),
        );
    }
    if (inner.describeImage) {
      this.describeImage = (repository, reference) =>
        this.once(
          `image\n${repository}\n${reference.tag ?? ''}\n${
            reference.digest ?? ''
          }`,
          () => inner.describeImage!(repository, reference),
        );
    }
    if (inner.listImages) {
      this.listImages = repository =>
        this.once(`images\n${repository}`, () => inner.listImages!(repository));
    }
  }

  getRepositoryInfo?: (
    repository: string,
  ) => Promise<RepositoryInfo | undefined>;
  describeImage?: (
    repository: string,
    reference: { tag?: string; digest?: string },
  ) => Promise<ImageDetails | undefined>;
  listImages?: (repository: string) => Promise<ImageDetails[]>;

  getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    if (!isDigestReference(reference) || digestProblem(reference)) {
      return this.once(`manifest\n${repository}\n${reference}`, async () => {
        const manifest = await this.inner.getManifest(repository, reference);
        await this.store(manifest.digest, manifest.bytes);
        return manifest;
      });
    }
    return this.once(`manifest\n${repository}\n${reference}`, async () => {
      const cached = await this.lookup(reference, true);
      if (cached) {
        return {
          digest: reference,
          bytes: cached,
          mediaType: mediaTypeOf(cached),
        };
      }
      const manifest = await this.inner.getManifest(repository, reference);
      await this.store(manifest.digest, manifest.bytes);
      return manifest;
    });
  }

  getBlob(repository: string, digest: string): Promise<Buffer> {
    return this.once(`blob\n${repository}\n${digest}`, async () => {
      const cached = digestProblem(digest)
        ? undefined
        : await this.lookup(digest, false);
      if (cached) return cached;
      const bytes = await this.inner.getBlob(repository, digest);
      await this.store(digest, bytes);
      return bytes;
    });
  }

  blobsExist(
    repository: string,
    digests: string[],
  ): Promise<Map<string, boolean>> {
    const key = `blobs\n${repository}\n${[...new Set(digests)]
      .sort()
      .join(',')}`;
    return this.once(key, () => this.inner.blobsExist(repository, digests));
  }

  /**
   * Runs `fetch` once per key: concurrent callers share the promise; when audit-scoped, later
   * callers get the settled result too (failures included, so one audit sees one answer).
   */
  private once<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const known = (this.memo.get(key) ?? this.inflight.get(key)) as
      | Promise<T>
      | undefined;
    if (known) return known;
    const promise = fetch();
    if (this.auditScoped) {
      this.memo.set(key, promise);
    } else {
      this.inflight.set(key, promise);
      promise.then(
        () => this.inflight.delete(key),
        () => this.inflight.delete(key),
      );
    }
    return promise;
  }

  private async lookup(
    digest: string,
    manifest: boolean,
  ): Promise<Buffer | undefined> {
    if (!this.cache) return undefined;
    try {
      const bytes = await this.cache.get(digest);
      return bytes && intact(bytes, digest, manifest) ? bytes : undefined;
    } catch {
      return undefined;
    }
  }

  private async store(digest: string, bytes: Buffer): Promise<void> {
    try {
      await this.cache?.set(digest, bytes);
    } catch {
      // A cache that cannot store only costs a refetch later.
    }
  }
}

/** The media type a manifest states about itself (cached documents have no Content-Type). */
function mediaTypeOf(bytes: Buffer): string | undefined {
  try {
    const mediaType = JSON.parse(bytes.toString('utf8'))?.mediaType;
    return typeof mediaType === 'string' ? mediaType : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A provider for one audit: every client it gives is an audit-scoped {@link CachingRegistryClient}
 * over the underlying provider's client, sharing `cache`. Create one per audit and drop it after.
 *
 * @public
 */
export class AuditRegistryClientProvider implements RegistryClientProvider {
  private readonly clients = new Map<RegistryClient, CachingRegistryClient>();

  constructor(
    private readonly provider: RegistryClientProvider,
    private readonly cache?: DocumentCache,
  ) {}

  forReference(reference: ImageReference): RegistryClient {
    const inner = this.provider.forReference(reference);
    let client = this.clients.get(inner);
    if (!client) {
      client = new CachingRegistryClient(inner, {
        cache: this.cache,
        auditScoped: true,
      });
      this.clients.set(inner, client);
    }
    return client;
  }
}
