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

// What the benchmarks share: the error that ends a run with its message alone, the child
// processes they fork (a bundle speaking by IPC messages), and the formatting of figures.

import { fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A failure the message explains in full: printed without a stack. */
export class BenchError extends Error {}

/**
 * Forks a bundle with NODE_ENV=production. Its output goes to `logFile` when given, else its
 * stdout to ours and its stderr kept (and shown with ECS_READINESS_BENCH_VERBOSE); `tail()` is
 * the last 15 lines of it.
 *
 * - `waitFor(type, match?)` resolves the first message of that type (that `match` accepts), and
 *   rejects on an `error` message or when the child exits first.
 * - `ask(type, reply)` sends `{ type, id }` and resolves the `reply` message of that id.
 * - `stop()` asks the child to stop, and kills it after 15 s.
 */
export function forkChild(
  file,
  args,
  { env = {}, execArgv = [], logFile, onMessage } = {},
) {
  const fd = logFile ? openSync(logFile, 'a') : undefined;
  const child = fork(file, args, {
    cwd: REPO_ROOT,
    execArgv,
    stdio:
      fd === undefined
        ? ['ignore', 'inherit', 'pipe', 'ipc']
        : ['ignore', fd, fd, 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  if (fd !== undefined) closeSync(fd);
  const stderr = [];
  child.stderr?.on('data', d => {
    stderr.push(d);
    if (process.env.ECS_READINESS_BENCH_VERBOSE) process.stderr.write(d);
  });
  const exited = new Promise(res =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  child.on('message', m => onMessage?.(m));
  const lastLines = text => text.trim().split('\n').slice(-15).join('\n');
  const tail = () => {
    if (!logFile) return lastLines(Buffer.concat(stderr).toString('utf8'));
    try {
      return lastLines(readFileSync(logFile, 'utf8'));
    } catch {
      return '';
    }
  };
  const name = relative(REPO_ROOT, file);
  const waitFor = (type, match = () => true) =>
    new Promise((res, rej) => {
      const on = m => {
        if (m?.type === type && match(m)) {
          child.off('message', on);
          res(m);
        } else if (m?.type === 'error') {
          child.off('message', on);
          rej(new BenchError(`${name}: ${m.error}`));
        }
      };
      child.on('message', on);
      exited.then(({ code, signal }) =>
        rej(
          new BenchError(
            `${name} exited (${signal ?? code}) before '${type}'${
              tail() ? `:\n${tail()}` : ''
            }`,
          ),
        ),
      );
    });
  let seq = 0;
  const ask = async (type, reply) => {
    const id = ++seq;
    const answer = waitFor(reply, m => m.id === id);
    child.send({ type, id });
    return answer;
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (child.connected) child.send({ type: 'stop' });
    } catch {
      // gone already
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timer);
  };
  return { child, waitFor, exited, tail, ask, stop };
}

// Formatting
export const r1 = x => (Number.isFinite(x) ? Math.round(x * 10) / 10 : x);
export const r2 = x => (Number.isFinite(x) ? Math.round(x * 100) / 100 : x);
export const pad = (s, n) => String(s ?? '').padStart(n);
export const padEnd = (s, n) => String(s ?? '').padEnd(n);
export const verdict = ok => (ok === undefined ? 'SKIP' : ok ? 'PASS' : 'FAIL');
