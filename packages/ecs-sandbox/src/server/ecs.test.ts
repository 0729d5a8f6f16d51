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
  AccessDeniedException,
  ClientException,
  ClusterNotFoundException,
  DescribeClustersCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  ListTasksCommand,
  paginateListServices,
  paginateListTasks,
  ServiceNotFoundException,
} from '@aws-sdk/client-ecs';
import {
  DENIED,
  DENIED_KEY,
  MAIN,
  MAIN_KEY,
  OTHER_KEY,
  testScenario,
} from '../testing/testScenario';
import { Sandbox, startSandbox } from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: testScenario() });
});

afterAll(() => sandbox.stop());

function ecs(options: { key?: string; region?: string } = {}) {
  return new ECSClient({
    endpoint: sandbox.url,
    region: options.region ?? 'eu-west-1',
    credentials: {
      accessKeyId: options.key ?? MAIN_KEY,
      secretAccessKey: 'sandbox',
    },
    maxAttempts: 1,
  });
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('clusters', () => {
  it('lists the clusters of the caller account and region only', async () => {
    const { clusterArns } = await ecs().send(new ListClustersCommand({}));
    expect(clusterArns).toEqual([`arn:aws:ecs:eu-west-1:${MAIN}:cluster/main`]);
    const east = await ecs({ region: 'us-east-1' }).send(
      new ListClustersCommand({}),
    );
    expect(east.clusterArns).toEqual([
      `arn:aws:ecs:us-east-1:${MAIN}:cluster/east`,
    ]);
    const other = await ecs({ key: OTHER_KEY }).send(
      new ListClustersCommand({}),
    );
    expect(other.clusterArns).toEqual([
      'arn:aws:ecs:eu-west-1:210987654321:cluster/ext',
    ]);
  });

  it('describes clusters and reports missing ones in failures', async () => {
    const out = await ecs().send(
      new DescribeClustersCommand({
        clusters: ['main', 'nope'],
        include: ['TAGS'],
      }),
    );
    expect(out.clusters).toHaveLength(1);
    expect(out.clusters![0]).toMatchObject({
      clusterName: 'main',
      status: 'ACTIVE',
      activeServicesCount: 26,
      tags: [{ key: 'env', value: 'test' }],
    });
    expect(out.clusters![0].runningTasksCount).toBe(25 * 6 + 1);
    expect(out.failures).toEqual([
      { arn: `arn:aws:ecs:eu-west-1:${MAIN}:cluster/nope`, reason: 'MISSING' },
    ]);
  });
});

describe('services', () => {
  it('pages through ListServices with opaque tokens (10 per page by default)', async () => {
    const client = ecs();
    const first = await client.send(
      new ListServicesCommand({ cluster: 'main' }),
    );
    expect(first.serviceArns).toHaveLength(10);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(first.nextToken).not.toMatch(/^\d+$/);

    const pages = await all(
      paginateListServices({ client }, { cluster: 'main' }),
    );
    const arns = pages.flatMap(p => p.serviceArns ?? []);
    expect(pages.length).toBe(3);
    expect(new Set(arns).size).toBe(26);
    expect(arns).toContain(`arn:aws:ecs:eu-west-1:${MAIN}:service/main/broken`);
  });

  it('rejects a tampered nextToken and an out-of-range maxResults', async () => {
    const client = ecs();
    const first = await client.send(
      new ListServicesCommand({ cluster: 'main' }),
    );
    await expect(
      client.send(
        new ListServicesCommand({
          cluster: 'main',
          nextToken: `${first.nextToken}x`,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      client.send(
        new ListServicesCommand({ cluster: 'main', maxResults: 101 }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('answers ClusterNotFoundException for an unknown cluster', async () => {
    const error = await ecs()
      .send(new ListServicesCommand({ cluster: 'nope' }))
      .catch(e => e);
    expect(error).toBeInstanceOf(ClusterNotFoundException);
    expect(error.message).toBe('Cluster not found.');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('describes services by name and ARN, with deployments, events and tags', async () => {
    const out = await ecs().send(
      new DescribeServicesCommand({
        cluster: `arn:aws:ecs:eu-west-1:${MAIN}:cluster/main`,
        services: [
          'broken',
          `arn:aws:ecs:eu-west-1:${MAIN}:service/main/svc-00`,
        ],
        include: ['TAGS'],
      }),
    );
    expect(out.failures).toEqual([]);
    const [broken, healthy] = out.services!;
    expect(broken.serviceName).toBe('broken');
    expect(broken.deployments!.map(d => d.status)).toEqual([
      'PRIMARY',
      'ACTIVE',
    ]);
    expect(broken.deployments![0]).toMatchObject({
      rolloutState: 'IN_PROGRESS',
      runningCount: 0,
      failedTasks: 3,
      taskDefinition: `arn:aws:ecs:eu-west-1:${MAIN}:task-definition/web:3`,
    });
    expect(broken.deployments![0].createdAt).toBeInstanceOf(Date);
    expect(broken.runningCount).toBe(1);
    expect(broken.events![0].message).toMatch(
      /^\(service broken\) \(deployment ecs-svc\/\d{19}\) is failing\.$/,
    );
    expect(broken.tags).toEqual([{ key: 'app', value: 'broken' }]);
    expect(broken.currentServiceRevisions).toHaveLength(2);
    expect(healthy.serviceName).toBe('svc-00');
    expect(healthy.launchType).toBe('FARGATE');
  });

  it('returns MISSING failures for unknown services', async () => {
    const out = await ecs().send(
      new DescribeServicesCommand({
        cluster: 'main',
        services: ['svc-01', 'ghost'],
      }),
    );
    expect(out.services!.map(s => s.serviceName)).toEqual(['svc-01']);
    expect(out.failures).toEqual([
      {
        arn: `arn:aws:ecs:eu-west-1:${MAIN}:service/main/ghost`,
        reason: 'MISSING',
      },
    ]);
  });

  it('enforces the limit of 10 services per DescribeServices call', async () => {
    const names = Array.from(
      { length: 11 },
      (_, i) => `svc-${String(i).padStart(2, '0')}`,
    );
    await expect(
      ecs().send(
        new DescribeServicesCommand({
          cluster: 'main',
          services: names.slice(0, 10),
        }),
      ),
    ).resolves.toMatchObject({ failures: [] });
    const error = await ecs()
      .send(new DescribeServicesCommand({ cluster: 'main', services: names }))
      .catch(e => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toMatch(/10/);
  });
});

describe('task definitions', () => {
  it('describes a revision with its container definitions', async () => {
    const { taskDefinition } = await ecs().send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }),
    );
    expect(taskDefinition).toMatchObject({
      family: 'web',
      revision: 2,
      status: 'ACTIVE',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      runtimePlatform: {
        cpuArchitecture: 'X86_64',
        operatingSystemFamily: 'LINUX',
      },
    });
    expect(taskDefinition!.registeredAt).toBeInstanceOf(Date);
    expect(taskDefinition!.containerDefinitions).toEqual([
      expect.objectContaining({
        name: 'app',
        image: `${MAIN}.dkr.ecr.eu-west-1.amazonaws.com/app:v2`,
        versionConsistency: 'enabled',
        essential: true,
        portMappings: [{ containerPort: 8080 }],
      }),
      expect.objectContaining({
        name: 'sidecar',
        image: 'nginx:1.27',
        essential: false,
      }),
    ]);
  });

  it('resolves a family to its latest active revision, and accepts ARNs', async () => {
    const byFamily = await ecs().send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }),
    );
    expect(byFamily.taskDefinition!.revision).toBe(3);
    const byArn = await ecs().send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: `arn:aws:ecs:eu-west-1:${MAIN}:task-definition/web:1`,
      }),
    );
    expect(byArn.taskDefinition!.containerDefinitions![0].image).toBe(
      `${MAIN}.dkr.ecr.eu-west-1.amazonaws.com/app:v1`,
    );
  });

  it('answers ClientException for an unknown task definition', async () => {
    await expect(
      ecs().send(
        new DescribeTaskDefinitionCommand({ taskDefinition: 'web:99' }),
      ),
    ).rejects.toBeInstanceOf(ClientException);
  });
});

describe('tasks', () => {
  it('pages through 151 running tasks, 100 per page', async () => {
    const client = ecs();
    const pages = await all(paginateListTasks({ client }, { cluster: 'main' }));
    expect(pages.map(p => p.taskArns!.length)).toEqual([100, 51]);
  });

  it('filters by service, family and desired status', async () => {
    const client = ecs();
    const running = await client.send(
      new ListTasksCommand({ cluster: 'main', serviceName: 'svc-03' }),
    );
    expect(running.taskArns).toHaveLength(6);
    const stopped = await client.send(
      new ListTasksCommand({
        cluster: 'main',
        serviceName: 'broken',
        desiredStatus: 'STOPPED',
      }),
    );
    expect(stopped.taskArns).toHaveLength(3);
    const family = await client.send(
      new ListTasksCommand({
        cluster: 'main',
        family: 'web',
        desiredStatus: 'STOPPED',
      }),
    );
    expect(family.taskArns).toEqual(stopped.taskArns);
  });

  it('answers ServiceNotFoundException for ListTasks on an unknown service', async () => {
    await expect(
      ecs().send(
        new ListTasksCommand({ cluster: 'main', serviceName: 'ghost' }),
      ),
    ).rejects.toBeInstanceOf(ServiceNotFoundException);
  });

  it('describes running tasks with their resolved digests', async () => {
    const client = ecs();
    const { taskArns } = await client.send(
      new ListTasksCommand({ cluster: 'main', serviceName: 'svc-00' }),
    );
    const { tasks, failures } = await client.send(
      new DescribeTasksCommand({ cluster: 'main', tasks: taskArns }),
    );
    expect(failures).toEqual([]);
    expect(tasks).toHaveLength(6);
    const app = sandbox.world.ecr
      .get(`${MAIN}/eu-west-1`)!
      .get('app')!
      .content.resolve('v2')!;
    for (const task of tasks!) {
      expect(task).toMatchObject({
        lastStatus: 'RUNNING',
        group: 'service:svc-00',
        launchType: 'FARGATE',
      });
      expect(task.startedBy).toMatch(/^ecs-svc\/\d{19}$/);
      expect(task.containers!.find(c => c.name === 'app')!.imageDigest).toBe(
        app.digest,
      );
    }
  });

  it('describes stopped tasks with stop code, reasons and no digest', async () => {
    const client = ecs();
    const { taskArns } = await client.send(
      new ListTasksCommand({
        cluster: 'main',
        serviceName: 'broken',
        desiredStatus: 'STOPPED',
      }),
    );
    const ids = taskArns!.map(a => a.split('/').pop()!);
    const { tasks } = await client.send(
      new DescribeTasksCommand({ cluster: 'main', tasks: ids }),
    );
    const image = `${MAIN}.dkr.ecr.eu-west-1.amazonaws.com/app:v3`;
    const reason = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: ${image}: not found`;
    for (const task of tasks!) {
      expect(task).toMatchObject({
        lastStatus: 'STOPPED',
        stopCode: 'TaskFailedToStart',
        stoppedReason: reason,
      });
      expect(task.stoppedAt).toBeInstanceOf(Date);
      expect(task.containers![0]).toMatchObject({
        name: 'app',
        reason,
        lastStatus: 'STOPPED',
      });
      expect(task.containers![0].imageDigest).toBeUndefined();
    }
    const times = tasks!.map(t => t.stoppedAt!.getTime()).sort();
    expect(times[1] - times[0]).toBe(5 * 60_000);
  });

  it('returns MISSING for unknown tasks and enforces 100 tasks per call', async () => {
    const client = ecs();
    const out = await client.send(
      new DescribeTasksCommand({
        cluster: 'main',
        tasks: ['0123456789abcdef0123456789abcdef'],
      }),
    );
    expect(out.failures).toEqual([
      {
        arn: `arn:aws:ecs:eu-west-1:${MAIN}:task/main/0123456789abcdef0123456789abcdef`,
        reason: 'MISSING',
      },
    ]);
    const { taskArns } = await client.send(
      new ListTasksCommand({ cluster: 'main' }),
    );
    const ok = await client.send(
      new DescribeTasksCommand({ cluster: 'main', tasks: taskArns }),
    );
    expect(ok.tasks).toHaveLength(100);
    await expect(
      client.send(
        new DescribeTasksCommand({
          cluster: 'main',
          tasks: [...taskArns!, 'extra'],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('service deployments and revisions', () => {
  it('lists service deployments newest first, including finished ones', async () => {
    const out = await ecs().send(
      new ListServiceDeploymentsCommand({ cluster: 'main', service: 'broken' }),
    );
    expect(out.serviceDeployments!.map(d => d.status)).toEqual([
      'IN_PROGRESS',
      'SUCCESSFUL',
      'SUCCESSFUL',
    ]);
    const finished = await ecs().send(
      new ListServiceDeploymentsCommand({
        cluster: 'main',
        service: 'broken',
        status: ['SUCCESSFUL'],
      }),
    );
    expect(finished.serviceDeployments).toHaveLength(2);
    const described = await ecs().send(
      new DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: [
          out.serviceDeployments![0].serviceDeploymentArn!,
          'arn:aws:ecs:eu-west-1:123456789012:service-deployment/main/broken/nope',
        ],
      }),
    );
    expect(
      described.serviceDeployments![0].sourceServiceRevisions,
    ).toHaveLength(1);
    expect(described.failures).toHaveLength(1);
  });

  it('gives each deployment the digests its tags resolved to', async () => {
    const client = ecs();
    const { services } = await client.send(
      new DescribeServicesCommand({ cluster: 'main', services: ['broken'] }),
    );
    const arns = services![0].currentServiceRevisions!.map(r => r.arn!);
    const out = await client.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [...arns, `${arns[0]}0`],
      }),
    );
    expect(out.failures).toEqual([{ arn: `${arns[0]}0`, reason: 'MISSING' }]);
    const [failing, active] = out.serviceRevisions!;
    expect(failing.taskDefinition).toMatch(/web:3$/);
    // app:v3 does not exist, so nothing was resolved
    expect(failing.containerImages).toEqual([
      {
        containerName: 'app',
        image: `${MAIN}.dkr.ecr.eu-west-1.amazonaws.com/app:v3`,
      },
    ]);
    const digest = sandbox.world.ecr
      .get(`${MAIN}/eu-west-1`)!
      .get('app')!
      .content.resolve('v2')!.digest;
    expect(active.containerImages![0]).toEqual({
      containerName: 'app',
      image: `${MAIN}.dkr.ecr.eu-west-1.amazonaws.com/app:v2`,
      imageDigest: digest,
    });
  });

  it('enforces the limit of 20 revisions per call', async () => {
    await expect(
      ecs().send(
        new DescribeServiceRevisionsCommand({
          serviceRevisionArns: Array(21).fill('x'),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('access', () => {
  it('denies every call of an account marked denyAccess', async () => {
    const error = await ecs({ key: DENIED_KEY })
      .send(
        new DescribeServicesCommand({
          cluster: 'secret',
          services: ['hidden'],
        }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error.message).toBe(
      `User: arn:aws:sts::${DENIED}:assumed-role/BackstageReadOnly/backstage is not authorized to perform: ecs:DescribeServices on resource: arn:aws:ecs:eu-west-1:${DENIED}:cluster/secret because no identity-based policy allows the ecs:DescribeServices action`,
    );
  });

  it('refuses an access key that is not mapped, whatever ARN the request names', async () => {
    const client = ecs({ key: 'AKIAUNMAPPED00000001' });
    const error = await client
      .send(
        new DescribeServicesCommand({
          cluster: `arn:aws:ecs:eu-west-1:${MAIN}:cluster/main`,
          services: ['svc-00'],
        }),
      )
      .catch(e => e);
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toBe(
      'The security token included in the request is invalid.',
    );
    // Without ARNs there is no default account either.
    await expect(
      client.send(new ListClustersCommand({})),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('does not show one account the resources of another', async () => {
    await expect(
      ecs({ key: OTHER_KEY }).send(
        new DescribeServicesCommand({
          cluster: `arn:aws:ecs:eu-west-1:${MAIN}:cluster/main`,
          services: ['svc-00'],
        }),
      ),
      // ECS: "Invalid identifier: Identifier is for <account>. Your accountId is <caller>".
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('rejects unsigned requests', async () => {
    const response = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe(
      'MissingAuthenticationTokenException',
    );
  });
});
