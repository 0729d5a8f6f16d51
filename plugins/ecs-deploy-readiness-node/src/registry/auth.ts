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
  abortable,
  canceledError,
  isCanceled,
  SharedWork,
} from './concurrency';
import { SafeHttpClient } from './http';
import { heldSecrets } from './secrets';
import { quoteRegistryText } from './text';
import { RegistryCallOptions, RegistryError } from './types';

/**
 * Credentials for a registry: a user name and password (or access token used as password), or a
 * ready bearer token sent as is.
 *
 * @public
 */
export type RegistryCredentials =
  | { username: string; password: string }
  | { token: string };

/**
 * Gives the credentials for a registry host (`docker.io`, `ghcr.io`…), or undefined for
 * anonymous access. `options.signal` is the signal of the registry call that needs them; the
 * caller stops waiting when it aborts, whether or not the function honours it.
 *
 * @public
 */
export type CredentialsFor = (
  registry: string,
  options?: RegistryCallOptions,
) => RegistryCredentials | undefined | Promise<RegistryCredentials | undefined>;

/**
 * One challenge of a `WWW-Authenticate` header.
 *
 * @internal
 */
export interface AuthChallenge {
  /** Lowercased scheme, e.g. `bearer` or `basic`. */
  scheme: string;
  /** Parameters with lowercased names (`realm`, `service`, `scope`). */
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header (RFC 9110 challenges, several per header allowed), e.g.
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`.
 *
 * @internal
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
  let rest = header.trim();
  let current: AuthChallenge | undefined;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    const name = token.exec(rest)?.[0];
    if (!name) break;
    rest = rest.slice(name.length);
    const param = /^\s*=\s*/.exec(rest);
    if (!param || !current) {
      // A token not followed by '=' starts a new challenge (token68 values are skipped).
      if (param && !current) break;
      current = { scheme: name.toLowerCase(), params: {} };
      challenges.push(current);
      continue;
    }
    rest = rest.slice(param[0].length);
    let value: string;
    if (rest.startsWith('"')) {
      let i = 1;
      value = '';
      while (i < rest.length && rest[i] !== '"') {
        if (rest[i] === '\\' && i + 1 < rest.length) i++;
        value += rest[i];
        i++;
      }
      rest = rest.slice(i + 1);
    } else {
      value = /^[^,\s]*/.exec(rest)![0];
      rest = rest.slice(value.length);
    }
    current.params[name.toLowerCase()] = value;
  }
  return challenges;
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString(
    'base64',
  )}`;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Tokens shorter-lived than this margin are refreshed early. */
const EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

/**
 * Authentication with one registry: anonymous, Basic, or Bearer tokens obtained from the realm of
 * the registry's challenge (scope `repository:<name>:pull`), cached per scope until they expire.
 * Once the registry's scheme is known, later requests send credentials up front.
 *
 * Every method takes the caller's `signal`. A token request is shared by the callers that need
 * the same token at once, so it runs under none of their signals (the HTTP layer's time limit
 * bounds it): each caller stops waiting on its own abort, and the request is aborted only once
 * every caller has stopped waiting. An aborted request caches nothing.
 *
 * @internal
 */
export class RegistryAuthenticator {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, SharedWork<string>>();
  private bearer?: { realm: string; service?: string };
  private basic?: string;

  constructor(
    private readonly options: {
      registry: string;
      http: SafeHttpClient;
      credentialsFor?: CredentialsFor;
      now?: () => number;
    },
  ) {}

  /** The Authorization value to send up front for a repository, when the scheme is known. */
  async authorizationFor(
    repository: string,
    options: RegistryCallOptions = {},
  ): Promise<string | undefined> {
    if (this.basic) return this.basic;
    if (this.bearer) return this.bearerFor(this.bearer, repository, options);
    return undefined;
  }

  /**
   * Answers a 401: reads the challenge, and returns the Authorization value to retry with.
   * `rejected` is the value the registry just refused; a cached token equal to it is dropped.
   */
  async answer(
    repository: string,
    challengeHeader: string | undefined,
    rejected?: string,
    options: RegistryCallOptions = {},
  ): Promise<string> {
    const { registry } = this.options;
    const challenges = parseWwwAuthenticate(challengeHeader ?? '');
    const bearer = challenges.find(
      c => c.scheme === 'bearer' && c.params.realm,
    );
    const basic = challenges.find(c => c.scheme === 'basic');
    const credentials = await this.credentials(options);
    if (bearer) {
      this.bearer = {
        realm: bearer.params.realm,
        service: bearer.params.service,
      };
      if (rejected) {
        for (const [key, token] of this.tokens) {
          if (`Bearer ${token.value}` === rejected) this.tokens.delete(key);
        }
      }
      return this.bearerFor(this.bearer, repository, options);
    }
    if (basic) {
      if (!credentials || !('username' in credentials)) {
        throw new RegistryError(
          'unauthorized',
          `${registry} requires a user name and password (Basic authentication) and none is configured`,
          { registry, httpStatus: 401 },
        );
      }
      const value = basicHeader(credentials.username, credentials.password);
      if (rejected === value) {
        throw new RegistryError(
          'unauthorized',
          `${registry} rejected the configured credentials`,
          {
            registry,
            httpStatus: 401,
          },
        );
      }
      this.basic = value;
      return value;
    }
    throw new RegistryError(
      'unauthorized',
      `${registry} requires authentication${
        challengeHeader
          ? ` with an unsupported scheme (${quoteRegistryText(
              challengeHeader,
              80,
            )})`
          : ''
      }`,
      { registry, httpStatus: 401 },
    );
  }

  /** Whether credentials are configured for the registry. Rejects only when canceled. */
  async hasCredentials(options: RegistryCallOptions = {}): Promise<boolean> {
    try {
      return Boolean(await this.credentials(options));
    } catch (error) {
      if (isCanceled(error)) throw error;
      return false;
    }
  }

  /**
   * The configured credentials, registered with `heldSecrets` (in every form they travel in) as
   * soon as they are known, so no message repeats them.
   */
  private async credentials(
    options: RegistryCallOptions,
  ): Promise<RegistryCredentials | undefined> {
    const { credentialsFor, registry } = this.options;
    const { signal } = options;
    try {
      const credentials = await abortable(
        (async () => credentialsFor?.(registry, options))(),
        signal,
        () =>
          canceledError(
            signal!,
            `getting credentials for ${registry}`,
            registry,
          ),
      );
      if (credentials) heldSecrets.addCredentials(credentials);
      return credentials;
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(
        'unauthorized',
        `could not get credentials for ${registry}: ${String(error)}`,
        {
          registry,
          cause: error,
        },
      );
    }
  }

  private async bearerFor(
    challenge: { realm: string; service?: string },
    repository: string,
    options: RegistryCallOptions,
  ): Promise<string> {
    const { registry } = this.options;
    const { signal } = options;
    if (signal?.aborted) {
      throw canceledError(
        signal,
        `the token request for ${registry}`,
        registry,
      );
    }
    const scope = `repository:${repository}:pull`;
    const key = `${challenge.realm}\n${challenge.service ?? ''}\n${scope}`;
    const now = this.options.now?.() ?? Date.now();
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > now) {
      return `Bearer ${cached.value}`;
    }
    let pending = this.pending.get(key);
    if (!pending || pending.abandoned) {
      // The shared request keeps the first caller's bound on requests in flight.
      const { requestSlots } = options;
      const work = new SharedWork(
        shared =>
          this.fetchToken(challenge, scope, key, {
            signal: shared,
            requestSlots,
          }),
        aborted =>
          canceledError(aborted, `the token request for ${registry}`, registry),
      );
      work.done.then(() => {
        if (this.pending.get(key) === work) this.pending.delete(key);
      });
      this.pending.set(key, work);
      pending = work;
    }
    return `Bearer ${await pending.wait(signal)}`;
  }

  /** Fetches a token under the shared request's own signal (see the class comment). */
  private async fetchToken(
    challenge: { realm: string; service?: string },
    scope: string,
    key: string,
    call: RegistryCallOptions & { signal: AbortSignal },
  ): Promise<string> {
    const { registry, http } = this.options;
    const { signal, requestSlots } = call;
    const credentials = await this.credentials(call);
    if (credentials && 'token' in credentials) {
      return credentials.token;
    }
    let url: URL;
    try {
      url = new URL(challenge.realm);
    } catch {
      throw new RegistryError(
        'bad-response',
        `${registry} sent an invalid token realm: ${challenge.realm}`,
        {
          registry,
        },
      );
    }
    if (challenge.service) url.searchParams.set('service', challenge.service);
    url.searchParams.set('scope', scope);
    const response = await http.request(url, {
      registry,
      headers: { accept: 'application/json' },
      authorization: credentials
        ? basicHeader(credentials.username, credentials.password)
        : undefined,
      maxBodyBytes: MAX_TOKEN_RESPONSE_BYTES,
      signal,
      requestSlots,
    });
    if (response.status !== 200) {
      const kinds: Record<number, 'unauthorized' | 'denied' | 'rate-limited'> =
        {
          401: 'unauthorized',
          403: 'denied',
          429: 'rate-limited',
        };
      throw new RegistryError(
        kinds[response.status] ?? 'bad-response',
        `the token service of ${registry} (${url.host}) answered HTTP ${
          response.status
        }${
          credentials && response.status === 401
            ? ': the configured credentials were rejected'
            : ''
        }`,
        { registry, httpStatus: response.status },
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      body = {};
    }
    const value =
      typeof body?.token === 'string' && body.token
        ? body.token
        : body?.access_token;
    if (typeof value !== 'string' || value === '') {
      throw new RegistryError(
        'bad-response',
        `the token service of ${registry} sent no token`,
        {
          registry,
        },
      );
    }
    heldSecrets.add(value);
    const lifetimeS =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_TOKEN_LIFETIME_S;
    const now = this.options.now?.() ?? Date.now();
    const margin = Math.min(EXPIRY_MARGIN_MS, (lifetimeS * 1000) / 10);
    this.tokens.set(key, { value, expiresAt: now + lifetimeS * 1000 - margin });
    return value;
  }
}
