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
  /** Digests of the manifests the repository holds now. */
  readonly present = new Set([image.manifest.digest]);

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
    if (!target || (reference !== 'v1' && !this.present.has(reference)))
      throw new RegistryError('manifest-not-found', `${reference} not found`);
    return {
      digest: target.digest,
      mediaType: target.mediaType,
      bytes: target.data,
    };
  }

  async manifestExists(repository: string, digest: string): Promise<boolean> {
    await this.tick(`exists ${repository} ${digest}`);
    return this.present.has(digest);
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
    await this.tick(`blobs ${repository} ${digests.length}`);
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

const digest = image.manifest.digest;

describe('CachingRegistryClient', () => {
  it('asks the registry each question once per audit', async () => {
    const inner = new CountingRegistry();
    const audit = new AuditRegistryClientProvider({
      forReference: () => inner,
    });
    const ref = parseImageReference('registry.example.com/team/app:v1');
    if (!ref.ok) throw new Error('fixture');
    const client = audit.forReference(ref.reference);
    expect(audit.forReference(ref.reference)).toBe(client);

    // Concurrent and repeated lookups of the same tag, digest, existence, config, blobs and facts.
    const ask = () =>
      Promise.all([
        client.getManifest('team/app', 'v1'),
        client.getManifest('team/app', digest),
        client.manifestExists('team/app', digest),
        client.getBlob('team/app', configDigest),
        client.blobsExist('team/app', [configDigest]),
        client.describeImage!('team/app', { tag: 'v1' }),
      ]);
    const [first] = await Promise.all([ask(), ask()]);
    expect((first[0] as FetchedManifest).digest).toBe(digest);
    expect(first[2]).toBe(true);
    await ask();

    expect(inner.calls.sort()).toEqual([
      `blob team/app ${configDigest}`,
      'blobs team/app 1',
      'describe team/app v1',
      `exists team/app ${digest}`,
      `manifest team/app ${digest}`,
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

  it('keeps nothing across audits: a new audit sees a moved tag and a deleted image', async () => {
    const inner = new CountingRegistry();
    const provider = { forReference: () => inner };
    const ref = { registry: inner.registry } as ImageReference;

    const first = new AuditRegistryClientProvider(provider).forReference(ref);
    expect(await first.manifestExists('team/app', digest)).toBe(true);
    expect((await first.getManifest('team/app', 'v1')).digest).toBe(digest);
    expect((await first.getManifest('team/app', digest)).digest).toBe(digest);

    // Between audits the tag moves to a new image and the old one is deleted.
    const moved = buildImage({ layers: [{ files: { a: '2' } }] });
    inner.tagTarget = moved.manifest;
    inner.present.delete(digest);

    const second = new AuditRegistryClientProvider(provider).forReference(ref);
    expect(await second.manifestExists('team/app', digest)).toBe(false);
    expect((await second.getManifest('team/app', 'v1')).digest).toBe(
      moved.manifest.digest,
    );
    await expect(second.getManifest('team/app', digest)).rejects.toMatchObject({
      kind: 'manifest-not-found',
    });
    // The first audit still answers as it did: one audit, one answer.
    expect(await first.manifestExists('team/app', digest)).toBe(true);
    expect(count(inner.calls, 'exists')).toBe(2);
    expect(count(inner.calls, `manifest team/app ${digest}`)).toBe(2);
  });

  it('outside an audit, shares concurrent identical requests but remembers nothing', async () => {
    const inner = new CountingRegistry();
    const client = new CachingRegistryClient(inner);
    await Promise.all([
      client.getManifest('team/app', 'v1'),
      client.getManifest('team/app', 'v1'),
      client.manifestExists('team/app', digest),
      client.manifestExists('team/app', digest),
    ]);
    expect(count(inner.calls, 'manifest team/app v1')).toBe(1);
    expect(count(inner.calls, 'exists')).toBe(1);
    await client.getManifest('team/app', 'v1');
    inner.present.delete(digest);
    expect(await client.manifestExists('team/app', digest)).toBe(false);
    expect(count(inner.calls, 'manifest team/app v1')).toBe(2);
    expect(count(inner.calls, 'exists')).toBe(2);
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
