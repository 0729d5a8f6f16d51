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

import type { LoggerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import { classifyPullError } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { type AwsClients, describeAwsError, redactAwsText } from '../aws';
import type { ServiceSnapshot, ShardCollector, ShardResult } from '../collect';
import {
  collectDeploymentHistory,
  type DeploymentHistoryRequest,
  TERMINAL_DEPLOYMENT_STATUSES,
} from '../collect/DeploymentHistory';
import type { ReadinessConfig } from '../config';
import type {
  AuditError,
  ReadinessStore,
  ServiceEventInput,
  ShardKey,
} from '../store/ReadinessStore';
import type { AuditRunnerService } from './AuditRunner';
import { toAuditError } from './AuditRunner';
import { storeBackedCollector } from './link';
import { isPullFailure, pullErrorsOf } from './pullErrors';
import { primaryDeployment } from './report';

/** What a {@link HistoryIngester} is built from. */
export interface HistoryIngesterOptions {
  store: ReadinessStore;
  logger: LoggerService;
  clients: AwsClients;
  config: ReadinessConfig;
  /**
   * Audits the services whose primary deployment changed (or that were never audited) at once,
   * from what the history run collected. Without it, they wait for their shard's next audit.
   */
  auditor?: Pick<AuditRunnerService, 'auditCollected'>;
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
  /** Service deployments stored new or changed. */
  deploymentsWritten: number;
  /** Service events about deployments and failures stored for the first time. */
  eventsAdded: number;
  /** Services whose primary deployment changed since their last report (or that had none). */
  servicesRedeployed: string[];
  /** Pull errors, deployments and events deleted because they are older than the retention. */
  pruned: number;
  /** Shards that could not be read, by AWS account id; the others were ingested. */
  errorsByAccount: Record<string, AuditError[]>;
}

/** Ingests the history of every ECS service the catalog links to. */
export interface HistoryIngesterService {
  /** Every shard of the stored links. */
  run(options?: { signal?: AbortSignal }): Promise<HistoryIngestSummary>;
  /** One (account, region). */
  runShard(
    shard: ShardKey,
    options?: { signal?: AbortSignal },
  ): Promise<HistoryIngestSummary>;
}

// Service events worth keeping: failures and deployment milestones, not the steady-state and
// task start/stop chatter that makes up most of the 100 events ECS keeps.
const NOTABLE_EVENT =
  /fail|unable|error|unhealthy|roll(?:ing|ed)? ?back|circuit breaker|deployment (?:completed|failed)|throttl|denied/i;

/**
 * The history task, one per (account, region) of the stored links. ECS keeps stopped tasks for
 * about an hour, so it runs often (every 5 minutes by default) and stores what it sees before ECS
 * forgets it:
 *
 * - each pull failure of a stopped task (the containers' reasons, else the task's stop reason),
 *   classified, linked to the checks of its service's latest report that explain it, and stored
 *   once;
 * - service events about failures and deployments, stored once;
 * - service deployments (kept 90 days by ECS), read for services whose primary deployment
 *   changed, that have a rollout in progress or failed, or whose history was never read, so that
 *   after a restart or an outage longer than an hour it still finds which deployments failed and
 *   why.
 *
 * A service whose primary deployment changed since its last report is audited at once (the
 * `auditor`). Pull errors, deployments and events older than the retention are pruned. A shard
 * that fails is logged and counted; the run goes on.
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
    const total = emptySummary();
    for (const shard of await this.options.store.listShards()) {
      const one = await this.ingest(shard, options.signal);
      total.servicesSeen += one.servicesSeen;
      total.pullErrorsSeen += one.pullErrorsSeen;
      total.pullErrorsAdded += one.pullErrorsAdded;
      total.deploymentsWritten += one.deploymentsWritten;
      total.eventsAdded += one.eventsAdded;
      total.servicesRedeployed.push(...one.servicesRedeployed);
      for (const [account, errors] of Object.entries(one.errorsByAccount)) {
        (total.errorsByAccount[account] ??= []).push(...errors);
      }
    }
    total.pruned = await this.prune();
    this.log(total);
    return total;
  }

  async runShard(
    shard: ShardKey,
    options: { signal?: AbortSignal } = {},
  ): Promise<HistoryIngestSummary> {
    const summary = await this.ingest(shard, options.signal);
    summary.pruned = await this.prune();
    this.log(summary, shard);
    return summary;
  }

  private async ingest(
    shard: ShardKey,
    signal?: AbortSignal,
  ): Promise<HistoryIngestSummary> {
    const { store, logger, clients } = this.options;
    const summary = emptySummary();
    const links = await store.listLinks({ shard });
    if (links.length === 0) return summary;
    const result = await this.collector.collect(
      { ...shard, serviceArns: [...new Set(links.map(l => l.serviceArn))] },
      { signal },
    );
    signal?.throwIfAborted();
    const fail = (errors: ReturnType<typeof toAuditError>[]) => {
      if (errors.length === 0) return;
      (summary.errorsByAccount[shard.accountId] ??= []).push(...errors);
      logger.warn(
        `Could not read the history of ECS services in ${shard.accountId}/${
          shard.region
        }: ${errors.map(e => e.code).join(', ')}`,
      );
    };
    fail(result.errors.map(toAuditError));

    // Pull failures of the stopped tasks.
    const now = this.clock();
    const snapshots = result.snapshots;
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

    // Service events about failures and deployments.
    summary.eventsAdded = await store.addServiceEvents(
      snapshots.flatMap(notableEvents),
    );

    // Which services were redeployed since their last report.
    const redeployed = snapshots.filter(snapshot => {
      const report = reports.get(snapshot.serviceArn);
      return (
        !report || primaryId(report.details) !== primaryDeployment(snapshot)?.id
      );
    });
    summary.servicesRedeployed = redeployed.map(s => s.serviceArn);

    // Service deployments, where something may have happened since they were last read.
    const requests = await this.deploymentRequests(snapshots, redeployed);
    if (requests.length > 0) {
      try {
        const history = await collectDeploymentHistory({
          clients,
          ...shard,
          services: requests,
          signal,
        });
        summary.deploymentsWritten = await store.upsertServiceDeployments(
          history.deployments,
        );
        fail(history.errors.map(toAuditError));
      } catch (error) {
        if (signal?.aborted) throw error;
        fail([toAuditError(describeAwsError(error, shard))]);
      }
    }

    // The services redeployed are audited now, from what was just collected.
    if (redeployed.length > 0 && this.options.auditor) {
      const subset: ShardResult = {
        ...result,
        snapshots: redeployed,
        missing: [],
        failedServiceArns: [],
        errors: [],
      };
      await this.options.auditor.auditCollected([subset], {
        signal,
        trigger: 'deployment',
        shard,
      });
    }
    return summary;
  }

  /** The services whose deployments to read, from when, and what is known of them. */
  private async deploymentRequests(
    snapshots: ServiceSnapshot[],
    redeployed: ServiceSnapshot[],
  ): Promise<DeploymentHistoryRequest[]> {
    const { store } = this.options;
    const arns = snapshots.map(s => s.serviceArn);
    const latest = await store.latestServiceDeployments(arns);
    const changed = new Set(redeployed.map(s => s.serviceArn));
    const wanted = snapshots.filter(
      s =>
        !latest.has(s.serviceArn) ||
        changed.has(s.serviceArn) ||
        s.deployments.some(
          d => d.rolloutState === 'IN_PROGRESS' || d.rolloutState === 'FAILED',
        ),
    );
    if (wanted.length === 0) return [];
    const stored = await store.listServiceDeployments({
      serviceArns: wanted.map(s => s.serviceArn),
      limit: 1000,
    });
    return wanted.map(snapshot => {
      const own = stored.filter(d => d.serviceArn === snapshot.serviceArn);
      // From the oldest deployment still moving, else the newest stored: a second before, so
      // the boundary one is seen again.
      const open = own.filter(d => !TERMINAL_DEPLOYMENT_STATUSES.has(d.status));
      const from = (open.length > 0 ? open[open.length - 1] : own[0])
        ?.createdAt;
      return {
        serviceArn: snapshot.serviceArn,
        clusterArn: snapshot.clusterArn,
        ...(from && {
          since: new Date(Date.parse(from) - 1000).toISOString(),
        }),
        known: new Map(own.map(d => [d.deploymentArn, d.status])),
      };
    });
  }

  private async prune(): Promise<number> {
    const { store, config } = this.options;
    const olderThan = new Date(
      this.clock().getTime() -
        durationToMilliseconds(config.pullErrors.retention),
    );
    return (
      (await store.prunePullErrors({ olderThan })) +
      (await store.pruneServiceHistory({ olderThan })) +
      (await store.pruneAuditRuns({ olderThan }))
    );
  }

  private log(summary: HistoryIngestSummary, shard?: ShardKey) {
    this.options.logger.info(
      `History${shard ? ` of ${shard.accountId}/${shard.region}` : ''}: ${
        summary.servicesSeen
      } services, ${summary.pullErrorsAdded} new pull errors of ${
        summary.pullErrorsSeen
      } seen, ${summary.deploymentsWritten} deployments and ${
        summary.eventsAdded
      } events stored, ${summary.servicesRedeployed.length} redeployed, ${
        summary.pruned
      } pruned`,
    );
  }
}

function emptySummary(): HistoryIngestSummary {
  return {
    servicesSeen: 0,
    pullErrorsSeen: 0,
    pullErrorsAdded: 0,
    deploymentsWritten: 0,
    eventsAdded: 0,
    servicesRedeployed: [],
    pruned: 0,
    errorsByAccount: {},
  };
}

/** The PRIMARY deployment id of a stored report's details. */
function primaryId(details: unknown): string | undefined {
  const deployments = (details as { deployments?: unknown })?.deployments;
  if (!Array.isArray(deployments)) return undefined;
  const primary =
    deployments.find(d => d?.status === 'PRIMARY') ?? deployments[0];
  return typeof primary?.id === 'string' ? primary.id : undefined;
}

/** A service's events about failures and deployments, redacted, pull failures classified. */
function notableEvents(snapshot: ServiceSnapshot): ServiceEventInput[] {
  return snapshot.events.flatMap(event => {
    const pull = isPullFailure(event.message);
    if (!pull && !NOTABLE_EVENT.test(event.message)) return [];
    const message = redactAwsText(event.message);
    return [
      {
        serviceArn: snapshot.serviceArn,
        eventId: event.id ?? `${event.createdAt ?? ''}:${message}`.slice(0, 64),
        message,
        ...(pull && { category: classifyPullError(message).category }),
        createdAt: event.createdAt ?? new Date(0).toISOString(),
      },
    ];
  });
}
