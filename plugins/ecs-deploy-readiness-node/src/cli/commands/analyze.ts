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

import type { DocumentFacts } from '../../analysis';
import { analyzeDocuments, AnalysisReport } from '../../inspect';
import { CliIo, InputError, readInput } from '../io';
import {
  FailOn,
  Painter,
  exitCodeFor,
  renderFindingsTable,
  findingsForJson,
  renderFixes,
  toJson,
} from '../output';
import { platformOption } from './options';

/** Options of `analyze`. */
export interface AnalyzeOptions {
  manifest: string;
  config?: string;
  document?: string[];
  platform?: string;
  launchType?: string;
  json?: boolean;
  failOn: FailOn;
}

/** The facts of one document, as label and value. */
function factLines(facts: DocumentFacts, prefix = ''): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    [`${prefix}kind`, facts.kind],
    [`${prefix}media type`, facts.mediaType ?? '(none)'],
  ];
  if (facts.kind === 'index') {
    lines.push([`${prefix}platforms`, facts.platforms.join(', ') || '(none)']);
    lines.push([`${prefix}attestations`, String(facts.attestationCount)]);
  }
  if (facts.layerCount !== null)
    lines.push([`${prefix}layers`, String(facts.layerCount)]);
  if (facts.diffIdCount !== null)
    lines.push([`${prefix}diff_ids`, String(facts.diffIdCount)]);
  if (facts.compressions.length > 0) {
    lines.push([`${prefix}compression`, facts.compressions.join(', ')]);
  }
  if (facts.artifactKind) lines.push([`${prefix}artifact`, facts.artifactKind]);
  if (facts.configPlatform)
    lines.push([`${prefix}config platform`, facts.configPlatform]);
  return lines;
}

function renderReport(report: AnalysisReport, painter: Painter): string {
  const facts = [
    ...factLines(report),
    ...(report.platformManifest
      ? factLines(report.platformManifest, 'platform manifest ')
      : []),
  ];
  const width = Math.max(...facts.map(([k]) => k.length));
  return [
    ...facts.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    renderFindingsTable(report.findings, painter),
    renderFixes(report.findings, painter),
  ].join('\n');
}

/**
 * `analyze --manifest <file> [--config <file>] [--platform p] [--json]`: offline analysis of
 * documents on disk (or standard input for `-`). No network.
 */
export async function runAnalyze(
  options: AnalyzeOptions,
  io: CliIo,
  painter: Painter,
): Promise<number> {
  const platform = options.platform
    ? platformOption(options.platform)
    : undefined;
  const manifest = await readInput(io, options.manifest, 'manifest');
  const config =
    options.config !== undefined
      ? await readInput(io, options.config, 'config')
      : undefined;
  const documents = await Promise.all(
    (options.document ?? []).map(file => readInput(io, file, 'document')),
  );
  const result = await analyzeDocuments({
    manifest,
    config,
    documents,
    platform,
    launchType: options.launchType?.toUpperCase(),
  });
  if (!result.ok) {
    const documentIndex = /^document (\d+):/.exec(result.error)?.[1];
    let file = options.manifest;
    if (result.error.startsWith('config')) file = options.config ?? file;
    if (documentIndex)
      file = options.document?.[Number(documentIndex) - 1] ?? file;
    throw new InputError(`${file}: ${result.error}`);
  }
  const report = result.report;
  if (options.json) {
    io.stdout(
      toJson({ ...report, findings: findingsForJson(report.findings) }),
      'json',
    );
  } else {
    io.stdout(`${renderReport(report, painter)}\n`);
  }
  return exitCodeFor(report.findings, options.failOn);
}
