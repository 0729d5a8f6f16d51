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

/*
 * Test harness: a reverse proxy on a free loopback port in front of a registry (usually the real
 * `docker-registry` of ./dockerRegistry.ts) that counts what clients ask of it.
 *
 *   const proxy = await startCountingProxy(registry.url, { delayMs: 20 });
 *   proxy.host / proxy.url      use these as the registry in references and the provider
 *   proxy.requests              every request: method and path (query included), in order
 *   proxy.count('HEAD', /blobs/) requests matching a method and a path pattern
 *   proxy.maxInFlight           most requests in flight at once (received, not yet answered)
 *   proxy.reset()               forgets the counts
 *   await proxy.stop()
 *
 * `delayMs` holds every request that long before forwarding it (a slow registry); `hang` makes
 * it never answer at all (connections stay open until `stop`).
 */

import * as http from 'node:http';
import { startHttpServer, TestHttpServer } from './httpServer';

/** Options of {@link startCountingProxy}. */
export interface CountingProxyOptions {
  /** Milliseconds every request is held before it is forwarded. */
  delayMs?: number;
  /** Never answer (nor forward) any request. */
  hang?: boolean;
}

/** A running counting proxy; see the comment at the top of this file. */
export interface CountingProxy {
  url: string;
  host: string;
  requests: Array<{ method: string; path: string }>;
  count(method?: string, path?: RegExp): number;
  readonly inFlight: number;
  readonly maxInFlight: number;
  reset(): void;
  stop(): Promise<void>;
}

/** Starts a counting proxy in front of `targetUrl`; see the comment at the top of this file. */
export async function startCountingProxy(
  targetUrl: string,
  options: CountingProxyOptions = {},
): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const state = {
    requests: [] as Array<{ method: string; path: string }>,
    inFlight: 0,
    maxInFlight: 0,
  };
  const server: TestHttpServer = await startHttpServer((req, res) => {
    state.requests.push({ method: req.method ?? '', path: req.url ?? '' });
    if (options.hang) return;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      state.inFlight--;
    };
    res.on('finish', finish);
    res.on('close', finish);
    const forward = () => {
      const upstream = http.request(
        new URL(req.url ?? '/', target),
        {
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        response => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (options.delayMs) setTimeout(forward, options.delayMs);
    else forward();
  });
  return {
    url: server.url,
    host: server.host,
    get requests() {
      return state.requests;
    },
    count: (method, path) =>
      state.requests.filter(
        r => (!method || r.method === method) && (!path || path.test(r.path)),
      ).length,
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    reset() {
      state.requests.length = 0;
      state.maxInFlight = state.inFlight;
    },
    stop: () => server.stop(),
  };
}
