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

// `yarn bench:audit` (scripts/bench-audit): the backend's full audit against the sandbox's
// generated scenario, cold then warm, on SQLite and on PostgreSQL; see docs/benchmarks.md.
//
// Three processes: this one (builds the bundles, prints), the sandbox (audit-sandbox.ts: the
// scenario, AWS's default quotas, request counts) and the audit (audit-entry.ts: the AuditRunner,
// measured from inside), one audit process per database, so each one's peak RSS is its own.

import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { bundleEntries } from './bundle.mjs';
import {
  BenchError,
  forkChild,
  pad,
  padEnd,
  r1,
  r2,
  verdict,
} from './common.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BENCH_DIR = join(REPO_ROOT, 'scripts/lib/bench');
const OUT_DIR = join(REPO_ROOT, '.tools/bench');
const requireFromRoot = createRequire(join(REPO_ROOT, 'package.json'));

// Issue 11's performance targets.
const TARGETS = {
  coldWallSeconds: 60,
  peakRssMiB: 400,
  warmCallsPerService: 0.5,
};

function usage() {
  return `usage: scripts/bench-audit [options]
  --services <n>       services in the scenario (default 5000)
  --accounts <n>       accounts (default 2)
  --regions <n>        regions per account (default 2)
  --images <n>         distinct images shared by the services (default 500)
  --tasks <n>          desired tasks per service (default 3)
  --seed <s>           scenario seed (default 11)
  --latency-ms <ms>    latency of every sandbox response (default 20)
  --jitter-ms <ms>     random extra latency (default 0)
  --no-throttle        no request quotas (default: AWS's default quotas)
  --databases <list>   sqlite,postgres (default both; postgres needs ECS_READINESS_BENCH_POSTGRES,
                       which scripts/bench-audit sets after starting PostgreSQL)
  --sqlite <file|memory>  SQLite in a file of the temporary directory (default), or in memory
  --profile            a CPU profile of each run (V8 sampling profiler), summarised, kept in
                       .tools/bench/profiles/
  --strict             exit 1 when a target or a sanity check fails
  --keep               keep the temporary directory (SQLite file, service list)`;
}

function parseArgs(argv) {
  const o = {
    services: 5000,
    accounts: 2,
    regions: 2,
    images: 500,
    tasks: 3,
    seed: '11',
    latencyMs: 20,
    jitterMs: 0,
    throttle: true,
    databases: ['sqlite', 'postgres'],
    sqlite: 'file',
    profile: false,
    strict: false,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new BenchError(`${a} needs a value`);
      return v;
    };
    const int = min => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < min)
        throw new BenchError(`${a}: a whole number >= ${min}`);
      return v;
    };
    if (a === '--services') o.services = int(1);
    else if (a === '--accounts') o.accounts = int(1);
    else if (a === '--regions') o.regions = int(1);
    else if (a === '--images') o.images = int(1);
    else if (a === '--tasks') o.tasks = int(1);
    else if (a === '--seed') o.seed = val();
    else if (a === '--latency-ms') o.latencyMs = int(0);
    else if (a === '--jitter-ms') o.jitterMs = int(0);
    else if (a === '--no-throttle') o.throttle = false;
    else if (a === '--databases') {
      o.databases = val()
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
      for (const d of o.databases)
        if (!['sqlite', 'postgres'].includes(d))
          throw new BenchError(`--databases: sqlite and/or postgres, not ${d}`);
    } else if (a === '--sqlite') {
      o.sqlite = val();
      if (!['file', 'memory'].includes(o.sqlite))
        throw new BenchError('--sqlite: file or memory');
    } else if (a === '--profile') o.profile = true;
    else if (a === '--strict') o.strict = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '-h' || a === '--help') {
      console.log(usage());
      process.exit(0);
    } else throw new BenchError(`unknown option ${a}\n${usage()}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// The bundles: the TypeScript of the entry points and of the workspace packages they import,
// with every other package left to Node (native addons, knex's dialects, the AWS SDK).

async function build() {
  const out = await bundleEntries({
    repoRoot: REPO_ROOT,
    outDir: OUT_DIR,
    entryPoints: {
      'audit-entry': join(BENCH_DIR, 'audit-entry.ts'),
      'audit-sandbox': join(BENCH_DIR, 'audit-sandbox.ts'),
    },
    bundled: /^(@ecs-readiness\/|ecs-sandbox(\/|$))/,
  });
  return {
    entry: out['audit-entry'],
    sandbox: out['audit-sandbox'],
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting

const sum = xs => xs.reduce((a, b) => a + b, 0);
const diff = (after = {}, before = {}) => {
  const d = {};
  for (const [k, v] of Object.entries(after)) {
    const n = v - (before[k] ?? 0);
    if (n) d[k] = n;
  }
  return d;
};

/** Self time by function and by source file from a .cpuprofile; bundle lines mapped to files. */
function summariseProfile(file, bundleFile) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  // esbuild marks each module of a bundle with a `// path` comment line: line → source file.
  const bundleLines = readFileSync(bundleFile, 'utf8').split('\n');
  const marks = [];
  bundleLines.forEach((line, i) => {
    const m = /^\/\/ ((?:plugins|packages|scripts)\/\S+\.[tj]sx?)$/.exec(line);
    if (m) marks.push([i, m[1]]);
  });
  const sourceOf = line => {
    let lo = 0;
    let hi = marks.length - 1;
    let found = '(bundle)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid][0] <= line) {
        found = marks[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const where = cf => {
    if (!cf.url) return cf.functionName ? `(${cf.functionName})` : '(native)';
    const path = cf.url.replace(/^file:\/\//, '');
    if (path === bundleFile) return sourceOf(cf.lineNumber);
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    if (nm) return `node_modules/${nm[1]}`;
    if (path.startsWith('node:')) return path;
    return relative(REPO_ROOT, path);
  };
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  });
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const cf = node.callFrame;
    total += us;
    const file2 = where(cf);
    const fn = `${cf.functionName || '(anonymous)'}  ${file2}${
      cf.url && cf.url.replace(/^file:\/\//, '') !== bundleFile
        ? `:${cf.lineNumber + 1}`
        : ''
    }`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file2, (byFile.get(file2) ?? 0) + us);
  }
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ name: k, ms: us / 1000, share: us / total }));
  return {
    totalMs: total / 1000,
    functions: top(byFunction, 25),
    files: top(byFile, 20),
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wallStart = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'ecs-readiness-bench-audit-'));
  const children = [];
  const pgDatabases = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        try {
          if (c.connected) c.send({ type: 'stop' });
        } catch {
          // gone already
        }
        setTimeout(() => c.kill('SIGKILL'), 3000).unref();
      }
    }
    await Promise.all(
      children.map(
        c =>
          c.exitCode === null &&
          c.signalCode === null &&
          new Promise(r => c.once('exit', r)),
      ),
    );
    for (const db of pgDatabases) await dropPgDatabase(db).catch(() => {});
    if (opts.keep) console.error(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup().finally(() => process.exit(130));
    });
  }
  try {
    return await bench(opts, tmp, children, pgDatabases, wallStart);
  } finally {
    await cleanup();
  }
}

async function dropPgDatabase({ connection, name }) {
  const { Client } = requireFromRoot('pg');
  const client = new Client({ connectionString: connection });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function bench(opts, tmp, children, pgDatabases, wallStart) {
  const out = (...a) => console.log(...a);
  const pgConnection = process.env.ECS_READINESS_BENCH_POSTGRES;
  const databases = opts.databases.filter(
    d => d !== 'postgres' || pgConnection,
  );
  const skipped = opts.databases.filter(d => !databases.includes(d));

  let t0 = performance.now();
  let bundles;
  try {
    bundles = await build();
  } catch (e) {
    throw new BenchError(
      `could not bundle scripts/lib/bench/audit-*.ts: ${
        (e.errors ?? [])
          .slice(0, 5)
          .map(
            x =>
              `${x.location?.file ?? ''}:${x.location?.line ?? ''} ${x.text}`,
          )
          .join('; ') || e.message
      }`,
    );
  }
  const buildMs = performance.now() - t0;

  // ---- the sandbox
  const servicesFile = join(tmp, 'services.json');
  const sb = forkChild(bundles.sandbox, [
    JSON.stringify({
      services: opts.services,
      accounts: opts.accounts,
      regions: opts.regions,
      images: opts.images,
      tasksPerService: opts.tasks,
      seed: opts.seed,
      latencyMs: opts.latencyMs,
      jitterMs: opts.jitterMs,
      throttle: opts.throttle,
      servicesFile,
    }),
  ]);
  children.push(sb.child);
  const sandbox = await sb.waitFor('ready');

  out(
    `ECS deploy readiness audit benchmark: ${sandbox.services} services in ${opts.accounts} account(s) x ${opts.regions} region(s), ` +
      `${opts.images} images, ${opts.tasks} tasks per service (seed ${opts.seed})`,
  );
  out(
    `sandbox: ${sandbox.url} in its own process (${sandbox.rssMiB} MiB RSS, not counted), ${opts.latencyMs} ms latency` +
      `${opts.jitterMs ? ` + up to ${opts.jitterMs} ms jitter` : ''}, ` +
      `${
        opts.throttle ? "AWS's default request quotas" : 'no throttling'
      }; scenario generated in ${sandbox.generatedMs} ms, loaded in ${
        sandbox.loadedMs
      } ms (bundles built in ${Math.round(buildMs)} ms)`,
  );
  out(
    `  ${sandbox.clusters} clusters, ${sandbox.taskDefinitions} task definitions, ${sandbox.ecrRepositories} ECR repositories, ` +
      `${sandbox.images} images built; ${
        sandbox.runningTasks
      } running tasks (${r2(
        sandbox.runningTasks / sandbox.services,
      )} per service; services whose rollout failed run none), ${
        sandbox.stoppedTasks
      } stopped tasks`,
  );
  if (skipped.length)
    out(
      `  skipped: ${skipped.join(
        ', ',
      )} (ECS_READINESS_BENCH_POSTGRES is not set: run scripts/bench-audit, which starts PostgreSQL)`,
    );

  // ---- one audit process per database: cold, then warm
  const profileDir = opts.profile ? join(OUT_DIR, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const results = [];
  for (const db of databases) {
    let database;
    let label;
    if (db === 'sqlite') {
      const dir = join(tmp, 'sqlite');
      mkdirSync(dir, { recursive: true });
      database = {
        client: 'better-sqlite3',
        connection: opts.sqlite === 'memory' ? ':memory:' : { directory: dir },
      };
      label = opts.sqlite === 'memory' ? 'SQLite (memory)' : 'SQLite';
    } else {
      const prefix = `bench_audit_${randomBytes(4).toString('hex')}_`;
      pgDatabases.push({
        connection: pgConnection,
        name: `${prefix}ecs-deploy-readiness`,
      });
      database = { client: 'pg', connection: pgConnection, prefix };
      label = 'PostgreSQL';
    }
    const runs = [];
    const child = forkChild(
      bundles.entry,
      [
        JSON.stringify({
          sandboxUrl: sandbox.url,
          controlUrl: sandbox.controlUrl,
          accounts: sandbox.accounts,
          servicesFile,
          database,
          runs: ['cold', 'warm'],
          ...(profileDir && { profileDir: join(profileDir, db) }),
        }),
      ],
      {
        execArgv: ['--expose-gc'],
        onMessage: m => {
          if (m?.type === 'run') {
            runs.push(m);
            process.stderr.write(
              `  ${label} ${m.name}: ${r1(m.wallMs / 1000)} s${
                m.error ? ` (failed: ${m.error.split('\n')[0]})` : ''
              }\n`,
            );
          }
        },
      },
    );
    if (profileDir) mkdirSync(join(profileDir, db), { recursive: true });
    children.push(child.child);
    const ready = await child.waitFor('ready');
    process.stderr.write(
      `  ${label}: audit process ready in ${ready.setupMs} ms (migrations ${ready.migrateMs} ms)\n`,
    );
    await child.waitFor('done');
    await child.exited;
    results.push({ db, label, ready, runs, bundle: bundles.entry });
  }

  // ---- figures
  const services = sandbox.services;
  const columns = results.flatMap(r =>
    r.runs.map(run => ({
      ...run,
      database: r.db,
      label: `${r.label} ${run.name}`,
    })),
  );
  for (const c of columns) {
    const s = c.summary ?? {};
    c.calls = s.callsByApi ?? {};
    c.callsTotal = sum(Object.values(c.calls));
    // ECS and resource tagging: what the audit reads of the services, apart from the ECR API
    // calls that the engine makes to read images (one repository per service in this scenario).
    c.serviceCallsTotal = sum(
      Object.entries(c.calls)
        .filter(([api]) => !api.startsWith('ecr:'))
        .map(([, n]) => n),
    );
    c.seen = diff(c.sandboxAfter?.aws, c.sandboxBefore?.aws);
    c.throttled = diff(c.sandboxAfter?.throttled, c.sandboxBefore?.throttled);
    c.awsErrors = diff(c.sandboxAfter?.awsErrors, c.sandboxBefore?.awsErrors);
    c.registry = diff(c.sandboxAfter?.registry, c.sandboxBefore?.registry);
    c.registryErrors = diff(
      c.sandboxAfter?.registryErrors,
      c.sandboxBefore?.registryErrors,
    );
    c.registryTotal = sum(Object.values(c.registry));
    // The least time AWS's quotas allow for the calls made: per account, region and bucket,
    // (calls - burst) / rate; the run cannot be faster than its slowest bucket.
    c.floors = [];
    for (const [scope, buckets] of Object.entries(
      c.sandboxAfter?.byBucket ?? {},
    )) {
      const d = diff(buckets, c.sandboxBefore?.byBucket?.[scope]);
      for (const [bucket, n] of Object.entries(d)) {
        const rule = sandbox.quotas?.[bucket];
        if (!rule) continue;
        c.floors.push({
          scope,
          bucket,
          calls: n,
          seconds: Math.max(0, (n - rule.burst) / rule.rate),
        });
      }
    }
    c.floors.sort((a, b) => b.seconds - a.seconds);
    c.floor = c.floors[0];
    c.hitRate =
      s.cacheHits + s.cacheMisses > 0
        ? s.cacheHits / (s.cacheHits + s.cacheMisses)
        : undefined;
    c.historyAdded =
      (c.tablesAfter?.status_history ?? 0) -
      (c.tablesBefore?.status_history ?? 0);
    c.reportWrites = Object.entries(c.db?.writes ?? {})
      .filter(([k]) =>
        /(service_reports|entity_reports|entity_services|status_history)$/.test(
          k,
        ),
      )
      .reduce((n, [, v]) => n + v, 0);
  }

  const W = 26;
  const head = `${padEnd('', 44)}${columns.map(c => pad(c.label, W)).join('')}`;
  const row = (name, f) =>
    out(`${padEnd(name, 44)}${columns.map(c => pad(f(c), W)).join('')}`);
  out('');
  out(
    'Audit runs (cold: a fresh database; warm: the same database, process and runner, nothing changed)',
  );
  out(head);
  out('-'.repeat(head.length));
  row('wall time (s)', c => r2(c.wallMs / 1000));
  row('status', c => c.summary?.status ?? 'error');
  row('services audited / entities audited', c =>
    c.summary
      ? `${c.summary.servicesAudited} / ${c.summary.entitiesAudited}`
      : '',
  );
  row('peak RSS of the audit process (MiB)', c => r1(c.peakRssMiB));
  row(
    '  at the start, after GC: RSS / heap (MiB)',
    c => `${r1(c.before.rssMiB)} / ${r1(c.before.heapUsedMiB)}`,
  );
  row(
    '  sampled peak: RSS / heap (MiB), at (s)',
    c =>
      `${r1(c.sampledPeak.rssMiB)}/${r1(c.sampledPeak.heapUsedMiB)} @${r1(
        c.sampledPeak.atMs / 1000,
      )}`,
  );
  row('CPU user + system (s)', c => r2((c.cpu.userMs + c.cpu.systemMs) / 1000));
  row('load average before / after (2 cores)', c =>
    c.loadAverage.map(x => r2(x)).join(' / '),
  );
  row('quota floor: slowest bucket (s)', c =>
    c.floor ? r2(c.floor.seconds) : '-',
  );
  row('event loop utilization', c => r2(c.eventLoopUtilization));
  row(
    'event loop delay p99 / max (ms)',
    c => `${r1(c.eventLoopDelayP99Ms)} / ${r1(c.eventLoopDelayMaxMs)}`,
  );
  row('AWS calls (run summary, callsByApi)', c => c.callsTotal);
  row('  per service', c => r2(c.callsTotal / services));
  row('  per service, ECS and tagging only', c =>
    r2(c.serviceCallsTotal / services),
  );
  const apis = [
    ...new Set(
      columns.flatMap(c => [...Object.keys(c.calls), ...Object.keys(c.seen)]),
    ),
  ].sort();
  for (const api of apis)
    row(`  ${api}`, c => {
      const seen = c.seen[api] ?? 0;
      const counted = c.calls[api] ?? 0;
      const thr = c.throttled[api] ?? 0;
      return `${counted}${seen !== counted ? ` (${seen} sent)` : ''}${
        thr ? ` ${thr} thr` : ''
      }`;
    });
  row('AWS requests the sandbox answered', c => sum(Object.values(c.seen)));
  row('  throttled (ThrottlingException)', c =>
    sum(Object.values(c.throttled)),
  );
  row('  other AWS errors', c => sum(Object.values(c.awsErrors)));
  row('registry requests', c => c.registryTotal);
  row('  per service', c => r2(c.registryTotal / services));
  const kinds = [
    ...new Set(columns.flatMap(c => Object.keys(c.registry))),
  ].sort();
  for (const k of kinds) row(`  ${k}`, c => c.registry[k] ?? 0);
  row('  responses not 2xx/3xx', c => sum(Object.values(c.registryErrors)));
  row('document cache hits / misses', c =>
    c.summary ? `${c.summary.cacheHits} / ${c.summary.cacheMisses}` : '',
  );
  row('  hit rate', c =>
    c.hitRate === undefined ? '-' : `${r1(c.hitRate * 100)}%`,
  );
  row('service reports written', c => c.summary?.servicesWritten);
  row('entity reports written', c => c.summary?.entitiesWritten);
  row('status history rows added', c => c.historyAdded);
  row('pull errors added', c => c.summary?.pullErrorsAdded);
  row('marked stale', c => c.summary?.markedStale);
  row('DB statements: reads', c => c.db.reads);
  row('DB statements: writes', c => sum(Object.values(c.db.writes)));
  const writeKinds = [
    ...new Set(columns.flatMap(c => Object.keys(c.db.writes))),
  ].sort();
  for (const k of writeKinds) row(`  ${k}`, c => c.db.writes[k] ?? 0);
  row('DB time, summed over statements (s)', c => r2(c.db.ms / 1000));
  const tables = [
    ...new Set(columns.flatMap(c => Object.keys(c.tablesAfter ?? {}))),
  ];
  row('rows added, by table', () => '');
  for (const t of tables)
    row(`  ${t}`, c => (c.tablesAfter?.[t] ?? 0) - (c.tablesBefore?.[t] ?? 0));
  row('warnings / errors logged', c => `${c.log.warn} / ${c.log.error}`);
  out(
    'AWS calls: as the AWS clients count them (one per command, retries not counted again); "sent": requests the sandbox answered, retries included; "thr": answered ThrottlingException.',
  );

  // Where the time goes: each timed kind of call, first and last start, summed time.
  for (const c of columns) {
    out('');
    out(
      `Timeline of ${c.label} (starts relative to the run's start; summed time overlaps when calls run at once)`,
    );
    out(
      `${padEnd('call', 50)}${pad('calls', 8)}${pad('first s', 9)}${pad(
        'last s',
        9,
      )}${pad('sum s', 9)}${pad('max ms', 9)}${pad('errors', 8)}`,
    );
    const entries = Object.entries(c.timings).sort(
      (a, b) => a[1].firstMs - b[1].firstMs,
    );
    for (const [name, t] of entries) {
      out(
        `${padEnd(name.slice(0, 49), 50)}${pad(t.calls, 8)}${pad(
          r2(t.firstMs / 1000),
          9,
        )}${pad(r2(t.lastMs / 1000), 9)}${pad(r2(t.ms / 1000), 9)}${pad(
          t.maxMs,
          9,
        )}${pad(t.errors || '', 8)}`,
      );
    }
    if (c.floors.length) {
      out(
        `  quota floors (calls in an account/region bucket beyond its burst, at its refill rate): ${c.floors
          .slice(0, 4)
          .map(
            f =>
              `${f.bucket} in ${f.scope}: ${f.calls} calls, ${r2(f.seconds)} s`,
          )
          .join('; ')}`,
      );
    }
    if (c.log.first.length) {
      out(`  first messages logged:`);
      for (const m of c.log.first.slice(0, 8)) out(`    ${m.slice(0, 220)}`);
    }
    if (c.error)
      out(`  run failed: ${c.error.split('\n').slice(0, 6).join('\n    ')}`);
    if (c.summary && Object.keys(c.summary.errorsByAccount ?? {}).length) {
      out(`  errors by account:`);
      for (const [acct, errs] of Object.entries(c.summary.errorsByAccount))
        out(
          `    ${acct}: ${errs
            .slice(0, 3)
            .map(e =>
              `${e.code} ${e.region ?? ''} ${e.api ?? ''}: ${e.message}`.slice(
                0,
                200,
              ),
            )
            .join(' | ')}${errs.length > 3 ? ` (+${errs.length - 3})` : ''}`,
        );
    }
    if (Object.keys(c.awsErrors).length)
      out(
        `  AWS errors answered: ${Object.entries(c.awsErrors)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    if (Object.keys(c.registryErrors).length)
      out(
        `  registry errors answered: ${Object.entries(c.registryErrors)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    if (c.heapAtPhases?.length) {
      out(`  live heap after a full GC when each phase starts (profile mode):`);
      for (const h of c.heapAtPhases)
        out(
          `    ${padEnd(h.phase, 32)} @${pad(
            r1(h.atMs / 1000),
            6,
          )} s  heap ${pad(r1(h.heapUsedMiB), 6)} MiB  RSS ${pad(
            r1(h.rssMiB),
            6,
          )} MiB`,
        );
    }
    if (c.profileFile) {
      const p = summariseProfile(c.profileFile, c.bundle ?? results[0].bundle);
      out(
        `  CPU profile ${relative(REPO_ROOT, c.profileFile)}: ${r2(
          p.totalMs / 1000,
        )} s sampled; self time by file:`,
      );
      for (const f of p.files.filter(x => !/^\((idle)\)$/.test(x.name)))
        out(
          `    ${pad(r1(f.share * 100), 5)}%  ${pad(r2(f.ms / 1000), 7)} s  ${
            f.name
          }`,
        );
      out(`  by function:`);
      for (const f of p.functions.filter(x => !/^\(idle\)/.test(x.name)))
        out(
          `    ${pad(r1(f.share * 100), 5)}%  ${pad(r2(f.ms / 1000), 7)} s  ${
            f.name
          }`,
        );
    }
  }
  for (const c of columns) c.bundle = bundles.entry;

  // ---- targets
  const floorDescribeServices = Math.ceil(services / 10);
  out('');
  out('Batching (issue 11: "DescribeServices in tens, tasks in hundreds")');
  for (const c of columns) {
    out(
      `  ${padEnd(c.label, 18)} DescribeServices ${
        c.calls['ecs:DescribeServices'] ?? 0
      } for ${services} services (${r2(
        services / (c.calls['ecs:DescribeServices'] || 1),
      )} a call); DescribeTasks ${
        c.calls['ecs:DescribeTasks'] ?? 0
      } and ListTasks ${c.calls['ecs:ListTasks'] ?? 0} for ${
        sandbox.runningTasks
      } running tasks; DescribeTaskDefinition ${
        c.calls['ecs:DescribeTaskDefinition'] ?? 0
      } for ${sandbox.taskDefinitions} task definitions`,
    );
  }

  out('');
  out('Targets (issue 11)');
  const checks = [];
  const target = (ok, text) => {
    checks.push(ok);
    out(`  ${verdict(ok)}  ${text}`);
  };
  for (const r of results) {
    const cold = r.runs.find(x => x.name === 'cold');
    const warm = r.runs.find(x => x.name === 'warm');
    const cc = columns.find(c => c.database === r.db && c.name === 'cold');
    const wc = columns.find(c => c.database === r.db && c.name === 'warm');
    target(
      Boolean(
        cold && !cold.error && cold.wallMs / 1000 <= TARGETS.coldWallSeconds,
      ),
      `${r.label}: cold full audit ${
        cold ? r2(cold.wallMs / 1000) : '-'
      } s <= ${TARGETS.coldWallSeconds} s`,
    );
    const peak = Math.max(
      ...r.runs.map(x => x.peakRssMiB ?? x.maxRssSinceStartMiB),
    );
    target(
      peak <= TARGETS.peakRssMiB,
      `${r.label}: peak RSS of the audit process ${r1(peak)} MiB <= ${
        TARGETS.peakRssMiB
      } MiB`,
    );
    if (wc) {
      target(
        !wc.error && wc.callsTotal / services <= TARGETS.warmCallsPerService,
        `${r.label}: warm re-audit ${r2(
          wc.callsTotal / services,
        )} AWS calls per service <= ${TARGETS.warmCallsPerService}`,
      );
      target(
        !wc.error &&
          wc.summary.servicesWritten === 0 &&
          wc.summary.entitiesWritten === 0 &&
          wc.historyAdded === 0 &&
          wc.reportWrites === 0,
        `${r.label}: warm re-audit writes only what changed: ${wc.summary?.servicesWritten} service and ${wc.summary?.entitiesWritten} entity reports written, ` +
          `${wc.historyAdded} status history rows, ${wc.reportWrites} write statements on report tables`,
      );
    }
    // Sanity: every service audited, no shard failed.
    for (const c of [cc, wc].filter(Boolean)) {
      const ok =
        !c.error &&
        c.summary.status === 'succeeded' &&
        c.summary.servicesAudited === services;
      if (!ok)
        target(
          false,
          `${c.label}: sanity: status ${c.summary?.status ?? 'error'}, ${
            c.summary?.servicesAudited ?? 0
          }/${services} services audited`,
        );
    }
  }
  for (const d of skipped) target(undefined, `${d}: not run`);

  // Side by side: the same run on both databases must say the same.
  if (results.length === 2) {
    for (const name of ['cold', 'warm']) {
      const [a, b] = results.map(r =>
        columns.find(c => c.database === r.db && c.name === name),
      );
      if (!a?.summary || !b?.summary) continue;
      const same = [
        'servicesAudited',
        'entitiesAudited',
        'servicesWritten',
        'entitiesWritten',
        'pullErrorsAdded',
      ].filter(k => a.summary[k] !== b.summary[k]);
      target(
        same.length === 0,
        `${name}: SQLite and PostgreSQL agree on services, entities, reports written and pull errors${
          same.length ? ` (differ: ${same.join(', ')})` : ''
        }`,
      );
    }
  }
  out(`total run ${r1((performance.now() - wallStart) / 1000)} s`);

  // The JSON line: the worst figure over the databases run.
  const colds = columns.filter(c => c.name === 'cold');
  const warms = columns.filter(c => c.name === 'warm');
  out(
    JSON.stringify({
      coldWallSeconds: colds.length
        ? r2(Math.max(...colds.map(c => c.wallMs / 1000)))
        : null,
      warmCallsPerService: warms.length
        ? r2(Math.max(...warms.map(c => c.callsTotal / services)))
        : null,
      // Not a target of its own: the ECS and tagging part of warmCallsPerService.
      warmEcsCallsPerService: warms.length
        ? r2(Math.max(...warms.map(c => c.serviceCallsTotal / services)))
        : null,
      peakRssMiB: columns.length
        ? r1(
            Math.max(
              ...columns.map(c => c.peakRssMiB ?? c.maxRssSinceStartMiB),
            ),
          )
        : null,
      services,
    }),
  );
  const failed = checks.some(c => c === false) || columns.length === 0;
  return opts.strict && failed ? 1 : 0;
}

main().then(
  code => {
    process.exitCode = code;
  },
  error => {
    console.error(
      `bench-audit: ${
        error && error.stack && !(error instanceof BenchError)
          ? error.stack
          : error.message ?? error
      }`,
    );
    process.exitCode = 2;
  },
);
