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

import { BuiltArtifact, flatten } from './build';

export interface PushOptions {
  /** e.g. `http://127.0.0.1:5000` */
  registryUrl: string;
  repository: string;
  /** Tag to put on the top manifest; children are pushed by digest. Omit to push by digest. */
  tag?: string;
  /** `Authorization` header value (basic or bearer). */
  authorization?: string;
}

async function checked(response: Response, what: string): Promise<Response> {
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
  }
  return response;
}

/**
 * Pushes an image, index or artifact to a registry through the OCI Distribution API: blobs by
 * monolithic upload (skipped when the registry already has them), then manifests children first.
 * Returns the digest of the top manifest.
 */
export async function pushArtifact(
  artifact: BuiltArtifact,
  options: PushOptions,
): Promise<string> {
  const base = `${options.registryUrl.replace(/\/$/, '')}/v2/${
    options.repository
  }`;
  const headers: Record<string, string> = options.authorization
    ? { authorization: options.authorization }
    : {};
  const { manifests, blobs } = flatten(artifact);

  for (const blob of blobs) {
    const head = await fetch(`${base}/blobs/${blob.digest}`, {
      method: 'HEAD',
      headers,
    });
    if (head.ok) continue;
    const start = await checked(
      await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers }),
      `start upload of ${blob.digest}`,
    );
    const location = new URL(
      start.headers.get('location')!,
      options.registryUrl,
    );
    location.searchParams.set('digest', blob.digest);
    await checked(
      await fetch(location, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        // A copy on a plain ArrayBuffer: with the ES2024 lib a Buffer (ArrayBufferLike) is no BodyInit.
        body: new Uint8Array(blob.data),
      }),
      `upload of ${blob.digest}`,
    );
  }

  for (const manifest of manifests) {
    const isTop = manifest.digest === artifact.manifest.digest;
    const ref = isTop && options.tag ? options.tag : manifest.digest;
    await checked(
      await fetch(`${base}/manifests/${ref}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': manifest.mediaType },
        body: new Uint8Array(manifest.data),
      }),
      `push of manifest ${manifest.digest} as ${ref}`,
    );
  }
  return artifact.manifest.digest;
}

/** Deletes a blob (the registry must allow deletes). */
export async function deleteBlob(
  options: Omit<PushOptions, 'tag'>,
  digest: string,
): Promise<void> {
  const url = `${options.registryUrl.replace(/\/$/, '')}/v2/${
    options.repository
  }/blobs/${digest}`;
  await checked(
    await fetch(url, {
      method: 'DELETE',
      headers: options.authorization
        ? { authorization: options.authorization }
        : {},
    }),
    `delete of blob ${digest}`,
  );
}

/** Deletes a manifest by digest (the registry must allow deletes). */
export async function deleteManifest(
  options: Omit<PushOptions, 'tag'>,
  digest: string,
): Promise<void> {
  const url = `${options.registryUrl.replace(/\/$/, '')}/v2/${
    options.repository
  }/manifests/${digest}`;
  await checked(
    await fetch(url, {
      method: 'DELETE',
      headers: options.authorization
        ? { authorization: options.authorization }
        : {},
    }),
    `delete of manifest ${digest}`,
  );
}
