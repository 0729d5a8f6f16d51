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

/**
 * Content-addressed store for the documents an inspection reads (manifests, indexes, configs),
 * by digest. The engine's one document cache, with the one rule every reader of it keeps:
 *
 *   **It answers what a digest contains, never whether a registry still has it.**
 *
 * A digest's content never changes, so a document can be kept forever and shared across audits
 * (the backend persists it). Its presence in a repository does change (deletes, lifecycle expiry,
 * garbage collection), so whether a digest still exists (a pinned reference, a deployed digest, a
 * layer) is always asked of the registry (`RegistryClient.manifestExists`, `blobsExist`); an
 * audit remembers those answers for its own life only (the inspector's audit memo). Only the
 * `ImageInspector` reads the cache; every document read from it is verified against its digest
 * again, and a cache that fails or holds corrupt bytes only costs a fetch.
 *
 * @public
 */
export interface DocumentCache {
  /** The bytes stored for a digest such as `sha256:<hex>`, or undefined when not held. */
  get(digest: string): Promise<Buffer | undefined>;
  /** Stores the bytes of the document with this digest. */
  set(digest: string, bytes: Buffer): Promise<void>;
}

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

  /** The bytes stored for a digest, or undefined; a hit counts as a use. */
  async get(digest: string): Promise<Buffer | undefined> {
    const bytes = this.entries.get(digest);
    if (bytes) {
      this.entries.delete(digest);
      this.entries.set(digest, bytes);
    }
    return bytes;
  }

  /** Stores the bytes unless over `maxBytes`, then evicts least recently used ones past it. */
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
