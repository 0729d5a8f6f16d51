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

import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/test-utils';
import { EcsDeployReadinessClient } from './EcsDeployReadinessClient';

const BASE = 'http://localhost:7007/api/ecs-deploy-readiness';

function setup(response: () => Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) =>
    response(),
  );
  const client = new EcsDeployReadinessClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

describe('EcsDeployReadinessClient', () => {
  it('reads an entity readiness, escaping each part of the ref', async () => {
    const { client, fetch } = setup(() =>
      json({ entityRef: 'x', status: 'ready' }),
    );
    await expect(
      client.getEntityReadiness('component:default/my service'),
    ).resolves.toEqual({ entityRef: 'x', status: 'ready' });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/entities/component/default/my%20service/readiness`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('treats 404 as "not audited yet"', async () => {
    const { client } = setup(() =>
      json(
        { error: { name: 'NotFoundError', message: 'No readiness report' } },
        404,
      ),
    );
    await expect(
      client.getEntityReadiness({
        kind: 'Component',
        namespace: 'default',
        name: 'x',
      }),
    ).resolves.toBeUndefined();
  });

  it('throws a ResponseError for other failures', async () => {
    const { client } = setup(() =>
      json({ error: { name: 'Error', message: 'boom' } }, 500),
    );
    const error = await client
      .getEntityReadiness('component:default/x')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    expect(JSON.stringify(error.body)).toContain('boom');
    await expect(client.getScorecard()).rejects.toBeInstanceOf(ResponseError);
  });

  it('repeats the scorecard filters and leaves out what is not set', async () => {
    const { client, fetch } = setup(() =>
      json({
        items: [],
        totals: { blocked: 0, 'at-risk': 0, ready: 0, unknown: 0, total: 0 },
      }),
    );
    await client.getScorecard({
      owner: ['group:default/a', 'b'],
      system: [],
      status: ['blocked', 'at-risk'],
      q: '',
      sort: 'owner',
      order: 'desc',
      limit: 25,
      cursor: 'abc=',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/scorecard?owner=group%3Adefault%2Fa&owner=b&status=blocked&status=at-risk&sort=owner&order=desc&limit=25&cursor=abc%3D`,
    );
  });

  it('exports the CSV with the same filters, as a blob', async () => {
    const { client, fetch } = setup(
      () =>
        new Response('entityRef,status\n', {
          headers: { 'content-type': 'text/csv' },
        }),
    );
    const blob = await client.getScorecardCsv({
      status: ['blocked'],
      q: 'shop',
    });
    await expect(blob.text()).resolves.toBe('entityRef,status\n');
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/scorecard.csv?status=blocked&q=shop`,
    );
  });

  it('starts an audit with POST and follows the run', async () => {
    const { client, fetch } = setup(() =>
      json({ id: 5, status: 'running' }, 202),
    );
    await expect(client.startAudit('resource:default/svc')).resolves.toEqual({
      id: 5,
      status: 'running',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/entities/resource/default/svc/audit`,
      expect.objectContaining({ method: 'POST' }),
    );
    await client.getAuditRun(5);
    expect(fetch.mock.calls[1][0]).toBe(`${BASE}/runs/5`);
  });

  it('passes the pull-error window, categories and cursor', async () => {
    const { client, fetch } = setup(() => json({ items: [], counts: [] }));
    await client.getPullErrors('component:default/x', {
      since: '2026-01-01T00:00:00.000Z',
      category: ['platform-mismatch', 'rate-limited'],
      limit: 20,
      cursor: 'c',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/entities/component/default/x/pull-errors?since=2026-01-01T00%3A00%3A00.000Z&category=platform-mismatch&category=rate-limited&limit=20&cursor=c`,
    );
    await client.getScorecardTrend({ owner: ['o'], days: 30 });
    expect(fetch.mock.calls[1][0]).toBe(
      `${BASE}/scorecard/trend?owner=o&days=30`,
    );
  });

  it('passes the abort signal on', async () => {
    const { client, fetch } = setup(() => json({ checks: [], categories: [] }));
    const controller = new AbortController();
    await client.getChecks({ signal: controller.signal });
    expect(fetch.mock.calls[0][1]?.signal).toBe(controller.signal);
  });
});
