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

// The seeder of `yarn bench:api` (scripts/lib/bench/api.mjs forks it, bundled into
// .tools/bench/api-seed.cjs): fills the plugin's PostgreSQL database as 30 days of audits
// would have, for the scenario's entities (api-scenario.ts), before the measured backend starts.
//
// - The database comes from Backstage's DatabaseManager as the backend gets it (the plugin's
//   `<prefix>ecs-deploy-readiness` database), migrated by DatabaseReadinessStore.create.
// - Audit runs, service and entity reports and the status history are written through the
//   store (upsertServiceReports / upsertEntityReports with auditRunId, startAuditRun /
//   finishAuditRun) with its clock set to each moment: every 30 minutes a link run and one run
//   per shard; the first shard runs write every report, and once a day 3% of the services draw
//   a new status from the same mix (so the mix holds and the status history has a 30-day trend).
// - The links and the entities' catalog view: the plugin's own catalog link (AuditRunner.link)
//   over the real catalog of the running backend, after the reports, so that it would forget
//   any report of an entity it does not find (none may be).
// - Pull errors: one per (service, category) through `addPullErrors` (the store classifies
//   nothing: `classified` is the common classifier's output for a message of that category and
//   that service's image), then copied inside PostgreSQL (INSERT ... SELECT with
//   generate_series) to their count, each copy with its own task ARN and time: whatever columns
//   the store writes, the copies carry the same.
// - VACUUM (ANALYZE) at the end.

import { performance } from 'node:perf_hooks';
import type {
  AuthService,
  DatabaseService,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { classifyPullError } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { Knex } from 'knex';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuditRunner } from '../../../plugins/ecs-deploy-readiness-backend/src/audit/AuditRunner';
import { rollupEntity } from '../../../plugins/ecs-deploy-readiness-backend/src/audit/report';
import { AwsClients } from '../../../plugins/ecs-deploy-readiness-backend/src/aws/AwsClients';
import { readReadinessConfig } from '../../../plugins/ecs-deploy-readiness-backend/src/config';
import { DatabaseReadinessStore } from '../../../plugins/ecs-deploy-readiness-backend/src/store/DatabaseReadinessStore';
import {
  ACCOUNTS,
  BLOCKING,
  type BenchService,
  detailsFor,
  drawStatus,
  findingsFor,
  pick,
  prng,
  REGIONS,
  type ServiceStatus,
  services as scenarioServices,
} from './api-scenario';

interface SeedOptions {
  /** The backend's app config (database, AWS accounts, the plugin's section). */
  config: JsonObject;
  /** The running backend whose catalog the link reads. */
  catalogBaseUrl: string;
  /** A user token for it. */
  token: string;
  entities: number;
  pullErrors: number;
  seed: number;
  /** Days of history (audit runs, status changes). */
  days: number;
  /** Minutes between audits. */
  everyMinutes: number;
  /** Pull errors are spread over the last this many days (the retention is 90). */
  pullErrorDays: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as SeedOptions;
const send = (message: unknown) =>
  new Promise<void>(resolve => {
    if (!process.send) resolve();
    else process.send(message, () => resolve());
  });
const progress = (text: string) => send({ type: 'progress', text });

const warnings: string[] = [];
const logger: LoggerService = {
  error: m => void warnings.push(`error: ${m}`),
  warn: m => void warnings.push(`warn: ${m}`),
  info: () => {},
  debug: () => {},
  child: () => logger,
} as LoggerService;
const lifecycle = {
  addStartupHook() {},
  addShutdownHook() {},
} as unknown as LifecycleService;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

// ---------------------------------------------------------------------------------------------
// Pull-error messages, in the shapes ECS writes them (see the common package's real-message
// fixtures), for one service's image.

type Template = {
  category: string;
  container?: 'app' | 'log-router';
  message: (s: BenchService, rand: () => number) => string;
};

const hex = (rand: () => number, n: number) => {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(rand() * 16).toString(16);
  return out;
};

function parts(s: BenchService) {
  const [ref, tag] = s.image.split(/:(?=[^/:]+$)/);
  const registry = ref.slice(0, ref.indexOf('/'));
  const repository = ref.slice(ref.indexOf('/') + 1);
  return { ref, tag, registry, repository };
}

const TEMPLATES: Record<string, Template> = {
  'platform-mismatch': {
    category: 'platform-mismatch',
    container: 'app',
    message: () =>
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
  },
  'manifest-unknown-tag': {
    category: 'manifest-unknown-tag',
    container: 'app',
    message: s =>
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${s.image}: ${s.image}: not found`,
  },
  'manifest-unknown-digest-deleted': {
    category: 'manifest-unknown-digest-deleted',
    container: 'app',
    message: (s, rand) => {
      const { ref } = parts(s);
      const d = `sha256:${hex(rand, 64)}`;
      return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref}@${d}: ${ref}@${d}: not found`;
    },
  },
  'mixed-compression': {
    category: 'mixed-compression',
    container: 'app',
    message: (_s, rand) =>
      `CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer sha256:${hex(
        rand,
        64,
      )}: failed to get stream processor for application/vnd.docker.image.rootfs.diff.tar.zstd: no processor for media-type: unknown`,
  },
  'repository-not-found': {
    category: 'repository-not-found',
    container: 'app',
    message: s => {
      const { ref, repository } = parts(s);
      return `CannotPullContainerError: Error response from daemon: pull access denied for ${ref}, repository does not exist or may require 'docker login': denied: The repository with name '${repository}' does not exist in the registry with id '${s.accountId}'`;
    },
  },
  'access-denied-iam': {
    category: 'access-denied-iam',
    container: 'app',
    message: s => {
      const { tag, registry } = parts(s);
      return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${s.image}: pulling from host ${registry} failed with status code [manifests ${tag}]: 403 Forbidden`;
    },
  },
  'ecr-auth-network': {
    category: 'ecr-auth-network',
    message: s =>
      `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.${s.region}.amazonaws.com/": dial tcp 52.46.145.12:443: i/o timeout. Please check your task network configuration.`,
  },
  'registry-network-timeout': {
    category: 'registry-network-timeout',
    container: 'app',
    message: s => {
      const { tag, registry, repository } = parts(s);
      return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${s.image}: failed to do request: Head "https://${registry}/v2/${repository}/manifests/${tag}": context deadline exceeded`;
    },
  },
  'rate-limited': {
    category: 'rate-limited',
    container: 'log-router',
    message: (_s, rand) =>
      `CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/amazon/aws-for-fluent-bit/manifests/sha256:${hex(
        rand,
        64,
      )}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`,
  },
  'disk-space': {
    category: 'disk-space',
    container: 'app',
    message: (_s, rand) =>
      `CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer sha256:${hex(
        rand,
        64,
      )}: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/42/fs/app.jar: no space left on device: unknown`,
  },
  'kms-or-secrets': {
    category: 'kms-or-secrets',
    message: s =>
      `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:${s.region}:${s.accountId}:secret:${s.name}/db-AbCdEf from secrets manager: AccessDeniedException: Access to KMS is not allowed`,
  },
  'image-too-large-or-timeout': {
    category: 'image-too-large-or-timeout',
    container: 'app',
    message: () =>
      'DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s',
  },
};

/** Causes of pull failures unrelated to a blocking finding, with their weights. */
const INCIDENTAL: Array<[string, number]> = [
  ['registry-network-timeout', 0.25],
  ['ecr-auth-network', 0.2],
  ['rate-limited', 0.15],
  ['access-denied-iam', 0.1],
  ['kms-or-secrets', 0.1],
  ['image-too-large-or-timeout', 0.1],
  ['disk-space', 0.05],
  ['manifest-unknown-tag', 0.05],
];

function incidental(rand: () => number, s: BenchService): string {
  let x = rand();
  for (const [category, w] of INCIDENTAL) {
    if (x < w) {
      return category === 'rate-limited' && !s.sidecarImage
        ? 'registry-network-timeout'
        : category;
    }
    x -= w;
  }
  return 'registry-network-timeout';
}

/** A weight from a log-normal distribution (median 1). */
function lognormal(rand: () => number, sigma: number) {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.exp(
    sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v),
  );
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = performance.now();
  const rand = prng(options.seed * 7919 + 1);
  const config = new ConfigReader(options.config);
  const database: DatabaseService = DatabaseManager.fromConfig(
    config,
  ).forPlugin('ecs-deploy-readiness', { logger, lifecycle });
  const knex: Knex = await database.getClient();
  let clockMs = Date.now();
  const realNow = clockMs;
  const migrateStart = performance.now();
  const store = await DatabaseReadinessStore.create({
    database,
    logger,
    clock: () => new Date(clockMs),
  });
  const migrateMs = performance.now() - migrateStart;
  const migrations = (
    await knex('knex_migrations').select('name').orderBy('id')
  ).map((r: { name: string }) => r.name);
  await progress(
    `plugin database migrated in ${Math.round(migrateMs)} ms: ${migrations.join(
      ', ',
    )}`,
  );

  const services = scenarioServices(options);
  const byShard = new Map<string, BenchService[]>();
  for (const s of services) {
    const key = `${s.accountId}/${s.region}`;
    byShard.set(key, [...(byShard.get(key) ?? []), s]);
  }
  const shards = [...byShard.keys()].sort();

  // ---- 30 days of audits: runs every `everyMinutes`, reports and status changes.
  const phase = performance.now();
  const status = new Map<string, ServiceStatus>();
  const blockingKind = new Map<string, (typeof BLOCKING)[number]>();
  const taskDefinitionOf = new Map<string, string>();
  const step = options.everyMinutes * MINUTE;
  const end = realNow - 5 * MINUTE;
  const start = Math.floor((end - options.days * DAY) / step) * step;
  let runs = 0;
  let reportWrites = 0;
  let changes = 0;
  const writeReports = async (
    shard: string,
    changed: BenchService[],
    runId: number,
  ) => {
    if (changed.length === 0) return;
    const at = new Date(clockMs).toISOString();
    const reports = changed.map(s => {
      const st = status.get(s.serviceArn)!;
      const details = detailsFor(s, st, rand, at);
      taskDefinitionOf.set(s.serviceArn, details.taskDefinitionArn);
      return {
        report: {
          serviceArn: s.serviceArn,
          accountId: s.accountId,
          region: s.region,
          clusterArn: s.clusterArn,
          status: st,
          findings: findingsFor(s, st, rand, blockingKind.get(s.serviceArn)!),
          details: details as unknown as JsonObject,
        },
      };
    });
    await store.upsertServiceReports(reports, { auditRunId: runId });
    await store.upsertEntityReports(
      changed.map(s => ({
        report: rollupEntity({
          entityRef: s.entityRef,
          serviceArns: [s.serviceArn],
          statuses: new Map([[s.serviceArn, status.get(s.serviceArn)!]]),
          findings: [],
        }),
      })),
      { auditRunId: runId },
    );
    reportWrites += changed.length;
    void shard;
  };
  const slots = Math.floor((end - start) / step);
  for (let slot = 0; slot <= slots; slot++) {
    const slotAt = start + slot * step;
    clockMs = slotAt;
    const linkId = await store.startAuditRun({ trigger: 'link' });
    clockMs = slotAt + 12_000;
    await store.finishAuditRun(linkId, {
      status: 'succeeded',
      servicesAudited: 0,
      entitiesAudited: services.length,
      callsByApi: {},
      cacheHits: 0,
      cacheMisses: 0,
      errorsByAccount: {},
    });
    runs += 1;
    // Once a day (every 24 hours from the first run), some services change; by slot, not by
    // the clock, so that the same seed gives the same data whenever it runs.
    const changeNow = slot % Math.round(DAY / step) === 0;
    for (const [k, shard] of shards.entries()) {
      const [accountId, region] = shard.split('/');
      clockMs = slotAt + 15_000 + k * 2_000;
      const runId = await store.startAuditRun({
        trigger: 'schedule',
        shard: { accountId, region },
      });
      const shardServices = byShard.get(shard)!;
      let changed: BenchService[] = [];
      if (slot === 0) {
        for (const s of shardServices) {
          status.set(s.serviceArn, drawStatus(rand));
          blockingKind.set(s.serviceArn, pick(rand, BLOCKING));
        }
        changed = shardServices;
      } else if (changeNow) {
        for (const s of shardServices) {
          if (rand() >= 0.03) continue;
          const next = drawStatus(rand);
          if (next === status.get(s.serviceArn)) continue;
          status.set(s.serviceArn, next);
          if (next === 'blocked')
            blockingKind.set(s.serviceArn, pick(rand, BLOCKING));
          changed.push(s);
        }
        changes += changed.length;
      }
      clockMs = slotAt + 20_000 + k * 2_000 + Math.floor(rand() * 30_000);
      await writeReports(shard, changed, runId);
      const ecsCalls = Math.ceil(shardServices.length / 10);
      await store.finishAuditRun(runId, {
        status: 'succeeded',
        servicesAudited: shardServices.length,
        entitiesAudited: shardServices.length,
        callsByApi: {
          'ecs:DescribeServices': ecsCalls,
          'ecs:ListTasks': shardServices.length,
          'ecs:DescribeTasks': Math.ceil((shardServices.length * 3) / 100),
          'ecr:BatchGetImage': shardServices.length,
          'ecr:DescribeImages': shardServices.length,
        },
        cacheHits: shardServices.length * 4,
        cacheMisses: slot === 0 ? shardServices.length * 4 : 3,
        errorsByAccount: {},
      });
      runs += 1;
    }
    if (slot % 480 === 0) {
      await progress(
        `  audits: day ${Math.floor((slotAt - start) / DAY)} of ${
          options.days
        }, ${runs} runs`,
      );
    }
  }
  clockMs = Date.now();
  const historyMs = performance.now() - phase;
  await progress(
    `audit history written in ${(historyMs / 1000).toFixed(
      1,
    )} s: ${runs} runs, ${reportWrites} report writes, ${changes} status changes`,
  );

  // ---- the catalog link: the plugin's own (AuditRunner.link), over the real catalog, which
  // stores the links and the entities' catalog view and forgets the reports of entities it
  // does not find: every seeded report must survive it.
  const linkStart = performance.now();
  const { CatalogClient } = await import('@backstage/catalog-client');
  const catalogClient = new CatalogClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `${options.catalogBaseUrl}/api/${pluginId}`,
    },
  }) as any;
  // The catalog service as the plugin gets it, with a user token instead of the plugin's
  // service credentials (the allow-all policy lets both read every entity).
  const catalog = new Proxy(
    {},
    {
      get: (_t, method: string) =>
        typeof catalogClient[method] === 'function'
          ? (request: unknown) =>
              catalogClient[method](request, { token: options.token })
          : undefined,
    },
  ) as unknown as CatalogService;
  const readinessConfig = readReadinessConfig(config);
  const runner = AuditRunner.create({
    store,
    catalog,
    auth: {
      getOwnServiceCredentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'service', subject: 'plugin:ecs-deploy-readiness' },
      }),
    } as unknown as AuthService,
    logger,
    clients: AwsClients.create({ config, logger }),
    config: readinessConfig,
  });
  const link = await runner.link();
  const linkMs = performance.now() - linkStart;
  await progress(
    `catalog link (AuditRunner.link over the real catalog) in ${Math.round(
      linkMs,
    )} ms: ${link.links} links, ${link.entities} entities, ${
      link.shards.length
    } shards, ${link.entitiesForgotten} entity reports forgotten`,
  );

  // ---- pull errors
  const peStart = performance.now();
  const weights = services.map(s => {
    const st = status.get(s.serviceArn)!;
    const base =
      st === 'blocked'
        ? 20
        : st === 'at-risk'
        ? 2
        : st === 'unverifiable'
        ? 3
        : 0.5;
    return base * lognormal(rand, 1);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map(w => Math.floor((options.pullErrors * w) / total));
  let rest = options.pullErrors - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i] += 1;

  interface Group {
    service: BenchService;
    category: string;
    count: number;
    /** 1: uniform over the window; >1: denser towards now. */
    skew: number;
  }
  const groups: Group[] = [];
  services.forEach((s, i) => {
    let n = counts[i];
    if (n === 0) return;
    const st = status.get(s.serviceArn)!;
    const split: Array<[string, number]> = [];
    if (st === 'blocked') {
      const primary = blockingKind.get(s.serviceArn)!.category;
      const main = Math.max(1, Math.round(n * 0.75));
      split.push([primary, main]);
      n -= main;
    }
    while (n > 0) {
      const part =
        split.length >= 2
          ? n
          : Math.max(1, Math.round(n * (0.4 + rand() * 0.6)));
      split.push([incidental(rand, s), part]);
      n -= part;
    }
    const merged = new Map<string, number>();
    for (const [c, k] of split) merged.set(c, (merged.get(c) ?? 0) + k);
    for (const [category, count] of merged) {
      groups.push({
        service: s,
        category,
        count,
        skew:
          st === 'blocked' && category !== 'registry-network-timeout' ? 2 : 1,
      });
    }
  });

  // The first of each group through the store.
  const windowMs = options.pullErrorDays * DAY;
  const occurred = (skew: number) =>
    new Date(
      realNow - MINUTE - windowMs * Math.pow(rand(), skew),
    ).toISOString();
  const classifiedCategories = new Map<string, number>();
  const inputs = groups.map(g => {
    const template = TEMPLATES[g.category];
    const message = template.message(g.service, rand);
    const classified = classifyPullError(message);
    classifiedCategories.set(
      `${g.category}->${classified.category}`,
      (classifiedCategories.get(`${g.category}->${classified.category}`) ?? 0) +
        1,
    );
    const container = template.container;
    return {
      taskArn: `arn:aws:ecs:${g.service.region}:${g.service.accountId}:task/${
        g.service.cluster
      }/${hex(rand, 32)}`,
      ...(container && { container }),
      serviceArn: g.service.serviceArn,
      accountId: g.service.accountId,
      region: g.service.region,
      message,
      classified,
      ...(container && {
        image:
          container === 'log-router'
            ? g.service.sidecarImage ?? g.service.image
            : g.service.image,
      }),
      taskDefinitionArn: taskDefinitionOf.get(g.service.serviceArn),
      occurredAt: occurred(g.skew),
    };
  });
  clockMs = Date.now();
  for (let i = 0; i < inputs.length; i += 2000) {
    await store.addPullErrors(inputs.slice(i, i + 2000));
  }
  const mismatched = [...classifiedCategories].filter(([k]) => {
    const [a, b] = k.split('->');
    return a !== b;
  });
  await progress(
    `  ${
      inputs.length
    } pull errors through the store (one per service and category) in ${Math.round(
      performance.now() - peStart,
    )} ms${
      mismatched.length
        ? `; classified otherwise: ${mismatched
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`
        : ''
    }`,
  );

  // Their copies, inside PostgreSQL: the template's every column but the key, the task ARN
  // (its task id replaced) and the times.
  const columns = (
    await knex('information_schema.columns')
      .where('table_name', 'pull_errors')
      .andWhereRaw('table_schema = current_schema()')
      .orderBy('ordinal_position')
      .select('column_name', 'data_type')
  ).map((r: { column_name: string; data_type: string }) => r);
  const own = new Set(['id', 'task_arn', 'occurred_at', 'recorded_at']);
  const copied = columns
    .filter(c => !own.has(c.column_name))
    .map(c => c.column_name);
  const derived = copied.filter(c => /day|date|_at$/i.test(c));
  if (derived.length) {
    warnings.push(
      `pull_errors columns copied from the template that may depend on the time: ${derived.join(
        ', ',
      )}`,
    );
  }
  const templateRows = (await knex('pull_errors')
    .select('id', 'task_arn')
    .orderBy('id')) as Array<{ id: number; task_arn: string }>;
  const idOf = new Map(templateRows.map(r => [r.task_arn, Number(r.id)]));
  const work = groups
    .map((g, i) => ({
      id: idOf.get(inputs[i].taskArn)!,
      n: g.count,
      skew: g.skew,
    }))
    .filter(w => w.id !== undefined && w.n > 1);
  const q = (c: string) => `"${c.replace(/"/g, '""')}"`;
  const ts = (expr: string) =>
    `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const sql = `
    INSERT INTO pull_errors (task_arn, occurred_at, recorded_at${copied
      .map(c => `, ${q(c)}`)
      .join('')})
    SELECT regexp_replace(t.task_arn, '[^/]+$', md5(t.id::text || '-' || g::text)),
           ${ts('x.at')}, ${ts("x.at + interval '1 second' * x.delay")}${copied
    .map(c => `, t.${q(c)}`)
    .join('')}
    FROM unnest(?::int[], ?::int[], ?::float8[]) AS w(id, n, skew)
    JOIN pull_errors t ON t.id = w.id
    CROSS JOIN LATERAL generate_series(2, w.n) AS g
    CROSS JOIN LATERAL (
      SELECT now() - interval '1 minute'
               - interval '1 millisecond' * (${windowMs}::float8 * power(random() + 0 * g, w.skew)) AS at,
             30 + 270 * random() AS delay
    ) AS x`;
  let copiedRows = 0;
  await knex.transaction(async tx => {
    await tx.raw('SELECT setseed(?)', [((options.seed % 1000) + 1) / 1001]);
    let batch: typeof work = [];
    let batchRows = 0;
    const flush = async () => {
      if (!batch.length) return;
      const result = await tx.raw(sql, [
        batch.map(w => w.id),
        batch.map(w => w.n),
        batch.map(w => w.skew),
      ]);
      copiedRows += result.rowCount ?? 0;
      batch = [];
      batchRows = 0;
      await progress(
        `  copies: ${copiedRows + inputs.length} of ${
          options.pullErrors
        } pull errors (${((performance.now() - peStart) / 1000).toFixed(1)} s)`,
      );
    };
    for (const w of work) {
      batch.push(w);
      batchRows += w.n - 1;
      if (batchRows >= 100_000) await flush();
    }
    await flush();
  });
  const pullErrorsMs = performance.now() - peStart;

  const vacuumStart = performance.now();
  await knex.raw('VACUUM (ANALYZE)');
  const vacuumMs = performance.now() - vacuumStart;

  // ---- what the parent needs to know
  const tables = (
    await knex.raw(
      `SELECT c.relname AS table, c.reltuples::bigint AS rows,
              pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname = current_schema()
       ORDER BY pg_total_relation_size(c.oid) DESC`,
    )
  ).rows as Array<{ table: string; rows: string; bytes: string }>;
  const exact: Record<string, number> = {};
  for (const t of [
    'service_reports',
    'entity_reports',
    'entity_services',
    'links',
    'entities',
    'status_history',
    'audit_runs',
    'pull_errors',
  ]) {
    if (!tables.some(r => r.table === t)) continue;
    const [{ n }] = await knex(t).count({ n: '*' });
    exact[t] = Number(n);
  }
  const perService = new Map<string, number>();
  groups.forEach(g =>
    perService.set(
      g.service.name,
      (perService.get(g.service.name) ?? 0) + g.count,
    ),
  );
  const top = [...perService].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const owners: Record<string, number> = {};
  for (const s of services) owners[s.owner] = (owners[s.owner] ?? 0) + 1;
  const statuses: Record<string, number> = {};
  for (const st of status.values()) statuses[st] = (statuses[st] ?? 0) + 1;

  await knex.destroy();
  await send({
    type: 'done',
    ms: Math.round(performance.now() - t0),
    migrateMs: Math.round(migrateMs),
    linkMs: Math.round(linkMs),
    link,
    historyMs: Math.round(historyMs),
    pullErrorsMs: Math.round(pullErrorsMs),
    vacuumMs: Math.round(vacuumMs),
    migrations,
    runs,
    reportWrites,
    changes,
    templates: inputs.length,
    pullErrorColumns: columns.map(c => c.column_name),
    tables: tables.map(t => ({
      ...t,
      rows: Number(t.rows),
      bytes: Number(t.bytes),
    })),
    counts: exact,
    names: services.map(s => s.name),
    owners,
    statuses,
    shards: shards.length,
    accounts: ACCOUNTS.length,
    regions: REGIONS.length,
    topPullErrorEntities: top,
    warnings,
  });
  process.exit(0);
}

main().catch(async error => {
  await send({ type: 'error', error: error?.stack ?? String(error) });
  process.exit(2);
});
