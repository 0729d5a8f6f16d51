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

import { resolve } from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { Sandbox, startSandbox } from 'ecs-sandbox';
import { AwsClients } from '../aws';
import { ShardCollector } from './ShardCollector';
import { ServiceSnapshot, TaskDefinitionCache } from './types';

const SCENARIO = resolve(__dirname, '../../../../examples/demo-scenario.yaml');
const SHOP = '111111111111';
const TOOLS = '222222222222';
const BILLING = '333333333333';
const SHOP_SERVICES = [
  'checkout-api',
  'catalog-web',
  'search-indexer',
  'storefront-web',
  'orders',
  'edge-proxy',
  'recommendations',
];
const shopArn = (name: string) =>
  `arn:aws:ecs:eu-west-1:${SHOP}:service/shop-prod/${name}`;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: SCENARIO });
});

afterAll(() => sandbox.stop());

function makeClients(url = sandbox.url) {
  const key = (accountId: string, accessKeyId: string) => ({
    accountId,
    accessKeyId,
    secretAccessKey: 'sandbox',
  });
  return AwsClients.create({
    config: new ConfigReader({
      aws: {
        accounts: [
          key(SHOP, 'AKIASANDBOXSHOPPROD1'),
          key(TOOLS, 'AKIASANDBOXPLATFORM1'),
          key(BILLING, 'AKIASANDBOXBILLING01'),
        ],
      },
      ecsDeployReadiness: { aws: { endpoint: url } },
    }),
    logger: mockServices.logger.mock(),
  });
}

function memoryCache(): TaskDefinitionCache & { map: Map<string, JsonObject> } {
  const map = new Map<string, JsonObject>();
  return {
    map,
    get: async arn => map.get(arn),
    put: async (arn, def) => {
      map.set(arn, def);
    },
  };
}

function setup(url?: string) {
  const clients = makeClients(url);
  const cache = memoryCache();
  const collector = ShardCollector.create({
    clients,
    taskDefinitions: cache,
    logger: mockServices.logger.mock(),
  });
  return { clients, cache, collector };
}

async function collectShop(names: string[], collector = setup().collector) {
  return collector.collect({
    accountId: SHOP,
    region: 'eu-west-1',
    serviceArns: names.map(shopArn),
  });
}

function byName(snapshots: ServiceSnapshot[], name: string) {
  const found = snapshots.find(s => s.serviceName === name);
  if (!found) throw new Error(`no snapshot of ${name}`);
  return found;
}

const delta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([api, n]) => [api, n - (before[api] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );

describe('ShardCollector', () => {
  it('collects the deployments, stopped tasks and platform of storefront-web', async () => {
    const result = await collectShop(['storefront-web']);
    expect(result.errors).toEqual([]);
    expect(result.canceled).toBe(false);
    const web = byName(result.snapshots, 'storefront-web');
    const td9 = `arn:aws:ecs:eu-west-1:${SHOP}:task-definition/storefront-web:9`;
    const td8 = `arn:aws:ecs:eu-west-1:${SHOP}:task-definition/storefront-web:8`;
    expect(web).toMatchObject({
      serviceArn: shopArn('storefront-web'),
      clusterArn: `arn:aws:ecs:eu-west-1:${SHOP}:cluster/shop-prod`,
      launchType: 'FARGATE',
      circuitBreaker: { enable: false, rollback: false },
      taskDefinitionArn: td9,
      // No runtimePlatform: Fargate's default applies, which the engine decides.
      platform: { requiresCompatibilities: ['FARGATE'] },
    });
    expect(web.platform?.runtimePlatform).toBeUndefined();
    expect(web.deployments).toMatchObject([
      {
        status: 'PRIMARY',
        rolloutState: 'IN_PROGRESS',
        taskDefinitionArn: td9,
        runningCount: 0,
        failedTasks: 12,
        serviceDeployment: { circuitBreaker: { status: 'DISABLED' } },
      },
      { status: 'ACTIVE', taskDefinitionArn: td8, runningCount: 2 },
    ]);
    expect(Object.keys(web.taskDefinitions).sort()).toEqual([td8, td9]);
    expect(web.taskDefinitions[td9]).toMatchObject({
      family: 'storefront-web',
      revision: 9,
      containerDefinitions: [{ name: 'web' }],
    });

    // The old deployment's two tasks still run, on the digest its revision resolved.
    const resolved = web.deployments[1].containerImages?.[0].imageDigest;
    expect(resolved).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(web.runningImages).toEqual([
      expect.objectContaining({
        containerName: 'web',
        imageDigest: resolved,
        taskDefinitionArn: td8,
        taskCount: 2,
      }),
    ]);

    expect(web.stoppedTasks.length).toBeGreaterThanOrEqual(1);
    for (const task of web.stoppedTasks) {
      expect(task).toMatchObject({
        taskDefinitionArn: td9,
        stopCode: 'TaskFailedToStart',
        stoppedReason: expect.stringContaining(
          "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
        ),
        containers: [
          expect.objectContaining({
            name: 'web',
            reason: expect.stringContaining('CannotPullContainerError'),
          }),
        ],
      });
      expect(task.taskArn).toMatch(/:task\/shop-prod\//);
      expect(Date.parse(task.stoppedAt!)).not.toBeNaN();
    }
    expect(web.events.map(e => e.message)).toContainEqual(
      expect.stringContaining('is unable to consistently start tasks'),
    );
  });

  it('keeps a capacity provider strategy, and EC2 tasks on a deleted digest', async () => {
    const result = await collectShop(['recommendations', 'orders']);
    const recs = byName(result.snapshots, 'recommendations');
    expect(recs.launchType).toBeUndefined();
    expect(recs.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);

    const orders = byName(result.snapshots, 'orders');
    expect(orders).toMatchObject({
      launchType: 'EC2',
      platform: { requiresCompatibilities: ['EC2'] },
    });
    // The deployment resolved orders:latest to build 1187; both running tasks use it.
    const resolved = orders.deployments[0].containerImages?.[0].imageDigest;
    expect(orders.runningImages).toEqual([
      expect.objectContaining({
        containerName: 'orders',
        imageDigest: resolved,
        taskCount: 2,
      }),
    ]);
    const reasons = orders.stoppedTasks.map(t => t.stoppedReason);
    expect(reasons).toContainEqual(
      expect.stringContaining(
        `manifest for 111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders@${resolved} not found: manifest unknown`,
      ),
    );
    const oom = orders.stoppedTasks.find(
      t => t.stopCode === 'EssentialContainerExited',
    );
    expect(oom?.containers).toEqual([
      expect.objectContaining({
        name: 'orders',
        reason: 'OutOfMemoryError: Container killed due to memory usage',
        exitCode: 137,
      }),
    ]);
  });

  it('reports the circuit breaker that stopped a deployment', async () => {
    const { collector } = setup();
    const result = await collector.collect({
      accountId: TOOLS,
      region: 'us-east-1',
      serviceArns: [`arn:aws:ecs:us-east-1:${TOOLS}:service/tools/autotag`],
    });
    expect(result.errors).toEqual([]);
    expect(result.snapshots[0].deployments).toMatchObject([
      {
        status: 'PRIMARY',
        rolloutState: 'FAILED',
        failedTasks: 3,
        serviceDeployment: { circuitBreaker: { status: 'TRIGGERED' } },
      },
    ]);
  });

  it('lists and describes tasks per cluster: the same calls for one service as for seven', async () => {
    const one = setup();
    await collectShop(['orders'], one.collector);
    const all = setup();
    const result = await collectShop(SHOP_SERVICES, all.collector);
    expect(result.snapshots).toHaveLength(7);

    const oneCalls = one.clients.calls();
    const allCalls = all.clients.calls();
    // RUNNING and STOPPED, one page each; every task of the cluster fits one DescribeTasks.
    expect(oneCalls['ecs:ListTasks']).toBe(2);
    expect(allCalls['ecs:ListTasks']).toBe(2);
    expect(oneCalls['ecs:DescribeTasks']).toBe(1);
    expect(allCalls['ecs:DescribeTasks']).toBe(1);
    expect(allCalls).toMatchObject({
      'ecs:DescribeServices': 1,
      'ecs:DescribeServiceRevisions': 1,
      'ecs:DescribeServiceDeployments': 1,
      // Nine distinct task definitions among seven services' deployments.
      'ecs:DescribeTaskDefinition': 9,
    });
  });

  it('describes services ten a call', async () => {
    const { clients, collector } = setup();
    const names = [
      ...SHOP_SERVICES,
      ...Array.from({ length: 8 }, (_, i) => `gone-${i}`),
    ];
    const result = await collectShop(names, collector);
    expect(clients.calls()['ecs:DescribeServices']).toBe(2);
    expect(result.snapshots).toHaveLength(7);
    expect(result.missing).toHaveLength(8);
    expect(result.missing[0]).toEqual({
      serviceArn: shopArn('gone-0'),
      reason: 'MISSING',
    });
  });

  it('reads a task definition once, ever, with the cache', async () => {
    const { clients, cache, collector } = setup();
    const first = await collectShop(SHOP_SERVICES, collector);
    const afterFirst = clients.calls();
    expect(afterFirst['ecs:DescribeTaskDefinition']).toBe(9);
    expect(cache.map.size).toBe(9);

    const second = await collectShop(SHOP_SERVICES, collector);
    const secondCalls = delta(afterFirst, clients.calls());
    expect(secondCalls['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(secondCalls['ecs:DescribeServices']).toBe(1);
    expect(byName(second.snapshots, 'orders').taskDefinitions).toEqual(
      byName(first.snapshots, 'orders').taskDefinitions,
    );
  });

  it('returns a denied account as a shard error with the permission to add', async () => {
    const { collector } = setup();
    const arn = `arn:aws:ecs:eu-west-1:${BILLING}:service/billing/billing-api`;
    const result = await collector.collect({
      accountId: BILLING,
      region: 'eu-west-1',
      serviceArns: [arn],
    });
    expect(result.snapshots).toEqual([]);
    expect(result.failedServiceArns).toEqual([arn]);
    expect(result.errors).toEqual([
      {
        code: 'AccessDeniedException',
        message: expect.stringContaining(
          'is not authorized to perform: ecs:DescribeServices',
        ),
        accountId: BILLING,
        region: 'eu-west-1',
        api: 'ecs:DescribeServices',
        permission: 'ecs:DescribeServices',
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/AKIA|sandbox"/);
  });

  it('returns an account without credentials as a shard error', async () => {
    // Only the main account (whose id integration-aws-node asks STS for) and no default role.
    const saved = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = sandbox.url;
    try {
      const clients = AwsClients.create({
        config: new ConfigReader({
          aws: {
            mainAccount: {
              accessKeyId: 'AKIASANDBOXSHOPPROD1',
              secretAccessKey: 'sandbox',
            },
          },
          ecsDeployReadiness: { aws: { endpoint: sandbox.url } },
        }),
      });
      const collector = ShardCollector.create({
        clients,
        taskDefinitions: memoryCache(),
      });
      const result = await collector.collect({
        accountId: '444444444444',
        region: 'eu-west-1',
        serviceArns: [`arn:aws:ecs:eu-west-1:444444444444:service/x/y`],
      });
      expect(result.errors).toMatchObject([
        {
          code: 'AccountNotConfigured',
          accountId: '444444444444',
          api: 'ecs:DescribeServices',
        },
      ]);
      expect(result.failedServiceArns).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = saved;
    }
  });

  it('sets aside ARNs that are not services of the shard', async () => {
    const { clients, collector } = setup();
    const result = await collector.collect({
      accountId: SHOP,
      region: 'eu-west-1',
      serviceArns: [
        'not-an-arn',
        `arn:aws:ecs:us-east-1:${SHOP}:service/shop-prod/orders`,
        `arn:aws:ecs:eu-west-1:${SHOP}:service/nowhere/orders`,
      ],
    });
    expect(result.missing.map(m => m.reason)).toEqual([
      'not an ECS service ARN',
      `not in account ${SHOP}, region eu-west-1`,
      `cluster not found: arn:aws:ecs:eu-west-1:${SHOP}:cluster/nowhere`,
    ]);
    expect(result.errors).toEqual([]);
    expect(clients.calls()).toEqual({ 'ecs:DescribeServices': 1 });
  });

  it('stops quickly when the signal aborts', async () => {
    const slow = await startSandbox({ scenario: SCENARIO, latencyMs: 3000 });
    try {
      const { collector } = setup(slow.url);
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      const result = await collector.collect(
        {
          accountId: SHOP,
          region: 'eu-west-1',
          serviceArns: SHOP_SERVICES.map(shopArn),
        },
        { signal: controller.signal },
      );
      expect(Date.now() - started).toBeLessThan(1500);
      expect(result).toMatchObject({
        canceled: true,
        snapshots: [],
        errors: [{ code: 'Canceled' }],
      });
      expect(result.failedServiceArns).toHaveLength(7);

      const before = Date.now();
      const again = await collector.collect(
        {
          accountId: SHOP,
          region: 'eu-west-1',
          serviceArns: [shopArn('orders')],
        },
        { signal: controller.signal },
      );
      expect(again.canceled).toBe(true);
      expect(Date.now() - before).toBeLessThan(100);
    } finally {
      await slow.stop();
    }
  });
});
