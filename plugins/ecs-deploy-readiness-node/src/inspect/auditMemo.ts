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

import { SharedWork, canceledError, isCanceled } from '../registry/concurrency';

interface Entry {
  work: SharedWork<unknown>;
  settled: boolean;
}

/**
 * Options of {@link AuditMemo}.
 *
 * @internal
 */
export interface AuditMemoOptions {
  /** Most answers kept; the least recently used are forgotten first. Default 50 000. */
  maxEntries?: number;
}

/**
 * The one memo of an audit: every question asked of a registry during one audit (a tag's digest,
 * whether a digest or blob exists, repository settings, image details and lists, an image's
 * resolution for a platform) is asked once, and concurrent askers share the call in flight.
 * Failures are remembered too, so one audit sees one answer per question; a canceled call is
 * not. Bounded: past `maxEntries` the least recently used settled answers are dropped. It holds
 * facts, not document bytes; those live in the document cache, by digest.
 *
 * Cancellation is per caller: a caller whose signal fires stops waiting at once; the shared call
 * is aborted only when every caller waiting for it has gone.
 *
 * @internal
 */
export class AuditMemo {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(options: AuditMemoOptions = {}) {
    this.maxEntries = options.maxEntries ?? 50_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(
        `maxEntries must be a positive integer, got ${options.maxEntries}`,
      );
    }
  }

  /** Answers held or in flight. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The answer for `key`: remembered, joined while in flight, or computed now with a signal that
   * fires when every waiting caller has aborted. With `keep: false` the answer is shared while in
   * flight only (for document content, which the document cache keeps instead).
   */
  get<T>(
    key: string,
    compute: (signal: AbortSignal) => Promise<T>,
    options: { signal?: AbortSignal; keep?: boolean } = {},
  ): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(canceledError(signal, 'the inspection'));
    }
    let entry = this.entries.get(key);
    if (entry?.work.abandoned) {
      // Work aborted for want of waiters is never joined again.
      this.entries.delete(key);
      entry = undefined;
    }
    if (entry) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      entry = this.start(key, compute, options.keep ?? true);
    }
    return entry.work.wait(signal) as Promise<T>;
  }

  /** Whether an answer for `key` is held or in flight (and will be joined by `get`). */
  has(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && !entry.work.abandoned;
  }

  /**
   * Records an answer learnt on the way (a manifest fetched by digest exists), unless one is held
   * or in flight for `key` already.
   */
  remember(key: string, value: unknown): void {
    const entry = this.entries.get(key);
    if (entry && !entry.work.abandoned) return;
    this.start(key, async () => value, true);
  }

  private start(
    key: string,
    compute: (signal: AbortSignal) => Promise<unknown>,
    keep: boolean,
  ): Entry {
    const entry = { settled: false } as Entry;
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.work = new SharedWork(
      async signal => {
        try {
          return await compute(signal);
        } catch (error) {
          // A canceled answer is no answer: the next caller asks again.
          if (isCanceled(error) || signal.aborted) forget();
          throw error;
        } finally {
          entry.settled = true;
          if (!keep) forget();
        }
      },
      signal => canceledError(signal, 'the inspection'),
    );
    this.entries.set(key, entry);
    this.evict();
    return entry;
  }

  /** Drops the least recently used settled answers beyond the bound. */
  private evict(): void {
    if (this.entries.size <= this.maxEntries) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      if (entry.settled) this.entries.delete(key);
    }
  }
}
