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

import { parseEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AuditRunInfo,
  CheckCatalogue,
  EntityReadiness,
  PullErrorList,
  ScorecardPage,
  ScorecardTrend,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type {
  BackendHealth,
  EcsDeployReadinessApi,
  EntityRefLike,
  PullErrorQuery,
  RequestOptions,
  ScorecardFilter,
  ScorecardQuery,
} from './EcsDeployReadinessApi';

type QueryValue = string | number | readonly string[] | undefined;

function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      for (const item of value) search.append(key, item);
    } else {
      search.append(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function entityPath(entityRef: EntityRefLike): string {
  const ref =
    typeof entityRef === 'string' ? parseEntityRef(entityRef) : entityRef;
  return `/entities/${[ref.kind, ref.namespace, ref.name]
    .map(encodeURIComponent)
    .join('/')}`;
}

function filterParams(filter: ScorecardFilter): Record<string, QueryValue> {
  return {
    owner: filter.owner,
    system: filter.system,
    status: filter.status,
    q: filter.q,
  };
}

/**
 * Talks to the backend plugin mounted at `/api/ecs-deploy-readiness`, with the user's
 * credentials (`fetchApi` attaches them).
 *
 * @public
 */
export class EcsDeployReadinessClient implements EcsDeployReadinessApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** {@inheritDoc EcsDeployReadinessApi.getHealth} */
  async getHealth(options?: RequestOptions): Promise<BackendHealth> {
    return (await this.request('/health', options)).json();
  }

  /** {@inheritDoc EcsDeployReadinessApi.getEntityReadiness} */
  async getEntityReadiness(
    entityRef: EntityRefLike,
    options?: RequestOptions,
  ): Promise<EntityReadiness | undefined> {
    try {
      const response = await this.request(
        `${entityPath(entityRef)}/readiness`,
        options,
      );
      return await response.json();
    } catch (error) {
      // Not audited yet, or linked to no ECS service: a state of its own, not an error.
      if (error instanceof ResponseError && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /** {@inheritDoc EcsDeployReadinessApi.getPullErrors} */
  async getPullErrors(
    entityRef: EntityRefLike,
    query: PullErrorQuery = {},
    options?: RequestOptions,
  ): Promise<PullErrorList> {
    const path = `${entityPath(entityRef)}/pull-errors${queryString({
      since: query.since,
      until: query.until,
      category: query.category,
      limit: query.limit,
      cursor: query.cursor,
    })}`;
    return (await this.request(path, options)).json();
  }

  /** {@inheritDoc EcsDeployReadinessApi.startAudit} */
  async startAudit(
    entityRef: EntityRefLike,
    options?: RequestOptions,
  ): Promise<AuditRunInfo> {
    const path = `${entityPath(entityRef)}/audit`;
    return (await this.request(path, { ...options, method: 'POST' })).json();
  }

  /** {@inheritDoc EcsDeployReadinessApi.getAuditRun} */
  async getAuditRun(
    id: number,
    options?: RequestOptions,
  ): Promise<AuditRunInfo> {
    return (
      await this.request(`/runs/${encodeURIComponent(String(id))}`, options)
    ).json();
  }

  /** {@inheritDoc EcsDeployReadinessApi.getScorecard} */
  async getScorecard(
    query: ScorecardQuery = {},
    options?: RequestOptions,
  ): Promise<ScorecardPage> {
    const path = `/scorecard${queryString({
      ...filterParams(query),
      sort: query.sort,
      order: query.order,
      limit: query.limit,
      cursor: query.cursor,
    })}`;
    return (await this.request(path, options)).json();
  }

  /** {@inheritDoc EcsDeployReadinessApi.getScorecardCsv} */
  async getScorecardCsv(
    query: Omit<ScorecardQuery, 'limit' | 'cursor'> = {},
    options?: RequestOptions,
  ): Promise<Blob> {
    const path = `/scorecard.csv${queryString({
      ...filterParams(query),
      sort: query.sort,
      order: query.order,
    })}`;
    return (await this.request(path, options)).blob();
  }

  /** {@inheritDoc EcsDeployReadinessApi.getScorecardTrend} */
  async getScorecardTrend(
    query: Pick<ScorecardFilter, 'owner' | 'system'> & { days?: number } = {},
    options?: RequestOptions,
  ): Promise<ScorecardTrend> {
    const path = `/scorecard/trend${queryString({
      owner: query.owner,
      system: query.system,
      days: query.days,
    })}`;
    return (await this.request(path, options)).json();
  }

  /** {@inheritDoc EcsDeployReadinessApi.getChecks} */
  async getChecks(options?: RequestOptions): Promise<CheckCatalogue> {
    return (await this.request('/checks', options)).json();
  }

  private async request(
    path: string,
    options: RequestOptions & { method?: string } = {},
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ecs-deploy-readiness');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: options.method ?? 'GET',
      signal: options.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
