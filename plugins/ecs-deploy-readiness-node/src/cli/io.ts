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

/**
 * Everything the CLI touches outside itself, so tests run it in-process.
 *
 * @public
 */
export interface CliIo {
  /** Writes `text` to standard output as is (no newline is added). */
  stdout(text: string): void;
  /** Writes `text` to standard error as is (no newline is added). */
  stderr(text: string): void;
  /** Reads all of standard input (for `-` arguments). */
  readStdin(): Promise<string>;
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

/** The process's streams, files and environment. */
export function processIo(): CliIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    readStdin: () => readAll(process.stdin),
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
