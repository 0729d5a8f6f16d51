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
import { startHttpServer, TestHttpServer } from '../__testUtils__/httpServer';
import { SafeHttpClient, SafeHttpClientOptions } from './http';
import { OciRegistryClient } from './OciRegistryClient';
import { RegistryError } from './types';
import { DIGEST, MANIFEST } from '../__testUtils__/documents';

jest.setTimeout(20_000);

const OTHER = `sha256:${'f'.repeat(64)}`;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: TestHttpServer[] = [];
async function server(handler: Handler): Promise<TestHttpServer> {
  const s = await startHttpServer(handler);
  servers.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.stop()));
});

function httpClient(extra: SafeHttpClientOptions = {}): SafeHttpClient {
  return new SafeHttpClient({
    allowLoopback: true,
    timeouts: { requestMs: 1000, connectMs: 500 },
    ...extra,
  });
}

function ociClient(
  s: TestHttpServer,
  extra: SafeHttpClientOptions = {},
): OciRegistryClient {
  return new OciRegistryClient({
    registry: s.host,
    baseUrl: s.url,
    http: httpClient(extra),
    caps: { manifestBytes: 64 * 1024, blobBytes: 64 * 1024 },
  });
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a RegistryError');
    },
    e => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error;
}

function manifest(
  res: http.ServerResponse,
  body = MANIFEST,
  headers: Record<string, string> = {},
) {
  res.writeHead(200, {
    'content-type': 'application/vnd.oci.image.manifest.v1+json',
    'content-length': String(body.length),
    ...headers,
  });
  res.end(body);
}

describe('hostile registries', () => {
  it('aborts an oversized manifest as soon as Content-Length announces it', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
      res.write(Buffer.alloc(1024)); // and then nothing: waiting would time out
    });
    const started = Date.now();
    // Waiting for the body would end in a timeout after 5 s, not in too-large.
    const error = await failure(
      ociClient(s, { timeouts: { requestMs: 5000 } }).getManifest('app', 'v1'),
    );
    expect(error.kind).toBe('too-large');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('aborts an oversized streamed manifest without Content-Length', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const timer = setInterval(() => res.write(chunk), 5);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(ociClient(s).getManifest('app', 'v1'));
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/more than 65536 bytes/);
  });

  it('reports a truncated body', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"schemaVersion":2');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await failure(ociClient(s).getManifest('app', 'v1'));
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/after 18 of 1000 bytes/);
  });

  it('rejects a manifest whose bytes do not match the requested digest', async () => {
    const s = await server((_req, res) => manifest(res));
    const error = await failure(ociClient(s).getManifest('app', OTHER));
    expect(error.kind).toBe('digest-mismatch');
    expect(error.message).toContain(DIGEST);
  });

  it('rejects a manifest whose Docker-Content-Digest header does not match', async () => {
    const s = await server((_req, res) =>
      manifest(res, MANIFEST, { 'docker-content-digest': OTHER }),
    );
    const error = await failure(ociClient(s).getManifest('app', 'v1'));
    expect(error.kind).toBe('digest-mismatch');
    expect(error.message).toContain('Docker-Content-Digest');
  });

  it('accepts a matching Docker-Content-Digest and computes the digest by tag', async () => {
    const s = await server((_req, res) =>
      manifest(res, MANIFEST, { 'docker-content-digest': DIGEST }),
    );
    const fetched = await ociClient(s).getManifest('app', 'v1');
    expect(fetched).toMatchObject({
      digest: DIGEST,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
  });

  it('rejects a blob that does not match its digest', async () => {
    const s = await server((_req, res) => res.end('not the config'));
    expect((await failure(ociClient(s).getBlob('app', OTHER))).kind).toBe(
      'digest-mismatch',
    );
  });

  it.each([
    ['an HTML page', '<html>hello</html>', /not valid JSON/],
    ['a JSON array', '[1,2,3]', /not a manifest or index/],
    [
      'JSON without schemaVersion',
      '{"hello":"world"}',
      /not a manifest or index/,
    ],
  ])(
    'rejects %s served as a manifest with 200',
    async (_name, body, message) => {
      const s = await server((_req, res) =>
        manifest(res, Buffer.from(body), {
          'content-type': 'application/json',
        }),
      );
      const error = await failure(ociClient(s).getManifest('app', 'v1'));
      expect(error.kind).toBe('bad-response');
      expect(error.message).toMatch(message);
    },
  );

  it('stops a redirect loop', async () => {
    const s = await server((req, res) => {
      res.writeHead(302, { location: req.url?.endsWith('/a') ? '/b' : '/a' });
      res.end();
    });
    const error = await failure(
      httpClient({ maxRedirects: 3 }).request(`${s.url}/a`),
    );
    expect(error.kind).toBe('redirect-limit');
    expect(s.requests).toHaveLength(4);
  });

  it('times out on a server that never answers, within the configured time', async () => {
    const s = await server(() => {
      // never answers
    });
    const started = Date.now();
    const error = await failure(ociClient(s).getManifest('app', 'v1'));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out on a body that stalls', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{');
    });
    expect((await failure(ociClient(s).getManifest('app', 'v1'))).kind).toBe(
      'timeout',
    );
  });

  it.each([
    [
      'the instance metadata service',
      'http://169.254.169.254/latest/meta-data/',
      /link-local/,
    ],
    ['a private address', 'https://10.0.0.7/v2/', /private/],
    ['an IPv6 unique local address', 'https://[fd00:ec2::254]/', /private/],
    [
      'an IPv4-mapped private address',
      'https://[::ffff:192.168.1.1]/',
      /private/,
    ],
    ['the unspecified address', 'https://0.0.0.0/', /unspecified/],
  ])('refuses a redirect to %s', async (_name, location, message) => {
    const s = await server((_req, res) => {
      res.writeHead(307, { location });
      res.end();
    });
    const error = await failure(
      ociClient(s, { insecureRegistries: ['169.254.169.254'] }).getBlob(
        'app',
        DIGEST,
      ),
    );
    expect(error.kind).toBe('blocked-address');
    expect(error.message).toMatch(message);
  });

  it('refuses plain HTTP to a host that is not allowed', async () => {
    const error = await failure(
      httpClient({ allowLoopback: false }).request(
        'http://registry.example.com/v2/',
      ),
    );
    expect(error.kind).toBe('blocked-address');
    expect(error.message).toMatch(/insecureRegistries/);
  });

  it('refuses loopback without allowLoopback', async () => {
    const s = await server((_req, res) => manifest(res));
    const error = await failure(
      ociClient(s, {
        allowLoopback: false,
        insecureRegistries: [s.host],
      }).getManifest('app', 'v1'),
    );
    expect(error.kind).toBe('blocked-address');
    expect(s.requests).toHaveLength(0);
  });

  it('checks the resolved address, so a public-looking name that resolves to loopback is refused', async () => {
    const s = await server((_req, res) => manifest(res));
    const resolve = jest.fn(async () => [{ address: '127.0.0.1', family: 4 }]);
    const name = `registry.example.com:${s.port}`;
    const client = new OciRegistryClient({
      registry: name,
      baseUrl: `http://${name}`,
      http: new SafeHttpClient({ insecureRegistries: [name], resolve }),
    });
    const error = await failure(client.getManifest('app', 'v1'));
    expect(error.kind).toBe('blocked-address');
    expect(error.message).toContain('registry.example.com (127.0.0.1)');
    expect(resolve).toHaveBeenCalledWith('registry.example.com');
    expect(s.requests).toHaveLength(0);
  });

  it('connects to an allowed private registry through the resolved address', async () => {
    const s = await server((_req, res) => manifest(res));
    const name = `mirror.internal:${s.port}`;
    const client = new OciRegistryClient({
      registry: name,
      baseUrl: `http://${name}`,
      http: new SafeHttpClient({
        allowedPrivateRegistries: [name],
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      }),
    });
    expect((await client.getManifest('app', 'v1')).digest).toBe(DIGEST);
    expect(s.requests[0].headers.host).toBe(name);
  });

  it('does not send credentials to a redirect target on another origin', async () => {
    const storage = await server((_req, res) => res.end('blob'));
    const s = await server((_req, res) => {
      res.writeHead(307, { location: `${storage.url}/blob?sig=1` });
      res.end();
    });
    const response = await httpClient().request(`${s.url}/v2/app/blobs/x`, {
      authorization: 'Bearer secret',
    });
    expect(response.body.toString()).toBe('blob');
    expect(s.requests[0].headers.authorization).toBe('Bearer secret');
    expect(storage.requests[0].headers.authorization).toBeUndefined();
  });

  it('reports a refused connection as a network error', async () => {
    const s = await server(() => {});
    const url = s.url;
    await s.stop();
    servers.splice(servers.indexOf(s), 1);
    const error = await failure(httpClient().request(`${url}/v2/`));
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/refused/);
  });

  it.each([
    [
      429,
      'rate-limited',
      '{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}',
    ],
    [
      403,
      'denied',
      '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}',
    ],
    [503, 'network', 'upstream down'],
    [500, 'bad-response', 'oops'],
    [
      404,
      'repository-not-found',
      '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}',
    ],
    [404, 'manifest-not-found', ''],
  ])('maps HTTP %i to %s', async (status, kind, body) => {
    const s = await server((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
    const error = await failure(ociClient(s).getManifest('app', 'v1'));
    expect(error.kind).toBe(kind);
    expect(error.httpStatus).toBe(status);
  });

  it.each([
    [
      'an invalid repository name',
      (c: OciRegistryClient) => c.getManifest('Team/App', 'v1'),
    ],
    [
      'a path-traversing repository name',
      (c: OciRegistryClient) => c.manifestExists('../etc', DIGEST),
    ],
    ['an invalid tag', (c: OciRegistryClient) => c.getManifest('app', '-v1')],
    [
      'an invalid manifest digest',
      (c: OciRegistryClient) => c.getManifest('app', 'sha256:abc'),
    ],
    [
      'an invalid blob digest',
      (c: OciRegistryClient) => c.getBlob('app', `md5:${'0'.repeat(32)}`),
    ],
    [
      'an invalid digest among blobs',
      (c: OciRegistryClient) => c.blobsExist('app', [DIGEST, 'sha256:XYZ']),
    ],
  ])(
    'rejects %s as invalid-argument without sending a request',
    async (_name, call) => {
      const s = await server((_req, res) => manifest(res));
      const error = await failure(call(ociClient(s)));
      expect(error.kind).toBe('invalid-argument');
      expect(s.acceptedConnections()).toBe(0);
    },
  );

  it.each(['NAME_INVALID', 'TAG_INVALID', 'DIGEST_INVALID'])(
    'maps the Distribution error %s to invalid-argument, never to not found',
    async code => {
      const s = await server((_req, res) => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code, message: 'invalid' }] }));
      });
      const client = ociClient(s);
      const error = await failure(client.getManifest('app', 'v1'));
      expect(error.kind).toBe('invalid-argument');
      expect(error.httpStatus).toBe(400);
      expect(error.message).toContain(code);
      expect((await failure(client.getBlob('app', DIGEST))).kind).toBe(
        'invalid-argument',
      );
    },
  );

  it('asks for a manifest with HEAD and every manifest media type, and reads 404 as absent', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/app/tags/list?n=1') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"name":"app","tags":["v1"]}');
        return;
      }
      res.writeHead(req.url?.endsWith(DIGEST) ? 200 : 404);
      res.end();
    });
    const client = ociClient(s);
    expect(await client.manifestExists('app', DIGEST)).toBe(true);
    expect(await client.manifestExists('app', OTHER)).toBe(false);
    const [head] = s.requests;
    expect(head.method).toBe('HEAD');
    expect(head.url).toBe(`/v2/app/manifests/${DIGEST}`);
    expect(head.headers.accept).toContain(
      'application/vnd.oci.image.index.v1+json',
    );
    expect(head.headers.accept).toContain(
      'application/vnd.docker.distribution.manifest.v2+json',
    );
  });

  it('reads a 404 for a manifest in a repository the tag list does not know as repository-not-found', async () => {
    const s = await server((req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        req.url?.includes('/tags/list')
          ? '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}'
          : '',
      );
    });
    const error = await failure(ociClient(s).manifestExists('app', DIGEST));
    expect(error.kind).toBe('repository-not-found');
  });

  it.each([
    [429, 'rate-limited'],
    [403, 'denied'],
    [503, 'network'],
    [500, 'bad-response'],
  ])(
    'never reads HTTP %i on a manifest HEAD as absent: it is %s',
    async (status, kind) => {
      const s = await server((_req, res) => {
        res.writeHead(status);
        res.end();
      });
      const error = await failure(ociClient(s).manifestExists('app', DIGEST));
      expect(error.kind).toBe(kind);
      expect(error.httpStatus).toBe(status);
    },
  );

  it('treats a blob redirect on HEAD as existing without following it', async () => {
    const storage = await server((_req, res) => {
      res.writeHead(403);
      res.end();
    });
    const s = await server((req, res) => {
      if (req.url?.endsWith(OTHER)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(307, { location: `${storage.url}/presigned-for-get` });
      res.end();
    });
    const exists = await ociClient(s).blobsExist('app', [
      DIGEST,
      OTHER,
      DIGEST,
    ]);
    expect([...exists.entries()]).toEqual([
      [DIGEST, true],
      [OTHER, false],
    ]);
    expect(storage.requests).toHaveLength(0);
  });
});
