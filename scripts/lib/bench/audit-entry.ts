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

// The audit process of `yarn bench:audit` (scripts/lib/bench/audit.mjs forks it, bundled into
// .tools/bench/audit-entry.cjs): the backend's AuditRunner with its real store, AWS clients and
// registry code, on a database made by Backstage's DatabaseManager as the backend makes it, with
// a catalog stand-in holding one Component per service of the scenario. It runs the audit cold
// (a fresh database), then warm (the same database, the same process and runner, as the backend's
// scheduled task does), and sends the parent what each run did, measured from inside: wall time,
// the run summary, peak RSS, CPU, database statements by table, time in the store's methods and
// in each AWS API, and the sandbox's request counts around the run.

import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type {
  DatabaseService,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { AuditRunner } from '../../../plugins/ecs-deploy-readiness-backend/src/audit/AuditRunner';
import { AwsClients } from '../../../plugins/ecs-deploy-readiness-backend/src/aws/AwsClients';
import { readReadinessConfig } from '../../../plugins/ecs-deploy-readiness-backend/src/config';
import { DatabaseReadinessStore } from '../../../plugins/ecs-deploy-readiness-backend/src/store/DatabaseReadinessStore';

interface EntryOptions {
  sandboxUrl: string;
  controlUrl: string;
  accounts: Array<{ accountId: string; accessKeyId: string }>;
  servicesFile: string;
  /** `backend.database` of the app config. */
  database: JsonObject;
  runs: string[];
  /** Take a CPU profile of each run (V8's sampling profiler) into this directory. */
  profileDir?: string;
}

/** Calls, summed time (concurrent calls overlap) and first/last start of one kind of call. */
interface Timing {
  calls: number;
  ms: number;
  maxMs: number;
  firstMs: number;
  lastMs: number;
  errors: number;
}

class Timings {
  readonly byName = new Map<string, Timing>();
  /** Called before the first call of each kind (the profile mode's phase marks). */
  onFirstCall?: (name: string, atMs: number) => void;
  constructor(private readonly origin: () => number) {}

  start(name: string): () => void {
    let t0 = performance.now();
    let at = t0 - this.origin();
    let t = this.byName.get(name);
    if (!t && this.onFirstCall) {
      this.onFirstCall(name, at);
      t0 = performance.now();
      at = t0 - this.origin();
    }
    if (!t) {
      t = { calls: 0, ms: 0, maxMs: 0, firstMs: at, lastMs: at, errors: 0 };
      this.byName.set(name, t);
    }
    const timing = t;
    timing.calls += 1;
    timing.lastMs = Math.max(timing.lastMs, at);
    return () => {
      const ms = performance.now() - t0;
      timing.ms += ms;
      timing.maxMs = Math.max(timing.maxMs, ms);
    };
  }

  json() {
    return Object.fromEntries(
      [...this.byName].map(([k, v]) => [
        k,
        {
          ...v,
          ms: Math.round(v.ms),
          maxMs: Math.round(v.maxMs),
          firstMs: Math.round(v.firstMs),
          lastMs: Math.round(v.lastMs),
        },
      ]),
    );
  }

  reset() {
    this.byName.clear();
  }
}

/** The object with every method timed under `prefix.method`; internal calls are not. */
function timed<T extends object>(
  target: T,
  prefix: string,
  timings: Timings,
): T {
  return new Proxy(target, {
    get(obj, property, receiver) {
      const value = Reflect.get(obj, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string')
        return value;
      return (...args: unknown[]) => {
        const done = timings.start(`${prefix}.${property}`);
        let result: unknown;
        try {
          result = value.apply(obj, args);
        } catch (error) {
          done();
          throw error;
        }
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          return (result as Promise<unknown>).then(
            v => {
              done();
              return v;
            },
            e => {
              done();
              throw e;
            },
          );
        }
        done();
        // The run's document cache: time its get/set too.
        if (
          property === 'documentCache' &&
          result &&
          typeof result === 'object'
        )
          return timed(result as object, `${prefix}.documentCache()`, timings);
        return result;
      };
    },
  });
}

const logMessages = { warn: 0, error: 0, info: 0 };
const firstWarnings: string[] = [];
function makeLogger(): LoggerService {
  const logger: LoggerService = {
    error(message) {
      logMessages.error += 1;
      if (firstWarnings.length < 20) firstWarnings.push(`error: ${message}`);
    },
    warn(message) {
      logMessages.warn += 1;
      if (firstWarnings.length < 20) firstWarnings.push(`warn: ${message}`);
    },
    info(message) {
      logMessages.info += 1;
      if (process.env.ECS_READINESS_BENCH_VERBOSE)
        process.stderr.write(`info: ${message}\n`);
    },
    debug() {},
    child: () => logger,
  };
  return logger;
}

const lifecycle: LifecycleService = {
  addStartupHook() {},
  addShutdownHook() {},
} as unknown as LifecycleService;

/**
 * A catalog stand-in: the entities in memory, `queryEntities` with cursor paging as the
 * EntityLinker reads it (every entity here carries the service ARN annotation, so the linker's
 * filter matches them all; `fields` is not applied). Nothing else of the catalog is used.
 */
function catalogOf(entities: Entity[], timings: Timings): CatalogService {
  const encode = (offset: number) =>
    Buffer.from(JSON.stringify({ offset })).toString('base64url');
  const decode = (cursor: string) =>
    Number(JSON.parse(Buffer.from(cursor, 'base64url').toString()).offset);
  const unsupported = (name: string) => async () => {
    throw new Error(`the bench catalog does not implement ${name}`);
  };
  const catalog = {
    async queryEntities(request: { cursor?: string; limit?: number } = {}) {
      const done = timings.start('catalog.queryEntities');
      const offset = request.cursor ? decode(request.cursor) : 0;
      const limit = request.limit ?? 500;
      const items = entities.slice(offset, offset + limit);
      const next = offset + limit;
      done();
      return {
        items,
        totalItems: entities.length,
        pageInfo: next < entities.length ? { nextCursor: encode(next) } : {},
      };
    },
    getEntities: unsupported('getEntities'),
    getEntitiesByRefs: unsupported('getEntitiesByRefs'),
    getEntityByRef: unsupported('getEntityByRef'),
    getEntityFacets: unsupported('getEntityFacets'),
  };
  return catalog as unknown as CatalogService;
}

function entitiesOf(serviceArns: string[]): Entity[] {
  return serviceArns.map(arn => {
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: { 'aws.amazon.com/amazon-ecs-service-arn': arn },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'bench' },
      relations: [],
    };
  });
}

/** Peak resident set size since the last reset (VmHWM), in MiB. */
function vmHwmMiB(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(
      readFileSync('/proc/self/status', 'utf8'),
    );
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (Linux: clear_refs 5); false when not possible. */
function resetHwm(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The table a statement writes to, or undefined for a read. */
function writeOf(sql: string): string | undefined {
  const m =
    /^\s*(insert\s+into|update|delete\s+from)\s+[`"]?([\w.-]+)[`"]?/i.exec(sql);
  return m ? `${m[1].split(/\s+/)[0].toLowerCase()} ${m[2]}` : undefined;
}

async function sandboxCounts(controlUrl: string) {
  const res = await fetch(`${controlUrl}/counts`);
  return (await res.json()) as Record<string, any>;
}

async function tableCounts(knex: Knex) {
  const tables = [
    'service_reports',
    'entity_reports',
    'entity_services',
    'status_history',
    'pull_errors',
    'task_definitions',
    'documents',
    'audit_runs',
    'links',
    'link_errors',
    'service_deployments',
    'service_events',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    try {
      const [row] = await knex(table).count({ n: '*' });
      counts[table] = Number(row.n);
    } catch {
      // a table another version of the store does not have
    }
  }
  return counts;
}

async function main() {
  const options = JSON.parse(process.argv[2] ?? '{}') as EntryOptions;
  const send = (message: unknown) =>
    new Promise<void>(resolve => process.send!(message, () => resolve()));
  const started = performance.now();
  let runStart = performance.now();
  const timings = new Timings(() => runStart);

  const logger = makeLogger();
  const host = new URL(options.sandboxUrl).host;
  const config = new ConfigReader({
    backend: { database: options.database },
    aws: {
      accounts: options.accounts.map(a => ({
        accountId: a.accountId,
        accessKeyId: a.accessKeyId,
        secretAccessKey: 'sandbox',
      })),
    },
    ecsDeployReadiness: {
      aws: { endpoint: options.sandboxUrl },
      registries: {
        endpoints: {
          'docker.io': `${options.sandboxUrl}/registries/docker.io`,
        },
        ecrDistributionEndpoint: `${options.sandboxUrl}/ecr/{accountId}/{region}`,
        allowedPrivateRegistries: [host],
        insecureRegistries: [host],
      },
    },
  });

  // The plugin's database as the backend gets it (backend-defaults' database service).
  const database: DatabaseService = DatabaseManager.fromConfig(
    config,
  ).forPlugin('ecs-deploy-readiness', { logger, lifecycle });
  const knex = await database.getClient();
  const statements = new Map<string, number>();
  const uids = new Map<string, number>();
  let dbMs = 0;
  let reads = 0;
  knex.on('query', (q: { sql: string; __knexQueryUid?: string }) => {
    const write = writeOf(q.sql);
    if (write) statements.set(write, (statements.get(write) ?? 0) + 1);
    else if (/^\s*(select|with)\b/i.test(q.sql)) reads += 1;
    else {
      const word = /^\s*(\w+)/.exec(q.sql)?.[1]?.toLowerCase() ?? '?';
      statements.set(`(${word})`, (statements.get(`(${word})`) ?? 0) + 1);
    }
    if (q.__knexQueryUid) uids.set(q.__knexQueryUid, performance.now());
  });
  const settled = (_r: unknown, q: { __knexQueryUid?: string }) => {
    const t = q.__knexQueryUid ? uids.get(q.__knexQueryUid) : undefined;
    if (t !== undefined) {
      dbMs += performance.now() - t;
      uids.delete(q.__knexQueryUid!);
    }
  };
  knex.on('query-response', settled);
  knex.on('query-error', settled);

  const migrateStart = performance.now();
  const store = await DatabaseReadinessStore.create({ database, logger });
  const migrateMs = performance.now() - migrateStart;

  const serviceArns = JSON.parse(
    readFileSync(options.servicesFile, 'utf8'),
  ) as string[];
  const catalog = catalogOf(entitiesOf(serviceArns), timings);

  const clients = AwsClients.create({ config, logger });
  // Time every AWS call by API (retries and the SDK's back-off included), as the call counter
  // counts them: a middleware on each client, added when the client is first made.
  const instrumented = new WeakSet<object>();
  const instrument = <C extends { middlewareStack: any }>(
    service: string,
    client: C,
  ): C => {
    if (instrumented.has(client)) return client;
    instrumented.add(client);
    client.middlewareStack.add(
      (next: (args: any) => Promise<any>, context: { commandName?: string }) =>
        async (args: any) => {
          const api = `${service}:${(context.commandName ?? 'Unknown').replace(
            /Command$/,
            '',
          )}`;
          const done = timings.start(`aws.${api}`);
          try {
            return await next(args);
          } catch (error) {
            const t = timings.byName.get(`aws.${api}`);
            if (t) t.errors += 1;
            throw error;
          } finally {
            done();
          }
        },
      { step: 'initialize', name: 'benchAuditTimer', priority: 'high' },
    );
    return client;
  };
  for (const [method, service] of [
    ['ecs', 'ecs'],
    ['ecr', 'ecr'],
    ['tagging', 'tag'],
  ] as const) {
    const original = (clients as any)[method].bind(clients);
    (clients as any)[method] = (accountId: string, region: string) =>
      instrument(service, original(accountId, region));
  }

  const runner = AuditRunner.create({
    store: timed(store, 'store', timings),
    catalog,
    auth: {
      getOwnServiceCredentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'service', subject: 'plugin:ecs-deploy-readiness' },
      }),
    } as any,
    logger,
    clients,
    config: readReadinessConfig(config),
  });

  await send({
    type: 'ready',
    setupMs: Math.round(performance.now() - started),
    migrateMs: Math.round(migrateMs),
    services: serviceArns.length,
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
  });

  for (const name of options.runs) {
    // Between runs: collect what the last one left, then measure this one's peak alone.
    (globalThis as any).gc?.();
    const heapBefore = process.memoryUsage();
    const hwmReset = resetHwm();
    const tablesBefore = await tableCounts(knex);
    const sandboxBefore = await sandboxCounts(options.controlUrl);
    statements.clear();
    reads = 0;
    dbMs = 0;
    timings.reset();
    Object.assign(logMessages, { warn: 0, error: 0, info: 0 });
    firstWarnings.length = 0;

    // The profile mode: the live heap (after a full GC) when each phase starts, known by the
    // first call of its kind. The GCs take a moment: this mode's wall times are not the figures.
    const PHASE_MARKS = new Map([
      ['aws.ecs:DescribeServices', 'collection (DescribeServices)'],
      ['aws.ecs:DescribeTaskDefinition', 'task definitions'],
      ['store.documentCache', 'inspection'],
      ['store.upsertServiceReport', 'service reports'],
      ['store.upsertEntityReport', 'entity reports'],
      ['store.finishAuditRun', 'finish'],
    ]);
    const heapAtPhases: Array<{
      phase: string;
      atMs: number;
      heapUsedMiB: number;
      rssMiB: number;
    }> = [];
    timings.onFirstCall = options.profileDir
      ? (callName, atMs) => {
          const phase = PHASE_MARKS.get(callName);
          if (!phase) return;
          (globalThis as any).gc?.();
          const m = process.memoryUsage();
          heapAtPhases.push({
            phase,
            atMs: Math.round(atMs),
            heapUsedMiB: m.heapUsed / 1048576,
            rssMiB: m.rss / 1048576,
          });
        }
      : undefined;

    let session: Session | undefined;
    if (options.profileDir) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 1000 });
      await session.post('Profiler.start');
    }
    let peak = { rss: 0, heapUsed: 0, external: 0, atMs: 0 };
    const sample = () => {
      const m = process.memoryUsage();
      if (m.rss > peak.rss)
        peak = {
          rss: m.rss,
          heapUsed: m.heapUsed,
          external: m.external + m.arrayBuffers,
          atMs: performance.now() - runStart,
        };
    };
    const sampler = setInterval(sample, 100);
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const load0 = loadavg()[0];
    runStart = performance.now();
    let summary: unknown;
    let error: string | undefined;
    try {
      summary = await runner.run({ trigger: `bench-${name}` });
    } catch (e) {
      error = (e as Error)?.stack ?? String(e);
    }
    const wallMs = performance.now() - runStart;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    loopDelay.disable();
    clearInterval(sampler);
    sample();
    let profileFile: string | undefined;
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      profileFile = join(options.profileDir!, `audit-${name}.cpuprofile`);
      writeFileSync(profileFile, JSON.stringify(profile));
      session.disconnect();
    }
    const sandboxAfter = await sandboxCounts(options.controlUrl);
    const tablesAfter = await tableCounts(knex);
    const resourceUsage = process.resourceUsage();
    await send({
      type: 'run',
      name,
      wallMs: Math.round(wallMs),
      error,
      summary,
      hwmReset,
      before: {
        rssMiB: heapBefore.rss / 1048576,
        heapUsedMiB: heapBefore.heapUsed / 1048576,
      },
      peakRssMiB: vmHwmMiB(),
      maxRssSinceStartMiB: resourceUsage.maxRSS / 1024,
      sampledPeak: {
        rssMiB: peak.rss / 1048576,
        heapUsedMiB: peak.heapUsed / 1048576,
        externalMiB: peak.external / 1048576,
        atMs: Math.round(peak.atMs),
      },
      cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
      loadAverage: [load0, loadavg()[0]],
      eventLoopUtilization: elu.utilization,
      eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      eventLoopDelayMaxMs: loopDelay.max / 1e6,
      db: {
        reads,
        writes: Object.fromEntries(statements),
        ms: Math.round(dbMs),
      },
      timings: timings.json(),
      sandboxBefore,
      sandboxAfter,
      tablesBefore,
      tablesAfter,
      log: { ...logMessages, first: [...firstWarnings] },
      profileFile,
      heapAtPhases,
    });
  }
  await knex.destroy();
  await send({ type: 'done' });
  process.exit(0);
}

main().catch(async error => {
  const text = error && error.stack ? error.stack : String(error);
  if (process.send) {
    await new Promise<void>(resolve =>
      process.send!({ type: 'error', error: text }, () => resolve()),
    );
  } else {
    process.stderr.write(`audit-entry: ${text}\n`);
  }
  process.exit(2);
});
