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

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Content-addressed store for the documents an inspection reads (manifests, indexes, configs),
 * by digest. The engine's one document cache, with the one rule every reader of it keeps:
 *
 *   **It answers what a digest contains, never whether a registry still has it.**
 *
 * A digest's content never changes, so a document can be kept forever and shared across audits
 * (the backend persists it). Its presence in a repository does change (deletes, lifecycle expiry,
 * garbage collection), so whether a manifest still exists (a tag's target, a pinned reference, a
 * deployed digest) is always asked of the registry (`RegistryClient.tagDigest`, `getManifest`,
 * `manifestExists`); an audit remembers those answers for its own life only (the inspector's
 * audit memo). Only the `ImageInspector` reads the cache; every document read from it is
 * verified against its digest again, and a cache that fails or holds corrupt bytes only costs a
 * fetch.
 *
 * One kind of entry records a fact instead of a document, and it is the rule's one, bounded
 * exception: a **blobs-verified marker** (see `blobsVerifiedMarker`) says that every blob of one
 * manifest in one repository of one registry was found there once. Registries check a
 * manifest's blobs when it is pushed, and only delete blobs no manifest refers to, so a blob of
 * a manifest that still exists does not go missing again; the manifest's own existence is still
 * asked of the registry every audit. The marker is content-addressed like any document (its key
 * is the digest of its bytes, which name the registry, repository and manifest), so a cache
 * stores it without knowing what it is.
 *
 * @public
 */
export interface DocumentCache {
  /**
   * True when the cache outlives one inspector (on disk, or shared across audits). The
   * inspector then asks the digest of a tag read before with this cache (its tag-read marker)
   * with a `HEAD` and reads the document from the cache, fetching it only on a miss; a tag not
   * read before, or any tag with a cache that is not persistent (the default in-memory one), is
   * one `GET`. Default false.
   */
  readonly persistent?: boolean;
  /** The bytes stored for a digest such as `sha256:<hex>`, or undefined when not held. */
  get(digest: string): Promise<Buffer | undefined>;
  /** Stores the bytes of the document with this digest. */
  set(digest: string, bytes: Buffer): Promise<void>;
}

/** A marker's bytes, and the digest they are stored under (content-addressed like a document). */
function marker(fields: Record<string, string>): {
  digest: string;
  bytes: Buffer;
} {
  const bytes = Buffer.from(JSON.stringify(fields));
  return {
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    bytes,
  };
}

/**
 * The blobs-verified marker of a manifest in a repository (see {@link DocumentCache}): its bytes
 * and the digest they are stored under. Present in the cache with exactly these bytes means
 * every blob of the manifest was found in the repository once.
 *
 * @internal
 */
export function blobsVerifiedMarker(
  registry: string,
  repository: string,
  manifestDigest: string,
): { digest: string; bytes: Buffer } {
  return marker({
    marker: 'ecs-deploy-readiness/blobs-verified/v1',
    registry,
    repository,
    manifest: manifestDigest,
  });
}

/**
 * The tag-read marker: present means a tag was read once with this cache, so its document is
 * likely cached and a `HEAD` for its digest is worth trying before a `GET`. It says nothing of
 * what the tag points at or whether it exists (the registry is asked either way); it only spares
 * a first read the `HEAD` that a cold cache cannot use.
 *
 * @internal
 */
export function tagReadMarker(
  registry: string,
  repository: string,
  tag: string,
): { digest: string; bytes: Buffer } {
  return marker({
    marker: 'ecs-deploy-readiness/tag-read/v1',
    registry,
    repository,
    tag,
  });
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

const DIGEST_KEY = /^(sha256):([a-f0-9]{64})$|^(sha512):([a-f0-9]{128})$/;

/**
 * Options of {@link FileDocumentCache}.
 *
 * @public
 */
export interface FileDocumentCacheOptions {
  /** The directory that holds the cache; created when missing. */
  directory: string;
  /**
   * Largest document stored or read, in bytes; larger ones are not kept, and a larger file in
   * the directory is a miss. Default 8 MiB (twice the registry clients' own size limit).
   */
  maxEntryBytes?: number;
}

/**
 * A persistent {@link DocumentCache} in a directory, for runs that share documents (the CLI's
 * `--cache-dir`, a CI cache): one file per digest, at `<directory>/<algorithm>/<2 hex>/<hex>`,
 * written to a temporary file and renamed into place, so a reader never sees half a document and
 * concurrent runs can share the directory.
 *
 * Robust by construction: only well-formed `sha256`/`sha512` digests are keys (nothing else
 * becomes a path); a file that cannot be read, is larger than `maxEntryBytes`, or whose bytes do
 * not match its digest is a miss (and a mismatching file is removed), never an error; a store
 * that fails is ignored. Its entries never go stale (a digest's content never changes), so the
 * directory can be kept as long as wanted and deleted at any time. It is `persistent`, so the
 * inspector asks tags it has read before with a `HEAD`.
 *
 * @public
 */
export class FileDocumentCache implements DocumentCache {
  /** Always true: the directory outlives the inspector. */
  readonly persistent = true;
  /** The cache directory. */
  readonly directory: string;
  private readonly maxEntryBytes: number;

  constructor(options: FileDocumentCacheOptions) {
    if (!options?.directory) {
      throw new TypeError('FileDocumentCache needs a directory');
    }
    this.directory = options.directory;
    this.maxEntryBytes = options.maxEntryBytes ?? 8 * 1024 * 1024;
  }

  /** The bytes stored for the digest, verified against it; undefined on any problem. */
  async get(digest: string): Promise<Buffer | undefined> {
    const file = this.fileOf(digest);
    if (!file) return undefined;
    let bytes: Buffer;
    try {
      const handle = await open(file, 'r');
      try {
        const { size } = await handle.stat();
        if (size > this.maxEntryBytes) return undefined;
        bytes = Buffer.alloc(size);
        const { bytesRead } = await handle.read(bytes, 0, size, 0);
        if (bytesRead !== size) return undefined;
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
    if (hashOf(digest, bytes) !== digest) {
      await unlink(file).catch(() => {});
      return undefined;
    }
    return bytes;
  }

  /**
   * Stores the bytes under the digest, atomically (temporary file, then rename). Bytes that do
   * not match the digest, larger than `maxEntryBytes`, or a digest that is not one are not
   * stored; a failure to write is ignored (it only costs a fetch later).
   */
  async set(digest: string, bytes: Buffer): Promise<void> {
    const file = this.fileOf(digest);
    if (!file || bytes.length > this.maxEntryBytes) return;
    if (hashOf(digest, bytes) !== digest) return;
    const temporary = `${file}.${process.pid}.${randomBytes(6).toString(
      'hex',
    )}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, file);
    } catch {
      await unlink(temporary).catch(() => {});
    }
  }

  private fileOf(digest: string): string | undefined {
    const match = typeof digest === 'string' ? DIGEST_KEY.exec(digest) : null;
    if (!match) return undefined;
    const algorithm = match[1] ?? match[3];
    const hex = match[2] ?? match[4];
    return join(this.directory, algorithm, hex.slice(0, 2), hex);
  }
}

function hashOf(digest: string, bytes: Buffer): string {
  const algorithm = digest.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
