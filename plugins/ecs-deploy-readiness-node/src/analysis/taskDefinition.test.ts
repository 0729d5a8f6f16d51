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
  MAX_CONTAINERS_PER_TASK_DEFINITION,
  parseTaskDefinition,
  taskDefinitionFindings,
} from './taskDefinition';

const registerForm = {
  family: 'web',
  requiresCompatibilities: ['FARGATE'],
  runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
  containerDefinitions: [
    {
      name: 'app',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2',
      versionConsistency: 'disabled',
    },
    {
      name: 'proxy',
      image: 'nginx:1.27',
      repositoryCredentials: {
        credentialsParameter: 'arn:aws:secretsmanager:eu-west-1:1:secret:hub',
      },
    },
  ],
};

describe('parseTaskDefinition', () => {
  it('reads the register-task-definition form', () => {
    const parsed = parseTaskDefinition(registerForm);
    expect(parsed).toEqual({
      ok: true,
      taskDefinition: {
        family: 'web',
        revision: undefined,
        taskDefinitionArn: undefined,
        platform: { os: 'linux', architecture: 'arm64' },
        platformSource: 'runtimePlatform',
        compatibilities: ['FARGATE'],
        launchType: 'FARGATE',
        containers: [
          {
            name: 'app',
            index: 0,
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2',
            hasRepositoryCredentials: false,
            versionConsistency: 'disabled',
          },
          {
            name: 'proxy',
            index: 1,
            image: 'nginx:1.27',
            hasRepositoryCredentials: true,
          },
        ],
      },
    });
  });

  it('unwraps the describe-task-definition output', () => {
    const parsed = parseTaskDefinition({
      taskDefinition: {
        ...registerForm,
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/web:7',
        revision: 7,
        runtimePlatform: undefined,
        requiresCompatibilities: undefined,
        compatibilities: ['EC2'],
      },
    });
    expect(parsed.ok && parsed.taskDefinition).toMatchObject({
      revision: 7,
      platform: { os: 'linux', architecture: 'amd64' },
      platformSource: 'default',
      launchType: 'EC2',
    });
  });

  it('maps a Windows runtime platform to the build prefix', () => {
    const parsed = parseTaskDefinition({
      ...registerForm,
      runtimePlatform: {
        cpuArchitecture: 'X86_64',
        operatingSystemFamily: 'WINDOWS_SERVER_2019_CORE',
      },
    });
    expect(parsed.ok && parsed.taskDefinition.platform).toEqual({
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.17763',
    });
  });

  it('assumes EC2 risks when the task may run on EC2 or Fargate', () => {
    const parsed = parseTaskDefinition({
      ...registerForm,
      requiresCompatibilities: ['FARGATE', 'EC2'],
    });
    expect(parsed.ok && parsed.taskDefinition.launchType).toBe('EC2');
  });

  it('keeps containers without an image, to report them', () => {
    const parsed = parseTaskDefinition({
      containerDefinitions: [{ name: 'x' }],
    });
    expect(parsed.ok && parsed.taskDefinition.containers).toEqual([
      {
        name: 'x',
        index: 0,
        image: undefined,
        hasRepositoryCredentials: false,
      },
    ]);
  });

  it.each([
    [[], /not a JSON object/],
    [{ family: 'x' }, /containerDefinitions/],
    [{ containerDefinitions: [] }, /empty/],
    [{ containerDefinitions: ['x'] }, /not an object/],
    [
      {
        containerDefinitions: [{}],
        runtimePlatform: { cpuArchitecture: 'SPARC' },
      },
      /cpuArchitecture/,
    ],
  ])('says what is wrong with %j', (value, reason) => {
    const parsed = parseTaskDefinition(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it.each([
    [
      'a string',
      'linux/arm64',
      /"runtimePlatform" must be an object.*the string "linux\/arm64"/,
    ],
    ['an array', [], /"runtimePlatform" must be an object.*an array/],
    ['a number', 64, /"runtimePlatform" must be an object.*number 64/],
    [
      'a field of the wrong type',
      { cpuArchitecture: 64 },
      /"runtimePlatform.cpuArchitecture" must be a string, got number 64/,
    ],
    [
      'an unknown field',
      { cpuArch: 'ARM64' },
      /"runtimePlatform.cpuArch" is not a runtimePlatform field/,
    ],
    [
      'an unknown architecture',
      { cpuArchitecture: 'ARM' },
      /runtimePlatform.cpuArchitecture "ARM"/,
    ],
    [
      'an unknown operating system',
      { operatingSystemFamily: 'MACOS' },
      /runtimePlatform.operatingSystemFamily "MACOS"/,
    ],
    [
      'an empty value',
      { cpuArchitecture: '' },
      /"runtimePlatform.cpuArchitecture" is empty/,
    ],
  ])(
    'rejects a runtimePlatform that is %s, naming the field, instead of assuming linux/amd64',
    (_name, runtimePlatform, reason) => {
      const parsed = parseTaskDefinition({ ...registerForm, runtimePlatform });
      expect(parsed).toMatchObject({ ok: false, field: 'runtimePlatform' });
      expect(!parsed.ok && parsed.reason).toMatch(reason);
    },
  );

  it('reads an absent or null runtimePlatform as the Fargate default', () => {
    for (const runtimePlatform of [undefined, null, {}]) {
      const parsed = parseTaskDefinition({ ...registerForm, runtimePlatform });
      expect(parsed.ok && parsed.taskDefinition).toMatchObject({
        platform: { os: 'linux', architecture: 'amd64' },
        platformSource: 'default',
      });
    }
  });
});

describe('taskDefinitionFindings', () => {
  const withContainers = (n: number) => {
    const parsed = parseTaskDefinition({
      containerDefinitions: Array.from({ length: n }, (_, i) => ({
        name: `c${i}`,
        image: 'nginx:1.27',
      })),
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.taskDefinition;
  };

  it('says nothing up to the ECS limit of 10 containers', () => {
    expect(MAX_CONTAINERS_PER_TASK_DEFINITION).toBe(10);
    expect(taskDefinitionFindings(withContainers(10))).toEqual([]);
  });

  it('blocks a task definition with more containers than ECS registers', () => {
    expect(taskDefinitionFindings(withContainers(11))).toEqual([
      expect.objectContaining({
        id: 'too-many-containers',
        severity: 'blocking',
        fixKey: 'too-many-containers',
        evidence: { containers: 11, max: 10 },
      }),
    ]);
  });
});
