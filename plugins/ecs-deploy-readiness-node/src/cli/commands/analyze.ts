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

import { analyzeText, AnalysisReport } from '../../analysis';
import { CliIo, InputError, readInput } from '../io';
import {
  FailOn,
  Painter,
  exitCodeFor,
  renderFindingsTable,
  renderFixes,
  toJson,
} from '../output';
import { platformOption } from './options';

/** Options of `analyze`. */
export interface AnalyzeOptions {
  manifest: string;
  config?: string;
  platform?: string;
  launchType?: string;
  json?: boolean;
  failOn: FailOn;
}

function renderReport(report: AnalysisReport, painter: Painter): string {
  const facts: Array<[string, string]> = [
    ['kind', report.kind],
    ['media type', report.mediaType ?? '(none)'],
  ];
  if (report.kind === 'index') {
    facts.push(['platforms', report.platforms.join(', ') || '(none)']);
    facts.push(['attestations', String(report.attestationCount)]);
  }
  if (report.layerCount !== null)
    facts.push(['layers', String(report.layerCount)]);
  if (report.diffIdCount !== null)
    facts.push(['diff_ids', String(report.diffIdCount)]);
  if (report.compressions.length > 0) {
    facts.push(['compression', report.compressions.join(', ')]);
  }
  if (report.artifactKind) facts.push(['artifact', report.artifactKind]);
  if (report.configPlatform)
    facts.push(['config platform', report.configPlatform]);
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
  const result = analyzeText({
    manifest,
    config,
    platform,
    launchType: options.launchType?.toUpperCase(),
  });
  if (!result.ok) {
    throw new InputError(
      `${
        result.error.startsWith('config') ? options.config : options.manifest
      }: ${result.error}`,
    );
  }
  const report = result.report;
  io.stdout(
    options.json
      ? toJson({
          ...report,
          findings: report.findings.map(f => ({
            id: f.id,
            severity: f.severity,
            title: f.title,
            evidence: f.evidence,
            fix: f.fix,
          })),
        })
      : `${renderReport(report, painter)}\n`,
  );
  return exitCodeFor(report.findings, options.failOn);
}
