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

import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import type { AwsClients } from '../aws';
import type { ShardCollector } from '../collect';
import type { ReadinessConfig } from '../config';
import type { AuditError, ReadinessStore } from '../store/ReadinessStore';
import { toAuditError } from './AuditRunner';
import { linkAndCollect, storeBackedCollector } from './link';
import { pullErrorsOf } from './pullErrors';

/** What a {@link HistoryIngester} is built from. */
export interface HistoryIngesterOptions {
  store: ReadinessStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  clients: AwsClients;
  config: ReadinessConfig;
  /** Shards collected at once (default 4). */
  shardConcurrency?: number;
  clock?: () => Date;
}

/** What an ingestion did, for logs and tests. */
export interface HistoryIngestSummary {
  /** Services whose stopped tasks were read. */
  servicesSeen: number;
  /** Pull failures seen on stopped tasks, new or not. */
  pullErrorsSeen: number;
  /** Those not stored before (by task ARN and container). */
  pullErrorsAdded: number;
  /** Pull errors deleted because they are older than `pullErrors.retention`. */
  pullErrorsPruned: number;
  /** Shards that could not be read, by AWS account id; the others were ingested. */
  errorsByAccount: Record<string, AuditError[]>;
}

/** Ingests the pull failures of the stopped tasks of every ECS service the catalog links to. */
export interface HistoryIngesterService {
  run(options?: { signal?: AbortSignal }): Promise<HistoryIngestSummary>;
}

/**
 * The history task: ECS keeps stopped tasks for about an hour, so this runs often (every 5
 * minutes by default) and stores what it sees before ECS forgets it. Each pull failure of a
 * stopped task (the containers' reasons, else the task's stop reason) is classified, linked to
 * the checks of its service's latest report that explain it, and stored once; pull errors older
 * than the retention are pruned. A shard that fails is logged and counted; the run goes on.
 */
export class HistoryIngester implements HistoryIngesterService {
  private readonly options: HistoryIngesterOptions;
  private readonly clock: () => Date;
  private readonly collector: ShardCollector;

  static create(options: HistoryIngesterOptions): HistoryIngester {
    return new HistoryIngester(options);
  }

  private constructor(options: HistoryIngesterOptions) {
    this.options = options;
    this.clock = options.clock ?? (() => new Date());
    // The audit's collector: it reads more than stopped tasks (services, revisions), but task
    // definitions come from the store after the first audit, so a run costs a few calls per
    // cluster.
    this.collector = storeBackedCollector(options);
  }

  async run(
    options: { signal?: AbortSignal } = {},
  ): Promise<HistoryIngestSummary> {
    const { store, logger, config } = this.options;
    const { signal } = options;
    const summary: HistoryIngestSummary = {
      servicesSeen: 0,
      pullErrorsSeen: 0,
      pullErrorsAdded: 0,
      pullErrorsPruned: 0,
      errorsByAccount: {},
    };

    const { results } = await linkAndCollect(
      {
        ...this.options,
        collector: this.collector,
        concurrency: this.options.shardConcurrency ?? 4,
      },
      signal,
    );

    const now = this.clock();
    const snapshots = results.flatMap(r => r.snapshots);
    const reports = new Map(
      (await store.getServiceReports(snapshots.map(s => s.serviceArn))).map(
        r => [r.serviceArn, r],
      ),
    );
    const pullErrors = snapshots.flatMap(snapshot =>
      pullErrorsOf(snapshot, now, reports.get(snapshot.serviceArn)?.findings),
    );
    summary.servicesSeen = snapshots.length;
    summary.pullErrorsSeen = pullErrors.length;
    summary.pullErrorsAdded = await store.addPullErrors(pullErrors);

    for (const result of results) {
      if (result.errors.length === 0) continue;
      (summary.errorsByAccount[result.accountId] ??= []).push(
        ...result.errors.map(toAuditError),
      );
      logger.warn(
        `Could not read the stopped tasks of ${
          result.failedServiceArns.length
        } ECS services in ${result.accountId}/${result.region}: ${result.errors
          .map(e => e.code)
          .join(', ')}`,
      );
    }

    summary.pullErrorsPruned = await store.prunePullErrors({
      olderThan: new Date(
        now.getTime() - durationToMilliseconds(config.pullErrors.retention),
      ),
    });
    logger.info(
      `Pull error history: ${summary.servicesSeen} services, ${summary.pullErrorsAdded} new pull errors of ${summary.pullErrorsSeen} seen, ${summary.pullErrorsPruned} pruned`,
    );
    return summary;
  }
}
