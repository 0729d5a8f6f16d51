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

import { mkdtemp, readFile, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../index';
import type { CliIo } from '../io';

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with captured output, real files, and the given stdin and environment.
 */
export async function runCli(
  argv: string[],
  options: {
    stdin?: string;
    env?: Record<string, string>;
    isTTY?: boolean;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
    readStdin: async () => options.stdin ?? '',
    readFile: path => readFile(path, 'utf8'),
    writeFile: (path, content) => writeFile(path, content, 'utf8'),
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A temporary directory for files the CLI reads and writes. */
export async function tempDir(): Promise<{
  path(name: string): string;
  write(name: string, content: string | Buffer | object): Promise<string>;
  read(name: string): Promise<string>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-readiness-cli-'));
  return {
    path: name => join(dir, name),
    write: async (name, content) => {
      const file = join(dir, name);
      await writeFile(
        file,
        typeof content === 'string' || Buffer.isBuffer(content)
          ? content
          : JSON.stringify(content, null, 2),
      );
      return file;
    },
    read: name => readFile(join(dir, name), 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
