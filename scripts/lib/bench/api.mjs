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

// `yarn bench:api` (scripts/bench-api): the plugin's HTTP API through a real Backstage backend
// on PostgreSQL, with 10,000 linked entities in the real catalog and 1,000,000 pull errors;
// see docs/benchmarks.md.
//
// Processes: this one (builds the bundles, drives the phases, sends the requests, prints), the
// backend (api-backend.ts: createBackend() with the catalog, guest auth, permissions and the
// plugin) and the seeder (api-seed.ts: the plugin's database, through its store). Phases:
//   1. catalog: a backend without the plugin ingests the scenario's entities (timed);
//   2. seed: the plugin's database, migrated and filled as 30 days of audits would have, then
//      the plugin's own catalog link over that backend's catalog (it must forget no report);
//   3. measure: the full backend starts on both, none of the plugin's scheduled tasks runs
//      (their initial delay is 20 days), then warm-up and N requests per route with a guest
//      user's token; then one request per route with its SQL recorded, EXPLAINed.

import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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

// Issue 12's performance targets.
const TARGETS = {
  readinessP95Ms: 30,
  pullErrorsP95Ms: 30,
  scorecardP95Ms: 150,
  csvSeconds: 2,
};

const PLUGIN = 'ecs-deploy-readiness';
const API = `/api/${PLUGIN}`;
const ACCOUNTS = ['111111111111', '222222222222'];

function usage() {
  return `usage: scripts/bench-api [options]
  --entities <n>       catalog Components, one ECS service each (default 10000)
  --pull-errors <n>    pull-error rows (default 1000000)
  --requests <n>       measured requests per route, after a warm-up (default 200)
  --warmup <n>         warm-up requests per route (default 20)
  --concurrency <n>    a second pass with this many requests in flight (default 4; 0: none)
  --csv-runs <n>       measured downloads of the CSV (default 5)
  --days <n>           days of audit history (default 30)
  --seed <n>           scenario seed (default 12)
  --strict             exit 1 when a target or a sanity check fails
  --keep               keep the temporary directory (config, backend logs) and the databases
  --reuse <dir>        measure again on what a --keep run kept in <dir> (no ingestion, no
                       seeding; the same sizes); keeps them again`;
}

function parseArgs(argv) {
  const o = {
    entities: 10000,
    pullErrors: 1000000,
    requests: 200,
    warmup: 20,
    concurrency: 4,
    csvRuns: 5,
    days: 30,
    seed: 12,
    strict: false,
    keep: false,
    reuse: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const int = min => {
      const v = Number(argv[++i]);
      if (argv[i] === undefined || !Number.isInteger(v) || v < min)
        throw new BenchError(`${a}: a whole number >= ${min}`);
      return v;
    };
    if (a === '--entities') o.entities = int(1);
    else if (a === '--pull-errors') o.pullErrors = int(0);
    else if (a === '--requests') o.requests = int(1);
    else if (a === '--warmup') o.warmup = int(0);
    else if (a === '--concurrency') o.concurrency = int(0);
    else if (a === '--csv-runs') o.csvRuns = int(1);
    else if (a === '--days') o.days = int(1);
    else if (a === '--seed') o.seed = int(0);
    else if (a === '--strict') o.strict = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--reuse') {
      o.reuse = argv[++i];
      if (!o.reuse)
        throw new BenchError('--reuse needs the directory a --keep run kept');
      o.keep = true;
    } else if (a === '-h' || a === '--help') {
      console.log(usage());
      process.exit(0);
    } else throw new BenchError(`unknown option ${a}\n${usage()}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// The SQL the measured routes rely on is recorded from the plugin's own database client while
// one request of each runs (api-backend.ts, module `bench-sql`) and EXPLAINed as it was sent.
// Only statements on these tables, and only reads, are explained.
const EXPLAINED_TABLES =
  /\b(entity_reports|service_reports|entity_services|pull_errors|audit_runs|links|entities|status_history|link_errors)\b/;

// ---------------------------------------------------------------------------------------------
// The bundles (as in audit.mjs): the TypeScript of the entry points and of the workspace
// packages they import, with every other package left to Node.

async function build() {
  const out = await bundleEntries({
    repoRoot: REPO_ROOT,
    outDir: OUT_DIR,
    entryPoints: {
      'api-backend': join(BENCH_DIR, 'api-backend.ts'),
      'api-seed': join(BENCH_DIR, 'api-seed.ts'),
    },
    bundled: /^@ecs-readiness\//,
  });
  return {
    backend: out['api-backend'],
    seed: out['api-seed'],
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes

function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.unref();
    server.on('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Formatting and statistics

const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  ];
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 0.5),
    p95: percentile(s, 0.95),
    p99: percentile(s, 0.99),
    max: s[s.length - 1],
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function pgClient(connection, database) {
  const { Client } = requireFromRoot('pg');
  const url = new URL(connection);
  const client = new Client({
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    ...(url.password && { password: decodeURIComponent(url.password) }),
    database,
  });
  await client.connect();
  return client;
}

async function dropDatabases(connection, prefix) {
  const client = await pgClient(connection, 'postgres');
  try {
    const { rows } = await client.query(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [prefix],
    );
    for (const { datname } of rows)
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    return rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}

/** The indexes and sequential scans of a text plan. */
function accessPaths(planLines) {
  const paths = [];
  for (const line of planLines) {
    let m;
    if (
      (m =
        /(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)(?: on (\S+))?/.exec(
          line,
        ))
    )
      paths.push(
        `${m[1].replace(' Scan', '')} ${m[2]}${m[3] ? ` (${m[3]})` : ''}`,
      );
    else if ((m = /Seq Scan on (\S+)/.exec(line)))
      paths.push(`Seq Scan ${m[1]}`);
  }
  return [...new Set(paths)];
}

// ---------------------------------------------------------------------------------------------
// HTTP

async function request(
  url,
  { token, method = 'GET', body, text = false } = {},
) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await res.text();
  const ms = performance.now() - t0;
  let json;
  if (!text) {
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
  }
  return {
    status: res.status,
    ms,
    raw,
    json,
    type: res.headers.get('content-type') ?? '',
  };
}

async function guestToken(baseUrl) {
  const res = await request(`${baseUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    body: {},
  });
  const token = res.json?.backstageIdentity?.token;
  if (res.status !== 200 || !token)
    throw new BenchError(
      `guest sign-in answered ${res.status}: ${res.raw.slice(0, 300)}`,
    );
  return { token, identity: res.json.backstageIdentity.identity };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wallStart = performance.now();
  const pg = process.env.ECS_READINESS_BENCH_POSTGRES;
  if (!pg)
    throw new BenchError(
      'ECS_READINESS_BENCH_POSTGRES is not set: run scripts/bench-api, which starts PostgreSQL',
    );
  let tmp;
  let prefix;
  if (opts.reuse) {
    tmp = resolve(opts.reuse);
    let kept;
    try {
      kept = JSON.parse(readFileSync(join(tmp, 'seeded.json'), 'utf8'));
      prefix = JSON.parse(readFileSync(join(tmp, 'app-config.json'), 'utf8'))
        .backend.database.prefix;
    } catch (e) {
      throw new BenchError(
        `--reuse ${opts.reuse}: not a directory kept by --keep (${e.message})`,
      );
    }
    Object.assign(opts, kept.options);
  } else {
    tmp = mkdtempSync(join(tmpdir(), 'ecs-readiness-bench-api-'));
    prefix = `bench_api_${randomBytes(4).toString('hex')}_`;
  }
  const children = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await Promise.all(children.map(c => c.stop().catch(() => {})));
    if (opts.keep) {
      console.error(
        `kept ${tmp} and the databases ${prefix}*: measure again with --reuse ${tmp}; drop them with DROP DATABASE`,
      );
    } else {
      await dropDatabases(pg, prefix).catch(e =>
        console.error(
          `bench-api: could not drop the databases ${prefix}*: ${e.message}`,
        ),
      );
      rmSync(tmp, { recursive: true, force: true });
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup().finally(() => process.exit(130));
    });
  }
  try {
    return await bench(opts, { pg, tmp, prefix, children, wallStart });
  } finally {
    await cleanup();
  }
}

async function bench(opts, { pg, tmp, prefix, children, wallStart }) {
  const out = (...a) => console.log(...a);
  const note = text => process.stderr.write(`${text}\n`);
  const pgUrl = new URL(pg);

  let t0 = performance.now();
  let bundles;
  try {
    bundles = await build();
  } catch (e) {
    throw new BenchError(
      `could not bundle scripts/lib/bench/api-*.ts: ${
        e.errors
          ?.map(x => `${x.location?.file}:${x.location?.line}: ${x.text}`)
          .join('\n') ?? e.message
      }`,
    );
  }
  const buildMs = performance.now() - t0;

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const database = {
    client: 'pg',
    connection: {
      host: pgUrl.hostname,
      port: Number(pgUrl.port || 5432),
      user: decodeURIComponent(pgUrl.username || 'postgres'),
      ...(pgUrl.password && { password: decodeURIComponent(pgUrl.password) }),
    },
    prefix,
  };
  // Far away: none of the plugin's scheduled tasks may run while it is measured, not even the
  // catalog link it triggers at start-up: the scheduler waits a task's initial delay in the
  // process before it runs it, triggered or not. (Under 24.8 days, the longest timer Node keeps.)
  const never = {
    frequency: { days: 20 },
    timeout: { minutes: 25 },
    initialDelay: { days: 20 },
  };
  const appConfig = {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database,
    },
    auth: {
      // The guest provider refuses NODE_ENV=production unless told: this backend is local and
      // gone when the benchmark ends.
      providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
    },
    permission: { enabled: true },
    catalog: {
      rules: [
        {
          allow: [
            'Component',
            'System',
            'Group',
            'User',
            'API',
            'Resource',
            'Location',
          ],
        },
      ],
      // Entities are processed once when they arrive; then not again for an hour, so that the
      // catalog's re-processing of 10,000 entities does not run while the API is measured.
      processingInterval: { hours: 1 },
    },
    aws: {
      accounts: ACCOUNTS.map((accountId, i) => ({
        accountId,
        accessKeyId: `AKIABENCHAPI0000000${i + 1}`,
        secretAccessKey: 'bench',
      })),
    },
    ecsDeployReadiness: {
      // Nothing answers there: no AWS call may leave the machine (none should be made).
      aws: { endpoint: 'http://127.0.0.1:9' },
      schedules: { images: never, history: never },
    },
  };
  const configFile = join(tmp, 'app-config.json');
  writeFileSync(configFile, JSON.stringify(appConfig, null, 2));
  const scenario = { entities: opts.entities, seed: opts.seed };

  out(
    `ECS deploy readiness API benchmark: ${opts.entities} catalog entities (1 ECS service each, ${ACCOUNTS.length} accounts x 2 regions), ` +
      `${opts.pullErrors} pull errors, ${opts.days} days of audit history (seed ${opts.seed})`,
  );
  out(
    `PostgreSQL ${
      pgUrl.host
    }, databases ${prefix}<plugin>; backend on ${baseUrl} (NODE_ENV=production); bundles built in ${Math.round(
      buildMs,
    )} ms; load average ${loadavg().map(r2).join(' ')}`,
  );

  const sanity = [];
  let seeded;
  if (opts.reuse) {
    seeded = JSON.parse(readFileSync(join(tmp, 'seeded.json'), 'utf8'));
    out('');
    out(
      `1-2. Reusing the catalog and the plugin's database kept in ${tmp} (seeded ${seeded.at})`,
    );
  } else {
    // ---- 1. the catalog
    out('');
    out('1. Catalog ingestion (a backend without the plugin)');
    const logA = join(tmp, 'backend-catalog.log');
    let providerMsg;
    const backendA = forkChild(bundles.backend, ['--config', configFile], {
      env: {
        ECS_READINESS_BENCH_API_OPTIONS: JSON.stringify({
          ...scenario,
          readiness: false,
        }),
      },
      logFile: logA,
      onMessage: m => {
        if (m?.type === 'provider')
          providerMsg = { ...m, at: performance.now() };
      },
    });
    children.push(backendA);
    t0 = performance.now();
    const readyA = await backendA.waitFor('ready');
    out(`  backend started in ${r1(readyA.startMs / 1000)} s`);
    const { token: tokenA } = await guestToken(baseUrl);
    const expectedCatalog = opts.entities + 100 + 200;
    const countOf = async filter => {
      const res = await request(
        `${baseUrl}/api/catalog/entities/by-query?limit=1${
          filter ? `&filter=${encodeURIComponent(filter)}` : ''
        }`,
        { token: tokenA },
      );
      if (res.status !== 200)
        throw new BenchError(
          `catalog by-query answered ${res.status}: ${res.raw.slice(0, 200)}`,
        );
      return res.json.totalItems;
    };
    const ingestStart = performance.now();
    const deadline = ingestStart + Math.max(600_000, opts.entities * 120);
    let components = 0;
    let all = 0;
    let lastNote = 0;
    for (;;) {
      components = await countOf('kind=component');
      all = await countOf('');
      if (components >= opts.entities && all >= expectedCatalog) break;
      if (performance.now() > deadline)
        throw new BenchError(
          `the catalog has ${components}/${
            opts.entities
          } components (${all}/${expectedCatalog} entities) after ${r1(
            (performance.now() - ingestStart) / 1000,
          )} s`,
        );
      if (performance.now() - lastNote > 10_000) {
        lastNote = performance.now();
        note(
          `  catalog: ${components}/${
            opts.entities
          } components, ${all}/${expectedCatalog} entities (${r1(
            (performance.now() - ingestStart) / 1000,
          )} s)`,
        );
      }
      await sleep(1000);
    }
    const ingestMs = performance.now() - (providerMsg?.at ?? ingestStart);
    out(
      `  ${components} Components, ${all} entities in all (100 Groups, 200 Systems) queryable ${r1(
        ingestMs / 1000,
      )} s after the provider's full mutation` +
        (providerMsg ? ` (applied in ${r1(providerMsg.ms / 1000)} s)` : ''),
    );

    // ---- 2. the plugin's database (the catalog backend stays up: the seeder's link reads it)
    out('');
    out(`2. Seeding the plugin's database (${prefix}${PLUGIN})`);
    t0 = performance.now();
    const seeder = forkChild(
      bundles.seed,
      [
        JSON.stringify({
          config: appConfig,
          catalogBaseUrl: baseUrl,
          token: tokenA,
          entities: opts.entities,
          pullErrors: opts.pullErrors,
          seed: opts.seed,
          days: opts.days,
          everyMinutes: 30,
          pullErrorDays: 89,
        }),
      ],
      {
        logFile: join(tmp, 'seed.log'),
        onMessage: m => {
          if (m?.type === 'progress') note(`  ${m.text}`);
        },
      },
    );
    children.push(seeder);
    seeded = await seeder.waitFor('done');
    await seeder.exited;
    seeded.at = new Date().toISOString();
    seeded.options = {
      entities: opts.entities,
      pullErrors: opts.pullErrors,
      seed: opts.seed,
      days: opts.days,
    };
    writeFileSync(join(tmp, 'seeded.json'), JSON.stringify(seeded));
    const seedMs = performance.now() - t0;
    await backendA.stop();
    out(
      `  seeded in ${r1(seedMs / 1000)} s: migrations ${r1(
        seeded.migrateMs / 1000,
      )} s, ${seeded.runs} audit runs with reports and status history ${r1(
        seeded.historyMs / 1000,
      )} s (${seeded.reportWrites} report writes, ${
        seeded.changes
      } status changes), ` +
        `${opts.pullErrors} pull errors ${r1(seeded.pullErrorsMs / 1000)} s (${
          seeded.templates
        } through the store, the rest copied in SQL), VACUUM (ANALYZE) ${r1(
          seeded.vacuumMs / 1000,
        )} s`,
    );
    out(`  migrations: ${seeded.migrations.join(', ')}`);
    out(
      `  catalog link (the plugin's AuditRunner.link over the catalog above, after the reports) in ${r1(
        seeded.linkMs / 1000,
      )} s: ` +
        `${seeded.link.links} links, ${seeded.link.entities} entities, ${seeded.link.shards.length} shards, ${seeded.link.entitiesForgotten} entity reports forgotten`,
    );
    out(
      `  service statuses: ${Object.entries(seeded.statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; rows: ${Object.entries(seeded.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    out(
      `  largest tables: ${seeded.tables
        .slice(0, 6)
        .map(t => `${t.table} ${r1(t.bytes / 1048576)} MiB`)
        .join(', ')}`,
    );
    out(`  pull_errors columns: ${seeded.pullErrorColumns.join(', ')}`);
    out(
      `  most pull errors: ${seeded.topPullErrorEntities
        .slice(0, 5)
        .map(([n, c]) => `${n} ${c}`)
        .join(', ')}`,
    );
    for (const w of seeded.warnings.slice(0, 10)) out(`  seeder ${w}`);
    if (seeded.counts.pull_errors !== opts.pullErrors)
      sanity.push(
        `pull_errors has ${seeded.counts.pull_errors} rows, not ${opts.pullErrors}`,
      );
    if (seeded.counts.entity_reports !== opts.entities)
      sanity.push(
        `entity_reports has ${seeded.counts.entity_reports} rows, not ${opts.entities}`,
      );
    if (seeded.link.links !== opts.entities)
      sanity.push(
        `the link stored ${seeded.link.links} links, not ${opts.entities}`,
      );
    if (seeded.link.entitiesForgotten !== 0)
      sanity.push(
        `the link forgot ${seeded.link.entitiesForgotten} entity reports`,
      );
    if (
      seeded.counts.entities !== undefined &&
      seeded.counts.entities !== opts.entities
    )
      sanity.push(
        `entities has ${seeded.counts.entities} rows, not ${opts.entities}`,
      );
  }

  // ---- 3. the measured backend
  out('');
  out('3. The backend with the plugin');
  const pluginDb = await pgClient(pg, `${prefix}${PLUGIN}`);
  const one = async (sql, params = []) =>
    (await pluginDb.query(sql, params)).rows[0];
  try {
    const { max: lastSeededRun } = await one(
      'SELECT max(id) AS max FROM audit_runs',
    );
    const logB = join(tmp, 'backend.log');
    const backend = forkChild(bundles.backend, ['--config', configFile], {
      env: {
        ECS_READINESS_BENCH_API_OPTIONS: JSON.stringify({
          ...scenario,
          readiness: true,
        }),
      },
      logFile: logB,
    });
    children.push(backend);
    const ready = await backend.waitFor('ready');
    out(
      `  started in ${r1(ready.startMs / 1000)} s (RSS ${
        ready.rssMiB
      } MiB); its scheduled tasks (the catalog link, the shard audits, the history) wait ${
        never.initialDelay.days
      } days`,
    );
    const { token, identity } = await guestToken(baseUrl);
    out(
      `  token: guest sign-in (POST /api/auth/guest/refresh) as ${identity?.userEntityRef}`,
    );

    // ---- the requests
    const rand = prng(opts.seed * 31 + 7);
    const names = seeded.names;
    const owners = Object.keys(seeded.owners).sort();
    const entityUrl = (name, what) =>
      `${baseUrl}${API}/entities/component/default/${encodeURIComponent(
        name,
      )}/${what}`;
    const statusCounts = new Map();
    const problems = new Map();
    const problem = (route, text) => {
      const list = problems.get(route) ?? [];
      if (list.length < 5) list.push(text);
      problems.set(route, list);
    };
    const routes = {
      readiness: {
        label: 'GET /entities/component/default/<name>/readiness',
        url: () => entityUrl(pick(names), 'readiness'),
        check: (res, url) => {
          const name = decodeURIComponent(url.split('/').slice(-2)[0]);
          if (res.json?.entityRef !== `component:default/${name}`)
            return `entityRef ${res.json?.entityRef}`;
          if (
            !Array.isArray(res.json?.services) ||
            res.json.services.length !== 1
          )
            return `${res.json?.services?.length} services`;
          return undefined;
        },
        rows: res => res.json?.services?.length ?? 0,
      },
      pullErrors: {
        label: 'GET /entities/component/default/<name>/pull-errors',
        url: () => entityUrl(pick(names), 'pull-errors'),
        check: res => {
          const items = res.json?.items;
          if (!Array.isArray(items)) return 'no items';
          if (items.length > 50) return `${items.length} items`;
          if (Array.isArray(res.json.counts)) {
            const inWindow = res.json.counts.reduce((a, c) => a + c.count, 0);
            if (items.length !== Math.min(50, inWindow))
              return `${items.length} items, ${inWindow} counted`;
          } else return 'no counts';
          return undefined;
        },
        rows: res => res.json?.items?.length ?? 0,
      },
      scorecard: {
        label: 'GET /scorecard?owner=group:default/team-<k>&limit=50',
        url: () =>
          `${baseUrl}${API}/scorecard?owner=${encodeURIComponent(
            pick(owners),
          )}&limit=50`,
        check: (res, url) => {
          const owner = decodeURIComponent(/owner=([^&]+)/.exec(url)[1]);
          const expected = seeded.owners[owner];
          const items = res.json?.items;
          if (!Array.isArray(items)) return 'no items';
          if (items.length !== Math.min(50, expected))
            return `${items.length} rows for ${expected} entities`;
          if (res.json.totals?.total !== expected)
            return `totals.total ${res.json.totals?.total}, not ${expected}`;
          if (items.some(i => i.owner !== undefined && i.owner !== owner))
            return 'a row of another owner';
          return undefined;
        },
        rows: res => res.json?.items?.length ?? 0,
      },
      // References, not targets: what any route pays before the plugin's own work.
      catalogEntity: {
        reference: true,
        label: 'GET /api/catalog/entities/by-name/component/default/<name>',
        url: () =>
          `${baseUrl}/api/catalog/entities/by-name/component/default/${encodeURIComponent(
            pick(names),
          )}`,
        check: res => (res.json?.metadata?.name ? undefined : 'no entity'),
        rows: () => 1,
      },
      health: {
        reference: true,
        label: `GET ${API}/health (no token needed)`,
        url: () => `${baseUrl}${API}/health`,
        check: res => (res.json?.status === 'ok' ? undefined : 'not ok'),
        rows: () => 0,
      },
    };
    function pick(list) {
      return list[Math.floor(rand() * list.length)];
    }
    let backgroundCpu = 0;
    const run = async (key, n, concurrency = 1) => {
      const route = routes[key];
      const urls = Array.from({ length: n }, () => route.url());
      const times = [];
      let rows = 0;
      let next = 0;
      const before = await backend.ask('totals', 'totals');
      const t = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < urls.length) {
            const url = urls[next++];
            const res = await request(url, { token });
            times.push(res.ms);
            const sc = statusCounts.get(key) ?? {};
            sc[res.status] = (sc[res.status] ?? 0) + 1;
            statusCounts.set(key, sc);
            if (res.status !== 200) {
              problem(
                key,
                `${res.status} ${url.replace(baseUrl, '')}: ${res.raw.slice(
                  0,
                  160,
                )}`,
              );
              continue;
            }
            const bad = route.check(res, url);
            if (bad) problem(key, `${url.replace(baseUrl, '')}: ${bad}`);
            rows += route.rows(res);
          }
        }),
      );
      const wallMs = performance.now() - t;
      const after = await backend.ask('totals', 'totals');
      return {
        ...stats(times),
        rows,
        wallMs,
        // Per request, means over the pass: the plugin's statements, their time in its
        // database client, and the backend process's CPU time.
        statements: (after.statements - before.statements) / n,
        dbMs: (after.ms - before.ms) / n,
        cpuMs: (after.cpuMs - before.cpuMs - backgroundCpu * wallMs) / n,
      };
    };

    // Availability first: a route not implemented yet is reported, not measured.
    const available = {};
    for (const [key, route] of Object.entries(routes)) {
      const res = await request(route.url(), { token });
      available[key] = res.status === 200;
      if (!available[key])
        out(
          `  ${route.label}: answers ${res.status} (${res.raw
            .slice(0, 120)
            .replace(/\s+/g, ' ')}), not measured`,
        );
    }
    const csvProbe = await request(`${baseUrl}${API}/scorecard.csv`, {
      token,
      text: true,
    });
    available.csv = csvProbe.status === 200;
    if (!available.csv)
      out(
        `  GET /scorecard.csv: answers ${csvProbe.status} (${csvProbe.raw
          .slice(0, 120)
          .replace(/\s+/g, ' ')}), not measured`,
      );

    // The backend's CPU time while no request comes (the scheduler's polls, timers, GC): taken
    // off each pass's CPU time, in proportion to its duration.
    const idle0 = await backend.ask('totals', 'totals');
    const idleT = performance.now();
    await sleep(5000);
    const idle1 = await backend.ask('totals', 'totals');
    backgroundCpu = (idle1.cpuMs - idle0.cpuMs) / (performance.now() - idleT);

    const results = {};
    const load0 = loadavg()[0];
    for (const key of Object.keys(routes)) {
      if (!available[key]) continue;
      await run(key, opts.warmup);
      results[key] = { seq: await run(key, opts.requests) };
      note(`  ${routes[key].label}: p95 ${r1(results[key].seq.p95)} ms`);
    }
    // The entities with the most pull errors: the heaviest summaries, first pages and counts.
    const heavy = seeded.topPullErrorEntities.map(([n]) => n);
    for (const [key, what] of [
      ['readiness', 'readiness'],
      ['pullErrors', 'pull-errors'],
    ]) {
      if (!available[key] || heavy.length === 0) continue;
      const times = [];
      for (let i = 0; i < Math.max(20, heavy.length * 3); i++) {
        const res = await request(entityUrl(heavy[i % heavy.length], what), {
          token,
        });
        if (res.status !== 200)
          problem(key, `${res.status} for a heavy entity`);
        times.push(res.ms);
      }
      results[key].heavy = stats(times);
    }
    let csv;
    if (available.csv) {
      const runs = [];
      let before;
      let csvStart;
      for (let i = 0; i < opts.csvRuns + 1; i++) {
        if (i === 1) {
          before = await backend.ask('totals', 'totals');
          csvStart = performance.now();
        }
        const res = await request(`${baseUrl}${API}/scorecard.csv`, {
          token,
          text: true,
        });
        const lines = res.raw.split(/\r?\n/).filter(l => l.length > 0).length;
        const sc = statusCounts.get('csv') ?? {};
        sc[res.status] = (sc[res.status] ?? 0) + 1;
        statusCounts.set('csv', sc);
        if (res.status !== 200)
          problem('csv', `${res.status}: ${res.raw.slice(0, 160)}`);
        else if (lines !== opts.entities + 1)
          problem('csv', `${lines} lines, not ${opts.entities + 1}`);
        if (!/text\/csv/.test(res.type))
          problem('csv', `content-type ${res.type}`);
        if (i > 0) runs.push({ ms: res.ms, bytes: res.raw.length, lines });
        else csv = { firstMs: res.ms };
      }
      const csvWall = performance.now() - csvStart;
      const after = await backend.ask('totals', 'totals');
      const s = stats(runs.map(r => r.ms));
      csv = {
        ...csv,
        ...s,
        statements: (after.statements - before.statements) / runs.length,
        dbMs: (after.ms - before.ms) / runs.length,
        cpuMs:
          (after.cpuMs - before.cpuMs - backgroundCpu * csvWall) / runs.length,
        bytes: runs[0].bytes,
        lines: runs[0].lines,
        runs: runs.length,
      };
    }
    if (opts.concurrency > 1) {
      for (const key of Object.keys(routes)) {
        if (!available[key] || routes[key].reference) continue;
        results[key].conc = await run(key, opts.requests, opts.concurrency);
      }
    }
    const load1 = loadavg()[0];

    // ---- the SQL of one request of each route, EXPLAINed
    const recorded = [];
    const record = async (label, url) => {
      await backend.ask('record', 'recording');
      const res = await request(url, { token, text: url.endsWith('.csv') });
      const { queries } = await backend.ask('recorded', 'recorded');
      recorded.push({ label, url, status: res.status, ms: res.ms, queries });
    };
    const sample = names[Math.floor(names.length / 3)];
    const heaviest = seeded.topPullErrorEntities[0]?.[0] ?? sample;
    await record('readiness', entityUrl(sample, 'readiness'));
    if (available.pullErrors) {
      await record('pull-errors', entityUrl(sample, 'pull-errors'));
      await record(
        `pull-errors (${heaviest}, the most pull errors)`,
        entityUrl(heaviest, 'pull-errors'),
      );
    }
    if (available.scorecard)
      await record(
        'scorecard',
        `${baseUrl}${API}/scorecard?owner=${encodeURIComponent(
          owners[0],
        )}&limit=50`,
      );
    if (available.csv)
      await record('scorecard.csv', `${baseUrl}${API}/scorecard.csv`);

    await backend.stop();
    const after = await one(
      `SELECT (SELECT count(*) FROM entity_reports)::int AS reports,
              (SELECT count(*) FROM audit_runs WHERE id > $1)::int AS runs,
              (SELECT count(*) FROM pull_errors)::int AS pull_errors`,
      [lastSeededRun],
    );
    if (after.runs !== 0)
      sanity.push(`${after.runs} audit runs started while measuring`);
    if (after.reports !== opts.entities)
      sanity.push(
        `${after.reports} entity reports after the measurement, not ${opts.entities}`,
      );

    // ---- output
    out('');
    out(
      `Requests: ${opts.warmup} warm-up then ${opts.requests} sequential per route, random entities / owners, one keep-alive client with a guest token` +
        ` (load average ${r2(load0)} before, ${r2(load1)} after, ${
          cpus().length
        } cores)`,
    );
    const head = `${padEnd('route', 60)}${pad('n', 6)}${pad('p50', 8)}${pad(
      'p95',
      8,
    )}${pad('p99', 8)}${pad('max', 8)}${pad('rows', 9)}${pad('stmts', 7)}${pad(
      'db ms',
      8,
    )}${pad('cpu ms', 8)}`;
    out(head);
    out('-'.repeat(head.length));
    const line = (label, s, rows) =>
      out(
        `${padEnd(label, 60)}${pad(s.n, 6)}${pad(r1(s.p50), 8)}${pad(
          r1(s.p95),
          8,
        )}${pad(r1(s.p99), 8)}${pad(r1(s.max), 8)}${pad(rows ?? '', 9)}${pad(
          s.statements === undefined ? '' : r1(s.statements),
          7,
        )}${pad(s.dbMs === undefined ? '' : r1(s.dbMs), 8)}${pad(
          s.cpuMs === undefined ? '' : r1(s.cpuMs),
          8,
        )}`,
      );
    const routeLines = key => {
      const route = routes[key];
      const r = results[key];
      if (!r) {
        out(
          `${padEnd(
            route.label,
            60,
          )}  not measured: the route does not answer 200 yet`,
        );
        return;
      }
      line(route.label, r.seq, route.reference ? '' : r.seq.rows);
      if (r.heavy)
        line(
          `  the ${heavy.length} entities with the most pull errors`,
          r.heavy,
        );
      if (r.conc)
        line(
          `  ${opts.concurrency} in flight (${r1(
            (r.conc.n / r.conc.wallMs) * 1000,
          )} req/s)`,
          r.conc,
          r.conc.rows,
        );
    };
    for (const key of Object.keys(routes))
      if (!routes[key].reference) routeLines(key);
    if (csv)
      out(
        `${padEnd('GET /scorecard.csv (all rows)', 60)}${pad(csv.n, 6)}${pad(
          r1(csv.p50),
          8,
        )}${pad(r1(csv.p95), 8)}${pad('', 8)}${pad(r1(csv.max), 8)}${pad(
          csv.lines,
          9,
        )}${pad(r1(csv.statements), 7)}${pad(r1(csv.dbMs), 8)}${pad(
          r1(csv.cpuMs),
          8,
        )}  first ${r1(csv.firstMs)} ms, ${r1(csv.bytes / 1024)} KiB`,
      );
    else
      out(
        `${padEnd(
          'GET /scorecard.csv (all rows)',
          60,
        )}  not measured: the route does not answer 200 yet`,
      );
    out(
      'references, not targets (what a request costs before the plugin does anything):',
    );
    for (const key of Object.keys(routes))
      if (routes[key].reference) routeLines(key);
    out(
      "times in ms, from sending the request to the last byte of the body; per request (means): stmts, the plugin's SQL statements; db ms, their time in its database client (they may overlap); " +
        `cpu ms, the backend process's CPU time (all its work, the catalog's and the auth checks' included), less its CPU time when idle (${r1(
          backgroundCpu * 1000,
        )} ms a second)`,
    );
    out(
      `statuses: ${[...statusCounts]
        .map(
          ([k, v]) =>
            `${k} ${Object.entries(v)
              .map(([s, n]) => `${s}x${n}`)
              .join(' ')}`,
        )
        .join('; ')}`,
    );
    for (const [key, list] of problems)
      for (const p of list) out(`  problem (${key}): ${p}`);

    // Plans
    out('');
    out(
      'Query plans: the SQL the plugin sent for one request of each route (recorded from its database client), EXPLAIN (ANALYZE, BUFFERS)',
    );
    const relied = new Map();
    for (const r of recorded) {
      const ours = r.queries.filter(q => EXPLAINED_TABLES.test(q.sql));
      const dbMs = ours.reduce((a, q) => a + (q.ms ?? 0), 0);
      out('');
      out(
        `== ${r.label}: ${r.status}, ${r1(r.ms)} ms; ${
          ours.length
        } statements, ${r1(dbMs)} ms in the database client`,
      );
      const shapes = new Map();
      for (const q of ours) {
        const shape = q.sql.replace(/\$\d+(\s*,\s*\$\d+)*/g, '$n');
        const s = shapes.get(shape) ?? { q, count: 0, ms: 0 };
        s.count += 1;
        s.ms += q.ms ?? 0;
        shapes.set(shape, s);
      }
      for (const s of shapes.values()) {
        const sqlText =
          s.q.sql.length > 600 ? `${s.q.sql.slice(0, 600)}…` : s.q.sql;
        out(
          `-- ${s.count > 1 ? `${s.count} statements like this one, ` : ''}${r1(
            s.ms,
          )} ms in all${
            s.q.rows !== undefined ? `, ${s.q.rows} rows (the first)` : ''
          }`,
        );
        out(`   ${sqlText.replace(/\s+/g, ' ')}`);
        if (!/^\s*(select|with)\b/i.test(s.q.sql)) continue;
        try {
          const { rows } = await pluginDb.query(
            `EXPLAIN (ANALYZE, BUFFERS) ${s.q.sql}`,
            s.q.bindings,
          );
          const planLines = rows.map(x => x['QUERY PLAN']);
          for (const l of planLines) out(`     ${l}`);
          const paths = accessPaths(planLines);
          out(`   => ${paths.join(', ') || 'no table access'}`);
          const key = r.label.split(' ')[0];
          relied.set(key, [...new Set([...(relied.get(key) ?? []), ...paths])]);
        } catch (e) {
          out(`   (EXPLAIN failed: ${e.message})`);
        }
      }
    }
    out('');
    out('Access paths by route:');
    for (const [k, v] of relied) out(`  ${padEnd(k, 14)} ${v.join(', ')}`);

    // ---- targets
    out('');
    out('Targets (issue 12)');
    const checks = [];
    const target = (ok, text) => {
      checks.push(ok);
      out(`  ${verdict(ok)}  ${text}`);
    };
    const p95 = key => (results[key] ? results[key].seq.p95 : undefined);
    const ms = x => (x === undefined ? 'not measured' : `${r1(x)} ms`);
    target(
      p95('readiness') === undefined
        ? undefined
        : p95('readiness') <= TARGETS.readinessP95Ms,
      `readiness p95 ${ms(p95('readiness'))} <= ${TARGETS.readinessP95Ms} ms`,
    );
    target(
      p95('pullErrors') === undefined
        ? undefined
        : p95('pullErrors') <= TARGETS.pullErrorsP95Ms,
      `pull-errors (first page) p95 ${ms(p95('pullErrors'))} <= ${
        TARGETS.pullErrorsP95Ms
      } ms`,
    );
    target(
      p95('scorecard') === undefined
        ? undefined
        : p95('scorecard') <= TARGETS.scorecardP95Ms,
      `scorecard (50 rows, by owner) p95 ${ms(p95('scorecard'))} <= ${
        TARGETS.scorecardP95Ms
      } ms`,
    );
    target(
      csv ? csv.max / 1000 <= TARGETS.csvSeconds : undefined,
      `scorecard.csv of all ${opts.entities} rows ${
        csv ? `${r2(csv.max / 1000)} s (slowest of ${csv.n})` : 'not measured'
      } <= ${TARGETS.csvSeconds} s`,
    );
    for (const [key, sc] of statusCounts) {
      const non200 = Object.entries(sc).filter(([s]) => s !== '200');
      if (non200.length)
        target(
          false,
          `sanity: ${key}: ${non200
            .map(([s, n]) => `${n} answers ${s}`)
            .join(', ')}`,
        );
    }
    for (const [key, list] of problems)
      if (list.some(p => !/^\d{3} /.test(p)))
        target(
          false,
          `sanity: ${key}: ${list.filter(p => !/^\d{3} /.test(p))[0]}`,
        );
    for (const s of sanity) target(false, `sanity: ${s}`);
    const unavailable = Object.entries(available).filter(([, v]) => !v);
    if (unavailable.length)
      out(`  (not implemented yet: ${unavailable.map(([k]) => k).join(', ')})`);
    out(`total run ${r1((performance.now() - wallStart) / 1000)} s`);

    out(
      JSON.stringify({
        readinessP95Ms: results.readiness
          ? r1(results.readiness.seq.p95)
          : null,
        pullErrorsP95Ms: results.pullErrors
          ? r1(results.pullErrors.seq.p95)
          : null,
        scorecardP95Ms: results.scorecard
          ? r1(results.scorecard.seq.p95)
          : null,
        csvSeconds: csv ? r2(csv.max / 1000) : null,
        entities: opts.entities,
        pullErrorRows: seeded.counts.pull_errors,
      }),
    );
    const failed =
      checks.some(c => c === false) || checks.some(c => c === undefined);
    return opts.strict && failed ? 1 : 0;
  } finally {
    await pluginDb.end().catch(() => {});
  }
}

main().then(
  code => {
    process.exitCode = code;
  },
  error => {
    console.error(
      `bench-api: ${
        error && error.stack && !(error instanceof BenchError)
          ? error.stack
          : error.message ?? error
      }`,
    );
    process.exitCode = 2;
  },
);
