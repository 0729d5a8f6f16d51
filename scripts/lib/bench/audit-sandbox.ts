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

// The sandbox process of `yarn bench:audit` (scripts/lib/bench/audit.mjs forks it, bundled into
// .tools/bench/audit-sandbox.cjs): generates the scenario, serves it with AWS's default request
// quotas, and counts every request it answers, by API and by registry request kind. It runs apart
// from the audit so that its memory is not counted in the audit's peak RSS. Counts are served as
// JSON on a second port (`GET /counts`), which is not itself counted.

import http, {
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import {
  generateScenario,
  startSandbox,
  type ThrottleOptions,
} from 'ecs-sandbox';
// Not exported by the package: the bucket each action draws on, to count calls per bucket.
import { throttleBucketOf } from '../../../packages/ecs-sandbox/src/server/throttle';

interface SandboxBenchOptions {
  services: number;
  accounts: number;
  regions: number;
  images: number;
  tasksPerService: number;
  seed: string;
  latencyMs: number;
  jitterMs: number;
  throttle: boolean;
  /** Where the service ARNs go, one JSON array, for the audit's catalog. */
  servicesFile: string;
}

/*
 * AWS's default request quotas, per account and Region (token buckets: burst = bucket size,
 * rate = refill per second).
 *
 * ECS: "Request throttling for the Amazon ECS API", Amazon ECS API Reference,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
 *   Cluster read actions (DescribeClusters, ListClusters)                      burst  50, rate 20
 *   Task definition read actions (DescribeTaskDefinition, ListTaskDefinitions) burst  50, rate 20
 *   Cluster resource read actions (DescribeTasks, ListTasks,
 *     DescribeContainerInstances, ListContainerInstances, ListAttributes)      burst 100, rate 20
 *   Service read actions (DescribeServices, ListServices)                      burst 100, rate 20
 *   Service deployment actions (DescribeServiceDeployments,
 *     ListServiceDeployments)                                                  burst  50, rate 20
 *   Service revision actions (DescribeServiceRevisions)                        burst  50, rate 20
 * The sandbox's throttle groups (packages/ecs-sandbox/src/server/throttle.ts) are coarser than
 * that table: its `ecs:service-read` bucket also holds DescribeServiceDeployments,
 * ListServiceDeployments and DescribeServiceRevisions, and container instances have a bucket of
 * their own. A rule applies to a whole sandbox bucket, so the service-read bucket gets the
 * service read quota and those three actions share it with DescribeServices: stricter than AWS.
 *
 * ECR: "Amazon ECR service quotas", Amazon ECR User Guide,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
 *   BatchGetImage 2,000/s, BatchCheckLayerAvailability 1,000/s, GetAuthorizationToken 500/s,
 *   GetDownloadUrlForLayer 3,000/s (no burst is documented: burst = one second's worth).
 * ECR's DescribeImages, DescribeRepositories and GetLifecyclePolicy, and the resource groups
 * tagging API, have no documented default rate: not throttled here.
 */
export const AWS_DEFAULT_QUOTAS: ThrottleOptions = {
  actions: {
    'ecs:cluster-read': { burst: 50, rate: 20 },
    'ecs:task-definition-read': { burst: 50, rate: 20 },
    'ecs:task-read': { burst: 100, rate: 20 },
    'ecs:container-instance-read': { burst: 100, rate: 20 },
    'ecs:service-read': { burst: 100, rate: 20 },
    'ecr:BatchGetImage': { burst: 2000, rate: 2000 },
    'ecr:BatchCheckLayerAvailability': { burst: 1000, rate: 1000 },
    'ecr:GetAuthorizationToken': { burst: 500, rate: 500 },
    'ecr:GetDownloadUrlForLayer': { burst: 3000, rate: 3000 },
  },
};

const TARGET_SERVICES: Array<[string, string]> = [
  ['AmazonEC2ContainerServiceV', 'ecs'],
  ['AmazonEC2ContainerRegistry', 'ecr'],
  ['ResourceGroupsTaggingAPI', 'tag'],
];

/** What one request was, for the counts: `aws`, `registry` or `other`, and a kind. */
function classify(req: IncomingMessage): { group: string; kind: string } {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const service =
      TARGET_SERVICES.find(([p]) => prefix.startsWith(p))?.[1] ?? prefix;
    return { group: 'aws', kind: `${service}:${target.slice(dot + 1)}` };
  }
  const path = (req.url ?? '/').split('?')[0];
  if (path.startsWith('/blobstore/'))
    return { group: 'registry', kind: 'blob download (redirected)' };
  const registry =
    /^\/(?:ecr\/\d{12}\/[a-z0-9-]+|registries\/[^/]+)(\/.*)$/.exec(path);
  if (registry) {
    const rest = registry[1];
    const method = req.method ?? 'GET';
    let kind = `other ${method}`;
    if (rest === '/v2/' || rest === '/v2') kind = 'GET /v2/';
    else if (rest === '/token') kind = 'token';
    else {
      const m = /^\/v2\/.+\/(manifests|blobs|referrers|tags)\/[^/]+$/.exec(
        rest,
      );
      if (m) kind = `${m[1] === 'tags' ? 'tags/list' : m[1]} ${method}`;
    }
    return { group: 'registry', kind };
  }
  if (req.method === 'POST' && !target) return { group: 'aws', kind: 'sts' };
  return { group: 'other', kind: `${req.method} ${path}` };
}

interface Counts {
  aws: Record<string, number>;
  /** AWS calls answered with a throttling error, by API. */
  throttled: Record<string, number>;
  /** AWS calls answered with another error, by API and error type. */
  awsErrors: Record<string, number>;
  registry: Record<string, number>;
  /** Registry responses that were not 2xx/3xx, by kind and status. */
  registryErrors: Record<string, number>;
  other: Record<string, number>;
  /**
   * AWS calls that got an answer other than throttling, by `<account>/<region>` and throttle
   * bucket: what the quota floor is computed from.
   */
  byBucket: Record<string, Record<string, number>>;
  /** Request bodies and response bodies, in bytes, and requests served at once (peak). */
  bytesIn: number;
  bytesOut: number;
  inFlightPeak: number;
}

const counts: Counts = {
  aws: {},
  throttled: {},
  awsErrors: {},
  registry: {},
  registryErrors: {},
  other: {},
  byBucket: {},
  bytesIn: 0,
  bytesOut: 0,
  inFlightPeak: 0,
};
let inFlight = 0;

const bump = (map: Record<string, number>, key: string, n = 1) => {
  map[key] = (map[key] ?? 0) + n;
};

/** `<account>/<region>` of a SigV4-signed call, from its access key and credential scope. */
let accountOfKey: (accessKeyId: string) => string | undefined = () => undefined;
function scopeOf(req: IncomingMessage): string {
  const m = /Credential=([^/\s,]+)\/\d{8}\/([^/\s,]+)\//.exec(
    String(req.headers.authorization ?? ''),
  );
  return m ? `${accountOfKey(m[1]) ?? m[1]}/${m[2]}` : '?';
}

function counted(listener: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const { group, kind } = classify(req);
    const scope = group === 'aws' ? scopeOf(req) : '';
    inFlight += 1;
    counts.inFlightPeak = Math.max(counts.inFlightPeak, inFlight);
    req.on('data', (chunk: Buffer) => {
      counts.bytesIn += chunk.length;
    });
    // The error type, from the headers writeHead is given (getHeader does not see those).
    let errorType: string | undefined;
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((...args: any[]) => {
      const headers = args.find(
        (a, i) => i > 0 && a && typeof a === 'object' && !Array.isArray(a),
      );
      const value =
        headers?.['x-amzn-errortype'] ?? headers?.['x-amzn-ErrorType'];
      if (value !== undefined) errorType = String(value);
      return (writeHead as any)(...args);
    }) as typeof res.writeHead;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const size = (chunk: unknown) =>
      typeof chunk === 'string'
        ? Buffer.byteLength(chunk)
        : chunk instanceof Uint8Array
        ? chunk.length
        : 0;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      counts.bytesOut += size(chunk);
      return (write as any)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') counts.bytesOut += size(chunk);
      return (end as any)(chunk, ...rest);
    }) as typeof res.end;
    res.on('close', () => {
      inFlight -= 1;
      const status = res.statusCode;
      if (group === 'aws') {
        bump(counts.aws, kind);
        const throttled = status >= 400 && /Throttl/i.test(errorType ?? '');
        if (throttled) bump(counts.throttled, kind);
        else if (status >= 400)
          bump(counts.awsErrors, `${kind} ${errorType ?? status}`);
        if (!throttled) {
          const [service, action] = kind.split(':');
          bump(
            (counts.byBucket[scope] ??= {}),
            action ? throttleBucketOf(service, action) : kind,
          );
        }
      } else if (group === 'registry') {
        bump(counts.registry, kind);
        if (status >= 400) bump(counts.registryErrors, `${kind} ${status}`);
      } else {
        bump(counts.other, kind);
      }
    });
    listener(req, res);
  };
}

async function main() {
  const options = JSON.parse(process.argv[2] ?? '{}') as SandboxBenchOptions;
  const t0 = performance.now();
  const scenario = generateScenario({
    services: options.services,
    accounts: options.accounts,
    regions: options.regions,
    images: options.images,
    seed: options.seed,
    tasksPerService: options.tasksPerService,
  });
  const generatedMs = performance.now() - t0;

  // Count at the sandbox's own server: wrap the listener it creates.
  const createServer = http.createServer;
  (http as any).createServer = (...args: any[]) => {
    const at = args.findIndex(a => typeof a === 'function');
    if (at >= 0) args[at] = counted(args[at]);
    return (createServer as any)(...args);
  };
  const now = new Date();
  let sandbox;
  try {
    sandbox = await startSandbox({
      scenario,
      port: 0,
      latencyMs: options.latencyMs,
      jitterMs: options.jitterMs,
      now,
      // The throttle's clock: real time, so buckets refill.
      clock: () => Date.now(),
      ...(options.throttle ? { throttle: AWS_DEFAULT_QUOTAS } : {}),
    });
  } finally {
    (http as any).createServer = createServer;
  }
  // The scenario's clock stands still, so that failing deployments start no new tasks between
  // the cold and the warm run ("nothing changed"); the throttle keeps the real clock it was
  // given above.
  const frozen = now.getTime();
  sandbox.world.clock = () => frozen;
  const loadedMs = performance.now() - t0 - generatedMs;

  const { world } = sandbox;
  accountOfKey = key => world.accountsByAccessKey.get(key)?.id;
  const clusters = [...world.ecs.values()].flatMap(r => [
    ...r.clusters.values(),
  ]);
  const services = clusters.flatMap(c => [...c.services.values()]);
  writeFileSync(options.servicesFile, JSON.stringify(services.map(s => s.arn)));
  const tasks = [...world.ecs.values()].flatMap(r => [...r.tasks.values()]);

  const control = http.createServer((req, res) => {
    if (req.url === '/counts') {
      const body = JSON.stringify({ ...counts, inFlight });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>(resolve =>
    control.listen(0, '127.0.0.1', () => resolve()),
  );
  const controlPort = (control.address() as AddressInfo).port;

  const stop = async () => {
    await sandbox.stop().catch(() => {});
    control.close();
    control.closeAllConnections();
    process.exit(0);
  };
  process.on('message', message => {
    if ((message as { type?: string })?.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  process.send!({
    type: 'ready',
    url: sandbox.url,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    generatedMs: Math.round(generatedMs),
    loadedMs: Math.round(loadedMs),
    accounts: [...world.accounts.values()].map(a => ({
      accountId: a.id,
      accessKeyId: a.accessKeyId,
      denyAccess: Boolean(a.denyAccess),
    })),
    regions: world.regions,
    registries: [...world.registries.keys()],
    clusters: clusters.length,
    services: services.length,
    images: world.images.size,
    taskDefinitions: [...world.ecs.values()].reduce(
      (n, r) => n + r.taskDefinitions.size,
      0,
    ),
    ecrRepositories: [...world.ecr.values()].reduce((n, r) => n + r.size, 0),
    runningTasks: tasks.filter(t => t.lastStatus === 'RUNNING').length,
    stoppedTasks: tasks.filter(t => t.lastStatus === 'STOPPED').length,
    desiredTasks: services.reduce((n, s) => n + s.desiredCount, 0),
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    quotas: options.throttle ? AWS_DEFAULT_QUOTAS.actions : {},
  });
}

main().catch(error => {
  process.stderr.write(
    `audit-sandbox: ${error && error.stack ? error.stack : error}\n`,
  );
  process.exit(2);
});
