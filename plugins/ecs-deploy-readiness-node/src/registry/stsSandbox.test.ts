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

/*
 * The multi-account setup of @backstage/integration-aws-node (main account credentials, then
 * AssumeRole into each account's role) against the ECS sandbox, with the real STS client that
 * @aws-sdk/credential-providers uses: the role's temporary credentials read that account's ECR.
 */

import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { Sandbox, startSandbox } from 'ecs-sandbox';

const MAIN = '111111111111';
const TARGET = '222222222222';
const MAIN_KEY = 'AKIATESTSTSMAIN0001';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: {
      accounts: [
        { id: MAIN, accessKeyId: MAIN_KEY },
        {
          id: TARGET,
          roles: [
            { name: 'BackstageReadOnly', trustedPrincipals: [MAIN] },
            { name: 'Admin', trustedPrincipals: [TARGET] },
          ],
        },
      ],
      regions: ['eu-west-1'],
      images: { app: { layers: 1 } },
      ecr: [
        { name: 'main-app', images: [{ image: 'app', tags: ['v1'] }] },
        {
          name: 'target-app',
          account: TARGET,
          images: [{ image: 'app', tags: ['v1'] }],
        },
      ],
    },
  });
});

afterAll(() => sandbox.stop());

function ecrAs(roleName: string) {
  return new ECRClient({
    endpoint: sandbox.url,
    region: 'eu-west-1',
    maxAttempts: 1,
    credentials: fromTemporaryCredentials({
      masterCredentials: { accessKeyId: MAIN_KEY, secretAccessKey: 'sandbox' },
      params: {
        RoleArn: `arn:aws:iam::${TARGET}:role/${roleName}`,
        RoleSessionName: 'backstage',
      },
      clientConfig: { endpoint: sandbox.url, region: 'us-east-1' },
    }),
  });
}

describe('STS AssumeRole through @aws-sdk/credential-providers', () => {
  it("reads the role account's repositories with the assumed role's credentials", async () => {
    const { repositories } = await ecrAs('BackstageReadOnly').send(
      new DescribeRepositoriesCommand({}),
    );
    expect(repositories!.map(r => r.repositoryArn)).toEqual([
      `arn:aws:ecr:eu-west-1:${TARGET}:repository/target-app`,
    ]);
  });

  it('fails with AccessDenied when the role does not trust the main account', async () => {
    const error = await ecrAs('Admin')
      .send(new DescribeRepositoriesCommand({}))
      .catch(e => e);
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain(
      `is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${TARGET}:role/Admin`,
    );
  });
});
