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

import { RegistryError } from '../registry/types';
import { AuditMemo } from './auditMemo';

/** A computation that settles when told, and says whether it was aborted. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const calls: AbortSignal[] = [];
  const compute = (signal: AbortSignal) => {
    calls.push(signal);
    return new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
      signal.addEventListener('abort', () =>
        rej(new RegistryError('canceled', 'aborted')),
      );
    });
  };
  return {
    compute,
    calls,
    resolve: (v: T) => resolve(v),
    reject: (e: unknown) => reject(e),
  };
}

describe('AuditMemo', () => {
  it('computes each key once, for concurrent and later callers', async () => {
    const memo = new AuditMemo();
    let runs = 0;
    const compute = async () => {
      runs += 1;
      await new Promise(r => setTimeout(r, 5));
      return runs;
    };
    const values = await Promise.all(
      Array.from({ length: 10 }, () => memo.get('k', compute)),
    );
    expect(values).toEqual(Array(10).fill(1));
    expect(await memo.get('k', compute)).toBe(1);
    expect(runs).toBe(1);
  });

  it('remembers a failure, so one audit sees one answer', async () => {
    const memo = new AuditMemo();
    let runs = 0;
    const fail = async () => {
      runs += 1;
      throw new RegistryError('denied', 'no');
    };
    await expect(memo.get('k', fail)).rejects.toThrow('no');
    await expect(memo.get('k', fail)).rejects.toThrow('no');
    expect(runs).toBe(1);
  });

  it('shares in flight only with keep: false (content lives in the document cache)', async () => {
    const memo = new AuditMemo();
    let runs = 0;
    const compute = async () => ++runs;
    await Promise.all([
      memo.get('k', compute, { keep: false }),
      memo.get('k', compute, { keep: false }),
    ]);
    expect(runs).toBe(1);
    expect(memo.size).toBe(0);
    await memo.get('k', compute, { keep: false });
    expect(runs).toBe(2);
  });

  it('forgets the least recently used answers beyond its bound', async () => {
    const memo = new AuditMemo({ maxEntries: 2 });
    const runs: string[] = [];
    const compute = (key: string) => async () => {
      runs.push(key);
      return key;
    };
    await memo.get('a', compute('a'));
    await memo.get('b', compute('b'));
    await memo.get('a', compute('a')); // a is now the most recent
    await memo.get('c', compute('c'));
    expect(memo.size).toBe(2);
    await memo.get('a', compute('a'));
    await memo.get('b', compute('b'));
    expect(runs).toEqual(['a', 'b', 'c', 'b']);
  });

  it('lets a caller stop waiting at once, and aborts the work only when every waiter has gone', async () => {
    const memo = new AuditMemo();
    const work = deferred<string>();
    const first = new AbortController();
    const second = new AbortController();
    const a = memo.get('k', work.compute, { signal: first.signal });
    const b = memo.get('k', work.compute, { signal: second.signal });
    await Promise.resolve();
    expect(work.calls).toHaveLength(1);

    first.abort();
    await expect(a).rejects.toMatchObject({ kind: 'canceled' });
    expect(work.calls[0].aborted).toBe(false);

    second.abort();
    await expect(b).rejects.toMatchObject({ kind: 'canceled' });
    expect(work.calls[0].aborted).toBe(true);

    // Nothing canceled is remembered: the next caller computes again.
    const again = deferred<string>();
    const c = memo.get('k', again.compute);
    await Promise.resolve();
    again.resolve('fresh');
    await expect(c).resolves.toBe('fresh');
  });

  it('never aborts work that a caller without a signal waits for', async () => {
    const memo = new AuditMemo();
    const work = deferred<string>();
    const controller = new AbortController();
    const pinned = memo.get('k', work.compute);
    const leaving = memo.get('k', work.compute, { signal: controller.signal });
    await Promise.resolve();
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ kind: 'canceled' });
    expect(work.calls[0].aborted).toBe(false);
    work.resolve('done');
    await expect(pinned).resolves.toBe('done');
  });

  it('rejects at once for a signal that has already fired', async () => {
    const memo = new AuditMemo();
    const compute = jest.fn(async () => 1);
    await expect(
      memo.get('k', compute, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ kind: 'canceled' });
    expect(compute).not.toHaveBeenCalled();
  });
});
