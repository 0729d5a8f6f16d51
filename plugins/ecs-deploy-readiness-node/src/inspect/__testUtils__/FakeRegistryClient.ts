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

import type {
  FetchedManifest,
  ImageDetails,
  RegistryCallOptions,
  RegistryClient,
  RepositoryInfo,
} from '../../registry/types';
import { RegistryError } from '../../registry/types';

/** The shape of `ecs-sandbox`'s BuiltArtifact, structurally (no import from test tooling). */
export interface ArtifactLike {
  manifest: { digest: string; mediaType: string; data: Buffer };
  blobs: Array<{ digest: string; data: Buffer }>;
  children: ArtifactLike[];
}

type Method =
  | 'getManifest'
  | 'manifestExists'
  | 'getBlob'
  | 'blobsExist'
  | 'getRepositoryInfo'
  | 'describeImage'
  | 'listImages';

/**
 * An in-memory registry for unit tests of the inspector: repositories, tags, manifests and blobs,
 * call counts, an in-flight high-water mark, and injectable failures.
 */
export class FakeRegistryClient implements RegistryClient {
  readonly calls: Record<Method, number> = {
    getManifest: 0,
    manifestExists: 0,
    getBlob: 0,
    blobsExist: 0,
    getRepositoryInfo: 0,
    describeImage: 0,
    listImages: 0,
  };
  inFlight = 0;
  maxInFlight = 0;
  /** Milliseconds each call takes. */
  latency = 0;
  readonly failures = new Map<Method, Error>();
  readonly repositories = new Map<
    string,
    {
      tags: Map<string, string>;
      manifests: Map<string, FetchedManifest>;
      blobs: Map<string, Buffer>;
    }
  >();
  repositoryInfo?: RepositoryInfo;
  images?: ImageDetails[];

  constructor(readonly registry: string) {}

  push(repository: string, artifact: ArtifactLike, tag?: string): string {
    const repo = this.repo(repository, true)!;
    const visit = (a: ArtifactLike) => {
      a.children.forEach(visit);
      repo.manifests.set(a.manifest.digest, {
        digest: a.manifest.digest,
        mediaType: a.manifest.mediaType || undefined,
        bytes: a.manifest.data,
      });
      for (const b of a.blobs) repo.blobs.set(b.digest, b.data);
    };
    visit(artifact);
    if (tag) repo.tags.set(tag, artifact.manifest.digest);
    return artifact.manifest.digest;
  }

  deleteBlob(repository: string, digest: string) {
    this.repo(repository)?.blobs.delete(digest);
  }

  deleteManifest(repository: string, digest: string) {
    this.repo(repository)?.manifests.delete(digest);
  }

  private repo(name: string, create = false) {
    let repo = this.repositories.get(name);
    if (!repo && create) {
      repo = { tags: new Map(), manifests: new Map(), blobs: new Map() };
      this.repositories.set(name, repo);
    }
    return repo;
  }

  /** Calls whose signal fired while they waited. */
  aborted = 0;

  /** Each call is one request: it runs in a slot of `options.requestSlots`, as real clients do. */
  private call<T>(
    method: Method,
    fn: () => T,
    options?: RegistryCallOptions,
  ): Promise<T> {
    const slots = options?.requestSlots;
    return slots
      ? slots.run(() => this.callNow(method, fn, options), options?.signal)
      : this.callNow(method, fn, options);
  }

  private async callNow<T>(
    method: Method,
    fn: () => T,
    options?: RegistryCallOptions,
  ): Promise<T> {
    this.calls[method] += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        const signal = options?.signal;
        const wait: { timer?: NodeJS.Timeout } = {};
        const onAbort = () => {
          clearTimeout(wait.timer);
          this.aborted += 1;
          reject(new RegistryError('canceled', `${method} canceled`));
        };
        wait.timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, this.latency);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
      const failure = this.failures.get(method);
      if (failure) throw failure;
      return fn();
    } finally {
      this.inFlight -= 1;
    }
  }

  private existing(repository: string) {
    const repo = this.repo(repository);
    if (!repo) {
      throw new RegistryError(
        'repository-not-found',
        `repository ${repository} not found`,
        {
          httpStatus: 404,
          registry: this.registry,
        },
      );
    }
    return repo;
  }

  getManifest(
    repository: string,
    reference: string,
    options?: RegistryCallOptions,
  ) {
    return this.call(
      'getManifest',
      () => {
        const repo = this.existing(repository);
        const digest = reference.includes(':')
          ? reference
          : repo.tags.get(reference);
        const manifest = digest ? repo.manifests.get(digest) : undefined;
        if (!manifest) {
          throw new RegistryError(
            'manifest-not-found',
            `manifest ${reference} unknown`,
            {
              httpStatus: 404,
              registry: this.registry,
            },
          );
        }
        return manifest;
      },
      options,
    );
  }

  manifestExists(
    repository: string,
    digest: string,
    options?: RegistryCallOptions,
  ) {
    return this.call(
      'manifestExists',
      () => this.existing(repository).manifests.has(digest),
      options,
    );
  }

  getBlob(repository: string, digest: string, options?: RegistryCallOptions) {
    return this.call(
      'getBlob',
      () => {
        const blob = this.existing(repository).blobs.get(digest);
        if (!blob) {
          throw new RegistryError('blob-not-found', `blob ${digest} unknown`, {
            httpStatus: 404,
          });
        }
        return blob;
      },
      options,
    );
  }

  blobsExist(
    repository: string,
    digests: string[],
    options?: RegistryCallOptions,
  ) {
    return this.call(
      'blobsExist',
      () => {
        const repo = this.existing(repository);
        return new Map(digests.map(d => [d, repo.blobs.has(d)]));
      },
      options,
    );
  }

  /** Enables the ECR-only methods. */
  asEcr(options: {
    repositoryInfo?: RepositoryInfo;
    images?: ImageDetails[];
  }): this {
    this.repositoryInfo = options.repositoryInfo;
    this.images = options.images;
    const self = this as RegistryClient;
    self.getRepositoryInfo = (_repository, callOptions) =>
      this.call('getRepositoryInfo', () => this.repositoryInfo, callOptions);
    self.describeImage = (_repository, reference, callOptions) =>
      this.call(
        'describeImage',
        () => {
          const found = this.images?.find(
            i =>
              i.digest === reference.digest ||
              (reference.tag && i.tags.includes(reference.tag)),
          );
          if (!found) {
            throw new RegistryError(
              'manifest-not-found',
              'ImageNotFoundException',
              { awsCode: 'ImageNotFoundException' },
            );
          }
          return found;
        },
        callOptions,
      );
    self.listImages = (_repository, callOptions) =>
      this.call('listImages', () => this.images ?? [], callOptions);
    return this;
  }
}
