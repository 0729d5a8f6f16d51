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
 * One pipeline: the online inspection and the offline analysis resolve and check the same
 * documents with the same code, so they must give the same findings for the same documents.
 */

import {
  Finding,
  MEDIA_TYPES,
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  BuiltArtifact,
  buildArtifact,
  buildImage,
  buildIndex,
  buildMultiPlatformIndex,
  buildSchema1,
  buildSociIndex,
  buildSociV2Index,
  flatten,
  manifestOf,
} from 'ecs-sandbox/images';
import { FakeRegistryClient } from './__testUtils__/FakeRegistryClient';
import { analyzeDocuments } from './analyzeOffline';
import { ImageInspector } from './ImageInspector';

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const layer = (content: string, compression: 'gzip' | 'zstd' = 'gzip') => ({
  files: { [content]: content },
  compression,
});
const image = (architecture = 'amd64', layers = [layer('a')]) =>
  buildImage({ platform: { os: 'linux', architecture }, layers });

/**
 * An artifact whose "manifest" is an image config: what a bad push or a wrong digest gives.
 * Served without a media type, as the offline path has none either.
 */
function configAsManifest(): BuiltArtifact {
  const config = image().blobs[0];
  return {
    manifest: {
      ...config,
      mediaType: '',
      json: JSON.parse(config.data.toString('utf8')),
    },
    blobs: [],
    children: [],
  };
}

/** The image with its manifest JSON changed (same blobs): a hand-edited or broken push. */
function edited(
  artifact: BuiltArtifact,
  change: (json: Record<string, any>) => void,
): BuiltArtifact {
  const json = JSON.parse(JSON.stringify(artifact.manifest.json));
  change(json);
  return { ...artifact, manifest: manifestOf(json) };
}

/** An index over one image whose entry is changed. */
function indexWithEntry(change: (entry: Record<string, any>) => void) {
  const child = image();
  const index = buildIndex([{ artifact: child, platform: AMD64 }]);
  return edited(index, json => change(json.manifests[0]));
}

const CASES: Array<[string, () => BuiltArtifact, string?]> = [
  ['a plain gzip image', () => image()],
  [
    'mixed gzip and zstd layers (seed: layers and diffIDs)',
    () => image('amd64', [layer('a'), layer('b', 'zstd'), layer('c', 'zstd')]),
  ],
  [
    'an arm64-only index with attestations (seed: Apple silicon push)',
    () =>
      buildMultiPlatformIndex([
        {
          platform: { os: 'linux', architecture: 'arm64' },
          image: image('arm64'),
        },
      ]),
  ],
  [
    'a multi-platform index with the platform',
    () =>
      buildMultiPlatformIndex([
        {
          platform: { os: 'linux', architecture: 'amd64' },
          image: image('amd64'),
        },
        {
          platform: { os: 'linux', architecture: 'arm64' },
          image: image('arm64'),
        },
      ]),
  ],
  [
    'an index whose amd64 entry holds an arm64 image',
    () => buildIndex([{ artifact: image('arm64'), platform: AMD64 }]),
  ],
  [
    'a tag on an in-toto attestation (seed: CDK push)',
    () =>
      buildArtifact({
        artifactType: 'application/vnd.in-toto+json',
        layers: [{ mediaType: MEDIA_TYPES.inToto, content: '{}' }],
      }),
  ],
  [
    'layers and diff_ids that disagree',
    () =>
      buildImage({
        layers: [layer('a'), layer('b')],
        diffIds: [`sha256:${'1'.repeat(64)}`],
      }),
  ],
  [
    'an image of 0-byte layers',
    () => buildImage({ layers: [{ entries: [], compression: 'none' }] }),
  ],
  [
    'a schema 1 manifest',
    () => buildSchema1({ name: 'app', tag: 'v1', layers: [layer('a')] }),
  ],
  ['an image config where a manifest belongs', configAsManifest],
  [
    'an index entry without a digest',
    () => {
      const child = image();
      const index = manifestOf({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [
          { mediaType: MEDIA_TYPES.ociManifest, size: 10, platform: AMD64 },
        ],
      });
      return { manifest: index, blobs: child.blobs, children: [child] };
    },
  ],
  // Issue 9: malformed descriptors block on both paths, with one id.
  [
    'a layer with a malformed digest',
    () =>
      edited(image(), json => {
        json.layers[0].digest = 'sha256:1234';
      }),
  ],
  [
    'a config with a negative size',
    () =>
      edited(image(), json => {
        json.config.size = -1;
      }),
  ],
  [
    'a layer with a size that is not an integer',
    () =>
      edited(image(), json => {
        json.layers[0].size = 10.5;
      }),
  ],
  [
    'an index entry without a media type',
    () =>
      indexWithEntry(entry => {
        delete entry.mediaType;
      }),
  ],
  [
    'an index entry with a malformed digest',
    () =>
      indexWithEntry(entry => {
        entry.digest = 'md5:abc';
      }),
  ],
  ['an empty index', () => buildIndex([])],
  [
    'ocicrypt layers',
    () =>
      edited(image('amd64', [layer('a'), layer('b')]), json => {
        json.layers[1].mediaType += '+encrypted';
      }),
  ],
  [
    'a SOCI-enabled image (SOCI index manifest v2)',
    () =>
      buildSociV2Index([
        { platform: AMD64, image: image() },
        {
          platform: { os: 'linux', architecture: 'arm64' },
          image: image('arm64'),
        },
      ]),
  ],
  [
    'a v1 SOCI index (it refers to the image as its subject)',
    () => buildSociIndex(image(), 'v1'),
  ],
  [
    'a signature with a subject and image-shaped layers',
    () =>
      edited(image(), json => {
        json.subject = {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: image('arm64').manifest.digest,
          size: 1,
        };
      }),
  ],
  [
    'an index whose only other entry has another BuildKit reference type',
    () => {
      const index = buildIndex([
        {
          artifact: image('arm64'),
          platform: { os: 'linux', architecture: 'arm64' },
        },
        {
          artifact: image(),
          platform: AMD64,
          annotations: { 'vnd.docker.reference.type': 'other-reference' },
        },
      ]);
      return index;
    },
  ],
];

const comparable = (findings: readonly Finding[]) =>
  findings.map(({ id, severity, title, evidence }) => ({
    id,
    severity,
    title,
    evidence,
  }));

describe('online inspection and offline analysis', () => {
  it.each(CASES)('give the same findings for %s', async (_name, build) => {
    const artifact = build();
    const registry = new FakeRegistryClient('registry.example.com');
    const digest = registry.push('app', artifact);
    const online = await ImageInspector.create({
      registryClientProvider: { forReference: () => registry },
    }).inspectImage({
      image: `registry.example.com/app@${digest}`,
      platform: AMD64,
    });

    const { manifests, blobs } = flatten(artifact);
    const offline = await analyzeDocuments({
      manifest: artifact.manifest.data,
      documents: [
        ...manifests
          .filter(m => m.digest !== artifact.manifest.digest)
          .map(m => m.data),
        ...blobs
          .filter(b =>
            [MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig].includes(
              b.mediaType as any,
            ),
          )
          .map(b => b.data),
      ],
      platform: AMD64,
    });
    if (!offline.ok) throw new Error(offline.error);

    expect(comparable(offline.report.findings)).toEqual(
      comparable(online.findings),
    );
  });

  it('tell the cases apart (the comparison is not vacuous)', async () => {
    const verdicts = await Promise.all(
      CASES.map(async ([, build]) => {
        const result = await analyzeDocuments({
          manifest: build().manifest.data,
          platform: AMD64,
        });
        return result.ok ? result.report.findings.map(f => f.id).join(',') : '';
      }),
    );
    expect(new Set(verdicts).size).toBeGreaterThan(5);
  });
});

describe('offline analysis of malformed and newer documents (issue 9)', () => {
  const idsOf = async (artifact: BuiltArtifact, platform?: Platform) => {
    const { manifests } = flatten(artifact);
    const result = await analyzeDocuments({
      manifest: artifact.manifest.data,
      documents: manifests
        .filter(m => m.digest !== artifact.manifest.digest)
        .map(m => m.data),
      platform,
    });
    if (!result.ok) throw new Error(result.error);
    return result.report;
  };

  it('blocks an index entry without a digest even without a platform', async () => {
    const report = await idsOf(
      indexWithEntry(entry => {
        delete entry.digest;
      }),
    );
    expect(report.findings.map(f => `${f.id}:${f.severity}`)).toEqual([
      'malformed-descriptor:blocking',
    ]);
    expect(report.findings[0].evidence.descriptors).toEqual([
      { at: 'manifests[0]', problems: ['it has no digest'] },
    ]);
  });

  it('blocks a manifest whose layer size is negative, with what is wrong', async () => {
    const report = await idsOf(
      edited(image(), json => {
        json.layers[0].size = -5;
      }),
    );
    expect(report.findings.map(f => f.id)).toEqual(['malformed-descriptor']);
    expect(report.findings[0].title).toContain(
      'layers[0]: its size -5 is not a non-negative integer',
    );
    expect(report.isImage).toBe(false);
  });

  it('counts encrypted layers as image layers with their compression', async () => {
    const report = await idsOf(
      edited(image('amd64', [layer('a', 'zstd')]), json => {
        json.layers[0].mediaType += '+encrypted';
      }),
    );
    expect(report.compressions).toEqual(['zstd']);
    expect(report.findings.map(f => f.id)).toEqual(['encrypted-layer']);
  });

  it('reads a SOCI v2 index: its SOCI entries are neither attestations nor platforms', async () => {
    const report = await idsOf(
      buildSociV2Index([{ platform: AMD64, image: image() }]),
      AMD64,
    );
    expect(report.platforms).toEqual(['linux/amd64']);
    expect(report.attestationCount).toBe(0);
    expect(report.findings).toEqual([]);
  });

  it('says the size of a manifest from its descriptors', async () => {
    const built = image('amd64', [layer('a'), layer('b')]);
    const report = await idsOf(built);
    const sizes = built.manifest.json.layers.map((l: any) => l.size);
    expect(report.sizeInBytes).toBe(
      built.manifest.json.config.size + sizes[0] + sizes[1],
    );
  });
});
