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

import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  MANIFEST_MEDIA_TYPES,
  MEDIA_TYPES,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { Sandbox, startSandbox } from './server/sandbox';

/*
 * The demo scenario (examples/demo-scenario.yaml) replays four real stories. These tests check,
 * through the real AWS SDK clients and the registry API, that each story's evidence is there.
 */

const EXAMPLES = resolve(__dirname, '../../../examples');
const KEYS: Record<string, string> = {
  '111111111111': 'AKIASANDBOXSHOPPROD1',
  '222222222222': 'AKIASANDBOXPLATFORM1',
  '333333333333': 'AKIASANDBOXBILLING01',
};

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: resolve(EXAMPLES, 'demo-scenario.yaml'),
  });
});

afterAll(() => sandbox.stop());

const config = (account = '111111111111', region = 'eu-west-1') => ({
  endpoint: sandbox.url,
  region,
  credentials: { accessKeyId: KEYS[account], secretAccessKey: 'sandbox' },
  maxAttempts: 1,
});
const ecs = (account?: string, region?: string) =>
  new ECSClient(config(account, region));
const ecr = (account?: string, region?: string) =>
  new ECRClient(config(account, region));

async function service(name: string, cluster = 'shop-prod', client = ecs()) {
  const { services } = await client.send(
    new DescribeServicesCommand({ cluster, services: [name] }),
  );
  return services![0];
}

async function stoppedTasks(
  name: string,
  cluster = 'shop-prod',
  client = ecs(),
) {
  const { taskArns } = await client.send(
    new ListTasksCommand({
      cluster,
      serviceName: name,
      desiredStatus: 'STOPPED',
    }),
  );
  const { tasks } = await client.send(
    new DescribeTasksCommand({ cluster, tasks: taskArns }),
  );
  return tasks!;
}

async function runningTasks(
  name: string,
  cluster = 'shop-prod',
  client = ecs(),
) {
  const { taskArns } = await client.send(
    new ListTasksCommand({ cluster, serviceName: name }),
  );
  if (!taskArns!.length) return [];
  const { tasks } = await client.send(
    new DescribeTasksCommand({ cluster, tasks: taskArns }),
  );
  return tasks!;
}

async function manifest(
  repositoryName: string,
  imageId: { imageTag?: string; imageDigest?: string },
  client = ecr(),
) {
  const out = await client.send(
    new BatchGetImageCommand({
      repositoryName,
      imageIds: [imageId],
      acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
    }),
  );
  return {
    image: out.images![0],
    failures: out.failures!,
    json: out.images![0] && JSON.parse(out.images![0].imageManifest!),
  };
}

describe('story 1: mixed gzip and zstd layers', () => {
  it('has a v58 image with gzip base layers and zstd app layers, and the stop reason', async () => {
    const svc = await service('search-indexer');
    const [primary, active] = svc.deployments!;
    expect(primary).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      runningCount: 0,
    });
    expect(active).toMatchObject({ status: 'ACTIVE', runningCount: 2 });

    const { json } = await manifest('search-indexer', { imageTag: 'v58' });
    const types = json.layers.map((l: any) => l.mediaType);
    expect(types).toHaveLength(15);
    expect(
      types.filter((t: string) => t === MEDIA_TYPES.dockerLayerGzip),
    ).toHaveLength(12);
    expect(
      types.filter((t: string) => t === MEDIA_TYPES.dockerLayerZstd),
    ).toHaveLength(3);
    const healthy = await manifest('search-indexer', { imageTag: 'v57' });
    expect(new Set(healthy.json.layers.map((l: any) => l.mediaType))).toEqual(
      new Set([MEDIA_TYPES.dockerLayerGzip]),
    );

    const tasks = await stoppedTasks('search-indexer');
    expect(tasks).toHaveLength(9);
    expect(tasks[0].stoppedReason).toBe(
      "CannotPullContainerError: ref pull has been retried 1 time(s): number of layers and diffIDs don't match: 3 != 15",
    );
    expect(tasks[0].stopCode).toBe('TaskFailedToStart');
  });
});

describe('story 2: an arm64-only index on X86_64 Fargate', () => {
  it('has an index with an arm64 image and an attestation but no amd64 entry', async () => {
    const svc = await service('storefront-web');
    const { taskDefinition } = await ecs().send(
      new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }),
    );
    expect(taskDefinition!.requiresCompatibilities).toEqual(['FARGATE']);
    expect(taskDefinition!.runtimePlatform).toBeUndefined();

    const { json, image } = await manifest('storefront-web', {
      imageTag: 'latest',
    });
    expect(image.imageManifestMediaType).toBe(MEDIA_TYPES.ociIndex);
    const platforms = json.manifests.map(
      (m: any) => `${m.platform.os}/${m.platform.architecture}`,
    );
    expect(platforms).toEqual(['linux/arm64', 'unknown/unknown']);
    expect(json.manifests[1].annotations['vnd.docker.reference.type']).toBe(
      'attestation-manifest',
    );

    const [task] = await stoppedTasks('storefront-web');
    expect(task.stoppedReason).toBe(
      "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
    );
  });
});

describe('story 3: a moved tag whose deployed digest was deleted', () => {
  it('runs tasks on a digest the registry no longer has', async () => {
    const running = await runningTasks('orders');
    expect(running).toHaveLength(2);
    const digests = new Set(running.map(t => t.containers![0].imageDigest));
    expect(digests.size).toBe(1);
    const [deployed] = [...digests] as string[];

    const gone = await manifest('orders', { imageDigest: deployed });
    expect(gone.failures).toEqual([
      expect.objectContaining({
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      }),
    ]);
    const latest = await manifest('orders', { imageTag: 'latest' });
    expect(latest.image.imageId!.imageDigest).not.toBe(deployed);

    const { authorizationData } = await ecr().send(
      new GetAuthorizationTokenCommand({}),
    );
    const registry = await fetch(
      `${authorizationData![0].proxyEndpoint}/v2/orders/manifests/${deployed}`,
      {
        headers: {
          authorization: `Basic ${authorizationData![0].authorizationToken}`,
        },
      },
    );
    expect(registry.status).toBe(404);
    expect((await registry.json()).errors[0]).toMatchObject({
      code: 'MANIFEST_UNKNOWN',
      message: 'Requested image not found',
    });

    const { taskDefinition } = await ecs().send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'orders:12' }),
    );
    expect(taskDefinition!.containerDefinitions![0]).toMatchObject({
      image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:latest',
      versionConsistency: 'enabled',
    });
    const policy = await ecr().send(
      new GetLifecyclePolicyCommand({ repositoryName: 'orders' }),
    );
    expect(
      JSON.parse(policy.lifecyclePolicyText!).rules[0].selection.tagStatus,
    ).toBe('untagged');

    const failed = (await stoppedTasks('orders')).filter(
      t => t.stopCode === 'TaskFailedToStart',
    );
    expect(failed).toHaveLength(4);
    expect(failed[0].stoppedReason).toBe(
      `CannotPullContainerError: Error response from daemon: manifest for 111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders@${deployed} not found: manifest unknown: Requested image not found`,
    );
  });
});

describe('what a poller sees on a real account', () => {
  it('shows orders short of its desired count with failedTasks reset, as ECS resets it', async () => {
    const svc = await service('orders');
    expect(svc.deployments![0]).toMatchObject({
      runningCount: 2,
      desiredCount: 3,
      failedTasks: 0,
    });
    expect(
      svc.events!.some(e => e.message!.includes('has started 1 tasks')),
    ).toBe(true);
  });

  it('runs recommendations on FARGATE and FARGATE_SPOT, without a launchType', async () => {
    const svc = await service('recommendations');
    expect(svc.launchType).toBeUndefined();
    expect(svc.capacityProviderStrategy!.map(p => p.capacityProvider)).toEqual([
      'FARGATE',
      'FARGATE_SPOT',
    ]);
  });
});

describe('story 4: CDK pushes', () => {
  const repo = 'cdk-hnb659fds-container-assets-222222222222-us-east-1';

  it('has a tag on an in-toto attestation, named in the stop reason', async () => {
    const tools = ecs('222222222222', 'us-east-1');
    const svc = await service('autotag', 'tools', tools);
    expect(svc.deployments![0]).toMatchObject({
      rolloutState: 'FAILED',
      runningCount: 0,
    });
    const { taskDefinition } = await tools.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }),
    );
    const tag = taskDefinition!
      .containerDefinitions![0].image!.split(':')
      .pop()!;
    const { json } = await manifest(
      repo,
      { imageTag: tag },
      ecr('222222222222', 'us-east-1'),
    );
    expect(json.layers.map((l: any) => l.mediaType)).toEqual([
      MEDIA_TYPES.inToto,
    ]);
    const [task] = await stoppedTasks('autotag', 'tools', tools);
    expect(task.stoppedReason).toContain(
      `failed to extract layer ${json.layers[0].digest}: failed to get stream processor for application/vnd.in-toto+json`,
    );
  });

  it('has a 0-byte image behind the alt-text tag', async () => {
    const client = ecr('222222222222', 'us-east-1');
    const { imageDetails } = await client.send(
      new DescribeImagesCommand({
        repositoryName: repo,
        imageIds: [
          {
            imageTag:
              '2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe',
          },
        ],
      }),
    );
    expect(imageDetails![0].imageSizeInBytes).toBe(0);
  });
});

describe('the other services', () => {
  it('pulls the Docker Hub image anonymously, without repository credentials', async () => {
    const { taskDefinition } = await ecs().send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'edge-proxy' }),
    );
    expect(taskDefinition!.containerDefinitions![0].image).toBe(
      'nginx:1.27-alpine',
    );
    expect(
      taskDefinition!.containerDefinitions![0].repositoryCredentials,
    ).toBeUndefined();
    const hub = `${sandbox.url}/registries/docker.io`;
    const token = await (
      await fetch(
        `${hub}/token?service=docker.io&scope=repository:library/nginx:pull`,
      )
    ).json();
    const response = await fetch(
      `${hub}/v2/library/nginx/manifests/1.27-alpine`,
      {
        headers: {
          authorization: `Bearer ${token.token}`,
          accept: MANIFEST_MEDIA_TYPES.join(','),
        },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBe('100;w=21600');
    const [task] = await stoppedTasks('edge-proxy');
    expect(task.stoppedReason).toContain('toomanyrequests');
  });

  it('keeps healthy services healthy: running tasks on the digest the deployment resolved', async () => {
    for (const name of ['checkout-api', 'catalog-web', 'recommendations']) {
      const svc = await service(name);
      expect(svc.runningCount).toBe(svc.desiredCount);
      const tasks = await runningTasks(name);
      expect(
        tasks.every(t =>
          t.containers!.every(c => c.imageDigest?.startsWith('sha256:')),
        ),
      ).toBe(true);
    }
  });

  it('denies every call in the legacy billing account', async () => {
    const error = await ecs('333333333333')
      .send(
        new DescribeServicesCommand({
          cluster: 'billing',
          services: ['billing-api'],
        }),
      )
      .catch(e => e);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('assumed-role/BackstageEcsReadOnly/');
  });

  it('lets shop-prod assume the platform-tools role with STS, as mainAccount + roleName does', async () => {
    const res = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${
          KEYS['111111111111']
        }/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(
          64,
        )}`,
      },
      body: 'Action=AssumeRole&Version=2011-06-15&RoleSessionName=backstage&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FBackstageReadOnly',
    });
    const xml = await res.text();
    const value = (name: string) =>
      new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)![1];
    const client = new ECSClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: {
        accessKeyId: value('AccessKeyId'),
        secretAccessKey: value('SecretAccessKey'),
        sessionToken: value('SessionToken'),
      },
    });
    const { services } = await client.send(
      new DescribeServicesCommand({
        cluster: 'tools',
        services: ['autotag'],
      }),
    );
    expect(services![0].serviceArn).toMatch(
      /^arn:aws:ecs:us-east-1:222222222222:/,
    );
  });
});

describe('examples/catalog.yaml', () => {
  const components = parseAllDocuments(
    readFileSync(resolve(EXAMPLES, 'catalog.yaml'), 'utf8'),
  )
    .map(d => d.toJS())
    .filter(e => e.kind === 'Component');

  it('keeps the guest user and group', () => {
    const all = parseAllDocuments(
      readFileSync(resolve(EXAMPLES, 'catalog.yaml'), 'utf8'),
    ).map(d => d.toJS());
    expect(all).toContainEqual(
      expect.objectContaining({
        kind: 'Group',
        metadata: expect.objectContaining({ name: 'guests' }),
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        kind: 'User',
        metadata: expect.objectContaining({ name: 'guest' }),
      }),
    );
  });

  /** The service ARNs a component's annotation leads to. */
  async function linkedServices(
    annotations: Record<string, string>,
  ): Promise<string[]> {
    const arn = annotations['aws.amazon.com/amazon-ecs-service-arn'];
    const tags = annotations['aws.amazon.com/amazon-ecs-service-tags'];
    if (arn) {
      const [, , , region, account, resource] = arn.split(':');
      const [, cluster, name] = resource.split('/');
      const model = sandbox.world.ecs
        .get(`${account}/${region}`)
        ?.clusters.get(cluster)
        ?.services.get(name);
      return model ? [model.arn] : [];
    }
    if (!tags) return [];
    const filters = tags.split(',').map(pair => {
      const [Key, Value] = pair.split('=');
      return { Key: Key.trim(), Values: [Value.trim()] };
    });
    const out = await new ResourceGroupsTaggingAPIClient(config()).send(
      new GetResourcesCommand({
        TagFilters: filters,
        ResourceTypeFilters: ['ecs:service'],
      }),
    );
    return out.ResourceTagMappingList!.map(r => r.ResourceARN!);
  }

  it('links every component to exactly one service of the demo scenario, of the same name', async () => {
    expect(components.length).toBeGreaterThanOrEqual(10);
    const links = await Promise.all(
      components.map(async c => ({
        name: c.metadata.name,
        services: (
          await linkedServices(c.metadata.annotations ?? {})
        ).map(arn => arn.split('/').pop()),
      })),
    );
    expect(links).toEqual(
      components.map(c => ({
        name: c.metadata.name,
        services: [c.metadata.name],
      })),
    );
    const byTags = components.filter(
      c => c.metadata.annotations?.['aws.amazon.com/amazon-ecs-service-tags'],
    );
    expect(byTags.map(c => c.metadata.name)).toEqual(['recommendations']);
  });
});
