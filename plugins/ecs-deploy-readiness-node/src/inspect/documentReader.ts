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
  DocumentCache,
  FetchedManifest,
  RegistryClient,
} from '../registry/types';
import { Limiter } from './limiter';

/**
 * Reads manifests and configs for their CONTENT through the engine's one document cache (the
 * inspector's `documentCache`; see the note at the top of `registry/cache.ts`). A document read by
 * digest comes from the cache when it is there, re-verified against its digest, else from the
 * registry, and is stored by digest after any fetch. It never answers whether a registry still
 * holds a digest: callers ask `RegistryClient.manifestExists` for that. A cache that fails, or
 * holds bytes that no longer match their digest, only costs a fetch.
 */
export class DocumentReader {
  constructor(
    private readonly cache: DocumentCache,
    private readonly limiter: Limiter,
  ) {}

  /** A manifest or index by tag (always fetched: tags move) or by digest (cache first). */
  async manifest(
    client: RegistryClient,
    repository: string,
    reference: string,
  ): Promise<FetchedManifest> {
    if (isDigestReference(reference)) {
      const cached = await this.cached(reference, bytes =>
        verifiedManifest({
          bytes,
          registry: client.registry,
          repository,
          reference,
        }),
      );
      if (cached) return cached;
    }
    const fetched = await this.limiter.run(() =>
      client.getManifest(repository, reference),
    );
    await this.store(fetched.digest, fetched.bytes);
    return fetched;
  }

  /** A small blob (a config) by digest, cache first. */
  async blob(
    client: RegistryClient,
    repository: string,
    digest: string,
  ): Promise<Buffer> {
    const cached = await this.cached(digest, bytes =>
      verifyBlob(bytes, digest, client.registry, repository),
    );
    if (cached) return cached;
    const bytes = await this.limiter.run(() =>
      client.getBlob(repository, digest),
    );
    await this.store(digest, bytes);
    return bytes;
  }

  /** The cached document, verified; a miss when absent, corrupt, or the cache fails. */
  private async cached<T>(
    digest: string,
    verify: (bytes: Buffer) => T,
  ): Promise<T | undefined> {
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
