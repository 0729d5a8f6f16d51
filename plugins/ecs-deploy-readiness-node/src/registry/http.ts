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

import * as http from 'node:http';
import * as https from 'node:https';
import { lookup as dnsLookup, LookupOptions } from 'node:dns';
import type { LookupFunction, Socket } from 'node:net';
import { classifyAddress, ipVersion } from './addresses';
import { canceledError } from './concurrency';
import {
  DEFAULT_CAPS,
  DEFAULT_TIMEOUTS,
  NetworkPolicyOptions,
  RegistryTimeouts,
} from './options';
import { RegistryError, RequestSlots } from './types';

/**
 * Resolves a host name to every address it has (like `dns.lookup` with `all: true`).
 *
 * @public
 */
export type ResolveHost = (
  hostname: string,
) => Promise<Array<{ address: string; family: number }>>;

/**
 * Options of {@link SafeHttpClient}.
 *
 * @internal
 */
export interface SafeHttpClientOptions extends NetworkPolicyOptions {
  timeouts?: Pick<RegistryTimeouts, 'connectMs' | 'requestMs'>;
  /**
   * Most connections per host (the agents' `maxSockets`). Default 16; raised to the `limit` of
   * the largest {@link SafeRequestOptions.requestSlots} a request brings, so a request that holds
   * a slot never waits for a socket too.
   */
  maxSocketsPerHost?: number;
  /** Default body limit of a request. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Most redirects followed. Default 5. */
  maxRedirects?: number;
  /** Extra certificate authorities for registries with a private PKI. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Host resolution; the system resolver by default. Every address it gives is checked. */
  resolve?: ResolveHost;
  userAgent?: string;
}

/**
 * One request of {@link SafeHttpClient}.
 *
 * @internal
 */
export interface SafeRequestOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** `Authorization` value; sent only to the origin of the first URL, never to redirect targets elsewhere. */
  authorization?: string;
  /** Body limit for this request; the response is aborted with `too-large` beyond it. */
  maxBodyBytes?: number;
  /** Follow redirects (default true). When false, a 3xx is returned as is. */
  followRedirects?: boolean;
  /** Registry the request is for, named in errors. */
  registry?: string;
  /**
   * Aborts the request: an already-aborted signal rejects before any connection; an abort during
   * the DNS lookup, the connection, the headers or the body destroys the request and its socket at
   * once. Either way the request rejects with a RegistryError of kind `canceled`. Redirects are
   * followed under the same signal.
   */
  signal?: AbortSignal;
  /**
   * The bound on requests in flight this request keeps: it waits for a slot before it is sent
   * and holds it until its last redirect is answered. The wait for a slot is not part of the
   * request's time limit.
   */
  requestSlots?: RequestSlots;
}

/**
 * A complete response (body read and within its limit).
 *
 * @internal
 */
export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface HostRule {
  hostname: string;
  /** Undefined: any port. */
  port?: string;
}

function parseHostRule(entry: string): HostRule | undefined {
  const match = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(
    entry.trim().toLowerCase(),
  );
  return match ? { hostname: match[1], port: match[2] } : undefined;
}

function effectivePort(url: URL): string {
  if (url.port) return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}

function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

const defaultResolve: ResolveHost = hostname =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    );
  });

const TLS_ERROR =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/** Turns a socket-level error into a RegistryError. */
function networkError(err: unknown, url: URL, registry: string): RegistryError {
  if (err instanceof RegistryError) {
    return err;
  }
  const code = (err as { code?: string }).code ?? '';
  const detail = (err as Error).message ?? String(err);
  const where = url.host;
  let message = `${where}: ${detail}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    message = `cannot resolve ${url.hostname} (${code})`;
  } else if (code === 'ECONNREFUSED') {
    message = `connection to ${where} refused`;
  } else if (code === 'ETIMEDOUT') {
    return new RegistryError('timeout', `connection to ${where} timed out`, {
      registry,
      networkCode: code,
      cause: err,
    });
  } else if (TLS_ERROR.test(code)) {
    message = `TLS error with ${where}: ${detail}`;
  }
  return new RegistryError('network', message, {
    registry,
    networkCode: code || undefined,
    cause: err,
  });
}

/**
 * The one HTTP layer for registries (node:http/https): connect and request time limits, body size
 * limits (by Content-Length and by bytes streamed), a redirect limit, credentials only to the
 * first origin, plain HTTP only for allowed hosts, and a guard against non-public addresses that
 * checks the resolved address at connect time (so DNS rebinding cannot bypass it) and every
 * redirect target. Every failure is a {@link RegistryError}.
 *
 * @internal
 */
export class SafeHttpClient {
  private readonly connectMs: number;
  private readonly requestMs: number;
  private readonly maxBodyBytes: number;
  private readonly maxRedirects: number;
  private readonly allowLoopback: boolean;
  private readonly privateRules: HostRule[];
  private readonly insecureRules: HostRule[];
  private readonly resolve: ResolveHost;
  private readonly userAgent: string;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(options: SafeHttpClientOptions = {}) {
    this.connectMs = options.timeouts?.connectMs ?? DEFAULT_TIMEOUTS.connectMs;
    this.requestMs = options.timeouts?.requestMs ?? DEFAULT_TIMEOUTS.requestMs;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_CAPS.manifestBytes;
    this.maxRedirects = options.maxRedirects ?? DEFAULT_CAPS.redirects;
    this.allowLoopback = options.allowLoopback ?? false;
    const rules = (entries: string[] = []) =>
      entries.map(parseHostRule).filter((r): r is HostRule => r !== undefined);
    this.privateRules = rules(options.allowedPrivateRegistries);
    this.insecureRules = rules(options.insecureRegistries);
    this.resolve = options.resolve ?? defaultResolve;
    this.userAgent = options.userAgent ?? 'ecs-deploy-readiness';
    const maxSockets = options.maxSocketsPerHost ?? 16;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ca: options.ca,
    });
  }

  /** Most connections per host now (see {@link SafeHttpClientOptions.maxSocketsPerHost}). */
  get maxSocketsPerHost(): number {
    return this.httpAgent.maxSockets;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Whether plain HTTP may be used with this URL's host. */
  allowsPlainHttp(url: URL): boolean {
    if (
      this.matches(url, this.insecureRules) ||
      this.matches(url, this.privateRules)
    ) {
      return true;
    }
    const host = bareHostname(url);
    const loopbackHost =
      host === 'localhost' ||
      (ipVersion(host) !== 0 && classifyAddress(host) === 'loopback');
    return this.allowLoopback && loopbackHost;
  }

  /**
   * Sends a GET or HEAD and reads the whole body, following redirects unless told not to.
   * Resolves with any HTTP status; rejects only with a RegistryError. With `requestSlots`, the
   * request (its redirects included) runs in one slot. Its time limit counts from when it is
   * sent (the first connection is assigned), not while it waits for a slot.
   */
  request(
    target: string | URL,
    options: SafeRequestOptions = {},
  ): Promise<SafeResponse> {
    const slots = options.requestSlots;
    if (!slots) return this.requestNow(target, options);
    // Sockets per host follow the largest bound in use, so a request holding a slot never
    // also queues for a socket.
    for (const agent of [this.httpAgent, this.httpsAgent]) {
      if (agent.maxSockets < slots.limit) agent.maxSockets = slots.limit;
    }
    return slots.run(() => this.requestNow(target, options), options.signal);
  }

  private async requestNow(
    target: string | URL,
    options: SafeRequestOptions,
  ): Promise<SafeResponse> {
    // Set when the first hop is given its connection: the time limit counts from there.
    const clock: { sentAt?: number } = {};
    const follow = options.followRedirects ?? true;
    const { signal } = options;
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new RegistryError('bad-response', `invalid URL ${String(target)}`, {
        registry: options.registry,
      });
    }
    const registry = options.registry ?? url.host;
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      if (signal?.aborted) {
        throw canceledError(
          signal,
          `the request to ${url.host} for ${url.pathname}`,
          registry,
        );
      }
      this.checkDestination(url, registry);
      const headers: Record<string, string> = {
        'user-agent': this.userAgent,
        'accept-encoding': 'identity',
        ...options.headers,
      };
      if (options.authorization && url.origin === origin) {
        headers.authorization = options.authorization;
      }
      const response = await this.send(url, {
        method: options.method ?? 'GET',
        headers,
        clock,
        maxBodyBytes: options.maxBodyBytes ?? this.maxBodyBytes,
        skipRedirectBody: follow,
        registry,
        signal,
      });
      const location = response.headers.location;
      if (!follow || !REDIRECTS.has(response.status) || !location) {
        return response;
      }
      if (hop >= this.maxRedirects) {
        throw new RegistryError(
          'redirect-limit',
          `${registry} redirected more than ${this.maxRedirects} times (last to ${location})`,
          { registry, httpStatus: response.status },
        );
      }
      try {
        url = new URL(location, url);
      } catch {
        throw new RegistryError(
          'bad-response',
          `${registry} redirected to an invalid URL: ${location}`,
          {
            registry,
            httpStatus: response.status,
          },
        );
      }
    }
  }

  private matches(url: URL, rules: HostRule[]): boolean {
    const hostname = url.hostname.toLowerCase();
    const port = effectivePort(url);
    return rules.some(
      r => r.hostname === hostname && (r.port === undefined || r.port === port),
    );
  }

  /** Why connecting to this address for this URL is refused, or undefined when allowed. */
  private refusal(url: URL, address: string): string | undefined {
    const cls = classifyAddress(address);
    if (!cls || this.matches(url, this.privateRules)) return undefined;
    if (cls === 'loopback' && this.allowLoopback) return undefined;
    const host =
      url.hostname === address ? address : `${url.hostname} (${address})`;
    return `refusing to connect to ${host}: it is a ${cls} address; allow the registry in allowedPrivateRegistries if this is intended`;
  }

  private checkDestination(url: URL, registry: string): void {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RegistryError(
        'blocked-address',
        `refusing the ${url.protocol} URL ${url.href}`,
        {
          registry,
        },
      );
    }
    if (url.protocol === 'http:' && !this.allowsPlainHttp(url)) {
      throw new RegistryError(
        'blocked-address',
        `refusing plain HTTP to ${url.host}; add it to insecureRegistries to allow it`,
        { registry },
      );
    }
    const host = bareHostname(url);
    if (ipVersion(host)) {
      const reason = this.refusal(url, host);
      if (reason)
        throw new RegistryError('blocked-address', reason, { registry });
    }
  }

  /**
   * A `lookup` for net.connect that refuses names resolving to a non-allowed address, and gives
   * no address at all once the request has ended (canceled or timed out while resolving), so a
   * late answer cannot open a connection.
   */
  private guardedLookup(
    url: URL,
    registry: string,
    ended: () => RegistryError | undefined,
  ): LookupFunction {
    const lookup = (
      hostname: string,
      options: LookupOptions,
      callback: (err: Error | null, address?: unknown, family?: number) => void,
    ) => {
      this.resolve(hostname).then(
        resolved => {
          const error = ended();
          if (error) {
            callback(error);
            return;
          }
          const family =
            options.family === 4 || options.family === 6 ? options.family : 0;
          const usable = family
            ? resolved.filter(a => a.family === family)
            : resolved;
          if (usable.length === 0) {
            callback(
              Object.assign(new Error(`no address for ${hostname}`), {
                code: 'ENOTFOUND',
              }),
            );
            return;
          }
          for (const { address } of usable) {
            const reason = this.refusal(url, address);
            if (reason) {
              callback(
                new RegistryError('blocked-address', reason, { registry }),
              );
              return;
            }
          }
          if (options.all) {
            callback(null, usable);
          } else {
            callback(null, usable[0].address, usable[0].family);
          }
        },
        err => callback(err),
      );
    };
    return lookup as unknown as LookupFunction;
  }

  private send(
    url: URL,
    request: {
      method: string;
      headers: Record<string, string>;
      clock: { sentAt?: number };
      maxBodyBytes: number;
      skipRedirectBody: boolean;
      registry: string;
      signal?: AbortSignal;
    },
  ): Promise<SafeResponse> {
    const { registry, maxBodyBytes, signal, clock } = request;
    const remainingMs = () =>
      clock.sentAt === undefined
        ? this.requestMs
        : clock.sentAt + this.requestMs - Date.now();
    if (remainingMs() <= 0) {
      return Promise.reject(
        new RegistryError(
          'timeout',
          `${url.host} did not answer within ${this.requestMs} ms`,
          {
            registry,
          },
        ),
      );
    }
    return new Promise<SafeResponse>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      let settled = false;
      let failure: RegistryError | undefined;
      let abort: (error: Error) => void = () => {};
      const onAbort = () =>
        settle(
          canceledError(
            signal!,
            `the request to ${url.host} for ${url.pathname}`,
            registry,
          ),
        );
      function settle(
        error: RegistryError | undefined,
        response?: SafeResponse,
      ) {
        if (settled) return;
        settled = true;
        failure = error;
        timers.forEach(clearTimeout);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          abort(error);
          reject(error);
        } else {
          resolve(response!);
        }
      }
      function fail(
        kind: 'timeout' | 'too-large' | 'network',
        message: string,
      ) {
        settle(new RegistryError(kind, message, { registry }));
      }

      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(
        url,
        {
          method: request.method,
          headers: request.headers,
          agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          lookup: this.guardedLookup(url, registry, () =>
            settled
              ? failure ??
                new RegistryError('network', `${url.host}: request ended`, {
                  registry,
                })
              : undefined,
          ),
        },
        res => {
          const status = res.statusCode ?? 0;
          const base = { status, headers: res.headers, url };
          if (
            request.method === 'HEAD' ||
            (request.skipRedirectBody &&
              REDIRECTS.has(status) &&
              res.headers.location)
          ) {
            res.resume();
            settle(undefined, { ...base, body: Buffer.alloc(0) });
            return;
          }
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBodyBytes) {
            fail(
              'too-large',
              `${url.host} sent ${declared} bytes for ${url.pathname}; the limit is ${maxBodyBytes}`,
            );
            return;
          }
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxBodyBytes) {
              fail(
                'too-large',
                `${url.host} sent more than ${maxBodyBytes} bytes for ${url.pathname}`,
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            settle(undefined, {
              ...base,
              body: Buffer.concat(chunks, received),
            }),
          );
          const truncated = () =>
            fail(
              'network',
              `${url.host} closed the connection after ${received}${
                Number.isFinite(declared) ? ` of ${declared}` : ''
              } bytes of ${url.pathname}`,
            );
          res.on('error', truncated);
          res.on('close', () => {
            if (!res.complete) truncated();
          });
        },
      );
      // Destroying the request destroys its socket, whatever the phase: DNS lookup (net ignores a
      // lookup answer for a destroyed socket), connect, headers or body. Until the agent has
      // handed the request its socket (a tick after the request is made, or later when queued),
      // destroying the request would give the socket back to the agent still connecting, so the
      // request is destroyed as soon as it has one.
      abort = error => {
        if (req.socket) req.destroy(error);
        else req.once('socket', () => req.destroy(error));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // The time limits start when the request is given its connection (at once, or once the
      // agent has a free socket), never while it waits in a queue.
      req.on('socket', (socket: Socket) => {
        if (settled) return;
        clock.sentAt ??= Date.now();
        const remaining = remainingMs();
        timers.push(
          setTimeout(
            () =>
              fail(
                'timeout',
                `${url.host} did not answer within ${this.requestMs} ms`,
              ),
            Math.max(0, remaining),
          ),
        );
        if (!socket.connecting) return;
        const timer = setTimeout(
          () =>
            fail(
              'timeout',
              `connecting to ${url.host} took longer than ${this.connectMs} ms`,
            ),
          Math.min(this.connectMs, remaining),
        );
        timers.push(timer);
        socket.once('connect', () => clearTimeout(timer));
      });
      req.on('error', err => settle(networkError(err, url, registry)));
      req.end();
    });
  }
}
