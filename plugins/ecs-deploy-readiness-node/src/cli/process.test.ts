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

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { eventually, startHttpServer } from '../__testUtils__/httpServer';
import { tempDir } from './__testUtils__/runCli';

// The real bin as a child process: these are about the process's own streams.
jest.setTimeout(60_000);

const BIN = resolve(__dirname, '../../bin/ecs-deploy-readiness');
const RATE =
  'CannotPullContainerError: Error response from daemon: toomanyrequests: You have reached your pull rate limit.';
const TAG =
  'CannotPullContainerError: failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:v7: not found';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

/** Runs the CLI with its stdout read by `reader` (a shell pipeline such as `head -c 100`). */
function pipeline(args: string[], reader: string, stdin = '') {
  const quoted = [process.execPath, BIN, ...args]
    .map(a => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const child = spawn(
    'bash',
    [
      '-c',
      `set -o pipefail; ${quoted} 2>err.txt | ${reader} >/dev/null; echo "cli=\${PIPESTATUS[0]}"; cat err.txt`,
    ],
    { cwd: dir.path(''), env: { ...process.env, NO_COLOR: '1' } },
  );
  // The CLI may stop reading before all of it is written (that is the point).
  child.stdin.on('error', () => {});
  child.stdin.end(stdin);
  let out = '';
  child.stdout.on('data', c => {
    out += c;
  });
  return new Promise<{ code: number; stderr: string }>(done =>
    child.on('close', () => {
      const [first, ...rest] = out.split('\n');
      done({
        code: Number(first.replace('cli=', '')),
        stderr: rest.join('\n'),
      });
    }),
  );
}

describe('a closed standard output', () => {
  const manifest = (name: string) =>
    dir.write(name, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: `sha256:${'1'.repeat(64)}`,
          size: 1,
          platform: { os: 'linux', architecture: 'arm64' },
        },
      ],
    });

  it('ends analyze quietly, with the exit code of its verdict', async () => {
    const file = await manifest('arm.json');
    // `true` has closed the pipe before the CLI writes; `head` closes it after 100 bytes.
    for (const [reader, extra] of [
      ['true', []],
      ['true', ['--json']],
      ['head -c 100', []],
    ]) {
      const blocked = await pipeline(
        ['analyze', '--manifest', file, '--platform', 'linux/amd64', ...extra],
        reader as string,
      );
      expect(blocked).toEqual({ code: 1, stderr: '' });
      const fine = await pipeline(
        ['analyze', '--manifest', file, '--platform', 'linux/arm64', ...extra],
        reader as string,
      );
      expect(fine).toEqual({ code: 0, stderr: '' });
    }
  });

  it('ends classify - quietly with 0, even while its input goes on', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) =>
      i % 2 ? RATE : TAG,
    ).join('\n');
    expect(await pipeline(['classify', '-'], 'head -1', lines)).toEqual({
      code: 0,
      stderr: '',
    });
    expect(
      await pipeline(['classify', '-', '--json'], 'head -1', lines),
    ).toEqual({ code: 0, stderr: '' });
  });
});

describe('classify -', () => {
  it('answers each line as it arrives, before standard input ends', async () => {
    const child = spawn(process.execPath, [BIN, 'classify', '-', '--json']);
    let out = '';
    const nextLine = () =>
      new Promise<string>((resolveLine, reject) => {
        const check = () => {
          const nl = out.indexOf('\n');
          if (nl < 0) return;
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          child.stdout.off('data', onData); // eslint-disable-line @typescript-eslint/no-use-before-define
          resolveLine(line);
        };
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          check();
        };
        child.stdout.on('data', onData);
        child.once('close', () => reject(new Error(`closed; got "${out}"`)));
        check();
      });
    child.stdin.write(`${RATE}\n`);
    expect(JSON.parse(await nextLine()).category).toBe('rate-limited');
    child.stdin.write(`${TAG}\n`);
    expect(JSON.parse(await nextLine()).category).toBe('manifest-unknown-tag');
    child.stdin.end();
    const code = await new Promise(done => child.on('close', done));
    expect(code).toBe(0);
  });
});

describe('an interrupt', () => {
  it('cancels a check against a registry that never answers: exit 130, no stack trace, at once', async () => {
    const silent = await startHttpServer(() => {
      // Accepts every request and never answers.
    });
    try {
      const child = spawn(process.execPath, [
        BIN,
        'check-image',
        `${silent.host}/team/app:v1`,
        '--insecure-registry',
        silent.host,
        '--timeout',
        '60000',
      ]);
      let stderr = '';
      child.stderr.on('data', c => {
        stderr += c;
      });
      // Interrupt once the request is in flight.
      expect(await eventually(() => silent.requests.length > 0, 20_000)).toBe(
        true,
      );
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>(done =>
        child.on('close', c => done(c)),
      );
      expect(code).toBe(130);
      expect(Date.now() - sent).toBeLessThan(1_500);
      expect(stderr).toContain('interrupted');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await silent.stop();
    }
  });
});
