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
import { parseDocument, readDescriptor, readDocument } from './documents';
import { classifyLayer } from './layers';

describe('readDocument', () => {
  it.each([
    [{ schemaVersion: 2, manifests: [] }, 'index'],
    [
      { schemaVersion: 2, config: { digest: 'sha256:a' }, layers: [] },
      'manifest',
    ],
    [{ schemaVersion: 2, layers: [{ digest: 'sha256:a' }] }, 'manifest'],
    [
      { schemaVersion: 1, name: 'x', fsLayers: [{ blobSum: 'sha256:a' }] },
      'schema1',
    ],
    [
      { architecture: 'amd64', os: 'linux', rootfs: { diff_ids: [] } },
      'config',
    ],
    [{ rootfs: { type: 'layers', diff_ids: [] } }, 'config'],
    [{ hello: 'world' }, 'unknown'],
    [[1, 2], 'unknown'],
  ])('infers the kind of %j from its structure', (doc, kind) => {
    expect(readDocument(doc).kind).toBe(kind);
  });

  it('prefers the mediaType field over the structure and over the declared type', () => {
    const doc = readDocument(
      { mediaType: MEDIA_TYPES.dockerManifestList, manifests: [] },
      MEDIA_TYPES.ociManifest,
    );
    expect(doc).toMatchObject({
      kind: 'index',
      mediaType: MEDIA_TYPES.dockerManifestList,
    });
  });

  it('uses the declared media type (Content-Type) when the document has none', () => {
    const doc = readDocument(
      { schemaVersion: 2, manifests: [] },
      `${MEDIA_TYPES.dockerManifestList}; charset=utf-8`,
    );
    expect(doc).toMatchObject({
      kind: 'index',
      mediaType: MEDIA_TYPES.dockerManifestList,
    });
  });

  it('reads malformed descriptors defensively', () => {
    const doc = readDocument({
      manifests: [
        null,
        'x',
        { digest: 5, platform: { os: 'linux', architecture: 7 } },
      ],
    });
    expect(doc).toEqual({
      kind: 'index',
      manifests: [
        { problems: ['it is not a JSON object'] },
        { problems: ['it is not a JSON object'] },
        {
          platform: { os: 'linux' },
          problems: [
            'it has no mediaType',
            'its digest is not a string',
            'it has no size',
          ],
        },
      ],
      mediaType: undefined,
      artifactType: undefined,
      subject: undefined,
      annotations: undefined,
    });
  });
});

describe('descriptor problems', () => {
  const good = {
    mediaType: MEDIA_TYPES.ociManifest,
    digest: `sha256:${'a'.repeat(64)}`,
    size: 10,
  };

  it('finds none in a well-formed descriptor', () => {
    expect(readDescriptor(good)?.problems).toBeUndefined();
  });

  it.each([
    [{ ...good, digest: undefined }, 'it has no digest'],
    [
      { ...good, digest: 'sha256:abc' },
      'sha256 digest must have 64 hex characters, got 3',
    ],
    [
      { ...good, digest: `sha256:${'A'.repeat(64)}` },
      'sha256 digest must be lowercase hex',
    ],
    [{ ...good, size: -1 }, 'its size -1 is not a non-negative integer'],
    [{ ...good, size: 1.5 }, 'its size 1.5 is not a non-negative integer'],
    [{ ...good, size: '10' }, 'its size "10" is not a non-negative integer'],
    [{ ...good, size: undefined }, 'it has no size'],
    [{ ...good, mediaType: undefined }, 'it has no mediaType'],
  ])('reports %j', (value, problem) => {
    expect(readDescriptor(value)?.problems).toEqual([problem]);
  });
});

describe('parseDocument', () => {
  it('fails with a clear message on invalid JSON', () => {
    const result = parseDocument('{"schemaVersion": 2,');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^not valid JSON/);
  });

  it('accepts a byte order mark', () => {
    const result = parseDocument(Buffer.from('\uFEFF{"manifests": []}'));
    expect(result.ok && result.document.kind).toBe('index');
  });
});

describe('classifyLayer', () => {
  it.each([
    [MEDIA_TYPES.ociLayerGzip, 'image', 'gzip', false, false],
    [MEDIA_TYPES.ociLayerZstd, 'image', 'zstd', false, false],
    [MEDIA_TYPES.ociLayer, 'image', 'none', false, false],
    [MEDIA_TYPES.ociLayerNondistributableGzip, 'image', 'gzip', true, false],
    [MEDIA_TYPES.ociLayerNondistributable, 'image', 'none', true, false],
    [MEDIA_TYPES.dockerLayerGzip, 'image', 'gzip', false, false],
    [MEDIA_TYPES.dockerLayerZstd, 'image', 'zstd', false, true],
    [MEDIA_TYPES.dockerLayerTar, 'image', 'none', false, false],
    [MEDIA_TYPES.dockerForeignLayerGzip, 'image', 'gzip', true, false],
    [
      'application/vnd.docker.image.rootfs.foreign.diff.tar',
      'image',
      'none',
      true,
      false,
    ],
    [MEDIA_TYPES.inToto, 'attestation', undefined, false, false],
    // ocicrypt: an image layer with its compression, encrypted (see the `encrypted` test below).
    [
      'application/vnd.oci.image.layer.v1.tar+gzip+encrypted',
      'image',
      'gzip',
      false,
      false,
    ],
    [
      'application/vnd.oci.image.layer.v1.tar+zstd+encrypted',
      'image',
      'zstd',
      false,
      false,
    ],
    [
      'application/vnd.oci.image.layer.v1.tar+encrypted',
      'image',
      'none',
      false,
      false,
    ],
    [
      'application/vnd.oci.image.layer.v1.tar+encrypted+gzip',
      'unknown',
      undefined,
      false,
      false,
    ],
    [
      'application/vnd.oci.image.layer.v1.tar+bzip2',
      'unknown',
      undefined,
      false,
      false,
    ],
    [
      'application/vnd.dev.cosign.simplesigning.v1+json',
      'unknown',
      undefined,
      false,
      false,
    ],
    [
      'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
      'unknown',
      undefined,
      false,
      false,
    ],
    [undefined, 'unknown', undefined, false, false],
  ])('%s is %s/%s', (mediaType, cls, compression, foreign, dockerZstd) => {
    const info = classifyLayer(mediaType);
    expect({
      class: info.class,
      compression: info.compression,
      foreign: info.foreign,
      dockerZstd: info.dockerZstd,
    }).toEqual({ class: cls, compression, foreign, dockerZstd });
  });

  it('marks ocicrypt layers as encrypted, others not', () => {
    expect(
      classifyLayer('application/vnd.oci.image.layer.v1.tar+gzip+encrypted')
        .encrypted,
    ).toBe(true);
    expect(classifyLayer(MEDIA_TYPES.ociLayerGzip).encrypted).toBe(false);
  });
});
