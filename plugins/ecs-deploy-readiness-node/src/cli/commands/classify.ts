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
  classifyPullError,
  fixFor,
  type ClassifiedPullError,
  type ExtractedPullErrorFacts,
  type Fix,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

/** Options of `classify [message]`. */
export interface ClassifyOptions {
  /** The message, or `-` to read one message per line from `stdin`. */
  message?: string;
  /** One JSON object (per message) instead of the readable explanation. */
  json: boolean;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** Where usage and input errors go; `stdout` when absent. */
  stderr?: NodeJS.WritableStream;
}

/**
 * A line longer than this is classified by its start (the classifier reads 16 KiB anyway) and
 * the rest is skipped without being held in memory.
 */
const MAX_LINE_LENGTH = 64 * 1024;

const USAGE =
  'usage: ecs-deploy-readiness classify [--json] "<message>"\n' +
  '       ecs-deploy-readiness classify [--json] -   (one message per line on standard input)\n';

/** Writes and waits for `drain` when the stream asks, so large inputs stream at output speed. */
async function write(stream: NodeJS.WritableStream, text: string) {
  if (!stream.write(text)) {
    await new Promise<void>(resolve => stream.once('drain', () => resolve()));
  }
}

/**
 * Splits a stream into lines as it arrives (LF or CRLF), keeping at most `MAX_LINE_LENGTH`
 * characters of any one line.
 */
async function* readLines(
  stream: NodeJS.ReadableStream,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let line = '';
  for await (const chunk of stream) {
    const text =
      typeof chunk === 'string'
        ? chunk
        : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      line = append(line, text.slice(start, nl));
      yield line.replace(/\r$/, '');
      line = '';
      start = nl + 1;
    }
    line = append(line, text.slice(start));
  }
  line = append(line, decoder.decode());
  if (line) {
    yield line;
  }
}

function append(line: string, text: string): string {
  return line.length >= MAX_LINE_LENGTH
    ? line
    : (line + text).slice(0, MAX_LINE_LENGTH);
}

const FACT_LABELS: Array<[keyof ExtractedPullErrorFacts, string]> = [
  ['image', 'image'],
  ['registry', 'registry'],
  ['repository', 'repository'],
  ['tag', 'tag'],
  ['digest', 'digest'],
  ['platform', 'platform'],
  ['httpStatus', 'HTTP status'],
  ['retryCount', 'retries'],
  ['accountId', 'account'],
  ['region', 'region'],
  ['layerCount', 'layers'],
  ['diffIdCount', 'diffIDs'],
  ['mediaType', 'media type'],
];

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map(l => prefix + l)
    .join('\n');
}

/** The explanation and the fix, for a person at a terminal. */
function renderReadable(result: ClassifiedPullError, fix: Fix): string {
  const lines = [
    fix.title,
    `category: ${result.category} (confidence: ${result.confidence})`,
    '',
    result.note ? `${fix.summary} ${result.note}` : fix.summary,
  ];
  const facts = FACT_LABELS.filter(
    ([key]) => result.extracted[key] !== undefined,
  );
  if (facts.length > 0) {
    lines.push('', 'From the message:');
    for (const [key, label] of facts) {
      lines.push(`  ${label}: ${result.extracted[key]}`);
    }
  }
  lines.push('', 'Fix:');
  fix.steps.forEach((step, index) => {
    lines.push(`  ${index + 1}. ${step.text}`);
    if (step.command) {
      lines.push(indent(step.command, '       '));
    }
  });
  lines.push('', 'Docs:');
  for (const doc of fix.docs) {
    lines.push(`  - ${doc.title}: ${doc.url}`);
  }
  return `${lines.join('\n')}\n`;
}

function render(message: string, json: boolean, line?: number): string {
  const result = classifyPullError(message);
  const fix = fixFor(result.fixKey, result.fixVars);
  if (!json) {
    return renderReadable(result, fix);
  }
  // The classification first, so `category` leads each JSON line; the fix as rendered now.
  const { category, confidence, ...rest } = result;
  return `${JSON.stringify({
    category,
    confidence,
    ...rest,
    fix,
    ...(line !== undefined && { line }),
  })}\n`;
}

/**
 * `classify [message]`: explains a pull error message and prints its fix, or with `--json` one
 * JSON object. With `-` it reads one message per line from `stdin` and writes one result per
 * line (JSON Lines with `--json`), as the input arrives; blank lines are skipped.
 *
 * @returns the exit code: 0, or 2 for a usage or input error.
 */
export async function runClassify(options: ClassifyOptions): Promise<number> {
  const { message, json, stdin, stdout } = options;
  const stderr = options.stderr ?? stdout;
  if (message === undefined || message.trim() === '') {
    await write(stderr, `error: no message to classify\n${USAGE}`);
    return 2;
  }
  if (message !== '-') {
    await write(stdout, render(message, json));
    return 0;
  }
  let lineNumber = 0;
  let first = true;
  try {
    for await (const line of readLines(stdin)) {
      lineNumber += 1;
      if (line.trim() === '') {
        continue;
      }
      const separator = json || first ? '' : '\n';
      await write(stdout, separator + render(line, json, lineNumber));
      first = false;
    }
  } catch (error) {
    await write(
      stderr,
      `error: cannot read standard input: ${
        error instanceof Error ? error.message : String(error)
      }\n`,
    );
    return 2;
  }
  return 0;
}
