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
  MEDIA_TYPES,
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { Descriptor } from './documents';

/**
 * The platform ECS Fargate uses when a task definition has no `runtimePlatform`.
 *
 * @internal
 */
export const FARGATE_DEFAULT_PLATFORM: Platform = {
  os: 'linux',
  architecture: 'amd64',
};

/**
 * Windows Server releases ECS supports (`operatingSystemFamily` `WINDOWS_SERVER_<release>_…`) and
 * the `os.version` build prefix of the images that run on them.
 *
 * @internal
 */
export const WINDOWS_OS_VERSIONS: Readonly<Record<string, string>> = {
  '2016': '10.0.14393',
  '2019': '10.0.17763',
  '2004': '10.0.19041',
  '20H2': '10.0.19042',
  '2022': '10.0.20348',
  '2025': '10.0.26100',
};

interface NormalizedPlatform {
  os: string;
  architecture: string;
  variant: string;
  osVersion: string;
}

/**
 * containerd's normalisation (`platforms.Normalize`): `x86_64` → `amd64`, `aarch64` → `arm64`
 * whose default variant is `v8`, `arm` whose default variant is `v7`, lower-case everything.
 */
function normalize(platform: Partial<Platform>): NormalizedPlatform {
  const os = (platform.os ?? '').toLowerCase();
  let architecture = (platform.architecture ?? '').toLowerCase();
  let variant = (platform.variant ?? '').toLowerCase();
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (['', '8', 'v8', 'v8.0'].includes(variant)) variant = 'v8';
      else if (['9', '9.0', 'v9.0'].includes(variant)) variant = 'v9';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
    case 'i386':
      architecture = '386';
      variant = '';
      break;
    default:
      break;
  }
  return {
    os: os === 'macos' ? 'darwin' : os,
    architecture,
    variant,
    osVersion: platform['os.version'] ?? '',
  };
}

/**
 * `os/arch[/variant]` as written in the document (no normalisation), e.g. `linux/arm64/v8`.
 *
 * @internal
 */
export function formatPlatform(platform: Partial<Platform>): string {
  const parts = [platform.os || 'unknown', platform.architecture || 'unknown'];
  if (platform.variant) parts.push(platform.variant);
  return parts.join('/');
}

/**
 * Like {@link formatPlatform}, with the Windows `os.version` when there is one
 * (`windows/amd64 (10.0.17763.6054)`), for titles and evidence.
 *
 * @internal
 */
export function describePlatform(platform: Partial<Platform>): string {
  const version = platform['os.version'];
  return version
    ? `${formatPlatform(platform)} (${version})`
    : formatPlatform(platform);
}

/**
 * True when a Windows image built for `version` runs on a host whose build is `prefix`
 * (`10.0.17763` matches `10.0.17763.6054`). An image without `os.version` matches any host, as in
 * containerd.
 */
function osVersionMatches(prefix: string, version: string): boolean {
  if (!prefix || !version) return true;
  return version === prefix || version.startsWith(`${prefix}.`);
}

/**
 * Whether an image built for `candidate` runs on `wanted`, with containerd's semantics: same OS,
 * same normalised architecture and variant, and for Windows a matching `os.version` build.
 *
 * @internal
 */
export function platformMatches(
  wanted: Partial<Platform>,
  candidate: Partial<Platform>,
): boolean {
  const w = normalize(wanted);
  const c = normalize(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return false;
  if (w.variant !== c.variant) return false;
  return w.os !== 'windows' || osVersionMatches(w.osVersion, c.osVersion);
}

/** BuildKit's annotation on index entries that refer to another entry. */
const DOCKER_REFERENCE_TYPE = 'vnd.docker.reference.type';

/**
 * True for index entries that are BuildKit attestation manifests: the annotation
 * `vnd.docker.reference.type` says `attestation-manifest` (BuildKit's `attestation` exporter
 * writes it, with platform `unknown/unknown`). The platform alone does not make an attestation,
 * and other reference types BuildKit writes are not attestations either (they are not images:
 * see {@link imageEntries}).
 *
 * @internal
 */
export function isAttestationEntry(entry: Descriptor): boolean {
  return entry.annotations?.[DOCKER_REFERENCE_TYPE] === 'attestation-manifest';
}

/**
 * SOCI (Seekable OCI) facts, from awslabs/soci-snapshotter (`soci/soci_index.go`) and the SOCI
 * index manifest v2 documentation: a SOCI-enabled image is an image index holding the image
 * manifest, annotated `com.amazon.soci.index-digest: <digest of its SOCI index>`, and the SOCI
 * index manifest itself (`artifactType: application/vnd.amazon.soci.index.v2+json`, annotated
 * `com.amazon.soci.image-manifest-digest`). Fargate reads the annotation to lazy-load the image.
 * A v1 SOCI index is a separate manifest that refers to the image through `subject`.
 *
 * @internal
 */
export const SOCI = {
  indexV1ArtifactType: 'application/vnd.amazon.soci.index.v1+json',
  indexV2ArtifactType: 'application/vnd.amazon.soci.index.v2+json',
  indexDigestAnnotation: 'com.amazon.soci.index-digest',
  imageManifestDigestAnnotation: 'com.amazon.soci.image-manifest-digest',
} as const;

/**
 * True for the SOCI index entries of a SOCI index manifest v2 (see {@link SOCI}): neither an
 * image, nor an attestation, nor a platform.
 *
 * @internal
 */
export function isSociIndexEntry(entry: Descriptor): boolean {
  return (
    entry.artifactType === SOCI.indexV2ArtifactType ||
    entry.annotations?.[SOCI.imageManifestDigestAnnotation] !== undefined
  );
}

/** Media types an index entry of a runnable image has: a manifest, or a nested index. */
const IMAGE_ENTRY_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.dockerManifestV1,
  MEDIA_TYPES.dockerManifestV1Signed,
];

/**
 * Index entries that are runnable images: well-formed descriptors (digest, size, media type) of
 * a manifest or nested index that are not attestations, SOCI indexes, other BuildKit references
 * (`vnd.docker.reference.type`) or artifacts (`artifactType`).
 *
 * @internal
 */
export function imageEntries(manifests: Descriptor[]): Descriptor[] {
  return manifests.filter(
    e =>
      !e.problems &&
      e.annotations?.[DOCKER_REFERENCE_TYPE] === undefined &&
      !isSociIndexEntry(e) &&
      !e.artifactType &&
      (e.mediaType === undefined ||
        IMAGE_ENTRY_MEDIA_TYPES.includes(e.mediaType)),
  );
}

/**
 * Picks the index entry a runtime pulls for `wanted`: the first image entry whose platform
 * matches; failing that, the first image entry without a platform (containerd treats those as
 * matching any platform and checks the image's config).
 *
 * @internal
 */
export function selectPlatformEntry(
  manifests: Descriptor[],
  wanted: Platform,
): { entry: Descriptor; matchedBy: 'platform' | 'unspecified' } | undefined {
  const images = imageEntries(manifests);
  const exact = images.find(
    e => e.platform && platformMatches(wanted, e.platform),
  );
  if (exact) return { entry: exact, matchedBy: 'platform' };
  const unspecified = images.find(
    e => !e.platform?.os && !e.platform?.architecture,
  );
  return unspecified
    ? { entry: unspecified, matchedBy: 'unspecified' }
    : undefined;
}

const ECS_ARCHITECTURES: Record<string, string> = {
  X86_64: 'amd64',
  ARM64: 'arm64',
};

function windowsFamily(family: string): string | undefined {
  const match = /^WINDOWS_SERVER_([0-9A-Z]+)_(?:CORE|FULL)$/.exec(family);
  return match?.[1];
}

/**
 * The platform of an ECS task definition's `runtimePlatform`: `cpuArchitecture` X86_64 | ARM64
 * and `operatingSystemFamily` LINUX | WINDOWS_SERVER_<release>_CORE/_FULL (→ `windows` with the
 * release's `os.version` build prefix). Absent → Fargate's default `linux/amd64`.
 *
 * @internal
 */
export function platformFromRuntimePlatform(
  runtimePlatform: unknown,
):
  | { ok: true; platform: Platform; source: 'runtimePlatform' | 'default' }
  | { ok: false; reason: string } {
  const rp =
    typeof runtimePlatform === 'object' && runtimePlatform !== null
      ? (runtimePlatform as Record<string, unknown>)
      : undefined;
  const cpu =
    typeof rp?.cpuArchitecture === 'string' ? rp.cpuArchitecture : undefined;
  const family =
    typeof rp?.operatingSystemFamily === 'string'
      ? rp.operatingSystemFamily
      : undefined;
  if (!cpu && !family) {
    return {
      ok: true,
      platform: { ...FARGATE_DEFAULT_PLATFORM },
      source: 'default',
    };
  }
  const architecture = cpu ? ECS_ARCHITECTURES[cpu.toUpperCase()] : 'amd64';
  if (!architecture) {
    return {
      ok: false,
      reason: `runtimePlatform.cpuArchitecture "${cpu}" is not X86_64 or ARM64`,
    };
  }
  const upperFamily = (family ?? 'LINUX').toUpperCase();
  if (upperFamily === 'LINUX') {
    return {
      ok: true,
      platform: { os: 'linux', architecture },
      source: 'runtimePlatform',
    };
  }
  const release = windowsFamily(upperFamily);
  if (!release) {
    return {
      ok: false,
      reason: `runtimePlatform.operatingSystemFamily "${family}" is not LINUX or WINDOWS_SERVER_<release>_CORE/_FULL`,
    };
  }
  const osVersion = WINDOWS_OS_VERSIONS[release];
  return {
    ok: true,
    platform: {
      os: 'windows',
      architecture,
      ...(osVersion ? { 'os.version': osVersion } : {}),
    },
    source: 'runtimePlatform',
  };
}

/**
 * Parses a platform as containerd writes it: `os/arch[/variant]`, `arch` alone (Linux), an
 * `os(os.version)/arch` form for Windows builds, or an ECS pair such as `LINUX/ARM64` or
 * `WINDOWS_SERVER_2022_CORE/X86_64`.
 *
 * @internal
 */
export function parsePlatform(
  text: string,
): { ok: true; platform: Platform } | { ok: false; reason: string } {
  const input = text.trim();
  const ecs = /^([A-Z0-9_]+)\/(X86_64|ARM64)$/.exec(input);
  if (ecs && (ecs[1] === 'LINUX' || windowsFamily(ecs[1]))) {
    const result = platformFromRuntimePlatform({
      operatingSystemFamily: ecs[1],
      cpuArchitecture: ecs[2],
    });
    if (result.ok) return { ok: true, platform: result.platform };
  }
  const parts = input.split('/');
  if (parts.length > 3 || parts.some(p => !/^[A-Za-z0-9_.()-]+$/.test(p))) {
    return {
      ok: false,
      reason: `"${text}" is not a platform; expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`,
    };
  }
  if (parts.length === 1) {
    return {
      ok: true,
      platform: { os: 'linux', architecture: parts[0].toLowerCase() },
    };
  }
  const osMatch = /^([A-Za-z0-9_-]+)(?:\(([0-9.]+)\))?$/.exec(parts[0]);
  if (!osMatch || /[()]/.test(parts[1]) || /[()]/.test(parts[2] ?? '')) {
    return { ok: false, reason: `"${text}" has an invalid OS part` };
  }
  const platform: Platform = {
    os: osMatch[1].toLowerCase(),
    architecture: parts[1].toLowerCase(),
  };
  if (parts[2]) platform.variant = parts[2].toLowerCase();
  if (osMatch[2]) platform['os.version'] = osMatch[2];
  return { ok: true, platform };
}
