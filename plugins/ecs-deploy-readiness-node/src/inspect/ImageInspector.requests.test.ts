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

/*
 * Requests at the floor (issue 9), counted by a proxy in front of a real registry: a tag is one
 * manifest GET (a HEAD once a persistent cache has read it, and the rest from the cache), a child manifest
 * one GET, the config one GET and never a HEAD too, one HEAD per layer, and a manifest's blobs
 * are verified once ever with a persistent cache.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BuiltArtifact,
  LayerSpec,
  buildImage,
  buildMultiPlatformIndex,
  deleteBlob,
  deleteManifest,
  pushArtifact,
} from 'ecs-sandbox/images';
import {
  CountingProxy,
  startCountingProxy,
} from '../__testUtils__/countingProxy';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import { DocumentCache, FileDocumentCache } from './documentCache';
import { ImageInspector } from './ImageInspector';

jest.setTimeout(60_000);

let registry: DockerRegistry;
let proxy: CountingProxy;
let provider: DefaultRegistryClientProvider;
const directories: string[] = [];

function multiPlatform(name: string): BuiltArtifact {
  return buildMultiPlatformIndex(
    ['amd64', 'arm64'].map(architecture => ({
      platform: { os: 'linux', architecture },
      image: buildImage({
        platform: { os: 'linux', architecture },
        layers: [
          { files: { [`/app/${architecture}`]: name } },
          { files: { [`/lib/${architecture}`]: `${name} lib` } },
        ],
      }),
    })),
    { provenance: false },
  );
}

function single(name: string, layers = 3): BuiltArtifact {
  return buildImage({
    layers: Array.from({ length: layers }, (_, i) => ({
      files: { [`/layer${i}`]: `${name} ${i}` },
    })),
  });
}

const configOf = (artifact: BuiltArtifact) =>
  (artifact.manifest.json as { config: { digest: string } }).config.digest;
const layersOf = (artifact: BuiltArtifact) =>
  (artifact.manifest.json as { layers: Array<{ digest: string }> }).layers.map(
    l => l.digest,
  );

async function push(
  repository: string,
  artifact: BuiltArtifact,
  tag?: string,
): Promise<string> {
  return pushArtifact(artifact, {
    registryUrl: registry.directUrl,
    repository,
    tag,
  });
}

async function persistentCache(): Promise<DocumentCache> {
  const directory = await mkdtemp(join(tmpdir(), 'ecs-readiness-cache-'));
  directories.push(directory);
  return new FileDocumentCache({ directory });
}

const audit = (documentCache?: DocumentCache) =>
  ImageInspector.create({ registryClientProvider: provider, documentCache });

/** The requests the proxy saw, as `METHOD kind` (`GET manifest`, `HEAD blob`…), sorted. */
function seen(): string[] {
  return proxy.requests
    .map(r => {
      const kind = /\/(manifests|blobs|tags)\//.exec(r.path)?.[1] ?? r.path;
      return `${r.method} ${kind.replace(/s$/, '')}`;
    })
    .sort();
}

beforeAll(async () => {
  registry = await startDockerRegistry();
  proxy = await startCountingProxy(registry.directUrl);
  provider = new DefaultRegistryClientProvider({
    insecureRegistries: [proxy.host],
    allowedPrivateRegistries: [proxy.host],
  });
});

afterAll(async () => {
  provider?.close();
  await proxy?.stop();
  await registry?.stop();
  await Promise.all(
    directories.map(d => rm(d, { recursive: true, force: true })),
  );
});

beforeEach(() => proxy.reset());

describe('A cold inspection', () => {
  it('GETs the tag, the platform manifest and the config, and HEADs each layer once: nothing else', async () => {
    const index = multiPlatform('cold');
    await push('floor/multi', index, 'v1');
    proxy.reset();
    const result = await audit().inspectImage({
      image: `${proxy.host}/floor/multi:v1`,
      platform: 'linux/amd64',
    });
    expect(result.status).not.toBe('blocked');
    expect(result.findings.map(f => f.id)).toEqual(['mutable-tag-reference']);
    const amd64 = index.children[0];
    // The floor (3 GETs) and one HEAD per layer; the config GET is its existence check.
    expect(seen()).toEqual([
      'GET blob',
      'GET manifest',
      'GET manifest',
      'HEAD blob',
      'HEAD blob',
    ]);
    expect(proxy.count('HEAD', new RegExp(configOf(amd64)))).toBe(0);
    expect(proxy.count('HEAD', /\/manifests\//)).toBe(0);
    expect(
      layersOf(amd64).map(d => proxy.count('HEAD', new RegExp(d))),
    ).toEqual([1, 1]);
  });

  it('HEADs a layer that several images of the repository share once, however many containers use it', async () => {
    const base: LayerSpec[] = [
      { files: { '/base/os': 'shared base' } },
      { files: { '/base/runtime': 'shared runtime' } },
    ];
    const images = ['api', 'worker', 'cron'].map(name =>
      buildImage({ layers: [...base, { files: { '/app': name } }] }),
    );
    for (const [i, image] of images.entries()) {
      await push('floor/shared', image, `v${i}`);
    }
    proxy.reset();
    const result = await audit().inspectTaskDefinition({
      family: 'shared',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: images.map((_, i) => ({
        name: `c${i}`,
        image: `${proxy.host}/floor/shared:v${i}`,
      })),
    });
    expect(result.status).not.toBe('blocked');
    const distinct = new Set(images.flatMap(layersOf));
    expect(distinct.size).toBe(5);
    // 3 tag GETs, 3 config GETs, and one HEAD per distinct layer (not 9).
    expect(proxy.count('HEAD', /\/blobs\//)).toBe(distinct.size);
    expect(proxy.requests).toHaveLength(6 + distinct.size);
  });

  it('GETs a digest-pinned reference once, without a HEAD first', async () => {
    const image = single('pinned');
    const digest = await push('floor/pinned', image);
    proxy.reset();
    const result = await audit().inspectImage({
      image: `${proxy.host}/floor/pinned@${digest}`,
    });
    expect(result).toMatchObject({ status: 'ready', findings: [] });
    expect(seen()).toEqual([
      'GET blob',
      'GET manifest',
      'HEAD blob',
      'HEAD blob',
      'HEAD blob',
    ]);
  });

  it('reports a missing config from its GET, without a HEAD of it', async () => {
    const image = single('no config', 1);
    await push('floor/noconfig', image, 'v1');
    await deleteBlob(
      { registryUrl: registry.directUrl, repository: 'floor/noconfig' },
      configOf(image),
    );
    proxy.reset();
    const result = await audit().inspectImage({
      image: `${proxy.host}/floor/noconfig:v1`,
    });
    expect(result.status).toBe('blocked');
    const missing = result.findings.find(f => f.id === 'missing-blob');
    expect(missing?.evidence).toMatchObject({ missing: [configOf(image)] });
    expect(proxy.count('GET', new RegExp(configOf(image)))).toBe(1);
    expect(proxy.count('HEAD', new RegExp(configOf(image)))).toBe(0);
  });
});

describe('A warm inspection with a persistent cache', () => {
  it('asks one HEAD per image: the tag, or the pinned digest; everything else is cached', async () => {
    const index = multiPlatform('warm');
    const image = single('warm pinned');
    await push('warm/multi', index, 'v1');
    const digest = await push('warm/pinned', image);
    const references = [
      `${proxy.host}/warm/multi:v1`,
      `${proxy.host}/warm/pinned@${digest}`,
    ];
    const cache = await persistentCache();

    const cold = await Promise.all(
      references.map(r => audit(cache).inspectImage({ image: r })),
    );
    // Cold with a persistent cache: a tag never read with this cache is one GET, no HEAD
    // first (the HEAD could only pay with the document cached).
    expect(proxy.count('HEAD', /\/manifests\/v1$/)).toBe(0);
    expect(proxy.count('GET', /\/manifests\/v1$/)).toBe(1);
    expect(proxy.count('HEAD', /\/manifests\//)).toBe(0);

    proxy.reset();
    const warm = await Promise.all(
      references.map(r => audit(cache).inspectImage({ image: r })),
    );
    expect(warm.map(w => [w.status, w.resolvedDigest])).toEqual(
      cold.map(c => [c.status, c.resolvedDigest]),
    );
    expect(warm.map(w => w.findings.map(f => f.id))).toEqual(
      cold.map(c => c.findings.map(f => f.id)),
    );
    expect(proxy.requests).toEqual(
      expect.arrayContaining([
        { method: 'HEAD', path: '/v2/warm/multi/manifests/v1' },
        { method: 'HEAD', path: `/v2/warm/pinned/manifests/${digest}` },
      ]),
    );
    expect(proxy.requests).toHaveLength(2);
    expect(proxy.requests.length / references.length).toBeLessThanOrEqual(1.1);
  });

  it('still finds a pinned image deleted since, the same way as a cold cache', async () => {
    const image = single('deleted');
    const digest = await push('warm/deleted', image);
    const pinned = `${proxy.host}/warm/deleted@${digest}`;
    const cache = await persistentCache();
    await audit(cache).inspectImage({ image: pinned });
    await deleteManifest(
      { registryUrl: registry.directUrl, repository: 'warm/deleted' },
      digest,
    );

    proxy.reset();
    const warm = await audit(cache).inspectImage({ image: pinned });
    // The HEAD's 404, and the tag list that tells a missing repository from a missing manifest.
    expect(seen()).toEqual(['GET tag', 'HEAD manifest']);
    proxy.reset();
    const cold = await audit().inspectImage({ image: pinned });
    // Cold: a GET, whose 404 is the missing manifest; no HEAD first.
    expect(seen()).toEqual(['GET manifest', 'GET tag']);
    expect(warm.status).toBe('blocked');
    expect(cold.findings.map(f => [f.id, f.title])).toEqual(
      warm.findings.map(f => [f.id, f.title]),
    );
  });

  it('checks the blobs again while one is missing: only a complete check is remembered', async () => {
    const image = single('missing layer', 2);
    await push('warm/missing', image, 'v1');
    const gone = layersOf(image)[1];
    await deleteBlob(
      { registryUrl: registry.directUrl, repository: 'warm/missing' },
      gone,
    );
    const cache = await persistentCache();
    // Run 1 GETs the config (that is its check) and HEADs both layers; run 2 has the config in
    // the cache, and so HEADs it too, with both layers again.
    for (const heads of [2, 3]) {
      proxy.reset();
      const result = await audit(cache).inspectImage({
        image: `${proxy.host}/warm/missing:v1`,
      });
      const missing = result.findings.find(f => f.id === 'missing-blob');
      expect(missing?.evidence).toMatchObject({ missing: [gone] });
      expect(proxy.count('HEAD', /\/blobs\//)).toBe(heads);
    }
  });
});
