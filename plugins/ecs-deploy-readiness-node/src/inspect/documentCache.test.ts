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

import { computeDigest } from '../registry/digest';
import { InMemoryDocumentCache } from './documentCache';

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
