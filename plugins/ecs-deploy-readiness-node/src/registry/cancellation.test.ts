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
 * Cancellation over real loopback sockets: registries that accept a connection and never answer,
 * or trickle a body, token services that hold their answer, and an ECR endpoint that hangs. Every
 * test aborts mid-flight and checks what a user of the engine would notice: the call ends at once
 * with `canceled` (well within a second; the time limits are set far beyond that), and no socket
 * stays open on either side.
 */

import { getEventListeners } from 'node:events';
import * as http from 'node:http';
import { ECRClient } from '@aws-sdk/client-ecr';
import {
  eventually,
  startHttpServer,
  TestHttpServer,
} from '../__testUtils__/httpServer';
import { parseImageReference } from '../reference/parse';
import { SharedWork } from './concurrency';
import { EcrRegistryClient } from './EcrRegistryClient';
import { SafeHttpClient } from './http';
import { OciRegistryClient } from './OciRegistryClient';
import { RegistryError } from './types';
import { DIGEST, MANIFEST } from '../__testUtils__/documents';

jest.setTimeout(30_000);

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: TestHttpServer[] = [];
const clients: SafeHttpClient[] = [];

async function server(handler: Handler): Promise<TestHttpServer> {
  const s = await startHttpServer(handler);
  servers.push(s);
  return s;
}

afterEach(async () => {
  clients.splice(0).forEach(c => c.close());
  await Promise.all(servers.splice(0).map(s => s.stop()));
  jest.restoreAllMocks();
});

/** Time limits far beyond the one-second bound the tests check, so only the abort can end a call. */
function httpClient(
  extra: ConstructorParameters<typeof SafeHttpClient>[0] = {},
): SafeHttpClient {
  const client = new SafeHttpClient({
    allowLoopback: true,
    timeouts: { requestMs: 20_000, connectMs: 20_000 },
    ...extra,
  });
  clients.push(client);
  return client;
}

function ociClient(s: TestHttpServer, safe = httpClient()): OciRegistryClient {
  return new OciRegistryClient({
    registry: s.host,
    baseUrl: s.url,
    http: safe,
    concurrency: 2,
  });
}

/** Sockets the client's agents hold, busy or idle (its agents are private: read them as such). */
function agentSockets(client: SafeHttpClient): number {
  const { httpAgent, httpsAgent } = client as unknown as {
    httpAgent: http.Agent;
    httpsAgent: http.Agent;
  };
  const count = (agent: http.Agent) =>
    [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)]
      .map(list => list?.length ?? 0)
      .reduce((a, b) => a + b, 0);
  return count(httpAgent) + count(httpsAgent);
}

/** Aborts once `ready` holds, and gives the error and how long the call took to end after it. */
async function abortWhen(
  start: (signal: AbortSignal) => Promise<unknown>,
  ready: () => boolean,
): Promise<{ error: RegistryError; afterAbortMs: number }> {
  const controller = new AbortController();
  const outcome = start(controller.signal).then(
    () => {
      throw new Error('expected the call to be canceled');
    },
    e => e,
  );
  expect(await eventually(ready)).toBe(true);
  const abortedAt = Date.now();
  controller.abort();
  const error = await outcome;
  const afterAbortMs = Date.now() - abortedAt;
  expect(error).toBeInstanceOf(RegistryError);
  return { error, afterAbortMs };
}

function neverAnswers(): Handler {
  return () => {};
}

describe('SafeHttpClient cancellation', () => {
  it('an abort while the registry has not answered ends the request with canceled, and closes the socket on both sides', async () => {
    const s = await server(neverAnswers());
    const client = httpClient();
    const { error, afterAbortMs } = await abortWhen(
      signal => client.request(`${s.url}/v2/app/manifests/v1`, { signal }),
      () => s.requests.length === 1,
    );
    expect(error.kind).toBe('canceled');
    expect(afterAbortMs).toBeLessThan(1000);
    expect(await eventually(() => s.openConnections() === 0)).toBe(true);
    expect(await eventually(() => agentSockets(client) === 0)).toBe(true);
  });

  it('an abort while the body trickles in ends the request with canceled, and closes the socket on both sides', async () => {
    let chunks = 0;
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      const timer = setInterval(() => {
        chunks++;
        res.write('x');
      }, 20);
      res.on('close', () => clearInterval(timer));
    });
    const client = httpClient();
    const { error, afterAbortMs } = await abortWhen(
      signal => client.request(`${s.url}/v2/app/blobs/x`, { signal }),
      () => chunks >= 3,
    );
    expect(error.kind).toBe('canceled');
    expect(afterAbortMs).toBeLessThan(1000);
    expect(await eventually(() => s.openConnections() === 0)).toBe(true);
    expect(await eventually(() => agentSockets(client) === 0)).toBe(true);
  });

  it('an abort during the DNS lookup ends the request with canceled, and no connection is made', async () => {
    const s = await server((_req, res) => res.end('late'));
    let answer: (
      addresses: Array<{ address: string; family: number }>,
    ) => void = () => {};
    const resolve = jest.fn(
      () =>
        new Promise<Array<{ address: string; family: number }>>(done => {
          answer = done;
        }),
    );
    const name = `registry.example.com:${s.port}`;
    const client = httpClient({ insecureRegistries: [name], resolve });
    const { error, afterAbortMs } = await abortWhen(
      signal => client.request(`http://${name}/v2/`, { signal }),
      () => resolve.mock.calls.length === 1,
    );
    expect(error.kind).toBe('canceled');
    expect(afterAbortMs).toBeLessThan(1000);
    // The lookup answers after the abort: the destroyed socket must not connect.
    answer([{ address: '127.0.0.1', family: 4 }]);
    await new Promise(done => setTimeout(done, 100));
    expect(s.acceptedConnections()).toBe(0);
    expect(agentSockets(client)).toBe(0);
  });

  it('an already-aborted signal rejects before any connection', async () => {
    const s = await server((_req, res) => res.end('{}'));
    const client = httpClient();
    const error = await client
      .request(`${s.url}/v2/`, { signal: AbortSignal.abort() })
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.kind).toBe('canceled');
    await new Promise(done => setTimeout(done, 100));
    expect(s.acceptedConnections()).toBe(0);
  });

  it('follows a redirect under the same signal: an abort at the target ends the request', async () => {
    const target = await server(neverAnswers());
    const s = await server((_req, res) => {
      res.writeHead(307, { location: `${target.url}/storage/blob` });
      res.end();
    });
    const client = httpClient();
    const { error } = await abortWhen(
      signal => client.request(`${s.url}/v2/app/blobs/x`, { signal }),
      () => target.requests.length === 1,
    );
    expect(error.kind).toBe('canceled');
    expect(await eventually(() => target.openConnections() === 0)).toBe(true);
  });

  it('removes its abort listener when a request settles, so a long-lived signal collects none', async () => {
    const s = await server((_req, res) => {
      setTimeout(() => res.end('{}'), 5);
    });
    const client = httpClient();
    const signal = new AbortController().signal;
    const requests = Array.from({ length: 40 }, () =>
      client.request(`${s.url}/v2/`, { signal }),
    );
    // One listener per request in flight...
    expect(getEventListeners(signal, 'abort')).toHaveLength(40);
    await Promise.all(requests);
    // ...and none once they have all settled.
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

describe('OciRegistryClient cancellation', () => {
  it('an inspection aborted mid-flight against a slow registry ends with canceled within a second, and leaves no socket open', async () => {
    const s = await server(neverAnswers());
    const safe = httpClient();
    const { error, afterAbortMs } = await abortWhen(
      signal => ociClient(s, safe).getManifest('app', 'v1', { signal }),
      () => s.requests.length === 1,
    );
    expect(error.kind).toBe('canceled');
    expect(afterAbortMs).toBeLessThan(1000);
    expect(await eventually(() => s.openConnections() === 0)).toBe(true);
    expect(await eventually(() => agentSockets(safe) === 0)).toBe(true);
  });

  it('blobsExist starts no HEAD after an abort and destroys those in flight', async () => {
    const s = await server(neverAnswers());
    const safe = httpClient();
    const request = jest.spyOn(safe, 'request');
    const digests = Array.from(
      { length: 6 },
      (_, i) => `sha256:${String(i).repeat(64)}`,
    );
    const { error, afterAbortMs } = await abortWhen(
      signal => ociClient(s, safe).blobsExist('app', digests, { signal }),
      () => s.requests.length === 2,
    );
    expect(error.kind).toBe('canceled');
    expect(afterAbortMs).toBeLessThan(1000);
    expect(await eventually(() => s.openConnections() === 0)).toBe(true);
    await new Promise(done => setTimeout(done, 100));
    expect(request).toHaveBeenCalledTimes(2); // concurrency 2: the other four never started
    expect(s.requests).toHaveLength(2);
  });

  it('a manifest HEAD probe for the repository is canceled too, not read as "manifest absent"', async () => {
    const s = await server((req, res) => {
      if (req.url?.includes('/tags/list')) return; // the probe hangs
      res.writeHead(404);
      res.end();
    });
    const { error } = await abortWhen(
      signal => ociClient(s).manifestExists('app', DIGEST, { signal }),
      () => s.requests.some(r => r.url.includes('/tags/list')),
    );
    expect(error.kind).toBe('canceled');
  });

  describe('with a token service that holds its answer', () => {
    let held: http.ServerResponse[];
    let tokenRequests: number;
    let tokenRequestsClosed: number;
    let s: TestHttpServer;

    beforeEach(async () => {
      held = [];
      tokenRequests = 0;
      tokenRequestsClosed = 0;
      s = await server((req, res) => {
        if (req.url?.startsWith('/token')) {
          tokenRequests++;
          res.on('close', () => tokenRequestsClosed++);
          held.push(res);
          return;
        }
        if (req.headers.authorization !== 'Bearer tok') {
          res.writeHead(401, {
            'www-authenticate': `Bearer realm="${s.url}/token",service="test"`,
          });
          res.end();
          return;
        }
        res.writeHead(200, {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
        });
        res.end(MANIFEST);
      });
    });

    function releaseTokens() {
      held.splice(0).forEach(res => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: 'tok', expires_in: 300 }));
      });
    }

    it('the 401 retry honours the signal: an abort while the token is fetched ends the call, and the token request once nobody waits', async () => {
      const { error, afterAbortMs } = await abortWhen(
        signal => ociClient(s).getManifest('app', 'v1', { signal }),
        () => tokenRequests === 1,
      );
      expect(error.kind).toBe('canceled');
      expect(afterAbortMs).toBeLessThan(1000);
      // Its only waiter gone, the token request is destroyed rather than left to time out.
      expect(await eventually(() => tokenRequestsClosed === 1)).toBe(true);
      expect(held[0].writableEnded).toBe(false);
    });

    it("one caller's abort fails neither the other caller sharing the token request nor the cached token", async () => {
      const wait = jest.spyOn(SharedWork.prototype, 'wait');
      const client = ociClient(s);
      const impatient = new AbortController();
      const first = client
        .getManifest('app', 'v1', { signal: impatient.signal })
        .catch(e => e);
      const second = client.getManifest('app', 'v1');
      // Both callers wait for the one token request.
      expect(await eventually(() => wait.mock.calls.length === 2)).toBe(true);
      expect(tokenRequests).toBe(1);
      impatient.abort();
      const error = await first;
      expect(error).toBeInstanceOf(RegistryError);
      expect(error.kind).toBe('canceled');
      releaseTokens();
      expect((await second).digest).toBe(DIGEST);
      expect((await client.getManifest('app', 'v1')).digest).toBe(DIGEST);
      expect(tokenRequests).toBe(1);
    });

    it('many calls on one long-lived signal leave no abort listener behind', async () => {
      const client = ociClient(s);
      const signal = new AbortController().signal;
      const calls = Array.from({ length: 10 }, () =>
        client.getManifest('app', 'v1', { signal }),
      );
      expect(await eventually(() => tokenRequests === 1)).toBe(true);
      expect(getEventListeners(signal, 'abort').length).toBeGreaterThan(0);
      releaseTokens();
      await Promise.all(calls);
      await Promise.all(
        Array.from({ length: 10 }, () =>
          client.getManifest('app', 'v1', { signal }),
        ),
      );
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    });
  });
});

describe('EcrRegistryClient cancellation over a real socket', () => {
  const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  const parsed = parseImageReference(`${host}/app`);
  if (!parsed.ok || !parsed.reference.ecr) throw new Error('fixture');
  const ecr = parsed.reference.ecr;

  function ecrClient(s: TestHttpServer, apiTimeoutMs = 20_000) {
    return new EcrRegistryClient({
      registry: host,
      ecr,
      client: new ECRClient({
        region: 'eu-west-1',
        endpoint: s.url,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
      http: httpClient(),
      apiTimeoutMs,
    });
  }

  it("a caller's abort destroys the SDK request: canceled, and the endpoint sees its socket closed", async () => {
    const s = await server(neverAnswers());
    const { error, afterAbortMs } = await abortWhen(
      signal => ecrClient(s).getManifest('team/app', 'v1', { signal }),
      () => s.requests.length === 1,
    );
    expect(error.kind).toBe('canceled');
    expect(afterAbortMs).toBeLessThan(1000);
    expect(await eventually(() => s.openConnections() === 0)).toBe(true);
  });

  it('the per-call time limit gives timeout, not canceled, and closes the socket', async () => {
    const s = await server(neverAnswers());
    const error = await ecrClient(s, 300)
      .getManifest('team/app', 'v1', { signal: new AbortController().signal })
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.kind).toBe('timeout');
    expect(s.requests).toHaveLength(1);
    expect(await eventually(() => s.openConnections() === 0)).toBe(true);
  });
});
