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

import type { FixVars } from '../types';
import { extractFacts, normalizeMessage } from './extract';
import { PULL_ERROR_RULES, type PullErrorRule } from './rules';
import type { ClassifiedPullError, ExtractedPullErrorFacts } from './types';

/** The fix variables a message's facts give. */
function fixVarsOf(facts: ExtractedPullErrorFacts): FixVars {
  const vars: FixVars = {
    image: facts.image,
    registry: facts.registry,
    repository: facts.repository,
    tag: facts.tag,
    digest: facts.digest,
    platform: facts.platform,
    accountId: facts.accountId,
    region: facts.region,
  };
  return Object.fromEntries(
    Object.entries(vars).filter(([, value]) => value !== undefined),
  ) as FixVars;
}

function explain(
  rule: Pick<PullErrorRule, 'category' | 'confidence' | 'fixKey' | 'note'>,
  facts: ExtractedPullErrorFacts,
  matchedRule?: string,
): ClassifiedPullError {
  return {
    category: rule.category,
    fixKey: rule.fixKey ?? rule.category,
    fixVars: fixVarsOf(facts),
    confidence: rule.confidence,
    ...(rule.note && { note: rule.note }),
    extracted: facts,
    ...(matchedRule && { matchedRule }),
  };
}

const UNMATCHED = { category: 'other', confidence: 'low' } as const;

/**
 * Classifies an ECS image pull error: a task's `stoppedReason`, a container `reason`, a service
 * event or an ECS agent log line, in any of the wordings Docker, containerd, the ECS agent and
 * Fargate have used. Reads at most 16 KiB, never throws, and has no Node or browser dependency.
 *
 * @public
 */
export function classifyPullError(message: unknown): ClassifiedPullError {
  try {
    const text = normalizeMessage(message);
    const facts = extractFacts(text);
    const view = { text, facts };
    const rule = PULL_ERROR_RULES.find(r => r.matches(view));
    return rule ? explain(rule, facts, rule.id) : explain(UNMATCHED, facts);
  } catch {
    // Defensive only: the rules are total, but a classifier must never break its caller.
    return explain(UNMATCHED, {});
  }
}
