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

import { createServer, IncomingMessage, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { loadWorld } from '../scenario/load';
import { World } from '../scenario/model';
import { ScenarioDocument } from '../scenario/types';
import { AwsJsonEndpoint } from './awsJson';
import { DistributionEndpoint } from './distribution';
import { ecrService } from './ecr';
import { ecsService } from './ecs';
import { LifecycleHookOptions, setDeploymentRunner } from './deployments';
import { Signer } from './signing';
import { StsEndpoint } from './sts';
import { taggingService } from './tagging';
import { ThrottleOptions, Throttler } from './throttle';

/** AWS rejects request bodies above this size. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Options of {@link startSandbox}.
 *
 * @public
 */
export interface SandboxOptions {
  /** A scenario document, or the path of a scenario YAML file. */
  scenario: ScenarioDocument | string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Delay added to every response, in ms (default: the scenario's `settings.latencyMs`, else 0). */
  latencyMs?: number;
  /** Random extra delay of up to this many ms. */
  jitterMs?: number;
  /** Token-bucket throttling of the AWS APIs (default: the scenario's `settings.throttle`). */
  throttle?: ThrottleOptions;
  /** The instant relative scenario times count from (default: now). */
  now?: Date;
  /**
   * The time of each request, in ms (default: Date.now). Tests move it to see what a poller
   * sees later: stopped tasks expiring, failing deployments starting new tasks, throttling.
   */
  clock?: () => number;
  /**
   * Local stand-ins for the Lambda functions of services' lifecycle hooks: UpdateService and
   * CreateService deployments invoke them at PRE_SCALE_UP and honour their answers.
   */
  lifecycleHooks?: LifecycleHookOptions;
}

/**
 * A running sandbox.
 *
 * @public
 */
export interface Sandbox {
  /** `http://host:port`: the endpoint for the ECS, ECR and tagging clients. */
  url: string;
  port: number;
  /** The loaded scenario. */
  world: World;
  /** Resolves once every deployment started through the API has run its lifecycle hooks. */
  deploymentsSettled(): Promise<void>;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function summary(world: World, baseUrl: string) {
  const clusters = [...world.ecs.values()].flatMap(r => [
    ...r.clusters.values(),
  ]);
  return {
    name: 'ecs-sandbox',
    description: world.description,
    endpoint: baseUrl,
    regions: world.regions,
    accounts: [...world.accounts.values()].map(a => ({
      id: a.id,
      name: a.name,
      accessKeyId: a.accessKeyId,
      denyAccess: a.denyAccess || undefined,
      ecrDistributionEndpoints: world.regions.map(
        r => `${baseUrl}/ecr/${a.id}/${r}`,
      ),
    })),
    registryEndpoints: Object.fromEntries(
      [...world.registries.keys()].map(h => [h, `${baseUrl}/registries/${h}`]),
    ),
    clusters: clusters.length,
    services: clusters.reduce((n, c) => n + c.services.size, 0),
    images: world.images.size,
  };
}

/**
 * Starts the sandbox: one HTTP port serving the ECS, ECR and resource tagging APIs (AWS JSON
 * 1.1, any SigV4-signed request) and the OCI Distribution API for the scenario's images.
 *
 * @public
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const world = loadWorld(options.scenario, options.now);
  if (options.clock) world.clock = options.clock;
  const deployments = setDeploymentRunner(world, options.lifecycleHooks ?? {});
  const signer = new Signer();
  const throttle = options.throttle ?? world.settings.throttle;
  const aws = new AwsJsonEndpoint(
    world,
    [ecsService, ecrService, taggingService],
    signer,
    throttle ? new Throttler(throttle, world.clock) : undefined,
  );
  const distribution = new DistributionEndpoint(world, signer);
  const sts = new StsEndpoint(world, signer);
  const latency = options.latencyMs ?? world.settings.latencyMs ?? 0;
  const jitter = options.jitterMs ?? world.settings.jitterMs ?? 0;

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain' });
      res.end('Request body too large');
      return;
    }
    const wait = latency + (jitter > 0 ? Math.random() * jitter : 0);
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    const baseUrl = `http://${
      req.headers.host ?? `${options.host ?? '127.0.0.1'}`
    }`;
    const url = new URL(req.url ?? '/', baseUrl);
    if (aws.handles(req)) {
      await aws.handle(req, res, body);
    } else if (sts.handles(req)) {
      await sts.handle(req, res, body);
    } else if (distribution.handles(url.pathname)) {
      await distribution.handle(req, res, url, baseUrl);
    } else if (url.pathname === '/' && req.method === 'GET') {
      const text = JSON.stringify(summary(world, baseUrl), null, 2);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(
        'Not found. AWS calls need an X-Amz-Target header; registries live under /ecr/ and /registries/.',
      );
    }
  };

  const server = createServer((req, res) => {
    serve(req, res).catch(e => {
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${(e as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host =
    address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    world,
    deploymentsSettled: () => deployments.settled(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        deployments.stop();
        server.close(err => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
