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
 * The inspector's limits (issue 9): `concurrency` is the number of requests in flight to a
 * registry (blob checks included), a request's time limit starts when it is sent, an inspection
 * has a deadline, and a host that keeps timing out is not asked again.
 */

import { buildImage, pushArtifact } from 'ecs-sandbox/images';
import {
  CountingProxy,
  startCountingProxy,
} from '../__testUtils__/countingProxy';
import {
  DockerRegistry,
  startDockerRegistry,
} from '../__testUtils__/dockerRegistry';
import { startHttpServer, TestHttpServer } from '../__testUtils__/httpServer';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import { RegistryTimeouts } from '../registry/options';
import { ImageInspector } from './ImageInspector';

jest.setTimeout(60_000);

const providers: DefaultRegistryClientProvider[] = [];

function providerFor(
  host: string,
  timeouts?: RegistryTimeouts,
): DefaultRegistryClientProvider {
  const provider = new DefaultRegistryClientProvider({
    insecureRegistries: [host],
    allowedPrivateRegistries: [host],
    timeouts,
  });
  providers.push(provider);
  return provider;
}

afterAll(() => providers.forEach(p => p.close()));

describe('Against a slow registry', () => {
  let registry: DockerRegistry;
  let proxy: CountingProxy;
  const IMAGES = 16;
  const images: string[] = [];

  beforeAll(async () => {
    registry = await startDockerRegistry();
    proxy = await startCountingProxy(registry.directUrl, { delayMs: 10 });
    for (let i = 0; i < IMAGES; i++) {
      const image = buildImage({
        layers: Array.from({ length: 6 }, (_, l) => ({
          files: { [`/l${l}`]: `image ${i} layer ${l}` },
        })),
      });
      await pushArtifact(image, {
        registryUrl: registry.directUrl,
        repository: `slow/app${i % 4}`,
        tag: `v${i}`,
      });
      images.push(`${proxy.host}/slow/app${i % 4}:v${i}`);
    }
  });

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  it.each([1, 2, 8])(
    'keeps requests in flight within a concurrency of %i, blob checks included',
    async concurrency => {
      proxy.reset();
      const inspector = ImageInspector.create({
        registryClientProvider: providerFor(proxy.host),
        concurrency,
      });
      const results = await Promise.all(
        images.map(image => inspector.inspectImage({ image })),
      );
      expect(results.map(r => r.status)).not.toContain('unverifiable');
      expect(proxy.count('HEAD', /\/blobs\//)).toBeGreaterThan(IMAGES * 5);
      expect(proxy.maxInFlight).toBeLessThanOrEqual(concurrency);
      expect(proxy.maxInFlight).toBeGreaterThanOrEqual(
        Math.min(concurrency, 2),
      );
    },
  );

  it('counts a request time limit from when it is sent, not while it waits its turn', async () => {
    // Each request takes ~100 ms, a sixth of the 600 ms limit (room for a loaded machine); all
    // of them together (some 130, 16 at a time: ~800 ms) longer than the limit, so a limit
    // counted while a request waits for its turn fails the last ones.
    const slow = await startCountingProxy(registry.directUrl, { delayMs: 100 });
    const inspector = ImageInspector.create({
      registryClientProvider: providerFor(slow.host, { requestMs: 600 }),
      concurrency: 16,
    });
    const results = await Promise.all(
      images.map(image =>
        inspector.inspectImage({ image: image.replace(proxy.host, slow.host) }),
      ),
    );
    await slow.stop();
    expect(
      results.filter(r => r.status === 'unverifiable').map(r => r.reference),
    ).toEqual([]);
    expect(slow.maxInFlight).toBeLessThanOrEqual(16);
  });
});

describe('Against a registry that never answers', () => {
  let silent: TestHttpServer;

  beforeAll(async () => {
    silent = await startHttpServer(() => {
      // Accepts every request and never answers.
    });
  });

  afterAll(() => silent?.stop());

  const taskDefinition = (containers: number) => ({
    family: 'silent',
    containerDefinitions: Array.from({ length: containers }, (_, i) => ({
      name: `c${i}`,
      image: `${silent.host}/team/app${i}:v1`,
    })),
  });

  it.each([2, 10])(
    'ends an inspection of %i containers at the inspection deadline, each unverifiable and saying why',
    async containers => {
      const inspector = ImageInspector.create({
        registryClientProvider: providerFor(silent.host, {
          requestMs: 30_000,
        }),
        inspectionDeadlineMs: 300,
      });
      const started = Date.now();
      const result = await inspector.inspectTaskDefinition(
        taskDefinition(containers),
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(2_000);
      expect(result.status).toBe('unverifiable');
      expect(result.containers).toHaveLength(containers);
      for (const container of result.containers) {
        expect(container.inspection?.status).toBe('unverifiable');
        expect(
          container.inspection?.findings.map(f => f.evidence.reason),
        ).toContain('inspection deadline of 300 ms reached');
      }
    },
  );

  it('ends a single image inspection at the deadline, not canceled', async () => {
    const inspector = ImageInspector.create({
      registryClientProvider: providerFor(silent.host, { requestMs: 30_000 }),
      inspectionDeadlineMs: 200,
    });
    const result = await inspector.inspectImage({
      image: `${silent.host}/team/one:v1`,
    });
    expect(result.status).toBe('unverifiable');
    expect(result.findings[0].title).toMatch(
      /inspection deadline of 200 ms was reached/,
    );
  });

  it('stops asking a host after repeated timeouts: the rest are unverifiable at once', async () => {
    const inspector = ImageInspector.create({
      registryClientProvider: providerFor(silent.host, { requestMs: 200 }),
      concurrency: 2,
    });
    const started = Date.now();
    // 20 containers, 2 at a time, 200 ms each: 2 s if every one waited for its timeout.
    const result = await inspector.inspectTaskDefinition(taskDefinition(20));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1_600);
    expect(result.containers.map(c => c.inspection?.status)).toEqual(
      Array(20).fill('unverifiable'),
    );
    const reasons = result.findings.map(f => String(f.evidence.reason));
    const givenUp = reasons.filter(r =>
      r.startsWith(`${silent.host} timed out`),
    );
    expect(givenUp.length).toBeGreaterThanOrEqual(15);
    expect(givenUp[0]).toMatch(
      /timed out [3-9] times in this run; it is not asked again$/,
    );
  });
});
