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

/** An image reference split the way Docker does it. */
export interface SplitReference {
  /** Registry host; undefined when the reference names none (Docker Hub, or a scenario shorthand). */
  host?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** `docker.io` for every Docker Hub alias, the host unchanged otherwise. */
export function canonicalHost(host: string): string {
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

/**
 * Splits `[host/]repo[:tag][@digest]`. Lenient: it is for scenario data, which the engine, not
 * the sandbox, is meant to judge.
 */
export function splitReference(reference: string): SplitReference {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (
    first &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
  ) {
    return { host: first, repository: rest.slice(slash + 1), tag, digest };
  }
  return { repository: rest, tag, digest };
}

/** Where a Docker Hub short name lives (`nginx` → `library/nginx`). */
export function dockerHubRepository(repository: string): string {
  return repository.includes('/') ? repository : `library/${repository}`;
}

const ECR_HOST_RE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/;

/** Account and region of an ECR host, if it is one. */
export function parseEcrHost(
  host: string,
): { account: string; region: string } | undefined {
  const m = ECR_HOST_RE.exec(host);
  return m ? { account: m[1], region: m[2] } : undefined;
}

const REPOSITORY_RE =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** A repository name as the OCI Distribution spec allows it. */
export function isRepositoryName(name: string): boolean {
  return REPOSITORY_RE.test(name);
}

/** A tag as the OCI Distribution spec allows it. */
export function isTag(tag: string): boolean {
  return TAG_RE.test(tag);
}
