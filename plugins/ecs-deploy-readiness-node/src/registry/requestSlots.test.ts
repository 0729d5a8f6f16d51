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

import { startHttpServer, TestHttpServer } from '../__testUtils__/httpServer';
import { SafeHttpClient } from './http';
import { OciRegistryClient } from './OciRegistryClient';
import { RequestSlots } from './types';

/** A plain FIFO bound, as the inspector's Limiter is. */
function slots(limit: number): RequestSlots {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    limit,
    async run(task) {
      if (active >= limit) await new Promise<void>(r => waiting.push(r));
      else active++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
  };
}

/** A server answering every request after `ms`, counting requests in flight. */
async function slowServer(ms: number) {
  const state = { inFlight: 0, max: 0 };
  const server = await startHttpServer((req, res) => {
    state.inFlight++;
    state.max = Math.max(state.max, state.inFlight);
    setTimeout(() => {
      state.inFlight--;
      res.writeHead(req.method === 'HEAD' ? 200 : 200, {
        'content-length': '2',
      });
      res.end('{}');
    }, ms);
  });
  return { server, state };
}

let servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map(s => s.stop()));
  servers = [];
});

describe('SafeHttpClient request time limits', () => {
  it('counts from when a request has its connection, not while it waits for one', async () => {
    const { server } = await slowServer(100);
    servers.push(server);
    const http = new SafeHttpClient({
      allowLoopback: true,
      insecureRegistries: [server.host],
      maxSocketsPerHost: 1,
      timeouts: { requestMs: 150 },
    });
    // One connection: the third request waits ~200 ms for it, then takes 100 ms.
    const responses = await Promise.all(
      [1, 2, 3].map(() => http.request(`${server.url}/v2/`)),
    );
    http.close();
    expect(responses.map(r => r.status)).toEqual([200, 200, 200]);
  });

  it('still times out a request that is slow once sent', async () => {
    const { server } = await slowServer(300);
    servers.push(server);
    const http = new SafeHttpClient({
      allowLoopback: true,
      insecureRegistries: [server.host],
      timeouts: { requestMs: 100 },
    });
    await expect(http.request(`${server.url}/v2/`)).rejects.toMatchObject({
      kind: 'timeout',
    });
    http.close();
  });
});

describe('requestSlots', () => {
  it('bound every blob HEAD of blobsExist, and the connections per host follow the bound', async () => {
    const { server, state } = await slowServer(20);
    servers.push(server);
    const http = new SafeHttpClient({
      allowLoopback: true,
      insecureRegistries: [server.host],
    });
    const client = new OciRegistryClient({
      registry: server.host,
      baseUrl: server.url,
      http,
    });
    const digests = Array.from(
      { length: 12 },
      (_, i) => `sha256:${String(i).padStart(64, '0')}`,
    );
    const found = await client.blobsExist('app', digests, {
      requestSlots: slots(2),
    });
    expect([...found.values()]).toEqual(Array(12).fill(true));
    expect(state.max).toBe(2);

    await client.blobsExist('app', digests, { requestSlots: slots(32) });
    expect(http.maxSocketsPerHost).toBe(32);
    http.close();
  });
});
