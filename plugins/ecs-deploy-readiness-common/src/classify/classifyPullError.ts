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
import {
  AGENT_ADVICE,
  PULL_ERROR_RULES,
  type AlternativeCause,
  type MessageView,
  type PullErrorRule,
} from './rules';
import { detectTruncation } from './truncation';
import type {
  ClassificationConfidence,
  ClassifiedPullError,
  ExtractedPullErrorFacts,
  PullErrorCandidate,
} from './types';

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

/** A rule's own likelihood when it does not give one. */
const WEIGHT: Record<ClassificationConfidence, number> = {
  high: 0.9,
  medium: 0.6,
  low: 0.35,
};
const LOWER: Record<ClassificationConfidence, ClassificationConfidence> = {
  high: 'medium',
  medium: 'low',
  low: 'low',
};
/** How much a cut costs the deciding rule: the cut may have removed a more specific cause. */
const CUT_FACTOR = 0.75;
/** Other rules that match are offered as weak second opinions, at most this many. */
const SECOND_OPINIONS = 2;
const SECOND_OPINION_FACTOR = 0.2;

const CUT_NOTE =
  'The message was cut off (the ECS console and Fargate shorten long reasons): it is classified from what is left; read the full reason with aws ecs describe-tasks.';

const UNMATCHED: PullErrorRule = {
  id: '',
  category: 'other',
  confidence: 'low',
  weight: 0.3,
  reason: 'No rule recognised the message.',
  matches: () => true,
};

const round = (value: number) => Math.round(value * 100) / 100;

function candidatesOf(
  rule: PullErrorRule,
  view: MessageView,
  others: readonly PullErrorRule[],
): PullErrorCandidate[] {
  const cut = view.truncated && !rule.fallback;
  const own = {
    category: rule.category,
    fixKey: rule.fixKey ?? rule.category,
    weight: (rule.weight ?? WEIGHT[rule.confidence]) * (cut ? CUT_FACTOR : 1),
    reason: rule.reason,
  };
  const alternatives: AlternativeCause[] = [
    ...(typeof rule.alternatives === 'function'
      ? rule.alternatives(view)
      : rule.alternatives ?? []),
    ...(cut ? rule.hiddenByCut ?? [] : []),
  ];
  const ranked = [
    own,
    ...alternatives
      .map(a => ({ ...a, fixKey: a.fixKey ?? a.category }))
      .sort((a, b) => b.weight - a.weight),
  ];
  // Second opinions: other rules whose signal is also in the message, for causes not listed yet.
  const seen = new Set(ranked.map(c => `${c.category}/${c.fixKey}`));
  for (const other of others) {
    if (ranked.length - 1 - alternatives.length >= SECOND_OPINIONS) break;
    const key = `${other.category}/${other.fixKey ?? other.category}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ranked.push({
      category: other.category,
      fixKey: other.fixKey ?? other.category,
      weight:
        (other.weight ?? WEIGHT[other.confidence]) * SECOND_OPINION_FACTOR,
      reason: other.reason,
    });
  }
  // The deciding rule stays first; the rest in order of likelihood. Normalised to add up to <= 1.
  const [first, ...rest] = ranked;
  const ordered = [first, ...rest.sort((a, b) => b.weight - a.weight)];
  const total = ordered.reduce((sum, c) => sum + c.weight, 0);
  const scale = total > 1 ? 1 / total : 1;
  return ordered.map(c => ({
    category: c.category,
    fixKey: c.fixKey,
    confidence: round(Math.min(c.weight * scale, first.weight * scale)),
    reason: c.reason,
  }));
}

function explain(
  rule: PullErrorRule,
  view: MessageView,
  others: readonly PullErrorRule[],
  matchedRule?: string,
): ClassifiedPullError {
  const candidates = candidatesOf(rule, view, others);
  const [top, second] = candidates;
  const ambiguous =
    second !== undefined && second.confidence >= top.confidence / 2;
  let confidence: ClassificationConfidence =
    view.truncated && !rule.fallback ? LOWER[rule.confidence] : rule.confidence;
  if (ambiguous && second.category !== top.category && confidence === 'high')
    confidence = 'medium';
  const notes = [
    rule.note,
    view.truncated && !rule.fallback ? CUT_NOTE : undefined,
  ].filter(Boolean);
  const extracted: ExtractedPullErrorFacts = view.truncated
    ? { ...view.facts, truncated: true }
    : view.facts;
  return {
    category: top.category,
    fixKey: top.fixKey,
    fixVars: fixVarsOf(view.facts),
    confidence,
    ...(notes.length > 0 && { note: notes.join(' ') }),
    extracted,
    ...(matchedRule && { matchedRule }),
    candidates,
    ambiguous,
  };
}

/** The message as the rules read it. */
function viewOf(input: unknown): MessageView {
  const raw = normalizeMessage(input);
  const cut = detectTruncation(raw, typeof input === 'string' ? input : '');
  const completed = cut.completed ?? raw;
  const advice = (completed.match(AGENT_ADVICE) ?? []).join(' ');
  const text = advice ? completed.replace(AGENT_ADVICE, ' ') : completed;
  return {
    text,
    raw,
    advice,
    truncated: cut.truncated,
    facts: extractFacts(raw),
  };
}

/**
 * Classifies an ECS image pull error: a task's `stoppedReason`, a container `reason`, a service
 * event or an ECS agent log line, in any of the wordings Docker, containerd, the ECS agent and
 * Fargate have used. Returns the most probable cause and the other causes the text fits, ranked
 * (`candidates`), says when the text cannot decide between them (`ambiguous`) and when it was cut
 * off (`extracted.truncated`). Reads at most 16 KiB, never throws, and has no Node or browser
 * dependency.
 *
 * @public
 */
export function classifyPullError(message: unknown): ClassifiedPullError {
  try {
    const view = viewOf(message);
    const matching = PULL_ERROR_RULES.filter(r => r.matches(view));
    const [rule, ...others] = matching;
    if (!rule) return explain(UNMATCHED, view, []);
    return explain(
      rule,
      view,
      others.filter(r => !r.fallback),
      rule.id,
    );
  } catch {
    // Defensive only: the rules are total, but a classifier must never break its caller.
    return explain(
      UNMATCHED,
      { text: '', raw: '', advice: '', truncated: false, facts: {} },
      [],
    );
  }
}
