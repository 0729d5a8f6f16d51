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
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { ScenarioDocument } from '../scenario/types';
import { LifecycleHookHandler } from './deployments';
import { startSandbox } from './sandbox';

const HOOK = 'arn:aws:lambda:eu-west-1:111111111111:function:gate';

const scenario = {
  accounts: [{ id: '111111111111', accessKeyId: 'AKIAHOOKTEST00000001' }],
  regions: ['eu-west-1'],
  images: { good: {}, bad: { platforms: ['linux/arm64'] } },
  ecr: [
    {
      name: 'web',
      images: [
        { image: 'good', tags: ['v1'] },
        { image: 'bad', tags: ['v2'] },
      ],
    },
  ],
  taskDefinitions: [
    {
      family: 'web',
      revision: 1,
      containers: [{ name: 'web', image: 'web:v1' }],
    },
    {
      family: 'web',
      revision: 2,
      containers: [{ name: 'web', image: 'web:v2' }],
    },
  ],
  clusters: [
    {
      name: 'shop',
      services: [
        {
          name: 'web',
          desiredCount: 2,
          lifecycleHooks: [
            {
              hookTargetArn: HOOK,
              roleArn: 'arn:aws:iam::111111111111:role/ecs-hooks',
              lifecycleStages: ['PRE_SCALE_UP'],
              hookDetails: { unverifiable: 'allow' },
            },
          ],
          deployments: [{ taskDefinition: 'web:1' }],
        },
      ],
    },
  ],
} as ScenarioDocument;

async function withSandbox(
  handler: LifecycleHookHandler,
  fn: (ecs: ECSClient, wait: () => Promise<void>) => Promise<void>,
) {
  const sandbox = await startSandbox({
    scenario,
    lifecycleHooks: { handlers: { [HOOK]: handler }, callbackDelayMs: 1 },
  });
  const ecs = new ECSClient({
    endpoint: sandbox.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAHOOKTEST00000001', secretAccessKey: 'x' },
  });
  try {
    await fn(ecs, () => sandbox.deploymentsSettled());
  } finally {
    ecs.destroy();
    await sandbox.stop();
  }
}

async function service(ecs: ECSClient) {
  const out = await ecs.send(
    new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }),
  );
  return out.services![0];
}

describe('lifecycle hooks', () => {
  it('serves the hooks on the service', async () => {
    await withSandbox(
      () => ({ hookStatus: 'SUCCEEDED' }),
      async ecs => {
        expect(
          (await service(ecs)).deploymentConfiguration?.lifecycleHooks,
        ).toEqual([
          {
            hookTargetArn: HOOK,
            roleArn: 'arn:aws:iam::111111111111:role/ecs-hooks',
            lifecycleStages: ['PRE_SCALE_UP'],
            hookDetails: { unverifiable: 'allow' },
          },
        ]);
      },
    );
  });

  it('invokes the hook at PRE_SCALE_UP with the payload ECS sends, and proceeds on SUCCEEDED', async () => {
    const events: Array<Record<string, any>> = [];
    await withSandbox(
      event => {
        events.push(event);
        return { hookStatus: 'SUCCEEDED' };
      },
      async (ecs, settled) => {
        const updated = await ecs.send(
          new UpdateServiceCommand({
            cluster: 'shop',
            service: 'web',
            taskDefinition: 'web:2',
          }),
        );
        // The call returns at once: the new deployment is in progress.
        expect(updated.service!.deployments![0]).toMatchObject({
          status: 'PRIMARY',
          rolloutState: 'IN_PROGRESS',
          taskDefinition: expect.stringContaining('task-definition/web:2'),
        });
        await settled();
        const s = await service(ecs);
        expect(events).toHaveLength(1);
        expect(events[0]).toEqual({
          executionId: expect.any(String),
          lifecycleStage: 'PRE_SCALE_UP',
          resourceArn: s.currentServiceDeployment,
          executionDetails: {
            serviceArn: s.serviceArn,
            targetServiceRevisionArn: s.currentServiceRevisions![0].arn,
            testTrafficWeights: {},
            productionTrafficWeights: {},
          },
          hookDetails: { unverifiable: 'allow' },
        });
        expect(s.deployments).toHaveLength(1);
        expect(s.deployments![0]).toMatchObject({
          rolloutState: 'COMPLETED',
          runningCount: 2,
          taskDefinition: expect.stringContaining('web:2'),
        });
      },
    );
  });

  it('rolls back on FAILED: no task started, rolloutState and events say why', async () => {
    await withSandbox(
      () => ({
        hookStatus: 'FAILED',
        hookDetails: {
          cause: 'index has no linux/amd64',
          fix: 'build for amd64',
        },
      }),
      async (ecs, settled) => {
        const running = await ecs.send(
          new ListTasksCommand({ cluster: 'shop', serviceName: 'web' }),
        );
        await ecs.send(
          new UpdateServiceCommand({
            cluster: 'shop',
            service: 'web',
            taskDefinition: 'web:2',
          }),
        );
        await settled();
        const s = await service(ecs);
        // The old revision still serves; the new one never became current.
        expect(s.taskDefinition).toContain('task-definition/web:1');
        expect(s.deployments!.map(d => d.status)).toEqual(['PRIMARY']);
        expect(s.events![0].message).toMatch(
          /\(service web\) \(deployment ecs-svc\/\d+\) was rolled back: lifecycle hook gate at PRE_SCALE_UP returned FAILED: index has no linux\/amd64 Fix: build for amd64\./,
        );
        const after = await ecs.send(
          new ListTasksCommand({ cluster: 'shop', serviceName: 'web' }),
        );
        expect(after.taskArns).toEqual(running.taskArns);
        const listed = await ecs.send(
          new ListServiceDeploymentsCommand({
            cluster: 'shop',
            service: 'web',
          }),
        );
        const rolledBack = listed.serviceDeployments!.find(
          d => d.status === 'ROLLBACK_SUCCESSFUL',
        )!;
        expect(rolledBack.statusReason).toContain('index has no linux/amd64');
        const [detail] = (
          await ecs.send(
            new DescribeServiceDeploymentsCommand({
              serviceDeploymentArns: [rolledBack.serviceDeploymentArn!],
            }),
          )
        ).serviceDeployments!;
        expect(detail.targetServiceRevision?.runningTaskCount).toBe(0);
      },
    );
  });

  it('calls again after IN_PROGRESS with the hookDetails merged in', async () => {
    const seen: unknown[] = [];
    await withSandbox(
      event => {
        seen.push(event.hookDetails);
        return seen.length < 3
          ? {
              hookStatus: 'IN_PROGRESS',
              callBackDelay: 5,
              hookDetails: { attempt: seen.length },
            }
          : { hookStatus: 'SUCCEEDED' };
      },
      async (ecs, settled) => {
        await ecs.send(
          new UpdateServiceCommand({
            cluster: 'shop',
            service: 'web',
            forceNewDeployment: true,
          }),
        );
        await settled();
        expect(seen).toEqual([
          { unverifiable: 'allow' },
          { unverifiable: 'allow', attempt: 1 },
          { unverifiable: 'allow', attempt: 2 },
        ]);
        expect((await service(ecs)).deployments![0].rolloutState).toBe(
          'COMPLETED',
        );
      },
    );
  });

  it.each([
    [
      'no valid hookStatus',
      () => ({ status: 'OK' }),
      /returned no valid hookStatus/,
    ],
    [
      'an error',
      () => {
        throw new Error('boom');
      },
      /failed: boom/,
    ],
  ])('rolls back on %s', async (_, handler, reason) => {
    await withSandbox(handler as LifecycleHookHandler, async (ecs, settled) => {
      await ecs.send(
        new UpdateServiceCommand({
          cluster: 'shop',
          service: 'web',
          taskDefinition: 'web:2',
        }),
      );
      await settled();
      const s = await service(ecs);
      expect(s.taskDefinition).toContain('web:1');
      expect(s.events![0].message).toMatch(reason);
    });
  });

  it('starts no deployment for a desired count change alone', async () => {
    let calls = 0;
    await withSandbox(
      () => {
        calls++;
        return { hookStatus: 'SUCCEEDED' };
      },
      async (ecs, settled) => {
        await ecs.send(
          new UpdateServiceCommand({
            cluster: 'shop',
            service: 'web',
            desiredCount: 3,
          }),
        );
        await settled();
        expect(calls).toBe(0);
        expect((await service(ecs)).desiredCount).toBe(3);
      },
    );
  });

  it('runs the hooks of CreateService; FAILED leaves the first deployment FAILED', async () => {
    await withSandbox(
      () => ({ hookStatus: 'FAILED' }),
      async (ecs, settled) => {
        const created = await ecs.send(
          new CreateServiceCommand({
            cluster: 'shop',
            serviceName: 'api',
            taskDefinition: 'web:2',
            desiredCount: 1,
            deploymentConfiguration: {
              lifecycleHooks: [
                { hookTargetArn: HOOK, lifecycleStages: ['PRE_SCALE_UP'] },
              ],
            },
          }),
        );
        expect(created.service!.deployments![0].rolloutState).toBe(
          'IN_PROGRESS',
        );
        await settled();
        const out = await ecs.send(
          new DescribeServicesCommand({ cluster: 'shop', services: ['api'] }),
        );
        expect(out.services![0].deployments![0]).toMatchObject({
          rolloutState: 'FAILED',
          runningCount: 0,
          rolloutStateReason: expect.stringContaining('returned FAILED'),
        });
      },
    );
  });

  it('refuses a Lambda hook without a target', async () => {
    await withSandbox(
      () => ({ hookStatus: 'SUCCEEDED' }),
      async ecs => {
        await expect(
          ecs.send(
            new UpdateServiceCommand({
              cluster: 'shop',
              service: 'web',
              deploymentConfiguration: {
                lifecycleHooks: [{ lifecycleStages: ['PRE_SCALE_UP'] }],
              },
            }),
          ),
        ).rejects.toThrow(/hookTargetArn is required/);
      },
    );
  });
});
