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
  DEFAULT_CHECK_SEVERITY,
  type Finding,
  type FixVars,
  type Severity,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { LinkVia } from './types';

// An annotation is the user's text: keep the evidence readable and bounded.
const MAX_VALUE_LENGTH = 1024;

/** What a link error knows. */
export interface LinkErrorInput {
  title: string;
  /** The annotation the link comes from. */
  annotation: string;
  /** Its value as written (cut at 1024 characters). */
  value: string | undefined;
  /** Why the link cannot be followed, precisely. */
  reason: string;
  /** The kind of link that failed. */
  via: LinkVia;
  /** Further evidence: the item of a list, the account and region, the shards searched. */
  details?: Record<string, unknown>;
  accountId?: string;
  region?: string;
  /**
   * `risk` by default (the entity's services cannot be audited, as the node package's
   * `DEFAULT_SEVERITY['link-error']`); `info` when the link is only incomplete.
   */
  severity?: Severity;
}

/** A `link-error` finding: plain JSON, its fix rendered with `fixFor('link-error', fixVars)`. */
export function linkErrorFinding(input: LinkErrorInput): Finding {
  const value =
    input.value !== undefined && input.value.length > MAX_VALUE_LENGTH
      ? `${input.value.slice(0, MAX_VALUE_LENGTH)}…`
      : input.value;
  const fixVars: FixVars = {
    ...(input.accountId && { accountId: input.accountId }),
    ...(input.region && { region: input.region }),
  };
  return {
    id: 'link-error',
    severity: input.severity ?? DEFAULT_CHECK_SEVERITY['link-error'],
    title: input.title,
    evidence: JSON.parse(
      JSON.stringify({
        annotation: input.annotation,
        value,
        reason: input.reason,
        via: input.via,
        ...input.details,
        accountId: input.accountId,
        region: input.region,
      }),
    ),
    fixKey: 'link-error',
    fixVars,
  };
}
