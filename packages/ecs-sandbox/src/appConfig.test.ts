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
import { parse } from 'yaml';
import { sandboxAppConfig, sandboxAppConfigYaml } from './appConfig';
import { loadWorld } from './scenario/load';
import { ScenarioDocument } from './scenario/types';

const ROOT = resolve(__dirname, '../../..');

function scenario(): ScenarioDocument {
  return {
    accounts: [
      { id: '123456789012', name: 'main', accessKeyId: 'AKIATESTMAIN0000001' },
      {
        id: '210987654321',
        name: 'locked',
        accessKeyId: 'AKIATESTLOCKED00001',
        denyAccess: true,
      },
      {
        id: '111122223333',
        name: 'tools',
        roles: [
          // Trusts only the locked account's role, then the main account: main is preferred.
          { name: 'Admin', trustedPrincipals: ['999999999999'] },
          {
            name: 'Reader',
            trustedPrincipals: [
              'arn:aws:iam::210987654321:root',
              '123456789012',
            ],
          },
        ],
      },
      { id: '444455556666', name: 'orphan' },
    ],
    regions: ['eu-west-1', 'us-east-1'],
    registries: [
      {
        host: 'ghcr.io',
        users: [
          { username: 'ci-bot', password: 'hunter2' },
          { username: 'other', password: 'x' },
        ],
      },
      { host: 'registry-1.docker.io' },
    ],
  };
}

describe('sandboxAppConfig', () => {
  it('configures, for the demo, exactly what app-config.yaml has for ./scripts/start', () => {
    const world = loadWorld(resolve(ROOT, 'examples/demo-scenario.yaml'));
    const appConfig = parse(
      readFileSync(resolve(ROOT, 'app-config.yaml'), 'utf8'),
    );
    const fragment = parse(
      sandboxAppConfigYaml(world, 'http://127.0.0.1:4566'),
    );
    expect(fragment.aws).toEqual(appConfig.aws);
    const { regions, ...aws } = fragment.ecsDeployReadiness.aws;
    expect(aws).toEqual(appConfig.ecsDeployReadiness.aws);
    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(fragment.ecsDeployReadiness.registries).toEqual(
      appConfig.ecsDeployReadiness.registries,
    );
  });

  it('reaches each account the way the sandbox accepts, and every registry', () => {
    const { config, access } = sandboxAppConfig(
      loadWorld(scenario()),
      'http://127.0.0.1:5555',
    );
    expect(config.aws.accounts).toEqual([
      {
        accountId: '123456789012',
        accessKeyId: 'AKIATESTMAIN0000001',
        secretAccessKey: 'sandbox',
      },
      // Denying access is the account's story: Backstage still gets its key.
      {
        accountId: '210987654321',
        accessKeyId: 'AKIATESTLOCKED00001',
        secretAccessKey: 'sandbox',
      },
      // No key: the sandbox accepts only STS credentials of one of its roles.
      {
        accountId: '111122223333',
        roleName: 'Reader',
        accessKeyId: 'AKIATESTMAIN0000001',
        secretAccessKey: 'sandbox',
      },
    ]);
    expect(access).toContainEqual({ account: '444455556666', via: 'none' });
    expect(config.ecsDeployReadiness).toEqual({
      aws: {
        endpoint: 'http://127.0.0.1:5555',
        regions: ['eu-west-1', 'us-east-1'],
      },
      registries: {
        endpoints: {
          'ghcr.io': 'http://127.0.0.1:5555/registries/ghcr.io',
          'docker.io': 'http://127.0.0.1:5555/registries/docker.io',
        },
        ecrDistributionEndpoint:
          'http://127.0.0.1:5555/ecr/{accountId}/{region}',
        allowedPrivateRegistries: ['127.0.0.1:5555'],
        insecureRegistries: ['127.0.0.1:5555'],
        credentials: { 'ghcr.io': { username: 'ci-bot', password: 'hunter2' } },
      },
    });
  });

  it('points clients of a sandbox on every interface at loopback', () => {
    const { config } = sandboxAppConfig(
      loadWorld(scenario()),
      'http://0.0.0.0:4566',
    );
    expect(config.ecsDeployReadiness.aws.endpoint).toBe(
      'http://127.0.0.1:4566',
    );
    expect(
      config.ecsDeployReadiness.registries.allowedPrivateRegistries,
    ).toEqual(['127.0.0.1:4566']);
  });

  it('explains in comments what each account stands for', () => {
    const text = sandboxAppConfigYaml(
      loadWorld(scenario()),
      'http://127.0.0.1:5555',
      { scenario: 'mine.yaml' },
    );
    expect(text).toContain('serving mine.yaml');
    expect(text).toContain('# locked: denies access');
    expect(text).toContain(
      '# tools: no access key: assumes arn:aws:iam::111122223333:role/Reader with the key of 123456789012',
    );
    expect(text).toMatch(/Not listed, .*: 444455556666/);
    // The comments do not change the data.
    expect(parse(text)).toEqual(
      sandboxAppConfig(loadWorld(scenario()), 'http://127.0.0.1:5555').config,
    );
  });
});
