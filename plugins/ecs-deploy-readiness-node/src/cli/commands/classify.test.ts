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

import { PassThrough } from 'stream';
import { runClassify } from './classify';

const PLATFORM =
  "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'";
const RATE =
  'CannotPullContainerError: Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit';
const TAG =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:v7: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:v7: not found';

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', chunk => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

async function run(options: {
  message?: string;
  json?: boolean;
  input?: string | Buffer[];
}) {
  const stdin = new PassThrough();
  const out = sink();
  const err = sink();
  const done = runClassify({
    message: options.message,
    json: options.json ?? false,
    stdin,
    stdout: out.stream,
    stderr: err.stream,
  });
  if (Array.isArray(options.input)) {
    for (const chunk of options.input) stdin.write(chunk);
    stdin.end();
  } else {
    stdin.end(options.input ?? '');
  }
  const code = await done;
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('runClassify', () => {
  it('explains one message with its fix', async () => {
    const { code, stdout } = await run({ message: PLATFORM });
    expect(code).toBe(0);
    expect(stdout).toContain(
      'The image has no variant for the task platform (linux/amd64)',
    );
    expect(stdout).toContain('category: platform-mismatch (confidence: high)');
    expect(stdout).toContain('  platform: linux/amd64');
    expect(stdout).toContain('  retries: 7');
    expect(stdout).toContain('--platform linux/amd64 --provenance=false');
    expect(stdout).toContain(
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html',
    );
  });

  it('prints one JSON object with --json', async () => {
    const { code, stdout } = await run({ message: TAG, json: true });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      category: 'manifest-unknown-tag',
      confidence: 'high',
      extracted: {
        repository: 'shop',
        tag: 'v7',
        region: 'eu-west-1',
        accountId: '123456789012',
      },
    });
    expect(result.fix.steps.length).toBeGreaterThan(0);
    expect(result.line).toBeUndefined();
  });

  it('reads one message per line from stdin and writes JSON Lines', async () => {
    const { code, stdout } = await run({
      message: '-',
      json: true,
      input: `${PLATFORM}\n\n   \r\n${RATE}\r\n${TAG}`,
    });
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(lines.map(l => [l.line, l.category])).toEqual([
      [1, 'platform-mismatch'],
      [4, 'rate-limited'],
      [5, 'manifest-unknown-tag'],
    ]);
  });

  it('joins lines and multi-byte characters split across chunks', async () => {
    const text = `${PLATFORM.replace('linux', 'lïnux')}\n${RATE}\n`;
    const bytes = Buffer.from(`x ${text}`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    );
    const { stdout } = await run({ message: '-', json: true, input: chunks });
    const lines = stdout
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].category).toBe('platform-mismatch');
    expect(lines[1].category).toBe('rate-limited');
  });

  it('streams: answers a line before the input ends', async () => {
    const stdin = new PassThrough();
    const out = sink();
    const done = runClassify({
      message: '-',
      json: true,
      stdin,
      stdout: out.stream,
    });
    stdin.write(`${RATE}\n`);
    await new Promise<void>(resolve => {
      const poll = () =>
        out.text().includes('\n') ? resolve() : setTimeout(poll, 5);
      poll();
    });
    expect(JSON.parse(out.text()).category).toBe('rate-limited');
    stdin.end(`${TAG}\n`);
    expect(await done).toBe(0);
    expect(out.text().trim().split('\n')).toHaveLength(2);
  });

  it('keeps memory bounded on a huge line', async () => {
    const huge = `${'x'.repeat(300_000)} no space left on device`;
    const { code, stdout } = await run({
      message: '-',
      json: true,
      input: `${huge}\n${RATE}\n`,
    });
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    // Only the start of the huge line is read, so its tail does not count.
    expect(lines.map(l => l.category)).toEqual(['other', 'rate-limited']);
  });

  it('prints readable blocks for stdin without --json', async () => {
    const { stdout } = await run({
      message: '-',
      input: `${PLATFORM}\n${RATE}\n`,
    });
    expect(stdout).toContain('category: platform-mismatch');
    expect(stdout).toContain('category: rate-limited');
    expect(stdout).toMatch(/\n\nPulls are rate limited/);
  });

  it('exits 2 without a message', async () => {
    for (const message of [undefined, '', '   ']) {
      const { code, stdout, stderr } = await run({ message });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('no message to classify');
      expect(stderr).toContain('usage:');
    }
  });

  it('exits 0 with no output for empty stdin', async () => {
    const { code, stdout } = await run({
      message: '-',
      json: true,
      input: '\n\n',
    });
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });

  it('exits 2 when stdin fails', async () => {
    const stdin = new PassThrough();
    const err = sink();
    const done = runClassify({
      message: '-',
      json: true,
      stdin,
      stdout: sink().stream,
      stderr: err.stream,
    });
    stdin.destroy(new Error('EIO'));
    expect(await done).toBe(2);
    expect(err.text()).toContain('cannot read standard input: EIO');
  });
});
