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

import { isIPv6 } from 'node:net';
import {
  DOCKER_HUB_REGISTRY,
  ECR_PUBLIC_REGISTRY,
  canonicalRegistryHost,
  parseEcrHost,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { digestProblem } from './digest';
import {
  EcrRegistryInfo,
  ImageReference,
  ParsedReference,
  RegistryKind,
} from './types';

/**
 * Options of {@link parseImageReference}.
 *
 * @public
 */
export interface ParseImageReferenceOptions {
  /**
   * ECR pull-through cache rule prefixes (`ecrRepositoryPrefix`) in use, in addition to the
   * well-known defaults. A prefix may have several path components (`team/hub`).
   */
  pullThroughCachePrefixes?: string[];
}

/**
 * Repository prefixes that the ECR console and documentation suggest for pull-through cache
 * rules, recognised without configuration.
 *
 * @internal
 */
export const DEFAULT_PULL_THROUGH_CACHE_PREFIXES: readonly string[] = [
  'docker-hub',
  'ecr-public',
  'quay',
  'ghcr',
  'github',
  'k8s',
  'kubernetes',
  'gitlab',
  'azure',
  'chainguard',
];

const MAX_PATH_LENGTH = 255;
const MAX_TAG_LENGTH = 128;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = new RegExp(
  `^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;

type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

interface SplitReference {
  /** The name as written (`nginx`, `ghcr.io/org/app`). */
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits `name[:tag][@digest]` without validating the parts. A colon counts as a tag separator
 * only after the last `/` (and after an IPv6 literal's `]`), so `host:5000/app` has no tag.
 */
function splitReference(input: string): Result<SplitReference> {
  const at = input.indexOf('@');
  if (at >= 0 && input.indexOf('@', at + 1) >= 0) {
    return { ok: false, reason: "image reference contains more than one '@'" };
  }
  const nameAndTag = at >= 0 ? input.slice(0, at) : input;
  const digest = at >= 0 ? input.slice(at + 1) : undefined;
  if (digest === '') {
    return { ok: false, reason: "digest is missing after '@'" };
  }
  const lastSeparator = Math.max(
    nameAndTag.lastIndexOf('/'),
    nameAndTag.lastIndexOf(']'),
  );
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > lastSeparator;
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (name === '') {
    return { ok: false, reason: 'repository name is missing' };
  }
  return { ok: true, value: { name, tag, digest } };
}

/**
 * Splits a name into registry and path the way Docker does: the first component is a registry
 * host only when it contains `.` or `:`, is `localhost`, or has uppercase letters.
 */
function splitDomain(name: string): { domain?: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) {
    return { path: name };
  }
  const first = name.slice(0, slash);
  const isDomain =
    first.includes('.') ||
    first.includes(':') ||
    first === 'localhost' ||
    first.toLowerCase() !== first;
  return isDomain
    ? { domain: first, path: name.slice(slash + 1) }
    : { path: name };
}

function domainProblem(domain: string): string | undefined {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(domain);
  if (!match) {
    return `registry host '${domain}' is not valid`;
  }
  const [, host, port] = match;
  if (host.startsWith('[')) {
    if (!isIPv6(host.slice(1, -1))) {
      return `registry host '${host}' is not a valid IPv6 address`;
    }
  } else if (!DOMAIN_NAME.test(host)) {
    return `registry host '${host}' is not a valid host name (letters, digits, '-' and '.')`;
  }
  if (
    port !== undefined &&
    (!/^\d{1,5}$/.test(port) || Number(port) > 65535 || Number(port) === 0)
  ) {
    return `registry port '${port}' is not a valid port number`;
  }
  return undefined;
}

function pathComponentProblem(component: string): string | undefined {
  if (PATH_COMPONENT.test(component)) {
    return undefined;
  }
  if (component === '') {
    return "repository path has an empty component (a leading, trailing or double '/')";
  }
  if (PATH_COMPONENT.test(component.toLowerCase())) {
    return `repository name must be lowercase ('${component}')`;
  }
  const badChar = /[^a-zA-Z0-9._-]/.exec(component);
  if (badChar) {
    return `repository name component '${component}' contains '${badChar[0]}'; only lowercase letters, digits, '.', '_' and '-' are allowed`;
  }
  if (!/^[a-z0-9]/i.test(component) || !/[a-z0-9]$/i.test(component)) {
    return `repository name component '${component}' must start and end with a letter or digit`;
  }
  return `repository name component '${component}' has an invalid separator: use '.', '_', '__' or one or more '-' between letters and digits`;
}

function tagProblem(tag: string): string | undefined {
  if (TAG.test(tag)) {
    return undefined;
  }
  if (tag === '') {
    return "tag is missing after ':'";
  }
  if (tag.length > MAX_TAG_LENGTH) {
    return `tag is ${tag.length} characters long; the maximum is ${MAX_TAG_LENGTH}`;
  }
  if (!/^\w/.test(tag)) {
    return `tag '${tag}' must start with a letter, digit or '_'`;
  }
  const badChar = /[^\w.-]/.exec(tag);
  return `tag '${tag}' contains '${badChar?.[0]}'; only letters, digits, '_', '.' and '-' are allowed`;
}

function inputProblem(input: unknown): string | undefined {
  if (typeof input !== 'string') {
    return 'image reference is not a string';
  }
  if (input === '') {
    return 'image reference is empty';
  }
  if (input.trim() === '') {
    return 'image reference is only whitespace';
  }
  if (input.trim() !== input) {
    return 'image reference has leading or trailing whitespace';
  }
  const space = /\s/.exec(input);
  if (space) {
    return `image reference contains whitespace at position ${space.index + 1}`;
  }
  const nonAscii = /[^!-~]/.exec(input);
  if (nonAscii) {
    return `image reference contains the character ${JSON.stringify(
      nonAscii[0],
    )} at position ${nonAscii.index + 1}; only ASCII is allowed`;
  }
  return undefined;
}

/**
 * Recognises a private ECR registry host (every form common's `parseEcrHost` knows: classic,
 * FIPS, dual-stack, China) with a well-formed account id and region. A port, if any, is ignored.
 *
 * @internal
 */
export function parseEcrRegistryHost(
  host: string,
): EcrRegistryInfo | undefined {
  const ecr = parseEcrHost(host);
  if (!ecr?.accountId || !ecr.region) {
    return undefined;
  }
  return {
    accountId: ecr.accountId,
    region: ecr.region,
    partition: ecr.partition,
    fips: ecr.fips,
    dualStack: ecr.dualStack,
  };
}

function registryKind(registry: string): RegistryKind {
  if (registry === DOCKER_HUB_REGISTRY) return 'dockerhub';
  if (registry === ECR_PUBLIC_REGISTRY) return 'ecr-public';
  if (parseEcrRegistryHost(registry)) return 'ecr';
  return 'other';
}

function normalisePrefix(prefix: string): string {
  return prefix
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
}

function pullThroughCachePrefixOf(
  path: string,
  configured: string[] = [],
): string | undefined {
  const candidates = [
    ...configured.map(normalisePrefix),
    ...DEFAULT_PULL_THROUGH_CACHE_PREFIXES,
  ];
  let best: string | undefined;
  for (const prefix of candidates) {
    if (
      prefix &&
      path.startsWith(`${prefix}/`) &&
      (!best || prefix.length > best.length)
    ) {
      best = prefix;
    }
  }
  return best;
}

/** Validates and normalises a name into registry and repository. */
function normaliseName(
  name: string,
): Result<{ registry: string; repository: string }> {
  const { domain, path } = splitDomain(name);
  if (domain !== undefined) {
    const problem = domainProblem(domain);
    if (problem) return { ok: false, reason: problem };
  }
  if (domain === undefined && /^[a-f0-9]{64}$/.test(path)) {
    return {
      ok: false,
      reason: 'a 64-character hex string is an image ID, not a repository name',
    };
  }
  for (const component of path.split('/')) {
    const problem = pathComponentProblem(component);
    if (problem) return { ok: false, reason: problem };
  }
  const registry =
    domain === undefined ? DOCKER_HUB_REGISTRY : canonicalRegistryHost(domain);
  const repository =
    registry === DOCKER_HUB_REGISTRY && !path.includes('/')
      ? `library/${path}`
      : path;
  if (repository.length > MAX_PATH_LENGTH) {
    return {
      ok: false,
      reason: `repository name is ${repository.length} characters long; the maximum is ${MAX_PATH_LENGTH}`,
    };
  }
  return { ok: true, value: { registry, repository } };
}

/**
 * Parses a container image reference with the grammar of Docker's `distribution/reference` and
 * normalises it the way Docker and containerd do (`nginx` → `docker.io/library/nginx:latest`).
 * Never throws: an invalid reference gives `{ ok: false, reason }` with a precise reason.
 *
 * @public
 */
export function parseImageReference(
  input: string,
  options: ParseImageReferenceOptions = {},
): ParsedReference {
  const fail = (reason: string): ParsedReference => ({
    ok: false,
    input: typeof input === 'string' ? input : String(input),
    reason,
  });
  const problem = inputProblem(input);
  if (problem) return fail(problem);

  const split = splitReference(input);
  if (!split.ok) return fail(split.reason);
  const { name, tag, digest } = split.value;

  const named = normaliseName(name);
  if (!named.ok) return fail(named.reason);
  if (tag !== undefined) {
    const reason = tagProblem(tag);
    if (reason) return fail(reason);
  }
  if (digest !== undefined) {
    const reason = digestProblem(digest);
    if (reason) return fail(reason);
  }

  const { registry, repository } = named.value;
  const kind = registryKind(registry);
  const tagDefaulted = tag === undefined && digest === undefined;
  const reference: ImageReference = {
    original: input,
    registry,
    repository,
    tagDefaulted,
    kind,
  };
  if (tag !== undefined || tagDefaulted) reference.tag = tag ?? 'latest';
  if (digest !== undefined) reference.digest = digest;
  if (kind === 'ecr') {
    reference.ecr = parseEcrRegistryHost(registry);
    const prefix = pullThroughCachePrefixOf(
      repository,
      options.pullThroughCachePrefixes,
    );
    if (prefix) reference.pullThroughCachePrefix = prefix;
  }
  return { ok: true, reference };
}

/** Docker's short form of a name: `docker.io/library/nginx` → `nginx`. */
function familiarName(registry: string, repository: string): string {
  if (registry !== DOCKER_HUB_REGISTRY) {
    return `${registry}/${repository}`;
  }
  const short = repository.replace(/^library\//, '');
  return short.includes('/') ? repository : short;
}

function joinReference(
  name: string,
  tag: string | undefined,
  digest: string | undefined,
): string {
  return `${name}${tag !== undefined ? `:${tag}` : ''}${
    digest !== undefined ? `@${digest}` : ''
  }`;
}

/**
 * Formats a reference: fully qualified by default (`docker.io/library/nginx:latest`), or in
 * Docker's familiar form (`nginx:latest`) with `familiar: true`.
 *
 * @public
 */
export function formatReference(
  reference: ImageReference,
  options: { familiar?: boolean } = {},
): string {
  const name = options.familiar
    ? familiarName(reference.registry, reference.repository)
    : `${reference.registry}/${reference.repository}`;
  return joinReference(name, reference.tag, reference.digest);
}

/**
 * The reference pinned to a digest, `name:tag@digest`: the tag stays for humans (ECS uses the
 * digest), the name keeps the spelling of the original (`nginx:1.27@sha256:…` stays short), and an
 * implied `latest` is not added. A digest already present is replaced.
 *
 * @public
 */
export function withDigest(reference: ImageReference, digest: string): string {
  const split = splitReference(reference.original);
  let name = `${reference.registry}/${reference.repository}`;
  if (split.ok) {
    const written = normaliseName(split.value.name);
    if (
      written.ok &&
      written.value.registry === reference.registry &&
      written.value.repository === reference.repository
    ) {
      name = split.value.name;
    }
  }
  return joinReference(
    name,
    reference.tagDefaulted ? undefined : reference.tag,
    digest,
  );
}
