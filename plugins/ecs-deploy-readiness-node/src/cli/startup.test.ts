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

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildImage, pushArtifact } from 'ecs-sandbox/images';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { tempDir } from './__testUtils__/runCli';

// The compiled CLI as ./scripts/cli runs it (an esbuild bundle with @aws-sdk/* external, through
// the bin), in a child process: what a run loads, and that it exits on its own.
jest.setTimeout(120_000);

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../../..');
const BIN = resolve(__dirname, '../../bin/ecs-deploy-readiness');
const ESBUILD = resolve(ROOT, 'node_modules/.bin/esbuild');

// Loaded before the bin: on exit, the modules the process loaded and the handles still open.
const PRELOAD = `
const started = Date.now();
process.on('exit', () => {
  const report = {
    modules: Object.keys(require.cache),
    builtins: process.moduleLoadList.filter(m => m.startsWith('NativeModule ')),
  };
  require('fs').writeFileSync(process.env.STARTUP_REPORT, JSON.stringify(report));
});
`;

const image = buildImage({ layers: [{ files: { '/app/a': 'a' } }] });
let registry: DockerRegistry;
let dir: Awaited<ReturnType<typeof tempDir>>;
let bundle: string;
let preload: string;

beforeAll(async () => {
  [registry, dir] = await Promise.all([startDockerRegistry(), tempDir()]);
  await pushArtifact(image, {
    registryUrl: registry.directUrl,
    repository: 'team/app',
    tag: '1.0',
  });
  bundle = dir.path('cli.cjs');
  preload = await dir.write('preload.cjs', PRELOAD);
  if (!existsSync(ESBUILD)) throw new Error(`no esbuild at ${ESBUILD}`);
  // The flags of ./scripts/cli.
  await run(ESBUILD, [
    resolve(__dirname, 'index.ts'),
    '--bundle',
    '--platform=node',
    '--format=cjs',
    '--target=node22',
    '--external:@aws-sdk/*',
    '--log-level=error',
    `--outfile=${bundle}`,
  ]);
});

afterAll(async () => {
  await Promise.all([registry?.stop(), dir?.remove()]);
});

let runs = 0;
async function cli(args: string[], env: Record<string, string> = {}) {
  const report = `report-${runs++}.json`;
  const result = await run(
    process.execPath,
    ['--require', preload, BIN, ...args],
    {
      env: {
        ...process.env,
        ECS_READINESS_CLI_BUNDLE: bundle,
        // The bundle lives outside the repository: its externals (@aws-sdk/*) resolve from here.
        NODE_PATH: resolve(ROOT, 'node_modules'),
        STARTUP_REPORT: dir.path(report),
        NO_COLOR: '1',
        ...env,
      },
      // A process that lingers after its answer (open sockets, timers) fails here.
      timeout: 30_000,
    },
  ).catch(error => error as { code: number; stdout: string; stderr: string });
  const loaded = JSON.parse(await dir.read(report));
  return {
    ...result,
    modules: loaded.modules as string[],
    builtins: loaded.builtins as string[],
  };
}

const awsModules = (modules: string[]) =>
  modules.filter(m => /[\\/]node_modules[\\/](@aws-sdk|@smithy)[\\/]/.test(m));

describe('the compiled CLI', () => {
  it('checks an image of a non-ECR registry without loading the AWS SDK', async () => {
    const result = await cli([
      'check-image',
      `${registry.host}/team/app:1.0`,
      '--insecure-registry',
      registry.host,
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).resolvedDigest).toBe(
      image.manifest.digest,
    );
    expect(result.modules).toContain(bundle);
    expect(awsModules(result.modules)).toEqual([]);
  });

  it('prints its help without the AWS SDK or the registry clients', async () => {
    const result = await cli(['--help']);
    expect(result.stdout).toContain('check-image');
    expect(awsModules(result.modules)).toEqual([]);
    expect(result.builtins).not.toContain('NativeModule https');
  });

  it('loads the AWS SDK for an ECR image', async () => {
    // No network: the ECR endpoint is a closed local port, so the call fails, after the SDK loaded.
    const result = await cli(
      [
        'check-image',
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1',
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--timeout',
        '2000',
        '--json',
      ],
      {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    );
    expect(awsModules(result.modules)).toContain(
      require.resolve('@aws-sdk/client-ecr'),
    );
  });
});
