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

import {
  DOCKER_HUB_REGISTRY,
  MANIFEST_MEDIA_TYPES,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

import { CredentialsFor, RegistryAuthenticator } from './auth';
import { isCanceled, mapWithConcurrency } from './concurrency';
import {
  assertDigest,
  isDigestReference,
  verifiedManifest,
  verifyBlob,
} from './documents';
import { SafeHttpClient, SafeResponse } from './http';
import { DEFAULT_CAPS, RegistryCaps } from './options';
import { quoteRegistryText } from './text';
import {
  FetchedManifest,
  RegistryCallOptions,
  RegistryClient,
  RegistryError,
  RegistryErrorKind,
  TagTarget,
} from './types';

/** The host that serves Docker Hub's Distribution API. */
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/**
 * Options of {@link OciRegistryClient}.
 *
 * @internal
 */
export interface OciRegistryClientOptions {
  /** Registry host as references name it (`docker.io`, `ghcr.io`, `host:port`). */
  registry: string;
  /** Where the Distribution API is; requests go to `${baseUrl}/v2/…`. Default: {@link distributionBaseUrl}. */
  baseUrl?: string;
  http: SafeHttpClient;
  credentialsFor?: CredentialsFor;
  caps?: Pick<RegistryCaps, 'manifestBytes' | 'blobBytes'>;
  /**
   * Blob HEAD requests in flight at once in `blobsExist`. Default 8. Each HEAD also takes a slot
   * of the call's `requestSlots`, which bound them all.
   */
  concurrency?: number;
}

const PATH =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;

/**
 * Distribution error codes that say the request itself was malformed (OCI Distribution spec,
 * "Error Codes", and the 400 answers of the pull endpoints: "the name or reference was invalid").
 * `TAG_INVALID` is gone from the current table but registries (CNCF distribution) still send it.
 */
const MALFORMED_REQUEST_CODES = new Set([
  'NAME_INVALID',
  'TAG_INVALID',
  'DIGEST_INVALID',
]);

/**
 * The Distribution API base URL of a registry: the configured endpoint when there is one, plain
 * HTTP for insecure registries, else `https://<host>`; Docker Hub (`docker.io`) is served by
 * `registry-1.docker.io`.
 *
 * @public
 */
export function distributionBaseUrl(
  registry: string,
  options: {
    registryEndpoints?: Record<string, string>;
    insecureRegistries?: string[];
  } = {},
): string {
  const override = options.registryEndpoints?.[registry];
  if (override) {
    return override.replace(/\/+$/, '');
  }
  const host =
    registry === DOCKER_HUB_REGISTRY ? DOCKER_HUB_API_HOST : registry;
  const insecure = (options.insecureRegistries ?? []).some(
    entry =>
      entry.toLowerCase() === registry.toLowerCase() ||
      entry.toLowerCase() === host,
  );
  return `${insecure ? 'http' : 'https'}://${host}`;
}

function header(response: SafeResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The first `{code, message}` of a Distribution API error body, if any. */
function distributionError(body: Buffer): { code?: string; message?: string } {
  try {
    const first = JSON.parse(body.toString('utf8'))?.errors?.[0];
    // Registry text goes into messages: redacted, printable ASCII only, and short.
    const clean = (v: unknown) =>
      typeof v === 'string' ? quoteRegistryText(v, 200) : undefined;
    return { code: clean(first?.code), message: clean(first?.message) };
  } catch {
    return {};
  }
}

/**
 * A client of the OCI Distribution API (Docker Hub, GHCR, Quay, ECR Public, Harbor, the CNCF
 * registry…): manifests with every manifest media type accepted, blobs by digest, anonymous,
 * Basic or Bearer-token authentication, every document verified against its digest, errors mapped
 * to {@link RegistryError} kinds.
 *
 * @internal
 */
export class OciRegistryClient implements RegistryClient {
  readonly registry: string;
  private readonly baseUrl: string;
  private readonly http: SafeHttpClient;
  private readonly auth: RegistryAuthenticator;
  private readonly caps: Required<
    Pick<RegistryCaps, 'manifestBytes' | 'blobBytes'>
  >;
  private readonly concurrency: number;

  constructor(options: OciRegistryClientOptions) {
    this.registry = options.registry;
    this.baseUrl = (
      options.baseUrl ?? distributionBaseUrl(options.registry)
    ).replace(/\/+$/, '');
    this.http = options.http;
    this.auth = new RegistryAuthenticator({
      registry: options.registry,
      http: options.http,
      credentialsFor: options.credentialsFor,
    });
    this.caps = {
      manifestBytes: options.caps?.manifestBytes ?? DEFAULT_CAPS.manifestBytes,
      blobBytes: options.caps?.blobBytes ?? DEFAULT_CAPS.blobBytes,
    };
    this.concurrency = options.concurrency ?? 8;
  }

  async getManifest(
    repository: string,
    reference: string,
    options: RegistryCallOptions = {},
  ): Promise<FetchedManifest> {
    this.checkRepository(repository);
    if (isDigestReference(reference)) {
      assertDigest(reference, this.registry);
    } else if (!TAG.test(reference)) {
      throw new RegistryError(
        'invalid-argument',
        `'${reference}' is not a valid tag`,
        {
          registry: this.registry,
        },
      );
    }
    const response = await this.send(repository, `manifests/${reference}`, {
      accept: MANIFEST_MEDIA_TYPES.join(', '),
      maxBodyBytes: this.caps.manifestBytes,
      call: options,
    });
    if (response.status !== 200) {
      throw await this.manifestError(response, repository, reference, options);
    }
    const claimed = header(response, 'docker-content-digest');
    return verifiedManifest({
      bytes: response.body,
      registry: this.registry,
      repository,
      reference,
      declaredMediaType: header(response, 'content-type'),
      claimedDigest: claimed
        ? { digest: claimed.trim(), source: 'the Docker-Content-Digest header' }
        : undefined,
    });
  }

  /**
   * `HEAD /v2/<name>/manifests/<tag>`: the tag's digest from `Docker-Content-Digest`, or
   * undefined when the registry sends none (or one that is not a digest); errors as
   * {@link OciRegistryClient.getManifest}.
   */
  async tagDigest(
    repository: string,
    tag: string,
    options: RegistryCallOptions = {},
  ): Promise<TagTarget | undefined> {
    this.checkRepository(repository);
    if (!TAG.test(tag)) {
      throw new RegistryError(
        'invalid-argument',
        `'${tag}' is not a valid tag`,
        {
          registry: this.registry,
        },
      );
    }
    const response = await this.send(repository, `manifests/${tag}`, {
      method: 'HEAD',
      accept: MANIFEST_MEDIA_TYPES.join(', '),
      call: options,
    });
    if (response.status !== 200) {
      throw await this.manifestError(response, repository, tag, options);
    }
    const digest = header(response, 'docker-content-digest')?.trim();
    if (!digest || !isDigestReference(digest)) return undefined;
    const mediaType = header(response, 'content-type')?.split(';')[0].trim();
    return { digest, ...(mediaType ? { mediaType } : {}) };
  }

  /**
   * `HEAD /v2/<name>/manifests/<digest>` with every manifest media type in `Accept` (some
   * registries answer 404 for a manifest whose type is not accepted). A HEAD answer has no body,
   * so a 404 is told apart from a missing repository by the same `tags/list` probe as
   * {@link OciRegistryClient.getManifest}.
   */
  async manifestExists(
    repository: string,
    digest: string,
    options: RegistryCallOptions = {},
  ): Promise<boolean> {
    this.checkRepository(repository);
    assertDigest(digest, this.registry);
    const response = await this.send(repository, `manifests/${digest}`, {
      method: 'HEAD',
      accept: MANIFEST_MEDIA_TYPES.join(', '),
      call: options,
    });
    if (response.status === 200) {
      return true;
    }
    const error = await this.manifestError(
      response,
      repository,
      digest,
      options,
    );
    if (error.kind === 'manifest-not-found') {
      return false;
    }
    throw error;
  }

  async getBlob(
    repository: string,
    digest: string,
    options: RegistryCallOptions = {},
  ): Promise<Buffer> {
    this.checkRepository(repository);
    assertDigest(digest, this.registry);
    const response = await this.send(repository, `blobs/${digest}`, {
      maxBodyBytes: this.caps.blobBytes,
      call: options,
    });
    if (response.status !== 200) {
      throw await this.errorFor(response, 'blob', repository, digest, options);
    }
    return verifyBlob(response.body, digest, this.registry, repository);
  }

  /**
   * One `HEAD /v2/<name>/blobs/<digest>` per blob, `concurrency` at a time, each in a slot of
   * `options.requestSlots` when given. After an abort no request starts, and those in flight are
   * destroyed.
   */
  async blobsExist(
    repository: string,
    digests: string[],
    options: RegistryCallOptions = {},
  ): Promise<Map<string, boolean>> {
    const { signal } = options;
    this.checkRepository(repository);
    const unique = [...new Set(digests)];
    unique.forEach(d => assertDigest(d, this.registry));
    const found = await mapWithConcurrency(
      unique,
      this.concurrency,
      async digest => {
        // A redirect means the registry knows the blob and sends it from storage; following it
        // with HEAD would fail on URLs presigned for GET.
        const response = await this.send(repository, `blobs/${digest}`, {
          method: 'HEAD',
          followRedirects: false,
          call: options,
        });
        if (
          response.status === 200 ||
          (response.status >= 300 && response.status < 400)
        ) {
          return true;
        }
        if (response.status === 404) {
          return false;
        }
        throw await this.errorFor(
          response,
          'blob',
          repository,
          digest,
          options,
        );
      },
      { signal, registry: this.registry },
    );
    return new Map(unique.map((digest, i) => [digest, found[i]]));
  }

  /**
   * The error for a manifest request that did not succeed, as `errorFor` maps it, except that a
   * "manifest unknown" in a repository that does not exist is `repository-not-found`.
   */
  private async manifestError(
    response: SafeResponse,
    repository: string,
    reference: string,
    call: RegistryCallOptions,
  ): Promise<RegistryError> {
    const error = await this.errorFor(
      response,
      'manifest',
      repository,
      reference,
      call,
    );
    return error.kind === 'manifest-not-found' &&
      (await this.repositoryMissing(repository, call))
      ? new RegistryError(
          'repository-not-found',
          `repository ${repository} not found on ${this.registry}`,
          { registry: this.registry, httpStatus: response.status },
        )
      : error;
  }

  /**
   * Some registries (the CNCF registry among them) answer MANIFEST_UNKNOWN for a repository that
   * does not exist, and a HEAD answer carries no error code at all; the tag list tells:
   * NAME_UNKNOWN means the repository is missing. Any other answer, or an error, leaves the
   * manifest error as it was; a cancellation is not an answer and is thrown.
   */
  private async repositoryMissing(
    repository: string,
    call: RegistryCallOptions,
  ): Promise<boolean> {
    try {
      const response = await this.send(repository, 'tags/list?n=1', {
        maxBodyBytes: 64 * 1024,
        call,
      });
      return (
        response.status === 404 &&
        distributionError(response.body).code === 'NAME_UNKNOWN'
      );
    } catch (error) {
      if (isCanceled(error)) throw error;
      return false;
    }
  }

  private checkRepository(repository: string): void {
    if (!PATH.test(repository) || repository.length > 255) {
      throw new RegistryError(
        'invalid-argument',
        `'${repository}' is not a valid repository name`,
        {
          registry: this.registry,
        },
      );
    }
  }

  /**
   * One request, answering a 401 challenge once, under the caller's signal throughout; each
   * HTTP request (the token's too) in its own slot of the call's `requestSlots`.
   */
  private async send(
    repository: string,
    path: string,
    options: {
      method?: 'GET' | 'HEAD';
      accept?: string;
      maxBodyBytes?: number;
      followRedirects?: boolean;
      call: RegistryCallOptions;
    },
  ): Promise<SafeResponse> {
    const { signal, requestSlots } = options.call;
    const url = `${this.baseUrl}/v2/${repository}/${path}`;
    const request = (authorization: string | undefined) =>
      this.http.request(url, {
        method: options.method,
        headers: options.accept ? { accept: options.accept } : undefined,
        maxBodyBytes: options.maxBodyBytes,
        followRedirects: options.followRedirects,
        registry: this.registry,
        authorization,
        signal,
        requestSlots,
      });
    const first = await this.auth.authorizationFor(repository, options.call);
    const response = await request(first);
    if (response.status !== 401) {
      return response;
    }
    const retry = await this.auth.answer(
      repository,
      header(response, 'www-authenticate'),
      first,
      options.call,
    );
    return request(retry);
  }

  private async errorFor(
    response: SafeResponse,
    what: 'manifest' | 'blob',
    repository: string,
    reference: string,
    call: RegistryCallOptions,
  ): Promise<RegistryError> {
    const { status } = response;
    const { code, message } = distributionError(response.body);
    const separator = isDigestReference(reference) ? '@' : ':';
    const subject = `${what} ${repository}${separator}${reference}`;
    const said = code ? `: ${code}${message ? ` (${message})` : ''}` : '';
    let kind: RegistryErrorKind = 'bad-response';
    let text = `${this.registry} answered HTTP ${status} for the ${subject}${said}`;
    if (code && MALFORMED_REQUEST_CODES.has(code)) {
      kind = 'invalid-argument';
      text = `${this.registry} rejected the request for the ${subject} as malformed${said}`;
    } else if (code === 'NAME_UNKNOWN') {
      kind = 'repository-not-found';
      text = `repository ${repository} not found on ${this.registry}${said}`;
    } else if (
      code === 'MANIFEST_UNKNOWN' ||
      (status === 404 && what === 'manifest')
    ) {
      kind = 'manifest-not-found';
      text = `${subject} not found on ${this.registry}${said}`;
    } else if (code === 'BLOB_UNKNOWN' || (status === 404 && what === 'blob')) {
      kind = 'blob-not-found';
      text = `${subject} not found on ${this.registry}${said}`;
    } else if (status === 401 || code === 'UNAUTHORIZED') {
      kind = 'unauthorized';
      const anonymous = !(await this.auth.hasCredentials(call));
      text = `${this.registry} refused the ${subject} (HTTP ${status}${said})${
        anonymous
          ? ': the repository does not exist or is private, and no credentials are configured'
          : ': the repository does not exist, or the configured credentials are not valid for it'
      }`;
    } else if (status === 429 || code === 'TOOMANYREQUESTS') {
      kind = 'rate-limited';
      text = `${this.registry} rate-limited the request for the ${subject}${said}`;
    } else if (status === 403 || code === 'DENIED') {
      kind = 'denied';
      text = `${this.registry} denied access to the ${subject} (HTTP ${status}${said})`;
    } else if (status === 502 || status === 503 || status === 504) {
      kind = 'network';
      text = `${this.registry} is unavailable (HTTP ${status}) for the ${subject}`;
    } else if (status >= 300 && status < 400) {
      text = `${this.registry} answered HTTP ${status} without a usable redirect for the ${subject}`;
    }
    return new RegistryError(kind, text, {
      registry: this.registry,
      httpStatus: status,
    });
  }
}
