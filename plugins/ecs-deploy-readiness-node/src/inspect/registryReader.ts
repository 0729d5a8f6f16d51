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
  isDigestReference,
  verifiedManifest,
  verifyBlob,
} from '../registry/documents';
import type {
  FetchedManifest,
  ImageDetails,
  RegistryClient,
  RepositoryInfo,
} from '../registry/types';
import { RegistryError } from '../registry/types';
import type { AuditMemo } from './auditMemo';
import type { DocumentCache } from './documentCache';
import type { Limiter } from './limiter';

/**
 * Every registry question the inspection asks, asked through the audit's one memo and its
 * concurrency limit, with document content read through the document cache (see
 * `documentCache.ts` for the rule: content from the cache, existence from the registry). The
 * memo keeps answers (a tag's digest, existence, settings); the cache keeps bytes.
 */
export class RegistryReader {
  constructor(
    private readonly memo: AuditMemo,
    private readonly limiter: Limiter,
    private readonly cache: DocumentCache,
  ) {}

  /**
   * The manifest or index a tag points at now. The tag's digest is asked of the registry once
   * per audit; the bytes come from the cache.
   */
  async manifestByTag(
    client: RegistryClient,
    repository: string,
    tag: string,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    let fetched: FetchedManifest | undefined;
    const target = await this.memo.get(
      key('tag', client, repository, tag),
      async s => {
        fetched = await this.limiter.run(
          () => client.getManifest(repository, tag, { signal: s }),
          s,
        );
        await this.store(fetched.digest, fetched.bytes);
        return { digest: fetched.digest, mediaType: fetched.mediaType };
      },
      { signal },
    );
    if (fetched) return fetched;
    const document = await this.manifestByDigest(
      client,
      repository,
      target.digest,
      signal,
    );
    return { ...document, mediaType: document.mediaType ?? target.mediaType };
  }

  /** A manifest or index by digest: its content, from the cache when it is there. */
  async manifestByDigest(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    const cached = await this.cached(digest, bytes =>
      verifiedManifest({
        bytes,
        registry: client.registry,
        repository,
        reference: digest,
      }),
    );
    if (cached) return cached;
    return this.memo.get(
      key('manifest', client, repository, digest),
      async s => {
        const fetched = await this.limiter.run(
          () => client.getManifest(repository, digest, { signal: s }),
          s,
        );
        await this.store(fetched.digest, fetched.bytes);
        return fetched;
      },
      { signal, keep: false },
    );
  }

  /** A small blob (a config) by digest: its content, from the cache when it is there. */
  async blob(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<Buffer> {
    const cached = await this.cached(digest, bytes =>
      verifyBlob(bytes, digest, client.registry, repository),
    );
    if (cached) return cached;
    return this.memo.get(
      key('blob', client, repository, digest),
      async s => {
        const bytes = await this.limiter.run(
          () => client.getBlob(repository, digest, { signal: s }),
          s,
        );
        await this.store(digest, bytes);
        return bytes;
      },
      { signal, keep: false },
    );
  }

  /** Whether the repository holds the manifest `digest` now, as the registry answers it. */
  manifestExists(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    return this.memo.get(
      key('exists', client, repository, digest),
      s =>
        this.limiter.run(
          () => client.manifestExists(repository, digest, { signal: s }),
          s,
        ),
      { signal },
    );
  }

  /**
   * The manifest `digest`, after asking the registry that the repository still holds it; a
   * missing digest throws the `manifest-not-found` error a failed fetch gives, so it reads the
   * same whichever call found it.
   */
  async existingManifest(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    if (!(await this.manifestExists(client, repository, digest, signal))) {
      throw new RegistryError(
        'manifest-not-found',
        `the manifest ${repository}@${digest} does not exist on ${client.registry}`,
        { registry: client.registry },
      );
    }
    return this.manifestByDigest(client, repository, digest, signal);
  }

  blobsExist(
    client: RegistryClient,
    repository: string,
    digests: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, boolean>> {
    const unique = [...new Set(digests)].sort();
    return this.memo.get(
      key('blobs', client, repository, unique.join(',')),
      s =>
        this.limiter.run(
          () => client.blobsExist(repository, unique, { signal: s }),
          s,
        ),
      { signal },
    );
  }

  /** Repository settings; undefined where the registry has no such API. */
  repositoryInfo(
    client: RegistryClient,
    repository: string,
    signal?: AbortSignal,
  ): Promise<RepositoryInfo | undefined> {
    const getRepositoryInfo = client.getRepositoryInfo?.bind(client);
    if (!getRepositoryInfo) return Promise.resolve(undefined);
    return this.memo.get(
      key('repository', client, repository),
      s =>
        this.limiter.run(() => getRepositoryInfo(repository, { signal: s }), s),
      { signal },
    );
  }

  /** What the registry says about one image; undefined where it has no such API. */
  describeImage(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<ImageDetails | undefined> {
    const describeImage = client.describeImage?.bind(client);
    if (!describeImage) return Promise.resolve(undefined);
    return this.memo.get(
      key('image', client, repository, digest),
      s =>
        this.limiter.run(
          () => describeImage(repository, { digest }, { signal: s }),
          s,
        ),
      { signal },
    );
  }

  /** Every image of the repository; undefined where the registry has no such API. */
  listImages(
    client: RegistryClient,
    repository: string,
    signal?: AbortSignal,
  ): Promise<ImageDetails[] | undefined> {
    const listImages = client.listImages?.bind(client);
    if (!listImages) return Promise.resolve(undefined);
    return this.memo.get(
      key('images', client, repository),
      s => this.limiter.run(() => listImages(repository, { signal: s }), s),
      { signal },
    );
  }

  /** The cached document, verified; a miss when absent, corrupt, or the cache fails. */
  private async cached<T>(
    digest: string,
    verify: (bytes: Buffer) => T,
  ): Promise<T | undefined> {
    if (!isDigestReference(digest)) return undefined;
    try {
      const bytes = await this.cache.get(digest);
      return bytes ? verify(bytes) : undefined;
    } catch {
      return undefined;
    }
  }

  private async store(digest: string, bytes: Buffer): Promise<void> {
    try {
      await this.cache.set(digest, bytes);
    } catch {
      // A cache that cannot store only costs a fetch later.
    }
  }
}

function key(
  question: string,
  client: RegistryClient,
  ...parts: string[]
): string {
  return [question, client.registry, ...parts].join('\n');
}
