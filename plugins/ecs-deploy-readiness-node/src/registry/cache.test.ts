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

import { buildImage } from 'ecs-sandbox/images';
import { parseImageReference } from '../reference/parse';
import { ImageReference } from '../reference/types';
import {
  AuditRegistryClientProvider,
  CachingRegistryClient,
  InMemoryDocumentCache,
} from './cache';
import { computeDigest } from './digest';
import { FetchedManifest, RegistryClient, RegistryError } from './types';

const image = buildImage({ layers: [{ files: { a: '1' } }] });
const configDigest: string = image.manifest.json.config.digest;
const config = image.blobs.find(b => b.digest === configDigest)!.data;

/** A registry with one image tagged v1, counting every call. */
class CountingRegistry implements RegistryClient {
  readonly registry = 'registry.example.com';
  readonly calls: string[] = [];
  tagTarget = image.manifest;

  private async tick(call: string) {
    this.calls.push(call);
    await new Promise(resolve => setTimeout(resolve, 5));
  }

  async getManifest(
    repository: string,
    reference: string,
  ): Promise<FetchedManifest> {
    await this.tick(`manifest ${repository} ${reference}`);
    const known: Record<string, typeof image.manifest> = {
      v1: this.tagTarget,
      [image.manifest.digest]: image.manifest,
    };
    const target = known[reference];
    if (!target)
      throw new RegistryError('manifest-not-found', `${reference} not found`);
    return {
      digest: target.digest,
      mediaType: target.mediaType,
      bytes: target.data,
    };
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    await this.tick(`blob ${repository} ${digest}`);
    if (digest !== configDigest)
      throw new RegistryError('blob-not-found', `${digest} not found`);
    return config;
  }

  async blobsExist(
    repository: string,
    digests: string[],
  ): Promise<Map<string, boolean>> {
    await this.tick(`exist ${repository} ${digests.length}`);
    return new Map(digests.map(d => [d, true]));
  }

  async describeImage(repository: string, reference: { tag?: string }) {
    await this.tick(`describe ${repository} ${reference.tag}`);
    return { digest: image.manifest.digest, tags: ['v1'] };
  }
}

function count(calls: string[], prefix: string): number {
  return calls.filter(c => c.startsWith(prefix)).length;
}

describe('CachingRegistryClient', () => {
  it('one audit never fetches a document twice', async () => {
    const inner = new CountingRegistry();
    const cache = new InMemoryDocumentCache();
    const audit = new AuditRegistryClientProvider(
      { forReference: () => inner },
      cache,
    );
    const ref = parseImageReference('registry.example.com/team/app:v1');
    if (!ref.ok) throw new Error('fixture');
    const client = audit.forReference(ref.reference);
    expect(audit.forReference(ref.reference)).toBe(client);

    // Concurrent and repeated lookups of the same tag, digest, config, blobs and image facts.
    const results = await Promise.all([
      client.getManifest('team/app', 'v1'),
      client.getManifest('team/app', 'v1'),
      client.getBlob('team/app', configDigest),
      client.getBlob('team/app', configDigest),
      client.blobsExist('team/app', [configDigest]),
      client.describeImage!('team/app', { tag: 'v1' }),
    ]);
    expect((results[0] as FetchedManifest).digest).toBe(image.manifest.digest);
    await client.getManifest('team/app', 'v1');
    await client.getManifest('team/app', image.manifest.digest);
    await client.getBlob('team/app', configDigest);
    await client.blobsExist('team/app', [configDigest]);
    await client.describeImage!('team/app', { tag: 'v1' });

    expect(inner.calls.sort()).toEqual([
      `blob team/app ${configDigest}`,
      'describe team/app v1',
      'exist team/app 1',
      'manifest team/app v1',
    ]);
  });

  it('remembers a failure for the rest of the audit', async () => {
    const inner = new CountingRegistry();
    const client = new CachingRegistryClient(inner, { auditScoped: true });
    await expect(client.getManifest('team/app', 'v2')).rejects.toMatchObject({
      kind: 'manifest-not-found',
    });
    await expect(client.getManifest('team/app', 'v2')).rejects.toMatchObject({
      kind: 'manifest-not-found',
    });
    expect(inner.calls).toEqual(['manifest team/app v2']);
  });

  it('keeps documents by digest across audits, but never a tag', async () => {
    const inner = new CountingRegistry();
    const cache = new InMemoryDocumentCache();
    const provider = { forReference: () => inner };
    const ref = { registry: inner.registry } as ImageReference;

    const first = new AuditRegistryClientProvider(provider, cache).forReference(
      ref,
    );
    await first.getManifest('team/app', 'v1');
    await first.getBlob('team/app', configDigest);

    // The tag moves between audits.
    const moved = buildImage({ layers: [{ files: { a: '2' } }] });
    inner.tagTarget = moved.manifest;
    const second = new AuditRegistryClientProvider(
      provider,
      cache,
    ).forReference(ref);
    expect((await second.getManifest('team/app', 'v1')).digest).toBe(
      moved.manifest.digest,
    );
    const byDigest = await second.getManifest(
      'team/app',
      image.manifest.digest,
    );
    expect(byDigest.bytes.equals(image.manifest.data)).toBe(true);
    expect(byDigest.mediaType).toBe(image.manifest.mediaType);
    await second.getBlob('team/app', configDigest);

    expect(count(inner.calls, 'manifest team/app v1')).toBe(2);
    expect(
      count(inner.calls, `manifest team/app ${image.manifest.digest}`),
    ).toBe(0);
    expect(count(inner.calls, 'blob')).toBe(1);
  });

  it('outside an audit, coalesces concurrent identical requests but does not remember tags', async () => {
    const inner = new CountingRegistry();
    const client = new CachingRegistryClient(inner, {
      cache: new InMemoryDocumentCache(),
    });
    await Promise.all([
      client.getManifest('team/app', 'v1'),
      client.getManifest('team/app', 'v1'),
    ]);
    expect(count(inner.calls, 'manifest team/app v1')).toBe(1);
    await client.getManifest('team/app', 'v1');
    expect(count(inner.calls, 'manifest team/app v1')).toBe(2);
    await client.getManifest('team/app', image.manifest.digest);
    expect(
      count(inner.calls, `manifest team/app ${image.manifest.digest}`),
    ).toBe(0);
  });

  it('treats a corrupt cache entry as a miss', async () => {
    const inner = new CountingRegistry();
    const cache = new InMemoryDocumentCache();
    await cache.set(configDigest, Buffer.from('tampered'));
    const client = new CachingRegistryClient(inner, { cache });
    expect(
      (await client.getBlob('team/app', configDigest)).equals(config),
    ).toBe(true);
    expect(inner.calls).toHaveLength(1);
    expect((await cache.get(configDigest))?.equals(config)).toBe(true);
  });

  it('keeps working when the cache fails', async () => {
    const inner = new CountingRegistry();
    const broken = {
      get: async () => {
        throw new Error('db down');
      },
      set: async () => {
        throw new Error('db down');
      },
    };
    const client = new CachingRegistryClient(inner, { cache: broken });
    expect(
      (await client.getBlob('team/app', configDigest)).equals(config),
    ).toBe(true);
  });

  it('only exposes the optional methods the inner client has', () => {
    const client = new CachingRegistryClient(new CountingRegistry());
    expect(client.describeImage).toBeDefined();
    expect(client.getRepositoryInfo).toBeUndefined();
    expect(client.listImages).toBeUndefined();
  });
});

describe('InMemoryDocumentCache', () => {
  const doc = (text: string) => {
    const bytes = Buffer.from(text);
    return [computeDigest(bytes), bytes] as const;
  };

  it('evicts the least recently used documents beyond its size', async () => {
    const cache = new InMemoryDocumentCache({ maxBytes: 10 });
    const [a, aBytes] = doc('aaaa');
    const [b, bBytes] = doc('bbbb');
    const [c, cBytes] = doc('cccc');
    await cache.set(a, aBytes);
    await cache.set(b, bBytes);
    await cache.get(a); // a is now the most recent
    await cache.set(c, cBytes);
    expect(await cache.get(a)).toBeDefined();
    expect(await cache.get(b)).toBeUndefined();
    expect(await cache.get(c)).toBeDefined();
    expect(cache.size).toBe(8);
  });

  it('does not keep a document larger than its size', async () => {
    const cache = new InMemoryDocumentCache({ maxBytes: 3 });
    const [a, aBytes] = doc('aaaa');
    await cache.set(a, aBytes);
    expect(await cache.get(a)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
