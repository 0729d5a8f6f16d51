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

/**
 * Which registry family an image lives in; it decides how the engine talks to it.
 *
 * @public
 */
export type RegistryKind = 'ecr' | 'ecr-public' | 'dockerhub' | 'other';

/**
 * Details of a private ECR registry host
 * (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`, or the dual-stack
 * `<account>.dkr-ecr[-fips].<region>.on.aws` / `.on.amazonwebservices.com.cn` forms).
 *
 * @public
 */
export interface EcrRegistryInfo {
  /** The 12-digit registry (account) id. */
  accountId: string;
  /** The region, e.g. `eu-west-1`. */
  region: string;
  /** `aws-cn` for `.cn` domains, `aws-us-gov` for `us-gov-` regions, else `aws`. */
  partition: 'aws' | 'aws-cn' | 'aws-us-gov';
  /** The FIPS endpoint, `dkr.ecr-fips` or `dkr-ecr-fips`. */
  fips: boolean;
  /** The dual-stack (IPv4 and IPv6) endpoint, `dkr-ecr`. */
  dualStack: boolean;
}

/**
 * A parsed image reference, normalised the way Docker and containerd do it
 * (`nginx` → registry `docker.io`, repository `library/nginx`, tag `latest`).
 *
 * @public
 */
export interface ImageReference {
  /** The reference exactly as given. */
  original: string;
  /** Registry host, with port when one was given (`docker.io` for Docker Hub). */
  registry: string;
  /** Repository path inside the registry (`library/nginx`). */
  repository: string;
  /** The tag; `latest` when neither a tag nor a digest was given. */
  tag?: string;
  /** `sha256:<64 hex>` (or another registered algorithm) when the reference pins one. */
  digest?: string;
  /** True when the tag was not written and `latest` was implied. */
  tagDefaulted: boolean;
  /** The registry family of the host: `dockerhub`, `ecr-public`, `ecr` (private) or `other`. */
  kind: RegistryKind;
  /** Set for private ECR hosts. */
  ecr?: EcrRegistryInfo;
  /**
   * For ECR pull-through cache references: the cache rule's prefix (first path component), e.g.
   * `docker-hub` in `<acct>.dkr.ecr.<region>.amazonaws.com/docker-hub/library/nginx`. Detected
   * from well-known prefixes or from configured rules.
   */
  pullThroughCachePrefix?: string;
}

/**
 * Result of parsing: never throws; an invalid reference gives a reason.
 *
 * @public
 */
export type ParsedReference =
  | { ok: true; reference: ImageReference }
  | { ok: false; input: string; reason: string };
