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
import { digestProblem } from '../reference/digest';
import { asNumber, asRecord, asString, asStringMap, parseJson } from './json';

/**
 * What a registry document is, inferred from its media type or, when it has none, its structure.
 *
 * @public
 */
export type DocumentKind =
  | 'index'
  | 'manifest'
  | 'schema1'
  | 'config'
  | 'unknown';

/**
 * A content descriptor (OCI image-spec `descriptor.md`), read defensively.
 *
 * @internal
 */
export interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: Partial<Platform>;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
  /**
   * What makes the descriptor malformed, as read: a missing or malformed `digest`, a `size` that
   * is missing or not a non-negative integer, a missing `mediaType` (all three are REQUIRED by
   * OCI image-spec `descriptor.md`). Absent when the descriptor is well formed.
   */
  problems?: string[];
}

/** @internal */
export interface IndexDocument {
  kind: 'index';
  mediaType?: string;
  manifests: Descriptor[];
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** @internal */
export interface ManifestDocument {
  kind: 'manifest';
  mediaType?: string;
  config?: Descriptor;
  layers: Descriptor[];
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** A Docker image manifest schema 1 (deprecated; `fsLayers` instead of `layers`). @internal */
export interface Schema1Document {
  kind: 'schema1';
  mediaType?: string;
  name?: string;
  tag?: string;
  architecture?: string;
  /** `fsLayers[].blobSum`, in the document's order (newest first). */
  layerDigests: string[];
}

/** An image configuration (OCI `config.md`, Docker image JSON). @internal */
export interface ConfigDocument {
  kind: 'config';
  mediaType?: string;
  platform: Partial<Platform>;
  /** `rootfs.diff_ids`; undefined when the config has none. */
  diffIds?: string[];
}

/** @internal */
export interface UnknownDocument {
  kind: 'unknown';
  mediaType?: string;
  /** Why it is not recognised. */
  reason: string;
}

/**
 * A registry document, parsed.
 *
 * @internal
 */
export type RegistryDocument =
  | IndexDocument
  | ManifestDocument
  | Schema1Document
  | ConfigDocument
  | UnknownDocument;

const INDEX_TYPES = new Set<string>([
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
]);
const MANIFEST_TYPES = new Set<string>([
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
  // The short-lived OCI artifact manifest (image-spec 1.1 release candidates): `blobs`, no config.
  'application/vnd.oci.artifact.manifest.v1+json',
]);
const SCHEMA1_TYPES = new Set<string>([
  MEDIA_TYPES.dockerManifestV1,
  MEDIA_TYPES.dockerManifestV1Signed,
]);

/**
 * Config media types a container runtime accepts as an image configuration.
 *
 * @internal
 */
export const IMAGE_CONFIG_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPES.ociConfig,
  MEDIA_TYPES.dockerConfig,
];

/** Lower-cases a media type and drops parameters such as `; charset=utf-8`. */
export function normalizeMediaType(value: unknown): string | undefined {
  const text = asString(value);
  if (!text) return undefined;
  const bare = text.split(';')[0].trim().toLowerCase();
  return bare.length > 0 ? bare : undefined;
}

/** Content types that say nothing about which kind of document a manifest is. */
const GENERIC_CONTENT_TYPES = new Set([
  'application/json',
  'text/plain',
  'application/octet-stream',
]);

/**
 * The media type of a manifest or index: its own `mediaType` field when it has one, else the
 * type the registry declared (Content-Type, ECR's `imageManifestMediaType`) unless that is a
 * generic type such as `application/json`. The one rule for it: fetched manifests
 * (`FetchedManifest.mediaType`) and parsed documents (`RegistryDocument.mediaType`, and so the
 * facts the checks print) both use it, so they cannot disagree.
 *
 * @internal
 */
export function effectiveMediaType(
  own: unknown,
  declared: unknown,
): string | undefined {
  const fromDocument = normalizeMediaType(own);
  if (fromDocument) return fromDocument;
  const fromRegistry = normalizeMediaType(declared);
  return fromRegistry && !GENERIC_CONTENT_TYPES.has(fromRegistry)
    ? fromRegistry
    : undefined;
}

/** True for the media types of an OCI image index or a Docker manifest list. */
export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_TYPES.has(mediaType);
}

/** True for the media types of an image manifest (OCI, Docker v2) or a schema 1 manifest. */
export function isManifestMediaType(mediaType: string | undefined): boolean {
  return (
    mediaType !== undefined &&
    (MANIFEST_TYPES.has(mediaType) || SCHEMA1_TYPES.has(mediaType))
  );
}

function readPlatform(value: unknown): Partial<Platform> | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const platform: Partial<Platform> = {};
  const os = asString(record.os);
  const architecture = asString(record.architecture);
  const variant = asString(record.variant);
  const osVersion = asString(record['os.version']);
  if (os) platform.os = os;
  if (architecture) platform.architecture = architecture;
  if (variant) platform.variant = variant;
  if (osVersion) platform['os.version'] = osVersion;
  return platform;
}

/**
 * What is wrong with a descriptor's required fields (OCI image-spec `descriptor.md`: `mediaType`,
 * `digest` and `size` are REQUIRED; `size` is an int64 byte count). Empty when nothing is.
 */
function descriptorProblems(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof record.mediaType !== 'string' || record.mediaType.trim() === '') {
    problems.push('it has no mediaType');
  }
  if (record.digest === undefined || record.digest === null) {
    problems.push('it has no digest');
  } else if (typeof record.digest !== 'string') {
    problems.push('its digest is not a string');
  } else {
    const problem = digestProblem(record.digest);
    if (problem) problems.push(problem);
  }
  const size = record.size;
  if (size === undefined || size === null) {
    problems.push('it has no size');
  } else if (
    typeof size !== 'number' ||
    !Number.isSafeInteger(size) ||
    size < 0
  ) {
    problems.push(
      `its size ${JSON.stringify(size)} is not a non-negative integer`,
    );
  }
  return problems;
}

/** Reads one descriptor; undefined when the value is not an object. */
export function readDescriptor(value: unknown): Descriptor | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const descriptor: Descriptor = {};
  const problems = descriptorProblems(record);
  if (problems.length > 0) descriptor.problems = problems;
  const mediaType = normalizeMediaType(record.mediaType);
  const digest = asString(record.digest);
  const size = asNumber(record.size);
  const platform = readPlatform(record.platform);
  const annotations = asStringMap(record.annotations);
  const artifactType = normalizeMediaType(record.artifactType);
  if (mediaType) descriptor.mediaType = mediaType;
  if (digest) descriptor.digest = digest;
  if (size !== undefined) descriptor.size = size;
  if (platform) descriptor.platform = platform;
  if (annotations) descriptor.annotations = annotations;
  if (artifactType) descriptor.artifactType = artifactType;
  if (Array.isArray(record.urls)) {
    descriptor.urls = record.urls.filter(
      (u): u is string => typeof u === 'string',
    );
  }
  return descriptor;
}

function readDescriptors(value: unknown): Descriptor[] {
  if (!Array.isArray(value)) return [];
  return value.map(
    v => readDescriptor(v) ?? { problems: ['it is not a JSON object'] },
  );
}

function kindFromMediaType(
  mediaType: string | undefined,
): DocumentKind | undefined {
  if (!mediaType) return undefined;
  if (INDEX_TYPES.has(mediaType)) return 'index';
  if (MANIFEST_TYPES.has(mediaType)) return 'manifest';
  if (SCHEMA1_TYPES.has(mediaType)) return 'schema1';
  if (IMAGE_CONFIG_MEDIA_TYPES.includes(mediaType)) return 'config';
  return undefined;
}

function kindFromStructure(doc: Record<string, unknown>): DocumentKind {
  if (doc.schemaVersion === 1 || Array.isArray(doc.fsLayers)) return 'schema1';
  if (Array.isArray(doc.manifests)) return 'index';
  if (
    Array.isArray(doc.layers) ||
    Array.isArray(doc.blobs) ||
    asRecord(doc.config)?.digest !== undefined
  ) {
    return 'manifest';
  }
  if (
    asRecord(doc.rootfs) ||
    (typeof doc.architecture === 'string' && typeof doc.os === 'string')
  ) {
    return 'config';
  }
  return 'unknown';
}

/**
 * Interprets a parsed JSON value as a registry document. The document's own `mediaType` wins,
 * then the media type the registry declared (see {@link effectiveMediaType}), then the structure (`manifests` → index,
 * `layers`/`config` → manifest, `schemaVersion: 1`/`fsLayers` → schema 1, `rootfs`/`architecture`
 * → config). Never throws.
 *
 * @internal
 */
export function readDocument(
  value: unknown,
  declaredMediaType?: string,
): RegistryDocument {
  const doc = asRecord(value);
  if (!doc) {
    return {
      kind: 'unknown',
      mediaType: normalizeMediaType(declaredMediaType),
      reason: 'the document is not a JSON object',
    };
  }
  const ownMediaType = normalizeMediaType(doc.mediaType);
  const declared = normalizeMediaType(declaredMediaType);
  const mediaType = effectiveMediaType(ownMediaType, declared);
  const kind =
    kindFromMediaType(ownMediaType) ??
    (doc.schemaVersion === 1 ? 'schema1' : undefined) ??
    kindFromMediaType(declared) ??
    kindFromStructure(doc);

  switch (kind) {
    case 'index':
      return {
        kind,
        mediaType,
        manifests: readDescriptors(doc.manifests),
        artifactType: normalizeMediaType(doc.artifactType),
        subject: readDescriptor(doc.subject),
        annotations: asStringMap(doc.annotations),
      };
    case 'manifest':
      return {
        kind,
        mediaType,
        config: readDescriptor(doc.config),
        layers: readDescriptors(
          Array.isArray(doc.layers) ? doc.layers : doc.blobs,
        ),
        artifactType: normalizeMediaType(doc.artifactType),
        subject: readDescriptor(doc.subject),
        annotations: asStringMap(doc.annotations),
      };
    case 'schema1':
      return {
        kind,
        mediaType,
        name: asString(doc.name),
        tag: asString(doc.tag),
        architecture: asString(doc.architecture),
        layerDigests: Array.isArray(doc.fsLayers)
          ? doc.fsLayers.map(l => asString(asRecord(l)?.blobSum) ?? '')
          : [],
      };
    case 'config':
      return { ...readConfigDocument(doc)!, mediaType };
    default:
      return {
        kind: 'unknown',
        mediaType,
        reason: mediaType
          ? `media type ${mediaType} is not an image manifest, index or config`
          : 'the document has no media type and no manifest, index or config structure',
      };
  }
}

/**
 * Reads a JSON object as an image config, whatever else it looks like (an artifact's `{}` config
 * is a config without platform or diff_ids). Undefined when the value is not an object.
 *
 * @internal
 */
export function readConfigDocument(value: unknown): ConfigDocument | undefined {
  const doc = asRecord(value);
  if (!doc) return undefined;
  const rootfs = asRecord(doc.rootfs);
  return {
    kind: 'config',
    mediaType: normalizeMediaType(doc.mediaType),
    platform: readPlatform(doc) ?? {},
    diffIds: Array.isArray(rootfs?.diff_ids)
      ? rootfs.diff_ids.filter((d): d is string => typeof d === 'string')
      : undefined,
  };
}

/**
 * Parses the bytes of a registry document. Fails only when the bytes are not JSON.
 *
 * @internal
 */
export function parseDocument(
  bytes: Buffer | string,
  declaredMediaType?: string,
): { ok: true; document: RegistryDocument } | { ok: false; error: string } {
  const parsed = parseJsonBytes(bytes);
  if (!parsed.ok) return parsed;
  return { ok: true, document: readDocument(parsed.value, declaredMediaType) };
}

/**
 * Parses JSON text or bytes (UTF-8, with or without a byte order mark) without throwing.
 *
 * @internal
 */
export function parseJsonBytes(
  bytes: Buffer | string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const parsed = parseJson(text.replace(/^\uFEFF/, ''));
  return parsed.ok
    ? parsed
    : { ok: false, error: `not valid JSON: ${parsed.error}` };
}
