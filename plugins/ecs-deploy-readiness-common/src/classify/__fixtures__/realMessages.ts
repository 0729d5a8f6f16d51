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

import type { PullErrorCategory } from '../../types';

/**
 * Where a row of the table comes from:
 * - `public`: copied verbatim from the public source its comment names (the shared corpus of real
 *   messages, `../shared/data/pull-errors-public.jsonl`, or the thread or file it cites);
 * - `format`: the error format of the named component, as recalled from its source code, filled
 *   with example values;
 * - `memory`: written from memory without the source at hand (the rows labelled "verbatim",
 *   "verbatim shape" or "paraphrased" in their comments were recalled, not copied: this machine
 *   was offline), so the wording may differ from what the component prints.
 * Only `public` rows are evidence of real wording; `format` and `memory` rows are regression
 * tests. The classifier's accuracy is measured on real messages by `yarn bench:classify`.
 */
export type MessageOrigin = 'public' | 'format' | 'memory';

/**
 * A row: message, the cause a person fixing it would choose, origin, and `ambiguous` when the
 * text alone fits several causes: then the cause must be among the ranked candidates and the
 * classifier must say the message is ambiguous, but it need not come first.
 */
export type RealMessage =
  | [string, PullErrorCategory, MessageOrigin]
  | [string, PullErrorCategory, MessageOrigin, 'ambiguous'];

// Comments name each row's source. Placeholders replace account ids, digests and hosts in the
// rows written from memory; the public rows keep the masking of their posters.
const D = `sha256:${'52f6876d'.repeat(8)}`;
const L = `sha256:${'c0234232'.repeat(8)}`;
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

export const REAL_MESSAGES: RealMessage[] = [
  // ---- platform-mismatch
  // seed 001 (zenn.dev article on Apple silicon builds), verbatim
  [
    "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
    'platform-mismatch',
    'memory',
  ],
  // the ECS agent's platform error as re:Post threads on Fargate + Apple silicon quote it, verbatim
  [
    "image Manifest does not contain descriptor matching platform 'linux/amd64'",
    'platform-mismatch',
    'memory',
  ],
  // moby (docker pull on M1, docker/for-mac issues), verbatim
  [
    'Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries',
    'platform-mismatch',
    'memory',
  ],
  // ECS on EC2 (Docker) wrapping the same moby error, paraphrased from re:Post
  [
    'CannotPullContainerError: Error response from daemon: no matching manifest for linux/amd64 in the manifest list entries',
    'platform-mismatch',
    'memory',
  ],
  // containerd images/handlers.go ("no match for platform in manifest %v"), format
  [
    `failed to resolve reference "docker.io/org/tool:1.0": no match for platform in manifest ${D}: not found`,
    'platform-mismatch',
    'format',
  ],
  // moby daemon/images ("image with reference %s was found but does not match the specified platform"), format
  [
    'image with reference arm64v8/alpine was found but does not match the specified platform: wanted linux/amd64, actual: linux/arm64/v8',
    'platform-mismatch',
    'format',
  ],
  // docker CLI warning on Apple silicon, verbatim
  [
    "WARNING: The requested image's platform (linux/arm64/v8) does not match the detected host platform (linux/amd64/v4) and no specific platform was requested",
    'platform-mismatch',
    'memory',
  ],
  // container log after an arm64 image started on x86_64 (re:Post, Stack Overflow), verbatim
  [
    'exec /usr/local/bin/docker-entrypoint.sh: exec format error',
    'platform-mismatch',
    'memory',
  ],
  // runc (older), widely reported with ECS, verbatim
  [
    'standard_init_linux.go:228: exec user process caused: exec format error',
    'platform-mismatch',
    'memory',
  ],
  // moby on Windows hosts ("image operating system %q cannot be used on this platform"), format
  [
    'CannotPullContainerError: image operating system "linux" cannot be used on this platform',
    'platform-mismatch',
    'format',
  ],
  // moby on Windows ("a Windows version %s-based image is incompatible with a %s host"), format
  [
    'CannotPullContainerError: a Windows version 10.0.20348-based image is incompatible with a 10.0.17763 host',
    'platform-mismatch',
    'format',
  ],
  // named in the task brief as a containerd/nerdctl family; paraphrased
  [
    'CannotPullContainerError: failed to find a descriptor for platform linux/amd64',
    'platform-mismatch',
    'memory',
  ],

  // ---- mixed-compression
  // seed 000 (blog post, mixed gzip + zstd layers), verbatim
  [
    "CannotPullContainerError: ref pull has been retried 1 time(s): number of layers and diffIDs don't match: 3 != 15",
    'mixed-compression',
    'memory',
  ],
  // containerd ("number of layers and diffIDs don't match: %d != %d"), format
  [
    "number of layers and diffIDs don't match: 2 != 9",
    'mixed-compression',
    'format',
  ],
  // containerd diff ("failed to get stream processor for %s: no processor for media-type") with a
  // zstd layer under a Docker media type, format
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer ${L}: failed to get stream processor for application/vnd.docker.image.rootfs.diff.tar.zstd: no processor for media-type: unknown`,
    'mixed-compression',
    'format',
  ],
  // moby on an old Docker reading a zstd layer as tar (Go's archive/tar error), format
  [
    'CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): archive/tar: invalid tar header',
    'mixed-compression',
    'format',
  ],

  // ---- layer-count-mismatch
  // containerd unpacker ("mismatched image rootfs and manifest layers"), format. The count check
  // also fails for layers containerd skips (zstd under a Docker media type, artifact layers), so
  // the text alone fits several causes (issue 15).
  [
    'CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: mismatched image rootfs and manifest layers',
    'layer-count-mismatch',
    'format',
    'ambiguous',
  ],
  // containerd diff/apply ("wrong diff id calculated on extraction %q"), format
  [
    `failed to extract layer ${L}: wrong diff id calculated on extraction "${D}"`,
    'layer-count-mismatch',
    'format',
  ],
  // Replaced (issue 15): this row was a moby format filled from memory and labelled
  // layer-count-mismatch, but moby's "filesystem layer verification failed" compares a downloaded
  // blob with its digest, not with a diff_id. The real message below, from
  // https://github.com/aws/amazon-ecs-agent/issues/385 (comment by fxp0, 2016-05-23), was fixed by
  // associating the subnets' route tables with the S3 VPC endpoint.
  [
    'level=error msg="filesystem layer verification failed for digest sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"',
    'registry-network-timeout',
    'public',
    'ambiguous',
  ],

  // ---- attestation-media-type
  // seed 003 (CDK asset push left an attestation), verbatim
  [
    `"StoppedReason": "CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer ${L}: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type: unknown"`,
    'attestation-media-type',
    'memory',
  ],
  // aws/aws-cdk#30258, as quoted in issue titles (truncated), paraphrased
  [
    'CannotPullContainerError: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type',
    'attestation-media-type',
    'memory',
  ],
  // containerd format with a cosign signature manifest deployed by digest, format
  [
    `failed to extract layer ${L}: failed to get stream processor for application/vnd.dev.cosign.simplesigning.v1+json: no processor for media-type: unknown`,
    'attestation-media-type',
    'format',
  ],
  // containerd images.Children ("encountered unknown type %v; children may not be fetched"), format
  [
    'level=debug msg="encountered unknown type application/vnd.in-toto+json; children may not be fetched"',
    'attestation-media-type',
    'format',
  ],

  // ---- unsupported-manifest-schema
  // containerd 1.7 / Docker 25+, verbatim
  [
    '[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support is disabled by default and will be removed in an upcoming release. Suggest the author of docker.io/library/legacy:1.0 to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/',
    'unsupported-manifest-schema',
    'memory',
  ],
  // a runtime rejecting a signed schema 1 manifest, paraphrased
  [
    'CannotPullContainerError: unsupported manifest media type application/vnd.docker.distribution.manifest.v1+prettyjws',
    'unsupported-manifest-schema',
    'memory',
  ],
  // containerd 2.0 release notes (schema 1 pulls removed), paraphrased
  [
    'failed to resolve reference "quay.io/legacy/app:2015": schema 1 image manifests are no longer supported',
    'unsupported-manifest-schema',
    'memory',
  ],

  // ---- manifest-unknown-tag
  // moby + ECR ("manifest for %s not found: manifest unknown: Requested image not found"), AWS docs, format
  [
    `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/app:latest not found: manifest unknown: Requested image not found`,
    'manifest-unknown-tag',
    'format',
  ],
  // Fargate/containerd, countless re:Post threads, verbatim shape
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:latest: ${ECR}/app:latest: not found`,
    'manifest-unknown-tag',
    'memory',
  ],
  // AWS docs (CannotPullContainer task errors, "image not found"), Docker era, paraphrased
  [
    `CannotPullContainerError: API error (404): manifest for ${ECR}/app:v2 not found`,
    'manifest-unknown-tag',
    'memory',
  ],
  // Docker Hub missing tag, verbatim
  [
    'Error response from daemon: manifest for nginx:1.999 not found: manifest unknown: manifest unknown',
    'manifest-unknown-tag',
    'memory',
  ],
  // seed 002, second log line alone (no digest in it), verbatim
  [
    'level=info msg="Attempting next endpoint for pull after error: manifest unknown: Requested image not found"',
    'manifest-unknown-tag',
    'memory',
  ],
  // OCI distribution error body (code MANIFEST_UNKNOWN), format
  [
    '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}}]}',
    'manifest-unknown-tag',
    'format',
  ],
  // containerd against GHCR, format
  [
    'failed to resolve reference "ghcr.io/org/app:v1.2.3": ghcr.io/org/app:v1.2.3: not found',
    'manifest-unknown-tag',
    'format',
  ],
  // containerd + ECR HTTP answer, paraphrased from aws/containers-roadmap issues
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:release: pulling from host ${ECR} failed with status code [manifests release]: 404 Not Found`,
    'manifest-unknown-tag',
    'memory',
  ],
  // ECR API (BatchGetImage failures), verbatim
  [
    'ImageNotFoundException: Requested image not found',
    'manifest-unknown-tag',
    'memory',
  ],

  // ---- manifest-unknown-digest-deleted
  // seed 002 (version consistency after a moved tag), verbatim
  [
    `level=warning msg="reference for unknown type: " digest="${D}" remote="<ACCOUNT>.dkr.ecr.<REGION>.amazonaws.com/<REPOSITORY>@${D}"\nlevel=info msg="Attempting next endpoint for pull after error: manifest unknown: Requested image not found"`,
    'manifest-unknown-digest-deleted',
    'memory',
  ],
  // Fargate after the deployment's digest was deleted (version consistency), format
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app@${D}: ${ECR}/app@${D}: not found`,
    'manifest-unknown-digest-deleted',
    'format',
  ],
  // ECS on EC2 with a tag+digest reference, format
  [
    `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/app:latest@${D} not found: manifest unknown: Requested image not found`,
    'manifest-unknown-digest-deleted',
    'format',
  ],
  // containerd ("content at %v not found") fetching the manifest by digest, format
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: content at https://${ECR}/v2/app/manifests/${D} not found: not found`,
    'manifest-unknown-digest-deleted',
    'format',
  ],

  // ---- repository-not-found
  // AWS docs, Docker era ECR, paraphrased
  [
    `CannotPullContainerError: API error (404): repository ${ECR}/app not found`,
    'repository-not-found',
    'memory',
  ],
  // ECR registry error (NAME_UNKNOWN), verbatim
  [
    "name unknown: The repository with name 'app' does not exist in the registry with id '123456789012'",
    'repository-not-found',
    'memory',
  ],
  // ECR API, verbatim
  [
    "RepositoryNotFoundException: The repository with name 'app' does not exist in the registry with id '123456789012'",
    'repository-not-found',
    'memory',
  ],
  // moby + ECR (denied with the ECR reason), format
  [
    `CannotPullContainerError: Error response from daemon: pull access denied for ${ECR}/app, repository does not exist or may require 'docker login': denied: The repository with name 'app' does not exist in the registry with id '123456789012'`,
    'repository-not-found',
    'format',
  ],
  // Docker 17.x era, verbatim
  [
    'Error response from daemon: repository foo/bar not found: does not exist or no pull access',
    'repository-not-found',
    'memory',
  ],

  // ---- access-denied-iam
  // AWS docs / re:Post (execution role without ECR permissions), verbatim shape
  [
    'CannotPullContainerError: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/app because no resource-based policy allows the ecr:BatchGetImage action',
    'access-denied-iam',
    'memory',
  ],
  // re:Post (GetAuthorizationToken denied), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
    'access-denied-iam',
    'memory',
  ],
  // ECS on EC2, instance role, moby + ECR denied, paraphrased
  [
    `CannotPullContainerError: Error response from daemon: pull access denied for ${ECR}/app, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/i-0abc is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/app`,
    'access-denied-iam',
    'memory',
  ],
  // AWS docs (CannotPullContainer task errors, 403 Forbidden), verbatim shape
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:latest: pulling from host ${ECR} failed with status code [manifests latest]: 403 Forbidden`,
    'access-denied-iam',
    'memory',
  ],
  // re:Post (S3 gateway endpoint policy blocks the layer bucket), paraphrased
  [
    'CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: unexpected status code https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/6a3f-123456789012-0c1d/abc: 403 Forbidden',
    'access-denied-iam',
    'memory',
  ],
  // ECS agent on EC2 (instance role without ECR), paraphrased
  [
    'CannotPullECRContainerError: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/i-0abc is not authorized to perform: ecr:GetAuthorizationToken on resource: *',
    'access-denied-iam',
    'memory',
  ],

  // ECS service event when the execution role cannot be assumed, verbatim shape
  [
    "(service my-svc) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.)",
    'access-denied-iam',
    'memory',
  ],

  // ---- access-denied-registry-auth
  // moby against a private registry, format
  [
    'CannotPullContainerError: Error response from daemon: Get https://registry.example.com/v2/app/manifests/1.0: unauthorized: authentication required',
    'access-denied-registry-auth',
    'format',
  ],
  // moby + Docker Hub private repository, verbatim. Docker Hub gives the same DENIED answer for a
  // repository that does not exist, so the text ranks both (issue 15).
  [
    "CannotPullContainerError: Error response from daemon: pull access denied for private/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    'access-denied-registry-auth',
    'memory',
    'ambiguous',
  ],
  // containerd + Docker Hub, verbatim; ambiguous like the row above
  [
    'failed to resolve reference "docker.io/org/private:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    'access-denied-registry-auth',
    'memory',
    'ambiguous',
  ],
  // moby + ECR without a token (EC2), verbatim shape
  [
    `CannotPullContainerError: Error response from daemon: Get https://${ECR}/v2/app/manifests/latest: no basic auth credentials`,
    'access-denied-registry-auth',
    'memory',
  ],
  // containerd + GHCR private image, verbatim
  [
    'failed to resolve reference "ghcr.io/org/app:1": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
    'access-denied-registry-auth',
    'memory',
  ],
  // ECR expired token, verbatim
  [
    'denied: Your authorization token has expired. Reauthenticate and try again.',
    'access-denied-registry-auth',
    'memory',
  ],
  // Docker Hub wrong credentials in repositoryCredentials, verbatim
  [
    'CannotPullContainerError: Error response from daemon: Get https://registry-1.docker.io/v2/: unauthorized: incorrect username or password',
    'access-denied-registry-auth',
    'memory',
  ],

  // ---- ecr-auth-network
  // AWS docs / re:Post (private subnet without endpoints), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp 52.46.145.12:443: i/o timeout. Please check your task network configuration.',
    'ecr-auth-network',
    'memory',
  ],
  // AWS knowledge center (Fargate, no route to ECR), verbatim
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed',
    'ecr-auth-network',
    'memory',
  ],
  // AWS docs, newer wording, paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. RequestError: send request failed caused by: Post "https://api.ecr.eu-west-1.amazonaws.com/": dial tcp 3.248.10.1:443: i/o timeout',
    'ecr-auth-network',
    'memory',
  ],
  // ECS agent on EC2, paraphrased
  [
    'CannotPullECRContainerError: RequestError: send request failed caused by: Post https://api.ecr.us-east-1.amazonaws.com/: dial tcp 52.46.1.1:443: i/o timeout',
    'ecr-auth-network',
    'memory',
  ],
  // ECS agent on EC2 without instance credentials (AWS SDK for Go v1), paraphrased
  [
    'CannotPullECRContainerError: NoCredentialProviders: no valid providers in chain. Deprecated.',
    'ecr-auth-network',
    'memory',
  ],
  // re:Post (Secrets Manager unreachable from a private subnet), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: RequestError: send request failed caused by: Post "https://secretsmanager.us-east-1.amazonaws.com/": dial tcp 10.0.1.5:443: i/o timeout',
    'ecr-auth-network',
    'memory',
  ],

  // re:Post (environment files from S3 without a route), paraphrased
  [
    'ResourceInitializationError: failed to download env files: file download command: non empty error stream: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded',
    'ecr-auth-network',
    'memory',
  ],

  // ---- registry-network-timeout
  // AWS docs (connection timed out, no route to the internet), verbatim
  [
    'CannotPullContainerError: API error (500): Get https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection',
    'registry-network-timeout',
    'memory',
  ],
  // moby + Docker Hub, verbatim
  [
    'CannotPullContainerError: Error response from daemon: Get https://registry-1.docker.io/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    'registry-network-timeout',
    'memory',
  ],
  // re:Post (layers from S3 without the gateway endpoint), verbatim shape
  [
    'CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/6a3f-123456789012-0c1d/abc": dial tcp 52.217.1.1:443: i/o timeout',
    'registry-network-timeout',
    'memory',
  ],
  // AWS docs (Docker Hub from a private subnet), verbatim shape
  [
    'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:latest: failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/latest": dial tcp 54.236.113.205:443: i/o timeout',
    'registry-network-timeout',
    'memory',
  ],
  // moby DNS failure, format
  [
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host',
    'registry-network-timeout',
    'format',
  ],
  // moby, verbatim
  [
    `CannotPullContainerError: Error response from daemon: Get https://${ECR}/v2/: net/http: TLS handshake timeout`,
    'registry-network-timeout',
    'memory',
  ],
  // containerd, format
  [
    'failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://registry-1.docker.io/v2/library/node/blobs/sha256:abc": read tcp 10.0.1.23:41234->52.216.1.1:443: read: connection reset by peer',
    'registry-network-timeout',
    'format',
  ],
  // re:Post (Fargate, slow NAT), paraphrased
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:1: failed to do request: Head "https://${ECR}/v2/app/manifests/1": context deadline exceeded`,
    'registry-network-timeout',
    'memory',
  ],

  // moby, connection closed by a proxy or firewall, format
  [
    `CannotPullContainerError: Error response from daemon: Get https://${ECR}/v2/: EOF`,
    'registry-network-timeout',
    'format',
  ],

  // ---- rate-limited
  // AWS docs (CannotPullContainer task errors, Docker Hub rate limiting), verbatim shape
  [
    `CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/busybox/manifests/${D}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`,
    'rate-limited',
    'memory',
  ],
  // moby + Docker Hub, verbatim
  [
    'CannotPullContainerError: Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
    'rate-limited',
    'memory',
  ],
  // AWS API throttling (ECR during a large scale-out), verbatim AWS wording
  [
    'CannotPullECRContainerError: ThrottlingException: Rate exceeded',
    'rate-limited',
    'memory',
  ],
  // ECR Public unauthenticated limits, paraphrased
  ['toomanyrequests: Rate exceeded', 'rate-limited', 'memory'],

  // ---- disk-space
  // AWS docs (insufficient disk space), verbatim shape
  [
    'CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /usr/lib/jvm/java-17/lib/modules: no space left on device',
    'disk-space',
    'memory',
  ],
  // Fargate/containerd, paraphrased from re:Post
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer ${L}: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/42/fs/app.jar: no space left on device: unknown`,
    'disk-space',
    'memory',
  ],
  // AWS knowledge center (devicemapper on the ECS-optimized AMI), verbatim
  [
    'CannotCreateContainerError: Error response from daemon: devmapper: Thin Pool has 4350 free data blocks which is less than minimum required 4454 free data blocks. Create more free space in thin pool or use dm.min_free_space option to change behavior',
    'disk-space',
    'memory',
  ],
  // Windows container hosts, verbatim
  [
    'CannotPullContainerError: hcsshim::ImportLayer failed in Win32: There is not enough space on the disk. (0x70)',
    'disk-space',
    'memory',
  ],

  // ---- kms-or-secrets
  // re:Post (execution role without GetSecretValue), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf because no identity-based policy allows the secretsmanager:GetSecretValue action',
    'kms-or-secrets',
    'memory',
  ],
  // re:Post (wrong secret ARN), verbatim shape
  [
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    'kms-or-secrets',
    'memory',
  ],
  // re:Post (SSM parameter without permission), paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/prod/db',
    'kms-or-secrets',
    'memory',
  ],
  // Secrets Manager with a customer managed key, verbatim service text
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: AccessDeniedException: Access to KMS is not allowed',
    'kms-or-secrets',
    'memory',
  ],
  // repositoryCredentials secret (ECS agent asm), paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub: AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue',
    'kms-or-secrets',
    'memory',
  ],
  // Fargate, missing parameter, paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /prod/db/password',
    'kms-or-secrets',
    'memory',
  ],

  // ---- invalid-reference
  // moby, verbatim
  [
    'Error parsing reference: "MyApp:latest" is not a valid repository/tag: invalid reference format: repository name must be lowercase',
    'invalid-reference',
    'memory',
  ],
  // ECS on EC2 with an unexpanded ${TAG}, paraphrased
  [
    'CannotPullContainerError: Error response from daemon: invalid reference format',
    'invalid-reference',
    'memory',
  ],
  // docker CLI, verbatim
  [
    'docker: invalid reference format: repository name must be lowercase.',
    'invalid-reference',
    'memory',
  ],
  // containerd reference parser, paraphrased
  [
    'failed to pull image "app:": failed to parse reference "app:": invalid reference format',
    'invalid-reference',
    'memory',
  ],

  // re:Post (malformed registry id in the image host), paraphrased
  [
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): InvalidParameterException: Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]{12}]'",
    'invalid-reference',
    'memory',
  ],
  // ECS RegisterTaskDefinition validation, paraphrased
  [
    'ClientException: Container.image contains invalid characters.',
    'invalid-reference',
    'memory',
  ],

  // ---- image-too-large-or-timeout
  // re:Post (EC2 agent, big image), verbatim
  [
    'DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s',
    'image-too-large-or-timeout',
    'memory',
  ],
  // re:Post (agent pull inactivity timeout), verbatim. AWS lists "context canceled" among network
  // causes, and an inactivity timeout is a stalled transfer: the text ranks both (issue 15).
  [
    'CannotPullContainerError: context canceled',
    'image-too-large-or-timeout',
    'memory',
    'ambiguous',
  ],
  // containerd, download cut short, paraphrased. Relabelled (issue 15): "unexpected EOF" is a
  // connection closed in the middle of an answer, a network cause, not a large image.
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: could not fetch content descriptor ${L}: unexpected EOF`,
    'registry-network-timeout',
    'memory',
  ],
  // ECS agent transition timeout, format
  [
    'DockerTimeoutError: Could not transition to inspecting; timed out after waiting 30s',
    'image-too-large-or-timeout',
    'format',
  ],

  // ---- other
  // ECS, verbatim
  ['Essential container in task exited', 'other', 'memory'],
  // runc via ECS, verbatim shape
  [
    'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/start.sh": permission denied: unknown',
    'other',
    'memory',
  ],
  // re:Post (awslogs with a missing log group), verbatim
  [
    'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1',
    'other',
    'memory',
  ],
  // ECS service event, verbatim
  [
    '(service my-svc) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster.',
    'other',
    'memory',
  ],
  // ECS, verbatim
  [
    'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/abc)',
    'other',
    'memory',
  ],
  // ECS, verbatim
  ['OutOfMemoryError: Container killed due to memory usage', 'other', 'memory'],

  // ---- public rows, copied verbatim from the shared corpus of real messages
  // (../shared/data/pull-errors-public.jsonl), each with the source the corpus names and the
  // category of the cause its thread established. 'ambiguous' marks rows whose text fits
  // several causes: the cause must then be among the candidates, not necessarily first.
  // https://github.com/everything2/everything2/issues/2562
  [
    "Error response from daemon: pull access denied for 254865750963.dkr.ecr.us-west-2.amazonaws.com/everything2/e2lib, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::254865750963:assumed-role/Docker-Builder-CodeBuild-Role/AWSCodeBuild-749228d3-4d07-4037-bd81-b631b0a0460e is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-west-2:254865750963:repository/everything2/e2lib because no identity-based policy allows the ecr:BatchGetImage action",
    'access-denied-iam',
    'public',
  ],
  // https://github.com/awslabs/amazon-ecr-credential-helper/issues/259
  [
    'Error response from daemon: Get https://<>.dkr.ecr.us-west-2.amazonaws.com/v2/agent-ecr/manifests/latest: no basic auth credentials',
    'access-denied-iam',
    'public',
    'ambiguous',
  ],
  // https://qiita.com/wildeagle/items/72dab00a16f11f9671d5
  [
    'CannotPullContainerError: error pulling image configuration: error parsing HTTP 403 response body: invalid character \'<\' looking for beginning of value: "<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?>\\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>.....',
    'access-denied-iam',
    'public',
  ],
  // https://github.com/aws-samples/bedrock-access-gateway/issues/114
  [
    'CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref 366590864501.dkr.ecr.us-west-2.amazonaws.com/bedrock-proxy-api-ecs:latest@sha256:5de487da52320ad9978f3a7a4f6700910342956c7dcb3b6f955222b4cccbd600: unexpected status from HEAD request to https://366590864501.dkr.ecr.us-west-2.amazonaws.com/v2/bedrock-proxy-api-ecs/blobs/sha256:5de487da52320ad9978f3a7a4f6700910342956c7dcb3b6f955222b4cccbd600: 403 Forbidden',
    'access-denied-iam',
    'public',
  ],
  // aws/amazon-ecs-agent agent/api/errormessages/error_messages_test.go (commit 8dfceca6cf380a83c3007349317566f2862f0673), case 'Successful augmentation - missing pull permissions'
  [
    "The task can’t pull the image. Check that the role has the permissions to pull images from the registry. Error response from daemon: pull access denied for 123123123123.dkr.ecr.us-east-1.amazonaws.com/my_image, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::123123123123:assumed-role/MyBrokenRole/xyz is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123123123123:repository/test_image because no identity-based policy allows the ecr:BatchGetImage action",
    'access-denied-iam',
    'public',
  ],
  // https://github.com/kunickiaj/kudu-docker/issues/7
  [
    'Error response from daemon: Get https://registry-1.docker.io/v2/kunickiaj/kudu/manifests/latest: unauthorized: incorrect username or password',
    'access-denied-registry-auth',
    'public',
  ],
  // https://github.com/enix/kube-image-keeper/issues/276
  [
    'GET https://index.docker.io/v2/<org-name>/foundation-inference-llmtuner-001-development/manifests/sha256:a7d92bc294e2fe8ec6eae13e613ed95fa2812ccafd3b888c162798db46641c90: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:<org-name>/foundation-inference-llmtuner-001-development Type:repository]]',
    'access-denied-registry-auth',
    'public',
  ],
  // https://github.com/aws/amazon-vpc-cni-k8s/issues/334
  [
    'Error response from daemon: Get https://602401143452.dkr.ecr.us-west-2.amazonaws.com/v2/amazon-k8s-cni/manifests/v1.3.2: no basic auth credentials',
    'access-denied-registry-auth',
    'public',
  ],
  // https://github.com/moby/moby/issues/30498
  [
    'Error response from daemon: repository myDockerHubUsername/myDockerHubRepo not found: does not exist or no pull access',
    'access-denied-registry-auth',
    'public',
    'ambiguous',
  ],
  // https://github.com/trudi-group/ipfs-metric-exporter/issues/63
  [
    'Error response from daemon: Head "https://ghcr.io/v2/trudi-group/kubo-mexport/manifests/latest": unauthorized',
    'access-denied-registry-auth',
    'public',
  ],
  // https://github.com/Mangio621/Mangio-RVC-Fork/issues/97
  [
    'ghcr.io/mangio621/mangio-rvc-fork@sha256:c3e459118847df3aec6a50999a2deaa54e38dc5748c727df17b24cfed2aedc7c: Pulling from mangio621/mangio-rvc-fork\nunsupported media type application/vnd.in-toto+json',
    'attestation-media-type',
    'public',
  ],
  // https://github.com/deislabs/containerd-wasm-shims/issues/191
  [
    'Failed to pull image "michellenoorali/spin-hello-world:0.2.0":\nfailed to pull and unpack image "docker.io/michellenoorali/spin-hello-world:0.2.0":\nfailed to unpack image on snapshotter overlayfs: mismatched image rootfs and manifest layers',
    'attestation-media-type',
    'public',
    'ambiguous',
  ],
  // https://github.com/serverless/serverless/issues/12933
  [
    'Resource handler returned message: "The image manifest or layer media type for the source image xxxxxx.dkr.ecr.region.amazonaws.com/serverless-xxx-stage@sha256:80966d8006f61a65f21ca9ce8a9e1c972ccc9b4b2b79d79\nad2a83e6a54e02ccc is not supported. (Service: Lambda, Status Code: 400, Request ID: 873aad37-92bf-4242-914c-361d010f64e\ne)" (RequestToken: 9335626b-3947-aea0-d4bd-1913eb03c3ae, HandlerErrorCode: InvalidRequest)',
    'attestation-media-type',
    'public',
  ],
  // https://github.com/tektoncd/pipeline/issues/6257
  [
    'failed to create task run pod "beekeeper-seed-655hl-issue-repro": translating TaskSpec to Pod: duplicate unique image found for platform: unknown/unknown: found sha256:5f2142b3bfc923b4f34805f61e73b47b8948c22fe21578f2331ba0d6f006e5bd and sha256:156980dbc3ee7a13b555440de275c4f3083c786b04a95f67fec5207a55b191eb. Maybe invalid TaskSpec',
    'attestation-media-type',
    'public',
  ],
  // https://github.com/moby/moby/pull/44367 (description)
  [
    'unsupported media type application/vnd.cncf.helm.config.v1+json',
    'attestation-media-type',
    'public',
  ],
  // https://github.com/aws/containers-roadmap/issues/384 (comment by shgolla, 2020-03-09)
  [
    'CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /app/data/model_title_dmm_concat_1.trainables.syn1neg.npy: no space left on device',
    'disk-space',
    'public',
  ],
  // https://github.com/aws/amazon-ecs-agent/issues/746
  [
    'devmapper: Thin Pool has 4247 free data blocks which is less than minimum required 4454 free data blocks. Create more free space in thin pool or use dm.min_free_space option to change behavior',
    'disk-space',
    'public',
  ],
  // https://github.com/aws-samples/aws-fargate-pipeline-lambda-autoscaling/issues/3 (description; fix in comment by ividito)
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 1 time(s): RequestError: send request failed caused by: Post https://api.ecr....',
    'ecr-auth-network',
    'public',
  ],
  // https://github.com/ElementTech/kube-arch-scheduler/issues/5
  [
    'time="2024-05-04T08:04:25Z" level=error msg="Error retrieving credentials" error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded"',
    'ecr-auth-network',
    'public',
  ],
  // https://github.com/cdk-cosmos/cosmos/issues/92
  [
    'CannotPullECRContainerError: RequestError: send request failed caused by: Post https://api.ecr.ap-southeast-2.amazonaws.com/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    'ecr-auth-network',
    'public',
  ],
  // https://github.com/dstackai/dstack/issues/3040
  [
    'pullImage error: image pull interrupted: downloaded 11320888531 bytes out of 11320888531 (9.00MB/s): context deadline exceeded',
    'image-too-large-or-timeout',
    'public',
  ],
  // https://github.com/moby/moby/issues/27588
  [
    'hcsshim::PrepareLayer failed in Win32: This operation returned because the timeout period expired. (0x5b4)',
    'image-too-large-or-timeout',
    'public',
  ],
  // https://github.com/aws/amazon-ecs-agent/issues/3217
  [
    'CannotPullContainerError: containerd: pull command failed: time="2020-XX-XXTXX:XX:XXZ" level=info msg="apply failure, attempting cleanup" error="failed to extract layer sha256:XXXXXXXX: context ca...',
    'image-too-large-or-timeout',
    'public',
    'ambiguous',
  ],
  // https://github.com/aws-samples/amazon-ecs-java-microservices/issues/6
  [
    "Unable to pull customer's container image. ErrorCode: 500, Reason: invalid reference format.",
    'invalid-reference',
    'public',
  ],
  // https://github.com/moby/moby/issues/17836
  [
    'repository name component must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"',
    'invalid-reference',
    'public',
  ],
  // https://github.com/PingCAP-QE/Naglfar/issues/110
  [
    'pulling image library/ubuntu failed: repository name must be canonical',
    'invalid-reference',
    'public',
  ],
  // https://github.com/aws/aws-cdk/issues/18555 (comment by thilo-fester, 2022-09-23)
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret $PARTIAL_ARN_HERE from secrets manager: AccessDeniedException: User: $USER is not authorized to perform: secretsmanager:GetSecretValue on resource: $PARTIAL_ARN_HERE because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400',
    'kms-or-secrets',
    'public',
  ],
  // https://github.com/aws/amazon-ecs-cli/issues/1020
  [
    'failed to retrieve decrypted secret from arn:aws:ssm:eu-west-1:<account_id>:parameter/first_part/DB_HOST due to ValidationException: Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_',
    'kms-or-secrets',
    'public',
  ],
  // https://github.com/moby/moby/issues/47150
  [
    'ctr: wrong diff id calculated on extraction "sha256:b4ad478450363f0a8020bb5552641fe6077e78fca48da4d77a979724a3ad2a72"',
    'layer-count-mismatch',
    'public',
  ],
  // https://github.com/docker-archive-public/docker.kitematic/issues/4598
  [
    'invalid diffID for layer 5: expected "sha256:9e0751d4237e2c801b584c12fd8f31993550ce8262d1e0d953e887f6aaccab0d", got "sha256:055c8a5687f0ca7c764f80c3ed796033289ba68deb6701a7cc8f63e6c5bc39bf"',
    'layer-count-mismatch',
    'public',
  ],
  // https://github.com/theopensystemslab/planx-new/pull/7060
  [
    'service was unable to place a task. Reason: CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 781751952389.dkr.ecr.eu-west-2.amazonaws.com/repo-c37914e@sha256:87910b457a45fcff315ff4652a3d45e2b3a0d022f1077eea9ae9e180707e2135: 781751952389.dkr.ecr.eu-west-2.amazonaws.com/repo-c37914e@sha256:87910b457a45fcff315ff4652a3d45e2b3a0d022f1077eea9ae9e180707e2135: not found.',
    'manifest-unknown-digest-deleted',
    'public',
  ],
  // https://github.com/lrstanley/vault-unseal/issues/78
  [
    'Error: unable to copy from source docker://ghcr.io/lrstanley/vault-unseal:1.0.0: copying system image from manifest list: determining manifest MIME type for docker://ghcr.io/lrstanley/vault-unseal:1.0.0: reading manifest sha256:24ca9bceccdb0a22ae57574346dee4bec107c9b849f836811972b8f7f1baa4ef in ghcr.io/lrstanley/vault-unseal: manifest unknown',
    'manifest-unknown-digest-deleted',
    'public',
  ],
  // https://github.com/docker/hub-feedback/issues/1518
  [
    'Error response from daemon: manifest for aaronngray/bpi-build:latest not found',
    'manifest-unknown-tag',
    'public',
  ],
  // https://github.com/aws-samples/jenkins-on-aws/issues/13 (comment by thomas-ferchau, 2020-07-16)
  [
    'STOPPED (CannotPullContainerError: Error response from daem)',
    'manifest-unknown-tag',
    'public',
    'ambiguous',
  ],
  // https://github.com/docker-archive-public/docker.kitematic/issues/1338
  [
    'Error: image bdaniel7/nodejs:latest not found',
    'manifest-unknown-tag',
    'public',
  ],
  // https://github.com/tianon/docker-brew-debian/issues/47
  ['Tag 8.5 not found in repository debian', 'manifest-unknown-tag', 'public'],
  // https://github.com/DataBiosphere/azul/issues/6812
  [
    'ERROR: Job failed: failed to pull image "docker.gitlab.explore.anvilproject.org/ucsc/data-browser:16326" with specified policies [always]: Error response from daemon: manifest for docker.gitlab.explore.anvilproject.org/ucsc/data-browser:16326 not found: manifest unknown: manifest unknown (manager.go:251:0s)',
    'manifest-unknown-tag',
    'public',
  ],
  // https://github.com/bottlerocket-os/bottlerocket/issues/3806 (comment by g4-otayyan, 2024-03-06)
  [
    'time="2024-03-06T20:31:22Z" level=warning msg="reference for unknown type: application/vnd.docker.image.rootfs.diff.tar.zstd"',
    'mixed-compression',
    'public',
  ],
  // https://github.com/imagegenius/docker-immich/issues/711 (fixed by PR #717)
  [
    'Error: copying system image from manifest list: initializing image from source docker://ghcr.io/imagegenius/immich:latest: unsupported docker v2s2 media type: "application/vnd.docker.image.rootfs.diff.tar.zstd"',
    'mixed-compression',
    'public',
  ],
  // https://github.com/docker/cli/issues/5011
  [
    'tag: Pulling from repo\nfailed to unpack image on snapshotter overlayfs: mismatched image rootfs and manifest layers',
    'mixed-compression',
    'public',
    'ambiguous',
  ],
  // https://github.com/monken/aws-ecr-public/issues/11
  [
    "An error occurred (LayersNotFoundException) when calling the GetDownloadUrlForLayer operation: The layer with digest <sha256-digest>  does not exist within the repository with name '<reponame> in the registry with id '<registryid>'",
    'other',
    'public',
  ],
  // https://github.com/aws/amazon-ecs-agent/issues/2954
  [
    'CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: OCI runtime create failed: container_linux.go:370: starting container process caused: exec: "/opt/sonarqube/bin/run.sh": stat /opt/sonarqube/bin/run.sh...no such file or direct...',
    'other',
    'public',
  ],
  // https://github.com/codefactoryhu/manifest/issues/11
  [
    'Failed to pull image "ghcr.io/codefactoryhu/manifest:0.1.5": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/codefactoryhu/manifest:0.1.5": no match for platform in manifest: not found',
    'platform-mismatch',
    'public',
  ],
  // https://github.com/aws-samples/amazon-bedrock-serverless-prompt-chaining/issues/213
  [
    'exec /usr/local/bin/streamlit: exec format error',
    'platform-mismatch',
    'public',
  ],
  // https://github.com/dotnet-architecture/eShopOnContainers/issues/995
  [
    'Error: image operating system "linux" cannot be used on this platform',
    'platform-mismatch',
    'public',
  ],
  // https://github.com/microsoft/hcsshim/issues/2566
  [
    'hcsshim::PrepareLayer failed in Win32: The container image contains a layer with an unrecognized format. (0xc0370112)',
    'platform-mismatch',
    'public',
  ],
  // https://github.com/symbols-worldwide/docker-vs2008-vs2010/issues/2
  [
    'docker: failed to extract layer (application/vnd.docker.image.rootfs.foreign.diff.tar.gzip sha256:2dd7b93d509d5e7086ff08713d58180cc639adf9536c560a2dca5bf7139f5323) to overlayfs as "extract-119674220-JyqL sha256:3156ceb17b4859e47c2f127576befc3f1af77f53a15f3356f60f5f939bd3af8e": link /var/lib/desktop-containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots/1687/fs/Files/Program Files/common files/system/ado/en-US/msader15.dll.mui /var/lib/desktop-containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots/1687/fs/Files/Program Files (x86)/common files/system/ado/en-US/msader15.dll.mui: no such file or directory',
    'platform-mismatch',
    'public',
  ],
  // https://github.com/play-with-docker/play-with-docker/issues/422
  [
    'error pulling image configuration: toomanyrequests: Too Many Requests. Please see https://docs.docker.com/docker-hub/download-rate-limit/',
    'rate-limited',
    'public',
  ],
  // https://github.com/aws/aws-xray-daemon/issues/146
  [
    'CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/amazon/aws-xray-daemon/manifests/sha256:2d964e1dbe7a8c9f03f4e9580ff00220bc84ce0294539c6...',
    'rate-limited',
    'public',
    'ambiguous',
  ],
  // https://github.com/docker-library/official-images/issues/1489
  [
    'Error response from daemon: Get https://registry-1.docker.io/v2/library/busybox/manifests/latest: Received unexpected HTTP status: 500 Internal Server Error',
    'registry-network-timeout',
    'public',
  ],
  // https://github.com/docker/hub-feedback/issues/2004
  [
    'Error response from daemon: unexpected EOF',
    'registry-network-timeout',
    'public',
  ],
  // https://github.com/aws/containers-roadmap/issues/2304 (first lines of the posted log; it continues with the CDN URL and a dial error)
  [
    'Failed to pull image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/docker.io/library/busybox:1.35.0":\nrpc error: code = DeadlineExceeded desc = failed to pull and unpack image\n"123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/docker.io/library/busybox:1.35.0": failed to copy:\nhttpReadSeeker: failed open: failed to do request:',
    'registry-network-timeout',
    'public',
  ],
  // https://github.com/distribution/distribution/issues/4252 (comment by wnark, 2025-06-03)
  [
    'error pulling image configuration: download failed after attempts=6: received unexpected HTTP status: 500 Internal Server Error',
    'registry-network-timeout',
    'public',
  ],
  // https://github.com/aws-quickstart/quickstart-amazon-eks/pull/52
  [
    'Failed to pull image "111111111.dkr.ecr.us-east-1.amazonaws.com/my/container:e87716617021afc0307a7537d74d3927f6cb9526: rpc error: code = Unknown desc = error pulling image configuration: Get https://prod-us-east-1-starport-layer-bucket.s3.amazonaws.com/***snip***dial tcp: i/o timeout',
    'registry-network-timeout',
    'public',
  ],
  // https://github.com/aws-samples/amazon-eks-cdk-blue-green-cicd/issues/24
  [
    "Error response from daemon: repository public.ecr.aws/p8v8e7e5/myartifacts not found: name unknown: The repository with name 'myartifacts' does not exist in the registry with id 'p8v8e7e5'",
    'repository-not-found',
    'public',
  ],
  // https://github.com/aws/aws-cdk/issues/1272
  [
    "CannotPullContainerError: API error (404): pull access denied for 347883428170.dkr.ecr.us-east-1.amazonaws.com/myecr, repository does not exist or may require 'docker login'",
    'repository-not-found',
    'public',
    'ambiguous',
  ],
  // aws/amazon-ecs-agent agent/api/errormessages/error_messages_test.go (commit 8dfceca6cf380a83c3007349317566f2862f0673), case 'Successful augmentation - image does not exist'
  [
    "The task can’t pull the image. Check whether the image exists. Error response from daemon: pull access denied for some/nonsense, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    'repository-not-found',
    'public',
    'ambiguous',
  ],
  // https://github.com/radial/core-busyboxplus/issues/6
  [
    '[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support is disabled by default and will be removed in an upcoming release. Suggest the author of docker.io/radial/busyboxplus:base to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/',
    'unsupported-manifest-schema',
    'public',
  ],
  // https://github.com/pingcap/tidb-docker-compose/issues/116 (comment by odaydarasa, 2025-07-01)
  [
    'Pulling Schema 1 images have been deprecated and disabled by default since containerd v2.0. As a workaround you may set an environment variable `CONTAINERD_ENABLE_DEPRECATED_PULL_SCHEMA_1_IMAGE=1`, but this will be completely removed in containerd v2.1.',
    'unsupported-manifest-schema',
    'public',
  ],
];
