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
  DOCKER_HUB_REGISTRY,
  isDockerHubHost,
  parseEcrHost,
} from './registryHosts';

/**
 * The parts of an image reference as far as an error message or a fix needs them. Lenient on
 * purpose: messages mask account ids (`<ACCOUNT>`, `***`, `xxxxxxxxxxxx`) and truncate, so this
 * is not a validator (the node package has the strict parser).
 *
 * @public
 */
export interface LooseImageReference {
  /** Registry host as written; `docker.io` when the reference names none or a Docker Hub alias. */
  registry: string;
  /** Repository path inside the registry (`library/nginx` for `nginx`). */
  repository: string;
  /** The tag, when the reference has one (`latest` is not implied). */
  tag?: string;
  /** `<algorithm>:<hex>` when the reference pins a digest. */
  digest?: string;
  /** The 12-digit account id of a private ECR host, when it is not masked. */
  accountId?: string;
  /** The region of an ECR host (private or pull-through), when it is not masked. */
  region?: string;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/**
 * Splits `[registry/]repository[:tag][@digest]` into its parts, the way Docker decides whether
 * the first path component is a host (it contains `.` or `:`, or is `localhost`). Returns
 * undefined when there is no repository at all. Never throws.
 *
 * @public
 */
export function parseLooseImageReference(
  input: string,
): LooseImageReference | undefined {
  let rest = input.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const candidate = rest.slice(at + 1);
    digest = DIGEST.test(candidate) ? candidate.toLowerCase() : undefined;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1) || undefined;
    rest = rest.slice(0, lastColon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasHost =
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  // Hosts stay as written (masked parts such as `<ACCOUNT>` included); Docker Hub's aliases
  // become `docker.io`.
  const registry =
    hasHost && !isDockerHubHost(first) ? first : DOCKER_HUB_REGISTRY;
  let repository = hasHost ? rest.slice(slash + 1) : rest;
  if (!repository) {
    return undefined;
  }
  if (registry === DOCKER_HUB_REGISTRY && !repository.includes('/')) {
    repository = `library/${repository}`;
  }
  const ecr = parseEcrHost(registry);
  return {
    registry,
    repository,
    tag,
    digest,
    accountId: ecr?.accountId,
    region: ecr?.region,
  };
}
