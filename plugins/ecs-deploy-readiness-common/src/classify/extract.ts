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
  ecrHostPattern,
  parseEcrHost,
  parseLooseImageReference,
} from '../references';
import type { ExtractedPullErrorFacts } from './types';

/** Only this much of a message is read; real messages are far shorter. */
export const MAX_MESSAGE_LENGTH = 16 * 1024;

/**
 * Makes any input a bounded, printable string: non-strings become empty, the length is capped,
 * control characters become spaces, typographic quotes become ASCII ones (newer ECS messages
 * write "can’t"), and the `\"` escapes of messages copied out of JSON are undone.
 */
export function normalizeMessage(input: unknown): string {
  if (typeof input !== 'string') {
    return '';
  }
  return (
    input
      .slice(0, MAX_MESSAGE_LENGTH)
      .replace(/\\"/g, '"')
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      // Control characters are what this removes.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, ' ')
  );
}

// A token that can be an image reference, masked parts included (`<ACCOUNT>`, `***`).
const REF = String.raw`[A-Za-z0-9<*][A-Za-z0-9._\-/:@<>*]*`;
// Where messages name the image, most explicit first.
const IMAGE_PATTERNS: RegExp[] = [
  new RegExp(String.raw`\bremote="(${REF})"`),
  /pars(?:e|ing) reference:?\s*"([^"\s]{1,300})"/i,
  new RegExp(
    String.raw`failed to resolve (?:ref(?:erence)?|image):?\s+"?(${REF})`,
    'i',
  ),
  new RegExp(String.raw`\bmanifest for (${REF}) not found`, 'i'),
  new RegExp(String.raw`pull access denied for (${REF})`, 'i'),
  new RegExp(String.raw`\brepository (${REF}) not found`, 'i'),
  new RegExp(
    String.raw`(?:cannot pull|image|reference|Pulling image)\s*["'](${REF})["']`,
    'i',
  ),
  new RegExp(
    String.raw`(?:pulling image|pull image|image)[=:]\s*"?(${REF}/${REF})`,
    'i',
  ),
  // A bare `host.domain[:port]/path…` anywhere that is not part of a URL or a file path.
  new RegExp(
    String.raw`(?<![\w./:@<>*-])((?:[A-Za-z0-9<*][\w<>*-]*\.)+[A-Za-z0-9<>*-]+(?::\d+)?/[A-Za-z0-9<>*][\w.\-/<>*]*(?::[\w.-]+)?(?:@[a-z0-9]+:[a-fA-F0-9]+)?)`,
  ),
];
// The Distribution API URL of a manifest or blob: `https://host/v2/<name>/manifests/<ref>`.
const DISTRIBUTION_URL =
  /https?:\/\/([A-Za-z0-9.\-:<>*]+)\/v2\/([\w.\-/<>*]+?)\/(manifests|blobs)\/([a-z0-9]+:[a-f0-9]{32,}|\w[\w.-]{0,127})/i;
// Docker Hub's API hosts, as URLs name them, and the registry name references use.
const DOCKER_HUB_API_HOSTS = /^(?:registry-1|index)\.docker\.io$/i;
const ECR_REPOSITORY_ARN =
  /\barn:aws[\w-]*:ecr:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):repository\/([a-z0-9][\w.\-/]*)/i;
// An ECR registry host inside a message, masked account ids and regions included.
const ECR_HOST_IN_TEXT = new RegExp(
  String.raw`(?<![\w.-])(${
    ecrHostPattern(
      String.raw`(?:\d{12}|<[^>\s]{1,40}>|\*{3,}|x{6,}|X{6,}|[\w-]+)`,
      String.raw`(?:[a-z0-9-]+|<[^>\s]{1,40}>)`,
    ).source
  })`,
  'i',
);
const AWS_ARN = /\barn:aws[\w-]*:([\w-]+):([a-z0-9-]*):(\d{12}):/g;
const REGION_IN_TEXT = [
  /\bapi\.ecr(?:-fips)?\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws/i,
  /\bprod-([a-z]{2}(?:-gov)?-[a-z]+-\d)-starport-layer-bucket/i,
  /\b(?:s3|secretsmanager|ssm|kms|logs|ecr|sts)[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws/i,
];
const REGISTRY_ID = /registry with id '(\d{12})'/i;
const ECR_REPOSITORY_NAME = /repository with name '([^'\s]+)'/i;
const IMAGE_DIGEST_PATTERNS = [
  /\bdigest="(sha256:[a-f0-9]{64})"/i,
  /\/manifests\/(sha256:[a-f0-9]{64})/i,
];
const PLATFORM = String.raw`((?:linux|windows|darwin|freebsd)/(?:amd64|arm64|arm|386|ppc64le|s390x|riscv64|x86_64|aarch64)(?:/v\d+)?)`;
// Phrases naming the platform the runtime wanted, before any platform mentioned elsewhere.
const WANTED_PLATFORM_PATTERNS = [
  new RegExp(String.raw`matching platform '?${PLATFORM}`, 'i'),
  new RegExp(String.raw`wanted:?\s*${PLATFORM}`, 'i'),
  new RegExp(String.raw`host platform \(${PLATFORM}`, 'i'),
  new RegExp(String.raw`manifest for ${PLATFORM} in the manifest list`, 'i'),
  new RegExp(String.raw`for platform:?\s*'?${PLATFORM}`, 'i'),
  new RegExp(String.raw`\b${PLATFORM}\b`, 'i'),
];
const HTTP_STATUS_PATTERNS = [
  /API error \((\d{3})\)/i,
  /\b([1-5]\d\d) (?:Not Found|Forbidden|Unauthorized|Too Many Requests|Bad Request|Internal Server Error|Service Unavailable|Bad Gateway|Gateway Time-?out|Request Timeout|Conflict|Method Not Allowed)\b/i,
  /\b(?:HTTP )?status(?: code)?:?\s*(\d{3})\b/i,
  /\bstatus (\d{3})\b/i,
];
const RETRY_COUNT = /retried (\d+) times?/i;
const LAYER_COUNTS =
  /number of layers and diff ?IDs don'?t match:\s*(\d+)\s*!=\s*(\d+)/i;
const MEDIA_TYPE_PATTERNS = [
  /stream processor for (application\/[\w.+-]+)/i,
  /(?:unsupported|unknown|unexpected) (?:layer |manifest )?media ?type:?\s*"?(application\/[\w.+-]+)/i,
  /\b(application\/(?:vnd\.[\w.+-]+|[\w.-]+\+json))/i,
];

function firstMatch(text: string, patterns: RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) {
      return match[1];
    }
  }
  return undefined;
}

function trimToken(token: string): string {
  return token.replace(/[:.,/]+$/, '');
}

function toInt(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number.parseInt(value, 10);
}

/** Removes undefined fields so that the facts serialise cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

function extractImage(text: string): {
  image?: string;
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
} {
  const token = firstMatch(text, IMAGE_PATTERNS);
  const parsed = token ? parseLooseImageReference(trimToken(token)) : undefined;
  if (token && parsed) {
    return { image: trimToken(token), ...parsed };
  }
  const url = DISTRIBUTION_URL.exec(text);
  if (url) {
    const [, host, repository, kind, reference] = url;
    const registry = DOCKER_HUB_API_HOSTS.test(host) ? 'docker.io' : host;
    const isDigest = reference.includes(':');
    const tag = kind === 'manifests' && !isDigest ? reference : undefined;
    const digest = kind === 'manifests' && isDigest ? reference : undefined;
    const image = `${registry}/${repository}${tag ? `:${tag}` : ''}${
      digest ? `@${digest}` : ''
    }`;
    return { image, registry, repository, tag, digest };
  }
  const arn = ECR_REPOSITORY_ARN.exec(text);
  if (arn) {
    const [, region, accountId, repository] = arn;
    return {
      registry: `${accountId}.dkr.ecr.${region}.amazonaws.com`,
      repository,
    };
  }
  return {
    repository: ECR_REPOSITORY_NAME.exec(text)?.[1],
    registry: ECR_HOST_IN_TEXT.exec(text)?.[1],
  };
}

/**
 * Reads the facts a pull error message reveals. Never throws; fields the message does not show
 * are left out.
 */
export function extractFacts(text: string): ExtractedPullErrorFacts {
  const image = extractImage(text);
  const ecr = image.registry ? parseEcrHost(image.registry) : undefined;
  const arns = [...text.matchAll(AWS_ARN)];
  const arnRegion = arns.map(m => m[2]).find(r => /^[a-z]{2}-/.test(r));
  const layerCounts = LAYER_COUNTS.exec(text);
  const status = toInt(firstMatch(text, HTTP_STATUS_PATTERNS));
  return compact({
    image: image.image,
    registry: image.registry,
    repository: image.repository,
    tag: image.tag,
    digest:
      image.digest ?? firstMatch(text, IMAGE_DIGEST_PATTERNS)?.toLowerCase(),
    platform: firstMatch(text, WANTED_PLATFORM_PATTERNS)?.toLowerCase(),
    httpStatus:
      status !== undefined && status >= 100 && status < 600
        ? status
        : undefined,
    retryCount: toInt(RETRY_COUNT.exec(text)?.[1]),
    accountId: ecr?.accountId ?? REGISTRY_ID.exec(text)?.[1] ?? arns[0]?.[3],
    region: ecr?.region ?? firstMatch(text, REGION_IN_TEXT) ?? arnRegion,
    layerCount: toInt(layerCounts?.[1]),
    diffIdCount: toInt(layerCounts?.[2]),
    mediaType: firstMatch(text, MEDIA_TYPE_PATTERNS),
  });
}
