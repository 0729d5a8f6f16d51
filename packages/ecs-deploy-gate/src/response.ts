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
  fixFor,
  type GateFinding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { TaskDefinitionInspection } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';

/**
 * The answer of a Lambda lifecycle hook (ECS Developer Guide, "Lambda hooks for Amazon ECS
 * service deployments"): `SUCCEEDED` continues, `FAILED` rolls back, `IN_PROGRESS` asks ECS to
 * invoke the hook again after `callBackDelay` seconds (default 30), passing `hookDetails` back.
 *
 * @public
 */
export interface HookResponse {
  /** `SUCCEEDED` continues, `FAILED` rolls back, `IN_PROGRESS` asks to be called again. */
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  /** Seconds before ECS calls an `IN_PROGRESS` hook again. */
  callBackDelay?: number;
  /** The decision, its cause and fix; for `IN_PROGRESS`, the state passed back. */
  hookDetails?: Record<string, unknown>;
}

/**
 * Why the gate answered as it did, in `hookDetails.decision`, in the log line and in the report:
 * `ready` (no blocking finding), `blocked` (a blocking finding), `unverifiable-allowed` /
 * `unverifiable-denied` (the images could not be verified; the policy decided), `checking`
 * (out of time: `IN_PROGRESS`), `invalid-payload`, `misconfigured`, `not-gated` (a stage
 * other than `PRE_SCALE_UP`).
 *
 * @public
 */
export type GateDecision =
  | 'ready'
  | 'blocked'
  | 'unverifiable-allowed'
  | 'unverifiable-denied'
  | 'checking'
  | 'invalid-payload'
  | 'misconfigured'
  | 'not-gated';

/**
 * One finding as the answer names it: what, where, and what to do. The same shape as the
 * backend's `GateFinding`, which the gate's report carries.
 *
 * @public
 */
export type NamedFinding = GateFinding;

/** Most findings an answer lists (hookDetails stays small). */
const MAX_LISTED = 5;

/** Steps of the fix catalogue that look before they fix. */
const DIAGNOSTIC_STEP =
  /^(Look|Check|Confirm|List|Outside|Show|See|Find|Inspect)\b/;

/**
 * The fix of a finding in one line: the first step of the fix catalogue's entry that changes
 * something (the steps before it only look), else the entry's title.
 */
export function fixLine(finding: Finding): string {
  const fix = fixFor(finding.fixKey, finding.fixVars);
  const step = fix.steps.find(s => !DIAGNOSTIC_STEP.test(s.text));
  return step ? step.text.replace(/:$/, '.') : fix.title;
}

export function nameFinding(finding: Finding): NamedFinding {
  return {
    check: finding.id,
    severity: finding.severity,
    ...(finding.container && { container: finding.container }),
    ...(finding.image && { image: finding.image }),
    title: finding.title,
    fix: fixLine(finding),
  };
}

/** `container web: <title>`. */
export function causeLine(finding: Finding): string {
  return finding.container
    ? `container ${finding.container}: ${finding.title}`
    : finding.title;
}

/** The findings of an inspection by severity, blocking first (the engine's order). */
export function findingsOf(
  inspection: TaskDefinitionInspection,
  severity: Finding['severity'],
): Finding[] {
  return inspection.findings.filter(f => f.severity === severity);
}

/** The first `MAX_LISTED` findings, named. */
export function listed(findings: Finding[]): NamedFinding[] {
  return findings.slice(0, MAX_LISTED).map(nameFinding);
}

/**
 * Whether an unverifiable inspection ran out of time (the inspection deadline, or a registry
 * that did not answer in time), rather than being refused or failing.
 */
export function ranOutOfTime(findings: Finding[]): boolean {
  return findings.some(f => {
    if (f.id !== 'unverifiable') return false;
    const evidence = f.evidence as { stage?: unknown; errorKind?: unknown };
    return evidence.stage === 'deadline' || evidence.errorKind === 'timeout';
  });
}
