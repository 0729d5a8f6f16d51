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

/** What a rule looks at. */
export interface MessageView {
  /**
   * The normalised message the rules match: without the ECS agent's advice sentences (see
   * `advice`), and with a word the cut split completed.
   */
  text: string;
  /** The normalised message as given. */
  raw: string;
  /** The advice the ECS agent put in front of the error ("Check if image exists …"), if any. */
  advice: string;
  /** The message was cut off (see `detectTruncation`). */
  truncated: boolean;
  facts: ExtractedPullErrorFacts;
}

/** Another cause the same text is produced by. */
export interface AlternativeCause {
  category: PullErrorCategory;
  /** Catalogue key of the fix when narrower than the category. */
  fixKey?: FixKey;
  /** How likely, from 0 to 1, before the candidates are normalised. */
  weight: number;
  /** Who produces the text in this case, and why. */
  reason: string;
}

/**
 * One classification rule. Rules are tried in order and the first that matches decides; its
 * cause is the first candidate, its alternatives follow, then (weakly) the causes of other rules
 * that also match.
 */
export interface PullErrorRule {
  id: string;
  category: PullErrorCategory;
  confidence: ClassificationConfidence;
  /** Catalogue key of the fix when narrower than the category. */
  fixKey?: FixKey;
  /** A remark about the message when it is ambiguous or cut off (`ClassifiedPullError.note`). */
  note?: string;
  /** The mechanism: which component writes the text this rule recognises, and why. */
  reason: string;
  /** Likelihood of the rule's own cause, 0 to 1; by default from `confidence`. */
  weight?: number;
  /** Other causes that produce the same text, most likely first. */
  alternatives?:
    | readonly AlternativeCause[]
    | ((message: MessageView) => readonly AlternativeCause[]);
  /** Causes that a cut may have hidden, added when the message was cut off. */
  hiddenByCut?: readonly AlternativeCause[];
  /**
   * The rule reads a message cut before its cause: its confidence already accounts for the cut,
   * and it is not offered as a second opinion when another rule decides.
   */
  fallback?: boolean;
  matches: (message: MessageView) => boolean;
}

// ---------------------------------------------------------------------------------------------
// Signals. Each names what a component says, and why, independent of the wrapper around it
// (CannotPullContainerError, ResourceInitializationError, a service event, an agent log line).
// ---------------------------------------------------------------------------------------------

/**
 * distribution/reference (moby, containerd), containerd's parser, ECS task definition validation:
 * the reference itself is wrong (an unexpanded variable, uppercase, a leading space or slash).
 */
const INVALID_REFERENCE =
  /invalid reference format|repository name must be (?:lowercase|canonical)|repository name (?:component )?must (?:match|have at least one component|not be more than)|is not a valid repository\/tag|invalid (?:tag|digest) format|\binvalid tag\b|(?:error |failed to )?pars(?:e|ing) (?:image )?reference|invalid checksum digest format|unsupported digest algorithm|invalid (?:image )?reference\b|invalid repository name|invalid image name|Container\.image\b.{0,80}(?:invalid|should|must)|registryIds'? failed to satisfy constraint/i;

/** Docker/containerd/Windows out of space while writing layers; devicemapper thin pool full. */
const DISK_FULL =
  /no space left on device|not enough space on the disk|disk quota exceeded|free data blocks which is less than minimum|thin pool (?:is full|has \d+ free)|insufficient (?:disk|storage) space|out of disk space/i;

/** Docker Hub pull limits (HTTP 429, toomanyrequests) and AWS API throttling. */
const RATE_LIMITED =
  /toomanyrequests|too many requests|pull rate limit|rate limit(?:ed| exceeded)|\b429\b|ThrottlingException|Throttling:|Rate exceeded|TooManyRequestsException|RequestLimitExceeded|\bSlowDown\b/i;

/**
 * The agent, Fargate or a tool resolving the task's secrets: Secrets Manager (asm), SSM
 * parameters, KMS; an SSM parameter or Secrets Manager ARN in the message names the secret.
 */
const SECRETS_OR_KMS =
  /unable to (?:retrieve|get|fetch) (?:secrets?|registry auth) from (?:asm|ssm)|asm fetching secret|fetching secret data|failed to fetch secret|\b(?:retrieve|fetch|get)\w* (?:the )?decrypted secret|secretsmanager|secrets manager|GetSecretValue|ssm:GetParameters?|\bssm parameters?\b|\barn:aws[\w-]*:ssm:[^\s:]*:[^\s:]*:parameter\/|ParameterNotFound|InvalidParameters|unable to retrieve secrets from ssm|\bkms\b|KMS\.|kms:Decrypt|ciphertext refers to a customer master key|KMSInvalidStateException|DecryptionFailure/i;

/**
 * Transport failures: the request got no HTTP answer. containerd's "failed to do request" wraps
 * what Go's HTTP client returns, which is never a status (statuses are reported separately).
 */
const NETWORK =
  /i\/o timeout|dial tcp|dial udp|no such host|TLS handshake timeout|connection reset by peer|connection refused|network is unreachable|no route to host|Client\.Timeout exceeded|request canceled while waiting for connection|context deadline exceeded|send request failed|RequestError|RequestCanceled|connection timed out|timeout awaiting response headers|proxyconnect|connection issue between|check your (?:task |host )?network configuration|read: connection|broken pipe|net\/http: request canceled|temporary failure in name resolution|server misbehaving|EOF caused by|\b(?:Get|Head|Post)\s+"?https?:\/\/\S+"?:\s*EOF\b|unexpected EOF.{0,40}(?:dial|connection)|failed to do request/i;

/** A caller gave up on the request: the agent's pull timeout, a stopped task, a dropped path. */
const CONTEXT_CANCELED =
  /context canceled|\brequest canceled\b|operation was canceled/i;
/** The connection closed in the middle of an answer. */
const CONNECTION_CUT = /unexpected EOF|\bshort read\b|:\s*EOF\s*$/i;

/** ECS getting the registry token (or anything before the pull proper) over the network. */
const AUTH_RETRIEVAL =
  /unable to pull secrets or registry auth|execution resource retrieval failed|ecr registry auth|registry auth from Amazon ECR|GetAuthorizationToken|api\.ecr[.-]|\becr\.api\b|CannotPullECRContainerError|failed to (?:fetch|get|retrieve) ECR (?:auth|token|credentials)|registry auth token|NoCredentialProviders|no valid providers in chain|failed to download env files/i;

/** Setting up the log driver happens in the same phase, from the same subnet. */
const LOGGER_SETUP =
  /failed to validate logger args|log stream has been retried|create(?:ing)? (?:cloudwatch )?log stream|awslogs/i;

/** IAM evaluating a request: an identity, resource, boundary or SCP denies it. */
const IAM_DENIED =
  /is not authorized to perform|not authorized to access this resource|AccessDeniedException|\bAccessDenied\b|explicit deny|no (?:identity|resource)-based policy allows|check (?:your|the) (?:role|task execution role)(?:'s)? permissions|unable to assume the role|role (?:does not have|doesn't have|lacks) (?:the )?permissions?|UnrecognizedClientException|InvalidClientTokenId|ExpiredTokenException/i;

/** An answer of 403 (AWS: IAM or an endpoint policy; other registries: credentials). */
const FORBIDDEN = /\b403\b|\bForbidden\b/i;
const AWS_HOST =
  /\.amazonaws\.com|\.on\.aws\b|starport-layer-bucket|\bECR\b|Elastic Container Registry/i;
const ECR_REGISTRY_HOST = /\.dkr\.ecr[.-]/i;

/**
 * ECR serves layer and config blobs from S3: the registry answers a blob request with a redirect
 * to the regional `prod-<region>-starport-layer-bucket`, so those downloads take the subnet's path
 * to S3 (the S3 gateway endpoint and its route tables, or NAT), not the path to ECR.
 */
const S3_LAYER_HOST =
  /starport-layer-bucket|\bs3[.-](?:[a-z0-9-]+\.)?amazonaws\.com|\.s3\.amazonaws\.com/i;

/** Docker schema 1 (deprecated, removed in containerd 2 and Docker 28). */
const SCHEMA1 =
  /schema ?1\b|schema version 1\b|schemaVersion"?\s*:?\s*1\b|v1\+prettyjws|distribution\.manifest\.v1\+json|Image Format v1|manifest version 2, schema 1|\bnot a manifest\b/i;
/** An old runtime that cannot read the manifest format it got. */
const UNSUPPORTED_MANIFEST =
  /unsupported manifest (?:media )?type|unsupported manifest format|unknown manifest (?:media )?type|unsupported schema version/i;

/**
 * `application/vnd.docker.image.rootfs.diff.tar.zstd` is not defined by the Docker image spec:
 * BuildKit writes it when zstd compression is forced without `oci-mediatypes=true`, and
 * containerd, podman and skopeo do not recognise it as a layer.
 */
const DOCKER_ZSTD_MEDIA_TYPE = /vnd\.docker\.image\.rootfs\.diff\.tar\.zstd/i;

/** containerd/Docker platform matching, and the start-time symptom of a wrong architecture. */
const PLATFORM_MISSING =
  /descriptor matching platform|no match(?:ing)? (?:for )?platform|no matching manifest for|does not match the specified platform|does not match the detected host platform|failed to find a descriptor for platform|for platform .{0,40}not found|cannot be used on this platform|image operating system "?\w+"? cannot be used|is incompatible with a [\w. ]{0,40}host|operating system of the container does not match|container operating system does not match|manifest list entries|architecture mismatch/i;
const EXEC_FORMAT =
  /exec format error|exec user process caused.{0,40}exec format/i;
/**
 * hcsshim (Windows) refusing a layer: with process isolation a Windows host runs only images of
 * its own Windows build, and a newer build's layers are "an unrecognized format" to it.
 */
const WINDOWS_LAYER_REFUSED =
  /hcsshim::\w+ failed[^\n]{0,200}(?:unrecognized format|version|not supported)/i;
/**
 * Foreign (non-distributable) layers are used only by Windows base images; a Linux snapshotter
 * extracting one is pulling a Windows image on a Linux host.
 */
const FOREIGN_LAYER_ON_LINUX =
  /(?:rootfs\.foreign\.diff|layer\.nondistributable)[^\n]{0,400}(?:overlayfs|snapshotter|\/var\/lib\/)|(?:overlayfs|snapshotter)[^\n]{0,400}(?:rootfs\.foreign\.diff|layer\.nondistributable)/i;

/**
 * containerd's unpack compares the manifest's filesystem layers with the config's rootfs.diff_ids
 * by count. It counts only layers whose media type it knows as a filesystem layer, so a count
 * mismatch most often means layers it skipped: zstd under the Docker media type, or the
 * non-filesystem layers of an artifact (wasm, a Helm chart); otherwise the config really lists
 * other layers than the manifest (a tool rewrote one without the other).
 */
const LAYERS_DIFFIDS_COUNT = /number of layers and diff ?IDs don'?t match/i;
const ROOTFS_LAYERS_COUNT = /mismatched image rootfs and manifest layers/i;
/** A layer unpacked to other bytes than its diff_id says. */
const LAYER_DIFFID_DIGEST =
  /wrong diff ?id|invalid diff ?id|diff ?id.{0,30}(?:mismatch|does not match|don'?t match)|layers from manifest don'?t match image configuration|rootfs.{0,40}(?:does not match|mismatch)/i;
/**
 * moby hashes each downloaded blob against its digest ("verification failed"), containerd checks
 * its size and digest when it commits it to the content store ("failed size validation",
 * "unexpected commit digest"): the bytes that arrived are not the blob (a cut or altered download:
 * a proxy, an incomplete transfer from S3), or the registry stores a bad blob.
 */
const BLOB_VERIFICATION =
  /(?:filesystem layer|image config) verification failed|unexpected commit digest|failed size validation/i;
/** A layer the runtime cannot decompress: zstd it does not know. */
const ZSTD_UNPACK =
  /zstd.{0,160}(?:invalid tar header|unexpected EOF|magic number|invalid input|not supported|unsupported|unknown|decompress|no processor)|(?:invalid tar header|unexpected EOF|magic number|decompress).{0,160}zstd/i;
/**
 * Go's archive/tar meeting bytes that are not a tar stream. moby detects compression by magic
 * number, and engines before Docker 23 know no zstd, so zstd layers are read as tar.
 */
const INVALID_TAR_HEADER = /invalid tar header/i;

/** The runtime meets a media type it cannot unpack: an attestation, SBOM, signature, artifact. */
const UNPACKABLE_MEDIA_TYPE =
  /in-toto|no processor for media-?type|stream processor|unsupported media ?type|unknown media ?type|unsupported layer (?:media )?type|encountered unknown type|unknown layer type|not a (?:valid |runnable )?(?:container )?image\b|vnd\.dev\.cosign|vnd\.(?:cncf|oci\.artifact)|\bartifactType\b|attestation-manifest|image (?:has|with) no layers|image config.{0,40}(?:not supported|unsupported|unknown)|media type (?:for|of) (?:the )?(?:source )?image[\s\S]{0,300}?(?:is )?not supported/i;
const LAYER_MEDIA_TYPE =
  /(?:image\.layer|image\.rootfs(?:\.foreign)?\.diff)\./i;
/** Index and manifest media types: what a runtime refuses here is the format, not the content. */
const MANIFEST_MEDIA_TYPE =
  /^application\/vnd\.(?:oci\.image\.(?:index|manifest)\.v1\+json|docker\.distribution\.manifest\.(?:list\.)?v[12]\+(?:json|prettyjws))$/i;
/** BuildKit gives its attestation manifests the platform unknown/unknown. */
const ATTESTATION_PLATFORM = /\bunknown\/unknown\b/i;

/** Registry error codes and texts saying the manifest (tag or digest) is unknown. */
const MANIFEST_UNKNOWN_CODE =
  /manifest unknown|MANIFEST_UNKNOWN|Requested image not found|ImageNotFoundException|image not found|(?:image|tag) does(?: not|n't) exist|\bimage (?:is |was )?archived|ImageArchived|could not find (?:the )?image|\bmanifests?\b[^\n]{0,200}\b404\b|\b404\b[^\n]{0,40}\bmanifest|content at [^\s]{1,400}\/manifests\/[^\s]{1,100} not found/i;
// A token that can be an image reference, masked parts included.
const REF = String.raw`["']?[A-Za-z0-9<*][\w.\-/:@<>*]*["']?`;
// A reference with a repository path (`host/repo:tag`, `org/repo@sha256:…`), not a bare digest.
const REPOSITORY_REF = String.raw`["']?[A-Za-z0-9<*][\w.\-:@<>*]*\/[\w.\-/:@<>*]*["']?`;
/**
 * The structure the daemons and clients give "this reference does not exist", whatever the
 * words around it: moby's `manifest for R not found`, clients' `image R not found`, Docker Hub's
 * `Tag T not found in repository R`, containerd's `R: not found` (after `failed to resolve ref R`).
 */
const REFERENCE_NOT_FOUND = new RegExp(
  [
    String.raw`\b(?:manifest|image|tag|reference|ref)(?: for)?\s+${REF}\s+(?:was\s+)?not found`,
    String.raw`\btag\s+\S+\s+not found in (?:the )?repository`,
    String.raw`(?:^|[\s"'(])${REPOSITORY_REF}:\s*not found\b`,
    String.raw`failed to resolve (?:ref(?:erence)?|image)[^\n]{0,600}?:\s*not found`,
  ].join('|'),
  'i',
);
/** Registry codes that say the repository exists (so it is the tag or digest that is missing). */
const REPOSITORY_EXISTS_CODE =
  /manifest unknown|MANIFEST_UNKNOWN|Requested image not found|ImageNotFoundException|manifest for /i;
const DIGEST_IN_MESSAGE =
  /@sha256:|sha256:[a-f0-9]{6}|version consistency|imageDigest/i;
/** podman/skopeo reading a platform's manifest out of a manifest list. */
const CHILD_MANIFEST =
  /(?:from|in) (?:the )?(?:manifest list|image index)[^\n]{0,300}reading manifest sha256:/i;

/** ECR and the OCI Distribution API saying the repository does not exist. */
const REPOSITORY_UNKNOWN_CODE =
  /repository with name '[^']*' does not exist|RepositoryNotFoundException|name unknown|NAME_UNKNOWN/i;
/** moby's translation of NAME_UNKNOWN, and other "the repository does not exist" texts. */
const REPOSITORY_NOT_FOUND =
  /\brepository [^\s,]+ not found|repository (?:does(?: not|n't) exist|not found)(?! or may require)/i;

/**
 * Registry DENIED without a reason: moby writes "pull access denied for R, repository does not
 * exist or may require 'docker login'" (older: "repository R not found: does not exist or no pull
 * access") for the error code DENIED, and Docker Hub sends DENIED ("requested access to the
 * resource is denied") both for a repository that does not exist and for a private one pulled
 * without credentials, so as not to reveal which. The ECS agent reads it as a missing image.
 */
const REGISTRY_DENIED =
  /pull access denied|may require 'docker login'|may require authorization|no pull access|requested access to the resource is denied|insufficient_scope|:\s*denied\s*(?:$|[:;.,)"])/i;
/** The registry rejected the credentials it was given. */
const CREDENTIALS_REJECTED =
  /incorrect username or password|authorization token has expired|invalid username\/password|bad credentials|unauthorized: authentication required.{0,40}(?:token|expired)/i;
/** Docker had no credentials for the registry (no `docker login`, no token from a helper). */
const NO_CREDENTIALS = /no basic auth credentials/i;
/** The registry wants credentials (401, UNAUTHORIZED). */
const REGISTRY_UNAUTHENTICATED =
  /unauthorized|authentication required|\b401\b|failed to authorize|failed to fetch (?:anonymous|oauth) token|denied: (?:access forbidden|not authorized)|unable to (?:retrieve|get) registry auth/i;

/** The ECS agent giving up on a slow pull. */
const AGENT_TIMEOUT =
  /DockerTimeoutError|Could not transition to \w+; timed out|timed out after waiting|pull took too long|image pull (?:timed out|timeout)|inactivity timeout|timed out (?:while )?pulling|pull (?:has )?timed out|timeout (?:waiting for|while) pull/i;
/**
 * The host timing out or being cancelled while unpacking layers it downloaded (large layers, a
 * slow disk): hcsshim's layer operations on Windows, containerd's apply/extract on Linux.
 */
const LAYER_OPERATION_TIMEOUT =
  /hcsshim::\w+ failed[^\n]{0,200}timeout period expired|(?:failed to extract layer|apply failure|failed to apply layer|failed to unpack|failed to register layer|ApplyLayer)[^\n]{0,300}(?:context canceled|context deadline exceeded|timeout period expired|timed out)/i;
/** A pull that reports progress: bytes were flowing, so the path works. */
const DOWNLOAD_PROGRESS =
  /(?:downloaded|pulled|received) \d[\d.,]*\s*(?:[KMGT]i?B|bytes)\b|\d(?:\.\d+)?\s*[KMGT]i?B\/s\b|pull(?:ing)? (?:was )?interrupted/i;
const DEADLINE =
  /deadline exceeded|DeadlineExceeded|timed? ?out\b|\btimeout\b/i;

/** A registry or proxy failing, or TLS misconfiguration: the path to the registry is broken. */
const REGISTRY_UNAVAILABLE =
  /\b50[0234]\b|Service Unavailable|Bad Gateway|Gateway Time-?out|Internal Server Error|x509:|certificate (?:signed by unknown authority|has expired|is not valid)|server gave HTTP response to HTTPS client|remote error: tls|tls: handshake failure/i;
/**
 * containerd's fetcher: "unexpected status code <url>: <status>" for any answer above 299 but
 * 404 (which it reports as "not found").
 */
const UNEXPECTED_STATUS = /unexpected status(?: code)?:?\s+https?:\/\//i;
const DOCKER_HUB_MANIFEST_BY_DIGEST =
  /https?:\/\/(?:registry-1|index)\.docker\.io\/v2\/\S+\/manifests\/sha256:/i;
/** A download step that failed, its cause not named (or cut off). */
const DOWNLOAD_FAILED =
  /download failed after attempts|failed to copy|httpRead(?:er)?Seeker: failed open|error pulling image configuration/i;

/** Content missing behind an existing manifest. */
const BLOB_UNKNOWN =
  /blob unknown|BLOB_UNKNOWN|unknown blob|content at [^\s]{1,400}\/blobs\/[^\s]{1,100} not found|LayersNotFoundException|LayerInaccessibleException|layer (?:does not exist|not found)|content digest \S+ not found|failed to get reader from content store/i;

/** A resolve step cut off before its cause (Fargate truncates long messages). */
const RESOLVE_ONLY =
  /failed to resolve (?:ref(?:erence)?|image)|pull image manifest has been retried/i;
/** The ECS wrappers of a pull failure. */
const PULL_WRAPPER =
  /CannotPullContainerError|CannotPullECRContainerError|Error response from daem|pull image manifest has been retried|ref pull has been retried/i;

/** runc or the daemon could not find the container's command in the image. */
const ENTRYPOINT_NOT_FOUND =
  /exec: "[^"]{0,200}": (?:executable file not found in \$PATH|stat [^:]{0,200}: no such file or directory)|executable file not found in \$PATH|starting container process caused: exec: "[^"]{0,200}": no such file/i;

/** The container runtime failing after the image was pulled: not a pull error. */
const CONTAINER_RUNTIME_FAILURE =
  /CannotStartContainerError|CannotCreateContainerError|CannotInspectContainerError|OutOfMemoryError|OOMKilled|Essential container in task exited|failed (?:ELB|container) health checks|executable file not found|OCI runtime (?:create|exec) failed/i;

/** Service events and other ECS notices without a pull cause. */
const NOT_A_PULL_ERROR =
  /unable to place a task|no container instance met|insufficient (?:memory|cpu)|has started \d+ tasks?|has stopped \d+ running tasks?|has reached a steady state|deployment (?:failed|completed)|tasks? failed to start|deregistered \d+ targets|registered \d+ targets|Task stopped by user|Scaling activity initiated|Spot interruption|Host EC2 .{0,40}terminated|\bEFS\b|failed to validate logger args|log group does not exist/i;

/**
 * The ECS agent (1.83+) puts advice in front of some pull errors: "Check if image exists and role
 * has permissions to pull images from Amazon ECR." for every DENIED answer, whether IAM or a
 * missing repository caused it; older agents wrote "The task can't pull the image. Check that the
 * role has the permissions …" or "… Check whether the image exists.". The advice is read only
 * when the error after it names no cause.
 */
export const AGENT_ADVICE =
  /The task can't pull the image\.\s*|Check (?:that the role has the permissions to pull images from the registry|whether the image exists|if image exists and role (?:'[^']*' )?has permissions to pull images from Amazon ECR|your (?:task |host )?network configuration)\.\s*/gi;
const ADVICE_ROLE = /role has the permissions to pull images/i;
const ADVICE_IMAGE_EXISTS = /Check whether the image exists/i;
const ADVICE_IMAGE_OR_ROLE = /Check if image exists and role/i;
const ADVICE_NETWORK = /network configuration/i;

const test =
  (pattern: RegExp) =>
  ({ text }: MessageView) =>
    pattern.test(text);
const all =
  (...patterns: RegExp[]) =>
  ({ text }: MessageView) =>
    patterns.every(p => p.test(text));
const alt = (
  category: PullErrorCategory,
  weight: number,
  reason: string,
  fixKey?: FixKey,
): AlternativeCause => ({
  category,
  weight,
  reason,
  ...(fixKey && { fixKey }),
});

// Reasons shared by several rules.
const WHY = {
  network:
    'The request got no answer: no route from the subnet (NAT, VPC endpoints), a security group or NACL, DNS, a proxy.',
  s3Path:
    'ECR serves layers and the image config from S3 (prod-<region>-starport-layer-bucket): a private subnet needs the S3 gateway endpoint on its route tables, or NAT.',
  agentCancel:
    'The ECS agent cancels a pull that outlasts its pull timeout, or when the task is stopped: a large image on a slow path.',
  missingTag:
    'The tag (or digest) is not in the repository: never pushed, moved, or removed by a lifecycle rule.',
  missingRepository:
    'The repository does not exist: a typo in the name, another account or region, or it was deleted.',
  credentials:
    'The registry needs credentials the pull did not send: a private repository without repositoryCredentials, or an expired login.',
  iamPull:
    'The execution role (Fargate) or instance role (EC2) lacks ECR pull permissions, or a repository or VPC endpoint policy denies them.',
  zstdDocker:
    'zstd layers under the Docker media type application/vnd.docker.image.rootfs.diff.tar.zstd, which containerd does not take for a layer.',
  zstdOldEngine:
    'zstd layers on a runtime that cannot decompress zstd (Docker Engine before 23.0 on an EC2 host).',
  artifactLayers:
    'The reference is an OCI artifact (wasm, Helm chart, attestation) whose layers are not filesystem layers.',
  layersOutOfStep:
    "The image config's rootfs.diff_ids do not describe the manifest's layers: a tool rewrote or recompressed one without the other.",
};

const DOCKER_HUB_NOTE =
  'Docker Hub answers "pull access denied … repository does not exist or may require \'docker login\'" (DENIED) both for a repository that does not exist and for a private one pulled without credentials, and does not say which. Check the spelling of the image first (the ECS agent reads this answer as a missing image), then the credentials.';
const S3_NOTE =
  'The download that failed went to Amazon S3, where ECR keeps layers and image configs: from a private subnet it needs the S3 gateway endpoint associated with the subnet’s route table (or NAT), and security groups and NACLs that allow HTTPS to S3.';

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
 * - a registry's own reason (ECR's "repository … does not exist", an expired token) comes before
 *   the daemon's generic DENIED text around it;
 * - "manifest unknown" splits on whether a digest was pulled (software version consistency);
 * - transport failures to S3 come before timeouts, which come before generic network errors;
 * - weak, generic signals (a status that was cut off, a download step without its cause, a
 *   resolve step cut off) last, then the ECS agent's advice.
 */
export const PULL_ERROR_RULES: readonly PullErrorRule[] = [
  {
    id: 'invalid-reference',
    category: 'invalid-reference',
    confidence: 'high',
    reason:
      'The reference parser (distribution/reference in Docker and containerd, or ECS validation) rejected the image name: an unexpanded variable, uppercase, a leading space or slash, a bad tag or digest.',
    matches: test(INVALID_REFERENCE),
  },
  {
    id: 'disk-full',
    category: 'disk-space',
    confidence: 'high',
    reason:
      'The kernel refused a write while Docker or containerd unpacked layers: the task storage or the data volume is full.',
    matches: test(DISK_FULL),
  },
  {
    id: 'rate-limited',
    category: 'rate-limited',
    confidence: 'high',
    reason:
      'The registry answered 429 (Docker Hub pull limits, ECR Public unauthenticated limits) or AWS throttled the API calls.',
    matches: test(RATE_LIMITED),
  },
  {
    id: 'secrets-network',
    category: 'ecr-auth-network',
    confidence: 'medium',
    reason:
      'Reading a secret (Secrets Manager, SSM) failed on the network: same path and endpoints as the ECR token.',
    alternatives: [
      alt(
        'kms-or-secrets',
        0.25,
        'The secret itself (its ARN, region or policy) may still be wrong once the network works.',
      ),
    ],
    matches: all(SECRETS_OR_KMS, NETWORK),
  },
  {
    id: 'secrets-or-kms',
    category: 'kms-or-secrets',
    confidence: 'high',
    reason:
      'ECS could not read a secret of the task: the secret or parameter does not exist, or the execution role may not read or decrypt it.',
    hiddenByCut: [
      alt(
        'ecr-auth-network',
        0.25,
        'The cut removed the cause: a network failure reading the secret reads the same up to there.',
      ),
    ],
    matches: test(SECRETS_OR_KMS),
  },
  {
    id: 'iam-denied',
    category: 'access-denied-iam',
    confidence: 'high',
    reason:
      'IAM denied the request and says so: an identity, resource, boundary or SCP policy does not allow the action.',
    matches: test(IAM_DENIED),
  },
  {
    id: 'ecr-auth-network',
    category: 'ecr-auth-network',
    confidence: 'high',
    reason:
      'Getting the ECR authorization token (or another resource before the pull) failed on the network: no path to the ecr.api endpoint.',
    matches: all(AUTH_RETRIEVAL, NETWORK),
  },
  {
    id: 'logger-setup-network',
    category: 'ecr-auth-network',
    confidence: 'medium',
    reason:
      'Setting up the awslogs driver failed on the network: it runs in the same phase and from the same subnet as the ECR token.',
    matches: all(LOGGER_SETUP, NETWORK),
  },
  {
    id: 'schema1-manifest',
    category: 'unsupported-manifest-schema',
    confidence: 'high',
    reason:
      'The image uses the Docker schema 1 manifest, which containerd 2 and Docker 26+ refuse.',
    matches: test(SCHEMA1),
  },
  {
    id: 'zstd-docker-media-type',
    category: 'mixed-compression',
    confidence: 'high',
    fixKey: 'zstd-docker-media-type',
    reason:
      'The message names application/vnd.docker.image.rootfs.diff.tar.zstd, a media type the Docker image spec does not define: BuildKit writes it when zstd is forced without oci-mediatypes=true, and runtimes refuse or skip such layers.',
    matches: test(DOCKER_ZSTD_MEDIA_TYPE),
  },
  {
    id: 'platform-missing',
    category: 'platform-mismatch',
    confidence: 'high',
    weight: 0.6,
    reason:
      'The image index has no entry for the task platform (an arm64-only build, or an index whose other entry is an attestation).',
    alternatives: [
      alt(
        'platform-mismatch',
        0.35,
        'A single-platform image built for another architecture or OS: the runtime compares its config with the task platform and reports the same error.',
      ),
    ],
    matches: test(PLATFORM_MISSING),
  },
  {
    id: 'windows-layer-refused',
    category: 'platform-mismatch',
    confidence: 'medium',
    reason:
      'hcsshim on a Windows host refused a layer: with process isolation a Windows host runs only images of its own Windows build, and layers of a newer build are an unrecognised format to it.',
    alternatives: [
      alt(
        'other',
        0.2,
        'A damaged layer on the host (pulling again may work).',
      ),
    ],
    matches: test(WINDOWS_LAYER_REFUSED),
  },
  {
    id: 'foreign-layer-on-linux',
    category: 'platform-mismatch',
    confidence: 'medium',
    reason:
      'A Linux snapshotter is extracting a foreign (non-distributable) layer, which only Windows base images have: a Windows image pulled on a Linux host.',
    matches: test(FOREIGN_LAYER_ON_LINUX),
  },
  {
    id: 'exec-format-error',
    category: 'platform-mismatch',
    confidence: 'medium',
    note: 'The container started and its binary could not run on this CPU: the image is built for another architecture (a script without a #! line gives the same error).',
    reason:
      'The kernel could not execute the entrypoint: a binary of another architecture (an arm64 image on x86_64 or the reverse).',
    alternatives: [
      alt(
        'other',
        0.2,
        'An entrypoint script without a #! line, or a damaged binary, gives the same error.',
      ),
    ],
    matches: test(EXEC_FORMAT),
  },
  {
    id: 'entrypoint-not-in-image',
    category: 'other',
    confidence: 'medium',
    reason:
      'The image was pulled; the runtime could not find the command to start (runc: exec: "…": executable file not found, or no such file): the entrypoint or command names a file the image does not have.',
    alternatives: [
      alt(
        'other',
        0.3,
        'An empty image (no layers: a push that left only a config, or an artifact pushed as an image) has no file at all, so no command can start.',
        'empty-image',
      ),
    ],
    matches: test(ENTRYPOINT_NOT_FOUND),
  },
  {
    id: 'container-runtime-failure',
    category: 'other',
    confidence: 'medium',
    reason:
      'The image was pulled; creating or starting the container failed (entrypoint, mounts, memory, health checks).',
    matches: test(CONTAINER_RUNTIME_FAILURE),
  },
  {
    id: 'layers-diffids-count-more-layers',
    category: 'layer-count-mismatch',
    confidence: 'high',
    weight: 0.65,
    reason:
      "containerd counted more filesystem layers in the manifest than diff_ids in the config: skipped layers cannot explain that, so the config does not describe the image's layers.",
    alternatives: [
      alt('attestation-media-type', 0.2, WHY.artifactLayers, 'not-an-image'),
    ],
    matches: ({ text, facts }) =>
      LAYERS_DIFFIDS_COUNT.test(text) &&
      facts.layerCount !== undefined &&
      facts.diffIdCount !== undefined &&
      facts.layerCount > facts.diffIdCount,
  },
  {
    id: 'layers-diffids-count',
    category: 'mixed-compression',
    confidence: 'high',
    weight: 0.6,
    reason:
      'containerd counted fewer filesystem layers than the config has diff_ids: it skipped layers whose media type it does not take for a layer, typically zstd layers under the Docker media type next to gzip ones (mixed compression).',
    alternatives: [
      alt('layer-count-mismatch', 0.25, WHY.layersOutOfStep),
      alt('attestation-media-type', 0.1, WHY.artifactLayers, 'not-an-image'),
    ],
    matches: test(LAYERS_DIFFIDS_COUNT),
  },
  {
    id: 'rootfs-layers-count',
    category: 'mixed-compression',
    confidence: 'medium',
    fixKey: 'zstd-docker-media-type',
    weight: 0.4,
    reason:
      "containerd found another number of layers than the config's diff_ids. It skips layers of a media type it does not know, most often zstd layers under the Docker media type.",
    alternatives: [
      alt('layer-count-mismatch', 0.35, WHY.layersOutOfStep),
      alt('attestation-media-type', 0.2, WHY.artifactLayers, 'not-an-image'),
    ],
    matches: test(ROOTFS_LAYERS_COUNT),
  },
  {
    id: 'zstd-layer-unreadable',
    category: 'mixed-compression',
    confidence: 'medium',
    fixKey: 'zstd-unsupported-runtime',
    reason: `The runtime could not decompress a zstd layer: ${WHY.zstdOldEngine}`,
    alternatives: [
      alt('mixed-compression', 0.25, WHY.zstdDocker, 'zstd-docker-media-type'),
    ],
    matches: ({ text, facts }) =>
      ZSTD_UNPACK.test(text) ||
      (UNPACKABLE_MEDIA_TYPE.test(text) &&
        LAYER_MEDIA_TYPE.test(facts.mediaType ?? '') &&
        /zstd/i.test(facts.mediaType ?? '')),
  },
  {
    id: 'layer-diffid-digest',
    category: 'layer-count-mismatch',
    confidence: 'high',
    weight: 0.7,
    reason:
      "A layer unpacked to other content than the config's diff_id for it: the image was assembled inconsistently (a tool rewrote or recompressed a layer without updating the config).",
    alternatives: [
      alt(
        'mixed-compression',
        0.15,
        'Layers recompressed to another algorithm than the build wrote (mixed gzip and zstd).',
        'mixed-layer-compression',
      ),
    ],
    matches: test(LAYER_DIFFID_DIGEST),
  },
  {
    id: 'blob-verification-failed',
    category: 'registry-network-timeout',
    confidence: 'medium',
    weight: 0.5,
    note: 'Docker hashes every downloaded blob: the bytes that arrived are not the blob the manifest names. Usually the download was cut or altered on its way (with ECR: the path to S3, where the layers are); a registry storing a damaged blob is the other cause.',
    reason:
      'moby found that a downloaded blob does not hash to its digest: the download was cut or altered on the way (a proxy, an incomplete transfer from S3).',
    alternatives: [
      alt(
        'other',
        0.25,
        'The registry stores a damaged blob under that digest.',
        'missing-blob',
      ),
      alt('layer-count-mismatch', 0.1, WHY.layersOutOfStep),
    ],
    matches: test(BLOB_VERIFICATION),
  },
  {
    id: 'invalid-tar-header',
    category: 'mixed-compression',
    confidence: 'medium',
    fixKey: 'zstd-unsupported-runtime',
    weight: 0.45,
    note: 'A tar reader met bytes that are not tar: most often zstd layers on an engine that cannot decompress zstd (Docker before 23.0), or zstd under the Docker media type; a layer that is not a tar at all, or a damaged download, are the other causes.',
    reason: `Go's archive/tar read bytes that are not a tar stream. ${WHY.zstdOldEngine}`,
    alternatives: [
      alt('mixed-compression', 0.25, WHY.zstdDocker, 'zstd-docker-media-type'),
      alt('attestation-media-type', 0.15, WHY.artifactLayers, 'not-an-image'),
      alt(
        'registry-network-timeout',
        0.1,
        'A damaged or incomplete layer download.',
      ),
    ],
    matches: test(INVALID_TAR_HEADER),
  },
  {
    id: 'unsupported-manifest-media-type',
    category: 'unsupported-manifest-schema',
    confidence: 'medium',
    reason:
      'The runtime refused a manifest or index media type (an OCI index or manifest list on an old runtime, a schema 1 manifest): the image is fine for newer runtimes.',
    matches: ({ text, facts }) =>
      UNPACKABLE_MEDIA_TYPE.test(text) &&
      MANIFEST_MEDIA_TYPE.test(facts.mediaType ?? ''),
  },
  {
    id: 'unpackable-media-type',
    category: 'attestation-media-type',
    confidence: 'high',
    reason:
      'The runtime met a media type it cannot unpack: the reference resolves to an attestation, SBOM, signature or other OCI artifact, not a runnable image (Lambda refuses an index with provenance attestations the same way).',
    matches: test(UNPACKABLE_MEDIA_TYPE),
  },
  {
    id: 'attestation-platform',
    category: 'attestation-media-type',
    confidence: 'medium',
    reason:
      'The message names the platform unknown/unknown, which BuildKit gives its attestation manifests: a tool took an attestation entry of the index for an image.',
    matches: test(ATTESTATION_PLATFORM),
  },
  {
    id: 'unsupported-manifest',
    category: 'unsupported-manifest-schema',
    confidence: 'low',
    reason:
      'The runtime does not support the manifest media type it received (an old runtime, or a schema 1 manifest).',
    alternatives: [
      alt(
        'attestation-media-type',
        0.25,
        'The reference is an OCI artifact with a manifest type the runtime does not read.',
      ),
    ],
    matches: test(UNSUPPORTED_MANIFEST),
  },
  {
    id: 'blob-unknown',
    category: 'other',
    confidence: 'medium',
    fixKey: 'missing-blob',
    reason:
      'The registry has the manifest but not a layer or config blob it lists (an incomplete push or copy, a deleted blob).',
    alternatives: [
      alt(
        'platform-mismatch',
        0.15,
        'A Windows image pulled on a Linux host: its foreign base layers are not in the registry.',
      ),
    ],
    matches: test(BLOB_UNKNOWN),
  },
  {
    id: 'repository-unknown',
    category: 'repository-not-found',
    confidence: 'high',
    reason:
      'The registry says the repository does not exist (ECR\'s "The repository with name … does not exist", NAME_UNKNOWN).',
    matches: test(REPOSITORY_UNKNOWN_CODE),
  },
  {
    id: 'manifest-unknown-child',
    category: 'manifest-unknown-digest-deleted',
    confidence: 'high',
    fixKey: 'platform-manifest-missing',
    reason:
      "The reference's index exists, but the platform manifest it lists is gone: removed by hand or by a rule that expired untagged manifests.",
    matches: ({ text }) =>
      (MANIFEST_UNKNOWN_CODE.test(text) || REFERENCE_NOT_FOUND.test(text)) &&
      CHILD_MANIFEST.test(text),
  },
  {
    id: 'manifest-unknown-digest',
    category: 'manifest-unknown-digest-deleted',
    confidence: 'high',
    reason:
      'A digest that the registry does not have: with software version consistency every task of a deployment pulls the digest its first task resolved, so deleting or archiving that image breaks the next task start.',
    alternatives: ({ text }) =>
      REPOSITORY_EXISTS_CODE.test(text)
        ? []
        : [alt('repository-not-found', 0.2, WHY.missingRepository)],
    matches: ({ text, facts }) =>
      (MANIFEST_UNKNOWN_CODE.test(text) || REFERENCE_NOT_FOUND.test(text)) &&
      (facts.digest !== undefined || DIGEST_IN_MESSAGE.test(text)),
  },
  {
    id: 'manifest-unknown-tag',
    category: 'manifest-unknown-tag',
    confidence: 'high',
    weight: 0.7,
    reason: WHY.missingTag,
    // containerd reports any 404 of the manifest request as "<ref>: not found", a missing
    // repository included; registry codes (MANIFEST_UNKNOWN) say the repository exists.
    alternatives: ({ text }) =>
      REPOSITORY_EXISTS_CODE.test(text)
        ? []
        : [alt('repository-not-found', 0.25, WHY.missingRepository)],
    matches: ({ text }) =>
      MANIFEST_UNKNOWN_CODE.test(text) || REFERENCE_NOT_FOUND.test(text),
  },
  {
    id: 'credentials-rejected',
    category: 'access-denied-registry-auth',
    confidence: 'high',
    reason:
      'The registry rejected the credentials it was sent: a wrong password in the repositoryCredentials secret or Docker config, or an expired token.',
    matches: test(CREDENTIALS_REJECTED),
  },
  {
    id: 'no-credentials',
    category: 'access-denied-registry-auth',
    confidence: 'high',
    weight: 0.6,
    reason:
      'Docker had no credentials for the registry: no docker login, or no token from the credential helper.',
    alternatives: ({ facts, text }) =>
      ECR_REGISTRY_HOST.test(facts.registry ?? text)
        ? [
            alt(
              'access-denied-iam',
              0.3,
              'For ECR, the credential helper or the agent got no token because the role lacks ecr:GetAuthorizationToken.',
            ),
          ]
        : [],
    matches: test(NO_CREDENTIALS),
  },
  {
    id: 'registry-denied',
    category: 'repository-not-found',
    confidence: 'medium',
    weight: 0.5,
    note: DOCKER_HUB_NOTE,
    reason:
      'The registry answered DENIED without a reason, which Docker Hub does for a repository that does not exist (the ECS agent reads it so).',
    alternatives: [
      alt(
        'access-denied-registry-auth',
        0.4,
        `${WHY.credentials} Docker Hub gives the same answer for a private repository.`,
      ),
      alt(
        'invalid-reference',
        0.1,
        'A malformed reference (a wrong registry or namespace) that names no repository.',
      ),
    ],
    matches: test(REGISTRY_DENIED),
  },
  {
    id: 'repository-not-found',
    category: 'repository-not-found',
    confidence: 'high',
    reason:
      'The daemon reports that the registry does not know the repository (moby\'s "repository … not found").',
    matches: test(REPOSITORY_NOT_FOUND),
  },
  {
    id: 'registry-unauthenticated',
    category: 'access-denied-registry-auth',
    confidence: 'high',
    weight: 0.7,
    reason: `The registry answered 401 (UNAUTHORIZED): ${WHY.credentials}`,
    alternatives: [
      alt(
        'repository-not-found',
        0.2,
        'Some registries (GHCR, Docker Hub) answer an anonymous pull of a repository that does not exist with 401 too.',
      ),
    ],
    matches: test(REGISTRY_UNAUTHENTICATED),
  },
  {
    id: 'aws-forbidden',
    category: 'access-denied-iam',
    confidence: 'medium',
    weight: 0.55,
    note: 'AWS answered 403 without naming the policy: the task execution role lacks ECR permissions, or a repository policy or a VPC endpoint policy (ECR or the S3 gateway endpoint) denies the request. ECR also answers 403 for an image that is not in the repository.',
    reason: WHY.iamPull,
    alternatives: ({ text, facts }) =>
      ECR_REGISTRY_HOST.test(text) && /\/manifests\/|\[manifests /i.test(text)
        ? [
            facts.digest || DIGEST_IN_MESSAGE.test(text)
              ? alt(
                  'manifest-unknown-digest-deleted',
                  0.35,
                  'ECR answers 403 for a manifest that is not in the repository: the digest was deleted.',
                )
              : alt(
                  'manifest-unknown-tag',
                  0.35,
                  'ECR answers 403 for a manifest that is not in the repository: the tag does not exist.',
                ),
          ]
        : [],
    matches: all(FORBIDDEN, AWS_HOST),
  },
  {
    id: 'registry-forbidden',
    category: 'access-denied-registry-auth',
    confidence: 'medium',
    reason: `The registry answered 403: ${WHY.credentials}`,
    alternatives: [alt('repository-not-found', 0.25, WHY.missingRepository)],
    matches: ({ text }) => FORBIDDEN.test(text) && !AWS_HOST.test(text),
  },
  {
    id: 's3-layer-network',
    category: 'registry-network-timeout',
    confidence: 'high',
    note: S3_NOTE,
    reason: `A layer or config download from S3 failed on the network. ${WHY.s3Path}`,
    matches: ({ text }) =>
      S3_LAYER_HOST.test(text) &&
      (NETWORK.test(text) ||
        CONTEXT_CANCELED.test(text) ||
        CONNECTION_CUT.test(text)),
  },
  {
    id: 'agent-timeout',
    category: 'image-too-large-or-timeout',
    confidence: 'high',
    reason:
      'The ECS agent gave up waiting for Docker (DockerTimeoutError, "Could not transition to …; timed out"): a large image, a slow path, or a busy Docker daemon.',
    alternatives: [alt('registry-network-timeout', 0.2, WHY.network)],
    matches: test(AGENT_TIMEOUT),
  },
  {
    id: 'layer-operation-timeout',
    category: 'image-too-large-or-timeout',
    confidence: 'medium',
    reason:
      'Unpacking downloaded layers timed out or was cancelled on the host (large layers, a slow disk, the pull timeout).',
    alternatives: [
      alt(
        'registry-network-timeout',
        0.25,
        'containerd unpacks while it downloads, so a stalled download can end here too.',
      ),
    ],
    matches: test(LAYER_OPERATION_TIMEOUT),
  },
  {
    id: 'deadline-with-progress',
    category: 'image-too-large-or-timeout',
    confidence: 'medium',
    reason:
      'The pull reported progress before its deadline: bytes were flowing, so the path works and the whole pull took too long (a large image, a slow path).',
    alternatives: [alt('registry-network-timeout', 0.3, WHY.network)],
    matches: all(DOWNLOAD_PROGRESS, DEADLINE),
  },
  {
    id: 'network',
    category: 'registry-network-timeout',
    confidence: 'high',
    reason: WHY.network,
    matches: test(NETWORK),
  },
  {
    id: 'docker-hub-manifest-refused',
    category: 'rate-limited',
    confidence: 'medium',
    reason:
      "containerd resolved the tag (a HEAD request, which Docker Hub's pull limit does not count) and then Docker Hub refused the GET of the manifest by digest with a status other than 404: a missing image or login would have failed the resolve, so it is the pull limit (429), which counts manifest GETs.",
    alternatives: [
      alt(
        'registry-network-timeout',
        0.25,
        'A Docker Hub outage (5xx) on the manifest request.',
      ),
      alt('access-denied-registry-auth', 0.1, WHY.credentials),
    ],
    matches: ({ text, facts }) =>
      UNEXPECTED_STATUS.test(text) &&
      DOCKER_HUB_MANIFEST_BY_DIGEST.test(text) &&
      facts.httpStatus === undefined,
  },
  {
    id: 'registry-unavailable',
    category: 'registry-network-timeout',
    confidence: 'medium',
    reason:
      'The registry, a proxy or a pull-through cache failed (5xx), or TLS to it is misconfigured (x509, HTTP to an HTTPS client).',
    matches: test(REGISTRY_UNAVAILABLE),
  },
  {
    id: 'context-canceled',
    category: 'registry-network-timeout',
    confidence: 'medium',
    weight: 0.55,
    reason: `A request was cancelled before it finished, which AWS lists among network causes. ${WHY.network}`,
    alternatives: [alt('image-too-large-or-timeout', 0.35, WHY.agentCancel)],
    matches: test(CONTEXT_CANCELED),
  },
  {
    id: 'connection-cut',
    category: 'registry-network-timeout',
    confidence: 'medium',
    reason:
      'The connection closed in the middle of an answer (unexpected EOF): a proxy, NAT or firewall dropping it, or the registry failing.',
    alternatives: [alt('image-too-large-or-timeout', 0.15, WHY.agentCancel)],
    matches: test(CONNECTION_CUT),
  },
  {
    id: 'unexpected-status-cut',
    category: 'registry-network-timeout',
    confidence: 'low',
    fallback: true,
    reason:
      'containerd got an error status from the registry (not 404) and the status was cut off; 5xx from the registry or a proxy is the most common.',
    alternatives: [
      alt('access-denied-registry-auth', 0.25, WHY.credentials),
      alt(
        'rate-limited',
        0.2,
        'A 429 from a registry with pull limits (Docker Hub, ECR Public).',
      ),
    ],
    matches: ({ text, facts }) =>
      UNEXPECTED_STATUS.test(text) && facts.httpStatus === undefined,
  },
  {
    id: 'download-failed',
    category: 'registry-network-timeout',
    confidence: 'low',
    fallback: true,
    reason: `A layer or config download failed and the message does not say why. ${WHY.network}`,
    alternatives: [alt('image-too-large-or-timeout', 0.25, WHY.agentCancel)],
    matches: test(DOWNLOAD_FAILED),
  },
  {
    id: 'ecr-auth-no-cause',
    category: 'ecr-auth-network',
    confidence: 'medium',
    fallback: true,
    note: 'The message does not name the cause; a missing network path to ECR is by far the most common one, a missing ecr:GetAuthorizationToken permission the next.',
    reason:
      'ECS could not get the registry auth (or other resources) before the pull, without a named cause: most often no network path to the ECR API.',
    alternatives: [
      alt(
        'access-denied-iam',
        0.25,
        'The execution role lacks ecr:GetAuthorizationToken.',
      ),
    ],
    matches: test(AUTH_RETRIEVAL),
  },
  {
    id: 'resolve-cut-off',
    category: 'manifest-unknown-tag',
    confidence: 'low',
    fallback: true,
    weight: 0.35,
    note: 'The message was cut off before its cause. A missing tag is the most common reason a reference fails to resolve; a network timeout is the next.',
    reason: `Resolving the reference failed and the cause was cut off. ${WHY.missingTag}`,
    alternatives: [
      alt('registry-network-timeout', 0.25, WHY.network),
      alt('repository-not-found', 0.15, WHY.missingRepository),
      alt('access-denied-iam', 0.1, WHY.iamPull),
    ],
    matches: ({ text, facts }) =>
      RESOLVE_ONLY.test(text) && facts.digest === undefined,
  },
  {
    id: 'resolve-cut-off-digest',
    category: 'manifest-unknown-digest-deleted',
    confidence: 'low',
    fallback: true,
    weight: 0.35,
    note: 'The message was cut off before its cause. A deleted image is the most common reason a digest fails to resolve; a network timeout is the next.',
    reason:
      'Resolving a digest failed and the cause was cut off; with version consistency, a deleted or archived image is the usual reason.',
    alternatives: [
      alt('registry-network-timeout', 0.25, WHY.network),
      alt('access-denied-iam', 0.1, WHY.iamPull),
    ],
    matches: test(RESOLVE_ONLY),
  },
  {
    id: 'pull-error-cut',
    category: 'manifest-unknown-tag',
    confidence: 'low',
    fallback: true,
    weight: 0.3,
    note: 'The message was cut off before its cause (the ECS console shows only the start of a stopped reason): read the full reason with aws ecs describe-tasks. A missing image or tag is the most common cause of a failed pull, then the network path, then permissions.',
    reason: `The pull failed and the cause was cut off. ${WHY.missingTag}`,
    alternatives: [
      alt('registry-network-timeout', 0.25, WHY.network),
      alt('access-denied-iam', 0.15, WHY.iamPull),
      alt('access-denied-registry-auth', 0.1, WHY.credentials),
      alt('rate-limited', 0.1, 'Docker Hub pull limits on anonymous pulls.'),
    ],
    matches: ({ text, truncated }) => truncated && PULL_WRAPPER.test(text),
  },
  {
    id: 'not-a-pull-error',
    category: 'other',
    confidence: 'medium',
    reason:
      'An ECS event or task failure that is not about pulling the image (placement, health checks, logging).',
    matches: test(NOT_A_PULL_ERROR),
  },
  {
    id: 'agent-advice-role',
    category: 'access-denied-iam',
    confidence: 'medium',
    fallback: true,
    reason:
      "The ECS agent's advice: it recognised an ECR denial of ecr:BatchGetImage to the role.",
    matches: ({ advice }) => ADVICE_ROLE.test(advice),
  },
  {
    id: 'agent-advice-image-or-role',
    category: 'repository-not-found',
    confidence: 'low',
    fallback: true,
    weight: 0.4,
    reason:
      "The ECS agent's advice, which it gives for every DENIED answer: the image may not exist.",
    alternatives: [alt('access-denied-iam', 0.35, WHY.iamPull)],
    matches: ({ advice }) => ADVICE_IMAGE_OR_ROLE.test(advice),
  },
  {
    id: 'agent-advice-image',
    category: 'repository-not-found',
    confidence: 'medium',
    fallback: true,
    reason:
      "The ECS agent's advice: it recognised Docker Hub's DENIED answer, which it reads as a missing image.",
    alternatives: [alt('access-denied-registry-auth', 0.3, WHY.credentials)],
    matches: ({ advice }) => ADVICE_IMAGE_EXISTS.test(advice),
  },
  {
    id: 'agent-advice-network',
    category: 'registry-network-timeout',
    confidence: 'medium',
    fallback: true,
    reason:
      "The ECS agent's advice: it recognised a request that never got a connection.",
    matches: ({ advice }) => ADVICE_NETWORK.test(advice),
  },
];
