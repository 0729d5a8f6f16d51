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
import { getEventListeners } from 'node:events';
import { isIP } from 'node:net';
import { classifyAddress, ipVersion } from './addresses';
import { parseWwwAuthenticate } from './auth';
import { abortable, mapWithConcurrency, SharedWork } from './concurrency';
import { manifestDigest } from './digest';
import { RegistryError } from './types';

describe('ipVersion', () => {
  it.each([
    ['127.0.0.1', 4],
    ['::1', 6],
    ['fe80::1', 6],
    ['::ffff:127.0.0.1', 6],
    ['ghcr.io', 0],
    ['localhost', 0],
    ['1.2.3', 0],
    ['12:34', 0],
    ['[::1]', 0],
  ])('%s is %i, as net.isIP says', (host, version) => {
    expect(ipVersion(host)).toBe(version);
    expect(isIP(host)).toBe(version);
  });
});

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

describe('mapWithConcurrency', () => {
  it('keeps the input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async n => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise(resolve => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts no call after the signal aborts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const error = await mapWithConcurrency(
      [1, 2, 3, 4],
      1,
      async n => {
        started.push(n);
        if (n === 1) controller.abort();
        return n;
      },
      { signal: controller.signal, registry: 'r.example' },
    ).catch(e => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.kind).toBe('canceled');
    expect(started).toEqual([1]);
  });

  it('starts no call after the first failure', async () => {
    const started: number[] = [];
    const error = await mapWithConcurrency([1, 2, 3, 4, 5], 2, async n => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      await new Promise(resolve => setTimeout(resolve, 20));
      return n;
    }).catch(e => e);
    expect(error.message).toBe('boom');
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(started).toEqual([1, 2]);
  });
});

describe('abortable', () => {
  it('stops waiting at the abort, and removes its listener when the work settles first', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    await abortable(Promise.resolve(1), signal, () => new Error('x'));
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    const waiting = abortable(new Promise(() => {}), signal, () => {
      return new Error('stopped');
    });
    controller.abort();
    await expect(waiting).rejects.toThrow('stopped');
  });
});

describe('SharedWork', () => {
  const canceled = () => new Error('canceled');

  it("runs under its own signal: one caller's abort leaves the work and the other callers alone", async () => {
    let finish: (value: string) => void = () => {};
    let workSignal: AbortSignal | undefined;
    const work = new SharedWork<string>(signal => {
      workSignal = signal;
      return new Promise(resolve => {
        finish = resolve;
      });
    }, canceled);
    const impatient = new AbortController();
    const first = work.wait(impatient.signal);
    const second = work.wait(new AbortController().signal);
    impatient.abort();
    await expect(first).rejects.toThrow('canceled');
    await Promise.resolve();
    expect(workSignal?.aborted).toBe(false);
    expect(work.abandoned).toBe(false);
    finish('token');
    await expect(second).resolves.toBe('token');
  });

  it('is aborted once every caller has stopped waiting', async () => {
    let workSignal: AbortSignal | undefined;
    const work = new SharedWork<string>(signal => {
      workSignal = signal;
      return new Promise(() => {});
    }, canceled);
    const a = new AbortController();
    const b = new AbortController();
    const first = work.wait(a.signal);
    const second = work.wait(b.signal);
    a.abort();
    await expect(first).rejects.toThrow('canceled');
    expect(work.abandoned).toBe(false);
    b.abort();
    await expect(second).rejects.toThrow('canceled');
    expect(work.abandoned).toBe(true);
    expect(workSignal?.aborted).toBe(true);
  });

  it('is never aborted while a caller without a signal waits', async () => {
    const work = new SharedWork<string>(() => new Promise(() => {}), canceled);
    const a = new AbortController();
    const waiting = work.wait(a.signal);
    work.wait();
    a.abort();
    await expect(waiting).rejects.toThrow('canceled');
    expect(work.abandoned).toBe(false);
  });
});
