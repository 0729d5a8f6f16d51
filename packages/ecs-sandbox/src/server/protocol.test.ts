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
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  GetResourcesCommand,
  paginateGetResources,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DENIED_KEY,
  MAIN,
  MAIN_KEY,
  OTHER_KEY,
  testScenario,
} from '../testing/testScenario';
import { startSandbox } from './sandbox';

const credentials = (key = MAIN_KEY) => ({
  accessKeyId: key,
  secretAccessKey: 'sandbox',
});

describe('resource tagging API', () => {
  it('finds services by tag, for the service-tags annotation', async () => {
    const sandbox = await startSandbox({ scenario: testScenario() });
    try {
      const client = new ResourceGroupsTaggingAPIClient({
        endpoint: sandbox.url,
        region: 'eu-west-1',
        credentials: credentials(),
      });
      const out = await client.send(
        new GetResourcesCommand({
          TagFilters: [
            { Key: 'app', Values: ['svc-2'] },
            { Key: 'tier', Values: ['gold'] },
          ],
          ResourceTypeFilters: ['ecs:service'],
        }),
      );
      expect(out.ResourceTagMappingList).toEqual([
        {
          ResourceARN: `arn:aws:ecs:eu-west-1:${MAIN}:service/main/svc-02`,
          Tags: [
            { Key: 'app', Value: 'svc-2' },
            { Key: 'tier', Value: 'gold' },
          ],
        },
      ]);

      // A key without values matches any value; ResourceTypeFilters keeps other types out.
      const pages = [];
      for await (const page of paginateGetResources(
        { client },
        {
          TagFilters: [{ Key: 'tier' }],
          ResourceTypeFilters: ['ecs:service'],
          ResourcesPerPage: 10,
        },
      )) {
        pages.push(page);
      }
      expect(pages.map(p => p.ResourceTagMappingList!.length)).toEqual([
        10, 10, 5,
      ]);
      const clusters = await client.send(
        new GetResourcesCommand({ ResourceTypeFilters: ['ecs:cluster'] }),
      );
      expect(clusters.ResourceTagMappingList!.map(r => r.ResourceARN)).toEqual([
        `arn:aws:ecs:eu-west-1:${MAIN}:cluster/main`,
      ]);

      // Another account sees its own resources only.
      const other = new ResourceGroupsTaggingAPIClient({
        endpoint: sandbox.url,
        region: 'eu-west-1',
        credentials: credentials(OTHER_KEY),
      });
      const none = await other.send(
        new GetResourcesCommand({ TagFilters: [{ Key: 'tier' }] }),
      );
      expect(none.ResourceTagMappingList).toEqual([]);

      const denied = new ResourceGroupsTaggingAPIClient({
        endpoint: sandbox.url,
        region: 'eu-west-1',
        credentials: credentials(DENIED_KEY),
        maxAttempts: 1,
      });
      await expect(
        denied.send(new GetResourcesCommand({})),
      ).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('tag:GetResources'),
      });
    } finally {
      await sandbox.stop();
    }
  });
});

describe('throttling', () => {
  it('answers ThrottlingException beyond the bucket, which the SDK retries until it succeeds', async () => {
    const sandbox = await startSandbox({
      scenario: testScenario(),
      throttle: { actions: { 'ecs:DescribeServices': { rate: 20, burst: 1 } } },
    });
    try {
      const noRetry = new ECSClient({
        endpoint: sandbox.url,
        region: 'eu-west-1',
        credentials: credentials(),
        maxAttempts: 1,
      });
      await noRetry.send(
        new DescribeServicesCommand({ cluster: 'main', services: ['svc-00'] }),
      );
      const error = await noRetry
        .send(
          new DescribeServicesCommand({
            cluster: 'main',
            services: ['svc-00'],
          }),
        )
        .catch(e => e);
      expect(error.name).toBe('ThrottlingException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      // Other actions have their own bucket.
      await expect(
        noRetry.send(new ListClustersCommand({})),
      ).resolves.toBeDefined();

      const client = new ECSClient({
        endpoint: sandbox.url,
        region: 'eu-west-1',
        credentials: credentials(),
        maxAttempts: 10,
      });
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          client.send(
            new DescribeServicesCommand({
              cluster: 'main',
              services: ['svc-01'],
            }),
          ),
        ),
      );
      for (const r of results)
        expect(r.services![0].serviceName).toBe('svc-01');
      const attempts = results.map(r => r.$metadata.attempts!);
      expect(Math.max(...attempts)).toBeGreaterThan(1);
      expect(results.some(r => r.$metadata.totalRetryDelay! > 0)).toBe(true);
    } finally {
      await sandbox.stop();
    }
  });

  it('adds the configured latency to every call', async () => {
    const sandbox = await startSandbox({
      scenario: testScenario(),
      latencyMs: 120,
    });
    try {
      const client = new ECSClient({
        endpoint: sandbox.url,
        region: 'eu-west-1',
        credentials: credentials(),
      });
      const started = Date.now();
      await client.send(new ListClustersCommand({}));
      expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('stopped task retention', () => {
  it('hides stopped tasks older than settings.stoppedTaskRetention, as ECS forgets them', async () => {
    const scenario = testScenario();
    scenario.settings = { stoppedTaskRetention: '10m' };
    const sandbox = await startSandbox({ scenario });
    try {
      const client = new ECSClient({
        endpoint: sandbox.url,
        region: 'eu-west-1',
        credentials: credentials(),
      });
      // broken has stopped tasks at -2m, -7m and -12m
      const { taskArns } = await client.send(
        new ListTasksCommand({
          cluster: 'main',
          serviceName: 'broken',
          desiredStatus: 'STOPPED',
        }),
      );
      expect(taskArns).toHaveLength(2);
      const all = sandbox.world.ecs
        .get(`${MAIN}/eu-west-1`)!
        .clusters.get('main')!.tasks;
      const oldest = all
        .filter(t => t.lastStatus === 'STOPPED')
        .sort((a, b) => a.stoppedAt!.getTime() - b.stoppedAt!.getTime())[0];
      const { failures } = await client.send(
        new DescribeTasksCommand({ cluster: 'main', tasks: [oldest.arn] }),
      );
      expect(failures).toEqual([{ arn: oldest.arn, reason: 'MISSING' }]);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('protocol errors', () => {
  it('answers unknown operations and malformed bodies with AWS error shapes', async () => {
    const sandbox = await startSandbox({ scenario: testScenario() });
    try {
      const post = (target: string, body: string) =>
        fetch(sandbox.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': target,
            authorization:
              'AWS4-HMAC-SHA256 Credential=AKIATESTMAIN0000001/20250101/eu-west-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123',
          },
          body,
        });
      const unknown = await post(
        'AmazonEC2ContainerServiceV20141113.DeleteCluster',
        '{}',
      );
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual({
        __type: 'UnknownOperationException',
        message:
          'Unknown operation AmazonEC2ContainerServiceV20141113.DeleteCluster',
      });
      const malformed = await post(
        'AmazonEC2ContainerServiceV20141113.ListClusters',
        '{not json',
      );
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('x-amzn-errortype')).toBe(
        'SerializationException',
      );
      const wrongType = await post(
        'AmazonEC2ContainerServiceV20141113.DescribeServices',
        '{"services":"svc-00"}',
      );
      expect(wrongType.headers.get('x-amzn-errortype')).toBe(
        'SerializationException',
      );
      const taggingWrongType = await post(
        'ResourceGroupsTaggingAPI_20170126.GetResources',
        '{"ResourceTypeFilters":"ecs:service"}',
      );
      expect(taggingWrongType.status).toBe(400);
      expect(taggingWrongType.headers.get('x-amzn-errortype')).toBe(
        'SerializationException',
      );
      const badLink = await fetch(`${sandbox.url}/blobstore/%E0%A4%A`);
      expect(badLink.status).toBe(403);
    } finally {
      await sandbox.stop();
    }
  });
});
