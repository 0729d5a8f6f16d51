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

import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError, ServiceUnavailableError } from '@backstage/errors';
import type {
  ScorecardPage,
  ScorecardRow,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

/** The readiness of every linked entity, as the plugin last reported it. */
export interface ReadinessSnapshot {
  /** By lower-case entity ref. */
  rows: Map<string, ScorecardRow>;
  /** When it was read. */
  readAt: number;
}

/**
 * Where the processor reads readiness from. `snapshot()` resolves to the newest snapshot it
 * could get and rejects with `ServiceUnavailableError` when it has none at all.
 */
export interface ReadinessSource {
  snapshot(): Promise<ReadinessSnapshot>;
}

/** Options of {@link CachedReadinessSource}. */
export interface CachedReadinessSourceOptions {
  /** Reads every row, all pages. */
  read(signal: AbortSignal): Promise<ScorecardRow[]>;
  logger: LoggerService;
  /** How long a snapshot is served before the next read, in milliseconds. */
  cacheTtlMs: number;
  /** One whole read's limit, in milliseconds. */
  timeoutMs: number;
  clock?: () => number;
}

/**
 * One bulk read for all the entities of a processing pass: a snapshot is served for
 * `cacheTtlMs`, concurrent callers share one read in flight, and when a read fails the last
 * good snapshot goes on being served (the labels stay as they were) until one succeeds.
 */
export class CachedReadinessSource implements ReadinessSource {
  private current?: ReadinessSnapshot;
  private inFlight?: Promise<ReadinessSnapshot>;
  /** When the last read failed; no other read is tried for `cacheTtlMs` after that. */
  private failedAt?: number;
  private lastError?: Error;
  private readonly clock: () => number;

  constructor(private readonly options: CachedReadinessSourceOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async snapshot(): Promise<ReadinessSnapshot> {
    const now = this.clock();
    const { cacheTtlMs } = this.options;
    if (this.current && now - this.current.readAt < cacheTtlMs) {
      return this.current;
    }
    if (this.failedAt !== undefined && now - this.failedAt < cacheTtlMs) {
      return this.stale();
    }
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async refresh(): Promise<ReadinessSnapshot> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const rows = await this.options.read(controller.signal);
      this.current = {
        rows: new Map(
          rows.map(row => [row.entityRef.toLocaleLowerCase('en-US'), row]),
        ),
        readAt: this.clock(),
      };
      this.failedAt = undefined;
      return this.current;
    } catch (error) {
      this.failedAt = this.clock();
      this.lastError = error as Error;
      this.options.logger.warn(
        `Could not read ECS deploy readiness; ${
          this.current
            ? 'keeping the last snapshot'
            : 'leaving entities as they are'
        }: ${error}`,
      );
      return this.stale();
    } finally {
      clearTimeout(timer);
    }
  }

  private stale(): ReadinessSnapshot {
    if (this.current) return this.current;
    throw new ServiceUnavailableError(
      'ECS deploy readiness is unavailable',
      this.lastError,
    );
  }
}

/** Options of {@link readScorecard}. */
export interface ReadScorecardOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** The backend plugin's id. */
  pluginId?: string;
  /** Rows per page; the API allows at most 500. */
  pageSize?: number;
  fetch?: typeof fetch;
}

/**
 * Reads every row of the backend plugin's `GET /scorecard`, 500 a page, with the catalog's own
 * service credentials (a service principal sees every entity).
 */
export function readScorecard(
  options: ReadScorecardOptions,
): (signal: AbortSignal) => Promise<ScorecardRow[]> {
  const pluginId = options.pluginId ?? 'ecs-deploy-readiness';
  const pageSize = options.pageSize ?? 500;
  const doFetch = options.fetch ?? fetch;
  return async signal => {
    const baseUrl = await options.discovery.getBaseUrl(pluginId);
    const rows: ScorecardRow[] = [];
    let cursor: string | undefined;
    do {
      const { token } = await options.auth.getPluginRequestToken({
        onBehalfOf: await options.auth.getOwnServiceCredentials(),
        targetPluginId: pluginId,
      });
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (cursor) query.set('cursor', cursor);
      const response = await doFetch(`${baseUrl}/scorecard?${query}`, {
        headers: { Authorization: `Bearer ${token}` },
        signal,
      });
      if (!response.ok) throw await ResponseError.fromResponse(response);
      const page = (await response.json()) as ScorecardPage;
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return rows;
  };
}
