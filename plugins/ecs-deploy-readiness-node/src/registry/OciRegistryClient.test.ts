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

import {
  buildArtifact,
  buildImage,
  buildMultiPlatformIndex,
  deleteBlob,
  deleteManifest,
  pushArtifact,
} from 'ecs-sandbox/images';
import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { SafeHttpClient } from './http';
import { distributionBaseUrl, OciRegistryClient } from './OciRegistryClient';
import { RegistryError } from './types';
import { CredentialsFor } from './auth';

jest.setTimeout(60_000);

const MISSING = `sha256:${'0'.repeat(64)}`;

function clientFor(
  registry: DockerRegistry,
  options: { credentialsFor?: CredentialsFor; allowLoopback?: boolean } = {},
) {
  const http = new SafeHttpClient({
    allowLoopback: options.allowLoopback ?? true,
    insecureRegistries: [registry.host],
    timeouts: { requestMs: 5000 },
  });
  return new OciRegistryClient({
    registry: registry.host,
    baseUrl: distributionBaseUrl(registry.host, {
      insecureRegistries: [registry.host],
    }),
    http,
    credentialsFor: options.credentialsFor,
  });
}

async function expectRegistryError(
  promise: Promise<unknown>,
  kind: string,
): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  expect(error.kind).toBe(kind);
  return error;
}

const image = buildImage({
  style: 'docker',
  layers: [
    { files: { 'etc/os-release': 'ID=test\n' } },
    { files: { 'app/run': '#!/bin/sh\n' } },
  ],
});
const arm = buildImage({
  platform: { os: 'linux', architecture: 'arm64' },
  layers: [{ files: { 'app/run': 'arm\n' }, compression: 'zstd' }],
});
const index = buildMultiPlatformIndex([
  {
    platform: { os: 'linux', architecture: 'amd64' },
    image: buildImage({ layers: [{ files: { a: '1' } }] }),
  },
  { platform: { os: 'linux', architecture: 'arm64' }, image: arm },
]);

describe('OciRegistryClient against a real registry', () => {
  let registry: DockerRegistry;
  let client: OciRegistryClient;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    await pushArtifact(image, {
      registryUrl: registry.directUrl,
      repository: 'team/app',
      tag: 'v1',
    });
    await pushArtifact(index, {
      registryUrl: registry.directUrl,
      repository: 'team/multi',
      tag: 'latest',
    });
    client = clientFor(registry);
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('reads a manifest by tag with its verified digest and media type', async () => {
    const manifest = await client.getManifest('team/app', 'v1');
    expect(manifest.digest).toBe(image.manifest.digest);
    expect(manifest.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(manifest.bytes.equals(image.manifest.data)).toBe(true);
  });

  it('reads a manifest by digest', async () => {
    const manifest = await client.getManifest(
      'team/app',
      image.manifest.digest,
    );
    expect(manifest.digest).toBe(image.manifest.digest);
    expect(JSON.parse(manifest.bytes.toString()).layers).toHaveLength(2);
  });

  it('reads an index and its platform manifests', async () => {
    const top = await client.getManifest('team/multi', 'latest');
    expect(top.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(top.digest).toBe(index.manifest.digest);
    const entries = JSON.parse(top.bytes.toString()).manifests;
    expect(entries.map((e: any) => e.platform.architecture)).toEqual([
      'amd64',
      'arm64',
      'unknown',
      'unknown',
    ]);
    const child = await client.getManifest('team/multi', arm.manifest.digest);
    expect(child.mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(JSON.parse(child.bytes.toString()).layers[0].mediaType).toBe(
      MEDIA_TYPES.ociLayerZstd,
    );
  });

  it('reads an OCI artifact as stored', async () => {
    const sbom = buildArtifact({
      artifactType: 'application/spdx+json',
      layers: [
        {
          mediaType: 'application/spdx+json',
          content: '{"spdxVersion":"SPDX-2.3"}',
        },
      ],
    });
    await pushArtifact(sbom, {
      registryUrl: registry.directUrl,
      repository: 'team/app',
      tag: 'sbom',
    });
    const manifest = await client.getManifest('team/app', 'sbom');
    expect(JSON.parse(manifest.bytes.toString()).artifactType).toBe(
      'application/spdx+json',
    );
  });

  it('reads a config blob, verified', async () => {
    const configDigest = image.manifest.json.config.digest;
    const config = await client.getBlob('team/app', configDigest);
    expect(JSON.parse(config.toString()).rootfs.diff_ids).toHaveLength(2);
  });

  it('checks which blobs exist with HEAD', async () => {
    const digests = [...image.blobs.map(b => b.digest), MISSING];
    const exists = await client.blobsExist('team/app', digests);
    expect([...exists.values()]).toEqual([true, true, true, false]);
  });

  it('reports a missing repository, tag and digest', async () => {
    await expectRegistryError(
      client.getManifest('team/nothing', 'v1'),
      'repository-not-found',
    );
    const tag = await expectRegistryError(
      client.getManifest('team/app', 'v2'),
      'manifest-not-found',
    );
    expect(tag.message).toContain('MANIFEST_UNKNOWN');
    await expectRegistryError(
      client.getManifest('team/app', MISSING),
      'manifest-not-found',
    );
    await expectRegistryError(
      client.getBlob('team/app', MISSING),
      'blob-not-found',
    );
  });

  it('sees a deleted blob as missing', async () => {
    const doomed = buildImage({ layers: [{ files: { doomed: 'yes' } }] });
    await pushArtifact(doomed, {
      registryUrl: registry.directUrl,
      repository: 'team/doomed',
      tag: 'v1',
    });
    const layer = doomed.manifest.json.layers[0].digest;
    expect((await client.blobsExist('team/doomed', [layer])).get(layer)).toBe(
      true,
    );
    await deleteBlob(
      { registryUrl: registry.directUrl, repository: 'team/doomed' },
      layer,
    );
    expect((await client.blobsExist('team/doomed', [layer])).get(layer)).toBe(
      false,
    );
    await expectRegistryError(
      client.getBlob('team/doomed', layer),
      'blob-not-found',
    );
  });

  it('asks the registry whether a manifest digest exists, and tells a missing repository apart', async () => {
    expect(await client.manifestExists('team/app', image.manifest.digest)).toBe(
      true,
    );
    // An index and one of its platform manifests, which has no tag of its own.
    expect(
      await client.manifestExists('team/multi', index.manifest.digest),
    ).toBe(true);
    expect(await client.manifestExists('team/multi', arm.manifest.digest)).toBe(
      true,
    );
    expect(await client.manifestExists('team/app', MISSING)).toBe(false);
    // The digest exists, but in another repository.
    expect(await client.manifestExists('team/app', arm.manifest.digest)).toBe(
      false,
    );
    const error = await expectRegistryError(
      client.manifestExists('team/nothing', image.manifest.digest),
      'repository-not-found',
    );
    expect(error.message).toContain('team/nothing');
    await expectRegistryError(
      client.manifestExists('team/app', 'sha256:abc'),
      'invalid-argument',
    );
    await expectRegistryError(
      client.manifestExists('../etc', image.manifest.digest),
      'invalid-argument',
    );
  });

  it('sees a deleted manifest as gone, though its content was read before', async () => {
    const old = buildImage({ layers: [{ files: { release: '1' } }] });
    const current = buildImage({ layers: [{ files: { release: '2' } }] });
    const target = {
      registryUrl: registry.directUrl,
      repository: 'team/moved',
    };
    await pushArtifact(old, { ...target, tag: 'v1' });
    expect(
      (await client.getManifest('team/moved', old.manifest.digest)).digest,
    ).toBe(old.manifest.digest);
    // The tag moves to a new image, and the old one is deleted.
    await pushArtifact(current, { ...target, tag: 'v1' });
    await deleteManifest(target, old.manifest.digest);
    expect(await client.manifestExists('team/moved', old.manifest.digest)).toBe(
      false,
    );
    expect(
      await client.manifestExists('team/moved', current.manifest.digest),
    ).toBe(true);
    await expectRegistryError(
      client.getManifest('team/moved', old.manifest.digest),
      'manifest-not-found',
    );
  });

  it('rejects invalid names and references as invalid arguments, never as not found', async () => {
    const error = await expectRegistryError(
      client.getManifest('../etc', 'v1'),
      'invalid-argument',
    );
    expect(error.message).toContain('not a valid repository name');
    await expectRegistryError(
      client.getManifest('team/app', 'sha256:abc'),
      'invalid-argument',
    );
    await expectRegistryError(
      client.getManifest('team/app', 'bad tag'),
      'invalid-argument',
    );
    await expectRegistryError(
      client.getBlob('team/app', 'sha256:abc'),
      'invalid-argument',
    );
  });

  it('refuses the loopback registry unless loopback is allowed', async () => {
    const strict = clientFor(registry, { allowLoopback: false });
    const error = await expectRegistryError(
      strict.getManifest('team/app', 'v1'),
      'blocked-address',
    );
    expect(error.message).toContain('loopback');
  });
});

describe('OciRegistryClient with Basic authentication', () => {
  let registry: DockerRegistry;

  beforeAll(async () => {
    registry = await startDockerRegistry({
      basicAuth: { username: 'ci', password: 's3cret' },
    });
    await pushArtifact(image, {
      registryUrl: registry.directUrl,
      repository: 'team/app',
      tag: 'v1',
    });
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('reads with the right credentials', async () => {
    const client = clientFor(registry, {
      credentialsFor: host =>
        host === registry.host
          ? { username: 'ci', password: 's3cret' }
          : undefined,
    });
    expect((await client.getManifest('team/app', 'v1')).digest).toBe(
      image.manifest.digest,
    );
    const config = image.manifest.json.config.digest;
    expect((await client.blobsExist('team/app', [config])).get(config)).toBe(
      true,
    );
  });

  it('reports wrong credentials as unauthorized', async () => {
    const client = clientFor(registry, {
      credentialsFor: () => ({ username: 'ci', password: 'wrong' }),
    });
    const error = await expectRegistryError(
      client.getManifest('team/app', 'v1'),
      'unauthorized',
    );
    expect(error.message).toMatch(/credentials/);
  });

  it('reports missing credentials as unauthorized', async () => {
    const error = await expectRegistryError(
      clientFor(registry).getManifest('team/app', 'v1'),
      'unauthorized',
    );
    expect(error.message).toMatch(/none is configured/);
  });
});

describe('OciRegistryClient with bearer tokens', () => {
  let anonymous: DockerRegistry;
  let login: DockerRegistry;

  beforeAll(async () => {
    anonymous = await startDockerRegistry({
      tokenAuth: { expiresInSeconds: 1 },
    });
    login = await startDockerRegistry({
      tokenAuth: { username: 'bot', password: 'pat' },
    });
    for (const registry of [anonymous, login]) {
      await pushArtifact(image, {
        registryUrl: registry.directUrl,
        repository: 'team/app',
        tag: 'v1',
      });
      await pushArtifact(arm, {
        registryUrl: registry.directUrl,
        repository: 'team/other',
        tag: 'v1',
      });
    }
  });

  afterAll(async () => {
    await anonymous?.stop();
    await login?.stop();
  });

  it('gets a token per repository scope from the realm, reuses it, and renews it after expiry', async () => {
    const client = clientFor(anonymous);
    await client.getManifest('team/app', 'v1');
    await client.getBlob('team/app', image.manifest.json.config.digest);
    await client.getManifest('team/other', 'v1');
    expect(anonymous.tokenRequests.map(r => r.scope)).toEqual([
      ['repository:team/app:pull'],
      ['repository:team/other:pull'],
    ]);
    expect(anonymous.tokenRequests[0].service).toBe('test-registry');
    await new Promise(resolve => setTimeout(resolve, 1100));
    await client.getManifest('team/app', 'v1');
    expect(anonymous.tokenRequests).toHaveLength(3);
  });

  it('answers a manifest HEAD after the token challenge', async () => {
    const client = clientFor(login, {
      credentialsFor: () => ({ username: 'bot', password: 'pat' }),
    });
    expect(await client.manifestExists('team/app', image.manifest.digest)).toBe(
      true,
    );
    expect(await client.manifestExists('team/app', MISSING)).toBe(false);
    await expectRegistryError(
      clientFor(login).manifestExists('team/app', image.manifest.digest),
      'unauthorized',
    );
  });

  it('logs in to the token service with credentials', async () => {
    const client = clientFor(login, {
      credentialsFor: () => ({ username: 'bot', password: 'pat' }),
    });
    expect((await client.getManifest('team/app', 'v1')).digest).toBe(
      image.manifest.digest,
    );
    expect(login.tokenRequests.at(-1)?.authenticated).toBe(true);
  });

  it('reports rejected token credentials as unauthorized', async () => {
    const client = clientFor(login, {
      credentialsFor: () => ({ username: 'bot', password: 'nope' }),
    });
    const error = await expectRegistryError(
      client.getManifest('team/app', 'v1'),
      'unauthorized',
    );
    expect(error.message).toMatch(/token service.*rejected/);
  });

  it('uses a configured bearer token as is, and reports it when refused', async () => {
    const client = clientFor(anonymous, {
      credentialsFor: () => ({ token: 'not-issued-here' }),
    });
    const before = anonymous.tokenRequests.length;
    const error = await expectRegistryError(
      client.getManifest('team/app', 'v1'),
      'unauthorized',
    );
    expect(error.message).toMatch(/credentials are not valid for it/);
    expect(anonymous.tokenRequests).toHaveLength(before);
  });
});
