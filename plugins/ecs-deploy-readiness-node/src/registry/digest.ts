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

import { createHash } from 'node:crypto';
import { DIGEST_ALGORITHMS } from '../reference/digest';

/**
 * Digest of bytes with a registered algorithm (`sha256` by default), as `algorithm:hex`.
 *
 * @internal
 */
export function computeDigest(bytes: Buffer, algorithm = 'sha256'): string {
  if (DIGEST_ALGORITHMS[algorithm] === undefined) {
    throw new TypeError(`unsupported digest algorithm ${algorithm}`);
  }
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function base64UrlDecode(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * The bytes a manifest's digest is computed over. For every type this is the bytes as served,
 * except a signed Docker schema 1 manifest (JWS), whose digest covers the payload without the
 * `signatures` (the `formatLength` prefix plus the `formatTail` of the protected header).
 */
function digestedBytes(bytes: Buffer): Buffer {
  // Cheap test first: only schema 1 documents with signatures need the JWS payload.
  if (!bytes.includes('"signatures"')) {
    return bytes;
  }
  try {
    const json = JSON.parse(bytes.toString('utf8'));
    const signature =
      json?.schemaVersion === 1 ? json.signatures?.[0] : undefined;
    if (typeof signature?.protected !== 'string') {
      return bytes;
    }
    const header = JSON.parse(
      base64UrlDecode(signature.protected).toString('utf8'),
    );
    const length = header.formatLength;
    if (!Number.isInteger(length) || length < 0 || length > bytes.length) {
      return bytes;
    }
    return Buffer.concat([
      bytes.subarray(0, length),
      base64UrlDecode(String(header.formatTail ?? '')),
    ]);
  } catch {
    return bytes;
  }
}

/**
 * Digest of a manifest as registries compute it (schema 1 JWS signatures excluded), with the
 * algorithm of `algorithm` (default sha256).
 *
 * @internal
 */
export function manifestDigest(bytes: Buffer, algorithm = 'sha256'): string {
  return computeDigest(digestedBytes(bytes), algorithm);
}

/** The algorithm part of a valid digest. */
export function digestAlgorithm(digest: string): string {
  return digest.slice(0, digest.indexOf(':'));
}
