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
 * Digest algorithms the OCI image spec and containerd accept, with the length of their lowercase
 * hex encoding.
 *
 * @internal
 */
export const DIGEST_ALGORITHMS: Readonly<Record<string, number>> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

const DIGEST_SHAPE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Checks a digest string (`sha256:<64 lowercase hex>`). Returns why it is invalid, or undefined
 * when it is a valid digest of a supported algorithm.
 *
 * @internal
 */
export function digestProblem(digest: string): string | undefined {
  if (digest === '') {
    return 'digest is empty';
  }
  const colon = digest.indexOf(':');
  if (colon < 0) {
    return `digest '${digest}' has no algorithm; expected 'sha256:<64 hex characters>'`;
  }
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!DIGEST_SHAPE.test(digest)) {
    return `digest '${digest}' is malformed; expected 'algorithm:hex', e.g. 'sha256:<64 hex characters>'`;
  }
  const length = DIGEST_ALGORITHMS[algorithm];
  if (length === undefined) {
    return `digest algorithm '${algorithm}' is not supported (use ${Object.keys(
      DIGEST_ALGORITHMS,
    ).join(', ')})`;
  }
  if (!/^[0-9a-fA-F]*$/.test(encoded)) {
    return `${algorithm} digest must be hexadecimal, got '${encoded}'`;
  }
  if (encoded.length !== length) {
    return `${algorithm} digest must have ${length} hex characters, got ${encoded.length}`;
  }
  if (encoded !== encoded.toLowerCase()) {
    return `${algorithm} digest must be lowercase hex`;
  }
  return undefined;
}
