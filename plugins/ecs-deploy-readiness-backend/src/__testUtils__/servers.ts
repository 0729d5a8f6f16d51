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
 * Local servers for fault and secrets tests: one that accepts connections and never answers,
 * a proxy that records every exchange with the sandbox (to learn the tokens it issued), and a
 * registry that echoes the credentials it is sent back in its errors.
 */

import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'http';
import { createServer as createTcpServer, type Socket } from 'net';
import type { AddressInfo } from 'net';

function listen(server: { listen: Server['listen']; once: Server['once'] }) {
  return new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePromise());
  });
}

/** A TCP server that accepts every connection, reads what it is sent, and never answers. */
export interface SilentServer {
  url: string;
  host: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Called on each new connection. */
  onConnection(listener: () => void): void;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const listeners: Array<() => void> = [];
  let connections = 0;
  const server = createTcpServer(socket => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.resume();
    for (const listener of listeners) listener();
  });
  await listen(server as unknown as Server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    onConnection: listener => listeners.push(listener),
    close: () =>
      new Promise(resolvePromise => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolvePromise());
      }),
  };
}

/** One request through the {@link RecordingProxy} and its answer. */
export interface Exchange {
  method: string;
  path: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: Buffer;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  responseBody: Buffer;
}

/**
 * A proxy in front of the sandbox that keeps every exchange. The `Host` header is passed on, so
 * the sandbox's token realms and blob links point back at the proxy and every later request
 * passes through it too.
 */
export interface RecordingProxy {
  url: string;
  host: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

const MAX_RECORDED_BODY = 1024 * 1024;

export async function startRecordingProxy(
  target: string,
  options: { onRequest?(request: IncomingMessage): void } = {},
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const read = (stream: IncomingMessage) =>
    new Promise<Buffer>((resolvePromise, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolvePromise(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  const server = createServer(async (req, res) => {
    options.onRequest?.(req);
    const requestBody = await read(req).catch(() => Buffer.alloc(0));
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      async answer => {
        const responseBody = await read(answer).catch(() => Buffer.alloc(0));
        exchanges.push({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          requestHeaders: req.headers,
          requestBody: requestBody.subarray(0, MAX_RECORDED_BODY),
          status: answer.statusCode ?? 0,
          responseHeaders: answer.headers,
          responseBody: responseBody.subarray(0, MAX_RECORDED_BODY),
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(responseBody);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    forward.end(requestBody);
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise(resolvePromise => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}

/**
 * A hostile registry: it asks for Basic credentials, then refuses them with an error that
 * repeats the `Authorization` header it got and the `user:password` pair in it.
 */
export interface EchoRegistry {
  url: string;
  host: string;
  /** The `Authorization` headers it was sent. */
  authorizations: string[];
  close(): Promise<void>;
}

export async function startEchoRegistry(): Promise<EchoRegistry> {
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization;
    const json = (status: number, body: unknown, headers = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'docker-distribution-api-version': 'registry/2.0',
        ...headers,
      });
      res.end(text);
    };
    if (!authorization) {
      json(
        401,
        {
          errors: [
            { code: 'UNAUTHORIZED', message: 'authentication required' },
          ],
        },
        { 'www-authenticate': 'Basic realm="echo registry"' },
      );
      return;
    }
    authorizations.push(authorization);
    const encoded = authorization.replace(/^Basic\s+/i, '');
    const pair = Buffer.from(encoded, 'base64').toString('utf8');
    json(
      403,
      {
        errors: [
          {
            code: 'DENIED',
            message: `requested access to the resource is denied for ${pair} (Authorization: ${authorization})`,
            detail: { authorization, pair, url: `http://${pair}@echo/` },
          },
        ],
      },
      { 'x-echo-authorization': authorization },
    );
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise(resolvePromise => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}
