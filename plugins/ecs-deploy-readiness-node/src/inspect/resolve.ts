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

import { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  CheckContext,
  ManifestDocument,
  ResolvedDocument,
  ResolvedImage,
  checkUnknown,
  classifyLayer,
  createFinding,
  factsOf,
  parseDocument,
  parseJsonBytes,
  readConfigDocument,
  selectPlatformEntry,
  shortDigest,
} from '../analysis';
import { attempt } from './cancel';

/** Nested indexes deeper than this are not followed. */
const MAX_INDEX_DEPTH = 3;

/**
 * A document as a source gives it: its bytes, its digest when known, and the media type it was
 * served with.
 */
export interface SourceDocument {
  digest?: string;
  mediaType?: string;
  bytes: Buffer | string;
}

/**
 * Where the resolution reads an image's documents: a registry (online), or the documents a user
 * gave (offline). Every method may throw; the resolution turns failures into findings through
 * `readFailure`.
 */
export interface DocumentSource {
  /** The document the reference resolves to (by tag, or by a digest the registry still holds). */
  top(signal?: AbortSignal): Promise<SourceDocument>;
  /** A manifest or index by digest: the entry an index selects for the platform. */
  manifest(digest: string, signal?: AbortSignal): Promise<SourceDocument>;
  /** The image config blob by digest. */
  config(digest: string, signal?: AbortSignal): Promise<Buffer | string>;
  /** Which blobs the repository holds; absent when the source cannot tell (offline). */
  blobsExist?(
    digests: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, boolean>>;
}

/** Which read failed. */
export type ReadStage = 'manifest' | 'platform-manifest' | 'config' | 'blobs';

/** What the resolution found, for one reference and platform. */
export interface Resolution {
  image: ResolvedImage;
  /** The document the reference itself resolves to. */
  top?: ResolvedDocument;
  /** Digest of that document (an index or a manifest). */
  resolvedDigest?: string;
  /** Digest of the manifest the runtime pulls for the platform. */
  platformManifestDigest?: string;
  /** The reference resolved: the registry had the tag or digest. */
  resolved: boolean;
  /** Findings about what could not be read or walked (the checks of what was read come apart). */
  findings: Finding[];
}

export interface ResolveOptions {
  source: DocumentSource;
  /** The platform to walk to (without one, an index is not walked) and the fix variables. */
  ctx: CheckContext;
  /**
   * The finding for a read that failed, or undefined to stop without one (a document the
   * offline caller did not give). Never called for a canceled read.
   */
  readFailure(
    error: unknown,
    stage: ReadStage,
    digest?: string,
  ): Finding | undefined;
  signal?: AbortSignal;
}

/**
 * The one resolution step of the engine: reads what the reference resolves to, walks index →
 * platform manifest → config as a runtime would, and checks that the blobs exist where the
 * source can tell. Returns the documents it read and the findings of what it could not read;
 * `checkResolvedImage` then checks the documents. The online inspection and the offline analysis
 * both use it, with different sources. Rejects only when canceled.
 */
export async function resolveImage(
  options: ResolveOptions,
): Promise<Resolution> {
  const { source, ctx, signal } = options;
  const result: Resolution = {
    image: { indexes: [] },
    resolved: false,
    findings: [],
  };
  // Reads go through `attempt`, which lets a canceled read propagate: `fail` only sees failures.
  const fail = (error: unknown, stage: ReadStage, digest?: string) => {
    const finding = options.readFailure(error, stage, digest);
    if (finding) result.findings.push(finding);
    return result;
  };

  const top = await attempt(() => source.top(signal));
  if (!top.ok) return fail(top.error, 'manifest');
  result.resolved = true;
  result.resolvedDigest = top.value.digest;

  let fetched = top.value;
  for (let depth = 0; ; depth++) {
    const docCtx = { ...ctx, digest: fetched.digest };
    const parsed = parseDocument(fetched.bytes, fetched.mediaType);
    if (!parsed.ok) {
      result.findings.push(
        ...checkUnknown(
          {
            mediaType: fetched.mediaType,
            reason: `the manifest is ${parsed.error}`,
          },
          docCtx,
        ),
      );
      return result;
    }
    const resolved = { digest: fetched.digest, document: parsed.document };
    result.top ??= resolved;
    if (parsed.document.kind !== 'index') {
      result.image.manifest = resolved;
      result.platformManifestDigest = fetched.digest;
      break;
    }
    result.image.indexes.push({ ...resolved, document: parsed.document });
    // Without a platform there is nothing to walk to; without a matching entry the index check
    // reports the missing platform.
    const selection = ctx.platform
      ? selectPlatformEntry(parsed.document.manifests, ctx.platform)
      : undefined;
    if (!selection) return result;
    const entry = selection.entry;
    if (!entry.digest || depth + 1 >= MAX_INDEX_DEPTH) {
      result.findings.push(
        ...checkUnknown(
          {
            mediaType: entry.mediaType,
            reason: entry.digest
              ? `indexes are nested more than ${MAX_INDEX_DEPTH} deep`
              : 'the index entry for the platform has no digest',
          },
          docCtx,
        ),
      );
      return result;
    }
    const child = await attempt(() => source.manifest(entry.digest!, signal));
    if (!child.ok) return fail(child.error, 'platform-manifest', entry.digest);
    fetched = {
      ...child.value,
      digest: child.value.digest ?? entry.digest,
      mediaType: child.value.mediaType ?? entry.mediaType,
    };
  }

  const { document, digest } = result.image.manifest;
  const blobs = async (digests: string[]) => {
    const unique = [...new Set(digests.filter(d => d))];
    if (unique.length === 0 || !source.blobsExist) return new Map();
    const present = await attempt(() => source.blobsExist!(unique, signal));
    if (!present.ok) {
      fail(present.error, 'blobs');
      return new Map<string, boolean>();
    }
    const missing = unique.filter(d => present.value.get(d) === false);
    if (missing.length > 0) {
      const { registry, repository } = ctx.vars ?? {};
      const where =
        registry && repository ? `${registry}/${repository}` : 'the registry';
      result.findings.push(
        createFinding('missing-blob', {
          title: `${missing.length} of ${unique.length} blobs of the image are missing from ${where}: the pull fails with "blob unknown"`,
          evidence: { digest, missing, checked: unique.length },
          vars: ctx.vars,
        }),
      );
    }
    return present.value;
  };

  if (document.kind === 'schema1') {
    await blobs(document.layerDigests);
    return result;
  }
  if (document.kind !== 'manifest' || !factsOf(document).isImage) {
    return result;
  }
  const present = await blobs(blobsOf(document));
  const configDigest = document.config?.digest;
  if (!configDigest || present.get(configDigest) === false) return result;
  const bytes = await attempt(() => source.config(configDigest, signal));
  if (!bytes.ok) return fail(bytes.error, 'config', configDigest);
  const json = parseJsonBytes(bytes.value);
  const config = json.ok ? readConfigDocument(json.value) : undefined;
  if (config) {
    result.image.config = config;
  } else {
    result.findings.push(
      createFinding('not-an-image', {
        title: `The image config ${shortDigest(
          configDigest,
        )} is not a JSON object: runtimes cannot read it`,
        evidence: {
          configDigest,
          reason: json.ok ? 'not an object' : json.error,
        },
        vars: ctx.vars,
      }),
    );
  }
  return result;
}

/** The blobs the registry must serve for a manifest: the config and every distributable layer. */
function blobsOf(manifest: ManifestDocument): string[] {
  const layers = manifest.layers.filter(
    l => !classifyLayer(l.mediaType).foreign && !l.urls?.length,
  );
  return [manifest.config?.digest, ...layers.map(l => l.digest)].filter(
    (d): d is string => typeof d === 'string',
  );
}
