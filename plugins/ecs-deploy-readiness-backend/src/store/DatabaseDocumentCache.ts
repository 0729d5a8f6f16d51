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

import type { LoggerService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  CountingDocumentCache,
  DocumentCacheOptions,
} from './ReadinessStore';

const DIGEST_KEY = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;

type DocumentRow = { digest: string; bytes: Buffer | Uint8Array; size: number };

/**
 * The engine's document cache in the plugin database (table `documents`), shared by every audit
 * and every backend replica. Content-addressed and robust like `FileDocumentCache`: only
 * well-formed `sha256`/`sha512` digests are keys; bytes that do not match their digest or are
 * larger than `maxEntryBytes` are neither stored nor returned (a corrupt row is deleted); a
 * database error is a miss or a skipped store, never an error of the audit.
 *
 * @internal
 */
export class DatabaseDocumentCache implements CountingDocumentCache {
  readonly persistent = true;
  private readonly maxEntryBytes: number;
  private readonly logger?: LoggerService;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date,
    options: DocumentCacheOptions & { logger?: LoggerService } = {},
  ) {
    this.maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    this.logger = options.logger;
  }

  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  async get(digest: string): Promise<Buffer | undefined> {
    const bytes = await this.read(digest);
    if (bytes) this.hits += 1;
    else this.misses += 1;
    return bytes;
  }

  async set(digest: string, bytes: Buffer): Promise<void> {
    if (!isDigest(digest) || bytes.length > this.maxEntryBytes) return;
    if (hashOf(digest, bytes) !== digest) return;
    try {
      await this.db('documents')
        .insert({
          digest,
          bytes,
          size: bytes.length,
          stored_at: this.clock().toISOString(),
        })
        .onConflict('digest')
        .ignore();
    } catch (error) {
      this.logger?.debug(`Document cache could not store ${digest}: ${error}`);
    }
  }

  private async read(digest: string): Promise<Buffer | undefined> {
    if (!isDigest(digest)) return undefined;
    let row: DocumentRow | undefined;
    try {
      row = await this.db<DocumentRow>('documents')
        .where({ digest })
        .where('size', '<=', this.maxEntryBytes)
        .first(['digest', 'bytes', 'size']);
    } catch (error) {
      this.logger?.debug(`Document cache could not read ${digest}: ${error}`);
      return undefined;
    }
    if (!row) return undefined;
    const bytes = Buffer.isBuffer(row.bytes)
      ? row.bytes
      : Buffer.from(row.bytes);
    if (bytes.length > this.maxEntryBytes) return undefined;
    if (hashOf(digest, bytes) !== digest) {
      await this.db('documents')
        .where({ digest })
        .delete()
        .catch(() => {});
      return undefined;
    }
    return bytes;
  }
}

function isDigest(digest: unknown): digest is string {
  return typeof digest === 'string' && DIGEST_KEY.test(digest);
}

function hashOf(digest: string, bytes: Buffer): string {
  const algorithm = digest.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
