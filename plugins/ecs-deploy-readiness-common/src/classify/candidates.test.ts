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

import { CHECK_IDS, PULL_ERROR_CATEGORIES } from '../types';
import { classifyPullError } from './classifyPullError';
import { REAL_MESSAGES } from './__fixtures__/realMessages';

// Issue 15: ranked candidate causes, ambiguity, truncated messages, and the network path to the
// S3 bucket that ECR serves layers from.
const DIGEST = `sha256:${'9f86d081'.repeat(8)}`;
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const S3 =
  'https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/2a5e-123456789012-1b2c3d/4e5f';

const categories = (message: string) =>
  classifyPullError(message).candidates.map(c => c.category);

describe('classifyPullError: candidates', () => {
  it.each(REAL_MESSAGES.map(([m]) => m))(
    'ranks well-formed candidates for %s',
    message => {
      const result = classifyPullError(message);
      const [first, ...rest] = result.candidates;
      expect(first).toMatchObject({
        category: result.category,
        fixKey: result.fixKey,
      });
      for (const c of result.candidates) {
        expect(PULL_ERROR_CATEGORIES).toContain(c.category);
        // A fix key is a category or a check id (classify/ does not import the catalogue).
        expect([...PULL_ERROR_CATEGORIES, ...CHECK_IDS]).toContain(c.fixKey);
        expect(c.confidence).toBeGreaterThan(0);
        expect(c.reason.length).toBeGreaterThan(10);
      }
      const confidences = result.candidates.map(c => c.confidence);
      expect(rest.every(c => c.confidence <= first.confidence)).toBe(true);
      expect([...confidences.slice(1)].sort((a, b) => b - a)).toEqual(
        confidences.slice(1),
      );
      expect(confidences.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1.001);
      const [, second] = result.candidates;
      expect(result.ambiguous).toBe(
        second !== undefined && second.confidence >= first.confidence / 2,
      );
    },
  );

  it('gives one candidate when the message names its cause', () => {
    for (const message of [
      'CannotPullContainerError: Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
      'CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /usr/lib/x: no space left on device',
      `CannotPullContainerError: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/abc is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/app`,
    ]) {
      const result = classifyPullError(message);
      expect(result.candidates).toHaveLength(1);
      expect(result.ambiguous).toBe(false);
      expect(result.confidence).toBe('high');
    }
  });

  it('has a candidate for messages no rule knows', () => {
    const result = classifyPullError('something odd happened');
    expect(result.candidates).toEqual([
      expect.objectContaining({ category: 'other', fixKey: 'other' }),
    ]);
    expect(result.ambiguous).toBe(false);
  });

  it('survives JSON, as the backend stores it', () => {
    const result = classifyPullError(
      "Error response from daemon: pull access denied for acme/worker, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    );
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('classifyPullError: messages the text cannot decide', () => {
  it("ranks Docker Hub's DENIED: a missing repository, a private one, a malformed reference", () => {
    for (const message of [
      "Error response from daemon: pull access denied for acme/worker, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      'failed to resolve reference "docker.io/acme/worker:1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      'Error response from daemon: repository acme/worker not found: does not exist or no pull access',
    ]) {
      const result = classifyPullError(message);
      expect(categories(message)).toEqual([
        'repository-not-found',
        'access-denied-registry-auth',
        'invalid-reference',
      ]);
      expect(result.ambiguous).toBe(true);
      expect(result.confidence).toBe('medium');
    }
  });

  it('lets the registry reason after DENIED decide', () => {
    expect(
      classifyPullError(
        `Error response from daemon: pull access denied for ${ECR}/app, repository does not exist or may require 'docker login': denied: Your authorization token has expired. Reauthenticate and try again.`,
      ),
    ).toMatchObject({
      category: 'access-denied-registry-auth',
      ambiguous: false,
    });
    expect(
      classifyPullError(
        `Error response from daemon: pull access denied for ${ECR}/app, repository does not exist or may require 'docker login': denied: The repository with name 'app' does not exist in the registry with id '123456789012'`,
      ),
    ).toMatchObject({ category: 'repository-not-found', ambiguous: false });
  });

  it('ranks a 403 from ECR: a missing permission, then a missing tag or digest', () => {
    const tag = classifyPullError(
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/app:v1: pulling from host ${ECR} failed with status code [manifests v1]: 403 Forbidden`,
    );
    expect(tag.candidates.map(c => c.category)).toEqual([
      'access-denied-iam',
      'manifest-unknown-tag',
    ]);
    expect(tag.ambiguous).toBe(true);
    expect(tag.confidence).toBe('medium');
    expect(
      categories(
        `CannotPullContainerError: failed to resolve ref ${ECR}/app@${DIGEST}: unexpected status from HEAD request to https://${ECR}/v2/app/manifests/${DIGEST}: 403 Forbidden`,
      ),
    ).toEqual(['access-denied-iam', 'manifest-unknown-digest-deleted']);
    // A 403 from the S3 layer bucket is a policy (the endpoint's or the bucket's), nothing else.
    const s3 = classifyPullError(
      `CannotPullContainerError: failed to copy: httpReadSeeker: failed open: unexpected status code ${S3}: 403 Forbidden`,
    );
    expect(s3.category).toBe('access-denied-iam');
    expect(s3.ambiguous).toBe(false);
  });

  it('ranks the two platform causes, and is sure of the category', () => {
    const result = classifyPullError(
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
    );
    expect(result.candidates.map(c => c.category)).toEqual([
      'platform-mismatch',
      'platform-mismatch',
    ]);
    expect(result.candidates[0].reason).toMatch(/index/);
    expect(result.candidates[1].reason).toMatch(/single-platform/);
    expect(result.ambiguous).toBe(true);
    expect(result.confidence).toBe('high');
  });

  it('ranks the causes of a layer count mismatch', () => {
    const rootfs = classifyPullError(
      'CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: mismatched image rootfs and manifest layers',
    );
    expect(rootfs.candidates.map(c => [c.category, c.fixKey])).toEqual([
      ['mixed-compression', 'zstd-docker-media-type'],
      ['layer-count-mismatch', 'layer-count-mismatch'],
      ['attestation-media-type', 'not-an-image'],
    ]);
    expect(rootfs.ambiguous).toBe(true);
    expect(rootfs.confidence).toBe('medium');
    // Fewer layers than diff_ids: containerd skipped layers; more: the config is short of diff_ids.
    expect(
      classifyPullError("number of layers and diffIDs don't match: 3 != 15")
        .category,
    ).toBe('mixed-compression');
    expect(
      classifyPullError("number of layers and diffIDs don't match: 9 != 4")
        .category,
    ).toBe('layer-count-mismatch');
  });

  it('ranks the causes of a tar error: zstd on an old engine, zstd under a Docker type, not a tar', () => {
    const result = classifyPullError(
      'CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): archive/tar: invalid tar header',
    );
    expect(result.candidates.map(c => c.fixKey)).toEqual([
      'zstd-unsupported-runtime',
      'zstd-docker-media-type',
      'not-an-image',
      'registry-network-timeout',
    ]);
    expect(result.ambiguous).toBe(true);
  });

  it('reads a blob that does not match its digest as a download problem first', () => {
    const result = classifyPullError(
      `level=error msg="filesystem layer verification failed for digest ${DIGEST}"`,
    );
    expect(result.candidates.map(c => c.category)).toEqual([
      'registry-network-timeout',
      'other',
      'layer-count-mismatch',
    ]);
    expect(result.ambiguous).toBe(true);
  });

  it("does not let the ECS agent's advice decide", () => {
    const hubDenied =
      "Error response from daemon: pull access denied for some/nonsense, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";
    const iamDenied = `Error response from daemon: pull access denied for ${ECR}/app, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::123456789012:assumed-role/Exec/x is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/app because no identity-based policy allows the ecr:BatchGetImage action`;
    for (const advice of [
      "Check if image exists and role 'Exec' has permissions to pull images from Amazon ECR. ",
      'Check if image exists and role has permissions to pull images from Amazon ECR. ',
    ]) {
      expect(classifyPullError(advice + hubDenied).category).toBe(
        'repository-not-found',
      );
      expect(classifyPullError(advice + iamDenied).category).toBe(
        'access-denied-iam',
      );
    }
    // Alone, the advice is all there is.
    expect(
      classifyPullError(
        'CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images from the registry.',
      ).category,
    ).toBe('access-denied-iam');
  });
});

describe('classifyPullError: truncated messages (issue 15)', () => {
  it('says when a message ends in an ellipsis, and lowers the confidence', () => {
    const full = `CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "${S3}": dial tcp 52.218.1.1:443: i/o timeout`;
    const whole = classifyPullError(full);
    expect(whole.extracted.truncated).toBeUndefined();
    expect(whole.confidence).toBe('high');
    const cut = classifyPullError(`${full.slice(0, 252)}...`);
    expect(cut.category).toBe('registry-network-timeout');
    expect(cut.extracted.truncated).toBe(true);
    expect(cut.confidence).toBe('medium');
    expect(cut.note).toMatch(/cut off/);
    expect(cut.candidates[0].confidence).toBeLessThan(
      whole.candidates[0].confidence,
    );
  });

  it("reads the console's STOPPED (…) cut in the middle of a word", () => {
    const result = classifyPullError(
      'STOPPED (CannotPullContainerError: Error response from daem)',
    );
    expect(result.extracted.truncated).toBe(true);
    expect(result.matchedRule).toBe('pull-error-cut');
    expect(result.confidence).toBe('low');
    expect(result.ambiguous).toBe(true);
    expect(result.candidates.length).toBeGreaterThanOrEqual(3);
    expect(result.note).toMatch(/cut off/);
  });

  it('completes the component phrase the cut split', () => {
    const result = classifyPullError(
      'CannotPullContainerError: containerd: pull command failed: level=info msg="apply failure, attempting cleanup" error="failed to extract layer sha256:0123: context ca...',
    );
    expect(result.extracted.truncated).toBe(true);
    expect(result.category).toBe('image-too-large-or-timeout');
    expect(result.matchedRule).toBe('layer-operation-timeout');
  });

  it('does not take a name that starts like a phrase for a cut', () => {
    const result = classifyPullError(
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/a-long-repository/name:1: ${ECR}/a-long-repo`,
    );
    expect(result.extracted.truncated).toBe(true);
    expect(result.category).toBe('manifest-unknown-tag');
    expect(result.matchedRule).toBe('resolve-cut-off');
    for (const whole of [
      'Error response from daemon: repository acme/app not found: does not exist or no pull access',
      'failed to extract layer sha256:abc: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type: unknown',
      'Error: image operating system "linux" cannot be used on this platform',
    ]) {
      expect(classifyPullError(whole).extracted.truncated).toBeUndefined();
    }
  });

  it("takes a reason exactly as long as the agent's limit for a cut one", () => {
    const start = `CannotPullContainerError: failed to resolve ref ${ECR}/app:1: failed to do request: Head "https://${ECR}/v2/app/manifests/1": `;
    const at255 = start + 'x'.repeat(255 - start.length);
    expect(classifyPullError(at255).extracted.truncated).toBe(true);
    expect(classifyPullError(at255.slice(0, 254)).extracted.truncated).toBe(
      undefined,
    );
  });

  it('reads a Docker Hub manifest GET that Fargate cut before the status as the pull limit', () => {
    const result = classifyPullError(
      'CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:2d964e1dbe7a8c9f03f4e9580ff00220bc84ce0294539c6...',
    );
    expect(result.category).toBe('rate-limited');
    expect(result.extracted.truncated).toBe(true);
    expect(result.confidence).toBe('low');
    expect(result.ambiguous).toBe(true);
    expect(result.candidates.map(c => c.category)).toContain(
      'registry-network-timeout',
    );
  });
});

describe('classifyPullError: the network path to S3 (issue 15)', () => {
  it.each([
    `CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "${S3}": dial tcp 52.218.1.1:443: i/o timeout`,
    `CannotPullContainerError: error pulling image configuration: Get ${S3}: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`,
    `CannotPullContainerError: error pulling image configuration: Get ${S3}: context canceled`,
    `CannotPullContainerError: failed to copy: httpReadSeeker: failed open: failed to do request: Get "${S3}": EOF`,
    `Failed to pull image "${ECR}/app:1": rpc error: code = Unknown desc = error pulling image configuration: Get https://prod-eu-west-1-starport-layer-bucket.s3.amazonaws.com/abc: dial tcp: i/o timeout`,
  ])('is a network path problem, not a big image: %s', message => {
    const result = classifyPullError(message);
    expect(result.category).toBe('registry-network-timeout');
    expect(result.matchedRule).toBe('s3-layer-network');
    expect(result.confidence).toBe('high');
    expect(result.note).toMatch(/S3 gateway endpoint/);
    expect(result.candidates[0].reason).toMatch(/starport-layer-bucket/);
  });

  it('reads the region of the layer bucket', () => {
    expect(
      classifyPullError(
        `CannotPullContainerError: failed to copy: httpReadSeeker: failed open: failed to do request: Get "${S3}": dial tcp 52.218.1.1:443: i/o timeout`,
      ).extracted.region,
    ).toBe('eu-west-1');
  });

  it('treats "context canceled" as a network cause first, a slow pull second', () => {
    const result = classifyPullError(
      'CannotPullContainerError: context canceled',
    );
    expect(result.candidates.map(c => c.category)).toEqual([
      'registry-network-timeout',
      'image-too-large-or-timeout',
    ]);
    expect(result.ambiguous).toBe(true);
  });
});

describe('classifyPullError: "does not exist" in other words (issue 15)', () => {
  it.each([
    'Tag 8.5 not found in repository debian',
    'Error: image acme/web:latest not found',
    'manifest for acme/web:latest not found',
    'Error response from daemon: manifest for acme/web:latest not found: manifest unknown: manifest unknown',
    `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/web:2 not found: manifest unknown: Requested image not found`,
    `failed to resolve reference "${ECR}/web:2": ${ECR}/web:2: not found`,
    'level=error msg="Handler for POST /v1.24/images/create returned error: manifest for mariadb:10.1 not found"',
  ])('reads a missing tag in %s', message => {
    expect(classifyPullError(message).category).toBe('manifest-unknown-tag');
  });

  it('reads a missing digest in the same structures', () => {
    for (const message of [
      `Error response from daemon: manifest for acme/web@${DIGEST} not found`,
      `failed to resolve reference "${ECR}/web@${DIGEST}": ${ECR}/web@${DIGEST}: not found`,
      `ERROR: ghcr.io/acme/web@${DIGEST}: not found`,
    ]) {
      expect(classifyPullError(message).category).toBe(
        'manifest-unknown-digest-deleted',
      );
    }
  });

  it("says containerd's bare not-found may also be a missing repository", () => {
    expect(
      categories(
        `failed to resolve reference "${ECR}/web:2": ${ECR}/web:2: not found`,
      ),
    ).toEqual(['manifest-unknown-tag', 'repository-not-found']);
    // The registry's MANIFEST_UNKNOWN code says the repository exists.
    expect(
      categories(
        'Error response from daemon: manifest for acme/web:latest not found: manifest unknown: manifest unknown',
      ),
    ).toEqual(['manifest-unknown-tag']);
  });

  it('names the missing platform manifest of an index', () => {
    const result = classifyPullError(
      `Error: copying system image from manifest list: determining manifest MIME type for docker://ghcr.io/acme/web:1.0: reading manifest ${DIGEST} in ghcr.io/acme/web: manifest unknown`,
    );
    expect(result).toMatchObject({
      category: 'manifest-unknown-digest-deleted',
      fixKey: 'platform-manifest-missing',
    });
  });
});
