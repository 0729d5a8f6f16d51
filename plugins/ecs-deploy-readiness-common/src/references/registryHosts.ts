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
 * The registry hosts the product has to recognise, defined once: private ECR hosts in every form
 * (classic, FIPS, dual-stack, the China partition) and the names of Docker Hub. The engine's strict
 * reference parser and this package's lenient readers of error text and fix variables both use
 * these; only the ECS/ECR stand-in keeps its own copy, on purpose.
 */

/** Docker Hub's canonical registry name, as references normalise to it. @public */
export const DOCKER_HUB_REGISTRY = 'docker.io';

/**
 * Other host names that mean Docker Hub: the legacy index name that Docker normalises
 * (`index.docker.io`), the host that serves its Distribution API (`registry-1.docker.io`), and the
 * older hub name still seen in task definitions and credential stores (`registry.hub.docker.com`).
 *
 * @public
 */
export const DOCKER_HUB_ALIASES: readonly string[] = [
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
];

/** The registry of Amazon ECR Public. @public */
export const ECR_PUBLIC_REGISTRY = 'public.ecr.aws';

/**
 * A registry host in lower case, with Docker Hub's aliases mapped to `docker.io`.
 *
 * @public
 */
export function canonicalRegistryHost(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.includes(lower) ? DOCKER_HUB_REGISTRY : lower;
}

/**
 * True for `docker.io` and its aliases.
 *
 * @public
 */
export function isDockerHubHost(host: string): boolean {
  return canonicalRegistryHost(host) === DOCKER_HUB_REGISTRY;
}

/**
 * What an ECR registry host says. `accountId` and `region` are set only when they are well-formed
 * (messages and logs mask them as `<ACCOUNT>`, `***` or `xxxxxxxxxxxx`).
 *
 * @public
 */
export interface EcrHost {
  /** The 12-digit registry (account) id. */
  accountId?: string;
  /** The region, e.g. `eu-west-1`. */
  region?: string;
  /** `aws-cn` for `.cn` domains, `aws-us-gov` for `us-gov-` regions, else `aws`. */
  partition: 'aws' | 'aws-cn' | 'aws-us-gov';
  /** The FIPS endpoint, `dkr.ecr-fips` or `dkr-ecr-fips`. */
  fips: boolean;
  /** The dual-stack (IPv4 and IPv6) endpoint, `dkr-ecr`. */
  dualStack: boolean;
}

/** The service label of an ECR registry host: `dkr.ecr`, `dkr-ecr` (dual-stack), with `-fips`. */
const ECR_SERVICE = String.raw`dkr[.-]ecr(?:-fips)?`;
/** The domains ECR registry hosts live under (commercial, China, and their dual-stack forms). */
const ECR_DOMAIN = String.raw`amazonaws\.com(?:\.cn)?|on\.aws|on\.amazonwebservices\.com\.cn`;

/**
 * A regular expression for ECR registry hosts, with the given sources for the account and region
 * labels. It names two groups of its own, `service` and `domain`; `parseEcrHost` anchors it, and
 * readers of free text embed it with their own account patterns (masked ids).
 *
 * @public
 */
export function ecrHostPattern(
  account: string,
  region: string,
  options: { anchored?: boolean; flags?: string } = {},
): RegExp {
  const source = `${account}\\.(?<service>${ECR_SERVICE})\\.${region}\\.(?<domain>${ECR_DOMAIN})`;
  return new RegExp(
    options.anchored ? `^${source}$` : source,
    options.flags ?? 'i',
  );
}

const HOST = ecrHostPattern('(?<account>[^./:]+)', '(?<region>[^./:]+)', {
  anchored: true,
});
const ACCOUNT_ID = /^\d{12}$/;
/** AWS region names: `eu-west-1`, `us-gov-west-1`, `cn-northwest-1`, `ap-southeast-7`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * Recognises a private ECR registry host, `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`
 * or the dual-stack `<account>.dkr-ecr[-fips].<region>.on.aws` /
 * `.on.amazonwebservices.com.cn`, in any letter case; a port, if any, is ignored. Lenient about
 * masked account ids and regions (they are left out); strict callers require both.
 *
 * @public
 */
export function parseEcrHost(host: string): EcrHost | undefined {
  const groups = HOST.exec(host.trim().replace(/:\d+$/, ''))?.groups;
  if (!groups) return undefined;
  const [account, service, region, domain] = [
    groups.account,
    groups.service,
    groups.region,
    groups.domain,
  ].map(part => part.toLowerCase());
  const dualStack = service.startsWith('dkr-ecr');
  // Each form has its own domains: dkr.ecr under amazonaws.com(.cn), dkr-ecr under on.*.
  if (dualStack !== domain.startsWith('on.')) return undefined;
  const china = domain.endsWith('.cn');
  const validRegion = REGION.test(region) ? region : undefined;
  let partition: EcrHost['partition'] = 'aws';
  if (china) partition = 'aws-cn';
  else if (validRegion?.startsWith('us-gov-')) partition = 'aws-us-gov';
  return {
    ...(ACCOUNT_ID.test(account) ? { accountId: account } : {}),
    ...(validRegion ? { region: validRegion } : {}),
    partition,
    fips: service.endsWith('-fips'),
    dualStack,
  };
}
