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

import { ManifestDocument } from './documents';

/**
 * What a non-image manifest holds, as far as its media types tell.
 *
 * @public
 */
export type ArtifactKind =
  | 'attestation'
  | 'signature'
  | 'sbom'
  | 'helm-chart'
  | 'wasm'
  | 'other';

const RULES: Array<{ kind: ArtifactKind; pattern: RegExp }> = [
  { kind: 'signature', pattern: /cosign|sigstore|notary|signature/ },
  { kind: 'sbom', pattern: /spdx|cyclonedx|syft|sbom/ },
  { kind: 'attestation', pattern: /in-toto|slsa|provenance|attestation/ },
  { kind: 'helm-chart', pattern: /helm/ },
  { kind: 'wasm', pattern: /wasm/ },
];

const LABELS: Record<ArtifactKind, string> = {
  attestation: 'a build attestation (in-toto provenance or SBOM statement)',
  signature: 'a signature',
  sbom: 'an SBOM',
  'helm-chart': 'a Helm chart',
  wasm: 'a WebAssembly module',
  other: 'an OCI artifact',
};

/**
 * Guesses what an artifact is from its `artifactType`, config and layer media types. The
 * `artifactType` is the most specific signal, then the config, then the layers.
 *
 * @internal
 */
export function artifactKindOf(manifest: ManifestDocument): ArtifactKind {
  const signals = [
    manifest.artifactType,
    manifest.config?.mediaType,
    ...manifest.layers.map(l => l.mediaType),
    ...Object.keys(manifest.annotations ?? {}),
    ...manifest.layers.flatMap(l => Object.keys(l.annotations ?? {})),
  ].filter((s): s is string => typeof s === 'string');
  for (const signal of signals) {
    const rule = RULES.find(r => r.pattern.test(signal));
    if (rule) return rule.kind;
  }
  return 'other';
}

/** A noun phrase for titles: "a signature", "a Helm chart". @internal */
export function artifactLabel(kind: ArtifactKind): string {
  return LABELS[kind];
}
