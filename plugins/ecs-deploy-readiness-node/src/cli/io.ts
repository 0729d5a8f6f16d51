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

import { readFile, writeFile } from 'fs/promises';
import { resolve } from 'path';
import { heldSecrets } from '../registry/secrets';
import { escapeControlJson, escapeControlText } from './sanitize';

/**
 * How a write to standard output is written: `text` for people (control characters shown as
 * escapes), `json` for machines (DEL, C1 and bidi controls as `\uXXXX`, the rest as given).
 *
 * @public
 */
export type CliOutputFormat = 'text' | 'json';

/**
 * Everything the CLI touches outside itself, so tests run it in-process.
 *
 * @public
 */
export interface CliIo {
  /**
   * Writes `text` to standard output as is (no newline is added). The CLI has already redacted
   * and escaped it; `format` says which escaping it got.
   */
  stdout(text: string, format?: CliOutputFormat): void;
  /** Writes `text` to standard error as is (no newline is added). */
  stderr(text: string): void;
  /** Reads all of standard input (for `-` arguments). */
  readStdin(): Promise<string>;
  /**
   * Standard input as a stream, for commands that answer each line as it arrives
   * (`classify -`). Without it they read all of `readStdin` first.
   */
  stdinStream?(): NodeJS.ReadableStream;
  /**
   * Aborted when standard output has no reader any more (a closed pipe, as with `| head`):
   * commands that could go on producing output stop.
   */
  outputClosed?: AbortSignal;
  /**
   * Aborted when the user interrupts the process (SIGINT, SIGTERM): registry commands cancel
   * their inspections, close their connections and end with exit code 130.
   */
  interrupted?: AbortSignal;
  /** Reads a UTF-8 text file; a relative path is resolved against the working directory. */
  readFile(path: string): Promise<string>;
  /** Writes a UTF-8 text file, replacing it; a relative path is resolved as for `readFile`. */
  writeFile(path: string, content: string): Promise<void>;
  /** Environment variables: `ECS_READINESS_REGISTRY_*` credentials, `NO_COLOR`, `TERM`. */
  env: Record<string, string | undefined>;
  /** Colour only when the output is a terminal. */
  isTTY: boolean;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A write function for a process stream that a closed reader cannot crash: the first error
 * (EPIPE when the reader of a pipe has gone) closes it quietly, and later writes are dropped.
 */
function closableWriter(
  stream: NodeJS.WriteStream,
  onClosed: () => void,
): (text: string) => void {
  let open = true;
  stream.on('error', () => {
    open = false;
    onClosed();
  });
  return text => {
    if (open && !stream.destroyed) stream.write(text);
  };
}

/** The exit code of an interrupted command (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * The process's streams, files and environment. A closed standard output or error (`| head`)
 * is not an error: output to it is dropped, `outputClosed` is aborted, and the command ends
 * with the exit code of its verdict.
 */
export function processIo(): CliIo {
  const closed = new AbortController();
  const interrupted = new AbortController();
  const onSignal = () => {
    interrupted.abort();
    // Whatever does not stop at the signal (a stdin still open) stops here: 130, as a shell does.
    setTimeout(() => process.exit(INTERRUPTED_EXIT_CODE), 1000).unref();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    stdout: closableWriter(process.stdout, () => closed.abort()),
    stderr: closableWriter(process.stderr, () => {}),
    readStdin: () => readAll(process.stdin),
    stdinStream: () => process.stdin,
    outputClosed: closed.signal,
    interrupted: interrupted.signal,
    readFile: path => readFile(resolve(path), 'utf8'),
    writeFile: (path, content) => writeFile(resolve(path), content, 'utf8'),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/**
 * A usage or input problem: the CLI prints the message and exits with code 2.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Reads a file the user named (or standard input for `-`), as an input error when it fails. */
export async function readInput(
  io: CliIo,
  path: string,
  what: string,
): Promise<string> {
  if (path === '-') return io.readStdin();
  try {
    return await io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${what} file not found: ${path}`
        : `cannot read ${what} file ${path}: ${(error as Error).message}`,
    );
  }
}

/** Every credential this process holds, and every credential-shaped value, out of `text`. */
export function redactOutput(text: string): string {
  return heldSecrets.redact(text);
}

/**
 * The one place the CLI's output leaves: every write, to either stream, has the credentials the
 * process holds redacted (whatever the text came from: a registry's error, a file, an argument)
 * and its control characters escaped (`finishText` then turns the painter's colour marks into
 * colour).
 */
export function guardedIo(
  io: CliIo,
  finishText: (text: string) => string = text => text,
): CliIo {
  const text = (value: string) =>
    finishText(escapeControlText(redactOutput(value)));
  return {
    ...io,
    stdout: (value, format = 'text') =>
      io.stdout(
        format === 'json'
          ? escapeControlJson(redactOutput(value))
          : text(value),
        format,
      ),
    stderr: value => io.stderr(text(value)),
  };
}
