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

import type { ECRClient } from '@aws-sdk/client-ecr';
import { buildImage, pushArtifact } from 'ecs-sandbox/images';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { parseImageReference } from '../reference/parse';
import type * as RunCli from './__testUtils__/runCli';
import type * as Provider from '../registry/DefaultRegistryClientProvider';

// The AWS SDK is the slowest part of the engine to load: a process that checks no ECR image must
// not load it. Each test loads the engine afresh (an isolated module registry) with the SDK's
// packages wrapped, so that every load of one is counted.
jest.setTimeout(60_000);

const SDK_PACKAGES = ['@aws-sdk/client-ecr', '@aws-sdk/credential-providers'];
let loads: string[] = [];

/** The package, counted as loaded. */
function counted(name: string): unknown {
  loads.push(name);
  return jest.requireActual(name);
}

function isolated<T>(path: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    SDK_PACKAGES.forEach(name => jest.doMock(name, () => counted(name)));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path);
  });
  return loaded!;
}

const image = buildImage({ layers: [{ files: { '/app/a': 'a' } }] });
let registry: DockerRegistry;

beforeAll(async () => {
  registry = await startDockerRegistry();
  await pushArtifact(image, {
    registryUrl: registry.directUrl,
    repository: 'team/app',
    tag: '1.0',
  });
});

afterAll(() => registry?.stop());

beforeEach(() => {
  loads = [];
});

describe('the AWS SDK', () => {
  it('is not loaded by check-image of an image in another registry', async () => {
    const { runCli } = isolated<typeof RunCli>('./__testUtils__/runCli');
    const run = await runCli([
      'check-image',
      `${registry.host}/team/app:1.0`,
      '--insecure-registry',
      registry.host,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).resolvedDigest).toBe(image.manifest.digest);
    expect(loads).toEqual([]);
  });

  it('is loaded on the first call for a private ECR image', async () => {
    const { DefaultRegistryClientProvider } = isolated<typeof Provider>(
      '../registry/DefaultRegistryClientProvider',
    );
    const send = jest.fn(async () => ({ images: [], failures: [] }));
    const provider = new DefaultRegistryClientProvider({
      ecrClientFactory: () => ({ send } as unknown as ECRClient),
    });
    const parsed = parseImageReference(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1',
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    const client = provider.forReference(parsed.reference);
    expect(loads).toEqual([]);
    await client.getManifest('app', '1').catch(() => undefined);
    expect(send).toHaveBeenCalled();
    expect(loads).toEqual(['@aws-sdk/client-ecr']);
  });
});
