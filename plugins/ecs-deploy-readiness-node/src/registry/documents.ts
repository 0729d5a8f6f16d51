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

import { effectiveMediaType } from '../analysis/documents';
import { digestProblem } from '../reference/digest';
import { computeDigest, digestAlgorithm, manifestDigest } from './digest';
import { FetchedManifest, RegistryError } from './types';

/** True when `reference` (a tag or a digest) is a digest; tags cannot contain ':'. */
export function isDigestReference(reference: string): boolean {
  return reference.includes(':');
}

/**
 * Checks that fetched bytes are a manifest or index and match their digests, and gives the
 * FetchedManifest. Used by every registry client, so every manifest is verified the same way:
 * a by-digest fetch must hash to that digest, and a digest the registry claims (the
 * `Docker-Content-Digest` header, ECR's `imageDigest`) must match too.
 */
export function verifiedManifest(input: {
  bytes: Buffer;
  registry: string;
  repository: string;
  /** Tag or digest it was fetched by. */
  reference: string;
  /** Content-Type or ECR's `imageManifestMediaType`. */
  declaredMediaType?: string;
  /** A digest the registry stated for these bytes, and where it stated it. */
  claimedDigest?: { digest: string; source: string };
}): FetchedManifest {
  const { bytes, registry, repository, reference } = input;
  const what = `the manifest ${repository}${
    isDigestReference(reference) ? '@' : ':'
  }${reference}`;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError(
      'bad-response',
      `${registry} sent ${what} that is not valid JSON`,
      {
        registry,
      },
    );
  }
  const document = json as { schemaVersion?: unknown; mediaType?: unknown };
  if (
    typeof json !== 'object' ||
    json === null ||
    Array.isArray(json) ||
    typeof document.schemaVersion !== 'number'
  ) {
    throw new RegistryError(
      'bad-response',
      `${registry} sent ${what} that is not a manifest or index (no schemaVersion)`,
      { registry },
    );
  }

  const expectations: Array<{ digest: string; source: string }> = [];
  if (isDigestReference(reference)) {
    expectations.push({ digest: reference, source: 'the requested digest' });
  }
  if (input.claimedDigest && !digestProblem(input.claimedDigest.digest)) {
    expectations.push(input.claimedDigest);
  }
  for (const expected of expectations) {
    const actual = manifestDigest(bytes, digestAlgorithm(expected.digest));
    if (actual !== expected.digest) {
      throw new RegistryError(
        'digest-mismatch',
        `${registry} sent ${what} whose content hashes to ${actual}, not ${expected.digest} (${expected.source})`,
        { registry },
      );
    }
  }

  const mediaType = effectiveMediaType(
    document.mediaType,
    input.declaredMediaType,
  );
  return {
    digest: isDigestReference(reference) ? reference : manifestDigest(bytes),
    ...(mediaType ? { mediaType } : {}),
    bytes,
  };
}

/** Checks that a blob hashes to its digest. */
export function verifyBlob(
  bytes: Buffer,
  digest: string,
  registry: string,
  repository: string,
): Buffer {
  const actual = computeDigest(bytes, digestAlgorithm(digest));
  if (actual !== digest) {
    throw new RegistryError(
      'digest-mismatch',
      `${registry} sent the blob ${repository}@${digest} whose content hashes to ${actual}`,
      { registry },
    );
  }
  return bytes;
}

/**
 * Rejects an invalid digest argument before any request, as `invalid-argument`: a digest that
 * cannot exist is the caller's mistake, never "not found".
 */
export function assertDigest(digest: string, registry: string): void {
  const problem = digestProblem(digest);
  if (problem) {
    throw new RegistryError(
      'invalid-argument',
      `'${digest}' is not a valid digest: ${problem}`,
      { registry },
    );
  }
}
