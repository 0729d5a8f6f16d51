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

import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { runCli, tempDir } from './__testUtils__/runCli';

const ARM_ONLY = {
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
};

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

describe('CLI', () => {
  it('prints a readable table with the fix, without colour when not a terminal', async () => {
    const file = await dir.write('arm.json', ARM_ONLY);
    const { code, stdout } = await runCli([
      'analyze',
      '--manifest',
      file,
      '--platform',
      'linux/amd64',
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/SEVERITY\s+CHECK\s+FINDING/);
    expect(stdout).toMatch(
      /blocking\s+platform-missing\s+No linux\/amd64 image in the index \(it has linux\/arm64\)/,
    );
    expect(stdout).toContain('How to fix');
    expect(stdout).toContain('docker buildx build --platform linux/amd64');
    expect(stdout).toContain('https://docs.aws.amazon.com/');
    expect(stdout).not.toContain('\u001b[');
  });

  it('colours the output on a terminal, unless NO_COLOR is set', async () => {
    const file = await dir.write('arm2.json', ARM_ONLY);
    const argv = ['analyze', '--manifest', file, '--platform', 'linux/amd64'];
    expect((await runCli(argv, { isTTY: true })).stdout).toContain(
      '\u001b[31m',
    );
    expect(
      (await runCli(argv, { isTTY: true, env: { NO_COLOR: '1' } })).stdout,
    ).not.toContain('\u001b[');
  });

  it('exits 0 when nothing blocks, and 1 on risks only with --fail-on risk', async () => {
    const file = await dir.write('zstd.json', {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: {
        mediaType: MEDIA_TYPES.ociConfig,
        digest: `sha256:${'c'.repeat(64)}`,
        size: 1,
      },
      layers: [
        {
          mediaType: MEDIA_TYPES.ociLayerZstd,
          digest: `sha256:${'1'.repeat(64)}`,
          size: 10,
        },
      ],
    });
    expect(
      (await runCli(['analyze', '--manifest', file, '--launch-type', 'ec2']))
        .code,
    ).toBe(0);
    const strict = await runCli([
      'analyze',
      '--manifest',
      file,
      '--launch-type',
      'EC2',
      '--fail-on',
      'risk',
    ]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/risk\s+zstd-unsupported-runtime/);
  });

  it.each([
    [['nonsense']],
    [['analyze']],
    [['analyze', '--manifest', 'x.json', '--bogus']],
    [['analyze', '--manifest', 'x.json', '--fail-on', 'sometimes']],
    [['analyze', '--manifest', 'x.json', '--launch-type', 'LAMBDA']],
    [['check-image']],
    [['check-image', 'a', 'b']],
    [['check-image', 'nginx:1', '--deployed-digest', 'sha256:abc']],
    [[]],
  ])('exits 2 on usage errors: %j', async argv => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).not.toBe('');
  });

  it('exits 0 for --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/check-image/);
    expect(stdout).toMatch(/pin-digests/);
  });

  it('exits 2 for an invalid image reference', async () => {
    const { code, stdout } = await runCli([
      'check-image',
      'Not A Reference',
      '--json',
    ]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).findings[0].id).toBe('invalid-reference');
  });

  it('exits 2 for a task definition file that is not one', async () => {
    const notJson = await dir.write('td.json', 'containerDefinitions: []');
    expect(await runCli(['check-task-definition', notJson])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/td\.json: not valid JSON/),
    });
    const noContainers = await dir.write('td2.json', { family: 'web' });
    expect(await runCli(['pin-digests', noContainers])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/containerDefinitions/),
    });
  });

  it('runs the pull error classifier', async () => {
    const message =
      "CannotPullContainerError: ref pull has been retried 1 time(s): number of layers and diffIDs don't match: 3 != 15";
    const { code, stdout } = await runCli(['classify', message, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ category: 'mixed-compression' });
    const fromStdin = await runCli(['classify', '-'], {
      stdin:
        "CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/amd64'\n",
    });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toMatch(/linux\/amd64/);
  });
});
