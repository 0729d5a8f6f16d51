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
  RegistryCallOptions,
  RegistryClient,
  RepositoryInfo,
  RequestSlots,
  TagTarget,
} from '../registry/types';
import { RegistryError } from '../registry/types';
import type { AuditMemo } from './auditMemo';
import {
  blobsVerifiedMarker,
  DocumentCache,
  tagReadMarker,
} from './documentCache';
import type { Limiter } from './limiter';

/** Timeouts from one registry host after which the audit stops asking it. */
export const DEFAULT_MAX_HOST_TIMEOUTS = 3;

/**
 * The `timeout` error of a call to a host the reader no longer asks, with how often it timed out.
 */
export class HostGivenUpError extends RegistryError {
  constructor(host: string, readonly timeouts: number) {
    super(
      'timeout',
      `${host} timed out ${timeouts} times in this run; it is not asked again`,
      { registry: host },
    );
  }
}

/** What the resolution asks about the blobs of one manifest. */
export interface BlobCheck {
  /** The manifest the blobs belong to. */
  manifestDigest: string;
  /** The blobs to check. */
  digests: string[];
  /** Blobs a read has just shown present (fetched from the registry): not asked again. */
  present?: ReadonlySet<string>;
  /** `digests` are every blob of the manifest: when all are present, that is remembered. */
  complete: boolean;
}

/**
 * Every registry question the inspection asks, asked through the audit's one memo, with each
 * request in a slot of the concurrency limit (given to the client as `requestSlots`: the limit
 * is the number of requests in flight), and document content read through the document cache
 * (see `documentCache.ts` for the rule: content from the cache, existence from the registry).
 * The memo keeps answers (a tag's digest, existence, settings); the cache keeps bytes, and the
 * blobs-verified markers.
 *
 * Requests are kept to the floor: a tag is one GET (or, with a persistent cache, one HEAD and
 * the content from the cache), a pinned digest one GET when its content is not cached and one
 * HEAD when it is, a config one GET (never also a HEAD), and a manifest's blobs are checked once
 * per registry, repository and manifest, ever, when the cache is persistent.
 *
 * A registry host that timed out `maxHostTimeouts` times is not asked again by this reader: its
 * calls fail at once with a `timeout` error that says so.
 */
export class RegistryReader {
  private readonly timeouts = new Map<string, number>();
  private readonly maxHostTimeouts: number;

  constructor(
    private readonly memo: AuditMemo,
    private readonly limiter: Limiter,
    private readonly cache: DocumentCache,
    options: { maxHostTimeouts?: number } = {},
  ) {
    this.maxHostTimeouts = options.maxHostTimeouts ?? DEFAULT_MAX_HOST_TIMEOUTS;
  }

  /** How often the host timed out in this audit, once it is no longer asked; else undefined. */
  givenUp(registry: string): number | undefined {
    const count = this.timeouts.get(registry) ?? 0;
    return count >= this.maxHostTimeouts ? count : undefined;
  }

  /**
   * The manifest or index a tag points at now. The tag's digest is asked of the registry once
   * per audit (a GET; with a persistent cache a HEAD, the bytes then read from the cache and
   * fetched by digest on a miss).
   */
  async manifestByTag(
    client: RegistryClient,
    repository: string,
    tag: string,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    const tagDigest = this.cache.persistent
      ? client.tagDigest?.bind(client)
      : undefined;
    const readBefore = tagReadMarker(client.registry, repository, tag);
    let fetched: FetchedManifest | undefined;
    const target = await this.memo.get<TagTarget>(
      key('tag', client, repository, tag),
      async s => {
        // A HEAD pays only when the document is cached: a tag read before with this cache.
        if (tagDigest && (await this.hasMarker(readBefore))) {
          const head = await this.send(
            client,
            o => tagDigest(repository, tag, o),
            s,
          );
          if (head) return head;
        }
        fetched = await this.send(
          client,
          o => client.getManifest(repository, tag, o),
          s,
        );
        await this.store(fetched.digest, fetched.bytes);
        if (tagDigest) await this.store(readBefore.digest, readBefore.bytes);
        return { digest: fetched.digest, mediaType: fetched.mediaType };
      },
      { signal },
    );
    this.memo.remember(key('exists', client, repository, target.digest), true);
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
    return (
      (await this.cachedManifest(client, repository, digest)) ??
      this.fetchManifest(client, repository, digest, signal)
    );
  }

  /** A small blob (a config) by digest: its content, from the cache when it is there. */
  async blob(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<{ bytes: Buffer; fromRegistry: boolean }> {
    const cached = await this.cached(digest, bytes =>
      verifyBlob(bytes, digest, client.registry, repository),
    );
    if (cached) return { bytes: cached, fromRegistry: false };
    const bytes = await this.memo.get(
      key('blob', client, repository, digest),
      async s => {
        const fetched = await this.send(
          client,
          o => client.getBlob(repository, digest, o),
          s,
        );
        await this.store(digest, fetched);
        return fetched;
      },
      { signal, keep: false },
    );
    return { bytes, fromRegistry: true };
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
        this.send(client, o => client.manifestExists(repository, digest, o), s),
      { signal },
    );
  }

  /**
   * The manifest `digest`, which the repository must hold now. Not in the cache: one GET, whose
   * 404 is the missing manifest. In the cache: the registry is asked whether it still holds it
   * (a HEAD), and a missing digest throws the `manifest-not-found` error a failed fetch gives, so
   * it reads the same whichever call found it.
   */
  async existingManifest(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    const cached = await this.cachedManifest(client, repository, digest);
    if (!cached) {
      const fetched = await this.fetchManifest(
        client,
        repository,
        digest,
        signal,
      );
      this.memo.remember(key('exists', client, repository, digest), true);
      return fetched;
    }
    if (!(await this.manifestExists(client, repository, digest, signal))) {
      throw new RegistryError(
        'manifest-not-found',
        `the manifest ${repository}@${digest} does not exist on ${client.registry}`,
        { registry: client.registry },
      );
    }
    return cached;
  }

  /**
   * Which blobs of a manifest the repository holds. When every blob of this manifest in this
   * repository was found once (the cache's blobs-verified marker), all are present without a
   * request; otherwise the registry is asked about those a read has not just shown present (one
   * HEAD each, or ECR's BatchCheckLayerAvailability), and the marker is written when the check
   * was complete and nothing is missing.
   */
  async verifyBlobs(
    client: RegistryClient,
    repository: string,
    check: BlobCheck,
    signal?: AbortSignal,
  ): Promise<Map<string, boolean>> {
    const unique = [...new Set(check.digests)].sort();
    const allPresent = () => new Map(unique.map(d => [d, true]));
    const marker = blobsVerifiedMarker(
      client.registry,
      repository,
      check.manifestDigest,
    );
    if (await this.hasMarker(marker)) return allPresent();
    const ask = unique.filter(d => !check.present?.has(d));
    const answers = await this.blobsExist(client, repository, ask, signal);
    const present = new Map(
      unique.map(d => [d, check.present?.has(d) ? true : answers.get(d)]),
    );
    if (check.complete && [...present.values()].every(v => v === true)) {
      await this.store(marker.digest, marker.bytes);
    }
    return new Map(
      [...present].filter((e): e is [string, boolean] => e[1] !== undefined),
    );
  }

  /**
   * Whether the repository holds each blob, asked once per (registry, repository, blob) in the
   * audit: images that share layers share the answers, and the blobs no one has asked about yet
   * go to the registry in one call (one HEAD each, or one BatchCheckLayerAvailability).
   */
  private async blobsExist(
    client: RegistryClient,
    repository: string,
    digests: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, boolean>> {
    const blobKey = (digest: string) =>
      key('blob-exists', client, repository, digest);
    const unasked = digests.filter(d => !this.memo.has(blobKey(d)));
    const batch = (s: AbortSignal) =>
      this.memo.get(
        key('blobs', client, repository, unasked.join(',')),
        b =>
          this.send(client, o => client.blobsExist(repository, unasked, o), b),
        { signal: s, keep: false },
      );
    const answers = await Promise.all(
      digests.map(digest =>
        this.memo.get(
          blobKey(digest),
          async s => (await batch(s)).get(digest),
          { signal },
        ),
      ),
    );
    const present = new Map<string, boolean>();
    digests.forEach((digest, i) => {
      const answer = answers[i];
      if (answer !== undefined) present.set(digest, answer);
    });
    return present;
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
      s => this.send(client, o => getRepositoryInfo(repository, o), s),
      { signal },
    );
  }

  /** What the registry says about one image; undefined where it has no such API. */
  describeImage(
    client: RegistryClient,
    repository: string,
    image: string | { tag: string },
    signal?: AbortSignal,
  ): Promise<ImageDetails | undefined> {
    const describeImage = client.describeImage?.bind(client);
    if (!describeImage) return Promise.resolve(undefined);
    const id: { tag?: string; digest?: string } =
      typeof image === 'string' ? { digest: image } : image;
    return this.memo.get(
      key('image', client, repository, id.digest ?? `tag:${id.tag}`),
      s => this.send(client, o => describeImage(repository, id, o), s),
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
      s => this.send(client, o => listImages(repository, o), s),
      { signal },
    );
  }

  /** A manifest by digest from the registry (shared while in flight), then cached. */
  private fetchManifest(
    client: RegistryClient,
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    return this.memo.get(
      key('manifest', client, repository, digest),
      async s => {
        const fetched = await this.send(
          client,
          o => client.getManifest(repository, digest, o),
          s,
        );
        await this.store(fetched.digest, fetched.bytes);
        return fetched;
      },
      { signal, keep: false },
    );
  }

  private cachedManifest(
    client: RegistryClient,
    repository: string,
    digest: string,
  ): Promise<FetchedManifest | undefined> {
    return this.cached(digest, bytes =>
      verifiedManifest({
        bytes,
        registry: client.registry,
        repository,
        reference: digest,
      }),
    );
  }

  /**
   * One registry call, its requests in the concurrency limit's slots; a host that timed out too
   * often is not asked, and a timeout counts against its host.
   */
  private async send<T>(
    client: RegistryClient,
    call: (options: RegistryCallOptions) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    const host = client.registry;
    this.throwIfGivenUp(host);
    // Checked again as each request gets its slot: requests queued before the host was given up
    // are not sent.
    const requestSlots: RequestSlots = {
      limit: this.limiter.limit,
      run: (task, s) =>
        this.limiter.run(() => {
          this.throwIfGivenUp(host);
          return task();
        }, s),
    };
    try {
      return await call({ signal, requestSlots });
    } catch (error) {
      if (
        error instanceof RegistryError &&
        error.kind === 'timeout' &&
        !(error instanceof HostGivenUpError)
      ) {
        this.timeouts.set(host, (this.timeouts.get(host) ?? 0) + 1);
      }
      throw error;
    }
  }

  private throwIfGivenUp(host: string): void {
    const given = this.givenUp(host);
    if (given !== undefined) throw new HostGivenUpError(host, given);
  }

  /** Whether the cache holds the marker, with exactly its bytes. */
  private async hasMarker(marker: {
    digest: string;
    bytes: Buffer;
  }): Promise<boolean> {
    const held = await this.cached(marker.digest, bytes =>
      bytes.equals(marker.bytes) ? true : undefined,
    );
    return held === true;
  }

  /** The cached document, verified; a miss when absent, corrupt, or the cache fails. */
  private async cached<T>(
    digest: string,
    verify: (bytes: Buffer) => T | undefined,
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

/** A number per client: an anonymous and a credentialed client of one registry keep apart. */
const clientIds = new WeakMap<RegistryClient, number>();
let nextClientId = 0;

function key(
  question: string,
  client: RegistryClient,
  ...parts: string[]
): string {
  let id = clientIds.get(client);
  if (id === undefined) {
    id = nextClientId++;
    clientIds.set(client, id);
  }
  return [question, client.registry, String(id), ...parts].join('\n');
}
