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

/** The blobs of one manifest whose existence the resolution asks. */
export interface BlobsQuestion {
  /** The manifest the blobs belong to. */
  manifestDigest: string;
  /** The blobs to check (distinct). */
  digests: string[];
  /** `digests` are every blob the manifest needs (its config was read, and is among them). */
  complete: boolean;
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
  /** The image config blob by digest. A read that fails because it is missing is the finding. */
  config(digest: string, signal?: AbortSignal): Promise<Buffer | string>;
  /**
   * Which blobs of the manifest the repository holds; absent when the source cannot tell
   * (offline). A digest the answer leaves out is not known either way.
   */
  blobsExist?(
    question: BlobsQuestion,
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
 * source can tell. The config is read before the blobs are checked, and counts as checked when
 * it was read (a registry is never asked both for a blob and whether it has it). Returns the documents it read and the findings of what it could not read;
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
  const blobs = async (digests: string[], complete: boolean) => {
    const unique = [...new Set(digests.filter(d => d))];
    if (unique.length === 0 || !source.blobsExist || !digest) return;
    const present = await attempt(() =>
      source.blobsExist!(
        { manifestDigest: digest, digests: unique, complete },
        signal,
      ),
    );
    if (!present.ok) {
      fail(present.error, 'blobs');
      return;
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
  };

  if (document.kind === 'schema1') {
    await blobs(document.layerDigests, true);
    return result;
  }
  if (document.kind !== 'manifest' || !factsOf(document).isImage) {
    return result;
  }
  const configDigest = document.config?.digest;
  const configRead = configDigest ? await readConfig(configDigest) : false;
  const layers = layersOf(document);
  await blobs(
    configRead ? [configDigest!, ...layers] : layers,
    configRead || !configDigest,
  );
  return result;

  /** Reads the config: true when it was read (whatever it holds), else its finding is made. */
  async function readConfig(digestOfConfig: string): Promise<boolean> {
    const bytes = await attempt(() => source.config(digestOfConfig, signal));
    if (!bytes.ok) {
      fail(bytes.error, 'config', digestOfConfig);
      return false;
    }
    checkConfig(digestOfConfig, bytes.value);
    return true;
  }

  function checkConfig(digestOfConfig: string, value: Buffer | string): void {
    const json = parseJsonBytes(value);
    const config = json.ok ? readConfigDocument(json.value) : undefined;
    if (config) {
      result.image.config = config;
    } else {
      result.findings.push(
        createFinding('malformed-config', {
          title: `The image config ${shortDigest(
            digestOfConfig,
          )} is not a JSON object: runtimes cannot read it`,
          evidence: {
            configDigest: digestOfConfig,
            reason: json.ok ? 'not an object' : json.error,
          },
          vars: ctx.vars,
        }),
      );
    }
  }
}

/** The layers the registry must serve for a manifest: every distributable one. */
function layersOf(manifest: ManifestDocument): string[] {
  return manifest.layers
    .filter(l => !classifyLayer(l.mediaType).foreign && !l.urls?.length)
    .map(l => l.digest)
    .filter((d): d is string => typeof d === 'string');
}
