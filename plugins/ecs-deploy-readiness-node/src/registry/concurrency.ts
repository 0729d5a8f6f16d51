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

import { RegistryError } from './types';

/** The `canceled` RegistryError for work stopped by an aborted signal; `what` names the work. */
export function canceledError(
  signal: AbortSignal,
  what: string,
  registry?: string,
): RegistryError {
  return new RegistryError('canceled', `${what} was canceled`, {
    registry,
    cause: signal.reason,
  });
}

/** True for the error of a canceled call, whichever layer raised it. */
export function isCanceled(error: unknown): boolean {
  return error instanceof RegistryError && error.kind === 'canceled';
}

/**
 * Waits for `promise`, but stops waiting once `signal` aborts, rejecting with `onAbort()`. The
 * work behind the promise is not stopped (give it the signal for that); the abort listener is
 * removed as soon as either settles, so a long-lived signal collects no listeners.
 */
export function abortable<T>(
  work: T | PromiseLike<T>,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Promise<T> {
  const promise = Promise.resolve(work);
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {}); // nobody waits for it any more
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(onAbort());
    signal.addEventListener('abort', stop, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      error => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}

/**
 * Work shared by several callers, such as a token request. It runs under its own AbortController,
 * never under one caller's signal, so one caller's abort cannot fail the others nor leave a
 * half-done result behind. Each caller stops waiting when its own signal aborts; once every caller
 * has stopped waiting, the work itself is aborted, so no request is left running for nobody. An
 * abandoned work must not be joined again: start a new one.
 */
export class SharedWork<T> {
  private readonly controller = new AbortController();
  private readonly promise: Promise<T>;
  private waiting = 0;
  private settled = false;

  /** `start` gets the work's own signal; `onAbort` makes the error of a caller that stops waiting. */
  constructor(
    start: (signal: AbortSignal) => Promise<T>,
    private readonly onAbort: (signal: AbortSignal) => Error,
  ) {
    this.promise = Promise.resolve().then(() => start(this.controller.signal));
    const done = () => {
      this.settled = true;
    };
    this.promise.then(done, done);
  }

  /** True once every caller stopped waiting before the work finished, and it was aborted. */
  get abandoned(): boolean {
    return this.controller.signal.aborted;
  }

  /** Settles, never rejecting, when the work does (for clean-up). */
  get done(): Promise<unknown> {
    return this.promise.then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Waits for the work; rejects for this caller alone when `signal` aborts. A waiter's promise
   * settles only with the work or with its own abort, so only aborts need counting.
   */
  wait(signal?: AbortSignal): Promise<T> {
    this.waiting++;
    return abortable(this.promise, signal, () => {
      this.waiting--;
      if (this.waiting === 0 && !this.settled) this.controller.abort();
      return this.onAbort(signal!);
    });
  }
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 * Rejects with the first error; no call starts after it, nor after `signal` aborts (calls already
 * started are the caller's to stop, through the same signal).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  options: { signal?: AbortSignal; registry?: string } = {},
): Promise<R[]> {
  const { signal, registry } = options;
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      if (signal?.aborted) {
        failed = true;
        throw canceledError(signal, 'the remaining requests', registry);
      }
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
  );
  return results;
}
