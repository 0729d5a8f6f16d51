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
  MEDIA_TYPES,
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  BuiltArtifact,
  buildArtifact,
  buildAttestation,
  buildImage,
  buildIndex,
  buildMultiPlatformIndex,
  buildSchema1,
} from 'ecs-sandbox/images';
import { checkResolvedImage, CheckContext } from './checks';
import { ConfigDocument, RegistryDocument, parseDocument } from './documents';

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };

/** The checks of one document, as the resolution hands it over: an index, or what a runtime pulls. */
function checkDocument(
  document: RegistryDocument,
  config: ConfigDocument | undefined,
  ctx: CheckContext,
) {
  return checkResolvedImage(
    document.kind === 'index'
      ? { indexes: [{ document }] }
      : { indexes: [], manifest: { document }, config },
    ctx,
  );
}

function doc(
  artifact: BuiltArtifact | Record<string, unknown>,
): RegistryDocument {
  const bytes =
    'manifest' in artifact
      ? (artifact as BuiltArtifact).manifest.data
      : Buffer.from(JSON.stringify(artifact));
  const parsed = parseDocument(bytes);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.document;
}

function configOf(image: BuiltArtifact): ConfigDocument {
  const parsed = parseDocument(image.blobs[0].data);
  if (!parsed.ok || parsed.document.kind !== 'config')
    throw new Error('no config');
  return parsed.document;
}

function ids(
  artifact: BuiltArtifact | Record<string, unknown>,
  ctx: CheckContext = {},
  config?: ConfigDocument,
) {
  return checkDocument(doc(artifact), config, ctx).map(
    f => `${f.id}:${f.severity}`,
  );
}

const layer = (compression: 'gzip' | 'zstd' | 'none', content = 'x') => ({
  files: { [`file-${content}`]: content },
  compression,
});

describe('document checks', () => {
  it('finds nothing wrong in a plain gzip image for its platform', () => {
    const image = buildImage({
      layers: [layer('gzip', 'a'), layer('gzip', 'b')],
    });
    expect(ids(image, { platform: AMD64 }, configOf(image))).toEqual([]);
  });

  describe('mixed-layer-compression and zstd-docker-media-type', () => {
    it('flags a gzip base with zstd layers under Docker media types (the seed story)', () => {
      const image = buildImage({
        style: 'docker',
        layers: [layer('gzip', 'a'), layer('zstd', 'b'), layer('zstd', 'c')],
      });
      const findings = checkDocument(doc(image), configOf(image), {
        platform: AMD64,
      });
      expect(findings.map(f => f.id)).toEqual([
        'mixed-layer-compression',
        'zstd-docker-media-type',
      ]);
      expect(findings[0]).toMatchObject({
        severity: 'blocking',
        title: expect.stringContaining('1 gzip and 2 zstd'),
        evidence: {
          compressions: ['gzip', 'zstd'],
          countsByCompression: { gzip: 1, zstd: 2 },
        },
      });
      expect(findings[0].fixKey).toBe('mixed-layer-compression');
      expect(findings[1].severity).toBe('blocking');
    });

    it('accepts an all-zstd OCI image on Fargate', () => {
      const image = buildImage({
        layers: [layer('zstd', 'a'), layer('zstd', 'b')],
      });
      expect(
        ids(image, { platform: AMD64, launchType: 'FARGATE' }, configOf(image)),
      ).toEqual([]);
    });

    it('warns about zstd layers on the EC2 launch type (old Docker Engines)', () => {
      const image = buildImage({ layers: [layer('zstd', 'a')] });
      expect(ids(image, { launchType: 'EC2' })).toEqual([
        'zstd-unsupported-runtime:risk',
      ]);
    });

    it('reports gzip mixed with uncompressed layers as a risk, not a blocker', () => {
      const image = buildImage({
        layers: [layer('gzip', 'a'), layer('none', 'b')],
      });
      expect(ids(image)).toEqual(['mixed-layer-compression:risk']);
    });
  });

  it('flags a layer count that differs from the config diff_ids', () => {
    const image = buildImage({
      layers: [layer('gzip', 'a'), layer('gzip', 'b')],
      diffIds: [`sha256:${'0'.repeat(64)}`],
    });
    const findings = checkDocument(doc(image), configOf(image), {});
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'layer-diffid-mismatch',
      severity: 'blocking',
      evidence: { layerCount: 2, diffIdCount: 1 },
    });
  });

  it('flags an in-toto layer inside an image', () => {
    const image = buildImage({
      layers: [
        layer('gzip', 'a'),
        { ...layer('gzip', 'b'), mediaType: MEDIA_TYPES.inToto },
      ],
    });
    const findings = checkDocument(doc(image), undefined, {});
    expect(findings.map(f => f.id)).toEqual(['unsupported-layer-media-type']);
    expect(findings[0].evidence).toMatchObject({
      unsupportedMediaTypes: [MEDIA_TYPES.inToto],
      classes: ['attestation'],
    });
  });

  describe('not-an-image', () => {
    const image = buildImage({ layers: [layer('gzip')] });

    it.each<[string, BuiltArtifact, string]>([
      [
        'a BuildKit attestation manifest',
        buildAttestation(image),
        'attestation',
      ],
      [
        'a cosign signature',
        buildArtifact({
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          configMediaType: MEDIA_TYPES.ociConfig,
          layers: [
            {
              mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
              content: '{}',
            },
          ],
          subject: image,
        }),
        'signature',
      ],
      [
        'a Helm chart',
        buildArtifact({
          artifactType: 'application/vnd.cncf.helm.config.v1+json',
          configMediaType: 'application/vnd.cncf.helm.config.v1+json',
          layers: [
            {
              mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
              content: 'x',
            },
          ],
        }),
        'helm-chart',
      ],
      [
        'an SBOM',
        buildArtifact({
          artifactType: 'application/spdx+json',
          layers: [{ mediaType: 'application/spdx+json', content: '{}' }],
          subject: image,
        }),
        'sbom',
      ],
    ])('flags %s', (_name, artifact, kind) => {
      const findings = checkDocument(doc(artifact), undefined, {
        platform: AMD64,
      });
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        id: 'not-an-image',
        severity: 'blocking',
        evidence: { artifactKind: kind },
      });
    });

    it('flags an index that holds only attestations', () => {
      const index = buildIndex([
        {
          artifact: buildAttestation(image),
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ]);
      expect(ids(index)).toEqual([
        'attestation-in-index:info',
        'not-an-image:blocking',
      ]);
    });

    it('flags a document that is not a manifest at all', () => {
      expect(ids({ hello: 'world' })).toEqual(['not-an-image:blocking']);
    });
  });

  it('flags a schema 1 manifest', () => {
    const schema1 = buildSchema1({
      name: 'app',
      tag: 'old',
      layers: [layer('gzip')],
    });
    expect(ids(schema1, { platform: AMD64 })).toEqual([
      'schema1-manifest:blocking',
    ]);
    expect(
      ids(schema1, { platform: { os: 'linux', architecture: 'arm64' } }),
    ).toEqual(['schema1-manifest:blocking', 'platform-missing:blocking']);
  });

  describe('empty-image', () => {
    it('flags an image with no layers', () => {
      expect(ids(buildImage({ layers: [] }))).toEqual(['empty-image:blocking']);
    });

    it('flags an image whose layers are all 0 bytes', () => {
      const manifest = {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: {
          mediaType: MEDIA_TYPES.dockerConfig,
          digest: `sha256:${'c'.repeat(64)}`,
          size: 100,
        },
        layers: [
          {
            mediaType: MEDIA_TYPES.dockerLayerGzip,
            digest: `sha256:${'e'.repeat(64)}`,
            size: 0,
          },
        ],
      };
      expect(ids(manifest)).toEqual(['empty-image:blocking']);
    });

    it('flags an index with no entries', () => {
      expect(ids(buildIndex([]), { platform: AMD64 })).toEqual([
        'empty-index:blocking',
      ]);
    });
  });

  describe('platform-missing', () => {
    it('flags an arm64-only index with an attestation for a linux/amd64 task (the seed story)', () => {
      const index = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'b298d25f'.repeat(8)}`,
            size: 1624,
            platform: { architecture: 'arm64', os: 'linux' },
          },
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'0ab29bc6'.repeat(8)}`,
            size: 566,
            annotations: {
              'vnd.docker.reference.type': 'attestation-manifest',
            },
            platform: { architecture: 'unknown', os: 'unknown' },
          },
        ],
      };
      const findings = checkDocument(doc(index), undefined, {
        platform: AMD64,
      });
      expect(findings.map(f => `${f.id}:${f.severity}`)).toEqual([
        'attestation-in-index:info',
        'platform-missing:blocking',
      ]);
      expect(findings[1]).toMatchObject({
        title: 'No linux/amd64 image in the index (it has linux/arm64)',
        evidence: {
          wanted: 'linux/amd64',
          platforms: ['linux/arm64'],
          attestationCount: 1,
        },
      });
      expect(findings[1].fixVars.platform).toBe('linux/amd64');
    });

    it('passes a multi-platform index that has the platform', () => {
      const images = ['amd64', 'arm64'].map(architecture => ({
        platform: { os: 'linux', architecture },
        image: buildImage({
          platform: { os: 'linux', architecture },
          layers: [layer('gzip')],
        }),
      }));
      const index = buildMultiPlatformIndex(images, { provenance: false });
      expect(ids(index, { platform: AMD64 })).toEqual([]);
      expect(
        ids(index, {
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        }),
      ).toEqual([]);
    });

    it('flags a single-platform image whose config is for another architecture', () => {
      const image = buildImage({
        platform: { os: 'linux', architecture: 'arm64' },
        layers: [layer('gzip')],
      });
      const findings = checkDocument(doc(image), configOf(image), {
        platform: AMD64,
      });
      expect(findings.map(f => f.id)).toEqual(['platform-missing']);
      expect(findings[0].evidence).toMatchObject({
        wanted: 'linux/amd64',
        found: 'linux/arm64',
      });
    });

    it('flags a Windows index without the host build', () => {
      const index = {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifestList,
        manifests: [
          {
            mediaType: MEDIA_TYPES.dockerManifest,
            digest: `sha256:${'a'.repeat(64)}`,
            size: 1,
            platform: {
              os: 'windows',
              architecture: 'amd64',
              'os.version': '10.0.17763.6054',
            },
          },
        ],
      };
      const ltsc2022 = {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.20348',
      };
      const findings = checkDocument(doc(index), undefined, {
        platform: ltsc2022,
      });
      expect(findings.map(f => f.id)).toEqual(['platform-missing']);
      expect(findings[0].evidence).toMatchObject({
        osVersions: ['10.0.17763.6054'],
      });
      expect(
        ids(index, { platform: { ...ltsc2022, 'os.version': '10.0.17763' } }),
      ).toEqual([]);
    });
  });
});

describe('index entries that are not images', () => {
  it('ignores entries with an artifactType or a non-manifest media type', () => {
    const index = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: `sha256:${'a'.repeat(64)}`,
          size: 1,
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: `sha256:${'b'.repeat(64)}`,
          size: 1,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    };
    const findings = checkDocument(doc(index), undefined, { platform: AMD64 });
    expect(findings.map(f => f.id)).toEqual(['platform-missing']);
    expect(findings[0].title).toBe(
      'No linux/amd64 image in the index (it has no image entries)',
    );
  });

  it('names the Windows builds an index has when the host build is missing', () => {
    const index = {
      manifests: [
        {
          mediaType: MEDIA_TYPES.dockerManifest,
          digest: `sha256:${'a'.repeat(64)}`,
          size: 1,
          platform: {
            os: 'windows',
            architecture: 'amd64',
            'os.version': '10.0.17763.6054',
          },
        },
      ],
    };
    const [finding] = checkDocument(doc(index), undefined, {
      platform: {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.20348',
      },
    });
    expect(finding.title).toBe(
      'No windows/amd64 (10.0.20348) image in the index (it has windows/amd64 (10.0.17763.6054))',
    );
  });
});
