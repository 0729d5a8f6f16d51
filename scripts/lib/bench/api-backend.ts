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

// The backend of `yarn bench:api` (scripts/lib/bench/api.mjs forks it, bundled into
// .tools/bench/api-backend.cjs): a real Backstage backend from `createBackend()` with the
// catalog, guest auth, the permission framework (allow-all policy) and, unless asked not to,
// the ECS deploy readiness plugin, configured by the file given with `--config`.
//
// Two bench modules ride along:
// - `catalog.bench-api-entities`: an entity provider that applies the scenario's entities
//   (api-scenario.ts) as one full mutation;
// - `ecs-deploy-readiness.bench-sql`: records the SQL that the plugin's own database client runs
//   while the parent asks it to (one request at a time), so the parent can EXPLAIN exactly the
//   statements the store issues, and counts every statement and its time (with the process's
//   CPU time, for the parent's per-request figures). It only listens to knex's `query` events;
//   it changes nothing of the plugin.
//
// Options come as JSON in ECS_READINESS_BENCH_API_OPTIONS: { entities, seed, readiness }.

import { performance } from 'node:perf_hooks';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
  type EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { catalogEntities, LOCATION } from './api-scenario';

interface BackendOptions {
  entities: number;
  seed: number;
  /** Add the ECS deploy readiness plugin (and the SQL recorder). */
  readiness: boolean;
}

const options = JSON.parse(
  process.env.ECS_READINESS_BENCH_API_OPTIONS ?? '{}',
) as BackendOptions;

const send = (message: unknown) =>
  new Promise<void>(resolve => {
    if (!process.send) resolve();
    else process.send(message, () => resolve());
  });

class BenchEntityProvider implements EntityProvider {
  getProviderName() {
    return 'bench-api-entities';
  }

  async connect(connection: EntityProviderConnection) {
    const t0 = performance.now();
    const entities = catalogEntities(options);
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: LOCATION })),
    });
    await send({
      type: 'provider',
      entities: entities.length,
      ms: Math.round(performance.now() - t0),
    });
  }
}

const benchEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'bench-api-entities',
  register(env) {
    env.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addEntityProvider(new BenchEntityProvider());
      },
    });
  },
});

interface Recorded {
  sql: string;
  bindings: unknown[];
  ms?: number;
  rows?: number;
  error?: string;
}

let recording: Recorded[] | undefined;
/** Statements on the plugin's tables and their time, since the start: every request's. */
const totals = { statements: 0, ms: 0 };

const benchSql = createBackendModule({
  pluginId: 'ecs-deploy-readiness',
  moduleId: 'bench-sql',
  register(env) {
    env.registerInit({
      deps: { database: coreServices.database },
      async init({ database }) {
        // The plugin's own client: the database service caches one per plugin.
        const knex = await database.getClient();
        const started = new Map<string, { t: number; entry?: Recorded }>();
        const client = knex.client as any;
        knex.on('query', (q: any) => {
          const sql = String(q.sql ?? '');
          // The scheduler shares the client: only the plugin's own tables.
          if (/backstage_backend_tasks|knex_migrations/i.test(sql)) return;
          let entry: Recorded | undefined;
          if (recording) {
            entry = {
              sql: client.positionBindings(sql),
              bindings: client.prepBindings(q.bindings ?? []),
            };
            recording.push(entry);
          }
          if (q.__knexQueryUid)
            started.set(q.__knexQueryUid, { t: performance.now(), entry });
        });
        const settled = (error: unknown, q: any, response?: any) => {
          const s = q?.__knexQueryUid
            ? started.get(q.__knexQueryUid)
            : undefined;
          if (!s) return;
          started.delete(q.__knexQueryUid);
          const ms = performance.now() - s.t;
          totals.statements += 1;
          totals.ms += ms;
          if (!s.entry) return;
          s.entry.ms = ms;
          if (error) s.entry.error = String(error);
          const rows = Array.isArray(response)
            ? response.length
            : response?.rows?.length ?? response?.rowCount;
          if (typeof rows === 'number') s.entry.rows = rows;
        };
        knex.on('query-response', (response: any, q: any) =>
          settled(undefined, q, response),
        );
        knex.on('query-error', (error: unknown, q: any) => settled(error, q));
      },
    });
  },
});

async function main() {
  const backend = createBackend();
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(benchEntities);
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import('@backstage/plugin-permission-backend-module-allow-all-policy'),
  );
  if (options.readiness) {
    backend.add(benchSql);
    backend.add(import('../../../plugins/ecs-deploy-readiness-backend/src'));
  }

  process.on('message', async (m: any) => {
    if (m?.type === 'record') {
      recording = [];
      await send({ type: 'recording', id: m.id });
    } else if (m?.type === 'recorded') {
      const queries = recording ?? [];
      recording = undefined;
      await send({ type: 'recorded', id: m.id, queries });
    } else if (m?.type === 'totals') {
      const cpu = process.cpuUsage();
      await send({
        type: 'totals',
        id: m.id,
        ...totals,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
    } else if (m?.type === 'stop') {
      try {
        await backend.stop();
      } finally {
        process.exit(0);
      }
    }
  });
  process.on('disconnect', () => process.exit(0));

  const t0 = performance.now();
  await backend.start();
  await send({
    type: 'ready',
    startMs: Math.round(performance.now() - t0),
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
  });
}

main().catch(async error => {
  await send({ type: 'error', error: error?.stack ?? String(error) });
  process.exit(2);
});
