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

import { createHash } from 'node:crypto';
import { classifyAddress } from './addresses';
import { parseWwwAuthenticate } from './auth';
import { manifestDigest } from './digest';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['100.100.100.200', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fc00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.170.2', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each([
    '8.8.8.8',
    '52.94.1.1',
    '172.32.0.1',
    '2600:1f18::1',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', address => {
    expect(classifyAddress(address)).toBeUndefined();
  });
});

describe('parseWwwAuthenticate', () => {
  it('parses a Docker Hub bearer challenge', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ]);
  });

  it('parses several challenges, unquoted values and escapes', () => {
    expect(
      parseWwwAuthenticate(
        'Basic realm="a \\"b\\"", Bearer Realm=https://x/token, service=s',
      ),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'bearer', params: { realm: 'https://x/token', service: 's' } },
    ]);
  });

  it('gives nothing for garbage', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('=oops')).toEqual([]);
  });
});

describe('manifestDigest', () => {
  it('hashes a signed schema 1 manifest without its signatures, as registries do', () => {
    const payload =
      '{\n   "schemaVersion": 1,\n   "name": "library/app",\n   "fsLayers": []\n}';
    const formatLength = payload.length - 2; // up to before the closing "\n}"
    const formatTail = Buffer.from('\n}').toString('base64url');
    const protectedHeader = Buffer.from(
      JSON.stringify({ formatLength, formatTail }),
    ).toString('base64url');
    const signed = `${payload.slice(
      0,
      formatLength,
    )},\n   "signatures": [{"protected": "${protectedHeader}", "signature": "x"}]\n}`;
    expect(manifestDigest(Buffer.from(signed))).toBe(
      manifestDigest(Buffer.from(payload)),
    );
    expect(manifestDigest(Buffer.from(signed))).not.toBe(
      `sha256:${createHash('sha256').update(signed).digest('hex')}`,
    );
  });
});
