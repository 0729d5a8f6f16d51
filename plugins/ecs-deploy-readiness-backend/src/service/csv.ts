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

import type { ScorecardRow } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

/** The columns of `GET /scorecard.csv`, in order. */
export const SCORECARD_CSV_COLUMNS: ReadonlyArray<
  [header: string, value: (row: ScorecardRow) => string | number | undefined]
> = [
  ['entity_ref', r => r.entityRef],
  ['kind', r => r.kind],
  ['namespace', r => r.namespace],
  ['name', r => r.name],
  ['title', r => r.title],
  ['owner', r => r.owner],
  ['system', r => r.system],
  ['status', r => r.status],
  ['stale', r => (r.stale ? 'true' : 'false')],
  ['blocking', r => r.counts.blocking],
  ['risk', r => r.counts.risk],
  ['info', r => r.counts.info],
  ['services', r => r.services],
  ['last_pull_failure', r => r.lastPullFailure],
  ['last_audited', r => r.lastAudited],
  ['status_since', r => r.statusSince],
];

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote, or a line break, with quotes
 * doubled. A text that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`,
 * a tab or a carriage return: OWASP's "CSV injection") is prefixed with `'`. Numbers are
 * written as they are.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header line and one line per row, each ending in CRLF. */
export function* scorecardCsvLines(
  rows: Iterable<ScorecardRow>,
): Generator<string> {
  yield `${SCORECARD_CSV_COLUMNS.map(([header]) => header).join(',')}\r\n`;
  for (const row of rows) {
    yield `${SCORECARD_CSV_COLUMNS.map(([, value]) => csvCell(value(row))).join(
      ',',
    )}\r\n`;
  }
}
