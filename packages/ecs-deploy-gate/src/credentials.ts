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
  heldSecrets,
  parseImageReference,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type {
  CredentialsFor,
  RegistryCredentials,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';

/**
 * Reads a Secrets Manager secret's string by ARN (`secretsmanager:GetSecretValue`).
 *
 * @public
 */
export type SecretReader = (
  secretArn: string,
  signal: AbortSignal,
) => Promise<string | undefined>;

interface ContainerCredentials {
  image?: unknown;
  repositoryCredentials?: { credentialsParameter?: unknown };
}

/**
 * Registry credentials as ECS uses them: a container's `repositoryCredentials` name a Secrets
 * Manager secret holding `{"username": …, "password": …}` for the registry of its image. The
 * engine sends credentials only for containers that have `repositoryCredentials` (and never to
 * ECR, which uses the role), so this looks up, per registry host, the secret the task
 * definition names for it; the first container naming one wins. Secrets are read once, when the
 * registry asks for credentials, and every value read is held for redaction.
 */
export function taskDefinitionCredentials(
  containers: ContainerCredentials[],
  readSecret: SecretReader,
  signal: AbortSignal,
): CredentialsFor {
  const secretByHost = new Map<string, string>();
  for (const container of containers) {
    const arn = container.repositoryCredentials?.credentialsParameter;
    if (typeof container.image !== 'string' || typeof arn !== 'string')
      continue;
    const parsed = parseImageReference(container.image);
    if (!parsed.ok) continue;
    const host = parsed.reference.registry.toLowerCase();
    if (!secretByHost.has(host)) secretByHost.set(host, arn);
  }
  const read = new Map<string, Promise<RegistryCredentials | undefined>>();
  return registry => {
    const arn = secretByHost.get(registry.toLowerCase());
    if (!arn) return undefined;
    let pending = read.get(arn);
    if (!pending) {
      // A secret the gate may not read is no fact about the image: read anonymously instead.
      pending = readSecret(arn, signal).then(parseSecret, () => undefined);
      read.set(arn, pending);
    }
    return pending;
  };
}

/** `{"username","password"}` (what ECS private registry authentication reads), held for redaction. */
export function parseSecret(
  text: string | undefined,
): RegistryCredentials | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { username, password } = (value ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string')
    return undefined;
  const credentials = { username, password };
  heldSecrets.addCredentials(credentials);
  return credentials;
}
