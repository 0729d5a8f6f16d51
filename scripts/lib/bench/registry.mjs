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

// A real `docker-registry` (CNCF distribution) for the benchmark, logging every request, and the
// request counts between two offsets of its log.

import { spawn } from 'node:child_process';
import {
  closeSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

async function freePort() {
  const server = createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * Starts `docker-registry serve` on a free loopback port with its storage and log in `dir`.
 * Returns `{ url, host, logFile, logOffset(), settle(), stop() }`.
 */
export async function startRegistry(
  dir,
  bin = process.env.ECS_READINESS_DOCKER_REGISTRY_BIN ||
    '/usr/bin/docker-registry',
) {
  const port = await freePort();
  const config = join(dir, 'registry.yml');
  const logFile = join(dir, 'registry.log');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: json',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      '  maintenance:',
      '    uploadpurging:',
      '      enabled: false',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  secret: ecs-readiness-bench',
      '',
    ].join('\n'),
  );
  const fd = openSync(logFile, 'a');
  // REGISTRY_* variables would override the configuration.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')),
  );
  const child = spawn(bin, ['serve', config], {
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `docker-registry exited with ${child.exitCode}: ${readFileSync(
          logFile,
          'utf8',
        ).slice(-2000)}`,
      );
    }
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`docker-registry did not answer at ${url} within 20 s`);
    await new Promise(r => setTimeout(r, 50));
  }
  const logOffset = () => statSync(logFile).size;
  return {
    url,
    host: `127.0.0.1:${port}`,
    logFile,
    logOffset,
    /** Waits until the log stops growing (the last responses of a phase are logged), returns its size. */
    async settle(quietMs = 250) {
      let size = logOffset();
      let since = Date.now();
      while (Date.now() - since < quietMs) {
        await new Promise(r => setTimeout(r, 50));
        const now = logOffset();
        if (now !== size) {
          size = now;
          since = Date.now();
        }
      }
      return size;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `key=value` / `key="quoted value"` pairs of a logrus text line. */
function parseTextLine(line) {
  const out = {};
  const re = /([\w.]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
  let m;
  while ((m = re.exec(line))) {
    let v = m[2];
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v);
      } catch {
        v = v.slice(1, -1);
      }
    }
    out[m[1]] = v;
  }
  return out;
}

/**
 * The requests logged between two byte offsets of the registry log: one per `http.request.id`
 * (a request can log several lines; the one with a response status wins), JSON or text formatter.
 */
export function requestsBetween(logFile, from, to) {
  const buf = readFileSync(logFile).subarray(from, to);
  const byId = new Map();
  let anonymous = 0;
  for (const line of buf.toString('utf8').split('\n')) {
    if (!line.includes('http.request.uri')) continue;
    let rec;
    if (line.trimStart().startsWith('{')) {
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
    } else {
      rec = parseTextLine(line);
    }
    const method = rec['http.request.method'];
    const uri = rec['http.request.uri'];
    if (!method || !uri) continue;
    const status =
      rec['http.response.status'] !== undefined
        ? Number(rec['http.response.status'])
        : undefined;
    const id = rec['http.request.id'] ?? `anon-${anonymous++}`;
    const prev = byId.get(id);
    if (!prev || (prev.status === undefined && status !== undefined)) {
      byId.set(id, {
        method,
        uri,
        status,
        agent: rec['http.request.useragent'],
      });
    }
  }
  return [...byId.values()];
}

export const COLUMNS = [
  ['manifestGet', 'mGET'],
  ['manifestHead', 'mHEAD'],
  ['configGet', 'cfgGET'],
  ['blobGet', 'blobGET'],
  ['blobHead', 'blobHEAD'],
  ['ping', '/v2/'],
  ['tags', 'tags'],
  ['other', 'other'],
  ['total', 'total'],
  ['errors', 'non-2xx'],
];

/**
 * Counts requests by method and kind. `configDigests` tells config blob GETs apart from other blob
 * GETs (a layer download, which the engine should never need).
 */
export function countRequests(requests, configDigests = new Set()) {
  const c = Object.fromEntries(COLUMNS.map(([k]) => [k, 0]));
  for (const r of requests) {
    const path = r.uri.split('?')[0];
    if (!path.startsWith('/v2/')) continue;
    c.total++;
    if (r.status !== undefined && (r.status < 200 || r.status >= 400))
      c.errors++;
    let m;
    if (path === '/v2/' || path === '/v2') c.ping++;
    else if ((m = /^\/v2\/.+\/manifests\/[^/]+$/.exec(path))) {
      if (r.method === 'GET') c.manifestGet++;
      else if (r.method === 'HEAD') c.manifestHead++;
      else c.other++;
    } else if (/\/blobs\/uploads\//.test(path)) c.other++;
    else if ((m = /^\/v2\/.+\/blobs\/([^/]+)$/.exec(path))) {
      if (r.method === 'GET') {
        if (configDigests.has(decodeURIComponent(m[1]))) c.configGet++;
        else c.blobGet++;
      } else if (r.method === 'HEAD') c.blobHead++;
      else c.other++;
    } else if (/\/tags\/list$/.test(path)) c.tags++;
    else c.other++;
  }
  return c;
}
