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

import { isDeepStrictEqual } from 'util';
import { taskDefinitionFindings } from '../../analysis';
import type { ImageInspector } from '../../inspect';
import { CliIo, InputError } from '../io';
import { readTaskDefinitionFile } from './checkTaskDefinition';

/** Options of `pin-digests`. */
export interface PinDigestsOptions {
  write?: boolean;
}

function containerDefinitionsOf(
  value: unknown,
): Array<Record<string, unknown>> {
  const outer = value as Record<string, unknown>;
  const td =
    (outer.taskDefinition as Record<string, unknown> | undefined) ?? outer;
  return td.containerDefinitions as Array<Record<string, unknown>>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function indentationOf(text: string): string | number {
  const match = /\n([ \t]+)"/.exec(text);
  return match ? match[1] : 2;
}

/**
 * Rewrites the `"image"` values in the original text, so formatting, key order and everything
 * else stay as they were; falls back to re-serialising when the text cannot be edited in place.
 */
function rewrite(
  text: string,
  expected: unknown,
  replacements: Map<string, string>,
): string {
  let edited = text;
  for (const [from, to] of replacements) {
    const pattern = new RegExp(
      `("image"\\s*:\\s*)${escapeRegExp(JSON.stringify(from))}`,
      'g',
    );
    edited = edited.replace(
      pattern,
      (_m, prefix: string) => `${prefix}${JSON.stringify(to)}`,
    );
  }
  try {
    if (isDeepStrictEqual(JSON.parse(edited), expected)) return edited;
  } catch {
    // fall through to re-serialising
  }
  return `${JSON.stringify(expected, null, indentationOf(text))}\n`;
}

/**
 * `pin-digests <file.json> [--write]`: resolves every tag-only image to the digest it points at
 * now and writes `repo:tag@sha256:…` (the tag stays for humans; ECS uses the digest).
 */
export async function runPinDigests(
  file: string,
  options: PinDigestsOptions,
  inspector: ImageInspector,
  io: CliIo,
): Promise<number> {
  if (options.write && file === '-') {
    throw new InputError('--write needs a file, not standard input');
  }
  const { text, value, summary } = await readTaskDefinitionFile(io, file);
  for (const finding of taskDefinitionFindings(summary)) {
    io.stderr(`! ${finding.title}\n`);
  }

  // A fresh copy from the same text, so the original value stays untouched.
  const expected = JSON.parse(JSON.stringify(value));
  const definitions = containerDefinitionsOf(expected);
  const replacements = new Map<string, string>();
  let failures = 0;
  const results = await Promise.all(
    summary.containers.map(async container =>
      container.image === undefined
        ? undefined
        : {
            container,
            result: await inspector.resolveDigest(container.image, {
              signal: io.interrupted,
            }),
          },
    ),
  );
  for (const entry of results) {
    if (!entry) continue;
    const { container, result } = entry;
    if (!result.ok) {
      failures += 1;
      io.stderr(`✗ ${container.name}: ${result.finding.title}\n`);
      continue;
    }
    if (result.reference.digest) {
      io.stderr(
        `= ${container.name}: ${container.image} already has a digest\n`,
      );
      continue;
    }
    definitions[container.index].image = result.pinnedReference;
    replacements.set(container.image!, result.pinnedReference);
    io.stderr(
      `✓ ${container.name}: ${container.image} → ${result.pinnedReference}\n`,
    );
  }

  const output =
    replacements.size > 0 ? rewrite(text, expected, replacements) : text;
  if (options.write) {
    if (replacements.size > 0) await io.writeFile(file, output);
    io.stderr(
      replacements.size > 0
        ? `Pinned ${replacements.size} image reference(s) in ${file}\n`
        : `Nothing to pin in ${file}\n`,
    );
  } else {
    // The task definition as JSON: DEL, C1 and bidi controls escaped inside its strings, its
    // whitespace (tabs, CRLF) as it was.
    io.stdout(output.endsWith('\n') ? output : `${output}\n`, 'json');
  }
  return failures > 0 ? 1 : 0;
}
