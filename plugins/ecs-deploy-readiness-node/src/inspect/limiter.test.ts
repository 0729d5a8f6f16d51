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

import { Limiter } from './limiter';

describe('Limiter', () => {
  it('never runs more tasks at once than its limit, even when callers arrive as a slot frees', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let max = 0;
    const ticks = (n: number) =>
      Array.from({ length: n }).reduce<Promise<void>>(
        p => p.then(() => undefined),
        Promise.resolve(),
      );
    const runs: Promise<void>[] = [];
    const work = (i: number) => async () => {
      active += 1;
      max = Math.max(max, active);
      await ticks(1 + (i % 3));
      active -= 1;
      // A caller that arrives in the same microtask turn as the release.
      if (i < 60) {
        Promise.resolve().then(() => runs.push(limiter.run(work(i + 40))));
      }
    };
    for (let i = 0; i < 40; i++) runs.push(limiter.run(work(i)));
    while (runs.length < 100) await ticks(5);
    await Promise.all(runs);
    expect(max).toBe(2);
  });

  it('passes results and errors through, and frees the slot after an error', async () => {
    const limiter = new Limiter(1);
    await expect(
      limiter.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(limiter.run(async () => 42)).resolves.toBe(42);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
  });

  it('lets a waiting task leave the queue when its signal fires', async () => {
    const limiter = new Limiter(1);
    let release!: () => void;
    const busy = limiter.run(() => new Promise<void>(r => (release = r)));
    const controller = new AbortController();
    const started = jest.fn(async () => 'ran');
    const waiting = limiter.run(started, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'canceled' });
    release();
    await busy;
    // The slot went to the next caller, not to the task that left.
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
    expect(started).not.toHaveBeenCalled();
  });
});
