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
  formatReference,
  parseEcrRegistryHost,
  parseImageReference,
  withDigest,
} from './parse';
import { digestProblem } from './digest';
import { ImageReference } from './types';

const SHA = `sha256:${'a'.repeat(64)}`;
const SHA2 = `sha256:${'b'.repeat(64)}`;

function parsed(
  input: string,
  options?: Parameters<typeof parseImageReference>[1],
): ImageReference {
  const result = parseImageReference(input, options);
  if (!result.ok) {
    throw new Error(`expected ${input} to parse, got: ${result.reason}`);
  }
  return result.reference;
}

function reason(input: string): string {
  const result = parseImageReference(input);
  if (result.ok) {
    throw new Error(`expected ${input} to be invalid`);
  }
  expect(result.input).toBe(input);
  return result.reason;
}

describe('parseImageReference', () => {
  describe('Docker Hub normalisation', () => {
    it.each([
      ['nginx', 'library/nginx', 'latest', true],
      ['nginx:1.27', 'library/nginx', '1.27', false],
      ['library/nginx:1.27', 'library/nginx', '1.27', false],
      ['docker.io/nginx', 'library/nginx', 'latest', true],
      ['docker.io/library/nginx:alpine', 'library/nginx', 'alpine', false],
      ['index.docker.io/nginx', 'library/nginx', 'latest', true],
      ['registry-1.docker.io/bitnami/redis:7.2', 'bitnami/redis', '7.2', false],
      [
        'mvanholsteijn/paas-monitor:3.1.0',
        'mvanholsteijn/paas-monitor',
        '3.1.0',
        false,
      ],
      ['localhost', 'library/localhost', 'latest', true],
      ['localhost:5000', 'library/localhost', '5000', false],
    ])('%s → docker.io/%s:%s', (input, repository, tag, tagDefaulted) => {
      const ref = parsed(input);
      expect(ref).toMatchObject({
        original: input,
        registry: 'docker.io',
        repository,
        tag,
        tagDefaulted,
        kind: 'dockerhub',
      });
      expect(ref.digest).toBeUndefined();
    });

    it('keeps no tag for a digest-only reference', () => {
      const ref = parsed(`nginx@${SHA}`);
      expect(ref).toMatchObject({
        repository: 'library/nginx',
        digest: SHA,
        tagDefaulted: false,
      });
      expect(ref.tag).toBeUndefined();
    });

    it('keeps both tag and digest', () => {
      expect(parsed(`nginx:1.27@${SHA}`)).toMatchObject({
        tag: '1.27',
        digest: SHA,
      });
    });
  });

  describe('registry hosts', () => {
    it.each([
      ['ghcr.io/org/app:v1', 'ghcr.io', 'org/app', 'other'],
      [
        'quay.io/prometheus/node-exporter',
        'quay.io',
        'prometheus/node-exporter',
        'other',
      ],
      ['localhost/app', 'localhost', 'app', 'other'],
      ['localhost:5000/app:dev', 'localhost:5000', 'app', 'other'],
      ['127.0.0.1:5000/team/app', '127.0.0.1:5000', 'team/app', 'other'],
      ['[::1]:5000/app', '[::1]:5000', 'app', 'other'],
      ['[2001:db8::1]/app', '[2001:db8::1]', 'app', 'other'],
      ['registry:5000/app', 'registry:5000', 'app', 'other'],
      ['Registry.Example.COM/app', 'registry.example.com', 'app', 'other'],
      [
        'public.ecr.aws/nginx/nginx:1.27',
        'public.ecr.aws',
        'nginx/nginx',
        'ecr-public',
      ],
      ['example.com/a/b/c/d', 'example.com', 'a/b/c/d', 'other'],
    ])('%s', (input, registry, repository, kind) => {
      expect(parsed(input)).toMatchObject({ registry, repository, kind });
    });

    it('treats an uppercase first component as a host, like Docker', () => {
      expect(parsed('Foo/bar')).toMatchObject({
        registry: 'foo',
        repository: 'bar',
      });
    });

    it('does not take the port for a tag', () => {
      const ref = parsed('registry.example.com:5000/app');
      expect(ref).toMatchObject({
        registry: 'registry.example.com:5000',
        tag: 'latest',
        tagDefaulted: true,
      });
    });

    it('accepts the separators of the grammar', () => {
      expect(parsed('example.com/a.b_c__d-e---f/x').repository).toBe(
        'a.b_c__d-e---f/x',
      );
    });
  });

  describe('ECR', () => {
    it.each([
      [
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1',
        {
          accountId: '123456789012',
          region: 'eu-west-1',
          partition: 'aws',
          fips: false,
          dualStack: false,
        },
      ],
      [
        '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app',
        { region: 'us-east-1', partition: 'aws', fips: true, dualStack: false },
      ],
      [
        '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app',
        { region: 'cn-north-1', partition: 'aws-cn', fips: false },
      ],
      [
        '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app',
        { region: 'us-gov-west-1', partition: 'aws-us-gov' },
      ],
      [
        '123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com/app',
        { partition: 'aws-us-gov', fips: true },
      ],
      [
        '123456789012.dkr-ecr.eu-central-1.on.aws/app',
        {
          region: 'eu-central-1',
          partition: 'aws',
          dualStack: true,
          fips: false,
        },
      ],
      [
        '123456789012.dkr-ecr-fips.us-west-2.on.aws/app',
        { region: 'us-west-2', dualStack: true, fips: true },
      ],
      [
        '123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn/app',
        { region: 'cn-northwest-1', partition: 'aws-cn', dualStack: true },
      ],
      [
        '123456789012.dkr.ecr.ap-southeast-5.amazonaws.com:443/app',
        { region: 'ap-southeast-5' },
      ],
    ])('%s', (input, ecr) => {
      const ref = parsed(input);
      expect(ref.kind).toBe('ecr');
      expect(ref.ecr).toMatchObject(ecr);
    });

    it.each([
      '12345678901.dkr.ecr.us-east-1.amazonaws.com/app',
      '123456789012.dkr.ecr.amazonaws.com/app',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/app',
      'dkr.ecr.us-east-1.amazonaws.com/app',
    ])('%s is not ECR', input => {
      const ref = parsed(input);
      expect(ref.kind).toBe('other');
      expect(ref.ecr).toBeUndefined();
    });

    it('exposes host parsing on its own', () => {
      expect(
        parseEcrRegistryHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com')
          ?.accountId,
      ).toBe('123456789012');
      expect(parseEcrRegistryHost('ghcr.io')).toBeUndefined();
    });

    it('recognises well-known pull-through cache prefixes', () => {
      const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
      expect(
        parsed(`${host}/docker-hub/library/nginx:1.27`).pullThroughCachePrefix,
      ).toBe('docker-hub');
      expect(
        parsed(`${host}/ecr-public/nginx/nginx`).pullThroughCachePrefix,
      ).toBe('ecr-public');
      expect(
        parsed(`${host}/quay/prometheus/node-exporter`).pullThroughCachePrefix,
      ).toBe('quay');
      expect(
        parsed(`${host}/docker-hub`).pullThroughCachePrefix,
      ).toBeUndefined();
      expect(parsed(`${host}/team/app`).pullThroughCachePrefix).toBeUndefined();
      expect(
        parsed('ghcr.io/docker-hub/x').pullThroughCachePrefix,
      ).toBeUndefined();
    });

    it('recognises configured pull-through cache prefixes, the longest first', () => {
      const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
      const options = { pullThroughCachePrefixes: ['mirror', '/team/hub/'] };
      expect(
        parsed(`${host}/mirror/library/nginx`, options).pullThroughCachePrefix,
      ).toBe('mirror');
      expect(
        parsed(`${host}/team/hub/library/nginx`, options)
          .pullThroughCachePrefix,
      ).toBe('team/hub');
      expect(
        parsed(`${host}/team/app`, options).pullThroughCachePrefix,
      ).toBeUndefined();
    });
  });

  describe('tags and digests', () => {
    it('accepts a 128-character tag and word characters', () => {
      const tag = `_${'a'.repeat(127)}`;
      expect(parsed(`app:${tag}`).tag).toBe(tag);
      expect(parsed('app:V1.2_rc-3').tag).toBe('V1.2_rc-3');
    });

    it('accepts sha512 and sha384 digests', () => {
      expect(parsed(`app@sha512:${'0'.repeat(128)}`).digest).toHaveLength(135);
      expect(parsed(`app@sha384:${'0'.repeat(96)}`).digest).toHaveLength(103);
    });
  });

  describe('invalid references', () => {
    it.each([
      ['', /empty/],
      ['   ', /only whitespace/],
      [' nginx', /leading or trailing whitespace/],
      ['nginx:1.27\n', /leading or trailing whitespace/],
      ['my app:1', /whitespace at position 3/],
      ['nginx:', /tag is missing/],
      ['nginx:-1', /must start with a letter, digit or '_'/],
      ['nginx:1.0+build', /contains '\+'/],
      [`nginx:${'a'.repeat(129)}`, /129 characters long; the maximum is 128/],
      ['nginx@', /digest is missing/],
      ['nginx@sha256:abc', /must have 64 hex characters, got 3/],
      [
        `nginx@sha512:${'a'.repeat(64)}`,
        /must have 128 hex characters, got 64/,
      ],
      [`nginx@sha256:${'A'.repeat(64)}`, /lowercase/],
      [`nginx@md5:${'a'.repeat(32)}`, /algorithm 'md5' is not supported/],
      [`nginx@${'a'.repeat(64)}`, /no algorithm/],
      [`nginx@sha256:${'g'.repeat(64)}`, /hexadecimal/],
      [`a@${SHA}@${SHA}`, /more than one '@'/],
      ['MyApp:1', /lowercase/],
      ['org/MyApp', /must be lowercase \('MyApp'\)/],
      ['ghcr.io/Org/app', /lowercase/],
      ['ghcr.io/org//app', /empty component/],
      ['ghcr.io/org/app/', /empty component/],
      ['/app', /empty component/],
      [':latest', /repository name is missing/],
      [`@${SHA}`, /repository name is missing/],
      ['org/app!', /contains '!'/],
      ['org/-app', /must start and end with a letter or digit/],
      ['org/app-', /must start and end with a letter or digit/],
      ['org/a..b', /invalid separator/],
      ['org/a___b', /invalid separator/],
      ['ex_ample.com/app', /not a valid host name/],
      ['example.com:99999/app', /port '99999'/],
      ['example.com:/app', /port ''/],
      ['[::g]:5000/app', /not a valid IPv6 address/],
      ['[::1]', /component '\[::1\]' contains '\['/],
      ['nginx:1.27é', /only ASCII/],
      ['a'.repeat(64), /image ID/],
      [
        `example.com/${'a'.repeat(256)}`,
        /256 characters long; the maximum is 255/,
      ],
    ])('%j', (input, expected) => {
      expect(reason(input)).toMatch(expected);
    });

    it('never throws on non-string input', () => {
      const result = parseImageReference(undefined as unknown as string);
      expect(result).toEqual({
        ok: false,
        input: 'undefined',
        reason: 'image reference is not a string',
      });
    });
  });
});

describe('digestProblem', () => {
  it('accepts valid digests and explains invalid ones', () => {
    expect(digestProblem(SHA)).toBeUndefined();
    expect(digestProblem('sha256:')).toMatch(/malformed/);
    expect(digestProblem('')).toMatch(/empty/);
  });
});

describe('formatReference', () => {
  it('gives the fully qualified form', () => {
    expect(formatReference(parsed('nginx'))).toBe(
      'docker.io/library/nginx:latest',
    );
    expect(formatReference(parsed(`ghcr.io/org/app:v1@${SHA}`))).toBe(
      `ghcr.io/org/app:v1@${SHA}`,
    );
    expect(formatReference(parsed(`app@${SHA}`))).toBe(
      `docker.io/library/app@${SHA}`,
    );
  });

  it('gives the familiar form', () => {
    expect(
      formatReference(parsed('docker.io/library/nginx:1'), { familiar: true }),
    ).toBe('nginx:1');
    expect(formatReference(parsed('bitnami/redis'), { familiar: true })).toBe(
      'bitnami/redis:latest',
    );
    expect(formatReference(parsed('quay.io/a/b:1'), { familiar: true })).toBe(
      'quay.io/a/b:1',
    );
  });

  it('round-trips through the parser', () => {
    for (const input of [
      'nginx:1',
      `ghcr.io/o/a@${SHA}`,
      '[::1]:5000/x:y',
      'localhost:5000/a/b',
    ]) {
      const ref = parsed(input);
      const again = parsed(formatReference(ref));
      expect([
        again.registry,
        again.repository,
        again.tag,
        again.digest,
      ]).toEqual([ref.registry, ref.repository, ref.tag, ref.digest]);
    }
  });
});

describe('withDigest', () => {
  it.each([
    ['nginx:1.27', `nginx:1.27@${SHA}`],
    ['nginx', `nginx@${SHA}`],
    ['library/nginx:1.27', `library/nginx:1.27@${SHA}`],
    ['docker.io/library/nginx:1.27', `docker.io/library/nginx:1.27@${SHA}`],
    [
      'mvanholsteijn/paas-monitor:3.4.0',
      `mvanholsteijn/paas-monitor:3.4.0@${SHA}`,
    ],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1',
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1@${SHA}`,
    ],
    ['localhost:5000/app:dev', `localhost:5000/app:dev@${SHA}`],
    [`nginx:1.27@${SHA2}`, `nginx:1.27@${SHA}`],
  ])('%s → %s', (input, expected) => {
    expect(withDigest(parsed(input), SHA)).toBe(expected);
  });

  it('falls back to the qualified name for a reference built by hand', () => {
    const ref: ImageReference = {
      original: 'something else',
      registry: 'ghcr.io',
      repository: 'org/app',
      tag: 'v1',
      tagDefaulted: false,
      kind: 'other',
    };
    expect(withDigest(ref, SHA)).toBe(`ghcr.io/org/app:v1@${SHA}`);
  });
});
