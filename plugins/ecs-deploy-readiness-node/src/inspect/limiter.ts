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

import { canceledError } from '../registry/concurrency';
import type { RequestSlots } from '../registry/types';
import { throwIfAborted } from './cancel';

/**
 * Runs at most `limit` tasks at a time; the others wait in arrival order. A waiting task whose
 * signal fires leaves the queue at once and rejects as canceled.
 *
 * The inspector's concurrency: given to every registry call as its `requestSlots`, each request
 * the call sends (every HTTP request, every AWS API call) takes one slot, so `limit` is the
 * number of requests in flight to registries. A task must not wait for another slot while it
 * holds one (the registry clients never do).
 */
export class Limiter implements RequestSlots {
  private active = 0;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `concurrency must be a positive integer, got ${limit}`,
      );
    }
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal);
    if (this.active < this.limit) {
      this.active += 1;
    } else {
      // Wait for a finishing task to hand over its slot; `active` stays counted meanwhile, so
      // a caller arriving between the hand-over and this task's start cannot slip in.
      await new Promise<void>((resolve, reject) => {
        const waiter = { start: () => {} };
        const onAbort = () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(
            canceledError(signal!, 'a registry call waiting for its turn'),
          );
        };
        waiter.start = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(waiter);
      });
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.active -= 1;
    }
  }
}
