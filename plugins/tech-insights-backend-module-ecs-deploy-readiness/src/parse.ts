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

// The response the retriever reads, checked field by field: a response of another shape
// (another version of the backend plugin, a proxy's error page) is a typed error, and a row of
// another shape is left out with a reason that names the field, never a TypeError half-way
// through a run.

import { CustomErrorBase } from '@backstage/errors';
import {
  ENTITY_READINESS_STATUSES,
  type EntityReadinessStatus,
  SEVERITIES,
  type SeverityCounts,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { DateTime } from 'luxon';

/** A response of the backend plugin that does not have the documented shape. */
export class MalformedResponseError extends CustomErrorBase {
  name = 'MalformedResponseError' as const;
}

/** What the retriever uses of one `GET /scorecard` row. */
export interface ScorecardEntry {
  /** As the catalog spells them. */
  kind: string;
  namespace: string;
  name: string;
  status: EntityReadinessStatus;
  /** Findings of the entity and its services, by severity. */
  counts: SeverityCounts;
  /** True when the last audit could not refresh the entity's report. */
  stale: boolean;
  /**
   * The distinct check ids of the findings of the entity and its services (any severity): a
   * check not listed passes. May hold ids this package does not know (a newer backend plugin).
   */
  failingChecks: string[];
  /** When the latest audit that covered every service of the entity finished. */
  lastAudited?: DateTime;
  /** The newest pull failure of its services. */
  lastPullFailure?: DateTime;
}

/** A page of `GET /scorecard`: its valid rows, the reasons of the others, the next cursor. */
export interface ParsedScorecardPage {
  entries: ScorecardEntry[];
  invalid: string[];
  nextCursor?: string;
}

/**
 * Reads a page of `GET /scorecard`. A page without an `items` array or with a cursor that is
 * not a string throws; a row that lacks a field is left out and its reason returned.
 */
export function parseScorecardPage(body: unknown): ParsedScorecardPage {
  if (!isObject(body) || !Array.isArray(body.items)) {
    throw new MalformedResponseError(
      'Malformed GET /scorecard response: expected an object with an items array',
    );
  }
  const { nextCursor } = body;
  if (
    nextCursor !== undefined &&
    (typeof nextCursor !== 'string' || nextCursor === '')
  ) {
    throw new MalformedResponseError(
      'Malformed GET /scorecard response: nextCursor is not a non-empty string',
    );
  }
  const entries: ScorecardEntry[] = [];
  const invalid: string[] = [];
  body.items.forEach((item, index) => {
    try {
      entries.push(scorecardEntry(item));
    } catch (error) {
      invalid.push(`items[${index}]: ${(error as Error).message}`);
    }
  });
  return { entries, invalid, ...(nextCursor && { nextCursor }) };
}

function scorecardEntry(item: unknown): ScorecardEntry {
  if (!isObject(item)) throw new Error('not an object');
  const lastAudited = optionalTime(item, 'lastAudited');
  const lastPullFailure = optionalTime(item, 'lastPullFailure');
  return {
    kind: requiredName(item, 'kind'),
    namespace: requiredName(item, 'namespace'),
    name: requiredName(item, 'name'),
    status: status(item.status),
    counts: counts(item.counts),
    stale: requiredBoolean(item, 'stale'),
    failingChecks: stringArray(item, 'failingChecks'),
    ...(lastAudited && { lastAudited }),
    ...(lastPullFailure && { lastPullFailure }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredName(item: Record<string, unknown>, key: string): string {
  const value = item[key];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${key} is not a non-empty string`);
  }
  return value;
}

function status(value: unknown): EntityReadinessStatus {
  if (!ENTITY_READINESS_STATUSES.includes(value as EntityReadinessStatus)) {
    throw new Error(
      `status ${JSON.stringify(value)} is not a readiness status`,
    );
  }
  return value as EntityReadinessStatus;
}

function counts(value: unknown): SeverityCounts {
  if (!isObject(value)) throw new Error('counts is not an object');
  return Object.fromEntries(
    SEVERITIES.map(severity => {
      const n = value[severity];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new Error(`counts.${severity} is not a count`);
      }
      return [severity, n];
    }),
  ) as SeverityCounts;
}

function requiredBoolean(item: Record<string, unknown>, key: string): boolean {
  const value = item[key];
  if (typeof value !== 'boolean') throw new Error(`${key} is not a boolean`);
  return value;
}

function stringArray(item: Record<string, unknown>, key: string): string[] {
  const value = item[key];
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    throw new Error(`${key} is not an array of strings`);
  }
  return value;
}

function optionalTime(
  item: Record<string, unknown>,
  key: string,
): DateTime | undefined {
  const value = item[key];
  if (value === undefined || value === null) return undefined;
  const time =
    typeof value === 'string'
      ? DateTime.fromISO(value, { zone: 'utc' })
      : undefined;
  if (!time?.isValid) throw new Error(`${key} is not an ISO 8601 date-time`);
  return time;
}
