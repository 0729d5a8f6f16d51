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
 * The seed story "tag moved, old image deleted, manifest unknown", across two audits that share
 * a persistent document cache (as the backend does), against a real registry: the cache still
 * holds the deleted image's manifest, and must not make it look present.
 */

import {
  BuiltArtifact,
  buildImage,
  buildMultiPlatformIndex,
  deleteManifest,
  pushArtifact,
} from 'ecs-sandbox/images';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import { RegistryClientProvider } from '../registry/types';
import { DocumentCache, InMemoryDocumentCache } from './documentCache';
import { ImageInspector } from './ImageInspector';
import { ImageInspection } from './types';

jest.setTimeout(60_000);

function release(name: string): BuiltArtifact {
  return buildMultiPlatformIndex(
    ['amd64', 'arm64'].map(architecture => ({
      platform: { os: 'linux', architecture },
      image: buildImage({
        platform: { os: 'linux', architecture },
        layers: [{ files: { [`/app/${architecture}`]: name } }],
      }),
    })),
    { provenance: false },
  );
}

const ids = (findings: Array<{ id: string; severity: string }>) =>
  findings.map(f => `${f.id}:${f.severity}`);

let registry: DockerRegistry;
const providers: DefaultRegistryClientProvider[] = [];

beforeAll(async () => {
  registry = await startDockerRegistry();
});

afterAll(async () => {
  providers.forEach(p => p.close());
  await registry?.stop();
});

/** How the backend wires an audit: one provider, a new inspector (and audit memo) per audit. */
const wirings: Array<[string, () => () => RegistryClientProvider]> = [
  [
    'the provider for every audit',
    () => {
      const provider = new DefaultRegistryClientProvider({
        insecureRegistries: [registry.host],
        allowedPrivateRegistries: [registry.host],
      });
      providers.push(provider);
      return () => provider;
    },
  ],
];

describe.each(wirings.map(([name, wire], i) => [name, wire, i] as const))(
  'A deleted image whose manifest the shared document cache still holds, with %s',
  (_name, wire, i) => {
    const repository = `team/web${i}`;
    const old = release(`old ${i}`);
    const current = release(`new ${i}`);
    const oldDigest = old.manifest.digest;
    let image: string;
    let shared: DocumentCache;
    let audit: () => ImageInspector;
    let firstAudit: ImageInspection[];

    beforeAll(async () => {
      image = `${registry.host}/${repository}`;
      const target = { registryUrl: registry.directUrl, repository };
      shared = new InMemoryDocumentCache(); // the backend's persistent cache
      const providerForAudit = wire();
      audit = () =>
        ImageInspector.create({
          registryClientProvider: providerForAudit(),
          documentCache: shared,
        });

      // Audit 1: v1 is the old image; services run it, by tag or pinned.
      await pushArtifact(old, { ...target, tag: 'v1' });
      const first = audit();
      firstAudit = [
        await first.inspectImage({
          image: `${image}:v1`,
          deployedDigests: [oldDigest],
        }),
        await first.inspectImage({ image: `${image}@${oldDigest}` }),
      ];

      // The tag moves to a new image, and the old image is deleted.
      await pushArtifact(current, { ...target, tag: 'v1' });
      await deleteManifest(target, oldDigest);
    });

    it('was present in the first audit, and the shared cache still holds its manifest', async () => {
      const [byTag, pinned] = firstAudit;
      expect(byTag.resolvedDigest).toBe(oldDigest);
      expect(ids(byTag.findings)).toEqual(['mutable-tag-reference:risk']);
      expect(pinned).toMatchObject({ status: 'ready', findings: [] });
      // So the answers below are the registry's, not the cache's.
      expect(await shared.get(oldDigest)).toBeDefined();
    });

    it('reports a reference pinned to it as not found', async () => {
      const result = await audit().inspectImage({
        image: `${image}:v1@${oldDigest}`,
      });
      expect(result.status).toBe('blocked');
      expect(ids(result.findings)).toEqual(['digest-not-found:blocking']);
      expect(result.findings[0].title).toBe(
        `Digest ${oldDigest.slice(0, 19)}… not found in ${image}`,
      );
    });

    it('reports it as a deployed digest that is missing', async () => {
      const result = await audit().inspectImage({
        image: `${image}:v1`,
        deployedDigests: [oldDigest],
      });
      expect(result.resolvedDigest).toBe(current.manifest.digest);
      expect(ids(result.findings)).toEqual([
        'deployed-digest-missing:blocking',
        'mutable-tag-reference:risk',
      ]);
      expect(result.findings[0].evidence).toMatchObject({
        digest: oldDigest,
        repository,
      });
      expect(result.findings[0].title).toMatch(/no longer exists/);
    });
  },
);
