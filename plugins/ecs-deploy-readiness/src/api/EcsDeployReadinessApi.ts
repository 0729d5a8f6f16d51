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

import type { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AuditRunInfo,
  CheckCatalogue,
  EntityReadiness,
  EntityReadinessStatus,
  PullErrorCategory,
  PullErrorList,
  ScorecardPage,
  ScorecardSort,
  ScorecardTrend,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

/**
 * Health of the ECS deploy readiness backend.
 *
 * @public
 */
export interface BackendHealth {
  /** `ok` when the backend plugin is up. */
  status: string;
}

/**
 * An entity, as `kind:namespace/name` or taken apart.
 *
 * @public
 */
export type EntityRefLike = string | CompoundEntityRef;

/**
 * What every call can take.
 *
 * @public
 */
export interface RequestOptions {
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * The filter of `GET /pull-errors`.
 *
 * @public
 */
export interface PullErrorQuery {
  /** Inclusive, ISO 8601. The backend defaults to 30 days before `until`. */
  since?: string;
  /** Exclusive, ISO 8601. The backend defaults to now. */
  until?: string;
  /** Only these categories. */
  category?: PullErrorCategory[];
  /** 1 to 500; the backend defaults to 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * The filter of the scorecard, its CSV export and its trend.
 *
 * @public
 */
export interface ScorecardFilter {
  /** Owners, as entity refs (`group:default/payments`) or group names. */
  owner?: string[];
  /** Systems, as entity refs or names. */
  system?: string[];
  /** Only entities in these statuses. */
  status?: EntityReadinessStatus[];
  /** Name, title or entity ref contains this (any case). */
  q?: string;
}

/**
 * A scorecard query: the filter, the sort and the page.
 *
 * @public
 */
export interface ScorecardQuery extends ScorecardFilter {
  /** The backend sorts by `status` (worst first) by default. */
  sort?: ScorecardSort;
  /** `asc` by default. */
  order?: 'asc' | 'desc';
  /** 1 to 500; the backend defaults to 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * Client for the ECS deploy readiness backend (`/api/ecs-deploy-readiness`). Every method throws
 * a `ResponseError` (from `@backstage/errors`) when the backend answers with an error.
 *
 * @public
 */
export interface EcsDeployReadinessApi {
  /** Whether the backend plugin is up (`GET /health`). */
  getHealth(options?: RequestOptions): Promise<BackendHealth>;

  /**
   * The entity's readiness, or `undefined` when the backend has no report for it: not audited
   * yet, or linked to no ECS service (`GET /entities/{kind}/{namespace}/{name}/readiness`).
   */
  getEntityReadiness(
    entityRef: EntityRefLike,
    options?: RequestOptions,
  ): Promise<EntityReadiness | undefined>;

  /** The entity's classified pull failures, newest first, with counts per day and category. */
  getPullErrors(
    entityRef: EntityRefLike,
    query?: PullErrorQuery,
    options?: RequestOptions,
  ): Promise<PullErrorList>;

  /** Starts an audit of the entity's services now; follow it with {@link EcsDeployReadinessApi.getAuditRun}. */
  startAudit(
    entityRef: EntityRefLike,
    options?: RequestOptions,
  ): Promise<AuditRunInfo>;

  /** An audit run's progress and outcome. */
  getAuditRun(id: number, options?: RequestOptions): Promise<AuditRunInfo>;

  /** One page of the scorecard, and the totals of every entity matching the filter. */
  getScorecard(
    query?: ScorecardQuery,
    options?: RequestOptions,
  ): Promise<ScorecardPage>;

  /** Every row of the scorecard for the filter and sort, as CSV. */
  getScorecardCsv(
    query?: Omit<ScorecardQuery, 'limit' | 'cursor'>,
    options?: RequestOptions,
  ): Promise<Blob>;

  /** Entities by status at the end of each of the last `days` days (UTC), oldest first. */
  getScorecardTrend(
    query?: Pick<ScorecardFilter, 'owner' | 'system'> & { days?: number },
    options?: RequestOptions,
  ): Promise<ScorecardTrend>;

  /** The checks the audit runs and the pull-error categories, with their fixes. */
  getChecks(options?: RequestOptions): Promise<CheckCatalogue>;
}

/**
 * The reference of the {@link EcsDeployReadinessApi}, for `useApi` and API factories.
 *
 * @public
 */
export const ecsDeployReadinessApiRef = createApiRef<EcsDeployReadinessApi>({
  id: 'plugin.ecs-deploy-readiness.service',
});
