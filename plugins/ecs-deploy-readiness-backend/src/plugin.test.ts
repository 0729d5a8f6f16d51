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
import type { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
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

async function start() {
  const scheduler = mockServices.scheduler.mock();
  const { server } = await startTestBackend({
    features: [
      ecsDeployReadinessPlugin,
      scheduler.factory,
      catalogServiceMock.factory({ entities: [broken] }),
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  const tasks = scheduler.scheduleTask.mock.calls.map(
    call => call[0] as SchedulerServiceTaskInvocationDefinition,
  );
  const task = tasks.find(t => t.id === 'ecs-deploy-readiness-images')!;
  return { server, task, tasks };
}

describe('ecsDeployReadinessPlugin', () => {
  it('answers GET /health without credentials', async () => {
    const { server } = await start();

    const response = await request(server)
      .get('/api/ecs-deploy-readiness/health')
      .set('authorization', '');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('schedules the image audit globally, every 30 minutes, the first within seconds', async () => {
    const { task } = await start();

    expect(task).toMatchObject({
      id: 'ecs-deploy-readiness-images',
      scope: 'global',
      frequency: { minutes: 30 },
      initialDelay: { seconds: 5 },
    });
  });

  it('schedules the image audit and the pull error history, both globally', async () => {
    const { tasks } = await start();

    expect(tasks.map(t => t.id).sort()).toEqual([
      'ecs-deploy-readiness-history',
      'ecs-deploy-readiness-images',
    ]);
  });

  it('schedules the history every 5 minutes, well inside the hour ECS keeps stopped tasks', async () => {
    const { tasks } = await start();

    expect(
      tasks.find(t => t.id === 'ecs-deploy-readiness-history'),
    ).toMatchObject({
      scope: 'global',
      frequency: { minutes: 5 },
      timeout: { minutes: 4 },
    });
  });

  it('runs the scheduled history without AWS when nothing links to ECS', async () => {
    const { tasks } = await start();
    const history = tasks.find(t => t.id === 'ecs-deploy-readiness-history')!;

    await expect(
      history.fn(new AbortController().signal as any),
    ).resolves.toBeUndefined();
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

    await task.fn(new AbortController().signal as any);

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
