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
 * How bad a finding is.
 *
 * - `blocking`: the pull or the container start will fail.
 * - `risk`: it works today but can break (a moved tag, a lifecycle rule, a rate limit).
 * - `info`: worth knowing, harmless to ECS.
 *
 * @public
 */
export type Severity = 'blocking' | 'risk' | 'info';

/**
 * Every severity, from the most to the least severe.
 *
 * @public
 */
export const SEVERITIES: readonly Severity[] = ['blocking', 'risk', 'info'];

/**
 * Stable ids of the image checks. They are part of the API: the card, the CLI's JSON output and
 * stored findings all use them, so an id is never renamed.
 *
 * @public
 */
export const CHECK_IDS = [
  'invalid-reference',
  'repository-not-found',
  'tag-not-found',
  'platform-missing',
  'mixed-layer-compression',
  'zstd-docker-media-type',
  'layer-diffid-mismatch',
  'unsupported-layer-media-type',
  'not-an-image',
  'schema1-manifest',
  'empty-image',
  'missing-blob',
  'mutable-tag-reference',
  'deployed-digest-missing',
  'lifecycle-expires-in-use-image',
  'dockerhub-unauthenticated',
  'attestation-in-index',
  'unverifiable',
  // Added with issue 9: ids that a broader id used to cover. Ids are never renamed or reused.
  'malformed-descriptor',
  'malformed-config',
  'digest-not-found',
  'platform-manifest-missing',
  'image-archived',
  'zstd-unsupported-runtime',
  'empty-index',
  'encrypted-layer',
  'soci-index-v1',
  // The task definition itself: more containers than ECS registers.
  'too-many-containers',
  // A non-ECR image that its registry serves only with credentials, for a container without
  // repositoryCredentials (ECS pulls it anonymously).
  'registry-auth-required',
  // Not about an image: a catalog entity's link to its ECS services is malformed or cannot be
  // followed (a bad annotation, an account without credentials, a tag query matching nothing).
  'link-error',
  // Not about an image: the backend's last audit could not read the entity's services from AWS
  // (access denied, throttling, a timeout); the report shown is the last one it could make.
  'audit-error',
] as const;

/**
 * The id of an image check: one of {@link CHECK_IDS}.
 *
 * @public
 */
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * The severity each check reports unless the evidence calls for another one (a mixed
 * gzip/uncompressed image is a risk, mixed gzip/zstd is blocking).
 *
 * @public
 */
export const DEFAULT_CHECK_SEVERITY: Readonly<Record<CheckId, Severity>> = {
  'invalid-reference': 'blocking',
  'repository-not-found': 'blocking',
  'tag-not-found': 'blocking',
  'platform-missing': 'blocking',
  'mixed-layer-compression': 'blocking',
  'zstd-docker-media-type': 'blocking',
  'layer-diffid-mismatch': 'blocking',
  'unsupported-layer-media-type': 'blocking',
  'not-an-image': 'blocking',
  'schema1-manifest': 'blocking',
  'empty-image': 'blocking',
  'missing-blob': 'blocking',
  'mutable-tag-reference': 'risk',
  'deployed-digest-missing': 'blocking',
  'lifecycle-expires-in-use-image': 'risk',
  'dockerhub-unauthenticated': 'risk',
  'attestation-in-index': 'info',
  unverifiable: 'risk',
  'malformed-descriptor': 'blocking',
  'malformed-config': 'blocking',
  'digest-not-found': 'blocking',
  'platform-manifest-missing': 'blocking',
  'image-archived': 'blocking',
  'zstd-unsupported-runtime': 'risk',
  'empty-index': 'blocking',
  'encrypted-layer': 'blocking',
  'soci-index-v1': 'risk',
  'too-many-containers': 'blocking',
  'registry-auth-required': 'blocking',
  // The entity's services cannot be audited, which is not proof that they are broken.
  'link-error': 'risk',
  // The last audit could not refresh the report: unknown, not broken.
  'audit-error': 'risk',
};

/**
 * Categories of a classified pull error (a task's stoppedReason, a container reason, a service
 * event or an agent log line).
 *
 * @public
 */
export const PULL_ERROR_CATEGORIES = [
  'platform-mismatch',
  'mixed-compression',
  'layer-count-mismatch',
  'attestation-media-type',
  'manifest-unknown-tag',
  'manifest-unknown-digest-deleted',
  'repository-not-found',
  'access-denied-iam',
  'access-denied-registry-auth',
  'ecr-auth-network',
  'registry-network-timeout',
  'rate-limited',
  'disk-space',
  'kms-or-secrets',
  'unsupported-manifest-schema',
  'invalid-reference',
  'image-too-large-or-timeout',
  'other',
] as const;

/**
 * The category of a classified pull error: one of {@link PULL_ERROR_CATEGORIES}.
 *
 * @public
 */
export type PullErrorCategory = (typeof PULL_ERROR_CATEGORIES)[number];

/**
 * One step of a fix: what to do, and where there is one, the exact command or config change.
 *
 * @public
 */
export interface FixStep {
  /** What to do, in one sentence. */
  text: string;
  /** A command to run or a config snippet to apply, ready to copy. */
  command?: string;
  /** How `command` is written, for display. */
  language?: 'shell' | 'json' | 'yaml' | 'dockerfile';
}

/**
 * A link to documentation about a cause or its fix.
 *
 * @public
 */
export interface DocLink {
  /** The link text. */
  title: string;
  /** Absolute URL of the page. */
  url: string;
}

/**
 * A fix as shown to a user: the cause in one line, a short explanation, concrete steps, and
 * documentation. Rendered from the catalogue with `fixFor(fixKey, fixVars)` where it is shown, so
 * stored findings always read with the current catalogue.
 *
 * @public
 */
export interface Fix {
  /** The cause, in one line readable on its own. */
  title: string;
  /** One or two sentences: why this happens and what the fix does. */
  summary: string;
  /** What to do, in order. */
  steps: FixStep[];
  /** Documentation about the cause and the fix. */
  docs: DocLink[];
}

/**
 * A key of the fix catalogue: an image check id or a pull-error category. Where a check and a
 * category have the same cause they share one catalogue entry.
 *
 * @public
 */
export type FixKey = CheckId | PullErrorCategory;

/**
 * What a fix can be tailored with. Every field is optional: the fix text substitutes what is
 * given and keeps a clear `<placeholder>` for the rest. Plain strings only, so the variables
 * are stored with a finding and the fix re-renders from them.
 *
 * @public
 */
export interface FixVars {
  /** The image reference as written in the task definition. */
  image?: string;
  /** Repository path inside the registry; taken from `image` when not given. */
  repository?: string;
  /** Registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  registry?: string;
  /** AWS region; taken from an ECR `registry` or `image` when not given. */
  region?: string;
  /** 12-digit AWS account id; taken from an ECR `registry` or `image` when not given. */
  accountId?: string;
  /** The platform the task runs on, e.g. `linux/amd64`. */
  platform?: string;
  /** The exact reference to pin, `repo:tag@sha256:…`. */
  pinnedReference?: string;
  /** The image digest, e.g. `sha256:<hex>`; taken from `image` when not given. */
  digest?: string;
  /** The image tag; taken from `image` when not given. */
  tag?: string;
  /** `FARGATE`, `EC2` or `EXTERNAL`. */
  launchType?: string;
  /** An IAM action to grant, e.g. `ecs:DescribeServices`. */
  permission?: string;
}

/**
 * What an image check found.
 *
 * @public
 */
export interface Finding {
  /** The check that reported it. */
  id: CheckId;
  /** How bad it is: the check's default severity unless the evidence calls for another. */
  severity: Severity;
  /** One line, readable on its own. */
  title: string;
  /**
   * What was seen: platforms present, media types, counts, digests. Plain JSON values only, so
   * findings can be stored and sent over HTTP as they are.
   */
  evidence: Record<string, unknown>;
  /** The catalogue entry that explains the finding and how to fix it (usually `id`). */
  fixKey: FixKey;
  /** What the fix is tailored with; render it with `fixFor(fixKey, fixVars)`. */
  fixVars: FixVars;
  /** The image reference the finding is about, as written in the task definition. */
  image?: string;
  /** The container definition name, when the check ran for a task definition. */
  container?: string;
}

/**
 * A platform as OCI writes it.
 *
 * @public
 */
export interface Platform {
  /** The operating system, e.g. `linux` or `windows`. */
  os: string;
  /** The CPU architecture, e.g. `amd64` or `arm64`. */
  architecture: string;
  /** The CPU variant, e.g. `v8` for `arm64`, when there is one. */
  variant?: string;
  /** The OS version, e.g. a Windows build such as `10.0.14393.1066`, when there is one. */
  'os.version'?: string;
}
