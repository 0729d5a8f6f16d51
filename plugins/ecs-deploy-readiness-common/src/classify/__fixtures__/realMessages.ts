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

// Real messages from public sources, with the category a person fixing them would choose.
// Each row names its source. "verbatim" = the wording as published (account ids, digests and
// hosts replaced by placeholders), as recalled: this machine is offline, so it was not re-checked; "format" = the exact error format of the named component
// (its source code) filled with example values; "paraphrased" = the shape reported in the named
// place, rewritten from memory, so the wording may differ slightly from the original.
const D = `sha256:${'52f6876d'.repeat(8)}`;
const L = `sha256:${'c0234232'.repeat(8)}`;
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

export const REAL_MESSAGES: Array<[string, PullErrorCategory]> = [
  // ---- platform-mismatch
  // seed 001 (zenn.dev article on Apple silicon builds), verbatim
  [
    "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
    'platform-mismatch',
  ],
  // the ECS agent's platform error as re:Post threads on Fargate + Apple silicon quote it, verbatim
  [
    "image Manifest does not contain descriptor matching platform 'linux/amd64'",
    'platform-mismatch',
  ],
  // moby (docker pull on M1, docker/for-mac issues), verbatim
  [
    'Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries',
    'platform-mismatch',
  ],
  // ECS on EC2 (Docker) wrapping the same moby error, paraphrased from re:Post
  [
    'CannotPullContainerError: Error response from daemon: no matching manifest for linux/amd64 in the manifest list entries',
    'platform-mismatch',
  ],
  // containerd images/handlers.go ("no match for platform in manifest %v"), format
  [
    `failed to resolve reference "docker.io/org/tool:1.0": no match for platform in manifest ${D}: not found`,
    'platform-mismatch',
  ],
  // moby daemon/images ("image with reference %s was found but does not match the specified platform"), format
  [
    'image with reference arm64v8/alpine was found but does not match the specified platform: wanted linux/amd64, actual: linux/arm64/v8',
    'platform-mismatch',
  ],
  // docker CLI warning on Apple silicon, verbatim
  [
    "WARNING: The requested image's platform (linux/arm64/v8) does not match the detected host platform (linux/amd64/v4) and no specific platform was requested",
    'platform-mismatch',
  ],
  // container log after an arm64 image started on x86_64 (re:Post, Stack Overflow), verbatim
  [
    'exec /usr/local/bin/docker-entrypoint.sh: exec format error',
    'platform-mismatch',
  ],
  // runc (older), widely reported with ECS, verbatim
  [
    'standard_init_linux.go:228: exec user process caused: exec format error',
    'platform-mismatch',
  ],
  // moby on Windows hosts ("image operating system %q cannot be used on this platform"), format
  [
    'CannotPullContainerError: image operating system "linux" cannot be used on this platform',
    'platform-mismatch',
  ],
  // moby on Windows ("a Windows version %s-based image is incompatible with a %s host"), format
  [
    'CannotPullContainerError: a Windows version 10.0.20348-based image is incompatible with a 10.0.17763 host',
    'platform-mismatch',
  ],
  // named in the task brief as a containerd/nerdctl family; paraphrased
  [
    'CannotPullContainerError: failed to find a descriptor for platform linux/amd64',
    'platform-mismatch',
  ],

  // ---- mixed-compression
  // seed 000 (blog post, mixed gzip + zstd layers), verbatim
  [
    "CannotPullContainerError: ref pull has been retried 1 time(s): number of layers and diffIDs don't match: 3 != 15",
    'mixed-compression',
  ],
  // containerd ("number of layers and diffIDs don't match: %d != %d"), format
  ["number of layers and diffIDs don't match: 2 != 9", 'mixed-compression'],
  // containerd diff ("failed to get stream processor for %s: no processor for media-type") with a
  // zstd layer under a Docker media type, format
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer ${L}: failed to get stream processor for application/vnd.docker.image.rootfs.diff.tar.zstd: no processor for media-type: unknown`,
    'mixed-compression',
  ],
  // moby on an old Docker reading a zstd layer as tar (Go's archive/tar error), format
  [
    'CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): archive/tar: invalid tar header',
    'mixed-compression',
  ],

  // ---- layer-count-mismatch
  // containerd unpacker ("mismatched image rootfs and manifest layers"), format
  [
    'CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: mismatched image rootfs and manifest layers',
    'layer-count-mismatch',
  ],
  // containerd diff/apply ("wrong diff id calculated on extraction %q"), format
  [
    `failed to extract layer ${L}: wrong diff id calculated on extraction "${D}"`,
    'layer-count-mismatch',
  ],
  // moby distribution ("filesystem layer verification failed for digest %s"), format
  [
    `CannotPullContainerError: filesystem layer verification failed for digest ${L}`,
    'layer-count-mismatch',
  ],

  // ---- attestation-media-type
  // seed 003 (CDK asset push left an attestation), verbatim
  [
    `"StoppedReason": "CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer ${L}: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type: unknown"`,
    'attestation-media-type',
  ],
  // aws/aws-cdk#30258, as quoted in issue titles (truncated), paraphrased
  [
    'CannotPullContainerError: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type',
    'attestation-media-type',
  ],
  // containerd format with a cosign signature manifest deployed by digest, format
  [
    `failed to extract layer ${L}: failed to get stream processor for application/vnd.dev.cosign.simplesigning.v1+json: no processor for media-type: unknown`,
    'attestation-media-type',
  ],
  // containerd images.Children ("encountered unknown type %v; children may not be fetched"), format
  [
    'level=debug msg="encountered unknown type application/vnd.in-toto+json; children may not be fetched"',
    'attestation-media-type',
  ],

  // ---- unsupported-manifest-schema
  // containerd 1.7 / Docker 25+, verbatim
  [
    '[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support is disabled by default and will be removed in an upcoming release. Suggest the author of docker.io/library/legacy:1.0 to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/',
    'unsupported-manifest-schema',
  ],
  // a runtime rejecting a signed schema 1 manifest, paraphrased
  [
    'CannotPullContainerError: unsupported manifest media type application/vnd.docker.distribution.manifest.v1+prettyjws',
    'unsupported-manifest-schema',
  ],
  // containerd 2.0 release notes (schema 1 pulls removed), paraphrased
  [
    'failed to resolve reference "quay.io/legacy/app:2015": schema 1 image manifests are no longer supported',
    'unsupported-manifest-schema',
  ],

  // ---- manifest-unknown-tag
  // moby + ECR ("manifest for %s not found: manifest unknown: Requested image not found"), AWS docs, format
  [
    `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/app:latest not found: manifest unknown: Requested image not found`,
    'manifest-unknown-tag',
  ],
  // Fargate/containerd, countless re:Post threads, verbatim shape
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:latest: ${ECR}/app:latest: not found`,
    'manifest-unknown-tag',
  ],
  // AWS docs (CannotPullContainer task errors, "image not found"), Docker era, paraphrased
  [
    `CannotPullContainerError: API error (404): manifest for ${ECR}/app:v2 not found`,
    'manifest-unknown-tag',
  ],
  // Docker Hub missing tag, verbatim
  [
    'Error response from daemon: manifest for nginx:1.999 not found: manifest unknown: manifest unknown',
    'manifest-unknown-tag',
  ],
  // seed 002, second log line alone (no digest in it), verbatim
  [
    'level=info msg="Attempting next endpoint for pull after error: manifest unknown: Requested image not found"',
    'manifest-unknown-tag',
  ],
  // OCI distribution error body (code MANIFEST_UNKNOWN), format
  [
    '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}}]}',
    'manifest-unknown-tag',
  ],
  // containerd against GHCR, format
  [
    'failed to resolve reference "ghcr.io/org/app:v1.2.3": ghcr.io/org/app:v1.2.3: not found',
    'manifest-unknown-tag',
  ],
  // containerd + ECR HTTP answer, paraphrased from aws/containers-roadmap issues
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:release: pulling from host ${ECR} failed with status code [manifests release]: 404 Not Found`,
    'manifest-unknown-tag',
  ],
  // ECR API (BatchGetImage failures), verbatim
  ['ImageNotFoundException: Requested image not found', 'manifest-unknown-tag'],

  // ---- manifest-unknown-digest-deleted
  // seed 002 (version consistency after a moved tag), verbatim
  [
    `level=warning msg="reference for unknown type: " digest="${D}" remote="<ACCOUNT>.dkr.ecr.<REGION>.amazonaws.com/<REPOSITORY>@${D}"\nlevel=info msg="Attempting next endpoint for pull after error: manifest unknown: Requested image not found"`,
    'manifest-unknown-digest-deleted',
  ],
  // Fargate after the deployment's digest was deleted (version consistency), format
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app@${D}: ${ECR}/app@${D}: not found`,
    'manifest-unknown-digest-deleted',
  ],
  // ECS on EC2 with a tag+digest reference, format
  [
    `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/app:latest@${D} not found: manifest unknown: Requested image not found`,
    'manifest-unknown-digest-deleted',
  ],
  // containerd ("content at %v not found") fetching the manifest by digest, format
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: content at https://${ECR}/v2/app/manifests/${D} not found: not found`,
    'manifest-unknown-digest-deleted',
  ],

  // ---- repository-not-found
  // AWS docs, Docker era ECR, paraphrased
  [
    `CannotPullContainerError: API error (404): repository ${ECR}/app not found`,
    'repository-not-found',
  ],
  // ECR registry error (NAME_UNKNOWN), verbatim
  [
    "name unknown: The repository with name 'app' does not exist in the registry with id '123456789012'",
    'repository-not-found',
  ],
  // ECR API, verbatim
  [
    "RepositoryNotFoundException: The repository with name 'app' does not exist in the registry with id '123456789012'",
    'repository-not-found',
  ],
  // moby + ECR (denied with the ECR reason), format
  [
    `CannotPullContainerError: Error response from daemon: pull access denied for ${ECR}/app, repository does not exist or may require 'docker login': denied: The repository with name 'app' does not exist in the registry with id '123456789012'`,
    'repository-not-found',
  ],
  // Docker 17.x era, verbatim
  [
    'Error response from daemon: repository foo/bar not found: does not exist or no pull access',
    'repository-not-found',
  ],

  // ---- access-denied-iam
  // AWS docs / re:Post (execution role without ECR permissions), verbatim shape
  [
    'CannotPullContainerError: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/app because no resource-based policy allows the ecr:BatchGetImage action',
    'access-denied-iam',
  ],
  // re:Post (GetAuthorizationToken denied), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
    'access-denied-iam',
  ],
  // ECS on EC2, instance role, moby + ECR denied, paraphrased
  [
    `CannotPullContainerError: Error response from daemon: pull access denied for ${ECR}/app, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/i-0abc is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/app`,
    'access-denied-iam',
  ],
  // AWS docs (CannotPullContainer task errors, 403 Forbidden), verbatim shape
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:latest: pulling from host ${ECR} failed with status code [manifests latest]: 403 Forbidden`,
    'access-denied-iam',
  ],
  // re:Post (S3 gateway endpoint policy blocks the layer bucket), paraphrased
  [
    'CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: unexpected status code https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/6a3f-123456789012-0c1d/abc: 403 Forbidden',
    'access-denied-iam',
  ],
  // ECS agent on EC2 (instance role without ECR), paraphrased
  [
    'CannotPullECRContainerError: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/i-0abc is not authorized to perform: ecr:GetAuthorizationToken on resource: *',
    'access-denied-iam',
  ],

  // ECS service event when the execution role cannot be assumed, verbatim shape
  [
    "(service my-svc) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.)",
    'access-denied-iam',
  ],

  // ---- access-denied-registry-auth
  // moby against a private registry, format
  [
    'CannotPullContainerError: Error response from daemon: Get https://registry.example.com/v2/app/manifests/1.0: unauthorized: authentication required',
    'access-denied-registry-auth',
  ],
  // moby + Docker Hub private repository, verbatim
  [
    "CannotPullContainerError: Error response from daemon: pull access denied for private/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    'access-denied-registry-auth',
  ],
  // containerd + Docker Hub, verbatim
  [
    'failed to resolve reference "docker.io/org/private:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    'access-denied-registry-auth',
  ],
  // moby + ECR without a token (EC2), verbatim shape
  [
    `CannotPullContainerError: Error response from daemon: Get https://${ECR}/v2/app/manifests/latest: no basic auth credentials`,
    'access-denied-registry-auth',
  ],
  // containerd + GHCR private image, verbatim
  [
    'failed to resolve reference "ghcr.io/org/app:1": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
    'access-denied-registry-auth',
  ],
  // ECR expired token, verbatim
  [
    'denied: Your authorization token has expired. Reauthenticate and try again.',
    'access-denied-registry-auth',
  ],
  // Docker Hub wrong credentials in repositoryCredentials, verbatim
  [
    'CannotPullContainerError: Error response from daemon: Get https://registry-1.docker.io/v2/: unauthorized: incorrect username or password',
    'access-denied-registry-auth',
  ],

  // ---- ecr-auth-network
  // AWS docs / re:Post (private subnet without endpoints), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp 52.46.145.12:443: i/o timeout. Please check your task network configuration.',
    'ecr-auth-network',
  ],
  // AWS knowledge center (Fargate, no route to ECR), verbatim
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed',
    'ecr-auth-network',
  ],
  // AWS docs, newer wording, paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. RequestError: send request failed caused by: Post "https://api.ecr.eu-west-1.amazonaws.com/": dial tcp 3.248.10.1:443: i/o timeout',
    'ecr-auth-network',
  ],
  // ECS agent on EC2, paraphrased
  [
    'CannotPullECRContainerError: RequestError: send request failed caused by: Post https://api.ecr.us-east-1.amazonaws.com/: dial tcp 52.46.1.1:443: i/o timeout',
    'ecr-auth-network',
  ],
  // ECS agent on EC2 without instance credentials (AWS SDK for Go v1), paraphrased
  [
    'CannotPullECRContainerError: NoCredentialProviders: no valid providers in chain. Deprecated.',
    'ecr-auth-network',
  ],
  // re:Post (Secrets Manager unreachable from a private subnet), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: RequestError: send request failed caused by: Post "https://secretsmanager.us-east-1.amazonaws.com/": dial tcp 10.0.1.5:443: i/o timeout',
    'ecr-auth-network',
  ],

  // re:Post (environment files from S3 without a route), paraphrased
  [
    'ResourceInitializationError: failed to download env files: file download command: non empty error stream: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded',
    'ecr-auth-network',
  ],

  // ---- registry-network-timeout
  // AWS docs (connection timed out, no route to the internet), verbatim
  [
    'CannotPullContainerError: API error (500): Get https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection',
    'registry-network-timeout',
  ],
  // moby + Docker Hub, verbatim
  [
    'CannotPullContainerError: Error response from daemon: Get https://registry-1.docker.io/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    'registry-network-timeout',
  ],
  // re:Post (layers from S3 without the gateway endpoint), verbatim shape
  [
    'CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/6a3f-123456789012-0c1d/abc": dial tcp 52.217.1.1:443: i/o timeout',
    'registry-network-timeout',
  ],
  // AWS docs (Docker Hub from a private subnet), verbatim shape
  [
    'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:latest: failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/latest": dial tcp 54.236.113.205:443: i/o timeout',
    'registry-network-timeout',
  ],
  // moby DNS failure, format
  [
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host',
    'registry-network-timeout',
  ],
  // moby, verbatim
  [
    `CannotPullContainerError: Error response from daemon: Get https://${ECR}/v2/: net/http: TLS handshake timeout`,
    'registry-network-timeout',
  ],
  // containerd, format
  [
    'failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://registry-1.docker.io/v2/library/node/blobs/sha256:abc": read tcp 10.0.1.23:41234->52.216.1.1:443: read: connection reset by peer',
    'registry-network-timeout',
  ],
  // re:Post (Fargate, slow NAT), paraphrased
  [
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:1: failed to do request: Head "https://${ECR}/v2/app/manifests/1": context deadline exceeded`,
    'registry-network-timeout',
  ],

  // moby, connection closed by a proxy or firewall, format
  [
    `CannotPullContainerError: Error response from daemon: Get https://${ECR}/v2/: EOF`,
    'registry-network-timeout',
  ],

  // ---- rate-limited
  // AWS docs (CannotPullContainer task errors, Docker Hub rate limiting), verbatim shape
  [
    `CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/busybox/manifests/${D}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`,
    'rate-limited',
  ],
  // moby + Docker Hub, verbatim
  [
    'CannotPullContainerError: Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
    'rate-limited',
  ],
  // AWS API throttling (ECR during a large scale-out), verbatim AWS wording
  [
    'CannotPullECRContainerError: ThrottlingException: Rate exceeded',
    'rate-limited',
  ],
  // ECR Public unauthenticated limits, paraphrased
  ['toomanyrequests: Rate exceeded', 'rate-limited'],

  // ---- disk-space
  // AWS docs (insufficient disk space), verbatim shape
  [
    'CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /usr/lib/jvm/java-17/lib/modules: no space left on device',
    'disk-space',
  ],
  // Fargate/containerd, paraphrased from re:Post
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer ${L}: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/42/fs/app.jar: no space left on device: unknown`,
    'disk-space',
  ],
  // AWS knowledge center (devicemapper on the ECS-optimized AMI), verbatim
  [
    'CannotCreateContainerError: Error response from daemon: devmapper: Thin Pool has 4350 free data blocks which is less than minimum required 4454 free data blocks. Create more free space in thin pool or use dm.min_free_space option to change behavior',
    'disk-space',
  ],
  // Windows container hosts, verbatim
  [
    'CannotPullContainerError: hcsshim::ImportLayer failed in Win32: There is not enough space on the disk. (0x70)',
    'disk-space',
  ],

  // ---- kms-or-secrets
  // re:Post (execution role without GetSecretValue), verbatim shape
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf because no identity-based policy allows the secretsmanager:GetSecretValue action',
    'kms-or-secrets',
  ],
  // re:Post (wrong secret ARN), verbatim shape
  [
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    'kms-or-secrets',
  ],
  // re:Post (SSM parameter without permission), paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f1e is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/prod/db',
    'kms-or-secrets',
  ],
  // Secrets Manager with a customer managed key, verbatim service text
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: AccessDeniedException: Access to KMS is not allowed',
    'kms-or-secrets',
  ],
  // repositoryCredentials secret (ECS agent asm), paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub: AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue',
    'kms-or-secrets',
  ],
  // Fargate, missing parameter, paraphrased
  [
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /prod/db/password',
    'kms-or-secrets',
  ],

  // ---- invalid-reference
  // moby, verbatim
  [
    'Error parsing reference: "MyApp:latest" is not a valid repository/tag: invalid reference format: repository name must be lowercase',
    'invalid-reference',
  ],
  // ECS on EC2 with an unexpanded ${TAG}, paraphrased
  [
    'CannotPullContainerError: Error response from daemon: invalid reference format',
    'invalid-reference',
  ],
  // docker CLI, verbatim
  [
    'docker: invalid reference format: repository name must be lowercase.',
    'invalid-reference',
  ],
  // containerd reference parser, paraphrased
  [
    'failed to pull image "app:": failed to parse reference "app:": invalid reference format',
    'invalid-reference',
  ],

  // re:Post (malformed registry id in the image host), paraphrased
  [
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): InvalidParameterException: Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]{12}]'",
    'invalid-reference',
  ],
  // ECS RegisterTaskDefinition validation, paraphrased
  [
    'ClientException: Container.image contains invalid characters.',
    'invalid-reference',
  ],

  // ---- image-too-large-or-timeout
  // re:Post (EC2 agent, big image), verbatim
  [
    'DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s',
    'image-too-large-or-timeout',
  ],
  // re:Post (agent pull inactivity timeout), verbatim
  ['CannotPullContainerError: context canceled', 'image-too-large-or-timeout'],
  // containerd, download cut short without a network error, paraphrased
  [
    `CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: could not fetch content descriptor ${L}: unexpected EOF`,
    'image-too-large-or-timeout',
  ],
  // ECS agent transition timeout, format
  [
    'DockerTimeoutError: Could not transition to inspecting; timed out after waiting 30s',
    'image-too-large-or-timeout',
  ],

  // ---- other
  // ECS, verbatim
  ['Essential container in task exited', 'other'],
  // runc via ECS, verbatim shape
  [
    'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/start.sh": permission denied: unknown',
    'other',
  ],
  // re:Post (awslogs with a missing log group), verbatim
  [
    'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1',
    'other',
  ],
  // ECS service event, verbatim
  [
    '(service my-svc) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster.',
    'other',
  ],
  // ECS, verbatim
  [
    'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/abc)',
    'other',
  ],
  // ECS, verbatim
  ['OutOfMemoryError: Container killed due to memory usage', 'other'],
];
