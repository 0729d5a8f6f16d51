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
  CHECK_IDS,
  PULL_ERROR_CATEGORIES,
  type CheckId,
  type Fix,
  type FixKey,
  type FixVars,
  type PullErrorCategory,
} from '../types';
import { parseEcrHost, parseLooseImageReference } from '../references';
import { FIX_CATALOGUE_ENTRIES } from './catalogue';
import type { FixCatalogueEntry } from './types';

/**
 * The fix catalogue by key. Keys that share a cause map to the same entry object.
 *
 * @public
 */
export const FIX_CATALOGUE: Readonly<Record<FixKey, FixCatalogueEntry>> =
  Object.freeze(
    Object.fromEntries(
      FIX_CATALOGUE_ENTRIES.flatMap(entry =>
        entry.keys.map(key => [key, entry] as const),
      ),
    ) as Record<FixKey, FixCatalogueEntry>,
  );

/**
 * For each pull-error category, the check ids whose finding confirms it: the checks that share
 * its catalogue entry, plus the entry's `alsoConfirmedBy`.
 *
 * @public
 */
export const CATEGORY_CONFIRMING_CHECKS: Readonly<
  Record<PullErrorCategory, readonly CheckId[]>
> = Object.freeze(
  Object.fromEntries(
    PULL_ERROR_CATEGORIES.map(category => {
      const entry = FIX_CATALOGUE[category];
      const checks = new Set<CheckId>([
        ...entry.keys.filter(isCheckId),
        ...(entry.alsoConfirmedBy ?? []),
      ]);
      return [category, [...checks]] as const;
    }),
  ) as Record<PullErrorCategory, readonly CheckId[]>,
);

function isCheckId(key: FixKey): key is CheckId {
  return (CHECK_IDS as readonly string[]).includes(key);
}

// Only values that cannot break a copied shell command or JSON snippet are substituted; anything
// else (spaces, quotes, `$`, masked parts such as `<ACCOUNT>`) keeps the placeholder.
const SAFE_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,511}$/;
// Account ids masked in shared logs (`xxxxxxxxxxxx`); `<ACCOUNT>` and `***` fail SAFE_VALUE.
const MASKED = /(?:^|[^a-z0-9])x{6,}(?:$|[^a-z0-9])/i;
const PLACEHOLDER = /<([a-z][a-z-]*)>/g;
const OPTIONAL_SEGMENT = /\[\[([^\]]*)\]\]/g;

/** Placeholder name → value, from the vars and what can be derived from them. */
function placeholderValues(vars: FixVars): Map<string, string> {
  const parsed = vars.image ? parseLooseImageReference(vars.image) : undefined;
  const registry = vars.registry ?? parsed?.registry;
  const ecr = registry ? parseEcrHost(registry) : undefined;
  const digest = vars.digest ?? parsed?.digest;
  let pinned = vars.pinnedReference;
  if (!pinned && vars.image && digest) {
    const at = vars.image.indexOf('@');
    pinned = `${at >= 0 ? vars.image.slice(0, at) : vars.image}@${digest}`;
  }
  const candidates: Array<[string, string | undefined]> = [
    ['image', vars.image],
    ['repository', vars.repository ?? parsed?.repository],
    ['registry', registry],
    ['region', vars.region ?? ecr?.region ?? parsed?.region],
    ['account-id', vars.accountId ?? ecr?.accountId ?? parsed?.accountId],
    ['platform', vars.platform],
    ['pinned-reference', pinned],
    ['digest', digest],
    ['tag', vars.tag ?? parsed?.tag],
    ['launch-type', vars.launchType],
    ['permission', vars.permission],
  ];
  const values = new Map<string, string>();
  for (const [name, value] of candidates) {
    if (
      typeof value === 'string' &&
      SAFE_VALUE.test(value) &&
      !MASKED.test(value)
    ) {
      values.set(name, value);
    }
  }
  return values;
}

/**
 * Fills `<placeholders>` that have a value. `[[ … ]]` marks an optional segment of prose: it is
 * kept, filled, when every placeholder in it has a value, and dropped otherwise.
 */
function fill(text: string, values: Map<string, string>): string {
  const withOptional = text.replace(OPTIONAL_SEGMENT, (_, segment: string) => {
    const names = [...segment.matchAll(PLACEHOLDER)].map(m => m[1]);
    return names.every(name => values.has(name)) ? segment : '';
  });
  return withOptional.replace(
    PLACEHOLDER,
    (placeholder, name: string) => values.get(name) ?? placeholder,
  );
}

/**
 * The catalogue entry for a key, with placeholders filled from `vars`.
 *
 * @public
 */
export function catalogueEntryFor(
  key: FixKey,
  vars: FixVars = {},
): FixCatalogueEntry {
  const entry = FIX_CATALOGUE[key] ?? FIX_CATALOGUE.other;
  const values = placeholderValues(vars);
  return {
    ...entry,
    title: fill(entry.title, values),
    explanation: fill(entry.explanation, values),
    steps: entry.steps.map(step => ({
      ...step,
      text: fill(step.text, values),
      ...(step.command !== undefined && {
        command: fill(step.command, values),
      }),
    })),
    docs: entry.docs.map(doc => ({ ...doc })),
  };
}

/**
 * The fix for a check id or a pull-error category, tailored with whatever `vars` are known: the
 * one way findings and classified pull errors are rendered (they carry `fixKey` and `fixVars`,
 * never the text). Unknown values stay as `<placeholders>`. Unknown keys get the generic entry.
 *
 * @public
 */
export function fixFor(key: FixKey, vars: FixVars = {}): Fix {
  const entry = catalogueEntryFor(key, vars);
  return {
    title: entry.title,
    summary: entry.explanation,
    steps: entry.steps,
    docs: entry.docs,
  };
}
