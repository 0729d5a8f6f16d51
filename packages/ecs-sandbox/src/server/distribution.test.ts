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

import { createHash } from 'crypto';
import {
  MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { MAIN, testScenario } from '../testing/testScenario';
import { Sandbox, startSandbox } from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: testScenario() });
});

afterAll(() => sandbox.stop());

const sha256 = (data: Buffer) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;
const ALL_MANIFESTS = MANIFEST_MEDIA_TYPES.join(', ');

/** Parses `Bearer realm="…",service="…",scope="…"`. */
function challenge(header: string | null): Record<string, string> {
  expect(header).toBeTruthy();
  const [scheme, rest] = [
    header!.split(' ')[0],
    header!.slice(header!.indexOf(' ') + 1),
  ];
  const params: Record<string, string> = { scheme };
  for (const m of rest.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return params;
}

/** The client side of the bearer flow, as a registry client does it. */
async function pull(
  url: string,
  init: { accept?: string; basic?: string; method?: string } = {},
) {
  const headers: Record<string, string> = init.accept
    ? { accept: init.accept }
    : {};
  const first = await fetch(url, { method: init.method, headers });
  if (first.status !== 401) return first;
  const c = challenge(first.headers.get('www-authenticate'));
  const tokenUrl = new URL(c.realm);
  tokenUrl.searchParams.set('service', c.service);
  if (c.scope) tokenUrl.searchParams.set('scope', c.scope);
  const tokenResponse = await fetch(tokenUrl, {
    headers: init.basic
      ? { authorization: `Basic ${Buffer.from(init.basic).toString('base64')}` }
      : {},
  });
  expect(tokenResponse.status).toBe(200);
  const { token } = await tokenResponse.json();
  return fetch(url, {
    method: init.method,
    headers: { ...headers, authorization: `Bearer ${token}` },
  });
}

const hub = () => `${sandbox.url}/registries/docker.io`;

describe('bearer token registries', () => {
  it('challenges with a Bearer realm, service and scope, then serves with the token', async () => {
    const url = `${hub()}/v2/library/nginx/manifests/1.27`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      errors: [
        {
          code: 'UNAUTHORIZED',
          message: 'authentication required',
          detail: null,
        },
      ],
    });
    expect(challenge(anonymous.headers.get('www-authenticate'))).toEqual({
      scheme: 'Bearer',
      realm: `${hub()}/token`,
      service: 'docker.io',
      scope: 'repository:library/nginx:pull',
    });

    const tokenResponse = await fetch(
      `${hub()}/token?service=docker.io&scope=repository:library/nginx:pull`,
    );
    const body = await tokenResponse.json();
    expect(body).toEqual({
      token: expect.any(String),
      access_token: body.token,
      expires_in: 300,
      issued_at: expect.any(String),
    });

    const response = await pull(url, { accept: ALL_MANIFESTS });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(MEDIA_TYPES.ociIndex);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(sha256(bytes)).toBe(response.headers.get('docker-content-digest'));
    expect(sha256(bytes)).toBe(
      sandbox.world.images.get('multi')!.manifest.digest,
    );
  });

  it('rejects a token for another repository with insufficient_scope', async () => {
    const tokenResponse = await fetch(
      `${hub()}/token?service=docker.io&scope=repository:library/nginx:pull`,
    );
    const { token } = await tokenResponse.json();
    const response = await fetch(`${hub()}/v2/library/dlist/manifests/1.0`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
    expect(challenge(response.headers.get('www-authenticate')).error).toBe(
      'insufficient_scope',
    );
    const forged = await fetch(`${hub()}/v2/library/nginx/manifests/1.27`, {
      headers: { authorization: `Bearer ${token.slice(0, -2)}xx` },
    });
    expect(challenge(forged.headers.get('www-authenticate')).error).toBe(
      'invalid_token',
    );
  });

  it('keeps private repositories from anonymous callers and lets users in', async () => {
    const url = `${hub()}/v2/acme/private/manifests/v1`;
    const anonymous = await pull(url);
    expect(anonymous.status).toBe(401);
    const user = await pull(url, { basic: 'alice:wonderland' });
    expect(user.status).toBe(200);
    const wrong = await fetch(
      `${hub()}/token?service=docker.io&scope=repository:acme/private:pull`,
      {
        headers: {
          authorization: `Basic ${Buffer.from('alice:nope').toString(
            'base64',
          )}`,
        },
      },
    );
    expect(wrong.status).toBe(401);
    // Docker Hub style: an unknown repository looks like a private one.
    expect((await pull(`${hub()}/v2/library/ghost/manifests/1`)).status).toBe(
      401,
    );
    // Registries configured with 404 say so.
    const ghcr = await pull(
      `${sandbox.url}/registries/ghcr.io/v2/org/ghost/manifests/1`,
    );
    expect(ghcr.status).toBe(404);
    expect((await ghcr.json()).errors[0].code).toBe('NAME_UNKNOWN');
  });

  it('rate-limits anonymous manifest pulls with 429 TOOMANYREQUESTS; HEAD does not count', async () => {
    const url = `${sandbox.url}/registries/limited.example.com/v2/team/app/manifests/v1`;
    const head = await pull(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const first = await pull(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('2;w=21600');
    expect(first.headers.get('ratelimit-remaining')).toBe('1;w=21600');
    expect((await pull(url)).status).toBe(200);
    const limited = await pull(url);
    expect(limited.status).toBe(429);
    expect((await limited.json()).errors[0].code).toBe('TOOMANYREQUESTS');
    expect((await pull(url, { method: 'HEAD' })).status).toBe(200);
  });
});

describe('content negotiation', () => {
  const index = () => `${hub()}/v2/library/nginx/manifests/1.27`;

  it('serves an index only when its media type is accepted', async () => {
    const onlyManifests = await pull(index(), {
      accept: `${MEDIA_TYPES.ociManifest}, ${MEDIA_TYPES.dockerManifest}`,
    });
    expect(onlyManifests.status).toBe(404);
    expect((await onlyManifests.json()).errors[0]).toMatchObject({
      code: 'MANIFEST_UNKNOWN',
      message:
        'OCI index found, but accept header does not support OCI indexes',
    });
    const withQuality = await pull(index(), {
      accept: `${MEDIA_TYPES.ociIndex};q=0.9`,
    });
    expect(withQuality.status).toBe(200);
  });

  it('falls back from a Docker manifest list to its linux/amd64 image', async () => {
    const response = await pull(`${hub()}/v2/library/dlist/manifests/1.0`, {
      accept: MEDIA_TYPES.dockerManifest,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      MEDIA_TYPES.dockerManifest,
    );
    const list = sandbox.world.images.get('dlist')!.manifest.json;
    const amd64 = list.manifests.find(
      (m: any) => m.platform.architecture === 'amd64',
    );
    expect(response.headers.get('docker-content-digest')).toBe(amd64.digest);
    const full = await pull(`${hub()}/v2/library/dlist/manifests/1.0`, {
      accept: ALL_MANIFESTS,
    });
    expect(full.headers.get('content-type')).toBe(
      MEDIA_TYPES.dockerManifestList,
    );
  });

  it('answers HEAD with the headers and no body, and fetches children by digest', async () => {
    const head = await pull(index(), { method: 'HEAD', accept: ALL_MANIFESTS });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(
      sandbox.world.images.get('multi')!.manifest.digest,
    );
    expect(Number(head.headers.get('content-length'))).toBe(
      sandbox.world.images.get('multi')!.manifest.size,
    );
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const child =
      sandbox.world.images.get('multi')!.manifest.json.manifests[0].digest;
    const byDigest = await pull(
      `${hub()}/v2/library/nginx/manifests/${child}`,
      { accept: ALL_MANIFESTS },
    );
    expect(sha256(Buffer.from(await byDigest.arrayBuffer()))).toBe(child);
  });
});

describe('ECR registries', () => {
  const base = () => `${sandbox.url}/ecr/${MAIN}/eu-west-1`;

  it('asks for Basic auth and refuses made-up tokens', async () => {
    const response = await fetch(`${base()}/v2/app/manifests/v1`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Basic realm="${base()}/",service="ecr.amazonaws.com"`,
    );
    const forged = await fetch(`${base()}/v2/app/manifests/v1`, {
      headers: {
        authorization: `Basic ${Buffer.from('AWS:made-up').toString('base64')}`,
      },
    });
    expect(forged.status).toBe(401);
  });

  describe('with a token', () => {
    let headers: Record<string, string>;
    beforeAll(async () => {
      const response = await fetch(sandbox.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target':
            'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIATESTMAIN0000001/20250101/eu-west-1/ecr/aws4_request, SignedHeaders=host, Signature=00',
        },
        body: '{}',
      });
      const { authorizationData } = await response.json();
      headers = {
        authorization: `Basic ${authorizationData[0].authorizationToken}`,
        accept: ALL_MANIFESTS,
      };
    });

    it('says which part is missing: repository, manifest, archived image, blob', async () => {
      const codeOf = async (path: string) => {
        const r = await fetch(`${base()}${path}`, { headers });
        return [r.status, (await r.json()).errors[0]];
      };
      expect(await codeOf('/v2/ghost/manifests/v1')).toEqual([
        404,
        expect.objectContaining({
          code: 'NAME_UNKNOWN',
          message: `The repository with name 'ghost' does not exist in the registry with id '${MAIN}'`,
        }),
      ]);
      expect(await codeOf('/v2/app/manifests/v3')).toEqual([
        404,
        expect.objectContaining({
          code: 'MANIFEST_UNKNOWN',
          message: 'Requested image not found',
        }),
      ]);
      const deleted = sandbox.world.images.get('app-v0')!.manifest.digest;
      expect((await codeOf(`/v2/app/manifests/${deleted}`))[0]).toBe(404);
      expect(await codeOf('/v2/app/manifests/old')).toEqual([
        404,
        expect.objectContaining({ code: 'MANIFEST_UNKNOWN' }),
      ]);
      const lostLayer =
        sandbox.world.images.get('lost')!.manifest.json.layers[1].digest;
      expect(await codeOf(`/v2/app/blobs/${lostLayer}`)).toEqual([
        404,
        expect.objectContaining({ code: 'BLOB_UNKNOWN' }),
      ]);
      expect(await codeOf('/v2/app/manifests/sha256:abc')).toEqual([
        400,
        expect.objectContaining({ code: 'DIGEST_INVALID' }),
      ]);
      expect(await codeOf('/v2/App/manifests/v1')).toEqual([
        400,
        expect.objectContaining({ code: 'NAME_INVALID' }),
      ]);
    });

    it('redirects blob downloads to a signed link that cannot be altered', async () => {
      const layer =
        sandbox.world.images.get('app-v1')!.manifest.json.layers[0].digest;
      const redirect = await fetch(`${base()}/v2/app/blobs/${layer}`, {
        headers,
        redirect: 'manual',
      });
      expect(redirect.status).toBe(307);
      const location = redirect.headers.get('location')!;
      expect(location.startsWith(`${sandbox.url}/blobstore/`)).toBe(true);
      const blob = await fetch(location);
      expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(layer);
      const tampered = await fetch(location.replace(/.{4}$/, 'AAAA'));
      expect(tampered.status).toBe(403);
      const head = await fetch(`${base()}/v2/app/blobs/${layer}`, {
        method: 'HEAD',
        headers,
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('docker-content-digest')).toBe(layer);
    });

    it('lists tags and referrers, and refuses pushes', async () => {
      const tags = await fetch(`${base()}/v2/app/tags/list?n=2`, { headers });
      expect(await tags.json()).toEqual({
        name: 'app',
        tags: ['latest', 'lost'],
      });
      expect(tags.headers.get('link')).toContain('last=lost');
      const v2 = sandbox.world.images.get('app-v2')!.manifest.digest;
      const referrers = await fetch(`${base()}/v2/app/referrers/${v2}`, {
        headers,
      });
      const index = await referrers.json();
      expect(index.mediaType).toBe(MEDIA_TYPES.ociIndex);
      expect(index.manifests).toEqual([
        expect.objectContaining({ artifactType: 'application/spdx+json' }),
      ]);
      const push = await fetch(`${base()}/v2/app/manifests/v9`, {
        method: 'PUT',
        headers,
        body: '{}',
      });
      expect(push.status).toBe(405);
    });
  });
});
