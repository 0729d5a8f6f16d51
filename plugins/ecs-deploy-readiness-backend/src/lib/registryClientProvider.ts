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
  DefaultRegistryClientProvider,
  type RegistryClientProvider,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type { AwsClients } from '../aws';
import type { ReadinessConfig } from '../config';

/**
 * The engine's registry access as the audit configures it (`ecsDeployReadiness.registries`,
 * ECR through the plugin's counted AWS clients).
 * Used by the audit and by the `check-image` action.
 */
export function createRegistryClientProvider(options: {
  config: ReadinessConfig;
  clients: AwsClients;
}): RegistryClientProvider & { close?(): void } {
  const { registries } = options.config;
  const { clients } = options;
  const ecrEndpoint = registries.ecrDistributionEndpoint;
  return new DefaultRegistryClientProvider({
    ...(registries.requestTimeoutMs && {
      timeouts: { requestMs: registries.requestTimeoutMs },
    }),
    allowedPrivateRegistries: registries.allowedPrivateRegistries,
    insecureRegistries: registries.insecureRegistries,
    registryEndpoints: registries.endpoints,
    // ECR's API with the registry account's credentials, through the counted clients.
    ecrClientFactory: (region, registryId) => clients.ecr(registryId, region),
    ...(ecrEndpoint && {
      ecrDistributionEndpoint: ecr =>
        ecrEndpoint
          .replace('{accountId}', ecr.accountId)
          .replace('{region}', ecr.region),
    }),
    credentialsFor: registry =>
      registries.credentials[registry.toLocaleLowerCase('en-US')],
  });
}
