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

import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { buildImage, pushArtifact } from 'ecs-sandbox/images';
import { startDockerRegistry } from '../__testUtils__/dockerRegistry';
import { startHttpServer, TestHttpServer } from '../__testUtils__/httpServer';
import { parseImageReference } from '../reference/parse';
import { ImageReference } from '../reference/types';
import { DefaultRegistryClientProvider } from './DefaultRegistryClientProvider';
import { EcrRegistryClient } from './EcrRegistryClient';
import { distributionBaseUrl, OciRegistryClient } from './OciRegistryClient';
import { RegistryError } from './types';

const ecrMock = mockClient(ECRClient);
const image = buildImage({ style: 'docker', layers: [{ files: { a: '1' } }] });
const configBlob = image.blobs[0];

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.reference;
}

let servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map(s => s.stop()));
  servers = [];
  ecrMock.reset();
});

describe('DefaultRegistryClientProvider', () => {
  it('creates one ECR client per account and region, lazily, and reuses registry clients', () => {
    const factory = jest.fn((region: string) => new ECRClient({ region }));
    const provider = new DefaultRegistryClientProvider({
      ecrClientFactory: factory,
    });
    expect(factory).not.toHaveBeenCalled();
    const a = provider.forReference(
      ref('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1'),
    );
    const b = provider.forReference(
      ref(
        `123456789012.dkr.ecr.eu-west-1.amazonaws.com/other@sha256:${'a'.repeat(
          64,
        )}`,
      ),
    );
    const c = provider.forReference(
      ref('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1'),
    );
    expect(a).toBeInstanceOf(EcrRegistryClient);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(factory.mock.calls.map(call => call.slice(0, 2))).toEqual([
      ['eu-west-1', '123456789012'],
      ['us-east-1', '123456789012'],
    ]);
    expect(
      provider.forReference(ref('public.ecr.aws/nginx/nginx')),
    ).toBeInstanceOf(OciRegistryClient);
    expect(provider.forReference(ref('ghcr.io/org/app'))).toBe(
      provider.forReference(ref('ghcr.io/org/other')),
    );
  });

  it('talks to Docker Hub at registry-1.docker.io, and checks the address it resolves to', async () => {
    const resolve = jest.fn(async () => [{ address: '10.0.0.8', family: 4 }]);
    const provider = new DefaultRegistryClientProvider({ resolve });
    const error = await provider
      .forReference(ref('nginx:1.27'))
      .getManifest('library/nginx', '1.27')
      .catch(e => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.kind).toBe('blocked-address');
    expect(resolve).toHaveBeenCalledWith('registry-1.docker.io');
    expect(distributionBaseUrl('docker.io')).toBe(
      'https://registry-1.docker.io',
    );
    expect(
      distributionBaseUrl('host:5000', { insecureRegistries: ['host:5000'] }),
    ).toBe('http://host:5000');
  });

  it('follows a registry endpoint override with a Docker Hub-style token challenge', async () => {
    const tokenScopes: string[] = [];
    const hub = await startHttpServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/token') {
        tokenScopes.push(
          `${url.searchParams.get('service')} ${url.searchParams.get(
            'scope',
          )} ${req.headers.authorization}`,
        );
        res.end(JSON.stringify({ token: 'tok', expires_in: 300 }));
        return;
      }
      if (req.headers.authorization !== 'Bearer tok') {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="${hub.url}/token",service="registry.docker.io",scope="repository:library/nginx:pull"`,
        });
        res.end();
        return;
      }
      if (
        url.pathname === '/registries/docker.io/v2/library/nginx/manifests/1.27'
      ) {
        res.writeHead(200, {
          'content-type': image.manifest.mediaType,
          'docker-content-digest': image.manifest.digest,
        });
        res.end(image.manifest.data);
        return;
      }
      res.writeHead(404);
      res.end();
    });
    servers.push(hub);
    const credentialsFor = jest.fn((registry: string) =>
      registry === 'docker.io'
        ? { username: 'me', password: 'pat' }
        : undefined,
    );
    const provider = new DefaultRegistryClientProvider({
      registryEndpoints: { 'docker.io': `${hub.url}/registries/docker.io/` },
      allowLoopback: true,
      credentialsFor,
    });
    const manifest = await provider
      .forReference(ref('nginx:1.27'))
      .getManifest('library/nginx', '1.27');
    expect(manifest.digest).toBe(image.manifest.digest);
    expect(tokenScopes).toEqual([
      `registry.docker.io repository:library/nginx:pull Basic ${Buffer.from(
        'me:pat',
      ).toString('base64')}`,
    ]);
    expect(credentialsFor).toHaveBeenCalledWith('docker.io', expect.anything());
  });

  it('gives one registry client per registry, reused', async () => {
    const provider = new DefaultRegistryClientProvider();
    const reference = ref('ghcr.io/org/app:1');
    const client = provider.forReference(reference);
    expect(client).toBeInstanceOf(OciRegistryClient);
    expect(provider.forReference(reference)).toBe(client);
  });

  it('reads ECR config blobs from the configured distribution endpoint', async () => {
    const endpoint = await startHttpServer((req, res) => {
      if (
        req.headers.authorization !==
        `Basic ${Buffer.from('AWS:pw').toString('base64')}`
      ) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="ecr"' });
        res.end();
        return;
      }
      res.end(
        req.url ===
          `/ecr/123456789012/eu-west-1/v2/app/blobs/${configBlob.digest}`
          ? configBlob.data
          : '',
      );
    });
    servers.push(endpoint);
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        { authorizationToken: Buffer.from('AWS:pw').toString('base64') },
      ],
    });
    const ecrDistributionEndpoint = jest.fn(
      (ecr: { accountId: string; region: string }) =>
        `${endpoint.url}/ecr/${ecr.accountId}/${ecr.region}`,
    );
    const provider = new DefaultRegistryClientProvider({
      ecrClientFactory: region => new ECRClient({ region }),
      ecrDistributionEndpoint,
      allowLoopback: true,
    });
    const blob = await provider
      .forReference(ref('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1'))
      .getBlob('app', configBlob.digest);
    expect(blob.equals(configBlob.data)).toBe(true);
    expect(ecrDistributionEndpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        accountId: '123456789012',
        region: 'eu-west-1',
        partition: 'aws',
      }),
    );
  });
});

describe('DefaultRegistryClientProvider anonymous clients', () => {
  jest.setTimeout(60_000);

  it('reads a Basic-auth registry with credentials, and gets unauthorized without them', async () => {
    const registry = await startDockerRegistry({
      basicAuth: { username: 'ci', password: 's3cret' },
    });
    try {
      await pushArtifact(image, {
        registryUrl: registry.directUrl,
        repository: 'team/app',
        tag: '1.0',
      });
      const credentialsFor = jest.fn(() => ({
        username: 'ci',
        password: 's3cret',
      }));
      const provider = new DefaultRegistryClientProvider({
        insecureRegistries: [registry.host],
        allowedPrivateRegistries: [registry.host],
        credentialsFor,
      });
      const reference = ref(`${registry.host}/team/app:1.0`);
      const anonymous = provider.forReference(reference, { anonymous: true });
      const credentialed = provider.forReference(reference);
      expect(anonymous).not.toBe(credentialed);
      expect(provider.forReference(reference, { anonymous: true })).toBe(
        anonymous,
      );
      expect(provider.forReference(reference, { anonymous: false })).toBe(
        credentialed,
      );

      const error = await anonymous
        .getManifest('team/app', '1.0')
        .catch(e => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect(error.kind).toBe('unauthorized');
      expect(credentialsFor).not.toHaveBeenCalled();

      const manifest = await credentialed.getManifest('team/app', '1.0');
      expect(manifest.digest).toBe(image.manifest.digest);
      expect(credentialsFor).toHaveBeenCalledWith(
        registry.host,
        expect.anything(),
      );
      // The credentialed client's success does not leak into the anonymous one.
      const again = await anonymous
        .getManifest('team/app', '1.0')
        .catch(e => e);
      expect(again.kind).toBe('unauthorized');
      provider.close();
    } finally {
      await registry.stop();
    }
  });

  it('ignores the flag for private ECR references', () => {
    const provider = new DefaultRegistryClientProvider({
      ecrClientFactory: region => new ECRClient({ region }),
    });
    const reference = ref('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1');
    const client = provider.forReference(reference, { anonymous: true });
    expect(client).toBeInstanceOf(EcrRegistryClient);
    expect(provider.forReference(reference)).toBe(client);
  });
});
