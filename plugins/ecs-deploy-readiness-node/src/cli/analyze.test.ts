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
import { buildImage, buildIndex } from 'ecs-sandbox/images';
import { runCli, tempDir } from './__testUtils__/runCli';

const d = (c: string) => `sha256:${c.repeat(64)}`;

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

async function analyze(document: object | string, ...args: string[]) {
  const file = await dir.write(`m-${Math.random()}.json`, document);
  const run = await runCli(['analyze', '--manifest', file, '--json', ...args]);
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : undefined };
}

const REQUIRED_FIELDS = [
  'mediaType',
  'kind',
  'platforms',
  'attestationCount',
  'compressions',
  'mixedCompression',
  'layerCount',
  'diffIdCount',
  'isImage',
  'schema1',
  'findings',
];

const findingIds = (json: {
  findings: Array<{ id: string; severity: string }>;
}) => json.findings.map(f => `${f.id}:${f.severity}`);

describe('analyze --json', () => {
  it('prints exactly one object with the documented fields and finding shape', async () => {
    const { code, json, stdout } = await analyze(
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [
          {
            mediaType: MEDIA_TYPES.ociManifest,
            digest: d('1'),
            size: 1624,
            platform: { architecture: 'arm64', os: 'linux' },
          },
          {
            mediaType: MEDIA_TYPES.ociManifest,
            digest: d('2'),
            size: 566,
            annotations: {
              'vnd.docker.reference.type': 'attestation-manifest',
              'vnd.docker.reference.digest': d('1'),
            },
            platform: { architecture: 'unknown', os: 'unknown' },
          },
        ],
      },
      '--platform',
      'linux/amd64',
    );
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')[0]).toBe('{');
    for (const field of REQUIRED_FIELDS) expect(json).toHaveProperty(field);
    expect(json).toMatchObject({
      mediaType: MEDIA_TYPES.ociIndex,
      kind: 'index',
      platforms: ['linux/arm64'],
      attestationCount: 1,
      compressions: [],
      mixedCompression: false,
      layerCount: null,
      diffIdCount: null,
      isImage: true,
      schema1: false,
    });
    expect(findingIds(json)).toEqual([
      'platform-missing:blocking',
      'attestation-in-index:info',
    ]);
    for (const finding of json.findings) {
      expect(finding).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          severity: expect.any(String),
          title: expect.any(String),
        }),
      );
    }
  });

  it('lists a Docker manifest list with variants in document order and finds arm64 as arm64/v8', async () => {
    const list = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifestList,
      manifests: [
        ['amd64', undefined],
        ['arm', 'v5'],
        ['arm', 'v7'],
        ['arm64', 'v8'],
        ['386', undefined],
        ['ppc64le', undefined],
        ['s390x', undefined],
      ].map(([architecture, variant], i) => ({
        mediaType: MEDIA_TYPES.dockerManifest,
        digest: d(String(i)),
        size: 1570,
        platform: {
          architecture,
          os: 'linux',
          ...(variant ? { variant } : {}),
        },
      })),
    };
    const arm64 = await analyze(list, '--platform', 'linux/arm64');
    expect(arm64.code).toBe(0);
    expect(arm64.json.platforms).toEqual([
      'linux/amd64',
      'linux/arm/v5',
      'linux/arm/v7',
      'linux/arm64/v8',
      'linux/386',
      'linux/ppc64le',
      'linux/s390x',
    ]);
    expect(arm64.json.findings).toEqual([]);
    expect(
      (await analyze(list, '--platform', 'linux/arm')).json.findings,
    ).toEqual([]);
    expect(
      findingIds((await analyze(list, '--platform', 'linux/riscv64')).json),
    ).toEqual(['platform-missing:blocking']);
  });

  it('matches Windows entries by os.version build', async () => {
    const list = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifestList,
      manifests: [
        {
          mediaType: MEDIA_TYPES.dockerManifest,
          digest: d('a'),
          size: 1,
          platform: {
            architecture: 'amd64',
            os: 'windows',
            'os.version': '10.0.17763.6054',
          },
        },
        {
          mediaType: MEDIA_TYPES.dockerManifest,
          digest: d('b'),
          size: 1,
          platform: {
            architecture: 'amd64',
            os: 'windows',
            'os.version': '10.0.20348.2582',
          },
        },
      ],
    };
    expect(
      (await analyze(list, '--platform', 'WINDOWS_SERVER_2022_CORE/X86_64'))
        .json.findings,
    ).toEqual([]);
    const ltsc2025 = await analyze(
      list,
      '--platform',
      'windows(10.0.26100)/amd64',
    );
    expect(findingIds(ltsc2025.json)).toEqual(['platform-missing:blocking']);
    expect(ltsc2025.json.platforms).toEqual(['windows/amd64', 'windows/amd64']);
  });

  it('counts Windows foreign layers by their suffix', async () => {
    const { json, code } = await analyze({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifest,
      config: { mediaType: MEDIA_TYPES.dockerConfig, size: 1, digest: d('c') },
      layers: [
        {
          mediaType: MEDIA_TYPES.dockerForeignLayerGzip,
          size: 1000,
          digest: d('1'),
          urls: [
            `https://mcr.microsoft.com/v2/windows/servercore/blobs/${d('1')}`,
          ],
        },
        { mediaType: MEDIA_TYPES.dockerLayerGzip, size: 500, digest: d('2') },
      ],
    });
    expect(code).toBe(0);
    expect(json).toMatchObject({
      kind: 'manifest',
      compressions: ['gzip'],
      mixedCompression: false,
      layerCount: 2,
      isImage: true,
      findings: [],
    });
  });

  it('infers the kind of documents without mediaType', async () => {
    const manifest = await analyze({
      schemaVersion: 2,
      config: { mediaType: MEDIA_TYPES.ociConfig, size: 1, digest: d('c') },
      layers: [
        { mediaType: MEDIA_TYPES.ociLayerZstd, size: 10, digest: d('1') },
      ],
    });
    expect(manifest.json).toMatchObject({
      mediaType: null,
      kind: 'manifest',
      compressions: ['zstd'],
      isImage: true,
    });
    const index = await analyze({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: d('1'),
          size: 1,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    });
    expect(index.json).toMatchObject({
      mediaType: null,
      kind: 'index',
      platforms: ['linux/amd64'],
    });
  });

  it('walks an index to the platform manifest and its config given with --document', async () => {
    // An index that claims linux/amd64 for an image built on Apple silicon: only the walk to
    // the config shows it.
    const image = buildImage({
      platform: { os: 'linux', architecture: 'arm64' },
      layers: [{ files: { a: 'a' } }],
    });
    const index = buildIndex([
      { artifact: image, platform: { os: 'linux', architecture: 'amd64' } },
    ]);
    const child = await dir.write('child.json', image.manifest.data);
    const config = await dir.write('child-config.json', image.blobs[0].data);
    const alone = await analyze(
      index.manifest.data.toString(),
      '--platform',
      'linux/amd64',
    );
    expect(alone.code).toBe(0);
    expect(findingIds(alone.json)).toEqual([]);

    const walked = await analyze(
      index.manifest.data.toString(),
      '--platform',
      'linux/amd64',
      '--document',
      child,
      '--document',
      config,
    );
    expect(walked.code).toBe(1);
    expect(walked.json).toMatchObject({
      kind: 'index',
      platformManifest: {
        kind: 'manifest',
        layerCount: 1,
        configPlatform: 'linux/arm64',
      },
    });
    expect(findingIds(walked.json)).toEqual(['platform-missing:blocking']);
    expect(walked.json.findings[0]).toMatchObject({
      fixKey: 'platform-missing',
      fixVars: { platform: 'linux/amd64' },
      fix: { title: expect.any(String), steps: expect.any(Array) },
    });
  });

  it('compares layers with diff_ids and the config platform when --config is given (seed: mixed gzip + docker zstd)', async () => {
    const image = buildImage({
      style: 'docker',
      platform: { os: 'linux', architecture: 'arm64' },
      layers: [
        { files: { a: 'a' }, compression: 'gzip' },
        { files: { b: 'b' }, compression: 'zstd' },
        { files: { c: 'c' }, compression: 'zstd' },
      ],
      diffIds: [d('1'), d('2')],
    });
    const config = await dir.write('config.json', image.blobs[0].data);
    const { json, code } = await analyze(
      image.manifest.data.toString(),
      '--config',
      config,
      '--platform',
      'linux/amd64',
    );
    expect(code).toBe(1);
    expect(json).toMatchObject({
      mediaType: MEDIA_TYPES.dockerManifest,
      kind: 'manifest',
      compressions: ['gzip', 'zstd'],
      mixedCompression: true,
      layerCount: 3,
      diffIdCount: 2,
      isImage: true,
      configPlatform: 'linux/arm64',
    });
    expect(findingIds(json)).toEqual([
      'mixed-layer-compression:blocking',
      'zstd-docker-media-type:blocking',
      'layer-diffid-mismatch:blocking',
      'platform-missing:blocking',
    ]);
  });

  it.each([
    [
      'a cosign signature',
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, size: 233, digest: d('c') },
        layers: [
          {
            mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
            size: 245,
            digest: d('1'),
            annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ' },
          },
        ],
      },
      'signature',
    ],
    [
      'a Helm chart (no mediaType field)',
      {
        schemaVersion: 2,
        config: {
          mediaType: 'application/vnd.cncf.helm.config.v1+json',
          digest: d('c'),
          size: 117,
        },
        layers: [
          {
            mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
            digest: d('1'),
            size: 3547,
          },
        ],
        annotations: { 'org.opencontainers.image.title': 'chart' },
      },
      'helm-chart',
    ],
    [
      'an OCI 1.1 SBOM artifact with the empty config and a subject',
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        artifactType: 'application/spdx+json',
        config: {
          mediaType: MEDIA_TYPES.ociEmpty,
          digest: d('4'),
          size: 2,
          data: 'e30=',
        },
        layers: [
          { mediaType: 'application/spdx+json', digest: d('1'), size: 10 },
        ],
        subject: {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: d('9'),
          size: 100,
        },
      },
      'sbom',
    ],
    [
      'a BuildKit attestation manifest',
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, digest: d('c'), size: 167 },
        layers: [
          {
            mediaType: MEDIA_TYPES.inToto,
            digest: d('1'),
            size: 1000,
            annotations: {
              'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2',
            },
          },
        ],
      },
      'attestation',
    ],
  ])('reports %s as not an image', async (_name, document, artifactKind) => {
    const { json, code } = await analyze(document);
    expect(code).toBe(1);
    expect(json).toMatchObject({
      kind: 'manifest',
      isImage: false,
      compressions: [],
      artifactKind,
    });
    expect(findingIds(json)).toEqual(['not-an-image:blocking']);
  });

  it('reports a schema 1 manifest (signed, without mediaType)', async () => {
    const { json, code } = await analyze({
      schemaVersion: 1,
      name: 'library/busybox',
      tag: 'old',
      architecture: 'amd64',
      fsLayers: [{ blobSum: d('1') }, { blobSum: d('2') }],
      history: [{ v1Compatibility: '{}' }, { v1Compatibility: '{}' }],
      signatures: [
        { header: { alg: 'ES256' }, signature: 'x', protected: 'y' },
      ],
    });
    expect(code).toBe(1);
    expect(json).toMatchObject({
      mediaType: null,
      kind: 'schema1',
      schema1: true,
      layerCount: 2,
      compressions: ['gzip'],
      isImage: true,
    });
    expect(findingIds(json)).toEqual(['schema1-manifest:blocking']);
  });

  it('says a config given as the manifest is not an image, as the online inspection does', async () => {
    const { json } = await analyze(
      {
        architecture: 'arm64',
        os: 'linux',
        variant: 'v8',
        rootfs: { type: 'layers', diff_ids: [d('1'), d('2')] },
      },
      '--platform',
      'linux/amd64',
    );
    expect(json).toMatchObject({
      kind: 'config',
      layerCount: null,
      diffIdCount: 2,
      isImage: false,
      configPlatform: 'linux/arm64/v8',
    });
    expect(findingIds(json)).toEqual(['not-an-image:blocking']);
    expect(json.findings[0].title).toMatch(/image config, where a manifest/);
  });

  it('reports an image with an empty layers array', async () => {
    const { json } = await analyze({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: d('c'), size: 10 },
      layers: [],
    });
    expect(json).toMatchObject({
      layerCount: 0,
      isImage: true,
      compressions: [],
    });
    expect(findingIds(json)).toEqual(['empty-image:blocking']);
  });

  it('reports JSON that is no registry document as unknown', async () => {
    const { json, code } = await analyze({ hello: 'world' });
    expect(code).toBe(1);
    expect(json).toMatchObject({
      kind: 'unknown',
      mediaType: null,
      isImage: false,
      layerCount: null,
    });
    expect(findingIds(json)).toEqual(['not-an-image:blocking']);
  });
});

describe('analyze input errors', () => {
  it('exits 2 with a clear message for a file that is not JSON', async () => {
    const file = await dir.write(
      'broken.json',
      '{"schemaVersion": 2, "manifests": [',
    );
    const { code, stdout, stderr } = await runCli([
      'analyze',
      '--manifest',
      file,
      '--json',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/broken\.json: manifest: not valid JSON/);
  });

  it('exits 2 for a missing file, a bad config and a bad platform', async () => {
    const manifest = await dir.write('ok.json', { manifests: [] });
    expect(
      (await runCli(['analyze', '--manifest', dir.path('nope.json')])).stderr,
    ).toMatch(/manifest file not found/);
    const badConfig = await dir.write('bad-config.json', '[1]');
    const config = await runCli([
      'analyze',
      '--manifest',
      manifest,
      '--config',
      badConfig,
    ]);
    expect(config).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not an image config/),
    });
    const platform = await runCli([
      'analyze',
      '--manifest',
      manifest,
      '--platform',
      'linux/amd64/v1/x',
    ]);
    expect(platform).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--platform/),
    });
  });

  it('reads the manifest from standard input with -', async () => {
    const { code, stdout } = await runCli(
      ['analyze', '--manifest', '-', '--json'],
      {
        stdin: JSON.stringify({ manifests: [] }),
      },
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).kind).toBe('index');
  });
});
