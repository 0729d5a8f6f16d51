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

import type { FixKey, PullErrorCategory } from '../types';
import type {
  ClassificationConfidence,
  ExtractedPullErrorFacts,
} from './types';

/** What a rule looks at: the normalised message and the facts read from it. */
export interface MessageView {
  text: string;
  facts: ExtractedPullErrorFacts;
}

/**
 * One classification rule. Rules are tried in order and the first that matches decides, so the
 * list runs from the most specific signal to the most generic.
 */
export interface PullErrorRule {
  id: string;
  category: PullErrorCategory;
  confidence: ClassificationConfidence;
  /** Catalogue key of the fix when narrower than the category. */
  fixKey?: FixKey;
  /** A remark about the message when it is ambiguous or cut off (`ClassifiedPullError.note`). */
  note?: string;
  matches: (message: MessageView) => boolean;
}

// ---------------------------------------------------------------------------------------------
// Signals. Each names what a component says, and why, independent of the wrapper around it
// (CannotPullContainerError, ResourceInitializationError, a service event, an agent log line).
// ---------------------------------------------------------------------------------------------

/** distribution/reference and containerd parsing errors: the reference itself is wrong. */
const INVALID_REFERENCE =
  /invalid reference format|repository name must be (?:lowercase|canonical)|is not a valid repository\/tag|invalid tag format|\binvalid tag\b|(?:error |failed to )?pars(?:e|ing) (?:image )?reference|invalid checksum digest format|unsupported digest algorithm|invalid (?:image )?reference\b|invalid repository name|invalid image name|Container\.image\b.{0,80}(?:invalid|should|must)|registryIds'? failed to satisfy constraint/i;

/** Docker/containerd/Windows out of space while writing layers; devicemapper thin pool full. */
const DISK_FULL =
  /no space left on device|not enough space on the disk|disk quota exceeded|free data blocks which is less than minimum|thin pool (?:is full|has \d+ free)|insufficient (?:disk|storage) space|out of disk space/i;

/** Docker Hub pull limits (HTTP 429, toomanyrequests) and AWS API throttling. */
const RATE_LIMITED =
  /toomanyrequests|too many requests|pull rate limit|rate limit(?:ed| exceeded)|\b429\b|ThrottlingException|Throttling:|Rate exceeded|TooManyRequestsException|RequestLimitExceeded|\bSlowDown\b/i;

/** The agent or Fargate reading secrets: Secrets Manager (asm), SSM parameters, KMS. */
const SECRETS_OR_KMS =
  /unable to (?:retrieve|get|fetch) (?:secrets?|registry auth) from (?:asm|ssm)|asm fetching secret|fetching secret data|failed to fetch secret|secretsmanager|secrets manager|GetSecretValue|ssm:GetParameters?|\bssm parameters?\b|ParameterNotFound|InvalidParameters|unable to retrieve secrets from ssm|\bkms\b|KMS\.|kms:Decrypt|ciphertext refers to a customer master key|KMSInvalidStateException|DecryptionFailure/i;

/** Transport failures: the network path, not the server's answer. */
const NETWORK =
  /i\/o timeout|dial tcp|dial udp|no such host|TLS handshake timeout|connection reset by peer|connection refused|network is unreachable|no route to host|Client\.Timeout exceeded|request canceled while waiting for connection|context deadline exceeded|send request failed|RequestError|RequestCanceled|connection timed out|timeout awaiting response headers|proxyconnect|connection issue between|check your (?:task )?network configuration|read: connection|broken pipe|net\/http: request canceled|temporary failure in name resolution|server misbehaving|EOF caused by|\bGet "?https?:\/\/\S+"?: EOF\b|unexpected EOF.{0,40}(?:dial|connection)/i;

/** ECS getting the registry token (or anything before the pull proper) over the network. */
const AUTH_RETRIEVAL =
  /unable to pull secrets or registry auth|execution resource retrieval failed|ecr registry auth|registry auth from Amazon ECR|GetAuthorizationToken|api\.ecr[.-]|\becr\.api\b|CannotPullECRContainerError|failed to (?:fetch|get|retrieve) ECR (?:auth|token|credentials)|NoCredentialProviders|no valid providers in chain|pull command failed|failed to download env files/i;

/** Setting up the log driver happens in the same phase, from the same subnet. */
const LOGGER_SETUP =
  /failed to validate logger args|log stream has been retried|create(?:ing)? (?:cloudwatch )?log stream|awslogs/i;

/** IAM evaluating a request: an identity, resource, boundary or SCP denies it. */
const IAM_DENIED =
  /is not authorized to perform|not authorized to access this resource|AccessDeniedException|\bAccessDenied\b|explicit deny|no (?:identity|resource)-based policy allows|check (?:your|the) (?:role|task execution role)(?:'s)? permissions|role has (?:the )?permissions|unable to assume the role|role (?:does not have|doesn't have|lacks) (?:the )?permissions?|UnrecognizedClientException|InvalidClientTokenId|ExpiredTokenException/i;

/** An answer of 403 (AWS: IAM or an endpoint policy; other registries: credentials). */
const FORBIDDEN = /\b403\b|\bForbidden\b/i;
const AWS_HOST =
  /\.amazonaws\.com|\.on\.aws\b|starport-layer-bucket|\bECR\b|Elastic Container Registry/i;

/** Docker schema 1 (deprecated, removed in containerd 2 and Docker 28). */
const SCHEMA1 =
  /schema ?1\b|schema version 1\b|schemaVersion"?\s*:?\s*1\b|v1\+prettyjws|distribution\.manifest\.v1\+json|Image Format v1|manifest version 2, schema 1|\bnot a manifest\b/i;
/** An old runtime that cannot read the manifest format it got. */
const UNSUPPORTED_MANIFEST =
  /unsupported manifest (?:media )?type|unsupported manifest format|unknown manifest (?:media )?type|unsupported schema version/i;

/** containerd/Docker platform matching, and the start-time symptom of a wrong architecture. */
const PLATFORM_MISSING =
  /descriptor matching platform|no match(?:ing)? (?:for )?platform|no matching manifest for|does not match the specified platform|does not match the detected host platform|failed to find a descriptor for platform|for platform .{0,40}not found|cannot be used on this platform|image operating system "?\w+"? cannot be used|is incompatible with a [\w. ]{0,40}host|operating system of the container does not match|container operating system does not match|manifest list entries|architecture mismatch/i;
const EXEC_FORMAT =
  /exec format error|exec user process caused.{0,40}exec format/i;

/** containerd unpack: layers (in the manifest) and diff_ids (in the config) differ in number. */
const LAYERS_DIFFIDS_COUNT = /number of layers and diff ?IDs don'?t match/i;
const LAYER_ROOTFS_MISMATCH =
  /mismatched image rootfs and manifest layers|wrong diff ?id|diff ?id.{0,30}(?:mismatch|does not match|don'?t match)|(?:filesystem layer|image config) verification failed|layers from manifest don'?t match image configuration|unexpected commit digest|invalid diff ?id|rootfs.{0,40}(?:does not match|mismatch)/i;
/** A layer the runtime cannot decompress: zstd it does not know, or compressed bytes read as tar. */
const ZSTD_UNPACK =
  /zstd.{0,160}(?:invalid tar header|unexpected EOF|magic number|invalid input|not supported|unsupported|unknown|decompress|no processor)|(?:invalid tar header|unexpected EOF|magic number|decompress).{0,160}zstd/i;
const INVALID_TAR_HEADER = /invalid tar header/i;

/** The runtime meets a media type it cannot unpack: an attestation, SBOM, signature, artifact. */
const UNPACKABLE_MEDIA_TYPE =
  /in-toto|no processor for media-?type|stream processor|unsupported media ?type|unknown media ?type|unsupported layer (?:media )?type|encountered unknown type|unknown layer type|not a (?:valid |runnable )?(?:container )?image\b|vnd\.dev\.cosign|vnd\.(?:cncf|oci\.artifact)|\bartifactType\b|attestation-manifest|image (?:has|with) no layers|image config.{0,40}(?:not supported|unsupported|unknown)/i;
const LAYER_MEDIA_TYPE =
  /(?:image\.layer|image\.rootfs(?:\.foreign)?\.diff)\./i;

/** The registry knows the repository but not the manifest (tag or digest). */
const MANIFEST_UNKNOWN =
  /manifest unknown|MANIFEST_UNKNOWN|manifest for .{1,300}? not found|Requested image not found|ImageNotFoundException|image not found|image does(?: not|n't) exist|failed to resolve (?:ref(?:erence)?|image)[^\n]{0,600}?:\s*not found|content at [^\s]{1,400}\/manifests\/[^\s]{1,100} not found|manifest .{0,300}? not found|\bimage (?:is |was )?archived|ImageArchived|could not find (?:the )?image|\bmanifests?\b[^\n]{0,200}\b404\b|\b404\b[^\n]{0,40}\bmanifest/i;
const DIGEST_IN_MESSAGE =
  /@sha256:|sha256:[a-f0-9]{6}|version consistency|imageDigest/i;

/** The registry does not know the repository. */
const REPOSITORY_UNKNOWN =
  /repository with name '[^']*' does not exist|RepositoryNotFoundException|name unknown|NAME_UNKNOWN|\brepository [^\s,]+ not found|repository (?:does not exist|not found)(?! or may require)|does not exist or no pull access/i;

/** Registry authentication: missing, wrong or expired credentials (401, docker login). */
const PULL_ACCESS_DENIED =
  /pull access denied|may require 'docker login'|may require authorization|insufficient_scope/i;
const REGISTRY_UNAUTHENTICATED =
  /unauthorized|authentication required|\b401\b|no basic auth credentials|incorrect username or password|authorization token has expired|requested access to the resource is denied|failed to authorize|failed to fetch (?:anonymous|oauth) token|denied: (?:access forbidden|not authorized)|invalid username\/password|bad credentials|unable to (?:retrieve|get) registry auth/i;

/** The ECS agent giving up on a slow pull. */
const AGENT_TIMEOUT =
  /DockerTimeoutError|Could not transition to \w+; timed out|timed out after waiting|pull took too long|image pull (?:timed out|timeout)|inactivity timeout|timed out (?:while )?pulling|pull (?:has )?timed out|timeout (?:waiting for|while) pull/i;
/** A pull stopped midway with no network cause named. */
const PULL_CUT_SHORT =
  /context canceled|unexpected EOF|short read|download failed after attempts|failed to copy|httpRead(?:er)?Seeker: failed open/i;

/** A registry or proxy failing, or TLS misconfiguration: the path to the registry is broken. */
const REGISTRY_UNAVAILABLE =
  /\b50[0234]\b|Service Unavailable|Bad Gateway|Gateway Time-?out|Internal Server Error|x509:|certificate (?:signed by unknown authority|has expired|is not valid)|server gave HTTP response to HTTPS client|remote error: tls|tls: handshake failure|failed to do request/i;

/** Content missing behind an existing manifest. */
const BLOB_UNKNOWN =
  /blob unknown|BLOB_UNKNOWN|unknown blob|content at [^\s]{1,400}\/blobs\/[^\s]{1,100} not found|LayersNotFoundException|LayerInaccessibleException|layer (?:does not exist|not found)/i;

/** A resolve step cut off before its cause (Fargate truncates long messages). */
const RESOLVE_ONLY =
  /failed to resolve (?:ref(?:erence)?|image)|pull image manifest has been retried/i;

/** The container runtime failing after the image was pulled: not a pull error. */
const CONTAINER_RUNTIME_FAILURE =
  /CannotStartContainerError|CannotCreateContainerError|CannotInspectContainerError|OutOfMemoryError|OOMKilled|Essential container in task exited|failed (?:ELB|container) health checks|executable file not found|OCI runtime (?:create|exec) failed/i;

/** Service events and other ECS notices without a pull cause. */
const NOT_A_PULL_ERROR =
  /unable to place a task|no container instance met|insufficient (?:memory|cpu)|has started \d+ tasks?|has stopped \d+ running tasks?|has reached a steady state|deployment (?:failed|completed)|tasks? failed to start|deregistered \d+ targets|registered \d+ targets|Task stopped by user|Scaling activity initiated|Spot interruption|Host EC2 .{0,40}terminated|\bEFS\b|failed to validate logger args|log group does not exist/i;

const test =
  (pattern: RegExp) =>
  ({ text }: MessageView) =>
    pattern.test(text);
const all =
  (...patterns: RegExp[]) =>
  ({ text }: MessageView) =>
    patterns.every(p => p.test(text));

const DOCKER_HUB_NOTE =
  'Docker Hub and several registries answer "pull access denied … repository does not exist or may require authorization" both for a private repository pulled without credentials and for a repository that does not exist: check the spelling of the image first.';

/**
 * The rules, most specific first. The reasons for the order:
 * - invalid references and disk space are decided by one unmistakable phrase, whatever else the
 *   message says;
 * - secrets come before IAM and network, because an IAM or network failure while reading a secret
 *   is fixed on the secret's side (policy, KMS key, endpoint);
 * - IAM comes before "registry auth" wrappers and "repository does not exist" texts, because ECR
 *   appends the IAM denial to both; a "registry auth" wrapper with a network error comes next,
 *   and without any named cause only near the end;
 * - image-content errors (platform, layers, media types) come before "not found" and network,
 *   whose words also occur inside them;
 * - "manifest unknown" splits on whether a digest was pulled (software version consistency);
 * - weak, generic signals (a bare 403, 5xx, "context canceled", a resolve step cut off) last.
 */
export const PULL_ERROR_RULES: readonly PullErrorRule[] = [
  {
    id: 'invalid-reference',
    category: 'invalid-reference',
    confidence: 'high',
    matches: test(INVALID_REFERENCE),
  },
  {
    id: 'disk-full',
    category: 'disk-space',
    confidence: 'high',
    matches: test(DISK_FULL),
  },
  {
    id: 'rate-limited',
    category: 'rate-limited',
    confidence: 'high',
    matches: test(RATE_LIMITED),
  },
  {
    id: 'secrets-network',
    category: 'ecr-auth-network',
    confidence: 'medium',
    matches: all(SECRETS_OR_KMS, NETWORK),
  },
  {
    id: 'secrets-or-kms',
    category: 'kms-or-secrets',
    confidence: 'high',
    matches: test(SECRETS_OR_KMS),
  },
  {
    id: 'iam-denied',
    category: 'access-denied-iam',
    confidence: 'high',
    matches: test(IAM_DENIED),
  },
  {
    id: 'ecr-auth-network',
    category: 'ecr-auth-network',
    confidence: 'high',
    matches: all(AUTH_RETRIEVAL, NETWORK),
  },
  {
    id: 'logger-setup-network',
    category: 'ecr-auth-network',
    confidence: 'medium',
    matches: all(LOGGER_SETUP, NETWORK),
  },
  {
    id: 'schema1-manifest',
    category: 'unsupported-manifest-schema',
    confidence: 'high',
    matches: test(SCHEMA1),
  },
  {
    id: 'platform-missing',
    category: 'platform-mismatch',
    confidence: 'high',
    matches: test(PLATFORM_MISSING),
  },
  {
    id: 'exec-format-error',
    category: 'platform-mismatch',
    confidence: 'medium',
    note: 'The container started and its binary could not run on this CPU: the image is built for another architecture (a script without a #! line gives the same error).',
    matches: test(EXEC_FORMAT),
  },
  {
    id: 'container-runtime-failure',
    category: 'other',
    confidence: 'medium',
    matches: test(CONTAINER_RUNTIME_FAILURE),
  },
  {
    id: 'layers-diffids-count',
    category: 'mixed-compression',
    confidence: 'high',
    matches: test(LAYERS_DIFFIDS_COUNT),
  },
  {
    id: 'zstd-layer-unreadable',
    category: 'mixed-compression',
    confidence: 'medium',
    fixKey: 'zstd-docker-media-type',
    matches: ({ text, facts }) =>
      ZSTD_UNPACK.test(text) ||
      (UNPACKABLE_MEDIA_TYPE.test(text) &&
        LAYER_MEDIA_TYPE.test(facts.mediaType ?? '')),
  },
  {
    id: 'layer-rootfs-mismatch',
    category: 'layer-count-mismatch',
    confidence: 'high',
    matches: test(LAYER_ROOTFS_MISMATCH),
  },
  {
    id: 'invalid-tar-header',
    category: 'mixed-compression',
    confidence: 'low',
    fixKey: 'zstd-docker-media-type',
    note: 'A tar reader met bytes that are not tar: most often a zstd layer read by a runtime that did not decompress it; a corrupted download is the other cause.',
    matches: test(INVALID_TAR_HEADER),
  },
  {
    id: 'unpackable-media-type',
    category: 'attestation-media-type',
    confidence: 'high',
    matches: test(UNPACKABLE_MEDIA_TYPE),
  },
  {
    id: 'unsupported-manifest',
    category: 'unsupported-manifest-schema',
    confidence: 'low',
    matches: test(UNSUPPORTED_MANIFEST),
  },
  {
    id: 'blob-unknown',
    category: 'other',
    confidence: 'medium',
    fixKey: 'missing-blob',
    matches: test(BLOB_UNKNOWN),
  },
  {
    id: 'repository-unknown',
    category: 'repository-not-found',
    confidence: 'high',
    matches: test(REPOSITORY_UNKNOWN),
  },
  {
    id: 'manifest-unknown-digest',
    category: 'manifest-unknown-digest-deleted',
    confidence: 'high',
    matches: ({ text, facts }) =>
      MANIFEST_UNKNOWN.test(text) &&
      (facts.digest !== undefined || DIGEST_IN_MESSAGE.test(text)),
  },
  {
    id: 'manifest-unknown-tag',
    category: 'manifest-unknown-tag',
    confidence: 'high',
    matches: test(MANIFEST_UNKNOWN),
  },
  {
    id: 'pull-access-denied',
    category: 'access-denied-registry-auth',
    confidence: 'medium',
    note: DOCKER_HUB_NOTE,
    matches: test(PULL_ACCESS_DENIED),
  },
  {
    id: 'registry-unauthenticated',
    category: 'access-denied-registry-auth',
    confidence: 'high',
    matches: test(REGISTRY_UNAUTHENTICATED),
  },
  {
    id: 'aws-forbidden',
    category: 'access-denied-iam',
    confidence: 'medium',
    note: 'AWS answered 403 without naming the policy: the task execution role lacks ECR permissions, or a repository policy or a VPC endpoint policy (ECR or the S3 gateway endpoint) denies the request.',
    matches: all(FORBIDDEN, AWS_HOST),
  },
  {
    id: 'registry-forbidden',
    category: 'access-denied-registry-auth',
    confidence: 'medium',
    matches: test(FORBIDDEN),
  },
  {
    id: 'agent-timeout',
    category: 'image-too-large-or-timeout',
    confidence: 'high',
    matches: test(AGENT_TIMEOUT),
  },
  {
    id: 'network',
    category: 'registry-network-timeout',
    confidence: 'high',
    matches: test(NETWORK),
  },
  {
    id: 'pull-cut-short',
    category: 'image-too-large-or-timeout',
    confidence: 'medium',
    note: 'The download stopped before it finished and no network error is named: a large image on a slow path, or a task stopped during the pull.',
    matches: test(PULL_CUT_SHORT),
  },
  {
    id: 'registry-unavailable',
    category: 'registry-network-timeout',
    confidence: 'low',
    matches: test(REGISTRY_UNAVAILABLE),
  },
  {
    id: 'ecr-auth-no-cause',
    category: 'ecr-auth-network',
    confidence: 'medium',
    note: 'The message does not name the cause; a missing network path to ECR is by far the most common one, a missing ecr:GetAuthorizationToken permission the next.',
    matches: test(AUTH_RETRIEVAL),
  },
  {
    id: 'resolve-cut-off',
    category: 'manifest-unknown-tag',
    confidence: 'low',
    note: 'The message was cut off before its cause. A missing tag is the most common reason a reference fails to resolve; a network timeout is the next.',
    matches: ({ text, facts }) =>
      RESOLVE_ONLY.test(text) && facts.digest === undefined,
  },
  {
    id: 'resolve-cut-off-digest',
    category: 'manifest-unknown-digest-deleted',
    confidence: 'low',
    note: 'The message was cut off before its cause. A deleted image is the most common reason a digest fails to resolve; a network timeout is the next.',
    matches: test(RESOLVE_ONLY),
  },
  {
    id: 'not-a-pull-error',
    category: 'other',
    confidence: 'medium',
    matches: test(NOT_A_PULL_ERROR),
  },
];
