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

import {
  Finding,
  Fix,
  Severity,
  fixFor,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type {
  ImageInspection,
  InspectionStatus,
  TaskDefinitionInspection,
} from '../inspect';

/**
 * Exit-code policy: which findings fail the command (exit 1).
 *
 * @internal
 */
export type FailOn = 'blocking' | 'unverifiable' | 'risk';

/** Exit code for a set of findings: 1 when they fail the gate, else 0. */
export function exitCodeFor(
  findings: readonly Finding[],
  failOn: FailOn,
): number {
  const failing = findings.some(
    f =>
      f.severity === 'blocking' ||
      (failOn !== 'blocking' && f.id === 'unverifiable') ||
      (failOn === 'risk' && f.severity === 'risk'),
  );
  return failing ? 1 : 0;
}

/** Stable JSON for machines: two-space indentation and a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The fix of a finding, rendered now from the catalogue. */
export function fixOf(finding: Finding): Fix {
  return fixFor(finding.fixKey, finding.fixVars);
}

/**
 * Findings as the JSON output prints them: as stored (`fixKey`, `fixVars`), with the fix rendered
 * for readers that do not have the catalogue.
 */
export function findingsForJson(
  findings: readonly Finding[],
): Array<Finding & { fix: Fix }> {
  return findings.map(finding => ({ ...finding, fix: fixOf(finding) }));
}

/** An image inspection for the JSON output, each finding with its rendered fix. */
export function imageInspectionJson(result: ImageInspection) {
  return { ...result, findings: findingsForJson(result.findings) };
}

/** How many findings of each severity. */
export function severityCounts(
  findings: readonly Finding[],
): Record<Severity, number> {
  const counts: Record<Severity, number> = { blocking: 0, risk: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/**
 * A task definition inspection for the JSON output. Every finding is printed once, in the
 * top-level `findings` (each with its `container`, none for findings about the task definition
 * itself, and its rendered fix); a container's `inspection` keeps its status, digests and facts
 * but not its findings again, and `summary` counts them.
 */
export function taskDefinitionInspectionJson(result: TaskDefinitionInspection) {
  const { findings, containers, ...rest } = result;
  return {
    ...rest,
    summary: { containers: containers.length, ...severityCounts(findings) },
    containers: containers.map(c => {
      if (!c.inspection) return c;
      const { findings: _printedAtTheTop, ...inspection } = c.inspection;
      return { ...c, inspection };
    }),
    findings: findingsForJson(findings),
  };
}

const ANSI = {
  red: 31,
  yellow: 33,
  green: 32,
  blue: 34,
  magenta: 35,
  bold: 1,
  dim: 2,
} as const;

/**
 * Paints text, or leaves it plain when colour is off (not a terminal, or NO_COLOR).
 *
 * It paints with marks (private-use characters and a random key of this run) rather than escape
 * sequences, so that the output guard can escape every control character a registry or a file
 * put in the text and still colour what the CLI itself painted: `finish` turns the marks into
 * colour at the very end, and text cannot forge a mark without the key.
 */
export class Painter {
  private readonly mark = `\ue000${Math.random().toString(36).slice(2, 10)}`;
  private readonly marks = new RegExp(`${this.mark}(\\d+)\ue001`, 'g');

  constructor(readonly enabled: boolean) {}

  paint(style: keyof typeof ANSI, text: string): string {
    return this.enabled
      ? `${this.mark}${ANSI[style]}\ue001${text}${this.mark}0\ue001`
      : text;
  }

  /** Text as it goes to the terminal: the painter's marks as colour sequences. */
  finish(text: string): string {
    return this.enabled
      ? text.replace(this.marks, (_m, code: string) => `\u001b[${code}m`)
      : text;
  }

  severity(severity: Severity, text: string = severity): string {
    const styles: Record<Severity, keyof typeof ANSI> = {
      blocking: 'red',
      risk: 'yellow',
      info: 'blue',
    };
    return this.paint(styles[severity], text);
  }

  status(status: InspectionStatus): string {
    const styles: Record<InspectionStatus, keyof typeof ANSI> = {
      ready: 'green',
      blocked: 'red',
      'at-risk': 'yellow',
      unverifiable: 'magenta',
      canceled: 'dim',
    };
    return this.paint('bold', this.paint(styles[status], status.toUpperCase()));
  }
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - text.length));
}

/**
 * A plain-text table: each column as wide as its widest cell; the colour function sees the padded
 * cell so alignment survives colour codes.
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  paintCell: (row: number, column: number, text: string) => string = (
    _r,
    _c,
    t,
  ) => t,
  indent = '  ',
): string {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)),
  );
  const line = (cells: string[], paintRow?: number) =>
    indent +
    cells
      .map((cell, i) => {
        const text = i === cells.length - 1 ? cell : pad(cell, widths[i]);
        return paintRow === undefined ? text : paintCell(paintRow, i, text);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map((r, i) => line(r, i))].join('\n');
}

/** The findings as a table: severity, check id, (container), title. */
export function renderFindingsTable(
  findings: readonly Finding[],
  painter: Painter,
  withContainer = false,
): string {
  if (findings.length === 0) return '  No findings.';
  const headers = [
    'SEVERITY',
    'CHECK',
    ...(withContainer ? ['CONTAINER'] : []),
    'FINDING',
  ];
  const rows = findings.map(f => [
    f.severity,
    f.id,
    ...(withContainer ? [f.container ?? ''] : []),
    f.title,
  ]);
  return renderTable(headers, rows, (r, c, text) =>
    c === 0 ? painter.severity(findings[r].severity, text) : text,
  );
}

function indentLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map(l => `${prefix}${l}`)
    .join('\n');
}

/** Each finding's fix: explanation, numbered steps with commands, documentation links. */
export function renderFixes(
  findings: readonly Finding[],
  painter: Painter,
): string {
  const blocks: string[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const fix = fixOf(finding);
    const key = `${finding.id}\u0000${finding.container ?? ''}\u0000${
      fix.summary
    }`;
    if (finding.severity === 'info' || seen.has(key)) continue;
    seen.add(key);
    const lines = [
      `${painter.severity(
        finding.severity,
        `[${finding.severity}]`,
      )} ${painter.paint('bold', finding.id)}${
        finding.container ? ` (container ${finding.container})` : ''
      }`,
      indentLines(fix.summary, '  '),
    ];
    fix.steps.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${step.text}`);
      if (step.command) {
        const prefix = step.language === 'shell' || !step.language ? '$ ' : '';
        lines.push(indentLines(`${prefix}${step.command}`, '       '));
      }
    });
    for (const doc of fix.docs) {
      lines.push(`  Docs: ${doc.title} <${doc.url}>`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length > 0 ? `\nHow to fix\n\n${blocks.join('\n\n')}\n` : '';
}

function keyValues(pairs: Array<[string, string | undefined]>): string {
  const present = pairs.filter(
    (p): p is [string, string] => p[1] !== undefined,
  );
  const width = Math.max(...present.map(([k]) => k.length));
  return present.map(([k, v]) => `  ${pad(k, width)}  ${v}`).join('\n');
}

/** Human output of `check-image`. */
export function renderImageInspection(
  result: ImageInspection,
  painter: Painter,
): string {
  const header = keyValues([
    ['platform', result.facts.platform],
    ['resolved digest', result.resolvedDigest],
    ['platform manifest', result.platformManifestDigest],
    ['pinned reference', result.pinnedReference],
  ]);
  return [
    `${painter.paint('bold', result.reference)}  ${painter.status(
      result.status,
    )}`,
    header,
    '',
    renderFindingsTable(result.findings, painter),
    renderFixes(result.findings, painter),
  ].join('\n');
}

/** Human output of `check-task-definition`. */
export function renderTaskDefinitionInspection(
  result: TaskDefinitionInspection,
  painter: Painter,
): string {
  const name = result.family
    ? `${result.family}${
        result.revision !== undefined ? `:${result.revision}` : ''
      }`
    : 'task definition';
  const header = keyValues([
    [
      'platform',
      `${result.platform}${
        result.platformSource === 'default' ? ' (Fargate default)' : ''
      }`,
    ],
    ['launch type', result.launchType ?? 'not specified'],
  ]);
  const containers = renderTable(
    ['CONTAINER', 'STATUS', 'IMAGE'],
    result.containers.map(c => [
      c.name,
      c.inspection?.status ?? 'blocked',
      c.image ?? '(none)',
    ]),
  );
  return [
    `${painter.paint('bold', name)}  ${painter.status(result.status)}`,
    header,
    '',
    containers,
    '',
    renderFindingsTable(result.findings, painter, true),
    renderFixes(result.findings, painter),
  ].join('\n');
}
