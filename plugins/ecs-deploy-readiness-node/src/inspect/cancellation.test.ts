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

import { buildImage } from 'ecs-sandbox/images';
import {
  TestHttpServer,
  eventually,
  startHttpServer,
} from '../__testUtils__/httpServer';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import { FakeRegistryClient } from './__testUtils__/FakeRegistryClient';
import { ImageInspector } from './ImageInspector';

/*
 * The backend's scheduler timeout aborts audits through these signals: an aborted inspection
 * must end at once, say it was canceled (never a verdict), and leave no connection open.
 */

let server: TestHttpServer;
let provider: DefaultRegistryClientProvider;

beforeEach(async () => {
  // A registry that accepts every request and never answers.
  server = await startHttpServer(() => {});
  provider = new DefaultRegistryClientProvider({
    allowLoopback: true,
    insecureRegistries: [server.host],
    timeouts: { connectMs: 30_000, requestMs: 60_000 },
  });
});

afterEach(async () => {
  provider.close();
  await server.stop();
});

describe('canceling an inspection', () => {
  it('ends within a second with a canceled result and no socket left open', async () => {
    const inspector = ImageInspector.create({
      registryClientProvider: provider,
    });
    const controller = new AbortController();
    const pending = inspector.inspectImage({
      image: `${server.host}/team/app:v1`,
      signal: controller.signal,
    });
    expect(await eventually(() => server.requests.length > 0)).toBe(true);
    expect(server.openConnections()).toBe(1);

    const abortedAt = Date.now();
    controller.abort();
    const result = await pending;
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(result).toMatchObject({
      reference: `${server.host}/team/app:v1`,
      status: 'canceled',
      findings: [],
    });
    expect(await eventually(() => server.openConnections() === 0)).toBe(true);
  });

  it('does not start at all when the signal has already fired', async () => {
    const inspector = ImageInspector.create({
      registryClientProvider: provider,
    });
    const result = await inspector.inspectImage({
      image: `${server.host}/team/app:v1`,
      signal: AbortSignal.abort(),
    });
    expect(result.status).toBe('canceled');
    expect(server.acceptedConnections()).toBe(0);
  });

  it('cancels every container of a task definition', async () => {
    const inspector = ImageInspector.create({
      registryClientProvider: provider,
    });
    const controller = new AbortController();
    const pending = inspector.inspectTaskDefinition(
      {
        family: 'web',
        containerDefinitions: [
          { name: 'app', image: `${server.host}/team/app:v1` },
          { name: 'proxy', image: `${server.host}/team/proxy:v1` },
        ],
      },
      { signal: controller.signal },
    );
    expect(await eventually(() => server.requests.length >= 2)).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result.status).toBe('canceled');
    expect(result.containers.map(c => c.inspection?.status)).toEqual([
      'canceled',
      'canceled',
    ]);
    expect(await eventually(() => server.openConnections() === 0)).toBe(true);
  });

  it('leaves work shared with another inspection running for it', async () => {
    const registry = new FakeRegistryClient('registry.example.com');
    registry.latency = 50;
    registry.push('app', buildImage({ layers: [{ files: { a: 'a' } }] }), 'v1');
    const inspector = ImageInspector.create({
      registryClientProvider: { forReference: () => registry },
    });
    const controller = new AbortController();
    const leaving = inspector.inspectImage({
      image: 'registry.example.com/app:v1',
      signal: controller.signal,
    });
    const staying = inspector.inspectImage({
      image: 'registry.example.com/app:v1',
    });
    controller.abort();
    expect((await leaving).status).toBe('canceled');
    const result = await staying;
    expect(result.status).toBe('at-risk'); // a mutable tag, nothing else
    expect(registry.aborted).toBe(0);
    expect(registry.calls.getManifest).toBe(1);
  });
});
