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
import { AddressInfo, Socket } from 'node:net';

/**
 * A small HTTP server on 127.0.0.1 for tests (hostile registries, token services, auth fronts).
 * `stop()` also destroys open connections, so servers that never answer stop at once.
 */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>` */
  host: string;
  port: number;
  /** Requests received, in order (method and URL path with query). */
  requests: Array<{
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
  }>;
  /** Connections open now (accepted and not yet closed). */
  openConnections(): number;
  /** Connections accepted since the start. */
  acceptedConnections(): number;
  stop(): Promise<void>;
}

/**
 * Polls `condition` every 10 ms until it holds or `withinMs` passes (generous bounds only: it
 * waits for something that must happen, and never asserts how fast).
 */
export async function eventually(
  condition: () => boolean,
  withinMs = 5000,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  return true;
}

/** Starts a server on a free loopback port with the given handler. */
export async function startHttpServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<TestHttpServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const requests: TestHttpServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
    });
    handler(req, res);
  });
  server.on('connection', socket => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    openConnections: () => sockets.size,
    acceptedConnections: () => accepted,
    stop: () =>
      new Promise<void>(resolve => {
        sockets.forEach(s => s.destroy());
        server.close(() => resolve());
      }),
  };
}
