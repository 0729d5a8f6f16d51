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
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Sandbox, startSandbox } from 'ecs-sandbox';
import { AwsClients } from './AwsClients';
import { resolveTags } from './tags';

const SCENARIO = resolve(__dirname, '../../../../examples/demo-scenario.yaml');

let sandbox: Sandbox;
const savedStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: SCENARIO });
  // integration-aws-node has no STS endpoint setting; the SDK reads this variable.
  process.env.AWS_ENDPOINT_URL_STS = sandbox.url;
});

afterAll(async () => {
  if (savedStsEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
  else process.env.AWS_ENDPOINT_URL_STS = savedStsEndpoint;
  await sandbox.stop();
});

function makeClients(aws: object) {
  return AwsClients.create({
    config: new ConfigReader({
      aws,
      ecsDeployReadiness: { aws: { endpoint: sandbox.url } },
    }),
    logger: mockServices.logger.mock(),
  });
}

const MAIN = {
  accessKeyId: 'AKIASANDBOXSHOPPROD1',
  secretAccessKey: 'sandbox',
};

/** mainAccount + accountDefaults.roleName + accounts[]: 222222222222 is reached by AssumeRole. */
const withRoles = () =>
  makeClients({
    mainAccount: MAIN,
    accountDefaults: { roleName: 'BackstageReadOnly' },
    accounts: [
      { accountId: '111111111111', ...MAIN },
      {
        accountId: '333333333333',
        accessKeyId: 'AKIASANDBOXBILLING01',
        secretAccessKey: 'sandbox',
      },
    ],
  });

async function clusterArns(
  clients: AwsClients,
  account: string,
  region: string,
) {
  const out = await clients
    .ecs(account, region)
    .send(new ListClustersCommand({}));
  return out.clusterArns;
}

describe('AwsClients', () => {
  it('makes one client per service, account and region, and reuses it', () => {
    const clients = withRoles();
    const a = clients.ecs('111111111111', 'eu-west-1');
    expect(clients.ecs('111111111111', 'eu-west-1')).toBe(a);
    expect(clients.ecs('111111111111', 'us-east-1')).not.toBe(a);
    expect(clients.ecs('222222222222', 'eu-west-1')).not.toBe(a);
    expect(clients.ecr('111111111111', 'eu-west-1')).toBe(
      clients.ecr('111111111111', 'eu-west-1'),
    );
    expect(clients.ecr('111111111111', 'eu-west-1')).not.toBe(a);
    expect(clients.tagging('111111111111', 'eu-west-1')).toBe(
      clients.tagging('111111111111', 'eu-west-1'),
    );
  });

  it("uses the SDK's adaptive retry mode and the configured region", async () => {
    const clients = withRoles();
    for (const client of [
      clients.ecs('111111111111', 'eu-west-1'),
      clients.ecr('111111111111', 'eu-west-1'),
      clients.tagging('111111111111', 'eu-west-1'),
    ]) {
      const strategy = await client.config.retryStrategy();
      expect((strategy as { mode?: string }).mode).toBe('adaptive');
      expect(await client.config.region()).toBe('eu-west-1');
    }
  });

  it('sends calls to the configured endpoint, with the account credentials', async () => {
    const clients = withRoles();
    expect(await clusterArns(clients, '111111111111', 'eu-west-1')).toEqual([
      'arn:aws:ecs:eu-west-1:111111111111:cluster/shop-prod',
    ]);
    const endpoint = await clients
      .ecs('111111111111', 'eu-west-1')
      .config.endpoint?.();
    expect(
      `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
    ).toBe(sandbox.url);
  });

  it('assumes accountDefaults.roleName in an account not listed, through STS', async () => {
    const clients = withRoles();
    expect(await clusterArns(clients, '222222222222', 'us-east-1')).toEqual([
      'arn:aws:ecs:us-east-1:222222222222:cluster/tools',
    ]);
  });

  it('counts calls by API, once per call', async () => {
    const clients = withRoles();
    expect(clients.calls()).toEqual({});
    await clusterArns(clients, '111111111111', 'eu-west-1');
    await clusterArns(clients, '111111111111', 'us-east-1');
    await resolveTags(
      clients,
      { app: 'orders' },
      { accountIds: ['111111111111'], regions: ['eu-west-1'] },
    );
    expect(clients.calls()).toEqual({
      'ecs:ListClusters': 2,
      'tag:GetResources': 1,
    });
  });

  it('knows the listed accounts, and any account when a default role is set', async () => {
    const clients = withRoles();
    await expect(clients.isKnown('111111111111')).resolves.toBe(true);
    await expect(clients.isKnown('999999999999')).resolves.toBe(true);

    const listedOnly = makeClients({
      mainAccount: MAIN,
      accounts: [
        {
          accountId: '333333333333',
          accessKeyId: 'AKIASANDBOXBILLING01',
          secretAccessKey: 'sandbox',
        },
      ],
    });
    await expect(listedOnly.isKnown('333333333333')).resolves.toBe(true);
    // The main account's own id comes from STS GetCallerIdentity.
    await expect(listedOnly.isKnown('111111111111')).resolves.toBe(true);
    await expect(listedOnly.isKnown('222222222222')).resolves.toBe(false);
  });
});

describe('resolveTags', () => {
  it('finds services by tags in every account and region, and reports denied ones', async () => {
    const clients = withRoles();
    const result = await resolveTags(
      clients,
      { app: 'recommendations', env: 'production' },
      {
        accountIds: ['111111111111', '222222222222', '333333333333'],
        regions: ['eu-west-1', 'us-east-1'],
      },
    );
    expect(result.serviceArns).toEqual([
      'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/recommendations',
    ]);
    expect(result.errors).toHaveLength(2);
    for (const error of result.errors) {
      expect(error).toMatchObject({
        code: 'AccessDeniedException',
        accountId: '333333333333',
        api: 'tag:GetResources',
        permission: 'tag:GetResources',
      });
      expect(error.message).not.toMatch(/AKIA/);
    }
  });

  it('follows pages', async () => {
    const clients = withRoles();
    const result = await resolveTags(
      clients,
      { env: 'production' },
      { accountIds: ['111111111111'], regions: ['eu-west-1'], pageSize: 2 },
    );
    // The seven services of shop-prod, four pages of two.
    expect(result.serviceArns).toHaveLength(7);
    expect(result.errors).toEqual([]);
    expect(clients.calls()).toEqual({ 'tag:GetResources': 4 });
  });
});
