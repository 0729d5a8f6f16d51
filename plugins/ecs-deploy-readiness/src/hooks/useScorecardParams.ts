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
  ENTITY_READINESS_STATUSES,
  SCORECARD_SORTS,
  type EntityReadinessStatus,
  type ScorecardSort,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/** The scorecard's filter, search and sort, as the URL holds them (so a view can be shared). */
export interface ScorecardParams {
  owner: string[];
  system: string[];
  status: EntityReadinessStatus[];
  q: string;
  sort: ScorecardSort;
  order: 'asc' | 'desc';
}

const DEFAULTS: ScorecardParams = {
  owner: [],
  system: [],
  status: [],
  q: '',
  sort: 'status',
  order: 'asc',
};

const unique = (values: string[]) => [...new Set(values.filter(Boolean))];

/** Reads the parameters, dropping values the backend would refuse. */
export function parseScorecardParams(search: URLSearchParams): ScorecardParams {
  const sort = search.get('sort');
  const order = search.get('order');
  return {
    owner: unique(search.getAll('owner')),
    system: unique(search.getAll('system')),
    status: unique(search.getAll('status')).filter(
      (s): s is EntityReadinessStatus =>
        (ENTITY_READINESS_STATUSES as readonly string[]).includes(s),
    ),
    q: search.get('q') ?? '',
    sort: (SCORECARD_SORTS as readonly string[]).includes(sort ?? '')
      ? (sort as ScorecardSort)
      : DEFAULTS.sort,
    order: order === 'desc' ? 'desc' : 'asc',
  };
}

/** Writes the parameters, leaving defaults out of the URL. */
export function formatScorecardParams(
  params: ScorecardParams,
): URLSearchParams {
  const search = new URLSearchParams();
  params.owner.forEach(o => search.append('owner', o));
  params.system.forEach(s => search.append('system', s));
  params.status.forEach(s => search.append('status', s));
  if (params.q) search.set('q', params.q);
  if (params.sort !== DEFAULTS.sort) search.set('sort', params.sort);
  if (params.order !== DEFAULTS.order) search.set('order', params.order);
  return search;
}

/** The scorecard's parameters in the URL, and a setter that replaces the history entry. */
export function useScorecardParams(): [
  ScorecardParams,
  (update: Partial<ScorecardParams>) => void,
] {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => parseScorecardParams(search), [search]);
  const update = useCallback(
    (changes: Partial<ScorecardParams>) => {
      setSearch(
        current =>
          formatScorecardParams({
            ...parseScorecardParams(current),
            ...changes,
          }),
        { replace: true },
      );
    },
    [setSearch],
  );
  return [params, update];
}
