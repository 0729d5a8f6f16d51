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

import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { ReadinessStore } from '../store/ReadinessStore';
import { ReadinessMetrics } from './ReadinessMetrics';

/** A metrics service that keeps every instrument, so a test can collect like an exporter. */
function fakeMetrics() {
  const recorded: Array<{ name: string; value: number; attributes: object }> =
    [];
  const callbacks = new Map<string, Array<(r: any) => Promise<void> | void>>();
  const sync = (name: string) => ({
    add: (value: number, attributes = {}) =>
      recorded.push({ name, value, attributes }),
    record: (value: number, attributes = {}) =>
      recorded.push({ name, value, attributes }),
  });
  const observable = (name: string) => ({
    addCallback: (cb: any) =>
      callbacks.set(name, [...(callbacks.get(name) ?? []), cb]),
    removeCallback: () => {},
  });
  const service = {
    createCounter: sync,
    createUpDownCounter: sync,
    createHistogram: sync,
    createGauge: sync,
    createObservableCounter: observable,
    createObservableUpDownCounter: observable,
    createObservableGauge: observable,
  } as unknown as MetricsService;
  const collect = async (name: string) => {
    const seen: Array<{ value: number; attributes: object }> = [];
    for (const cb of callbacks.get(name) ?? []) {
      await cb({
        observe: (value: number, attributes = {}) =>
          seen.push({ value, attributes }),
      });
    }
    return seen;
  };
  return { service, recorded, collect, names: () => [...callbacks.keys()] };
}

const finding = (id: string, severity: string) => ({ id, severity });

function fakeStore() {
  return {
    listScorecard: jest.fn(async () => ({
      items: [
        {
          entityRef: 'component:default/storefront-web',
          owner: 'group:default/shop',
          status: 'blocked',
        },
        { entityRef: 'component:default/orders', status: 'ready' },
      ],
      totals: {},
    })),
    listEntityReports: jest.fn(async () => ({
      items: [
        { findings: [], serviceArns: ['arn:a', 'arn:b'] },
        { findings: [finding('link-error', 'risk')], serviceArns: ['arn:a'] },
      ],
      totalCount: 2,
    })),
    getServiceReports: jest.fn(async (arns: string[]) =>
      arns.map(arn => ({
        serviceArn: arn,
        findings:
          arn === 'arn:a'
            ? [finding('platform-missing', 'blocking')]
            : [
                finding('platform-missing', 'blocking'),
                finding('mutable-tag-reference', 'risk'),
              ],
      })),
    ),
    countPullErrors: jest.fn(async () => [
      { day: '2026-01-01', category: 'platform-mismatch', count: 3 },
      { day: '2026-01-02', category: 'platform-mismatch', count: 2 },
      { day: '2026-01-02', category: 'rate-limited', count: 1 },
    ]),
  };
}

describe('ReadinessMetrics', () => {
  it('reports entities by status, each entity, findings by check and pull failures by category', async () => {
    const metrics = fakeMetrics();
    const store = fakeStore();
    ReadinessMetrics.create({
      metrics: metrics.service,
      store: store as unknown as ReadinessStore,
    });

    expect(await metrics.collect('ecs_deploy_readiness.entities')).toEqual(
      expect.arrayContaining([
        { value: 1, attributes: { status: 'blocked' } },
        { value: 1, attributes: { status: 'ready' } },
        { value: 0, attributes: { status: 'at-risk' } },
        { value: 0, attributes: { status: 'unknown' } },
      ]),
    );
    expect(
      await metrics.collect('ecs_deploy_readiness.entity.status'),
    ).toContainEqual({
      value: 1,
      attributes: {
        entity_ref: 'component:default/storefront-web',
        owner: 'group:default/shop',
        status: 'blocked',
      },
    });
    // A service two entities link to counts once.
    expect(await metrics.collect('ecs_deploy_readiness.findings')).toEqual(
      expect.arrayContaining([
        {
          value: 2,
          attributes: { check: 'platform-missing', severity: 'blocking' },
        },
        {
          value: 1,
          attributes: { check: 'mutable-tag-reference', severity: 'risk' },
        },
        { value: 1, attributes: { check: 'link-error', severity: 'risk' } },
      ]),
    );
    expect(await metrics.collect('ecs_deploy_readiness.pull_failures')).toEqual(
      [
        { value: 5, attributes: { category: 'platform-mismatch' } },
        { value: 1, attributes: { category: 'rate-limited' } },
      ],
    );
    // One read of the store serves every gauge of a collection.
    expect(store.listScorecard).toHaveBeenCalledTimes(1);
  });

  it('records an audit run: duration, outcome and AWS calls by API', () => {
    const metrics = fakeMetrics();
    const readiness = ReadinessMetrics.create({
      metrics: metrics.service,
      store: fakeStore() as unknown as ReadinessStore,
    });

    readiness.auditFinished(
      {
        status: 'partial',
        callsByApi: { 'ecs:DescribeServices': 4, 'ecr:DescribeImages': 0 },
      },
      { trigger: 'schedule', durationMs: 1500 },
    );

    expect(metrics.recorded).toEqual([
      {
        name: 'ecs_deploy_readiness.audit.duration',
        value: 1.5,
        attributes: { trigger: 'schedule', status: 'partial' },
      },
      {
        name: 'ecs_deploy_readiness.audit.runs',
        value: 1,
        attributes: { trigger: 'schedule', status: 'partial' },
      },
      {
        name: 'ecs_deploy_readiness.aws.calls',
        value: 4,
        attributes: { api: 'ecs:DescribeServices' },
      },
    ]);
  });

  it('times manual and deployment audits as well, a failing one as failed, and counts gate decisions', async () => {
    const metrics = fakeMetrics();
    let now = 1_000;
    const readiness = ReadinessMetrics.create({
      metrics: metrics.service,
      store: fakeStore() as unknown as ReadinessStore,
      clock: () => now,
    });

    const summary = await readiness.timed('manual', async () => {
      now += 2_000;
      return {
        status: 'succeeded' as const,
        callsByApi: { 'ecs:DescribeServices': 1 },
      };
    });
    expect(summary.status).toBe('succeeded');
    await expect(
      readiness.timed('deployment', async () => {
        now += 500;
        throw new Error('ECS throttled');
      }),
    ).rejects.toThrow('ECS throttled');
    readiness.gateDecision({ decision: 'blocked', hookStatus: 'FAILED' });

    expect(metrics.recorded).toEqual([
      {
        name: 'ecs_deploy_readiness.audit.duration',
        value: 2,
        attributes: { trigger: 'manual', status: 'succeeded' },
      },
      {
        name: 'ecs_deploy_readiness.audit.runs',
        value: 1,
        attributes: { trigger: 'manual', status: 'succeeded' },
      },
      {
        name: 'ecs_deploy_readiness.aws.calls',
        value: 1,
        attributes: { api: 'ecs:DescribeServices' },
      },
      {
        name: 'ecs_deploy_readiness.audit.duration',
        value: 0.5,
        attributes: { trigger: 'deployment', status: 'failed' },
      },
      {
        name: 'ecs_deploy_readiness.audit.runs',
        value: 1,
        attributes: { trigger: 'deployment', status: 'failed' },
      },
      {
        name: 'ecs_deploy_readiness.gate.decisions',
        value: 1,
        attributes: { decision: 'blocked', hook_status: 'FAILED' },
      },
    ]);
  });
});
