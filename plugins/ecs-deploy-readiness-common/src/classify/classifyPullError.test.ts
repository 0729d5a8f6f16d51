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

import { PULL_ERROR_CATEGORIES } from '../types';
import { classifyPullError } from './classifyPullError';
import { REAL_MESSAGES } from './__fixtures__/realMessages';

const DIGEST = `sha256:${'0123abcd'.repeat(8)}`;
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

const PLATFORM_CORE =
  "pull image manifest has been retried 5 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'";
const TAG_CORE = `pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/shop:v7: ${ECR}/shop:v7: not found`;
const NETWORK_CORE =
  'failed to resolve ref docker.io/library/nginx:1.27: failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/1.27": dial tcp 54.236.113.205:443: i/o timeout';

describe('classifyPullError: prefixes and wrappers', () => {
  const prefixes = [
    '',
    'CannotPullContainerError: ',
    'CannotPullECRContainerError: ',
    'TaskFailedToStart: CannotPullContainerError: ',
    'DockerTimeoutError: ',
    'CannotPullContainerError: Error response from daemon: ',
    'CannotPullContainerError: API error (500): ',
  ];
  it.each(prefixes)('keeps the cause behind the prefix "%s"', prefix => {
    expect(classifyPullError(prefix + PLATFORM_CORE).category).toBe(
      'platform-mismatch',
    );
    expect(classifyPullError(prefix + TAG_CORE).category).toBe(
      'manifest-unknown-tag',
    );
  });

  it('reads the reason inside service events', () => {
    const event = `(service shop-web) was unable to place a task. Reason: CannotPullContainerError: ${TAG_CORE}.`;
    const result = classifyPullError(event);
    expect(result.category).toBe('manifest-unknown-tag');
    expect(result.extracted.tag).toBe('v7');
    expect(
      classifyPullError(
        `(service shop-web) (task 0f3c9a) failed to start: ResourceInitializationError: ${NETWORK_CORE}`,
      ).category,
    ).toBe('registry-network-timeout');
  });

  it('says "other" for service events without a pull cause', () => {
    for (const event of [
      '(service shop-web) has started 1 tasks: (task 0f3c9a2b1e).',
      '(service shop-web) has reached a steady state.',
      '(service shop-web) was unable to place a task because no container instance met all of its requirements.',
    ]) {
      expect(classifyPullError(event).category).toBe('other');
    }
  });

  it('reads agent log lines with escaped quotes', () => {
    const line = `level=error time=2024-06-01T12:00:00Z msg="Error pulling image" image="${ECR}/shop:v7" error="CannotPullContainerError: ${TAG_CORE.replace(
      /"/g,
      '\\"',
    )}"`;
    const result = classifyPullError(line);
    expect(result.category).toBe('manifest-unknown-tag');
    expect(result.extracted.registry).toBe(ECR);
  });

  it('reads typographic quotes like ASCII ones', () => {
    expect(
      classifyPullError(
        'CannotPullContainerError: ref pull has been retried 1 time(s): number of layers and diffIDs don’t match: 4 != 11',
      ).category,
    ).toBe('mixed-compression');
    expect(
      classifyPullError(
        'CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images from the registry.',
      ).category,
    ).toBe('access-denied-iam');
  });

  it('reads multi-line input as one message', () => {
    const result = classifyPullError(
      `level=info msg="Pulling image"\nlevel=error msg="${PLATFORM_CORE}"\nlevel=info msg="done"`,
    );
    expect(result.category).toBe('platform-mismatch');
  });
});

describe('classifyPullError: truncated messages', () => {
  it('keeps the category when the cut falls after the cause', () => {
    const long = `CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer ${DIGEST}: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type: unknown`;
    const end = long.indexOf('in-toto') + 'in-toto'.length;
    for (const cut of [end + 5, end + 20, long.length - 3]) {
      const truncated = `${long.slice(0, cut)}...`;
      expect(classifyPullError(truncated).category).toBe(
        'attestation-media-type',
      );
    }
  });

  it('falls back to the most probable cause, with low confidence, when the cause was cut off', () => {
    const message = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/a-very-long-repository-name/with/nested/paths:build-2024-06-01-abcdef: ${ECR}/a-very-long-repo`;
    const result = classifyPullError(message);
    expect(result.category).toBe('manifest-unknown-tag');
    expect(result.confidence).toBe('low');
    expect(result.note).toMatch(/cut off/);
    expect(result.extracted.repository).toBe(
      'a-very-long-repository-name/with/nested/paths',
    );
  });

  it('uses the digest of a cut-off version-consistency pull', () => {
    const result = classifyPullError(
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/shop@${DIGEST}: ${ECR}/sh…`,
    );
    expect(result.category).toBe('manifest-unknown-digest-deleted');
    expect(result.confidence).toBe('low');
    expect(result.extracted.digest).toBe(DIGEST);
  });

  it('never throws on any prefix of the real messages', () => {
    for (const [message] of REAL_MESSAGES) {
      for (let cut = 0; cut <= message.length; cut += 7) {
        const result = classifyPullError(`${message.slice(0, cut)}...`);
        expect(PULL_ERROR_CATEGORIES).toContain(result.category);
      }
    }
  });
});

describe('classifyPullError: masked account ids', () => {
  it.each(['<ACCOUNT>', '***', 'xxxxxxxxxxxx', '************'])(
    'extracts the reference around the mask %s',
    mask => {
      const result = classifyPullError(
        `CannotPullContainerError: Error response from daemon: manifest for ${mask}.dkr.ecr.us-west-2.amazonaws.com/payments:2.0 not found: manifest unknown: Requested image not found`,
      );
      expect(result.category).toBe('manifest-unknown-tag');
      expect(result.extracted).toMatchObject({
        registry: `${mask}.dkr.ecr.us-west-2.amazonaws.com`,
        repository: 'payments',
        tag: '2.0',
        region: 'us-west-2',
      });
      expect(result.extracted.accountId).toBeUndefined();
      expect(result.fixVars.accountId).toBeUndefined();
      expect(result.fixVars.repository).toBe('payments');
    },
  );
});

describe('classifyPullError: extraction', () => {
  it('reads an ECR reference with tag and digest', () => {
    const result = classifyPullError(
      `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/team/api:1.4@${DIGEST} not found: manifest unknown: Requested image not found`,
    );
    const facts = {
      image: `${ECR}/team/api:1.4@${DIGEST}`,
      registry: ECR,
      repository: 'team/api',
      tag: '1.4',
      digest: DIGEST,
      accountId: '123456789012',
      region: 'eu-west-1',
    };
    expect(result.category).toBe('manifest-unknown-digest-deleted');
    expect(result.extracted).toEqual(facts);
    // Every fact here tailors the fix.
    expect(result.fixKey).toBe('manifest-unknown-digest-deleted');
    expect(result.fixVars).toEqual(facts);
  });

  it('reads platform, retries and the Docker Hub default registry', () => {
    const result = classifyPullError(
      `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref "node:20-alpine": image Manifest does not contain descriptor matching platform 'linux/arm64/v8'`,
    );
    expect(result.extracted).toMatchObject({
      image: 'node:20-alpine',
      registry: 'docker.io',
      repository: 'library/node',
      tag: '20-alpine',
      platform: 'linux/arm64/v8',
      retryCount: 7,
    });
    expect(result.fixVars).toMatchObject({
      image: 'node:20-alpine',
      platform: 'linux/arm64/v8',
    });
  });

  it('reads the platform the runtime wanted, not the one the image has', () => {
    expect(
      classifyPullError(
        'image with reference arm64v8/alpine was found but does not match the specified platform: wanted linux/amd64, actual: linux/arm64/v8',
      ).extracted.platform,
    ).toBe('linux/amd64');
  });

  it('reads layer and diffID counts', () => {
    const result = classifyPullError(
      "ref pull has been retried 1 time(s): number of layers and diffIDs don't match: 3 != 15",
    );
    expect(result.extracted).toMatchObject({
      layerCount: 3,
      diffIdCount: 15,
      retryCount: 1,
    });
    expect(result.confidence).toBe('high');
  });

  it('reads HTTP status and media type', () => {
    expect(
      classifyPullError(
        'failed to resolve reference "ghcr.io/org/app:1": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
      ).extracted.httpStatus,
    ).toBe(401);
    expect(
      classifyPullError(
        `CannotPullContainerError: API error (404): repository ${ECR}/app not found`,
      ).extracted.httpStatus,
    ).toBe(404);
    const attestation = classifyPullError(
      `failed to extract layer ${DIGEST}: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type: unknown`,
    );
    expect(attestation.extracted.mediaType).toBe(
      'application/vnd.in-toto+json',
    );
    // A layer digest is not the image digest.
    expect(attestation.extracted.digest).toBeUndefined();
  });

  it('reads account, region and repository from ECR ARNs and API hosts', () => {
    expect(
      classifyPullError(
        'CannotPullContainerError: AccessDeniedException: User: arn:aws:sts::210987654321:assumed-role/exec/abc is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:ap-south-1:210987654321:repository/billing/api because no resource-based policy allows the ecr:BatchGetImage action',
      ).extracted,
    ).toMatchObject({
      accountId: '210987654321',
      region: 'ap-south-1',
      repository: 'billing/api',
      registry: '210987654321.dkr.ecr.ap-south-1.amazonaws.com',
    });
    expect(
      classifyPullError(
        'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.sa-east-1.amazonaws.com/": dial tcp 10.0.0.1:443: i/o timeout',
      ).extracted.region,
    ).toBe('sa-east-1');
  });

  it('reads the repository from a Distribution API URL', () => {
    expect(
      classifyPullError(
        'Error response from daemon: Get https://registry.example.com:5000/v2/team/app/manifests/1.0: unauthorized: authentication required',
      ).extracted,
    ).toMatchObject({
      registry: 'registry.example.com:5000',
      repository: 'team/app',
      tag: '1.0',
    });
  });

  it('leaves out what the message does not show', () => {
    expect(
      classifyPullError('CannotPullContainerError: context canceled').extracted,
    ).toEqual({});
  });
});

describe('classifyPullError: result', () => {
  it.each(REAL_MESSAGES.map(([m]) => m))('is complete for %s', message => {
    const result = classifyPullError(message);
    expect(result.fixKey).toBeDefined();
    expect(['high', 'medium', 'low']).toContain(result.confidence);
    expect(result.matchedRule).toBeDefined();
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('explains ambiguous Docker Hub answers and says so', () => {
    const result = classifyPullError(
      "Error response from daemon: pull access denied for acme/worker, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    );
    // Docker Hub sends DENIED for a missing and for a private repository; the ECS agent reads it
    // as a missing image, so that comes first and the credentials next (issue 15).
    expect(result.category).toBe('repository-not-found');
    expect(result.candidates.map(c => c.category)).toEqual([
      'repository-not-found',
      'access-denied-registry-auth',
      'invalid-reference',
    ]);
    expect(result.ambiguous).toBe(true);
    expect(result.confidence).toBe('medium');
    expect(result.note).toMatch(/spelling/);
  });

  it('uses the narrower fix for a missing blob', () => {
    const result = classifyPullError(
      `failed to copy: httpReadSeeker: failed open: content at https://${ECR}/v2/app/blobs/${DIGEST} not found: not found`,
    );
    expect(result.category).toBe('other');
    expect(result.fixKey).toBe('missing-blob');
  });

  it('gives low-confidence "other" when nothing matches', () => {
    const result = classifyPullError('something odd happened');
    expect(result).toMatchObject({ category: 'other', confidence: 'low' });
    expect(result.matchedRule).toBeUndefined();
  });
});

describe('classifyPullError: never throws', () => {
  // A small deterministic PRNG, so a failure can be reproduced.
  function random(seed: number) {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }
  const fragments = [
    'CannotPullContainerError: ',
    'failed to resolve ref ',
    'manifest for ',
    ' not found',
    '@sha256:',
    'dial tcp ',
    "repository with name '",
    'https://x.dkr.ecr.us-east-1.amazonaws.com/v2/',
    '/manifests/',
    'no processor for media-type',
    'retried 5 time(s)',
    '"',
    '\\"',
    ':',
    '/',
    '<ACCOUNT>',
    '***',
    '\n',
    '\u0000',
    '\ud800',
    '🙂',
  ];

  it('survives thousands of random, binary and adversarial strings', () => {
    const next = random(42);
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(next() * 400);
      let input = '';
      for (let j = 0; j < length; j++) {
        input +=
          next() < 0.5
            ? fragments[Math.floor(next() * fragments.length)]
            : String.fromCharCode(Math.floor(next() * 0x10000));
      }
      const result = classifyPullError(input);
      expect(PULL_ERROR_CATEGORIES).toContain(result.category);
    }
  });

  it('accepts non-strings', () => {
    const hostile = {
      toString() {
        throw new Error('boom');
      },
    };
    for (const input of [undefined, null, 42, {}, [], hostile, Symbol('x')]) {
      expect(classifyPullError(input as unknown as string)).toMatchObject({
        category: 'other',
        confidence: 'low',
      });
    }
  });

  it('reads huge input quickly and only its first 16 KiB', () => {
    const repeated = fragments.join('').repeat(20_000); // about 5 MB
    const started = Date.now();
    expect(() => classifyPullError(repeated)).not.toThrow();
    expect(
      classifyPullError(`${'x'.repeat(20_000)} no space left on device`)
        .category,
    ).toBe('other');
    for (const fragment of fragments) {
      classifyPullError(fragment.repeat(16 * 1024));
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
