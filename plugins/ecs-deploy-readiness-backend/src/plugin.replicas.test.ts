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
 * Two backend replicas on one PostgreSQL database share the work: each (account, region) shard
 * is a global scheduled task that every replica schedules, locked by Backstage's scheduler in
 * the database, so any replica can take any shard and none is audited twice at once. Which
 * replica claims a due shard is the scheduler's race: the first poll after it falls due (each
 * replica polls every 5 s, in the phase it started with), so replicas that start apart share the
 * shards; when one stops, the other takes them all. Real scheduler
 * (`schedulerServiceFactory`), real PostgreSQL (the one `./scripts/test` starts), the sandbox
 * with a generated scenario of six shards.
 */

import {
  createServiceFactory,
  coreServices,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { generateScenario, type Sandbox, startSandbox } from 'ecs-sandbox';
import createKnex, { type Knex } from 'knex';
import { AuditRunner } from './audit';
import { AwsClients } from './aws';
import { readReadinessConfig } from './config';
import { ecsDeployReadinessPlugin } from './plugin';
import { DatabaseReadinessStore } from './store/DatabaseReadinessStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

it('runs the two-replica case whenever a PostgreSQL 15 connection string is set', () => {
  const configured = Boolean(
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
  );
  expect(
    configured ? databases.supports('POSTGRES_15') : 'not configured',
  ).not.toBe(false);
});

const ACCOUNTS = ['210000000000', '210000001111'];

/** A logger that keeps every line, with the replica's name. */
function recordingLogger(replica: string, lines: string[]) {
  const make = (): LoggerService => ({
    error: message => lines.push(`${replica} error ${message}`),
    warn: message => lines.push(`${replica} warn ${message}`),
    info: message => lines.push(`${replica} info ${message}`),
    debug: () => {},
    child: () => make(),
  });
  return createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => make(),
  });
}

const describeIfSupported = databases.supports('POSTGRES_15')
  ? describe
  : describe.skip;

describeIfSupported('two backend replicas on one PostgreSQL', () => {
  let sandbox: Sandbox;
  let knex: Knex;

  beforeAll(async () => {
    sandbox = await startSandbox({
      scenario: generateScenario({
        services: 24,
        accounts: 2,
        regions: 3,
        images: 10,
        seed: 'replicas',
      }),
    });
    knex = await databases.init('POSTGRES_15');
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('share the shards: never one twice at once, and one takes them all when the other stops', async () => {
    const serviceArns = [...sandbox.world.ecs.values()].flatMap(region =>
      [...region.clusters.values()].flatMap(c =>
        [...c.services.values()].map(s => s.arn),
      ),
    );
    const entities = serviceArns.map((arn, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `svc-${i}`,
        namespace: 'default',
        annotations: { 'aws.amazon.com/amazon-ecs-service-arn': arn },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team' },
    }));
    const data = {
      aws: {
        // The generated scenario's keys (ecs-sandbox generate).
        accounts: ACCOUNTS.map((accountId, i) => ({
          accountId,
          accessKeyId: `AKIASANDBOX${String(i).padStart(9, '0')}`,
          secretAccessKey: 'sandbox',
        })),
      },
      ecsDeployReadiness: {
        aws: { endpoint: sandbox.url },
        registries: {
          ecrDistributionEndpoint: `${sandbox.url}/ecr/{accountId}/{region}`,
          allowedPrivateRegistries: [new URL(sandbox.url).host],
          insecureRegistries: [new URL(sandbox.url).host],
        },
        schedules: {
          // Short rounds, so a test sees several: the link and the shard audits every 6 s, the
          // shards' first runs 2.3 s apart from 1 s on. The history waits.
          images: {
            frequency: { seconds: 6 },
            timeout: { seconds: 5 },
            initialDelay: { seconds: 1 },
          },
          history: { initialDelay: { minutes: 30 } },
        },
      },
    };

    // A previous replica linked the catalog: both replicas know the shards at start-up.
    const logger = mockServices.logger.mock();
    const config = new ConfigReader(data);
    await AuditRunner.create({
      store: await DatabaseReadinessStore.create({
        database: mockServices.database({ knex }),
      }),
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      logger,
      clients: AwsClients.create({ config, logger }),
      config: readReadinessConfig(config),
    }).link();

    const lines: string[] = [];
    // Each replica with its own connection pool to the one database, as real replicas have.
    const pools: Knex[] = [];
    const replica = (name: string) => {
      const pool = createKnex(knex.client.config);
      pools.push(pool);
      return startTestBackend({
        features: [
          ecsDeployReadinessPlugin,
          schedulerServiceFactory,
          recordingLogger(name, lines),
          mockServices.database.factory({ knex: pool }),
          catalogServiceMock.factory({ entities }),
          mockServices.rootConfig.factory({ data }),
        ],
      });
    };
    const started = Date.now();
    // Replicas never start at the same instant; the scheduler's pollers (every 5 s) keep the
    // phase they start with, and a due shard goes to the first poll after it falls due.
    const first = await replica('A');
    await new Promise(r => setTimeout(r, 2_500));
    const backends = [first, await replica('B')];
    const stoppedBackends = new Set<number>();
    const stop = async (i: number) => {
      if (stoppedBackends.has(i)) return;
      stoppedBackends.add(i);
      await backends[i].stop();
    };
    const shardRuns = () =>
      knex('audit_runs')
        .whereNotNull('shard')
        .whereNotNull('finished_at')
        .orderBy('started_at')
        .select(
          'shard',
          'status',
          'errors_by_account',
          'started_at',
          'finished_at',
        );
    const waitFor = async (done: () => Promise<boolean>) => {
      const deadline = Date.now() + 60_000;
      while (!(await done()) && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 500));
      }
    };
    const runsBy = (replicaName: string) =>
      lines
        .map(
          l =>
            new RegExp(`^${replicaName} info Audit run \\d+ of (\\S+) `).exec(
              l,
            )?.[1],
        )
        .filter((shard): shard is string => Boolean(shard));
    try {
      // Both replicas up: every shard audited, several rounds, some by each replica.
      await waitFor(async () => (await shardRuns()).length >= 24);
      const shared = { A: runsBy('A').length, B: runsBy('B').length };
      // One replica goes away: the other takes every shard on the next rounds.
      await stop(0);
      const handover = runsBy('B').length;
      await waitFor(async () => new Set(runsBy('B').slice(handover)).size >= 6);
      await stop(1);
      const elapsedSeconds = (Date.now() - started) / 1000;

      const runs = await shardRuns();
      expect(runs.map(r => [r.status, r.errors_by_account])).toEqual(
        runs.map(() => ['succeeded', '{}']),
      );
      const byShard = new Map<string, typeof runs>();
      for (const run of runs) {
        byShard.set(run.shard, [...(byShard.get(run.shard) ?? []), run]);
      }
      expect(byShard.size).toBe(6);
      for (const [, own] of byShard) {
        // Never twice at once, across the replicas: each run of a shard starts after the one
        // before it ended...
        for (let i = 1; i < own.length; i++) {
          expect(own[i].started_at >= own[i - 1].finished_at).toBe(true);
        }
        // ...and never more often than its schedule.
        expect(own.length).toBeLessThanOrEqual(
          Math.floor(elapsedSeconds / 6) + 1,
        );
      }
      expect(shared.A).toBeGreaterThan(0);
      expect(shared.B).toBeGreaterThan(0);
      // Every run was one replica's, and B took all six shards once A was gone.
      expect(runsBy('A').length + runsBy('B').length).toBe(runs.length);
      expect(new Set(runsBy('B').slice(handover)).size).toBe(6);

      // Every linked service got its report.
      const [{ count }] = await knex('service_reports').count({ count: '*' });
      expect(Number(count)).toBe(serviceArns.length);
    } finally {
      await stop(0);
      await stop(1);
      for (const pool of pools) await pool.destroy();
    }
  });
});
