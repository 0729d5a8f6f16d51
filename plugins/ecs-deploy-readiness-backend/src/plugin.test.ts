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
  expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
  const task = scheduler.scheduleTask.mock
    .calls[0][0] as SchedulerServiceTaskInvocationDefinition;
  return { server, task };
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
