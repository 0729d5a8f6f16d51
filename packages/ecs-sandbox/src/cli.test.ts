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

import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parse } from 'yaml';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { main } from './cli';

const BIN = resolve(__dirname, '../bin/ecs-sandbox');
const DEMO = resolve(__dirname, '../../../examples/demo-scenario.yaml');

describe('ecs-sandbox command line', () => {
  let dir: string;
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecs-sandbox-'));
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.exitCode = undefined;
  });

  afterEach(() => {
    stderr.mockRestore();
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = undefined;
  });

  it('generates a scenario file', async () => {
    const out = join(dir, 'bench.json');
    await main([
      'generate',
      '--services',
      '40',
      '--accounts',
      '2',
      '--regions',
      '2',
      '--images',
      '8',
      '--seed',
      '5',
      '--out',
      out,
    ]);
    expect(process.exitCode).toBeUndefined();
    const document = JSON.parse(readFileSync(out, 'utf8'));
    expect(document.clusters.flatMap((c: any) => c.services)).toHaveLength(40);
  });

  it('explains bad arguments and exits non-zero', async () => {
    await main([
      'generate',
      '--services',
      'many',
      '--accounts',
      '1',
      '--regions',
      '1',
      '--images',
      '1',
    ]);
    expect(process.exitCode).toBe(1);
    expect(stderr.mock.calls.join('')).toContain(
      "--services must be a whole number, got 'many'",
    );
    await main(['serve']);
    expect(stderr.mock.calls.join('')).toContain('--scenario is required');
    await main(['serve', '--scenario', join(dir, 'missing.yaml')]);
    expect(stderr.mock.calls.join('')).toContain('cannot read scenario');
  });

  it('writes the Backstage configuration of a scenario served elsewhere', async () => {
    const out = join(dir, 'app-config.scenario.yaml');
    await main([
      'app-config',
      '--scenario',
      DEMO,
      '--url',
      'http://127.0.0.1:4599',
      '--out',
      out,
    ]);
    expect(process.exitCode).toBeUndefined();
    const config = parse(readFileSync(out, 'utf8'));
    expect(config.ecsDeployReadiness.aws.endpoint).toBe(
      'http://127.0.0.1:4599',
    );
    expect(config.aws.accounts.map((a: any) => a.accountId)).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
    ]);
    // It holds the scenario's registry passwords: only its owner reads it.
    expect(statSync(out).mode & 0o077).toBe(0);
    await main(['app-config', '--scenario', DEMO, '--url', 'localhost:4566']);
    expect(process.exitCode).toBe(1);
    expect(stderr.mock.calls.join('')).toContain(
      "--url must be an http(s) URL, got 'localhost:4566'",
    );
  });

  it('serves a scenario from the bin until stopped', async () => {
    const appConfig = join(dir, 'app-config.scenario.yaml');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--scenario',
        DEMO,
        '--port',
        '0',
        '--app-config',
        appConfig,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        child.stdout.on('data', chunk => {
          output += chunk;
          const m = /listening on (http:\/\/\S+)/.exec(output);
          if (m) resolveUrl(m[1]);
        });
        child.stderr.on('data', chunk => {
          output += chunk;
        });
        child.on('exit', code =>
          reject(new Error(`exited with ${code}: ${output}`)),
        );
      });
      expect(output).toContain(
        'account 333333333333 (legacy-billing): access key AKIASANDBOXBILLING01, denies access',
      );
      // Written before the summary is printed, for the port it really listens on.
      expect(output).toContain(`Backstage app-config: ${appConfig}`);
      const config = parse(readFileSync(appConfig, 'utf8'));
      expect(config.ecsDeployReadiness.aws.endpoint).toBe(url);
      expect(config.ecsDeployReadiness.registries.endpoints).toEqual({
        'docker.io': `${url}/registries/docker.io`,
      });
      const client = new ECSClient({
        endpoint: url,
        region: 'eu-west-1',
        credentials: {
          accessKeyId: 'AKIASANDBOXSHOPPROD1',
          secretAccessKey: 'sandbox',
        },
      });
      const { clusterArns } = await client.send(new ListClustersCommand({}));
      expect(clusterArns).toEqual([
        'arn:aws:ecs:eu-west-1:111111111111:cluster/shop-prod',
      ]);
      const exited = new Promise<number | null>(r =>
        child.on('exit', code => r(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
