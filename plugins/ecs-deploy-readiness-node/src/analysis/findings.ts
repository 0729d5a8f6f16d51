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
  CheckId,
  DEFAULT_CHECK_SEVERITY,
  Finding,
  FixKey,
  FixVars,
  Severity,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

/**
 * The severity each check reports unless the evidence calls for another one: the catalogue's
 * {@link DEFAULT_CHECK_SEVERITY}.
 *
 * @internal
 */
export const DEFAULT_SEVERITY = DEFAULT_CHECK_SEVERITY;

/** What a check knows when it creates a finding. @internal */
export interface FindingInput {
  title: string;
  /** Plain JSON after serialisation: Dates become ISO strings, undefined fields are dropped. */
  evidence: Record<string, unknown>;
  /** Fix variables: the reference's, enriched with what the evidence adds. */
  vars?: FixVars;
  severity?: Severity;
  /** The catalogue entry of the fix, when narrower than the check's own. Default: the id. */
  fixKey?: FixKey;
}

/**
 * Builds a finding. The one place findings are made, so every check has the same shape. A
 * finding is plain JSON and carries its fix as `fixKey` and `fixVars`, not as text: whoever
 * shows it renders the fix with `fixFor`, so a stored finding reads with the current catalogue.
 *
 * @internal
 */
export function createFinding(id: CheckId, input: FindingInput): Finding {
  return {
    id,
    severity: input.severity ?? DEFAULT_SEVERITY[id],
    title: input.title,
    evidence: JSON.parse(JSON.stringify(input.evidence)),
    fixKey: input.fixKey ?? id,
    fixVars: JSON.parse(JSON.stringify(input.vars ?? {})),
  };
}

/**
 * A digest short enough for a title: `sha256:` and 12 hex digits, then an ellipsis.
 *
 * @internal
 */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

/**
 * The overall state of an image or a task definition.
 *
 * @public
 */
export type ReadinessStatus = 'ready' | 'blocked' | 'at-risk' | 'unverifiable';

/**
 * `blocked` if any finding is blocking; otherwise `unverifiable` if the auditor could not read
 * something; otherwise `at-risk` if any finding is a risk; otherwise `ready`.
 *
 * @internal
 */
export function statusOf(findings: readonly Finding[]): ReadinessStatus {
  if (findings.some(f => f.severity === 'blocking')) return 'blocked';
  if (findings.some(f => f.id === 'unverifiable')) return 'unverifiable';
  if (findings.some(f => f.severity === 'risk')) return 'at-risk';
  return 'ready';
}

const SEVERITY_RANK: Record<Severity, number> = {
  blocking: 0,
  risk: 1,
  info: 2,
};

/** Blocking first, then risks, then info; stable within a severity. @internal */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
}
