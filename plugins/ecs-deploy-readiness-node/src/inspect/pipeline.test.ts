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
