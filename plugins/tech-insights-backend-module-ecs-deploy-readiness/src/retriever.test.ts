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

import { mockServices } from '@backstage/backend-test-utils';
import type { FactRetrieverContext } from '@backstage-community/plugin-tech-insights-node';
import {
  CHECK_IDS,
  type ScorecardRow,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { DateTime } from 'luxon';
import { factTypeErrors } from './__testUtils__/factSchema';
import {
  checkFactName,
  ecsDeployReadinessFactSchema,
  FACT_RETRIEVER_VERSION,
} from './facts';
import { createEcsDeployReadinessFactRetriever } from './retriever';

const BASE = '/api/ecs-deploy-readiness';

const row = (name: string, over: Partial<ScorecardRow> = {}): ScorecardRow => ({
  entityRef: `component:default/${name}`,
  kind: 'Component',
  namespace: 'default',
  name,
  status: 'ready',
  counts: { blocking: 0, risk: 0, info: 0 },
  failingChecks: [],
  services: 1,
  stale: false,
  lastAudited: '2026-01-02T03:04:05.000Z',
  ...over,
});

type Route = (url: URL) => { status?: number; body: unknown } | undefined;

/** Answers the plugin's routes from `routes`; anything else is a 404. */
function mockFetch(routes: Record<string, Route | object>) {
  return jest
    .spyOn(globalThis, 'fetch')
    .mockImplementation(async (input: string | URL | Request) => {
      const url = new URL(String(input));
      const route = routes[url.pathname.slice(BASE.length)];
      const answer =
        typeof route === 'function'
          ? (route as Route)(url)
          : route && { body: route };
      if (!answer) {
        return Response.json(
          { error: { name: 'NotFoundError', message: 'not found' } },
          { status: 404 },
        );
      }
      return typeof answer.body === 'string'
        ? new Response(answer.body, { status: answer.status ?? 200 })
        : Response.json(answer.body, { status: answer.status ?? 200 });
    });
}

function context(): FactRetrieverContext & {
  logger: ReturnType<typeof mockServices.logger.mock>;
} {
  return {
    config: mockServices.rootConfig(),
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    urlReader: mockServices.urlReader.mock(),
    logger: mockServices.logger.mock(),
  };
}

const page = (items: unknown[], nextCursor?: string) => ({
  items,
  totals: {},
  ...(nextCursor && { nextCursor }),
});

afterEach(() => jest.restoreAllMocks());

describe('ecsDeployReadinessFactRetriever', () => {
  it('follows the tech-insights conventions: id, semver version, entity filter, schema types', () => {
    const retriever = createEcsDeployReadinessFactRetriever();
    expect(retriever.id).toBe('ecsDeployReadinessFactRetriever');
    expect(retriever.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(retriever.entityFilter).toEqual([
      { kind: ['component', 'resource', 'system'] },
    ]);
    for (const [name, fact] of Object.entries(retriever.schema)) {
      expect(name).toMatch(/^[a-zA-Z][a-zA-Z0-9_]*$/);
      expect([
        'integer',
        'float',
        'string',
        'boolean',
        'datetime',
        'set',
        'object',
      ]).toContain(fact.type);
      expect(fact.description).not.toBe('');
    }
  });

  it('has one boolean fact per check, named check_ and the id in camelCase, and a version that grows with the checks', () => {
    expect(checkFactName('platform-missing')).toBe('check_platformMissing');
    expect(checkFactName('soci-index-v1')).toBe('check_sociIndexV1');
    const names = CHECK_IDS.map(checkFactName);
    expect(new Set(names).size).toBe(CHECK_IDS.length);
    for (const name of names) {
      expect(ecsDeployReadinessFactSchema[name]).toMatchObject({
        type: 'boolean',
      });
    }
    expect(FACT_RETRIEVER_VERSION).toBe(`1.${CHECK_IDS.length}.0`);
  });

  it('writes facts of the schema from the scorecard row: status, counts, times and each check', async () => {
    mockFetch({
      '/scorecard': page([
        row('storefront-web', {
          status: 'blocked',
          counts: { blocking: 1, risk: 1, info: 1 },
          // Its own finding's check and its service's, and one this release does not know.
          failingChecks: [
            'link-error',
            'mutable-tag-reference',
            'not-a-check-of-this-release',
            'platform-missing',
          ],
          lastPullFailure: '2026-01-01T10:00:00.000Z',
        }),
        row('checkout-api'),
      ]),
    });
    const retriever = createEcsDeployReadinessFactRetriever();

    const facts = await retriever.handler(context());

    expect(facts.map(f => f.entity)).toEqual([
      { kind: 'Component', namespace: 'default', name: 'checkout-api' },
      { kind: 'Component', namespace: 'default', name: 'storefront-web' },
    ]);
    for (const fact of facts) {
      expect(fact.timestamp?.isValid).toBe(true);
      expect(fact.timestamp?.zoneName).toBe('UTC');
      // Nothing outside the schema, e.g. no fact for the unknown check id.
      expect(factTypeErrors(retriever.schema, fact.facts)).toEqual([]);
      // Every fact of the schema but the two optional times is always there.
      const required = Object.keys(retriever.schema).filter(
        name => !['lastAuditedAt', 'lastPullFailureAt'].includes(name),
      );
      expect(Object.keys(fact.facts)).toEqual(expect.arrayContaining(required));
      expect(fact.facts).not.toHaveProperty('pullFailures30d');
    }
    const [ready, blocked] = facts.map(f => f.facts);
    expect(blocked).toMatchObject({
      status: 'blocked',
      blockingCount: 1,
      riskCount: 1,
      infoCount: 1,
      stale: false,
    });
    expect((blocked.lastPullFailureAt as DateTime).toISO()).toBe(
      '2026-01-01T10:00:00.000Z',
    );
    expect((blocked.lastAuditedAt as DateTime).toISO()).toBe(
      '2026-01-02T03:04:05.000Z',
    );
    expect(ready).toMatchObject({ status: 'ready', blockingCount: 0 });
    expect(ready).not.toHaveProperty('lastPullFailureAt');
  });

  it('makes a check fact false for each failing check of the row, and every other one true', async () => {
    mockFetch({
      '/scorecard': page([
        row('storefront-web', {
          status: 'blocked',
          failingChecks: [
            'link-error',
            'mutable-tag-reference',
            'platform-missing',
          ],
        }),
        row('checkout-api', { failingChecks: [] }),
      ]),
    });

    const [ready, blocked] = (
      await createEcsDeployReadinessFactRetriever().handler(context())
    ).map(f => f.facts);

    const checkFacts = (facts: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(facts).filter(([name]) => name.startsWith('check_')),
      );
    const failing = Object.entries(checkFacts(blocked))
      .filter(([, value]) => value === false)
      .map(([name]) => name)
      .sort();
    expect(failing).toEqual([
      'check_linkError',
      'check_mutableTagReference',
      'check_platformMissing',
    ]);
    expect(Object.values(checkFacts(blocked))).toHaveLength(CHECK_IDS.length);
    expect(
      Object.values(checkFacts(blocked)).filter(value => value === true),
    ).toHaveLength(CHECK_IDS.length - 3);
    expect(blocked).toMatchObject({
      check_tagNotFound: true,
      check_auditError: true,
    });
    expect(Object.values(checkFacts(ready))).toEqual(CHECK_IDS.map(() => true));
  });

  it('reads every page of the scorecard with a service token, one request per page and nothing else', async () => {
    const fetch = mockFetch({
      '/scorecard': (url: URL) => ({
        body: {
          '': page([row('a'), row('b')], 'c1'),
          c1: page([row('c'), row('d')], 'c2'),
          c2: page([row('e')]),
        }[url.searchParams.get('cursor') ?? ''],
      }),
    });
    const ctx = context();

    const facts = await createEcsDeployReadinessFactRetriever().handler(ctx);

    expect(facts.map(f => f.entity.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const calls = fetch.mock.calls.map(([input, init]) => ({
      url: new URL(String(input)),
      init,
    }));
    // Five entities, three pages: three requests, all of them for the scorecard.
    expect(calls).toHaveLength(3);
    expect(calls.map(({ url }) => url.pathname)).toEqual(
      Array(3).fill(`${BASE}/scorecard`),
    );
    expect(calls.map(({ url }) => url.searchParams.get('cursor'))).toEqual([
      null,
      'c1',
      'c2',
    ]);
    for (const { url, init } of calls) {
      expect(url.searchParams.get('limit')).toBe('500');
      expect((init!.headers as Record<string, string>).Authorization).toMatch(
        /^Bearer .+/,
      );
    }
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/facts of 5 entities from 3 scorecard pages/),
    );
  });

  it('writes no facts for entities never audited or of another kind', async () => {
    mockFetch({
      '/scorecard': page([
        row('never', { status: 'unknown', lastAudited: undefined }),
        row('an-api', { kind: 'API' }),
        row('linked-by-a-broken-link', {
          status: 'at-risk',
          counts: { blocking: 0, risk: 1, info: 0 },
          failingChecks: ['link-error'],
          lastAudited: undefined,
          services: 0,
        }),
      ]),
    });

    const facts = await createEcsDeployReadinessFactRetriever().handler(
      context(),
    );

    // An at-risk entity without services has a real status: facts, without an audit time.
    expect(facts.map(f => f.entity.name)).toEqual(['linked-by-a-broken-link']);
    expect(facts[0].facts).toMatchObject({
      status: 'at-risk',
      riskCount: 1,
      check_linkError: false,
    });
    expect(facts[0].facts).not.toHaveProperty('lastAuditedAt');

    const withApis = await createEcsDeployReadinessFactRetriever({
      entityKinds: ['API', 'Component'],
    }).handler(context());
    expect(withApis.map(f => f.entity.name)).toEqual([
      'an-api',
      'linked-by-a-broken-link',
    ]);
  });

  it('throws when the backend answers 503, so tech-insights keeps the last facts', async () => {
    mockFetch({
      '/scorecard': () => ({
        status: 503,
        body: { error: { name: 'ServiceUnavailableError', message: 'down' } },
      }),
    });

    await expect(
      createEcsDeployReadinessFactRetriever().handler(context()),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(/scorecard.*503/s),
      }),
    );
  });

  it('throws a clear error when the backend cannot be reached', async () => {
    jest
      .spyOn(globalThis, 'fetch')
      .mockRejectedValue(new TypeError('fetch failed'));

    await expect(
      createEcsDeployReadinessFactRetriever().handler(context()),
    ).rejects.toThrow(
      /Could not reach the ecs-deploy-readiness backend plugin/,
    );
  });

  it.each([
    ['a body that is not JSON', '<html>proxy error</html>', /not JSON/],
    ['a body without items', { rows: [] }, /items array/],
    [
      'a cursor that is not a string',
      { items: [], totals: {}, nextCursor: 42 },
      /nextCursor/,
    ],
  ])(
    'throws a clear error on a malformed scorecard: %s',
    async (_, body, message) => {
      mockFetch({ '/scorecard': () => ({ body }) });
      await expect(
        createEcsDeployReadinessFactRetriever().handler(context()),
      ).rejects.toThrow(message);
    },
  );

  it('throws when the scorecard repeats a cursor, instead of paging for ever', async () => {
    mockFetch({ '/scorecard': () => ({ body: page([row('a')], 'again') }) });
    await expect(
      createEcsDeployReadinessFactRetriever().handler(context()),
    ).rejects.toThrow(/cursor it had returned before/);
  });

  it('leaves out a row without a valid failingChecks, or otherwise malformed, with a warning, and keeps the others', async () => {
    const { failingChecks: _, ...withoutFailingChecks } = row('no-checks');
    mockFetch({
      '/scorecard': page([
        row('a', { failingChecks: ['platform-missing'] }),
        { ...row('bad-status'), status: 'sideways' },
        withoutFailingChecks,
        { ...row('bad-checks'), failingChecks: ['platform-missing', 42] },
        { ...row('checks-not-an-array'), failingChecks: 'platform-missing' },
      ]),
    });
    const ctx = context();

    const facts = await createEcsDeployReadinessFactRetriever().handler(ctx);

    expect(facts.map(f => f.entity.name)).toEqual(['a']);
    expect(facts[0].facts.check_platformMissing).toBe(false);
    expect(ctx.logger.warn).toHaveBeenCalledTimes(1);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Left out 4 malformed scorecard rows.*: items\[1\]: status "sideways".*; items\[2\]: failingChecks is not an array of strings; items\[3\]: failingChecks is not an array of strings; and 1 more$/,
      ),
    );
  });

  it('throws when no row of the scorecard is valid, e.g. a backend plugin without failingChecks', async () => {
    const { failingChecks: _, ...older } = row('a');
    mockFetch({ '/scorecard': page([older, { ...older, name: 'b' }]) });

    await expect(
      createEcsDeployReadinessFactRetriever().handler(context()),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /scorecard.*all 2 rows are malformed: items\[0\]: failingChecks is not an array of strings/,
        ),
      }),
    );
  });

  it('stores nothing, without an error, when the scorecard has no rows', async () => {
    mockFetch({ '/scorecard': page([]) });
    const ctx = context();

    await expect(
      createEcsDeployReadinessFactRetriever().handler(ctx),
    ).resolves.toEqual([]);
    expect(ctx.logger.warn).not.toHaveBeenCalled();
  });
});
