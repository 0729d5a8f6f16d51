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
 * Redaction at the source (issue 9): a hostile registry echoes the credentials it is sent, in
 * error bodies and in `WWW-Authenticate`; nothing the inspector returns may repeat them.
 */

import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { startHttpServer, TestHttpServer } from '../__testUtils__/httpServer';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import { ImageInspector } from './ImageInspector';

jest.setTimeout(30_000);

let server: TestHttpServer | undefined;
let provider: DefaultRegistryClientProvider | undefined;
afterEach(async () => {
  provider?.close();
  await server?.stop();
});

function deny(res: http.ServerResponse, message: string) {
  res.writeHead(403, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code: 'DENIED', message }] }));
}

function inspector(
  host: string,
  credentials?: { username: string; password: string },
) {
  provider = new DefaultRegistryClientProvider({
    insecureRegistries: [host],
    allowedPrivateRegistries: [host],
    credentialsFor: () => credentials,
  });
  return ImageInspector.create({ registryClientProvider: provider });
}

function expectNoneOf(text: string, secrets: string[]) {
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    // Nor a prefix a cut message could leave.
    expect(text).not.toContain(secret.slice(0, 10));
  }
}

describe('A registry that echoes the credentials it is sent', () => {
  it('with Basic authentication: no finding repeats the password, the pair or its base64', async () => {
    const username = 'alice';
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const pair = `${username}:${password}`;
    const encoded = Buffer.from(pair).toString('base64');
    server = await startHttpServer((req, res) => {
      const authorization = req.headers.authorization;
      if (!authorization) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="hostile"' });
        res.end();
        return;
      }
      const decoded = Buffer.from(
        authorization.replace(/^Basic /, ''),
        'base64',
      ).toString();
      deny(
        res,
        `denied: ${encoded} ${decoded} pw=${
          decoded.split(':')[1]
        } sent as ${authorization}`,
      );
    });
    const result = await inspector(server.host, {
      username,
      password,
    }).inspectImage({
      image: `${server.host}/team/app:v1`,
      hasRepositoryCredentials: true,
    });
    expect(result.status).toBe('unverifiable');
    const text = JSON.stringify(result);
    expect(text).toContain('[redacted]');
    expectNoneOf(text, [password, pair, encoded]);
  });

  it('with a Bearer token flow: neither error bodies nor WWW-Authenticate repeat a token', async () => {
    const issued: string[] = [];
    const username = 'bob';
    const password = `pw-${randomBytes(12).toString('hex')}`;
    server = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://hostile');
      const authorization = req.headers.authorization ?? '';
      if (url.pathname === '/token') {
        const token = randomBytes(24).toString('hex');
        issued.push(token);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token, expires_in: 300 }));
        return;
      }
      if (!/^Bearer /.test(authorization)) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="${
            server!.url
          }/token",service="hostile"`,
        });
        res.end();
        return;
      }
      const token = authorization.slice('Bearer '.length);
      if (url.pathname.includes('/challenge/')) {
        // An unsupported scheme whose text, cut at 80 characters, would end inside the token.
        res.writeHead(401, {
          'www-authenticate': `Negotiate ${'x'.repeat(62)}${token}`,
        });
        res.end();
        return;
      }
      deny(res, `token ${token} rejected (${authorization})`);
    });
    const inspect = inspector(server.host, { username, password });
    const body = await inspect.inspectImage({
      image: `${server.host}/team/body:v1`,
      hasRepositoryCredentials: true,
    });
    // The scheme is known now: the next repository's request carries its token up front.
    const challenge = await inspect.inspectImage({
      image: `${server.host}/team/challenge/app:v1`,
      hasRepositoryCredentials: true,
    });
    expect(issued.length).toBeGreaterThanOrEqual(2);
    for (const result of [body, challenge]) {
      expect(result.status).toBe('unverifiable');
      const text = JSON.stringify(result);
      // Redacted, then cut short: the marker may be cut, never the token.
      expect(text).toMatch(/\[redact/);
      expectNoneOf(text, [...issued, password]);
    }
    expect(JSON.stringify(challenge)).toMatch(/unsupported scheme/);
  });
});
