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

import { Blob, BuiltArtifact, BuiltManifest } from '../images';

/** ECR image status. */
export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';

/** One manifest a repository holds: an image, an index, or an index's child. */
export interface StoredImage {
  digest: string;
  manifest: BuiltManifest;
  tags: string[];
  pushedAt: Date;
  lastPulledAt?: Date;
  status: ImageStatus;
  /** ECR's lastArchivedAt, when the scenario says it. */
  archivedAt?: Date;
  /** ECR's imageSizeInBytes: sum of layer sizes; for an index, the largest child. */
  sizeInBytes: number;
  /** ECR's artifactMediaType: the artifactType, else the config media type. */
  artifactMediaType?: string;
  /** For a referrer: the manifest it refers to. */
  subjectDigest?: string;
  /** Set on an index's children: the index that brought them in. */
  parentDigest?: string;
}

export interface PushOptions {
  tags: string[];
  pushedAt: Date;
  lastPulledAt?: Date;
  status: ImageStatus;
  archivedAt?: Date;
  /** `config`, `layer:<n>` or a digest: blobs the registry does not have. */
  missingBlobs: string[];
}

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** True for a digest of a registered algorithm (sha256, sha512) in its canonical form. */
export function isDigest(reference: string): boolean {
  return DIGEST_RE.test(reference);
}

/**
 * The content of one repository, in ECR or another registry: manifests by digest, tags, blobs.
 * Both the registry API and ECR's API read from it, so they always agree.
 */
export class RepositoryContent {
  private readonly images = new Map<string, StoredImage>();
  private readonly tagIndex = new Map<string, string>();
  private readonly blobIndex = new Map<string, Blob>();

  /**
   * Stores an image, index or artifact with its children and blobs. Returns an error message
   * instead of storing when a tag is already taken.
   */
  push(artifact: BuiltArtifact, options: PushOptions): string | undefined {
    for (const tag of options.tags) {
      const owner = this.tagIndex.get(tag);
      if (owner && owner !== artifact.manifest.digest) {
        return `tag '${tag}' is already on ${owner}`;
      }
    }
    const missing = new Set<string>();
    for (const m of manifestsOf(artifact)) {
      for (const spec of options.missingBlobs) {
        const digest = blobSelector(m.json, spec);
        if (digest) missing.add(digest);
      }
    }
    this.store(artifact, options, missing, undefined);
    for (const tag of options.tags)
      this.tagIndex.set(tag, artifact.manifest.digest);
    return undefined;
  }

  private store(
    artifact: BuiltArtifact,
    options: PushOptions,
    missing: Set<string>,
    parentDigest: string | undefined,
  ): StoredImage {
    const children = artifact.children.map(c =>
      this.store(
        c,
        { ...options, tags: [] },
        missing,
        artifact.manifest.digest,
      ),
    );
    for (const blob of artifact.blobs) {
      if (!missing.has(blob.digest)) this.blobIndex.set(blob.digest, blob);
    }
    const json = artifact.manifest.json;
    const existing = this.images.get(artifact.manifest.digest);
    const layersSize = (json.layers ?? []).reduce(
      (sum: number, l: { size?: number }) => sum + (Number(l.size) || 0),
      0,
    );
    const record: StoredImage = {
      digest: artifact.manifest.digest,
      manifest: artifact.manifest,
      tags: [...new Set([...(existing?.tags ?? []), ...options.tags])],
      pushedAt: options.pushedAt,
      lastPulledAt: options.lastPulledAt,
      archivedAt: options.archivedAt,
      status: options.status,
      sizeInBytes: children.length
        ? Math.max(...children.map(c => c.sizeInBytes))
        : layersSize,
      artifactMediaType: json.artifactType ?? json.config?.mediaType,
      subjectDigest: json.subject?.digest,
      parentDigest: existing?.parentDigest ?? parentDigest,
    };
    this.images.set(record.digest, record);
    return record;
  }

  /** The manifest a tag or digest names, if the repository has it. */
  resolve(reference: string): StoredImage | undefined {
    if (isDigest(reference)) return this.images.get(reference);
    const digest = this.tagIndex.get(reference);
    return digest ? this.images.get(digest) : undefined;
  }

  blob(digest: string): Blob | undefined {
    return this.blobIndex.get(digest);
  }

  /** Every manifest, in push order. */
  list(): StoredImage[] {
    return [...this.images.values()];
  }

  tags(): string[] {
    return [...this.tagIndex.keys()].sort();
  }

  /** Manifests whose `subject` is the digest (OCI referrers). */
  referrers(digest: string): StoredImage[] {
    return this.list().filter(i => i.subjectDigest === digest);
  }
}

function manifestsOf(artifact: BuiltArtifact): BuiltManifest[] {
  return [artifact.manifest, ...artifact.children.flatMap(manifestsOf)];
}

function blobSelector(
  json: Record<string, any>,
  spec: string,
): string | undefined {
  if (spec === 'config') return json.config?.digest;
  const layer = /^layer:(\d+)$/.exec(spec);
  if (layer) return json.layers?.[Number(layer[1])]?.digest;
  return isDigest(spec) ? spec : undefined;
}
