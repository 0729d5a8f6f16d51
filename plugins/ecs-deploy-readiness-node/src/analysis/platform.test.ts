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
  formatPlatform,
  parsePlatform,
  platformFromRuntimePlatform,
  platformMatches,
  selectPlatformEntry,
} from './platform';

describe('parsePlatform', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['arm64', { os: 'linux', architecture: 'arm64' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
    [
      'windows(10.0.17763)/amd64',
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763' },
    ],
    ['LINUX/ARM64', { os: 'linux', architecture: 'arm64' }],
    [
      'WINDOWS_SERVER_2022_CORE/X86_64',
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348' },
    ],
  ])('parses %s', (text, platform) => {
    expect(parsePlatform(text)).toEqual({ ok: true, platform });
  });

  it.each(['', 'linux/amd64/v8/extra', 'linux amd64', 'linux/(x)'])(
    'rejects %j with a reason',
    text => {
      const result = parsePlatform(text);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/platform|OS/);
    },
  );
});

describe('platformMatches', () => {
  it.each([
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'x86_64' },
      true,
    ],
    [
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'aarch64' },
      true,
    ],
    [
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      true,
    ],
    [
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm64' },
      true,
    ],
    [
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'arm64', variant: 'v9' },
      false,
    ],
    [
      { os: 'linux', architecture: 'arm' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      true,
    ],
    [
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      { os: 'linux', architecture: 'arm', variant: 'v6' },
      false,
    ],
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
      false,
    ],
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'windows', architecture: 'amd64' },
      false,
    ],
    [
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763' },
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.6054' },
      true,
    ],
    [
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763' },
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2582' },
      false,
    ],
    [
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.1776' },
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' },
      false,
    ],
    [
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763' },
      { os: 'windows', architecture: 'amd64' },
      true,
    ],
  ])('%j runs %j: %s', (wanted, candidate, expected) => {
    expect(platformMatches(wanted, candidate)).toBe(expected);
  });
});

describe('selectPlatformEntry', () => {
  const arm64 = {
    digest: 'sha256:a',
    platform: { os: 'linux', architecture: 'arm64' },
  };
  const amd64 = {
    digest: 'sha256:b',
    platform: { os: 'linux', architecture: 'amd64' },
  };
  const attestation = {
    digest: 'sha256:c',
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
  };

  it('picks the entry for the platform, skipping attestations', () => {
    expect(
      selectPlatformEntry([arm64, attestation, amd64], {
        os: 'linux',
        architecture: 'amd64',
      }),
    ).toEqual({ entry: amd64, matchedBy: 'platform' });
  });

  it('finds nothing when only another architecture and an attestation are there', () => {
    expect(
      selectPlatformEntry([arm64, attestation], {
        os: 'linux',
        architecture: 'amd64',
      }),
    ).toBeUndefined();
  });

  it('never picks an attestation, even for unknown/unknown', () => {
    expect(
      selectPlatformEntry([attestation], {
        os: 'unknown',
        architecture: 'unknown',
      }),
    ).toBeUndefined();
  });

  it('falls back to an entry without a platform, as containerd does', () => {
    const bare = { digest: 'sha256:d' };
    expect(
      selectPlatformEntry([arm64, bare], {
        os: 'linux',
        architecture: 'amd64',
      }),
    ).toEqual({
      entry: bare,
      matchedBy: 'unspecified',
    });
  });

  it('picks the Windows entry of the host build', () => {
    const ltsc2019 = {
      digest: 'sha256:e',
      platform: {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.17763.6054',
      },
    };
    const ltsc2022 = {
      digest: 'sha256:f',
      platform: {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.20348.2582',
      },
    };
    expect(
      selectPlatformEntry([ltsc2019, ltsc2022], {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.20348',
      })?.entry,
    ).toBe(ltsc2022);
  });
});

describe('platformFromRuntimePlatform', () => {
  it('defaults to Fargate linux/amd64 when absent', () => {
    expect(platformFromRuntimePlatform(undefined)).toEqual({
      ok: true,
      platform: { os: 'linux', architecture: 'amd64' },
      source: 'default',
    });
  });

  it.each([
    [
      { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
      'linux/arm64',
      undefined,
    ],
    [{ cpuArchitecture: 'X86_64' }, 'linux/amd64', undefined],
    [
      { operatingSystemFamily: 'WINDOWS_SERVER_2019_CORE' },
      'windows/amd64',
      '10.0.17763',
    ],
    [
      {
        cpuArchitecture: 'X86_64',
        operatingSystemFamily: 'WINDOWS_SERVER_2022_FULL',
      },
      'windows/amd64',
      '10.0.20348',
    ],
    [
      { operatingSystemFamily: 'WINDOWS_SERVER_2025_CORE' },
      'windows/amd64',
      '10.0.26100',
    ],
    [
      { operatingSystemFamily: 'WINDOWS_SERVER_2016_FULL' },
      'windows/amd64',
      '10.0.14393',
    ],
    [
      { operatingSystemFamily: 'WINDOWS_SERVER_2031_CORE' },
      'windows/amd64',
      undefined,
    ],
  ])('maps %j', (runtimePlatform, expected, osVersion) => {
    const result = platformFromRuntimePlatform(runtimePlatform);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(formatPlatform(result.platform)).toBe(expected);
    expect(result.platform['os.version']).toBe(osVersion);
    expect(result.source).toBe('runtimePlatform');
  });

  it.each([
    [{ cpuArchitecture: 'MIPS' }, /cpuArchitecture/],
    [{ operatingSystemFamily: 'MACOS' }, /operatingSystemFamily/],
  ])('rejects %j', (runtimePlatform, reason) => {
    const result = platformFromRuntimePlatform(runtimePlatform);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
