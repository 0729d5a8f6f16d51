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

import type { ImageDetails } from './repositoryFacts';
import { asNumber, asRecord, asString, parseJson } from './json';
import { wildcardMatch } from './wildcard';

/**
 * One rule of an ECR lifecycle policy, validated.
 *
 * @internal
 */
export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  tagStatus: 'tagged' | 'untagged' | 'any';
  tagPrefixList?: string[];
  tagPatternList?: string[];
  /** Storage class the rule selects from (`standard` unless the rule says `archive`). */
  storageClass: 'standard' | 'archive';
  countType:
    | 'imageCountMoreThan'
    | 'sinceImagePushed'
    | 'sinceImagePulled'
    | 'sinceImageTransitioned';
  countNumber: number;
  /** `expire` deletes; `transition` moves the image to `targetStorageClass` (archive). */
  action: 'expire' | 'transition';
  targetStorageClass?: string;
}

/**
 * What a lifecycle policy will do to one image.
 *
 * @internal
 */
export interface LifecycleOutcome {
  digest: string;
  rule: LifecycleRule;
  /** When the rule acts: now (count rules) or the day the age threshold is reached. */
  at: Date;
  /** True when the rule already applies: the image goes at the next lifecycle run (within 24 h). */
  due: boolean;
  /** For `imageCountMoreThan`: the image's position among the selected images, newest first. */
  rank?: number;
}

const COUNT_TYPES: ReadonlyArray<LifecycleRule['countType']> = [
  'imageCountMoreThan',
  'sinceImagePushed',
  'sinceImagePulled',
  'sinceImageTransitioned',
];

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.filter((v): v is string => typeof v === 'string');
  return list.length > 0 ? list : undefined;
}

function readRule(value: unknown, index: number): LifecycleRule | string {
  const rule = asRecord(value);
  const selection = asRecord(rule?.selection);
  const action = asRecord(rule?.action);
  const where = `rule ${index + 1}`;
  if (!rule || !selection) return `${where} has no selection`;
  const rulePriority = asNumber(rule.rulePriority);
  if (rulePriority === undefined) return `${where} has no rulePriority`;
  const tagStatus = asString(selection.tagStatus)?.toLowerCase();
  if (
    tagStatus !== 'tagged' &&
    tagStatus !== 'untagged' &&
    tagStatus !== 'any'
  ) {
    return `${where} has tagStatus "${selection.tagStatus}"`;
  }
  const countType = COUNT_TYPES.find(c => c === selection.countType);
  if (!countType) return `${where} has countType "${selection.countType}"`;
  const countNumber = asNumber(selection.countNumber);
  if (countNumber === undefined || countNumber < 0) {
    return `${where} has no valid countNumber`;
  }
  const actionType = asString(action?.type)?.toLowerCase();
  return {
    rulePriority,
    description: asString(rule.description),
    tagStatus,
    tagPrefixList: stringList(selection.tagPrefixList),
    tagPatternList: stringList(selection.tagPatternList),
    storageClass:
      asString(selection.storageClass)?.toLowerCase() === 'archive'
        ? 'archive'
        : 'standard',
    countType,
    countNumber,
    action: actionType === 'transition' ? 'transition' : 'expire',
    targetStorageClass: asString(action?.targetStorageClass)?.toLowerCase(),
  };
}

/**
 * Parses the text of an ECR lifecycle policy (`GetLifecyclePolicy` → `lifecyclePolicyText`).
 * Rules come back in priority order.
 *
 * @internal
 */
export function parseLifecyclePolicy(
  text: string,
): { ok: true; rules: LifecycleRule[] } | { ok: false; reason: string } {
  const parsed = parseJson(text);
  if (!parsed.ok)
    return { ok: false, reason: `not valid JSON: ${parsed.error}` };
  const rules = asRecord(parsed.value)?.rules;
  if (!Array.isArray(rules))
    return { ok: false, reason: 'the policy has no "rules" array' };
  const read: LifecycleRule[] = [];
  for (const [index, value] of rules.entries()) {
    const rule = readRule(value, index);
    if (typeof rule === 'string') return { ok: false, reason: rule };
    read.push(rule);
  }
  return {
    ok: true,
    rules: read.sort((a, b) => a.rulePriority - b.rulePriority),
  };
}

/**
 * Whether an image meets a rule's tag requirements. With several prefixes or patterns, ECR
 * selects only images that have a tag for each of them.
 */
function selects(rule: LifecycleRule, image: ImageDetails): boolean {
  const archived = (image.status ?? '').toUpperCase() === 'ARCHIVED';
  if ((rule.storageClass === 'archive') !== archived) return false;
  const tags = image.tags ?? [];
  switch (rule.tagStatus) {
    case 'any':
      return true;
    case 'untagged':
      return tags.length === 0;
    default: {
      if (tags.length === 0) return false;
      if (rule.tagPatternList) {
        return rule.tagPatternList.every(p =>
          tags.some(t => wildcardMatch(p, t)),
        );
      }
      if (rule.tagPrefixList) {
        return rule.tagPrefixList.every(p => tags.some(t => t.startsWith(p)));
      }
      return true;
    }
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/**
 * The date an age rule counts from (ECR lifecycle policy properties, `countType`):
 * `sinceImagePushed` the push; `sinceImagePulled` the last recorded pull (DescribeImages
 * `lastRecordedPullTime`), or the push when ECR recorded none; `sinceImageTransitioned` the move
 * to the archive storage class (DescribeImages `lastArchivedAt`). Undefined when ECR did not say:
 * such an image is not marked by the rule.
 */
function ageBase(
  countType: Exclude<LifecycleRule['countType'], 'imageCountMoreThan'>,
  image: ImageDetails,
): Date | undefined {
  switch (countType) {
    case 'sinceImagePulled':
      return image.lastRecordedPullTime ?? image.pushedAt;
    case 'sinceImageTransitioned':
      return image.lastArchivedAt;
    default:
      return image.pushedAt;
  }
}

/**
 * Evaluates a lifecycle policy over every image of a repository the way ECR documents it:
 * rules in priority order; an image whose tags meet a rule's selection cannot be acted on by a
 * lower-priority rule (it is still counted by it); `imageCountMoreThan` keeps the newest
 * `countNumber` selected images by push time and marks the rest; `sinceImagePushed`,
 * `sinceImagePulled` (last recorded pull, or push when never pulled) and
 * `sinceImageTransitioned` (days in the archive, from `lastArchivedAt`) mark images older than
 * `countNumber` days. Returns the outcome per digest for the images a rule acts on now or later.
 *
 * @internal
 */
export function evaluateLifecyclePolicy(
  rules: readonly LifecycleRule[],
  images: readonly ImageDetails[],
  now: Date,
): Map<string, LifecycleOutcome> {
  const outcomes = new Map<string, LifecycleOutcome>();
  const claimed = new Set<string>();
  const ordered = [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
  for (const rule of ordered) {
    const selected = images.filter(image => selects(rule, image));
    const mark = (image: ImageDetails, at: Date, rank?: number) => {
      if (claimed.has(image.digest) || outcomes.has(image.digest)) return;
      outcomes.set(image.digest, {
        digest: image.digest,
        rule,
        at,
        due: at.getTime() <= now.getTime(),
        ...(rank !== undefined ? { rank } : {}),
      });
    };
    if (rule.countType === 'imageCountMoreThan') {
      const newestFirst = [...selected].sort(
        (a, b) => (b.pushedAt?.getTime() ?? 0) - (a.pushedAt?.getTime() ?? 0),
      );
      newestFirst
        .slice(rule.countNumber)
        .forEach((image, i) => mark(image, now, rule.countNumber + i + 1));
    } else {
      for (const image of selected) {
        const base = ageBase(rule.countType, image);
        if (base) mark(image, addDays(base, rule.countNumber));
      }
    }
    for (const image of selected) claimed.add(image.digest);
  }
  return outcomes;
}
