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

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeDigest } from '../registry/digest';
import { FileDocumentCache, InMemoryDocumentCache } from './documentCache';

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

describe('FileDocumentCache', () => {
  const dirs: string[] = [];
  const bytes = Buffer.from('{"schemaVersion":2}');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const fileOf = (dir: string, d: string) =>
    join(dir, 'sha256', d.slice(7, 9), d.slice(7));
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecs-readiness-file-cache-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() =>
    Promise.all(dirs.map(d => rm(d, { recursive: true, force: true }))),
  );

  it('keeps documents across instances, content-addressed, with no temporary file left', async () => {
    const directory = await newDir();
    const first = new FileDocumentCache({ directory });
    expect(first.persistent).toBe(true);
    expect(await first.get(digest)).toBeUndefined();
    await first.set(digest, bytes);
    const second = new FileDocumentCache({ directory });
    expect((await second.get(digest))?.equals(bytes)).toBe(true);
    expect(
      await readdir(join(directory, 'sha256', digest.slice(7, 9))),
    ).toEqual([digest.slice(7)]);
  });

  it('treats a corrupt, oversized or unreadable entry as a miss, never an error', async () => {
    const directory = await newDir();
    const cache = new FileDocumentCache({ directory, maxEntryBytes: 64 });
    await cache.set(digest, bytes);
    await writeFile(fileOf(directory, digest), 'tampered');
    expect(await cache.get(digest)).toBeUndefined();
    // The corrupt file is removed, so the next store repairs it.
    await cache.set(digest, bytes);
    expect((await cache.get(digest))?.equals(bytes)).toBe(true);

    const big = Buffer.alloc(100, 'a');
    const bigDigest = `sha256:${createHash('sha256')
      .update(big)
      .digest('hex')}`;
    await cache.set(bigDigest, big);
    expect(await cache.get(bigDigest)).toBeUndefined();

    const other = Buffer.from('other');
    const otherDigest = `sha256:${createHash('sha256')
      .update(other)
      .digest('hex')}`;
    await mkdir(fileOf(directory, otherDigest), { recursive: true });
    expect(await cache.get(otherDigest)).toBeUndefined();
    await expect(cache.set(otherDigest, other)).resolves.toBeUndefined();
  });

  it('stores nothing under a key that is not a digest, nor bytes that do not match theirs', async () => {
    const directory = await newDir();
    const cache = new FileDocumentCache({ directory });
    await cache.set('../../escape', bytes);
    await cache.set(`sha256:${'a'.repeat(64)}`, bytes);
    expect(await cache.get('../../escape')).toBeUndefined();
    expect(await readdir(directory)).toEqual([]);
  });

  it('is a miss, never an error, when its directory cannot be used', async () => {
    const directory = await newDir();
    const file = join(directory, 'not-a-directory');
    await writeFile(file, 'x');
    const cache = new FileDocumentCache({ directory: file });
    await expect(cache.set(digest, bytes)).resolves.toBeUndefined();
    expect(await cache.get(digest)).toBeUndefined();
  });
});
