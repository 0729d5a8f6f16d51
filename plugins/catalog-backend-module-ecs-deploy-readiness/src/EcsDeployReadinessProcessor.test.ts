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
import type { Entity } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import type { ScorecardRow } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { EcsDeployReadinessProcessor } from './EcsDeployReadinessProcessor';
import { CachedReadinessSource, readScorecard } from './ReadinessSource';

const entity = (name: string, annotations: Record<string, string> = {}) =>
  ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      labels: { tier: 'front' },
      annotations: {
        'aws.amazon.com/amazon-ecs-service-arn': `arn:aws:ecs:eu-west-1:111111111111:service/prod/${name}`,
        ...annotations,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  } as Entity);

const row = (name: string, over: Partial<ScorecardRow> = {}): ScorecardRow => ({
  entityRef: `component:default/${name}`,
  kind: 'Component',
  namespace: 'default',
  name,
  status: 'blocked',
  counts: { blocking: 2, risk: 1, info: 0 },
  failingChecks: ['platform-missing'],
  services: 1,
  stale: false,
  lastAudited: '2026-01-02T03:04:05.000Z',
  lastPullFailure: '2026-01-01T00:00:00.000Z',
  ...over,
});

function setUp(options: { ttl?: number } = {}) {
  let now = 1_000_000;
  const read = jest.fn<Promise<ScorecardRow[]>, [AbortSignal]>();
  const source = new CachedReadinessSource({
    read,
    logger: mockServices.logger.mock(),
    cacheTtlMs: options.ttl ?? 60_000,
    timeoutMs: 1_000,
    clock: () => now,
  });
  const processor = new EcsDeployReadinessProcessor(source);
  return {
    read,
    processor,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('EcsDeployReadinessProcessor', () => {
  it('stamps a linked entity with its status label and count and time annotations, keeping its own', async () => {
    const { read, processor } = setUp();
    read.mockResolvedValue([row('storefront-web')]);

    const result = await processor.preProcessEntity(entity('storefront-web'));

    expect(result.metadata.labels).toEqual({
      tier: 'front',
      'ecs-deploy-readiness/status': 'blocked',
    });
    expect(result.metadata.annotations).toMatchObject({
      'aws.amazon.com/amazon-ecs-service-arn': expect.any(String),
      'ecs-deploy-readiness/blocking-count': '2',
      'ecs-deploy-readiness/risk-count': '1',
      'ecs-deploy-readiness/info-count': '0',
      'ecs-deploy-readiness/last-audited': '2026-01-02T03:04:05.000Z',
      'ecs-deploy-readiness/last-pull-failure': '2026-01-01T00:00:00.000Z',
    });
  });

  it('matches entity refs in any case and leaves entities the plugin does not report on untouched', async () => {
    const { read, processor } = setUp();
    read.mockResolvedValue([row('storefront-web', { status: 'at-risk' })]);
    const mixed = {
      ...entity('x'),
      metadata: { ...entity('x').metadata, name: 'Storefront-Web' },
    };
    const other = entity('orders');

    expect(
      (await processor.preProcessEntity(mixed)).metadata.labels?.[
        'ecs-deploy-readiness/status'
      ],
    ).toBe('at-risk');
    expect(await processor.preProcessEntity(other)).toBe(other);
  });

  it('reads once for a whole processing pass and again only after the cache time', async () => {
    const { read, processor, advance } = setUp({ ttl: 60_000 });
    read.mockResolvedValueOnce([row('a', { status: 'ready' })]);
    read.mockResolvedValueOnce([row('a', { status: 'blocked' })]);
    const status = async () =>
      (await processor.preProcessEntity(entity('a'))).metadata.labels?.[
        'ecs-deploy-readiness/status'
      ];

    // Concurrent entities share the read in flight.
    await Promise.all(
      ['a', 'b', 'c', 'd'].map(n => processor.preProcessEntity(entity(n))),
    );
    expect(await status()).toBe('ready');
    advance(59_000);
    expect(await status()).toBe('ready');
    expect(read).toHaveBeenCalledTimes(1);

    advance(2_000);
    expect(await status()).toBe('blocked');
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps the last stamp while the backend is down, and does not retry it on every entity', async () => {
    const { read, processor, advance } = setUp({ ttl: 60_000 });
    read.mockResolvedValueOnce([row('a')]);
    await processor.preProcessEntity(entity('a'));
    read.mockRejectedValue(new Error('connect ECONNREFUSED'));
    advance(61_000);

    const result = await processor.preProcessEntity(entity('a'));
    await processor.preProcessEntity(entity('a'));

    expect(result.metadata.labels?.['ecs-deploy-readiness/status']).toBe(
      'blocked',
    );
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('never stamps "unknown" when the backend is down from the start: a linked entity fails processing, so the catalog keeps it as it was', async () => {
    const { read, processor } = setUp();
    read.mockRejectedValue(new Error('connect ECONNREFUSED'));
    const unlinked = {
      ...entity('group'),
      metadata: { name: 'group', annotations: {} },
    } as Entity;

    await expect(processor.preProcessEntity(entity('a'))).rejects.toThrow(
      ServiceUnavailableError,
    );
    // An entity no link annotation names cannot have had a stamp: processed as it is.
    expect(await processor.preProcessEntity(unlinked)).toBe(unlinked);
  });

  it('after a restart with the backend down, stamps each entity from its own last processing (also one linked through a Resource, without an AWS annotation)', async () => {
    // The catalog's per-entity processor cache: what a run set is what the next run gets, and
    // a run that sets nothing leaves it as it was.
    const stored = new Map<string, Map<string, unknown>>();
    const cacheOf = (name: string) => {
      const written = new Map<string, unknown>();
      return {
        cache: {
          get: async (key: string) => stored.get(name)?.get(key),
          set: async (key: string, value: unknown) => {
            written.set(key, value);
          },
        } as any,
        commit: () => {
          if (written.size > 0) stored.set(name, written);
        },
      };
    };
    const process = async (
      processor: EcsDeployReadinessProcessor,
      e: Entity,
    ) => {
      const { cache, commit } = cacheOf(e.metadata.name);
      const result = await processor.preProcessEntity(
        e,
        undefined,
        undefined,
        undefined,
        cache,
      );
      commit();
      return result;
    };
    const viaResource = {
      ...entity('web'),
      metadata: { name: 'web', annotations: {} },
    } as Entity;

    const before = setUp();
    before.read.mockResolvedValue([row('web', { status: 'at-risk' })]);
    expect(
      (await process(before.processor, viaResource)).metadata.labels,
    ).toMatchObject({ 'ecs-deploy-readiness/status': 'at-risk' });
    expect(
      (await process(before.processor, entity('gone'))).metadata.labels,
    ).not.toHaveProperty('ecs-deploy-readiness/status');

    const after = setUp();
    after.read.mockRejectedValue(new Error('connect ECONNREFUSED'));
    for (let pass = 0; pass < 2; pass++) {
      const stamped = await process(after.processor, viaResource);
      expect(stamped.metadata.labels).toMatchObject({
        'ecs-deploy-readiness/status': 'at-risk',
      });
      expect(stamped.metadata.annotations).toMatchObject({
        'ecs-deploy-readiness/blocking-count': '2',
      });
    }
    // Not reported on last time (the cache says so): a linked entity still fails, as before.
    await expect(process(after.processor, entity('gone'))).rejects.toThrow(
      ServiceUnavailableError,
    );

    // Back up, and the entity is no longer reported on: its stamp goes, and stays gone.
    const back = setUp();
    back.read.mockResolvedValue([]);
    expect(
      (await process(back.processor, viaResource)).metadata.labels?.[
        'ecs-deploy-readiness/status'
      ],
    ).toBeUndefined();
    const down = setUp();
    down.read.mockRejectedValue(new Error('connect ECONNREFUSED'));
    expect(await process(down.processor, viaResource)).toBe(viaResource);
  });
});

describe('readScorecard', () => {
  it('reads every page with a service token for the backend plugin', async () => {
    const pages: Record<string, object> = {
      '': { items: [row('a')], totals: {}, nextCursor: 'c1' },
      c1: { items: [row('b')], totals: {} },
    };
    const fetch = jest.fn(async (url: string, init: RequestInit) => {
      const u = new URL(url);
      expect(u.pathname).toBe('/api/ecs-deploy-readiness/scorecard');
      expect(u.searchParams.get('limit')).toBe('500');
      expect((init.headers as Record<string, string>).Authorization).toMatch(
        /^Bearer .+/,
      );
      return new Response(
        JSON.stringify(pages[u.searchParams.get('cursor') ?? '']),
        { headers: { 'content-type': 'application/json' } },
      );
    });
    const read = readScorecard({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      fetch: fetch as unknown as typeof globalThis.fetch,
    });

    const rows = await read(new AbortController().signal);

    expect(rows.map(r => r.name)).toEqual(['a', 'b']);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('fails on an error response, so the last snapshot is kept', async () => {
    const read = readScorecard({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      fetch: (async () =>
        new Response(
          JSON.stringify({ error: { name: 'Error', message: 'x' } }),
          {
            status: 503,
            headers: { 'content-type': 'application/json' },
          },
        )) as unknown as typeof globalThis.fetch,
    });
    await expect(read(new AbortController().signal)).rejects.toThrow(/503/);
  });
});
