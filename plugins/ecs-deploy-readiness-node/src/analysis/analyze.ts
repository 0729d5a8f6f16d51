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
import { CheckContext, DocumentFacts, checkDocument, factsOf } from './checks';
import {
  ConfigDocument,
  RegistryDocument,
  parseDocument,
  parseJsonBytes,
  readConfigDocument,
  readDocument,
} from './documents';
import { sortFindings } from './findings';

/**
 * The result of analysing documents offline: the facts and the findings.
 *
 * @public
 */
export interface AnalysisReport extends DocumentFacts {
  findings: Finding[];
}

/**
 * Analyses a manifest, index, schema 1 manifest or config (and optionally the image config of a
 * manifest) without any network access.
 *
 * @public
 */
export function analyzeDocuments(input: {
  document: RegistryDocument;
  config?: ConfigDocument;
  platform?: Platform;
  launchType?: string;
}): AnalysisReport {
  const ctx: CheckContext = {
    platform: input.platform,
    launchType: input.launchType,
  };
  return {
    ...factsOf(input.document, input.config),
    findings: sortFindings(checkDocument(input.document, input.config, ctx)),
  };
}

/**
 * Parses and analyses the text of a manifest and, optionally, of its config. Fails (never throws)
 * when a text is not JSON or the config is not an image config.
 *
 * @public
 */
export function analyzeText(input: {
  manifest: string | Buffer;
  config?: string | Buffer;
  platform?: Platform;
  launchType?: string;
}): { ok: true; report: AnalysisReport } | { ok: false; error: string } {
  const manifest = parseDocument(input.manifest);
  if (!manifest.ok) return { ok: false, error: `manifest: ${manifest.error}` };
  let config: ConfigDocument | undefined;
  if (input.config !== undefined) {
    const parsed = parseJsonBytes(input.config);
    if (!parsed.ok) return { ok: false, error: `config: ${parsed.error}` };
    const kind = readDocument(parsed.value).kind;
    config = readConfigDocument(parsed.value);
    if (
      !config ||
      kind === 'index' ||
      kind === 'manifest' ||
      kind === 'schema1'
    ) {
      return {
        ok: false,
        error: `config: the document is ${
          config
            ? `a${kind === 'index' ? 'n' : ''} ${kind}`
            : 'not a JSON object'
        }, not an image config`,
      };
    }
  }
  return {
    ok: true,
    report: analyzeDocuments({
      document: manifest.document,
      config,
      platform: input.platform,
      launchType: input.launchType,
    }),
  };
}
