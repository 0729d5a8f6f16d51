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

import type {
  ClassificationConfidence,
  ClassifiedPullError,
} from '../classify/types';
import type {
  CheckId,
  Finding,
  FixKey,
  FixVars,
  PullErrorCategory,
  Severity,
} from '../types';
import { checksConfirming } from '../fixes';

/**
 * A finding of the audit that decided a pull error's cause.
 *
 * @public
 */
export interface PullErrorEvidence {
  /** The check that found it. */
  checkId: CheckId;
  /** The finding's severity. */
  severity: Severity;
  /** The finding's title: what the audit saw. */
  title: string;
  /** The image the finding is about. */
  image?: string;
  /** The container the finding is about. */
  container?: string;
}

/**
 * A pull error's cause, decided by the audit's evidence where the message alone allows several.
 *
 * @public
 */
export interface PullErrorDiagnosis {
  /** The cause. */
  category: PullErrorCategory;
  /** The catalogue entry of its fix: the deciding finding's when evidence decided. */
  fixKey: FixKey;
  /** What the fix is tailored with. */
  fixVars: FixVars;
  /** `high` when evidence decided; the classifier's confidence otherwise. */
  confidence: ClassificationConfidence;
  /**
   * `evidence` when a finding of the audit about the same service (and container) confirms one
   * of the message's candidate causes; `message` when no finding does and the text decides alone.
   */
  decidedBy: 'evidence' | 'message';
  /** The findings that decided it; empty when the message did. */
  evidence: PullErrorEvidence[];
  /** What the text alone pointed at first, when the evidence chose another candidate. */
  messageCategory?: PullErrorCategory;
  /** The message alone allowed several causes. */
  ambiguousMessage: boolean;
}

/**
 * Decides a pull error's cause with what the audit knew of its service when the task stopped:
 * the first of the classifier's ranked candidates that one of the service's findings confirms
 * (a missing repository, tag or digest, an attestation manifest, an index without the platform,
 * mixed layer compression, a private registry without `repositoryCredentials`...) is the cause,
 * with the finding as its evidence and the finding's own fix (tailored with the image and the
 * platform). With no confirming finding the classifier's answer stands.
 *
 * Findings about another container of the task are not evidence about this one.
 *
 * @public
 */
export function diagnosePullError(
  classified: Pick<
    ClassifiedPullError,
    'category' | 'fixKey' | 'fixVars' | 'confidence'
  > &
    Partial<Pick<ClassifiedPullError, 'candidates' | 'ambiguous'>>,
  findings: ReadonlyArray<
    Pick<Finding, 'id' | 'severity' | 'title' | 'fixKey' | 'fixVars'> &
      Partial<Pick<Finding, 'image' | 'container'>>
  >,
  options: { container?: string } = {},
): PullErrorDiagnosis {
  const relevant = findings.filter(
    f =>
      !options.container || !f.container || f.container === options.container,
  );
  const candidates = classified.candidates?.length
    ? classified.candidates
    : [
        {
          category: classified.category,
          fixKey: classified.fixKey,
        },
      ];
  for (const candidate of candidates) {
    const checks = checksConfirming(candidate);
    const deciding = relevant
      .filter(f => checks.includes(f.id))
      .sort(
        (a, b) =>
          severityRank(a.severity) - severityRank(b.severity) ||
          a.id.localeCompare(b.id, 'en'),
      );
    if (deciding.length === 0) continue;
    const [first] = deciding;
    return {
      category: candidate.category,
      fixKey: first.fixKey,
      fixVars: { ...classified.fixVars, ...first.fixVars },
      confidence: 'high',
      decidedBy: 'evidence',
      evidence: deciding.map(f => ({
        checkId: f.id,
        severity: f.severity,
        title: f.title,
        ...(f.image && { image: f.image }),
        ...(f.container && { container: f.container }),
      })),
      ...(candidate.category !== classified.category && {
        messageCategory: classified.category,
      }),
      ambiguousMessage: Boolean(classified.ambiguous),
    };
  }
  return {
    category: classified.category,
    fixKey: classified.fixKey,
    fixVars: classified.fixVars,
    confidence: classified.confidence,
    decidedBy: 'message',
    evidence: [],
    ambiguousMessage: Boolean(classified.ambiguous),
  };
}

const SEVERITY_RANK: Record<Severity, number> = {
  blocking: 0,
  risk: 1,
  info: 2,
};

function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity] ?? 3;
}
