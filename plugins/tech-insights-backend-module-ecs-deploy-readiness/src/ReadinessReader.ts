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
} from '@backstage/backend-plugin-api';
import { ResponseError, ServiceUnavailableError } from '@backstage/errors';
import {
  MalformedResponseError,
  parseScorecardPage,
  type ScorecardEntry,
} from './parse';

/** Options of {@link ReadinessReader.create}. */
export interface ReadinessReaderOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** The backend plugin's id. */
  pluginId: string;
  /** One request's limit, in milliseconds. */
  timeoutMs: number;
  /** Rows per scorecard page; the API allows at most 500. */
  pageSize?: number;
}

/** Every valid row of the scorecard, the reasons of the rows left out, the pages read. */
export interface ScorecardRead {
  entries: ScorecardEntry[];
  invalid: string[];
  pages: number;
}

/** A guard against a backend that never stops paging: 500 rows a page, 5 million rows. */
const MAX_PAGES = 10_000;

/**
 * Reads the backend plugin's HTTP API with the caller's own service credentials (a service
 * principal may read every entity). Every failure is typed: `ResponseError` for an error
 * response (its `statusCode` says which), `ServiceUnavailableError` when the plugin cannot be
 * reached in time, `MalformedResponseError` for a body of another shape.
 */
export class ReadinessReader {
  static create(options: ReadinessReaderOptions): ReadinessReader {
    return new ReadinessReader(options);
  }

  private constructor(private readonly options: ReadinessReaderOptions) {}

  /** Every page of `GET /scorecard`: one request per page of `pageSize` rows. */
  async readScorecard(): Promise<ScorecardRead> {
    const pageSize = this.options.pageSize ?? 500;
    const entries: ScorecardEntry[] = [];
    const invalid: string[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) {
        throw new MalformedResponseError(
          `GET /scorecard did not end after ${MAX_PAGES} pages`,
        );
      }
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (cursor) query.set('cursor', cursor);
      const parsed = parseScorecardPage(
        await this.getJson(`/scorecard?${query}`),
      );
      entries.push(...parsed.entries);
      invalid.push(...parsed.invalid);
      cursor = parsed.nextCursor;
      if (!cursor) return { entries, invalid, pages: page + 1 };
      if (seen.has(cursor)) {
        throw new MalformedResponseError(
          'GET /scorecard returned a cursor it had returned before',
        );
      }
      seen.add(cursor);
    }
  }

  private async getJson(path: string): Promise<unknown> {
    const { discovery, auth, pluginId, timeoutMs } = this.options;
    const url = `${await discovery.getBaseUrl(pluginId)}${path}`;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: pluginId,
    });
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${token}` },
        signal,
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not reach the ${pluginId} backend plugin at ${url}${
          signal.aborted ? ` within ${timeoutMs} ms` : ''
        }`,
        error,
      );
    }
    if (!response.ok) throw await ResponseError.fromResponse(response);
    try {
      return await response.json();
    } catch (error) {
      if (signal.aborted) {
        throw new ServiceUnavailableError(
          `The ${pluginId} backend plugin did not answer ${url} within ${timeoutMs} ms`,
          error,
        );
      }
      throw new MalformedResponseError(
        `Malformed response of ${url}: not JSON`,
        error,
      );
    }
  }
}
