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
 * Test harness: a real CNCF distribution registry (`docker-registry` 2.8, Debian package) on a
 * free loopback port, optionally behind a small auth front.
 *
 * API (kept stable; other suites use it):
 *
 *   const registry = await startDockerRegistry();                      // anonymous
 *   const registry = await startDockerRegistry({ basicAuth: { username, password } });
 *   const registry = await startDockerRegistry({ tokenAuth: { username?, password?, expiresInSeconds? } });
 *   registry.url        base URL clients use: `http://127.0.0.1:<port>` (the auth front when auth is on)
 *   registry.host       `127.0.0.1:<port>` of `url`, i.e. the registry host of image references
 *   registry.directUrl  the registry itself without auth, for pushing fixtures with `pushArtifact`
 *   registry.tokenRequests  token requests seen by the token service (token auth only)
 *   await registry.stop()   kills the registry, stops the front, removes the storage directory
 *
 * The binary is `$ECS_READINESS_DOCKER_REGISTRY_BIN` or `/usr/bin/docker-registry`
 * (`apt-get install -y docker-registry`; ./scripts/test installs it). Storage is a temporary
 * directory with deletes enabled and no blob descriptor cache, so deleted blobs are really gone.
 *
 * Basic auth is the registry's own htpasswd auth, with a bcrypt file made by `htpasswd -B`
 * (`$ECS_READINESS_HTPASSWD_BIN` or `/usr/bin/htpasswd`, Debian's apache2-utils, which
 * ./scripts/test installs); a second registry process without auth serves the same storage as
 * `directUrl`, for pushing fixtures.
 *
 * Token auth: the registry's own token auth needs X.509-signed JWTs, so it is enforced by a front
 * (a Node reverse proxy) that behaves as registries do on the wire: `401` with
 * `WWW-Authenticate: Bearer realm="<front>/token",service=…,scope="repository:<name>:pull"`, a
 * token endpoint that issues scoped, expiring tokens (optionally requiring Basic credentials),
 * and a Distribution API error body.
 */

import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer, TestHttpServer } from './httpServer';

/** Options of {@link startDockerRegistry}. */
export interface StartDockerRegistryOptions {
  /** Requires these credentials with HTTP Basic authentication. */
  basicAuth?: { username: string; password: string };
  /** Requires bearer tokens from a token service, like Docker Hub, GHCR and Quay. */
  tokenAuth?: {
    /** Credentials the token service requires; omit both for anonymous tokens. */
    username?: string;
    password?: string;
    /** `service` of the challenge. Default `test-registry`. */
    service?: string;
    /** Token lifetime (`expires_in`). Default 300 s. */
    expiresInSeconds?: number;
  };
}

/** A running registry; see the comment at the top of this file. */
export interface DockerRegistry {
  url: string;
  host: string;
  directUrl: string;
  tokenRequests: Array<{
    scope: string[];
    service?: string;
    authenticated: boolean;
  }>;
  stop(): Promise<void>;
}

const DEFAULT_BIN = '/usr/bin/docker-registry';

/** A bcrypt htpasswd line for the registry's own basic auth. */
function htpasswdLine(username: string, password: string): string {
  const bin = process.env.ECS_READINESS_HTPASSWD_BIN || '/usr/bin/htpasswd';
  if (!existsSync(bin)) {
    throw new Error(
      `htpasswd not found at ${bin}: install it with 'apt-get install -y apache2-utils' ` +
        'or set ECS_READINESS_HTPASSWD_BIN (./scripts/test does both)',
    );
  }
  return execFileSync(bin, ['-Bbn', username, password], {
    encoding: 'utf8',
  }).trim();
}

function registryBinary(): string {
  const bin = process.env.ECS_READINESS_DOCKER_REGISTRY_BIN || DEFAULT_BIN;
  if (!existsSync(bin)) {
    throw new Error(
      `docker-registry not found at ${bin}: install it with 'apt-get install -y docker-registry' ` +
        'or set ECS_READINESS_DOCKER_REGISTRY_BIN (./scripts/test does both)',
    );
  }
  return bin;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  stderr: () => string,
  readyStatus: number,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `docker-registry exited with ${child.exitCode}: ${stderr()}`,
      );
    }
    try {
      const response = await fetch(url);
      if (response.status === readyStatus) return;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error(
    `docker-registry did not answer at ${url} within 20 s: ${stderr()}`,
  );
}

async function spawnRegistry(
  dir: string,
  htpasswdFile?: string,
): Promise<{ child: ChildProcess; url: string }> {
  const bin = registryBinary();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(
      dir,
      `config-${htpasswdFile ? 'auth-' : ''}${attempt}.yml`,
    );
    await writeFile(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: error',
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
        `  secret: ${randomBytes(16).toString('hex')}`,
        ...(htpasswdFile
          ? [
              'auth:',
              '  htpasswd:',
              '    realm: ecs-readiness-test-registry',
              `    path: ${htpasswdFile}`,
            ]
          : []),
        '',
      ].join('\n'),
    );
    // REGISTRY_* variables would override the configuration.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !name.startsWith('REGISTRY_'),
      ),
    );
    const child = spawn(bin, ['serve', config], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', chunk => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(
        `${url}/v2/`,
        child,
        () => stderr,
        htpasswdFile ? 401 : 200,
      );
      return { child, url };
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
    }
  }
  throw lastError;
}

function unauthorized(res: http.ServerResponse, challenge: string): void {
  res.writeHead(401, {
    'content-type': 'application/json; charset=utf-8',
    'www-authenticate': challenge,
    'docker-distribution-api-version': 'registry/2.0',
  });
  res.end(
    JSON.stringify({
      errors: [
        {
          code: 'UNAUTHORIZED',
          message: 'authentication required',
          detail: null,
        },
      ],
    }),
  );
}

function basicCredentials(
  req: http.IncomingMessage,
): { username: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? undefined
    : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `/v2/<name>/(manifests|blobs|tags)/…` → `<name>`. */
function repositoryOf(path: string): string | undefined {
  return /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(path)?.[1];
}

function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: URL,
): void {
  const headers = { ...req.headers, host: target.host };
  delete headers.authorization;
  const upstream = http.request(
    new URL(req.url ?? '/', target),
    { method: req.method, headers },
    response => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

async function startAuthFront(
  directUrl: string,
  options: StartDockerRegistryOptions,
  tokenRequests: DockerRegistry['tokenRequests'],
): Promise<TestHttpServer> {
  const target = new URL(directUrl);
  const tokens = new Map<string, { scopes: string[]; expiresAt: number }>();
  const { tokenAuth } = options;
  const service = tokenAuth?.service ?? 'test-registry';
  let front: TestHttpServer | undefined = undefined;
  front = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const repository = repositoryOf(url.pathname);

    if (tokenAuth && url.pathname === '/token') {
      const given = basicCredentials(req);
      const needsLogin = tokenAuth.username !== undefined;
      const authenticated =
        !!given &&
        given.username === tokenAuth.username &&
        given.password === tokenAuth.password;
      const scope = url.searchParams
        .getAll('scope')
        .flatMap(s => s.split(' '))
        .filter(Boolean);
      tokenRequests.push({
        scope,
        service: url.searchParams.get('service') ?? undefined,
        authenticated,
      });
      if (needsLogin && !authenticated) {
        unauthorized(res, `Basic realm="${front!.url}/token"`);
        return;
      }
      const token = randomBytes(24).toString('base64url');
      const expiresIn = tokenAuth.expiresInSeconds ?? 300;
      tokens.set(token, {
        scopes: scope,
        expiresAt: Date.now() + expiresIn * 1000,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          token,
          access_token: token,
          expires_in: expiresIn,
          issued_at: new Date().toISOString(),
        }),
      );
      return;
    }

    if (tokenAuth) {
      const bearer = /^Bearer\s+(.+)$/i.exec(
        req.headers.authorization ?? '',
      )?.[1];
      const grant = bearer ? tokens.get(bearer) : undefined;
      const valid =
        grant &&
        grant.expiresAt > Date.now() &&
        (!repository ||
          grant.scopes.some(
            s =>
              s === `repository:${repository}:pull` ||
              s === `repository:${repository}:pull,push`,
          ));
      if (!valid) {
        const scope = repository
          ? `,scope="repository:${repository}:pull"`
          : '';
        unauthorized(
          res,
          `Bearer realm="${front!.url}/token",service="${service}"${scope}`,
        );
        return;
      }
    }
    forward(req, res, target);
  });
  return front;
}

/** Starts a real registry; see the comment at the top of this file. */
export async function startDockerRegistry(
  options: StartDockerRegistryOptions = {},
): Promise<DockerRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-readiness-registry-'));
  let spawned: { child: ChildProcess; url: string };
  try {
    spawned = await spawnRegistry(dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const { child, url: directUrl } = spawned;
  const children = [child];
  const stopChildren = async () => {
    for (const c of children) {
      c.kill('SIGTERM');
      if (!(await waitForExit(c, 5000))) {
        c.kill('SIGKILL');
        await waitForExit(c, 5000);
      }
    }
  };
  const tokenRequests: DockerRegistry['tokenRequests'] = [];
  let front: TestHttpServer | undefined;
  let url = directUrl;
  try {
    if (options.basicAuth) {
      const file = join(dir, 'htpasswd');
      const { username, password } = options.basicAuth;
      await writeFile(file, `${htpasswdLine(username, password)}\n`);
      const authed = await spawnRegistry(dir, file);
      children.push(authed.child);
      url = authed.url;
    } else if (options.tokenAuth) {
      front = await startAuthFront(directUrl, options, tokenRequests);
      url = front.url;
    }
  } catch (error) {
    await stopChildren();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    host: new URL(url).host,
    directUrl,
    tokenRequests,
    async stop() {
      await front?.stop();
      await stopChildren();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
