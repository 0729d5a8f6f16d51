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

/*
 * The history task against the sandbox's demo scenario (docs/sandbox.md): its stopped tasks'
 * pull failures are stored once, linked to the findings that explain them, and pruned.
 */

import { resolve } from 'path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { type Sandbox, startSandbox } from 'ecs-sandbox';
import { EXAMPLES, demoTaskOptions } from '../__testUtils__/demo';
import { AuditRunner } from './AuditRunner';
import { HistoryIngester } from './HistoryIngester';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: resolve(EXAMPLES, 'demo-scenario.yaml'),
  });
}, 60_000);

afterAll(() => sandbox?.stop());

async function setUp() {
  const options = await demoTaskOptions(sandbox, databases);
  // The history reads the links that the catalog link stored.
  await AuditRunner.create(options).link();
  return {
    store: options.store,
    options,
    ingester: (clock?: () => Date) =>
      HistoryIngester.create({ ...options, clock }),
  };
}

const DAY = 24 * 60 * 60 * 1000;

const SEARCH_INDEXER = 'search-indexer';

async function pullErrorsOf(
  store: Awaited<ReturnType<typeof setUp>>['store'],
  serviceName?: string,
) {
  const { items } = await store.listPullErrors({ limit: 500 });
  // By service: before an audit there is no entity report to list an entity's errors by.
  return serviceName
    ? items.filter(p => p.serviceArn.endsWith(`/${serviceName}`))
    : items;
}

describe('HistoryIngester against the demo scenario', () => {
  it('stores the new pull failures of stopped tasks, classified, and none twice', async () => {
    const { store, ingester } = await setUp();

    const first = await ingester().run();
    const stored = await pullErrorsOf(store);

    expect(first.pullErrorsAdded).toBeGreaterThan(0);
    expect(first.pullErrorsAdded).toBe(stored.length);
    expect(first.servicesSeen).toBe(9);
    // The denied account is counted, the others were ingested.
    expect(Object.keys(first.errorsByAccount)).toEqual(['333333333333']);
    const search = await pullErrorsOf(store, SEARCH_INDEXER);
    expect(search.length).toBeGreaterThan(0);
    expect(search.map(p => p.category)).toEqual(
      search.map(() => 'mixed-compression'),
    );
    // Deduplicated by task ARN and container.
    const keys = stored.map(p => `${p.taskArn} ${p.container ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Before any audit there are no findings to confirm them with: not "none explain it".
    expect(stored.every(p => !('confirmedBy' in p.classified))).toBe(true);

    const second = await ingester().run();
    expect(second).toMatchObject({
      pullErrorsAdded: 0,
      pruned: 0,
      deploymentsWritten: 0,
      eventsAdded: 0,
    });
    expect(second.pullErrorsSeen).toBe(first.pullErrorsSeen);
    expect(await pullErrorsOf(store)).toHaveLength(stored.length);
  }, 120_000);

  it('stores the service deployments (kept 90 days by ECS) and notable service events once', async () => {
    const { store, ingester } = await setUp();

    const first = await ingester().run();
    expect(first.deploymentsWritten).toBeGreaterThan(0);
    expect(first.eventsAdded).toBeGreaterThan(0);
    const arns = (await store.listLinks()).map(l => l.serviceArn);
    const deployments = await store.listServiceDeployments({
      serviceArns: arns,
    });
    expect(deployments).toHaveLength(first.deploymentsWritten);
    // The image-platform story: its rollout failed, and ECS says why.
    const storefront = deployments.filter(d =>
      d.serviceArn.endsWith('/storefront-web'),
    );
    expect(storefront.length).toBeGreaterThan(0);
    for (const d of deployments) {
      expect(d.deploymentArn).toMatch(/^arn:aws:ecs:/);
      expect(typeof d.createdAt).toBe('string');
      // The task definition it rolls out, from its target revision (DescribeServiceRevisions).
      expect(d.taskDefinitionArn).toMatch(/:task-definition\/[\w-]+:\d+$/);
    }
    // storefront-web's two deployments of the story: the arm64-only :9 and the :8 before it.
    expect(
      storefront.map(d => d.taskDefinitionArn!.split('/').pop()).sort(),
    ).toEqual(['storefront-web:8', 'storefront-web:9']);
    const events = await store.listServiceEvents({ serviceArns: arns });
    expect(events).toHaveLength(first.eventsAdded);
    // Steady-state chatter is not kept.
    expect(events.some(e => /steady state/.test(e.message))).toBe(false);

    // Nothing changed: no deployment re-read as new, no event stored twice.
    const second = await ingester().run();
    expect(second.deploymentsWritten).toBe(0);
    expect(second.eventsAdded).toBe(0);
  }, 120_000);

  it('audits at once the services redeployed since their last report', async () => {
    const { store, options } = await setUp();
    const runner = AuditRunner.create(options);
    const ingester = HistoryIngester.create({ ...options, auditor: runner });

    // Never audited: every readable service counts as redeployed and is audited now.
    const first = await ingester.run();
    expect(first.servicesRedeployed.length).toBe(9);
    const reports = await store.getServiceReports(first.servicesRedeployed);
    expect(reports).toHaveLength(9);
    const runs = await store.listAuditRuns();
    expect(runs.map(r => r.trigger)).toContain('deployment');

    // Audited and unchanged: nothing to redeploy.
    const second = await ingester.run();
    expect(second.servicesRedeployed).toEqual([]);
  }, 120_000);

  it('links each new pull failure to the current findings of its service that explain it', async () => {
    const { store, options, ingester } = await setUp();
    await AuditRunner.create(options).run();
    // Forget what the audit stored, so the ingester sees every failure as new.
    await store.prunePullErrors({ olderThan: new Date(Date.now() + DAY) });

    const summary = await ingester().run();

    expect(summary.pullErrorsAdded).toBeGreaterThan(0);
    const search = await pullErrorsOf(store, SEARCH_INDEXER);
    expect(search.length).toBeGreaterThan(0);
    for (const error of search) {
      expect((error.classified as any).confirmedBy).toContain(
        'mixed-layer-compression',
      );
    }
    expect(
      (await pullErrorsOf(store)).every(p =>
        Array.isArray((p.classified as any).confirmedBy),
      ),
    ).toBe(true);
  }, 120_000);

  it('prunes pull errors older than the retention', async () => {
    const { store, options, ingester } = await setUp();
    const first = await ingester().run();
    expect(first.pullErrorsAdded).toBeGreaterThan(0);

    // Just inside the retention (90 days): kept.
    const retention = 90 * DAY;
    const inside = await ingester(
      () => new Date(Date.now() + retention - DAY),
    ).run();
    // (The scenario's deployments and events are older than its stopped tasks: some go.)
    expect(inside.pruned).toBeLessThan(
      first.deploymentsWritten + first.eventsAdded,
    );
    expect(await pullErrorsOf(store)).toHaveLength(first.pullErrorsAdded);

    // A day past it: gone, and the same stopped tasks are not stored again.
    const past = await ingester(
      () => new Date(Date.now() + retention + DAY),
    ).run();
    expect(past.pruned).toBeGreaterThanOrEqual(first.pullErrorsAdded);
    expect(await pullErrorsOf(store)).toHaveLength(0);
    const arns = (await store.listLinks()).map(l => l.serviceArn);
    expect(await store.listServiceDeployments({ serviceArns: arns })).toEqual(
      [],
    );
    expect(await store.listServiceEvents({ serviceArns: arns })).toEqual([]);
    expect(options.config.pullErrors.retention).toEqual({ days: 90 });
  }, 120_000);
});
