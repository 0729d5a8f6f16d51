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
import type { AuditRun, ReadinessStore } from '../store/ReadinessStore';
import { ManualAudits } from './ManualAudits';

function setup(options: { intervalMs?: number; timeoutMs?: number } = {}) {
  let now = Date.parse('2026-12-01T10:00:00.000Z');
  const runs: AuditRun[] = [];
  const finish: Array<() => void> = [];
  const signals: AbortSignal[] = [];
  const store = {
    async getAuditRun(id: number) {
      return runs.find(r => r.id === id);
    },
    async findRecentAuditRun(q: { entityRef: string; startedSince: Date }) {
      return runs
        .filter(
          r =>
            r.entityRef === q.entityRef &&
            (r.status === 'running' ||
              r.startedAt >= q.startedSince.toISOString()),
        )
        .pop();
    },
  } as unknown as ReadinessStore;
  const auditor = {
    startEntityAudit: jest.fn(
      async (entityRef: string, opts: { signal?: AbortSignal }) => {
        // The store is asked first by a concurrent request: give it a chance to race.
        await new Promise(r => setTimeout(r, 5));
        const run: AuditRun = {
          id: runs.length + 1,
          trigger: 'manual',
          entityRef,
          status: 'running',
          startedAt: new Date(now).toISOString(),
          servicesAudited: 0,
          entitiesAudited: 0,
          callsByApi: {},
          cacheHits: 0,
          cacheMisses: 0,
          errorsByAccount: {},
        };
        runs.push(run);
        signals.push(opts.signal!);
        const done = new Promise<any>(resolve => {
          finish.push(() => {
            run.status = 'succeeded';
            run.finishedAt = new Date(now).toISOString();
            resolve({ runId: run.id });
          });
        });
        return { runId: run.id, done };
      },
    ),
  };
  const audits = ManualAudits.create({
    store,
    auditor: auditor as any,
    logger: mockServices.logger.mock(),
    intervalMs: options.intervalMs ?? 60_000,
    timeoutMs: options.timeoutMs ?? 25 * 60_000,
    clock: () => new Date(now),
  });
  return {
    audits,
    auditor,
    finish,
    signals,
    runs,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('ManualAudits', () => {
  it('starts one run for concurrent requests of one entity', async () => {
    const { audits, auditor } = setup();

    const [a, b] = await Promise.all([
      audits.start('component:default/web'),
      audits.start('Component:default/WEB'),
    ]);

    expect(auditor.startEntityAudit).toHaveBeenCalledTimes(1);
    expect(a.run.id).toBe(b.run.id);
    expect([a.deduplicated, b.deduplicated].sort()).toEqual([false, true]);
  });

  it('answers with the last run within the interval, and starts a new one after it', async () => {
    const { audits, auditor, finish, advance } = setup({ intervalMs: 60_000 });

    const first = await audits.start('component:default/web');
    finish[0]();
    advance(30_000);
    const again = await audits.start('component:default/web');
    advance(31_000);
    const later = await audits.start('component:default/web');
    const other = await audits.start('component:default/api');

    expect(again).toMatchObject({ deduplicated: true });
    expect(again.run.id).toBe(first.run.id);
    expect(later.deduplicated).toBe(false);
    expect(later.run.id).not.toBe(first.run.id);
    expect(other.deduplicated).toBe(false);
    expect(auditor.startEntityAudit).toHaveBeenCalledTimes(3);
  });

  it('joins a run in flight however long ago it started, unless it outlived any audit', async () => {
    const { audits, advance } = setup({
      intervalMs: 1_000,
      timeoutMs: 600_000,
    });

    const first = await audits.start('component:default/web');
    advance(300_000);
    const joined = await audits.start('component:default/web');
    advance(400_000);
    const fresh = await audits.start('component:default/web');

    expect(joined.run.id).toBe(first.run.id);
    expect(fresh.run.id).not.toBe(first.run.id);
  });

  it('aborts its runs at shutdown', async () => {
    const { audits, signals } = setup();

    await audits.start('component:default/web');
    audits.abortAll();

    expect(signals[0].aborted).toBe(true);
  });
});
