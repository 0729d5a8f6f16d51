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
 * Runs `fn` over `items` with at most `limit` calls in flight (at least one), in order of the
 * items; rejects with the first failure, after the calls in flight have settled or not.
 */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker),
  );
}

/**
 * A limit on calls in flight: `run(fn, signal?)` starts `fn` when fewer than `limit` runs are
 * active, and settles as `fn` does. A caller still waiting for a slot when its `signal` aborts
 * rejects with the abort reason and gives up its place.
 */
export function createLimit(
  limit: number,
): <T>(fn: () => Promise<T>, signal?: AbortSignal) => Promise<T> {
  const size = Math.max(1, limit);
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    // A loop, not an if: a woken waiter may find its slot taken by a newcomer.
    while (active >= size) {
      signal?.throwIfAborted();
      await new Promise<void>(resolve => {
        function onAbort() {
          const at = waiting.indexOf(wake);
          if (at >= 0) waiting.splice(at, 1);
          resolve();
        }
        function wake() {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    signal?.throwIfAborted();
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}
