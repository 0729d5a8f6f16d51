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

import { readdir } from 'node:fs/promises';
import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  BuiltArtifact,
  buildArtifact,
  buildImage,
  buildMultiPlatformIndex,
  deleteBlob,
  pushArtifact,
} from 'ecs-sandbox/images';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { ImageInspector } from '../inspect';
import { DefaultRegistryClientProvider } from '../registry';
import { runCli, tempDir } from './__testUtils__/runCli';

jest.setTimeout(60_000);

let registry: DockerRegistry;
let authRegistry: DockerRegistry;
let dir: Awaited<ReturnType<typeof tempDir>>;
let provider: DefaultRegistryClientProvider;
let inspector: ImageInspector;

const layer = (name: string, compression: 'gzip' | 'zstd' = 'gzip') => ({
  files: { [`/app/${name}`]: `content of ${name}` },
  compression,
});

function multiArch(architectures: string[], provenance = true): BuiltArtifact {
  return buildMultiPlatformIndex(
    architectures.map(architecture => ({
      platform: { os: 'linux', architecture },
      image: buildImage({
        platform: { os: 'linux', architecture },
        layers: [layer(architecture)],
      }),
    })),
    { provenance },
  );
}

const push = (artifact: BuiltArtifact, repository: string, tag?: string) =>
  pushArtifact(artifact, { registryUrl: registry.directUrl, repository, tag });

const ids = (findings: Array<{ id: string; severity: string }>) =>
  findings.map(f => `${f.id}:${f.severity}`);

// Pushed images
const mixed = buildImage({
  layers: [layer('base', 'gzip'), layer('app', 'zstd')],
});
const both = multiArch(['amd64', 'arm64']);
const armOnly = multiArch(['arm64']);
const plain = multiArch(['amd64'], false);
const broken = buildImage({ layers: [layer('one'), layer('two')] });
const signature = buildArtifact({
  artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  configMediaType: MEDIA_TYPES.ociConfig,
  layers: [
    {
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      content: '{"critical":{}}',
    },
  ],
  subject: plain,
});
const sbom = buildArtifact({
  artifactType: 'application/spdx+json',
  layers: [
    {
      mediaType: 'application/spdx+json',
      content: '{"spdxVersion":"SPDX-2.3"}',
    },
  ],
  subject: plain,
});

beforeAll(async () => {
  [registry, authRegistry, dir] = await Promise.all([
    startDockerRegistry(),
    startDockerRegistry({ tokenAuth: { username: 'ci', password: 's3cret' } }),
    tempDir(),
  ]);
  await push(mixed, 'team/mixed', 'v1');
  await push(both, 'team/web', '2.0');
  await push(armOnly, 'team/web', 'arm-only');
  await push(plain, 'team/api', '1.0');
  await push(broken, 'team/broken', 'v1');
  await deleteBlob(
    { registryUrl: registry.directUrl, repository: 'team/broken' },
    broken.blobs[2].digest,
  );
  await push(
    signature,
    'team/api',
    `sha256-${plain.manifest.digest.slice(7)}.sig`,
  );
  await push(sbom, 'team/api', 'sbom');
  await pushArtifact(plain, {
    registryUrl: authRegistry.directUrl,
    repository: 'private/app',
    tag: '1.0',
  });

  provider = new DefaultRegistryClientProvider({
    insecureRegistries: [registry.host],
    allowedPrivateRegistries: [registry.host],
  });
  inspector = ImageInspector.create({ registryClientProvider: provider });
});

afterAll(async () => {
  provider?.close();
  await Promise.all([registry?.stop(), authRegistry?.stop(), dir?.remove()]);
});

describe('ImageInspector against a real registry', () => {
  it('blocks an image that mixes gzip and zstd layers', async () => {
    const result = await inspector.inspectImage({
      image: `${registry.host}/team/mixed:v1`,
    });
    expect(result.status).toBe('blocked');
    expect(ids(result.findings)).toEqual([
      'mixed-layer-compression:blocking',
      'mutable-tag-reference:risk',
    ]);
    expect(result.facts.manifest).toMatchObject({
      compressions: ['gzip', 'zstd'],
      layerCount: 2,
      diffIdCount: 2,
    });
  });

  it('resolves a multi-platform index with attestations to the task platform', async () => {
    const amd64 = await inspector.inspectImage({
      image: `${registry.host}/team/web:2.0`,
    });
    expect(amd64.status).toBe('at-risk');
    expect(amd64.resolvedDigest).toBe(both.manifest.digest);
    expect(amd64.platformManifestDigest).toBe(both.children[0].manifest.digest);
    expect(ids(amd64.findings)).toEqual([
      'mutable-tag-reference:risk',
      'attestation-in-index:info',
    ]);
    const arm64 = await inspector.inspectImage({
      image: `${registry.host}/team/web:2.0`,
      platform: 'linux/arm64',
    });
    expect(arm64.platformManifestDigest).toBe(both.children[1].manifest.digest);
  });

  it('blocks an index without the linux/amd64 image', async () => {
    const result = await inspector.inspectImage({
      image: `${registry.host}/team/web:arm-only`,
    });
    expect(result.status).toBe('blocked');
    expect(result.findings[0]).toMatchObject({
      id: 'platform-missing',
      evidence: { platforms: ['linux/arm64'], attestationCount: 1 },
    });
  });

  it.each([
    [
      'a signature tag',
      () => `sha256-${plain.manifest.digest.slice(7)}.sig`,
      'signature',
    ],
    ['an SBOM tag', () => 'sbom', 'sbom'],
  ])('reports %s as not an image', async (_name, tag, kind) => {
    const result = await inspector.inspectImage({
      image: `${registry.host}/team/api:${tag()}`,
    });
    expect(ids(result.findings)).toContain('not-an-image:blocking');
    expect(result.findings[0].evidence).toMatchObject({ artifactKind: kind });
  });

  it('reports a layer deleted after the push', async () => {
    const result = await inspector.inspectImage({
      image: `${registry.host}/team/broken:v1`,
    });
    expect(result.status).toBe('blocked');
    const missing = result.findings.find(f => f.id === 'missing-blob');
    expect(missing?.evidence).toMatchObject({
      missing: [broken.blobs[2].digest],
    });
  });

  it('reports unknown tags and repositories from the registry', async () => {
    const tag = await inspector.inspectImage({
      image: `${registry.host}/team/web:9.9`,
    });
    expect(ids(tag.findings)).toEqual(['tag-not-found:blocking']);
    const repo = await inspector.inspectImage({
      image: `${registry.host}/team/ghost:1`,
    });
    expect(ids(repo.findings)[0]).toMatch(
      /^(repository-not-found|tag-not-found):blocking$/,
    );
  });
});

describe('CLI against a real registry', () => {
  const registryArgs = () => ['--insecure-registry', registry.host];

  it('check-image --json exits 1 on a blocking finding and 0 otherwise', async () => {
    const blocked = await runCli([
      'check-image',
      `${registry.host}/team/web:arm-only`,
      '--json',
      ...registryArgs(),
    ]);
    expect(blocked.code).toBe(1);
    const json = JSON.parse(blocked.stdout);
    expect(json).toMatchObject({
      status: 'blocked',
      resolvedDigest: armOnly.manifest.digest,
    });
    expect(json.findings[0].id).toBe('platform-missing');

    const fine = await runCli([
      'check-image',
      `${registry.host}/team/web:2.0`,
      '--platform',
      'linux/arm64',
      ...registryArgs(),
    ]);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toMatch(/AT-RISK/);
    expect(fine.stdout).toContain(
      `${registry.host}/team/web:2.0@${both.manifest.digest}`,
    );
  });

  it('refuses a plain-HTTP loopback registry unless --insecure-registry allows it', async () => {
    const refused = await runCli([
      'check-image',
      `${registry.host}/team/web:2.0`,
      '--json',
    ]);
    expect(refused.code).toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      status: 'unverifiable',
      findings: [{ id: 'unverifiable' }],
    });
    expect(
      (
        await runCli([
          'check-image',
          `${registry.host}/team/web:2.0`,
          '--fail-on',
          'unverifiable',
        ])
      ).code,
    ).toBe(1);
  });

  it('keeps manifests and configs in --cache-dir, and gives the same answer from it', async () => {
    const cacheDir = dir.path('cache');
    const args = [
      'check-image',
      `${registry.host}/team/web:2.0`,
      '--json',
      '--insecure-registry',
      registry.host,
      '--cache-dir',
      cacheDir,
    ];
    const cold = JSON.parse((await runCli(args)).stdout);
    const stored = await readdir(cacheDir, { recursive: true });
    // The index, the platform manifest and its config at least, by digest.
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const warm = JSON.parse((await runCli(args)).stdout);
    expect(warm).toEqual(cold);
    expect(cold.status).toBe('at-risk');
  });

  it('uses registry credentials only for a container that has repositoryCredentials', async () => {
    const image = `${authRegistry.host}/private/app:1.0`;
    const args = [
      'check-image',
      image,
      '--json',
      '--insecure-registry',
      authRegistry.host,
    ];
    const variable = `ECS_READINESS_REGISTRY_AUTH_${authRegistry.host
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '_')}`;
    const env = { [variable]: 'ci:s3cret' };

    // ECS pulls without credentials: blocked, whatever the CLI itself holds.
    for (const options of [{}, { env }]) {
      const run = await runCli(args, options);
      expect(run.code).toBe(1);
      const json = JSON.parse(run.stdout);
      expect(json.status).toBe('blocked');
      expect(json.findings[0]).toMatchObject({
        id: 'registry-auth-required',
        evidence: { errorKind: 'unauthorized', withoutCredentials: true },
      });
    }

    // With repositoryCredentials, the CLI reads with its own credentials for the host...
    const withCredentials = [...args, '--with-credentials'];
    const authenticated = JSON.parse(
      (await runCli(withCredentials, { env })).stdout,
    );
    expect(authenticated).toMatchObject({
      status: 'at-risk',
      resolvedDigest: plain.manifest.digest,
    });
    const config = await dir.write('docker-config.json', {
      auths: {
        [authRegistry.host]: {
          auth: Buffer.from('ci:s3cret').toString('base64'),
        },
      },
    });
    const viaConfig = JSON.parse(
      (await runCli([...withCredentials, '--docker-config', config])).stdout,
    );
    expect(viaConfig.status).toBe('at-risk');
    // ...and without any, it cannot tell whether the task's secret works.
    const unknown = JSON.parse((await runCli(withCredentials)).stdout);
    expect(unknown.status).toBe('unverifiable');
  });

  it('judges each container of a task definition by its own repositoryCredentials', async () => {
    const variable = `ECS_READINESS_REGISTRY_AUTH_${authRegistry.host
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '_')}`;
    const image = `${authRegistry.host}/private/app:1.0`;
    const file = await dir.write('private-taskdef.json', {
      family: 'private',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        {
          name: 'with',
          image,
          repositoryCredentials: {
            credentialsParameter:
              'arn:aws:secretsmanager:eu-west-1:111111111111:secret:registry',
          },
        },
        { name: 'without', image },
      ],
    });
    const run = await runCli(
      [
        'check-task-definition',
        file,
        '--json',
        '--insecure-registry',
        authRegistry.host,
      ],
      { env: { [variable]: 'ci:s3cret' } },
    );
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(
      json.findings
        .filter((f: any) => f.severity === 'blocking')
        .map((f: any) => [f.container, f.id]),
    ).toEqual([['without', 'registry-auth-required']]);
  });

  it('check-task-definition checks every container for the task platform', async () => {
    const file = await dir.write('taskdef.json', {
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: {
        cpuArchitecture: 'X86_64',
        operatingSystemFamily: 'LINUX',
      },
      containerDefinitions: [
        { name: 'web', image: `${registry.host}/team/web:arm-only` },
        {
          name: 'api',
          image: `${registry.host}/team/api@${plain.manifest.digest}`,
        },
      ],
    });
    const { code, stdout } = await runCli([
      'check-task-definition',
      file,
      '--json',
      ...registryArgs(),
    ]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      family: 'web',
      platform: 'linux/amd64',
      launchType: 'FARGATE',
      status: 'blocked',
    });
    expect(
      json.containers.map((c: any) => [c.name, c.inspection.status]),
    ).toEqual([
      ['web', 'blocked'],
      ['api', 'ready'],
    ]);
    expect(json.findings.map((f: any) => [f.container, f.id])).toEqual([
      ['web', 'platform-missing'],
      ['web', 'mutable-tag-reference'],
      ['web', 'attestation-in-index'],
    ]);

    const human = await runCli([
      'check-task-definition',
      file,
      ...registryArgs(),
    ]);
    expect(human.stdout).toMatch(/web\s+blocked/);
    expect(human.stdout).toContain('How to fix');
  });

  it('pin-digests prints and writes pinned references, keeping the rest of the file as it was', async () => {
    const original = [
      '{',
      '    "taskDefinition": {',
      '        "family": "web",',
      '        "containerDefinitions": [',
      `            {"name": "web", "image": "${registry.host}/team/web:2.0", "essential": true},`,
      `            {"name": "api", "image": "${registry.host}/team/api@${plain.manifest.digest}"}`,
      '        ]',
      '    }',
      '}',
      '',
    ].join('\n');
    const file = await dir.write('pin.json', original);
    const pinned = `${registry.host}/team/web:2.0@${both.manifest.digest}`;

    const printed = await runCli(['pin-digests', file, ...registryArgs()]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(
      original.replace(`${registry.host}/team/web:2.0"`, `${pinned}"`),
    );
    expect(await dir.read('pin.json')).toBe(original);

    const written = await runCli([
      'pin-digests',
      file,
      '--write',
      ...registryArgs(),
    ]);
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(written.stderr).toContain(`→ ${pinned}`);
    expect(await dir.read('pin.json')).toBe(printed.stdout);

    const check = JSON.parse(
      (
        await runCli([
          'check-task-definition',
          file,
          '--json',
          ...registryArgs(),
        ])
      ).stdout,
    );
    expect(check.findings.map((f: any) => f.id)).not.toContain(
      'mutable-tag-reference',
    );
  });

  it('pin-digests exits 1 and says why when a tag cannot be resolved', async () => {
    const file = await dir.write('pin-missing.json', {
      containerDefinitions: [
        { name: 'web', image: `${registry.host}/team/web:9.9` },
      ],
    });
    const { code, stderr } = await runCli([
      'pin-digests',
      file,
      ...registryArgs(),
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/web: Tag "9.9" not found/);
  });
});
