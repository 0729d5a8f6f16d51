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
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { ecsDeployReadinessPlugin } from './plugin';

// An entity whose link is malformed: auditing it needs no AWS, and gives a report.
const broken = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'broken',
    namespace: 'default',
    annotations: {
      'aws.amazon.com/amazon-ecs-service-arn': 'arn:aws:ecs:eu-west-1:nope',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

// An entity linked to a service in a configured account: linking it needs no AWS.
const linked = {
  ...broken,
  metadata: {
    name: 'web',
    namespace: 'default',
    annotations: {
      'aws.amazon.com/amazon-ecs-service-arn':
        'arn:aws:ecs:eu-west-1:123456789012:service/prod/web,arn:aws:ecs:us-east-1:123456789012:service/prod/web',
    },
  },
};

async function start(entities: object[] = [broken]) {
  const scheduler = mockServices.scheduler.mock();
  const { server } = await startTestBackend({
    features: [
      ecsDeployReadinessPlugin,
      scheduler.factory,
      catalogServiceMock.factory({ entities: entities as any }),
      mockServices.rootConfig.factory({
        data: {
          aws: {
            accounts: [
              {
                accountId: '123456789012',
                accessKeyId: 'AKIAEXAMPLE',
                secretAccessKey: 'x',
              },
            ],
          },
        },
      }),
    ],
  });
  const tasks = () =>
    scheduler.scheduleTask.mock.calls.map(
      call =>
        call[0] as SchedulerServiceTaskInvocationDefinition &
          SchedulerServiceTaskScheduleDefinition,
    );
  const task = tasks().find(t => t.id === 'ecs-deploy-readiness-link')!;
  return { server, task, tasks, scheduler };
}

const signal = () => new AbortController().signal as any;

describe('ecsDeployReadinessPlugin', () => {
  it('answers GET /health without credentials', async () => {
    const { server } = await start();

    const response = await request(server)
      .get('/api/ecs-deploy-readiness/health')
      .set('authorization', '');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('links the catalog globally on the image audit schedule, the first within seconds', async () => {
    const { task, tasks, scheduler } = await start();

    // Started at once: the scheduler keeps a task's next run across restarts.
    expect(scheduler.triggerTask).toHaveBeenCalledWith(
      'ecs-deploy-readiness-link',
    );
    expect(task).toMatchObject({
      id: 'ecs-deploy-readiness-link',
      scope: 'global',
      frequency: { minutes: 30 },
      initialDelay: { seconds: 5 },
    });
    // Before anything is linked there is no shard to audit; each replica looks for new shards
    // every minute.
    expect(tasks().map(t => [t.id, t.scope])).toEqual([
      ['ecs-deploy-readiness-link', 'global'],
      ['ecs-deploy-readiness-shards', 'local'],
    ]);
  });

  it('schedules a global audit and history task per account and region the links name', async () => {
    const { task, tasks, scheduler } = await start([linked, broken]);

    await task.fn(signal());

    const shardTasks = tasks().filter(t => t.id.includes(':123456789012:'));
    expect(shardTasks.map(t => t.id)).toEqual([
      'ecs-deploy-readiness-images:123456789012:eu-west-1',
      'ecs-deploy-readiness-history:123456789012:eu-west-1',
      'ecs-deploy-readiness-images:123456789012:us-east-1',
      'ecs-deploy-readiness-history:123456789012:us-east-1',
    ]);
    expect(shardTasks.every(t => t.scope === 'global')).toBe(true);
    expect(shardTasks[0]).toMatchObject({
      frequency: { minutes: 30 },
      timeout: { minutes: 25 },
      initialDelay: { milliseconds: 5000 },
    });
    // The history every 5 minutes, well inside the hour ECS keeps stopped tasks.
    expect(shardTasks[1]).toMatchObject({
      frequency: { minutes: 5 },
      timeout: { minutes: 4 },
    });
    // The second shard starts a little later, so replicas share the shards.
    expect(shardTasks[2].initialDelay).toEqual({ milliseconds: 7300 });

    // Never audited: both shards start now, whatever next run the scheduler kept.
    expect(scheduler.triggerTask.mock.calls.map(c => c[0])).toEqual([
      'ecs-deploy-readiness-link',
      'ecs-deploy-readiness-images:123456789012:eu-west-1',
      'ecs-deploy-readiness-images:123456789012:us-east-1',
    ]);

    // Linking again schedules nothing twice.
    await task.fn(signal());
    expect(tasks().filter(t => t.id.includes(':123456789012:'))).toHaveLength(
      4,
    );
  });

  it('serves an entity report once the scheduled audit has run', async () => {
    const { server, task } = await start();
    const url =
      '/api/ecs-deploy-readiness/entities/component/default/broken/readiness';

    const before = await request(server)
      .get(url)
      .set('authorization', mockCredentials.user.header());
    expect(before.status).toBe(404);
    expect(before.body.error.name).toBe('NotFoundError');

    await task.fn(signal());

    const response = await request(server)
      .get(url)
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      entityRef: 'component:default/broken',
      status: 'at-risk',
      stale: false,
      services: [],
      findings: [{ id: 'link-error', severity: 'risk', fixKey: 'link-error' }],
    });
    expect(typeof response.body.lastAudited).toBe('string');
  });

  it('refuses the readiness route without credentials', async () => {
    const { server } = await start();

    // Without a header the test backend acts as the default mock user: send the "none" one.
    const response = await request(server)
      .get(
        '/api/ecs-deploy-readiness/entities/component/default/broken/readiness',
      )
      .set('authorization', mockCredentials.none.header());

    expect(response.status).toBe(401);
  });
});
