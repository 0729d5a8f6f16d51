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

import type { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import type { TechInsightFact } from '@backstage-community/plugin-tech-insights-node';
import {
  CHECK_IDS,
  type CheckId,
  DEFAULT_CHECK_SEVERITY,
  fixFor,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { ScorecardEntry } from './parse';

/**
 * The fact retriever's id: the `factIds` entry of a check, and the key of its schedule under
 * `techInsights.factRetrievers`.
 *
 * @public
 */
export const ECS_DEPLOY_READINESS_FACT_RETRIEVER_ID =
  'ecsDeployReadinessFactRetriever';

/**
 * The names of the facts about an entity as a whole. Each check adds one boolean fact more,
 * named by {@link checkFactName}.
 *
 * @public
 */
export const ECS_DEPLOY_READINESS_FACTS = {
  /** `blocked`, `at-risk`, `ready` or `unknown`. */
  status: 'status',
  /** Blocking findings of the entity and its services. */
  blockingCount: 'blockingCount',
  /** Risk findings. */
  riskCount: 'riskCount',
  /** Info findings. */
  infoCount: 'infoCount',
  /** True when the last audit could not refresh the report: the facts are the last known. */
  stale: 'stale',
  /** When the latest audit that covered every service of the entity finished. */
  lastAuditedAt: 'lastAuditedAt',
  /** The newest pull failure of its services; absent when there is none. */
  lastPullFailureAt: 'lastPullFailureAt',
} as const;

/**
 * The fact that says whether an entity passes one check: `check_` and the check id in
 * camelCase, e.g. `platform-missing` → `check_platformMissing`. True when no finding of that
 * check (of any severity) is reported for the entity or its services.
 *
 * @public
 */
export function checkFactName(checkId: CheckId): string {
  return `check_${checkId.replace(/-([a-z0-9])/g, (_, c: string) =>
    c.toUpperCase(),
  )}`;
}

/**
 * The version of the retriever's schema and facts. Its minor number is the number of checks:
 * the check catalogue only ever grows (ids are never renamed or reused), so a new check, which
 * adds a fact, gives a new version, and tech-insights stores the new schema. Bump the major
 * number when a fact of {@link ECS_DEPLOY_READINESS_FACTS} is added or changes.
 */
export const FACT_RETRIEVER_VERSION = `1.${CHECK_IDS.length}.0`;

/**
 * The schema of the facts the retriever writes for each entity. Every fact is present on each
 * entity but `lastAuditedAt` (absent until each of the entity's services has been audited once)
 * and `lastPullFailureAt` (absent when none is stored).
 *
 * @public
 */
export const ecsDeployReadinessFactSchema: FactSchema = {
  [ECS_DEPLOY_READINESS_FACTS.status]: {
    type: 'string',
    description:
      'ECS deploy readiness: blocked (a blocking finding), at-risk (a risk finding, an image that could not be verified), ready or unknown',
  },
  [ECS_DEPLOY_READINESS_FACTS.blockingCount]: {
    type: 'integer',
    description:
      'Blocking findings of the entity and its ECS services: the next pull or container start will fail',
  },
  [ECS_DEPLOY_READINESS_FACTS.riskCount]: {
    type: 'integer',
    description:
      'Risk findings: works today but can break (a moved tag, a lifecycle rule, a rate limit)',
  },
  [ECS_DEPLOY_READINESS_FACTS.infoCount]: {
    type: 'integer',
    description: 'Info findings: worth knowing, harmless to ECS',
  },
  [ECS_DEPLOY_READINESS_FACTS.stale]: {
    type: 'boolean',
    description:
      'True when the last audit could not refresh the report (access denied, throttling, a timeout); the other facts are then the last known',
  },
  [ECS_DEPLOY_READINESS_FACTS.lastAuditedAt]: {
    type: 'datetime',
    description:
      'When the latest audit that covered every ECS service of the entity finished; absent until each has been audited',
  },
  [ECS_DEPLOY_READINESS_FACTS.lastPullFailureAt]: {
    type: 'datetime',
    description:
      'When a task of one of its ECS services last failed to pull an image; absent when none is stored',
  },
  ...Object.fromEntries(
    CHECK_IDS.map(id => [
      checkFactName(id),
      {
        type: 'boolean' as const,
        description: `True when there is no finding of the check ${id} (${
          fixFor(id).title
        })`,
        metadata: { checkId: id, severity: DEFAULT_CHECK_SEVERITY[id] },
      },
    ]),
  ),
};

/**
 * The facts of one entity, from its scorecard row alone: its status, counts, staleness, audit
 * and pull failure times, and one boolean per check, false when the row lists the check among
 * its failing checks.
 */
export function entityFacts(entry: ScorecardEntry): TechInsightFact['facts'] {
  const F = ECS_DEPLOY_READINESS_FACTS;
  return {
    [F.status]: entry.status,
    [F.blockingCount]: entry.counts.blocking,
    [F.riskCount]: entry.counts.risk,
    [F.infoCount]: entry.counts.info,
    [F.stale]: entry.stale,
    ...(entry.lastAudited && { [F.lastAuditedAt]: entry.lastAudited }),
    ...(entry.lastPullFailure && {
      [F.lastPullFailureAt]: entry.lastPullFailure,
    }),
    ...Object.fromEntries(
      CHECK_IDS.map(id => [
        checkFactName(id),
        !entry.failingChecks.includes(id),
      ]),
    ),
  };
}
