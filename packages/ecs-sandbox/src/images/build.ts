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

import { createHash } from 'crypto';
import { gzipSync, zstdCompressSync } from 'zlib';
import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { createTar, TarEntry } from './tar';

/** A blob as a registry stores it. */
export interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  data: Buffer;
}

/** A manifest (image, index or artifact) with its exact serialized bytes. */
export interface BuiltManifest extends Blob {
  json: Record<string, any>;
}

/** An image or artifact: its manifest and every blob it references. */
export interface BuiltArtifact {
  manifest: BuiltManifest;
  /** Config and layers (for an index: the blobs of every child). */
  blobs: Blob[];
  /** Child manifests, for an index. */
  children: BuiltArtifact[];
}

export type Compression = 'gzip' | 'zstd' | 'none';
export type MediaTypeStyle = 'oci' | 'docker';

export interface LayerSpec {
  /** Files of the layer: path → content. */
  files?: Record<string, string | Buffer>;
  /** Raw tar entries, when directories or modes matter. */
  entries?: TarEntry[];
  compression?: Compression;
  /** Overrides the media type the manifest states (for inconsistent pushes). */
  mediaType?: string;
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export interface ImageSpec {
  platform?: PlatformSpec;
  layers: LayerSpec[];
  /** `oci` (default) or Docker v2 media types for manifest, config and layers. */
  style?: MediaTypeStyle;
  /** Overrides `rootfs.diff_ids` (to build a layer/diff_id mismatch). */
  diffIds?: string[];
  /** Extra config fields (Env, Cmd, Labels…). */
  config?: Record<string, unknown>;
  annotations?: Record<string, string>;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function blobOf(data: Buffer, mediaType: string): Blob {
  return { digest: sha256(data), size: data.length, mediaType, data };
}

/** Serializes a manifest document exactly once, so its digest is the digest of these bytes. */
export function manifestOf(json: Record<string, any>): BuiltManifest {
  const data = Buffer.from(JSON.stringify(json, null, 2), 'utf8');
  return { ...blobOf(data, json.mediaType ?? ''), json };
}

function compress(tar: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(tar, { level: 6 });
  if (compression === 'zstd') return zstdCompressSync(tar);
  return tar;
}

export function layerMediaType(
  compression: Compression,
  style: MediaTypeStyle,
): string {
  if (style === 'docker') {
    if (compression === 'zstd') return MEDIA_TYPES.dockerLayerZstd;
    if (compression === 'none') return MEDIA_TYPES.dockerLayerTar;
    return MEDIA_TYPES.dockerLayerGzip;
  }
  if (compression === 'zstd') return MEDIA_TYPES.ociLayerZstd;
  if (compression === 'none') return MEDIA_TYPES.ociLayer;
  return MEDIA_TYPES.ociLayerGzip;
}

/** Builds a layer: a real tar, compressed, with the uncompressed digest for `diff_ids`. */
export function buildLayer(
  spec: LayerSpec,
  style: MediaTypeStyle = 'oci',
): { blob: Blob; diffId: string } {
  const entries: TarEntry[] = [
    ...(spec.entries ?? []),
    ...Object.entries(spec.files ?? {}).map(([path, content]) => ({
      path,
      content,
    })),
  ];
  const tar = createTar(entries);
  const compression = spec.compression ?? 'gzip';
  const data = compress(tar, compression);
  return {
    blob: blobOf(data, spec.mediaType ?? layerMediaType(compression, style)),
    diffId: sha256(tar),
  };
}

/** Builds a runnable image: layers, a config whose diff_ids match them, and the manifest. */
export function buildImage(spec: ImageSpec): BuiltArtifact {
  const style = spec.style ?? 'oci';
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = spec.layers.map(l => buildLayer(l, style));
  const configJson = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    ...(platform['os.version'] ? { 'os.version': platform['os.version'] } : {}),
    created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], ...spec.config },
    rootfs: {
      type: 'layers',
      diff_ids: spec.diffIds ?? layers.map(l => l.diffId),
    },
    history: layers.map((_, i) => ({
      created: '2024-01-01T00:00:00Z',
      created_by: `layer ${i}`,
    })),
  };
  const config = blobOf(
    Buffer.from(JSON.stringify(configJson), 'utf8'),
    style === 'docker' ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig,
  );
  const manifest = manifestOf({
    schemaVersion: 2,
    mediaType:
      style === 'docker' ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest,
    config: descriptor(config),
    layers: layers.map(l => descriptor(l.blob)),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  });
  return {
    manifest,
    blobs: [config, ...layers.map(l => l.blob)],
    children: [],
  };
}

export function descriptor(
  blob: Blob,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    mediaType: blob.mediaType,
    digest: blob.digest,
    size: blob.size,
    ...extra,
  };
}

/**
 * A BuildKit-style provenance attestation for an image: an OCI manifest with an empty config
 * and an in-toto layer, listed in the index as platform unknown/unknown.
 */
export function buildAttestation(subject: BuiltArtifact): BuiltArtifact {
  const statement = blobOf(
    Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://slsa.dev/provenance/v0.2',
        subject: [
          {
            name: 'image',
            digest: { sha256: subject.manifest.digest.slice(7) },
          },
        ],
        predicate: { builder: { id: 'ecs-sandbox' } },
      }),
      'utf8',
    ),
    MEDIA_TYPES.inToto,
  );
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        architecture: 'unknown',
        os: 'unknown',
        config: {},
        rootfs: { type: 'layers', diff_ids: [statement.digest] },
      }),
      'utf8',
    ),
    MEDIA_TYPES.ociConfig,
  );
  const manifest = manifestOf({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: descriptor(config),
    layers: [
      descriptor(statement, {
        annotations: {
          'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2',
        },
      }),
    ],
  });
  return { manifest, blobs: [config, statement], children: [] };
}

/** An OCI artifact (signature, SBOM, chart…): `artifactType` and non-image config/layers. */
export function buildArtifact(spec: {
  artifactType: string;
  configMediaType?: string;
  layers: Array<{ mediaType: string; content: string | Buffer }>;
  subject?: BuiltArtifact;
}): BuiltArtifact {
  const config = blobOf(
    Buffer.from('{}', 'utf8'),
    spec.configMediaType ?? MEDIA_TYPES.ociEmpty,
  );
  const layers = spec.layers.map(l =>
    blobOf(
      Buffer.isBuffer(l.content) ? l.content : Buffer.from(l.content),
      l.mediaType,
    ),
  );
  const manifest = manifestOf({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: spec.artifactType,
    config: descriptor(config),
    layers: layers.map(l => descriptor(l)),
    ...(spec.subject ? { subject: descriptor(spec.subject.manifest) } : {}),
  });
  return { manifest, blobs: [config, ...layers], children: [] };
}

export interface IndexEntry {
  artifact: BuiltArtifact;
  /** Platform of an image entry; attestations get unknown/unknown. */
  platform?: PlatformSpec;
  annotations?: Record<string, string>;
}

/** An image index (OCI) or manifest list (Docker) over the given entries. */
export function buildIndex(
  entries: IndexEntry[],
  style: MediaTypeStyle = 'oci',
): BuiltArtifact {
  const manifest = manifestOf({
    schemaVersion: 2,
    mediaType:
      style === 'docker'
        ? MEDIA_TYPES.dockerManifestList
        : MEDIA_TYPES.ociIndex,
    manifests: entries.map(e =>
      descriptor(e.artifact.manifest, {
        ...(e.platform ? { platform: e.platform } : {}),
        ...(e.annotations ? { annotations: e.annotations } : {}),
      }),
    ),
  });
  return {
    manifest,
    blobs: entries.flatMap(e => e.artifact.blobs),
    children: entries.map(e => e.artifact),
  };
}

/** BuildKit's index entry for an image's attestation manifest (provenance / SBOM). */
function attestationEntry(image: BuiltArtifact): IndexEntry {
  return {
    artifact: buildAttestation(image),
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: {
      'vnd.docker.reference.digest': image.manifest.digest,
      'vnd.docker.reference.type': 'attestation-manifest',
    },
  };
}

/**
 * A multi-platform index as `docker buildx build --platform a,b --push` makes it: one image per
 * platform and, unless `provenance` is false, one attestation manifest per image.
 */
export function buildMultiPlatformIndex(
  images: Array<{ platform: PlatformSpec; image: BuiltArtifact }>,
  options: {
    provenance?: boolean;
    /** `oci` (default): an OCI image index; `docker`: a Docker manifest list. */
    style?: MediaTypeStyle;
  } = {},
): BuiltArtifact {
  const entries: IndexEntry[] = images.map(i => ({
    artifact: i.image,
    platform: i.platform,
  }));
  if (options.provenance !== false) {
    entries.push(...images.map(i => attestationEntry(i.image)));
  }
  return buildIndex(entries, options.style ?? 'oci');
}

/**
 * SOCI (Seekable OCI) wire constants, as awslabs/soci-snapshotter writes them
 * (`soci/soci_index.go`; docs/soci-index-manifest-v2.md).
 */
export const SOCI = {
  indexV1ArtifactType: 'application/vnd.amazon.soci.index.v1+json',
  indexV2ArtifactType: 'application/vnd.amazon.soci.index.v2+json',
  indexDigestAnnotation: 'com.amazon.soci.index-digest',
  imageManifestDigestAnnotation: 'com.amazon.soci.image-manifest-digest',
  layerDigestAnnotation: 'com.amazon.soci.image-layer-digest',
  layerMediaTypeAnnotation: 'com.amazon.soci.image-layer-mediatype',
} as const;

/** The same manifest with extra annotations (a new digest; the blobs are the same). */
export function withManifestAnnotations(
  artifact: BuiltArtifact,
  annotations: Record<string, string>,
): BuiltArtifact {
  const { json } = artifact.manifest;
  return {
    ...artifact,
    manifest: manifestOf({
      ...json,
      annotations: { ...(json.annotations ?? {}), ...annotations },
    }),
  };
}

/**
 * A SOCI index manifest for an image: an OCI image manifest whose config is the `{}` blob typed
 * with the SOCI artifact type and whose layers are zTOCs, one per image layer (fake content:
 * nothing here lazy-loads). v2 has no `subject` (the image index binds it to the image); v1
 * refers to the image manifest through `subject` (OCI referrers).
 */
export function buildSociIndex(
  image: BuiltArtifact,
  version: 'v1' | 'v2' = 'v2',
): BuiltArtifact {
  const artifactType =
    version === 'v1' ? SOCI.indexV1ArtifactType : SOCI.indexV2ArtifactType;
  const config = blobOf(Buffer.from('{}', 'utf8'), artifactType);
  const layers: Array<Record<string, unknown>> =
    image.manifest.json.layers ?? [];
  const ztocs = layers.map((layer, i) =>
    blobOf(
      Buffer.from(`ztoc ${i} of ${String(layer.digest)}\n`, 'utf8'),
      'application/octet-stream',
    ),
  );
  const manifest = manifestOf({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType,
    config: descriptor(config),
    layers: ztocs.map((z, i) =>
      descriptor(z, {
        annotations: {
          [SOCI.layerDigestAnnotation]: String(layers[i].digest),
          [SOCI.layerMediaTypeAnnotation]: String(layers[i].mediaType),
        },
      }),
    ),
    ...(version === 'v1' ? { subject: descriptor(image.manifest) } : {}),
  });
  return { manifest, blobs: [config, ...ztocs], children: [] };
}

/**
 * A SOCI-enabled image (SOCI index manifest v2), as `soci convert` writes it: an image index with,
 * per platform, the image manifest annotated `com.amazon.soci.index-digest` and its SOCI index
 * manifest (`artifactType` v2, annotated `com.amazon.soci.image-manifest-digest`, same platform).
 */
export function buildSociV2Index(
  images: Array<{ platform: PlatformSpec; image: BuiltArtifact }>,
  options: { provenance?: boolean } = {},
): BuiltArtifact {
  const entries: IndexEntry[] = [];
  const annotated = images.map(({ platform, image }) => {
    const soci = buildSociIndex(image, 'v2');
    const enabled = withManifestAnnotations(image, {
      [SOCI.indexDigestAnnotation]: soci.manifest.digest,
    });
    entries.push({ artifact: enabled, platform });
    entries.push({
      artifact: soci,
      platform,
      annotations: {
        [SOCI.imageManifestDigestAnnotation]: enabled.manifest.digest,
      },
    });
    return { platform, image: enabled };
  });
  if (options.provenance) {
    entries.push(...annotated.map(i => attestationEntry(i.image)));
  }
  const index = buildIndex(entries, 'oci');
  // The SOCI entries carry their artifactType in the index, as soci convert writes them.
  const json = {
    ...index.manifest.json,
    manifests: index.manifest.json.manifests.map(
      (m: Record<string, any>, i: number) =>
        entries[i].artifact.manifest.json.artifactType
          ? {
              ...m,
              artifactType: entries[i].artifact.manifest.json.artifactType,
            }
          : m,
    ),
  };
  return { ...index, manifest: manifestOf(json) };
}

/** A Docker schema 1 manifest (unsigned form), as very old registries stored them. */
export function buildSchema1(spec: {
  name: string;
  tag: string;
  architecture?: string;
  layers: LayerSpec[];
}): BuiltArtifact {
  const layers = spec.layers.map(l =>
    buildLayer({ ...l, compression: 'gzip' }, 'docker'),
  );
  const manifest = manifestOf({
    schemaVersion: 1,
    mediaType: MEDIA_TYPES.dockerManifestV1,
    name: spec.name,
    tag: spec.tag,
    architecture: spec.architecture ?? 'amd64',
    fsLayers: layers.map(l => ({ blobSum: l.blob.digest })).reverse(),
    history: layers.map((_, i) => ({
      v1Compatibility: JSON.stringify({ id: `layer${i}` }),
    })),
  });
  return { manifest, blobs: layers.map(l => l.blob), children: [] };
}

/** Every manifest and blob of an artifact, children first, each once. */
export function flatten(artifact: BuiltArtifact): {
  manifests: BuiltManifest[];
  blobs: Blob[];
} {
  const manifests: BuiltManifest[] = [];
  const blobs = new Map<string, Blob>();
  const visit = (a: BuiltArtifact) => {
    a.children.forEach(visit);
    if (!manifests.some(m => m.digest === a.manifest.digest))
      manifests.push(a.manifest);
    for (const b of a.blobs) blobs.set(b.digest, b);
  };
  visit(artifact);
  return { manifests, blobs: [...blobs.values()] };
}
