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
  DOCKER_HUB_ALIASES,
  DOCKER_HUB_REGISTRY,
  canonicalRegistryHost,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { asRecord, asString, parseJson } from '../analysis/json';
import type { RegistryCredentials } from '../registry/auth';
import { heldSecrets } from '../registry/secrets';

/** Prefix of the environment variables that carry `username:password` for a registry host. */
export const AUTH_ENV_PREFIX = 'ECS_READINESS_REGISTRY_AUTH_';
/** Prefix of the environment variables that carry a ready bearer token for a registry host. */
export const TOKEN_ENV_PREFIX = 'ECS_READINESS_REGISTRY_TOKEN_';

/** Docker Hub's names, the canonical one first, for looking its credentials up. */
const DOCKER_HUB_HOSTS = [DOCKER_HUB_REGISTRY, ...DOCKER_HUB_ALIASES];

/**
 * The environment variable suffix of a host: upper-case, every other character than A-Z and 0-9
 * replaced by `_` (`ghcr.io` → `GHCR_IO`, `127.0.0.1:5000` → `127_0_0_1_5000`).
 */
export function hostVariableSuffix(host: string): string {
  return host.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `https://index.docker.io/v1/` → `docker.io`; `ghcr.io` → `ghcr.io`. */
function normalizeHost(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]
    .toLowerCase();
  return canonicalRegistryHost(host);
}

function splitUserPassword(text: string): RegistryCredentials | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Reads the `auths` of a docker `config.json` (what `docker login` writes): `auth`
 * (base64 `user:password`), or `username`/`password`, or `registrytoken`. Credential helpers
 * (`credsStore`, `credHelpers`) are not run.
 */
export function parseDockerConfig(
  text: string,
):
  | { ok: true; auths: Map<string, RegistryCredentials> }
  | { ok: false; reason: string } {
  const parsed = parseJson(text);
  if (!parsed.ok)
    return { ok: false, reason: `not valid JSON: ${parsed.error}` };
  const auths = asRecord(asRecord(parsed.value)?.auths);
  const result = new Map<string, RegistryCredentials>();
  for (const [key, value] of Object.entries(auths ?? {})) {
    const entry = asRecord(value);
    if (!entry) continue;
    const auth = asString(entry.auth);
    const username = asString(entry.username);
    const password = asString(entry.password);
    const token = asString(entry.registrytoken);
    let credentials: RegistryCredentials | undefined;
    if (auth) {
      credentials = splitUserPassword(
        Buffer.from(auth, 'base64').toString('utf8'),
      );
    } else if (username && password) {
      credentials = { username, password };
    } else if (token) {
      credentials = { token };
    }
    if (credentials) result.set(normalizeHost(key), credentials);
  }
  return { ok: true, auths: result };
}

/**
 * Credentials for non-ECR registries, from the environment first
 * (`ECS_READINESS_REGISTRY_TOKEN_<HOST>` = a bearer token,
 * `ECS_READINESS_REGISTRY_AUTH_<HOST>` = `username:password`), then from a docker config's `auths`.
 */
export function credentialsLookup(
  env: Record<string, string | undefined>,
  dockerAuths: Map<string, RegistryCredentials> = new Map(),
): (registry: string) => RegistryCredentials | undefined {
  return registry => {
    const host = normalizeHost(registry);
    const candidates = host === DOCKER_HUB_REGISTRY ? DOCKER_HUB_HOSTS : [host];
    for (const candidate of candidates) {
      const suffix = hostVariableSuffix(candidate);
      const token = env[`${TOKEN_ENV_PREFIX}${suffix}`];
      if (token) return { token };
      const auth = env[`${AUTH_ENV_PREFIX}${suffix}`];
      const credentials = auth ? splitUserPassword(auth) : undefined;
      if (credentials) return credentials;
    }
    return dockerAuths.get(host);
  };
}

/** A value as it appears inside a JSON string, when that differs from the value. */
function jsonForm(value: string): string | undefined {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped === value ? undefined : escaped;
}

/**
 * Registers credentials with the process's `heldSecrets`, so nothing the CLI prints repeats
 * them: the password or token, `user:password`, its base64 (Basic), and their JSON-escaped forms
 * (the `--json` output).
 */
export function holdCredentials(credentials: RegistryCredentials): void {
  heldSecrets.addCredentials(credentials);
  const values =
    'token' in credentials
      ? [credentials.token]
      : [
          credentials.password,
          `${credentials.username}:${credentials.password}`,
        ];
  heldSecrets.add(...values.map(jsonForm));
}

/**
 * Registers every registry credential of the environment (`ECS_READINESS_REGISTRY_TOKEN_*`,
 * `ECS_READINESS_REGISTRY_AUTH_*`), whichever host it is for and whether or not it is used.
 */
export function holdEnvironmentCredentials(
  env: Record<string, string | undefined>,
): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (name.startsWith(TOKEN_ENV_PREFIX)) {
      holdCredentials({ token: value });
    } else if (name.startsWith(AUTH_ENV_PREFIX)) {
      const credentials = splitUserPassword(value);
      if (credentials) holdCredentials(credentials);
      else heldSecrets.add(value, jsonForm(value));
    }
  }
}
