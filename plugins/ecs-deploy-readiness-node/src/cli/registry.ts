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
import { ImageInspector } from '../inspect';
import type { ImageInspectorOptions } from '../inspect';
import { FileDocumentCache } from '../inspect/documentCache';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import {
  credentialsLookup,
  holdCredentials,
  parseDockerConfig,
} from './credentials';
import { CliIo, InputError, readInput } from './io';

/** Registry options shared by the commands that reach registries. */
export interface RegistryCliOptions {
  insecureRegistry?: string[];
  registryEndpoint?: string[];
  endpointUrl?: string;
  dockerConfig?: string;
  concurrency?: number;
  timeout?: number;
  /** A directory for a persistent document cache (manifests and configs by digest). */
  cacheDir?: string;
  /** Time limit for one whole inspection, in milliseconds. */
  deadline?: number;
}

/**
 * The AWS SDK's ECR client class, loaded when an ECR image is first checked: the SDK takes
 * longer to load than the rest of the CLI, and most runs (`analyze`, `classify`, other
 * registries) never need it.
 */
function loadEcrClient(): typeof ECRClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (
    require('@aws-sdk/client-ecr') as typeof import('@aws-sdk/client-ecr')
  ).ECRClient;
}

function parseUrl(value: string, option: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error('not http(s)');
    return url;
  } catch {
    throw new InputError(`${option}: "${value}" is not an http(s) URL`);
  }
}

/** `host=url` pairs of `--registry-endpoint`. */
function registryEndpoints(values: string[]): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) {
      throw new InputError(
        `--registry-endpoint: expected <registry-host>=<url>, got "${value}"`,
      );
    }
    endpoints[value.slice(0, eq)] = parseUrl(
      value.slice(eq + 1),
      '--registry-endpoint',
    ).href;
  }
  return endpoints;
}

/**
 * Builds the CLI's inspector: ECR through the real `ECRClient` (default credential chain; the
 * endpoint from `--endpoint-url`, else the SDK's own `AWS_ENDPOINT_URL_ECR` / `AWS_ENDPOINT_URL`),
 * other registries over HTTPS with credentials from the environment or a docker config. Hosts given
 * with `--insecure-registry` or as `--registry-endpoint` targets may use plain HTTP and private or
 * loopback addresses.
 */
export async function createCliInspector(
  options: RegistryCliOptions,
  io: CliIo,
): Promise<{ inspector: ImageInspector; close(): void }> {
  const endpointUrl = options.endpointUrl
    ? parseUrl(options.endpointUrl, '--endpoint-url').href.replace(/\/$/, '')
    : undefined;
  const endpoints = registryEndpoints(options.registryEndpoint ?? []);
  const trusted = [
    ...(options.insecureRegistry ?? []),
    ...Object.values(endpoints).map(url => new URL(url).host),
  ];

  let dockerAuths;
  if (options.dockerConfig) {
    const parsed = parseDockerConfig(
      await readInput(io, options.dockerConfig, 'docker config'),
    );
    if (!parsed.ok)
      throw new InputError(`${options.dockerConfig}: ${parsed.reason}`);
    dockerAuths = parsed.auths;
    for (const credentials of dockerAuths.values())
      holdCredentials(credentials);
  }

  const documentCache = options.cacheDir
    ? new FileDocumentCache({ directory: options.cacheDir })
    : undefined;
  const provider = new DefaultRegistryClientProvider({
    insecureRegistries: trusted,
    allowedPrivateRegistries: trusted,
    registryEndpoints: endpoints,
    credentialsFor: credentialsLookup(io.env, dockerAuths),
    timeouts: options.timeout ? { requestMs: options.timeout } : undefined,
    ecrClientFactory: (region, _registryId, ecr) =>
      new (loadEcrClient())(
        endpointUrl
          ? { region, endpoint: endpointUrl }
          : {
              region,
              useFipsEndpoint: ecr.fips,
              useDualstackEndpoint: ecr.dualStack,
            },
      ),
  });
  const inspectorOptions: ImageInspectorOptions = {
    registryClientProvider: provider,
    concurrency: options.concurrency,
    ...(documentCache && { documentCache }),
    ...(options.deadline && { inspectionDeadlineMs: options.deadline }),
  };
  const inspector = ImageInspector.create(inspectorOptions);
  return { inspector, close: () => provider.close() };
}
