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
  Finding,
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  CheckContext,
  ConfigDocument,
  DocumentFacts,
  checkResolvedImage,
  factsOf,
  parseDocument,
  parseJsonBytes,
  readConfigDocument,
  readDocument,
  sortFindings,
} from '../analysis';
import { computeDigest, manifestDigest } from '../registry/digest';
import { DocumentSource, resolveImage } from './resolve';

/**
 * The result of analysing documents offline: the facts of the document given first (an index,
 * a manifest…), the facts of the platform's manifest when an index was walked to it, and the
 * findings.
 *
 * @public
 */
export interface AnalysisReport extends DocumentFacts {
  /** Facts of the manifest the platform's index entry leads to, when it was given. */
  platformManifest?: DocumentFacts;
  /** Every finding of the documents given, blocking first, then risks, then info. */
  findings: Finding[];
}

/**
 * What to analyse offline.
 *
 * @public
 */
export interface AnalyzeDocumentsInput {
  /** What the reference resolves to: a manifest, an index, a schema 1 manifest. */
  manifest: string | Buffer;
  /** The image config of the manifest (or of the platform's manifest, for an index). */
  config?: string | Buffer;
  /**
   * Further documents the first one refers to, found by their digest: the platform's manifest
   * of an index, nested indexes, the config. What is not given is not checked.
   */
  documents?: Array<string | Buffer>;
  /** The task's platform. Without it, platform checks are skipped and an index is not walked. */
  platform?: Platform;
  /** `FARGATE`, `EC2` or `EXTERNAL`, when known (zstd layers are a risk on EC2 and EXTERNAL). */
  launchType?: string;
}

/** A document the caller did not give: the walk stops there, without a finding. */
class NotGiven extends Error {}

function bytesOf(text: string | Buffer): Buffer {
  return typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
}

/**
 * Analyses a manifest or index, and the documents it leads to when given, without any network
 * access: the same resolution step and the same checks as the online inspection, over a source
 * made of the given documents, so the same documents give the same findings either way. Fails
 * (never throws) when a text is not JSON or the config is not an image config.
 *
 * @public
 */
export async function analyzeDocuments(
  input: AnalyzeDocumentsInput,
): Promise<
  { ok: true; report: AnalysisReport } | { ok: false; error: string }
> {
  const manifest = bytesOf(input.manifest);
  const top = parseDocument(manifest);
  if (!top.ok) return { ok: false, error: `manifest: ${top.error}` };
  let config: { bytes: Buffer; document: ConfigDocument } | undefined;
  if (input.config !== undefined) {
    const checked = readConfig(bytesOf(input.config));
    if (!checked.ok) return { ok: false, error: `config: ${checked.error}` };
    config = checked.value;
  }
  const byDigest = new Map<string, Buffer>();
  for (const [i, text] of (input.documents ?? []).entries()) {
    const bytes = bytesOf(text);
    if (!parseJsonBytes(bytes).ok) {
      return { ok: false, error: `document ${i + 1}: not valid JSON` };
    }
    byDigest.set(manifestDigest(bytes), bytes);
    byDigest.set(computeDigest(bytes), bytes);
  }

  const given = (digest: string) => {
    const bytes = byDigest.get(digest);
    if (!bytes) throw new NotGiven(digest);
    return bytes;
  };
  const source: DocumentSource = {
    top: async () => ({ digest: manifestDigest(manifest), bytes: manifest }),
    manifest: async digest => ({ digest, bytes: given(digest) }),
    // The config given with --config is the config of the manifest, whatever its digest.
    config: async digest =>
      byDigest.get(digest) ?? config?.bytes ?? given(digest),
  };
  const ctx: CheckContext = {
    platform: input.platform,
    launchType: input.launchType,
  };
  const resolution = await resolveImage({
    source,
    ctx,
    readFailure: () => undefined,
  });
  const findings = sortFindings([
    ...checkResolvedImage(resolution.image, ctx),
    ...resolution.findings,
  ]);
  const walked = resolution.image.manifest;
  const resolvedConfig = resolution.image.config ?? config?.document;
  const report: AnalysisReport = {
    ...factsOf(
      top.document,
      top.document.kind === 'manifest' ? resolvedConfig : undefined,
    ),
    ...(walked && resolution.image.indexes.length > 0
      ? { platformManifest: factsOf(walked.document, resolvedConfig) }
      : {}),
    findings,
  };
  return { ok: true, report };
}

/** An image config, checked: JSON, an object, and not a manifest or index. */
function readConfig(
  bytes: Buffer,
):
  | { ok: true; value: { bytes: Buffer; document: ConfigDocument } }
  | { ok: false; error: string } {
  const parsed = parseJsonBytes(bytes);
  if (!parsed.ok) return parsed;
  const kind = readDocument(parsed.value).kind;
  const document = readConfigDocument(parsed.value);
  if (
    !document ||
    kind === 'index' ||
    kind === 'manifest' ||
    kind === 'schema1'
  ) {
    return {
      ok: false,
      error: `the document is ${
        document
          ? `a${kind === 'index' ? 'n' : ''} ${kind}`
          : 'not a JSON object'
      }, not an image config`,
    };
  }
  return { ok: true, value: { bytes, document } };
}
