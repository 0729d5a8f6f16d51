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
  DOCKER_HUB_ALIASES,
  canonicalRegistryHost,
  ecrHostPattern,
  isDockerHubHost,
  parseEcrHost,
} from './registryHosts';

describe('parseEcrHost', () => {
  it.each([
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      { region: 'eu-west-1', partition: 'aws', fips: false, dualStack: false },
    ],
    [
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
      {
        region: 'us-gov-west-1',
        partition: 'aws-us-gov',
        fips: true,
        dualStack: false,
      },
    ],
    [
      '123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn',
      {
        region: 'cn-northwest-1',
        partition: 'aws-cn',
        fips: false,
        dualStack: false,
      },
    ],
    [
      '123456789012.dkr-ecr.us-east-2.on.aws',
      { region: 'us-east-2', partition: 'aws', fips: false, dualStack: true },
    ],
    [
      '123456789012.dkr-ecr-fips.us-east-2.on.aws',
      { region: 'us-east-2', partition: 'aws', fips: true, dualStack: true },
    ],
    [
      '123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn',
      {
        region: 'cn-north-1',
        partition: 'aws-cn',
        fips: false,
        dualStack: true,
      },
    ],
    [
      '123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM:443',
      { region: 'eu-west-1', partition: 'aws', fips: false, dualStack: false },
    ],
  ])('reads %s', (host, expected) => {
    expect(parseEcrHost(host)).toEqual({
      accountId: '123456789012',
      ...expected,
    });
  });

  it.each([
    'public.ecr.aws',
    'ghcr.io',
    '123456789012.dkr.ecr.eu-west-1.on.aws',
    '123456789012.dkr-ecr.eu-west-1.amazonaws.com',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example',
    'evil.example/123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  ])('rejects %s', host => {
    expect(parseEcrHost(host)).toBeUndefined();
  });

  it('leaves masked parts out instead of guessing', () => {
    expect(parseEcrHost('<ACCOUNT>.dkr.ecr.us-west-2.amazonaws.com')).toEqual({
      region: 'us-west-2',
      partition: 'aws',
      fips: false,
      dualStack: false,
    });
    expect(parseEcrHost('xxxxxxxxxxxx.dkr.ecr.<region>.amazonaws.com')).toEqual(
      {
        partition: 'aws',
        fips: false,
        dualStack: false,
      },
    );
  });
});

describe('ecrHostPattern', () => {
  it('finds a host inside text with the caller’s account pattern', () => {
    const pattern = ecrHostPattern('(\\d{12})', '([a-z0-9-]+)');
    const match = pattern.exec(
      'failed to resolve ref 210987654321.dkr-ecr.ap-south-1.on.aws/app:1',
    );
    expect(match?.[0]).toBe('210987654321.dkr-ecr.ap-south-1.on.aws');
    expect(match?.groups).toMatchObject({
      service: 'dkr-ecr',
      domain: 'on.aws',
    });
  });
});

describe('Docker Hub hosts', () => {
  it.each(['docker.io', ...DOCKER_HUB_ALIASES, 'Registry-1.Docker.IO'])(
    '%s is Docker Hub',
    host => {
      expect(isDockerHubHost(host)).toBe(true);
      expect(canonicalRegistryHost(host)).toBe('docker.io');
    },
  );

  it.each(['ghcr.io', 'docker.io.example.com', 'quay.io'])(
    '%s is not',
    host => {
      expect(isDockerHubHost(host)).toBe(false);
      expect(canonicalRegistryHost(host)).toBe(host);
    },
  );
});
