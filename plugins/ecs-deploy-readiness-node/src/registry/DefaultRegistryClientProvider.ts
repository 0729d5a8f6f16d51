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

import type { ECRClient } from '@aws-sdk/client-ecr';
import { EcrRegistryInfo, ImageReference } from '../reference/types';
import { CredentialsFor } from './auth';
import { EcrRegistryClient } from './EcrRegistryClient';
import { ResolveHost, SafeHttpClient } from './http';
import { distributionBaseUrl, OciRegistryClient } from './OciRegistryClient';
import {
  NetworkPolicyOptions,
  RegistryCaps,
  RegistryTimeouts,
} from './options';
import { RegistryClient, RegistryClientProvider } from './types';

/**
 * Options of {@link DefaultRegistryClientProvider}.
 *
 * @public
 */
export interface DefaultRegistryClientProviderOptions
  extends NetworkPolicyOptions {
  /**
   * Creates the ECR client for a private ECR registry (credentials and endpoint are the
   * caller's). Without it, ECR references are read through `new ECRClient({ region })` with the
   * default credential chain.
   */
  ecrClientFactory?: (
    region: string,
    registryId: string,
    ecr: EcrRegistryInfo,
  ) => ECRClient;
  /** Credentials for OCI registries (Docker Hub, GHCR…), by registry host. */
  credentialsFor?: CredentialsFor;
  /** Time limits for registry requests and ECR API calls; defaults for what is not set. */
  timeouts?: RegistryTimeouts;
  /** Size and redirect limits for every client; defaults for what is not set. */
  caps?: RegistryCaps;
  /**
   * Base URLs that serve a registry's Distribution API, by registry host, e.g.
   * `{ 'docker.io': 'http://127.0.0.1:4566/registries/docker.io' }` (requests go to `${base}/v2/…`).
   */
  registryEndpoints?: Record<string, string>;
  /** Base URL of the Distribution API of a private ECR registry, for config blobs (local stand-ins). */
  ecrDistributionEndpoint?: (ecr: EcrRegistryInfo) => string | undefined;
  /** Host resolution (tests); every resolved address is still checked. */
  resolve?: ResolveHost;
}

/**
 * The SDK's `ECRClient`, loaded on first use: the SDK is the slowest part of the engine to load,
 * and a provider that never sees a private ECR image (or has an `ecrClientFactory`) never needs it.
 */
function loadEcrClient(): typeof ECRClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (
    require('@aws-sdk/client-ecr') as typeof import('@aws-sdk/client-ecr')
  ).ECRClient;
}

/**
 * Gives the client for a reference's registry: `EcrRegistryClient` for private ECR (one per
 * account and region), `OciRegistryClient` for everything else (Docker Hub through
 * `registry-1.docker.io`, ECR Public, GHCR, Quay…). Clients are created on first use and reused;
 * they share one `SafeHttpClient`, so one network policy applies to all of them.
 *
 * @public
 */
export class DefaultRegistryClientProvider implements RegistryClientProvider {
  private readonly http: SafeHttpClient;
  private readonly raw = new Map<string, RegistryClient>();
  private readonly ecrClients = new Map<string, ECRClient>();

  constructor(
    private readonly options: DefaultRegistryClientProviderOptions = {},
  ) {
    this.http = new SafeHttpClient({
      allowLoopback: options.allowLoopback,
      allowedPrivateRegistries: options.allowedPrivateRegistries,
      insecureRegistries: options.insecureRegistries,
      timeouts: options.timeouts,
      maxRedirects: options.caps?.redirects,
      maxBodyBytes: options.caps?.manifestBytes,
      resolve: options.resolve,
    });
  }

  /**
   * The client for the reference's registry. With `anonymous: true`, a non-ECR registry's client
   * is one built without `credentialsFor` (it sends no credentials, and is cached apart from the
   * credentialed one); private ECR references ignore the flag (they are read through the AWS API,
   * with the ECR client's credentials).
   */
  forReference(
    reference: ImageReference,
    options?: { anonymous?: boolean },
  ): RegistryClient {
    return this.rawClient(reference, options?.anonymous === true);
  }

  /** Closes idle connections. */
  close(): void {
    this.http.close();
  }

  private rawClient(
    reference: ImageReference,
    anonymous: boolean,
  ): RegistryClient {
    const ecrApi = reference.kind === 'ecr' && reference.ecr !== undefined;
    // A registry host has no spaces: the anonymous client cannot collide with another host's.
    const key =
      anonymous && !ecrApi
        ? `${reference.registry} anonymous`
        : reference.registry;
    let client = this.raw.get(key);
    if (client) return client;
    const { options } = this;
    const caps = {
      manifestBytes: options.caps?.manifestBytes,
      blobBytes: options.caps?.blobBytes,
    };
    if (reference.kind === 'ecr' && reference.ecr) {
      const ecr = reference.ecr;
      client = new EcrRegistryClient({
        registry: reference.registry,
        ecr,
        client: this.ecrClient(ecr),
        http: this.http,
        distributionBaseUrl:
          options.ecrDistributionEndpoint?.(ecr) ??
          options.registryEndpoints?.[reference.registry],
        caps,
        apiTimeoutMs: options.timeouts?.awsApiMs,
      });
    } else {
      client = new OciRegistryClient({
        registry: reference.registry,
        baseUrl: distributionBaseUrl(reference.registry, options),
        http: this.http,
        credentialsFor: anonymous ? undefined : options.credentialsFor,
        caps,
      });
    }
    this.raw.set(key, client);
    return client;
  }

  private ecrClient(ecr: EcrRegistryInfo): ECRClient {
    const key = `${ecr.accountId}/${ecr.region}`;
    let client = this.ecrClients.get(key);
    if (!client) {
      client =
        this.options.ecrClientFactory?.(ecr.region, ecr.accountId, ecr) ??
        new (loadEcrClient())({
          region: ecr.region,
          useFipsEndpoint: ecr.fips,
          useDualstackEndpoint: ecr.dualStack,
        });
      this.ecrClients.set(key, client);
    }
    return client;
  }
}
