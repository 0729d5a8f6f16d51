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
 * What the fault and secrets tests share: the scheduled tasks' dependencies pointed at any
 * sandbox (or a proxy in front of one) over a database the test owns, the store's state before
 * and after a run, every row of the plugin database, and a logger that keeps every line.
 */

import { readFileSync } from 'fs';
import { resolve } from 'path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import { parseScenarioYaml, type ScenarioDocument } from 'ecs-sandbox';
import type { Knex } from 'knex';
import { AwsClients } from '../aws';
import { readReadinessConfig } from '../config';
import { DatabaseReadinessStore } from '../store/DatabaseReadinessStore';
import type {
  EntityReport,
  PullErrorRecord,
  ReadinessStore,
  ServiceReport,
} from '../store/ReadinessStore';
import { DEMO_ACCOUNTS, EXAMPLES, exampleEntities } from './demo';

/** The demo scenario as an object, a fresh copy each call, for a test to change. */
export function demoScenario(): ScenarioDocument {
  return parseScenarioYaml(
    readFileSync(resolve(EXAMPLES, 'demo-scenario.yaml'), 'utf8'),
    'demo-scenario.yaml',
  );
}

/** Options of {@link auditDeps}. */
export interface AuditDepsOptions {
  /** Where every AWS and registry call goes: a sandbox, or a proxy in front of one. */
  url: string;
  /** The plugin database; several calls on one knex share one store. */
  knex: Knex;
  /** The `aws` section (integration-aws-node). Default: the demo accounts' static keys. */
  aws?: JsonObject;
  /** Added to the demo's `ecsDeployReadiness.registries` (endpoints are merged). */
  registries?: {
    endpoints?: Record<string, string>;
    credentials?: JsonObject;
    allowedPrivateRegistries?: string[];
    insecureRegistries?: string[];
    requestTimeout?: JsonObject | string;
  };
  /**
   * Attempts per AWS call, retries included. Only the `AwsClients` constructor takes it:
   * `AwsClients.create(config)` reads no setting for it, so the clients are built here the way
   * `create` builds them, plus this.
   */
  maxAttempts?: number;
  /** The catalog. Default: examples/catalog.yaml. */
  entities?: Entity[];
  logger?: LoggerService;
}

/**
 * What `AuditRunner.create` and `HistoryIngester.create` take, as plugin.ts builds it, with the
 * real SDK clients and registry code pointed at `url` (as app-config.yaml points them at the
 * sandbox) and the real store on `knex`.
 */
export async function auditDeps(options: AuditDepsOptions) {
  const { url } = options;
  const host = new URL(url).host;
  const extra = options.registries ?? {};
  const config = new ConfigReader({
    aws: options.aws ?? { accounts: DEMO_ACCOUNTS },
    ecsDeployReadiness: {
      aws: { endpoint: url },
      registries: {
        endpoints: {
          'docker.io': `${url}/registries/docker.io`,
          ...extra.endpoints,
        },
        ecrDistributionEndpoint: `${url}/ecr/{accountId}/{region}`,
        allowedPrivateRegistries: [
          host,
          ...(extra.allowedPrivateRegistries ?? []),
        ],
        insecureRegistries: [host, ...(extra.insecureRegistries ?? [])],
        ...(extra.credentials && { credentials: extra.credentials }),
        ...(extra.requestTimeout && { requestTimeout: extra.requestTimeout }),
      },
    },
  });
  const logger = options.logger ?? mockServices.logger.mock();
  const store = await DatabaseReadinessStore.create({
    database: mockServices.database({ knex: options.knex }),
    logger,
  });
  const clients =
    options.maxAttempts === undefined
      ? AwsClients.create({ config, logger })
      : new AwsClients({
          credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
          logger,
          endpoint: url,
          maxAttempts: options.maxAttempts,
        });
  return {
    store,
    catalog: catalogServiceMock({
      entities: options.entities ?? exampleEntities(),
    }),
    auth: mockServices.auth(),
    logger,
    clients,
    config: readReadinessConfig(config),
  };
}

/** Everything the store says about entities, services and pull errors, for before/after checks. */
export interface StoreState {
  entities: Map<string, EntityReport>;
  services: Map<string, ServiceReport>;
  pullErrors: PullErrorRecord[];
}

export async function storeState(store: ReadinessStore): Promise<StoreState> {
  const { items } = await store.listEntityReports({ limit: 1000 });
  const services = await store.getServiceReports(
    items.flatMap(e => e.serviceArns),
  );
  const pullErrors: PullErrorRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listPullErrors({ limit: 500, cursor });
    pullErrors.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return {
    entities: new Map(items.map(e => [e.entityRef, e])),
    services: new Map(services.map(s => [s.serviceArn, s])),
    pullErrors,
  };
}

/** The finding ids of an entity and of its services, sorted, without repeats. */
export function findingIdsOf(state: StoreState, entityRef: string): string[] {
  const entity = state.entities.get(entityRef);
  if (!entity) return [];
  const ids = [
    ...entity.findings,
    ...entity.serviceArns.flatMap(
      arn => state.services.get(arn)?.findings ?? [],
    ),
  ].map(f => f.id);
  return [...new Set(ids)].sort();
}

/** The plugin's tables (whatever the migrations made), knex's own included. */
export async function listTables(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  if (client === 'pg') {
    const result = await knex.raw(
      'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()',
    );
    return result.rows.map((r: { name: string }) => r.name).sort();
  }
  const rows: Array<{ name: string }> = await knex('sqlite_master')
    .where({ type: 'table' })
    .whereNot('name', 'like', 'sqlite_%')
    .select('name');
  return rows.map(r => r.name).sort();
}

/** Row counts of every table. */
export async function tableCounts(knex: Knex): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await listTables(knex)) {
    const [{ count }] = await knex(table).count({ count: '*' });
    counts[table] = Number(count);
  }
  return counts;
}

/**
 * Every row of every table, each as one line of text (`table: {json}`); binary columns are read
 * as UTF-8, so a secret inside a stored document shows too.
 */
export async function dumpDatabase(knex: Knex): Promise<string[]> {
  const lines: string[] = [];
  for (const table of await listTables(knex)) {
    for (const row of await knex(table).select('*')) {
      const readable = Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          Buffer.isBuffer(v) || v instanceof Uint8Array
            ? Buffer.from(v).toString('utf8')
            : v,
        ]),
      );
      lines.push(`${table}: ${JSON.stringify(readable)}`);
    }
  }
  return lines;
}

/** One logged line: its level, message, the child loggers' meta and its own. */
export interface LogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: unknown[];
}

/** A logger that keeps every line of itself and its children; `lines()` prints them. */
export function recordingLogger(): {
  logger: LoggerService;
  entries: LogEntry[];
  lines(): string[];
} {
  const entries: LogEntry[] = [];
  const make = (inherited: unknown[]): LoggerService => {
    const log =
      (level: LogEntry['level']) => (message: string, meta?: unknown) => {
        entries.push({
          level,
          message,
          meta: meta === undefined ? inherited : [...inherited, meta],
        });
      };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: meta => make([...inherited, meta]),
    };
  };
  const printable = (value: unknown) =>
    value instanceof Error
      ? `${value.name}: ${value.message} ${value.stack ?? ''} ${JSON.stringify(
          value,
        )}`
      : JSON.stringify(value);
  return {
    logger: make([]),
    entries,
    lines: () =>
      entries.map(
        e => `${e.level} ${e.message} ${e.meta.map(printable).join(' ')}`,
      ),
  };
}
