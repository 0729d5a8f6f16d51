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

import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TestHttpServer, startHttpServer } from '../__testUtils__/httpServer';
import { runCli, tempDir } from './__testUtils__/runCli';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

const hostVariable = (prefix: string, host: string) =>
  `${prefix}${host.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * A registry that repeats the request's Authorization header back: in the error body of a 403
 * (repository `echo/denied`), in a `WWW-Authenticate` challenge of an unsupported scheme
 * (repository `echo/scheme`), and decoded, inside the config media type of a valid manifest
 * (repository `echo/manifest`: document text, which no registry error redaction sees). Without
 * credentials it asks for `challenge`.
 */
async function hostileRegistry(
  challenge: (server: TestHttpServer) => string,
  token?: string,
): Promise<TestHttpServer> {
  // eslint-disable-next-line prefer-const -- the handler needs the server's own address
  let self: TestHttpServer;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const authorization = req.headers.authorization;
    if (!authorization) {
      res.writeHead(401, { 'www-authenticate': challenge(self) });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"log in"}]}');
      return;
    }
    if (url.pathname.includes('/manifest/')) {
      const [, value = ''] = authorization.split(' ');
      const decoded = authorization.startsWith('Basic ')
        ? Buffer.from(value, 'base64').toString('utf8')
        : value;
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: {
          mediaType: `application/vnd.echo.${decoded}+json`,
          digest: `sha256:${'c'.repeat(64)}`,
          size: 1,
        },
        layers: [],
      });
      res.writeHead(200, {
        'content-type': MEDIA_TYPES.ociManifest,
        'docker-content-digest': `sha256:${createHash('sha256')
          .update(body)
          .digest('hex')}`,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (url.pathname.includes('/scheme/')) {
      res.writeHead(401, {
        'www-authenticate': `Weird ${authorization}`,
        'content-type': 'application/json',
      });
      res.end(
        JSON.stringify({
          errors: [{ code: 'UNAUTHORIZED', message: `got ${authorization}` }],
        }),
      );
      return;
    }
    res.writeHead(403, {
      'content-type': 'application/json',
      'www-authenticate': `Weird realm="${authorization}"`,
    });
    res.end(
      JSON.stringify({
        errors: [
          {
            code: 'DENIED',
            message: `access denied for Authorization: ${authorization}`,
            detail: { authorization },
          },
        ],
      }),
    );
  };
  self = await startHttpServer(handler);
  return self;
}

describe('no credential in what the CLI prints', () => {
  // Lower case, so that a media type that is lower-cased on the way still carries them.
  const USER = 'ci-robot';
  const PASSWORD = 'hunter2-pa55word';
  const TOKEN = 'ghp_secrettokenvalue0123456789';
  const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  let basic: TestHttpServer;
  let bearer: TestHttpServer;

  beforeAll(async () => {
    basic = await hostileRegistry(() => 'Basic realm="registry"');
    bearer = await hostileRegistry(
      s => `Bearer realm="${s.url}/token",service="registry"`,
      TOKEN,
    );
  });
  afterAll(() => Promise.all([basic.stop(), bearer.stop()]));

  const leaks = (text: string) =>
    [PASSWORD, TOKEN, BASIC, `${USER}:${PASSWORD}`].filter(s =>
      text.includes(s),
    );

  it.each([
    ['Basic', 'denied'],
    ['Basic', 'scheme'],
    ['Basic', 'manifest'],
    ['Bearer', 'denied'],
    ['Bearer', 'scheme'],
    ['Bearer', 'manifest'],
  ])(
    'redacts %s credentials a registry echoes back (%s), in --json and in text',
    async (scheme, repository) => {
      const server = scheme === 'Basic' ? basic : bearer;
      const env =
        scheme === 'Basic'
          ? {
              [hostVariable(
                'ECS_READINESS_REGISTRY_AUTH_',
                server.host,
              )]: `${USER}:${PASSWORD}`,
            }
          : {
              [hostVariable('ECS_READINESS_REGISTRY_TOKEN_', server.host)]:
                TOKEN,
            };
      const image = `${server.host}/echo/${repository}:1`;
      // --with-credentials: the container has repositoryCredentials, so the CLI sends its own.
      const args = [
        'check-image',
        image,
        '--with-credentials',
        '--insecure-registry',
        server.host,
      ];
      const before = server.requests.length;
      const json = await runCli([...args, '--json'], { env });
      const text = await runCli(args, { env });

      // The registry did receive the credentials, and so could echo them.
      const sent = server.requests
        .slice(before)
        .map(r => r.headers.authorization ?? '')
        .join('\n');
      expect(sent).toContain(scheme === 'Basic' ? BASIC : TOKEN);

      expect(JSON.parse(json.stdout).status).toBe(
        repository === 'manifest' ? 'blocked' : 'unverifiable',
      );
      for (const run of [json, text]) {
        expect(leaks(run.stdout + run.stderr)).toEqual([]);
      }
    },
  );

  it('redacts credentials of a docker config, and any text that carries them', async () => {
    const config = await dir.write('docker-config.json', {
      auths: { [basic.host]: { auth: BASIC } },
    });
    // An error message that repeats a file name is text the CLI prints, too.
    const { code, stdout, stderr } = await runCli([
      'check-image',
      `${basic.host}/echo/denied:1`,
      '--with-credentials',
      '--insecure-registry',
      basic.host,
      '--docker-config',
      config,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(leaks(stdout + stderr)).toEqual([]);
    const bad = await runCli([
      'analyze',
      '--manifest',
      `/nonexistent/${PASSWORD}`,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[redacted]');
    expect(leaks(bad.stderr)).toEqual([]);
  });
});

describe('control characters in what the CLI prints', () => {
  const HOSTILE =
    'application/x\u001b]0pwned\u0007\u001b[2j\rok\u009b31m\u202eevil\u007f';
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: {
      mediaType: HOSTILE,
      digest: `sha256:${'c'.repeat(64)}`,
      size: 1,
    },
    layers: [
      { mediaType: HOSTILE, digest: `sha256:${'1'.repeat(64)}`, size: 10 },
    ],
  };
  const RAW_TEXT =
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const RAW_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('escapes them in text output, on a terminal too, and keeps its own colours', async () => {
    const file = await dir.write('hostile.json', manifest);
    for (const isTTY of [false, true]) {
      const { code, stdout } = await runCli(['analyze', '--manifest', file], {
        isTTY,
      });
      expect(code).toBe(1);
      // The registry's text is there, visibly escaped...
      expect(stdout).toContain(
        '\\x1b]0pwned\\x07\\x1b[2j\\rok\\x9b31m\\u202eevil\\x7f',
      );
      // ...and no raw control character is, except the CLI's own colours.
      // eslint-disable-next-line no-control-regex
      const withoutColours = stdout.replace(/\u001b\[\d+m/g, '');
      expect(withoutColours).not.toMatch(RAW_TEXT);
      expect(stdout.includes('\u001b[31m')).toBe(isTTY);
    }
  });

  it('writes DEL, C1 and bidi controls as \\u escapes in JSON, which parses to the same text', async () => {
    const file = await dir.write('hostile2.json', manifest);
    const { stdout } = await runCli(['analyze', '--manifest', file, '--json']);
    expect(stdout).not.toMatch(RAW_JSON);
    expect(stdout).toContain('\\u009b31m\\u202eevil\\u007f');
    expect(JSON.stringify(JSON.parse(stdout))).toContain(
      JSON.stringify(HOSTILE).slice(1, -1),
    );
  });

  it('escapes them in error messages', async () => {
    const { code, stderr } = await runCli([
      'analyze',
      '--manifest',
      '/nonexistent/\u001b[2Jx\u202e.json',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('/nonexistent/\\x1b[2Jx\\u202e.json');
    expect(stderr).not.toMatch(RAW_TEXT);
  });
});

describe('task definitions', () => {
  let registry: TestHttpServer;
  beforeAll(async () => {
    // Knows no tag: every image is "tag not found".
    registry = await startHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
    });
  });
  afterAll(() => registry.stop());

  const taskDefinition = (containers: number, extra: object = {}) => ({
    family: 'web',
    containerDefinitions: Array.from({ length: containers }, (_, i) => ({
      name: `c${i}`,
      image: `${registry.host}/team/app${i}:1`,
    })),
    ...extra,
  });

  it.each([
    ['a string', 'linux/arm64'],
    ['a wrong type', { cpuArchitecture: 64 }],
    [
      'an unknown value',
      { cpuArchitecture: 'X86', operatingSystemFamily: 'LINUX' },
    ],
  ])(
    'exits 2 on a runtimePlatform that is %s, naming the field',
    async (_name, runtimePlatform) => {
      const file = await dir.write(
        'rp.json',
        taskDefinition(1, { runtimePlatform }),
      );
      for (const command of ['check-task-definition', 'pin-digests']) {
        const { code, stdout, stderr } = await runCli([
          command,
          file,
          '--insecure-registry',
          registry.host,
        ]);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(/^error: .*rp\.json: .*runtimePlatform/);
      }
    },
  );

  it('prints each finding and its fix once in --json, with a summary', async () => {
    const file = await dir.write('three.json', taskDefinition(3));
    const { code, stdout } = await runCli([
      'check-task-definition',
      file,
      '--json',
      '--insecure-registry',
      registry.host,
    ]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.findings.map((f: any) => [f.container, f.id])).toEqual([
      ['c0', 'tag-not-found'],
      ['c1', 'tag-not-found'],
      ['c2', 'tag-not-found'],
    ]);
    expect(json.findings[0].fix.steps.length).toBeGreaterThan(0);
    expect(json.summary).toEqual({
      containers: 3,
      blocking: 3,
      risk: 0,
      info: 0,
    });
    for (const container of json.containers) {
      expect(container.inspection.status).toBe('blocked');
      expect(container.inspection.findings).toBeUndefined();
    }
    // Each finding's title, and its fix, appear once in the whole output.
    for (const finding of json.findings) {
      expect(stdout.split(JSON.stringify(finding.title)).length - 1).toBe(1);
    }
    // One rendered fix per finding, not two.
    expect(stdout.split('"fix": {').length - 1).toBe(3);
  });

  it('blocks more than 10 containers with its own finding, and still checks every image', async () => {
    const file = await dir.write('eleven.json', taskDefinition(11));
    const { code, stdout } = await runCli([
      'check-task-definition',
      file,
      '--json',
      '--insecure-registry',
      registry.host,
    ]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    const own = json.findings.filter(
      (f: any) => f.id === 'too-many-containers',
    );
    expect(own).toEqual([
      expect.objectContaining({
        severity: 'blocking',
        evidence: { containers: 11, max: 10 },
        fix: expect.objectContaining({
          title: 'The task definition has more containers than ECS allows',
        }),
      }),
    ]);
    expect(own[0].container).toBeUndefined();
    expect(json.containers).toHaveLength(11);
    expect(
      json.findings.filter((f: any) => f.id === 'tag-not-found'),
    ).toHaveLength(11);

    const text = await runCli([
      'check-task-definition',
      file,
      '--insecure-registry',
      registry.host,
    ]);
    expect(text.stdout).toMatch(/blocking\s+too-many-containers/);
    expect(text.stdout).toContain('[blocking] too-many-containers');

    const ten = await dir.write('ten.json', taskDefinition(10));
    const fine = JSON.parse(
      (
        await runCli([
          'check-task-definition',
          ten,
          '--json',
          '--insecure-registry',
          registry.host,
        ])
      ).stdout,
    );
    expect(fine.findings.map((f: any) => f.id)).not.toContain(
      'too-many-containers',
    );
  });
});
