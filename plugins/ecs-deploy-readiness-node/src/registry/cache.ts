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
  DocumentCache,
  FetchedManifest,
  ImageDetails,
  RegistryClient,
  RegistryClientProvider,
  RepositoryInfo,
} from './types';
import { ImageReference } from '../reference/types';

/*
 * Where caching happens in the engine, so that no cache ever answers "does the registry still
 * have this":
 *
 * - Documents by digest (manifests, configs): ONE layer, the `ImageInspector`'s `documentCache`
 *   (an {@link InMemoryDocumentCache} by default; the backend passes a persistent one shared
 *   across audits). It sits in the inspector, which reads documents there only for their
 *   content and asks the registry whether they exist (`RegistryClient.manifestExists`,
 *   `blobsExist`). Below it, every RegistryClient answer is the registry's, from this audit.
 * - Registry answers within one audit: {@link CachingRegistryClient} below, which remembers every
 *   answer (tags, existence, documents, repository and image facts) for the life of one audit and
 *   shares identical requests in flight. It holds no DocumentCache and keeps nothing across audits.
 */

/**
 * A bounded in-memory {@link DocumentCache}, the inspector's default: least recently used
 * documents are evicted once the total size passes `maxBytes` (default 64 MiB). Documents larger
 * than the bound are not kept.
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
  /**
   * Remember every answer (settled promises, failures included) for the life of this client, so
   * one audit sees one answer per question. Use it for a client that lives for one audit only.
   * Without it, only identical requests in flight at the same time are shared.
   */
  auditScoped?: boolean;
}

/**
 * Wraps a RegistryClient for one audit: concurrent identical requests share one call and, when
 * `auditScoped`, every answer (tag lookups, manifest existence, documents, blob existence,
 * repository and image facts) is remembered for the life of the wrapper. It is a per-audit memo,
 * not a document cache: nothing outlives the wrapper, so `manifestExists` is always the
 * registry's answer from this audit. Persistent document caching is the `ImageInspector`'s.
 *
 * @public
 */
export class CachingRegistryClient implements RegistryClient {
  readonly registry: string;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly inner: RegistryClient;
  private readonly auditScoped: boolean;

  constructor(
    inner: RegistryClient,
    options: CachingRegistryClientOptions = {},
  ) {
    this.inner = inner;
    this.registry = inner.registry;
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
    return this.once(`manifest\n${repository}\n${reference}`, () =>
      this.inner.getManifest(repository, reference),
    );
  }

  manifestExists(repository: string, digest: string): Promise<boolean> {
    return this.once(`exists\n${repository}\n${digest}`, () =>
      this.inner.manifestExists(repository, digest),
    );
  }

  getBlob(repository: string, digest: string): Promise<Buffer> {
    return this.once(`blob\n${repository}\n${digest}`, () =>
      this.inner.getBlob(repository, digest),
    );
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
}

/**
 * A provider for one audit: every client it gives is an audit-scoped {@link CachingRegistryClient}
 * over the underlying provider's client. Create one per audit and drop it after; documents are
 * cached by the inspector (`ImageInspectorOptions.documentCache`), not here.
 *
 * @public
 */
export class AuditRegistryClientProvider implements RegistryClientProvider {
  private readonly clients = new Map<RegistryClient, CachingRegistryClient>();

  constructor(private readonly provider: RegistryClientProvider) {}

  forReference(reference: ImageReference): RegistryClient {
    const inner = this.provider.forReference(reference);
    let client = this.clients.get(inner);
    if (!client) {
      client = new CachingRegistryClient(inner, { auditScoped: true });
      this.clients.set(inner, client);
    }
    return client;
  }
}
