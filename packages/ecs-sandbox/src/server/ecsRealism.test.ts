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
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { ScenarioDocument } from '../scenario/types';
import { Sandbox, startSandbox } from './sandbox';

/*
 * Where the audit depends on ECS behaviour, the sandbox must not be kinder than AWS (issue 10).
 * Each test goes through the real SDK client; the sandbox's clock is moved to see what a
 * poller sees later.
 */

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const KEY = 'AKIAREALISMTEST00001';
const MINUTE = 60_000;
const START = Date.parse('2026-03-02T12:00:00Z');
const PULL =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: not found';

function scenario(settings?: ScenarioDocument['settings']): ScenarioDocument {
  return {
    accounts: [
      { id: ACCOUNT, accessKeyId: KEY },
      { id: OTHER, accessKeyId: 'AKIAREALISMOTHER0001' },
    ],
    regions: ['eu-west-1'],
    settings,
    images: { app: { layers: 1 } },
    ecr: [{ name: 'app', images: [{ image: 'app', tags: ['v1'] }] }],
    taskDefinitions: [
      {
        family: 'app',
        revision: 1,
        containers: [{ name: 'app', image: 'app:v1' }],
      },
      {
        family: 'app',
        revision: 2,
        containers: [{ name: 'app', image: 'app:gone' }],
      },
      {
        family: 'host',
        revision: 1,
        requiresCompatibilities: ['EC2'],
        containers: [{ name: 'app', image: 'app:v1' }],
      },
    ],
    clusters: [
      {
        name: 'main',
        containerInstances: [
          { count: 1, agentVersion: '1.50.2', dockerVersion: '19.03.13-ce' },
        ],
        services: [
          {
            name: 'history',
            deployments: [{ taskDefinition: 'app:1', createdAt: '-3d' }],
            stoppedTasks: [
              { at: '-2h', stopCode: 'TaskFailedToStart', stoppedReason: PULL },
              {
                at: '-30m',
                stopCode: 'TaskFailedToStart',
                stoppedReason: PULL,
              },
            ],
          },
          {
            name: 'stuck',
            desiredCount: 2,
            circuitBreaker: { enable: false, rollback: false },
            deployments: [
              {
                taskDefinition: 'app:2',
                status: 'PRIMARY',
                rolloutState: 'IN_PROGRESS',
                createdAt: '-20m',
                runningCount: 0,
                failedTasks: 3,
              },
              {
                taskDefinition: 'app:1',
                status: 'ACTIVE',
                createdAt: '-5d',
                runningCount: 2,
              },
            ],
            stoppedTasks: [
              {
                at: '-1m',
                count: 3,
                every: '5m',
                repeat: true,
                stopCode: 'TaskFailedToStart',
                stoppedReason: PULL,
              },
            ],
          },
          {
            name: 'spot',
            desiredCount: 2,
            capacityProviderStrategy: [
              { capacityProvider: 'FARGATE', weight: 1, base: 1 },
              { capacityProvider: 'FARGATE_SPOT', weight: 3 },
            ],
            deployments: [{ taskDefinition: 'app:1' }],
          },
          {
            name: 'ec2',
            launchType: 'EC2',
            desiredCount: 2,
            deployments: [
              {
                taskDefinition: 'host:1',
                runningCount: 1,
                failedTasks: 4,
              },
            ],
          },
          {
            name: 'first',
            desiredCount: 10,
            deployments: [
              {
                taskDefinition: 'app:2',
                rolloutState: 'FAILED',
                runningCount: 0,
                failedTasks: 5,
              },
            ],
          },
        ],
      },
    ],
  };
}

let now = START;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: scenario(),
    now: new Date(START),
    clock: () => now,
  });
});

afterAll(() => sandbox.stop());

beforeEach(() => {
  now = START;
});

function ecs(target = sandbox, accessKeyId = KEY) {
  return new ECSClient({
    endpoint: target.url,
    region: 'eu-west-1',
    credentials: { accessKeyId, secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  });
}

async function stopped(service: string, target = sandbox) {
  const { taskArns } = await ecs(target).send(
    new ListTasksCommand({
      cluster: 'main',
      serviceName: service,
      desiredStatus: 'STOPPED',
    }),
  );
  if (!taskArns!.length) return [];
  const { tasks, failures } = await ecs(target).send(
    new DescribeTasksCommand({ cluster: 'main', tasks: taskArns }),
  );
  expect(failures).toEqual([]);
  return tasks!;
}

async function describe1(service: string) {
  const { services } = await ecs().send(
    new DescribeServicesCommand({ cluster: 'main', services: [service] }),
  );
  return services![0];
}

describe('stopped task retention', () => {
  it('shows stopped tasks for an hour by default, as ECS does', async () => {
    const tasks = await stopped('history');
    expect(tasks.map(t => t.stoppedAt!.getTime())).toEqual([
      START - 30 * MINUTE,
    ]);
    now = START + 31 * MINUTE;
    expect(await stopped('history')).toEqual([]);
  });

  it('answers MISSING for a stopped task ECS has forgotten', async () => {
    const [task] = await stopped('history');
    now = START + 2 * 60 * MINUTE;
    const out = await ecs().send(
      new DescribeTasksCommand({ cluster: 'main', tasks: [task.taskArn!] }),
    );
    expect(out.tasks).toEqual([]);
    expect(out.failures).toEqual([{ arn: task.taskArn, reason: 'MISSING' }]);
  });

  it('keeps every stopped task with stoppedTaskRetention: forever', async () => {
    const forever = await startSandbox({
      scenario: scenario({ stoppedTaskRetention: 'forever' }),
      now: new Date(START),
      clock: () => now,
    });
    try {
      expect(await stopped('history', forever)).toHaveLength(2);
    } finally {
      await forever.stop();
    }
  });
});

describe('a deployment that cannot pull keeps failing', () => {
  it('starts a new task every 5 minutes after start-up, each with its event', async () => {
    const first = await stopped('stuck');
    expect(first).toHaveLength(3);
    now = START + 10 * MINUTE;
    const later = await stopped('stuck');
    expect(later).toHaveLength(5);
    expect(later[0].stoppedAt!.getTime()).toBe(START + 9 * MINUTE);
    expect(later[0].stoppedReason).toContain('CannotPullContainerError');
    const svc = await describe1('stuck');
    expect(svc.events![0].message).toBe(
      `(service stuck) has started 1 tasks: (task ${later[0]
        .taskArn!.split('/')
        .pop()}).`,
    );
    expect(svc.events![0].createdAt!.getTime()).toBe(
      later[0].createdAt!.getTime(),
    );
  });

  it('never shows more than the last hour of them', async () => {
    now = START + 5 * 60 * MINUTE;
    const tasks = await stopped('stuck');
    expect(tasks).toHaveLength(12);
    expect(tasks.every(t => now - t.stoppedAt!.getTime() <= 60 * MINUTE)).toBe(
      true,
    );
    // ECS keeps the last 100 service events, longer than the tasks.
    expect((await describe1('stuck')).events!.length).toBeGreaterThan(12);
  });
});

describe('capacity provider strategies', () => {
  it('shows the strategy and no launchType; tasks name their capacity provider', async () => {
    const svc = await describe1('spot');
    expect(svc.launchType).toBeUndefined();
    expect(svc.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
    expect(svc.deployments![0].launchType).toBeUndefined();
    expect(svc.deployments![0].capacityProviderStrategy).toHaveLength(2);
    expect(svc.platformVersion).toBe('LATEST');
    const { taskArns } = await ecs().send(
      new ListTasksCommand({ cluster: 'main', serviceName: 'spot' }),
    );
    const { tasks } = await ecs().send(
      new DescribeTasksCommand({ cluster: 'main', tasks: taskArns }),
    );
    expect(tasks).toHaveLength(2);
    for (const t of tasks!) {
      expect(t.launchType).toBeUndefined();
      expect(['FARGATE', 'FARGATE_SPOT']).toContain(t.capacityProviderName);
    }
  });
});

describe('deployments', () => {
  it('resets failedTasks to 0 once the deployment has a running task', async () => {
    const svc = await describe1('ec2');
    expect(svc.deployments![0]).toMatchObject({
      runningCount: 1,
      failedTasks: 0,
    });
    const stuck = await describe1('stuck');
    expect(stuck.deployments![0]).toMatchObject({
      runningCount: 0,
      failedTasks: 3,
    });
  });

  it('reports an off circuit breaker as DISABLED and computes the threshold as ECS', async () => {
    const deployments = async (name: string) => {
      const svc = await describe1(name);
      const out = await ecs().send(
        new DescribeServiceDeploymentsCommand({
          serviceDeploymentArns: [svc.currentServiceDeployment!],
        }),
      );
      return out.serviceDeployments![0];
    };
    expect((await deployments('stuck')).deploymentCircuitBreaker).toMatchObject(
      {
        status: 'DISABLED',
        threshold: 3,
      },
    );
    // 0.5 × 10 desired = 5, within [3, 200].
    const first = await deployments('first');
    expect(first.deploymentCircuitBreaker).toMatchObject({
      status: 'TRIGGERED',
      threshold: 5,
      failureCount: 5,
    });
    // The first deployment of a service has no earlier revision to roll back to.
    expect(first.status).toBe('ROLLBACK_FAILED');
  });
});

describe('EC2 container instances', () => {
  it('places EC2 tasks on container instances with agent and Docker versions', async () => {
    const { clusters } = await ecs().send(
      new DescribeClustersCommand({ clusters: ['main'] }),
    );
    expect(clusters![0].registeredContainerInstancesCount).toBe(1);
    const { containerInstanceArns } = await ecs().send(
      new ListContainerInstancesCommand({ cluster: 'main' }),
    );
    expect(containerInstanceArns).toHaveLength(1);
    const { containerInstances } = await ecs().send(
      new DescribeContainerInstancesCommand({
        cluster: 'main',
        containerInstances: containerInstanceArns,
      }),
    );
    expect(containerInstances![0].versionInfo).toMatchObject({
      agentVersion: '1.50.2',
      dockerVersion: 'DockerVersion: 19.03.13-ce',
    });
    expect(containerInstances![0].runningTasksCount).toBe(1);
    const { taskArns } = await ecs().send(
      new ListTasksCommand({ cluster: 'main', serviceName: 'ec2' }),
    );
    const { tasks } = await ecs().send(
      new DescribeTasksCommand({ cluster: 'main', tasks: taskArns }),
    );
    expect(tasks![0].containerInstanceArn).toBe(containerInstanceArns![0]);
    expect(tasks![0].launchType).toBe('EC2');
  });
});

describe('input validation', () => {
  const invalid = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      e => e.name,
    );

  it('answers InvalidParameterException for unknown enum values', async () => {
    const client = ecs();
    expect(
      await invalid(
        client.send(
          new ListTasksCommand({
            cluster: 'main',
            desiredStatus: 'DONE' as any,
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await invalid(
        client.send(
          new ListTasksCommand({
            cluster: 'main',
            launchType: 'FARGATES' as any,
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await invalid(
        client.send(
          new DescribeServicesCommand({
            cluster: 'main',
            services: ['spot'],
            include: ['TAG' as any],
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
  });

  it("refuses another account's ARN as ECS does, not as a missing cluster", async () => {
    const error = await ecs()
      .send(
        new DescribeServicesCommand({
          cluster: `arn:aws:ecs:eu-west-1:${OTHER}:cluster/main`,
          services: ['spot'],
        }),
      )
      .catch(e => e);
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe(
      `Invalid identifier: Identifier is for ${OTHER}. Your accountId is ${ACCOUNT}`,
    );
  });
});

describe('throttling', () => {
  it('draws ListTasks and DescribeTasks from one bucket, as ECS groups task reads', async () => {
    const throttled = await startSandbox({
      scenario: scenario(),
      now: new Date(START),
      clock: () => now,
      throttle: { rate: 1, burst: 2 },
    });
    try {
      const client = ecs(throttled);
      await client.send(new ListTasksCommand({ cluster: 'main' }));
      await client.send(
        new DescribeTasksCommand({ cluster: 'main', tasks: ['x'] }),
      );
      const error = await client
        .send(new ListTasksCommand({ cluster: 'main' }))
        .catch(e => e);
      expect(error.name).toBe('ThrottlingException');
      // Another group has its own bucket.
      await client.send(new DescribeClustersCommand({ clusters: ['main'] }));
    } finally {
      await throttled.stop();
    }
  });
});
