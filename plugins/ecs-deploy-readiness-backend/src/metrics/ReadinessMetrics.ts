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

import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { AuditRunSummary } from '../audit/AuditRunner';
import type { ReadinessStore } from '../store/ReadinessStore';

/** Options of {@link ReadinessMetrics.create}. */
export interface ReadinessMetricsOptions {
  metrics: MetricsService;
  store: ReadinessStore;
  /** How long one read of the store serves the observable gauges. Default 30 seconds. */
  cacheMs?: number;
  clock?: () => number;
}

/** What the gauges report, read from the store at most once per `cacheMs`. */
interface Snapshot {
  entities: Array<{
    entityRef: string;
    owner?: string;
    system?: string;
    status: string;
  }>;
  findings: Map<string, number>;
  pullErrors: Map<string, number>;
}

const PULL_ERROR_WINDOW_MS = 24 * 3600_000;

/**
 * Readiness as OpenTelemetry metrics, through the backend's metrics service (docs/metrics.md):
 * gauges read from the store when the exporter collects, and the audit's duration and AWS
 * calls recorded as each audit run ends.
 */
export class ReadinessMetrics {
  private readonly auditDuration;
  private readonly awsCalls;
  private readonly auditRuns;
  private readonly gateDecisions;
  private snapshot?: { at: number; value: Promise<Snapshot> };

  private constructor(private readonly options: ReadinessMetricsOptions) {
    const { metrics } = options;
    this.auditDuration = metrics.createHistogram(
      'ecs_deploy_readiness.audit.duration',
      {
        description: 'How long one audit run took',
        unit: 's',
      },
    );
    this.awsCalls = metrics.createCounter('ecs_deploy_readiness.aws.calls', {
      description:
        'AWS API calls made by audits, by API (e.g. ecs:DescribeServices)',
      unit: '{call}',
    });
    this.auditRuns = metrics.createCounter('ecs_deploy_readiness.audit.runs', {
      description: 'Audit runs, by trigger and outcome',
      unit: '{run}',
    });

    this.gateDecisions = metrics.createCounter(
      'ecs_deploy_readiness.gate.decisions',
      {
        description:
          'Decisions the deployment gate reported, by decision and by what it answered ECS',
        unit: '{decision}',
      },
    );

    metrics
      .createObservableGauge('ecs_deploy_readiness.entities', {
        description: 'Entities linked to ECS, by readiness status',
        unit: '{entity}',
      })
      .addCallback(async result => {
        const counts: Record<string, number> = {
          blocked: 0,
          'at-risk': 0,
          ready: 0,
          unknown: 0,
        };
        for (const e of (await this.read()).entities) {
          counts[e.status] = (counts[e.status] ?? 0) + 1;
        }
        for (const [status, count] of Object.entries(counts)) {
          result.observe(count, { status });
        }
      });
    metrics
      .createObservableGauge('ecs_deploy_readiness.entity.status', {
        description:
          'One series per linked entity and status: 1 for its current status, 0 for the others',
      })
      .addCallback(async result => {
        for (const e of (await this.read()).entities) {
          for (const status of ['blocked', 'at-risk', 'ready', 'unknown']) {
            result.observe(e.status === status ? 1 : 0, {
              entity_ref: e.entityRef,
              ...(e.owner && { owner: e.owner }),
              ...(e.system && { system: e.system }),
              status,
            });
          }
        }
      });
    metrics
      .createObservableGauge('ecs_deploy_readiness.findings', {
        description:
          'Current findings of linked entities and their services, by check and severity',
        unit: '{finding}',
      })
      .addCallback(async result => {
        for (const [key, count] of (await this.read()).findings) {
          const [check, severity] = key.split('|');
          result.observe(count, { check, severity });
        }
      });
    metrics
      .createObservableGauge('ecs_deploy_readiness.pull_failures', {
        description:
          'Image pull failures of stopped tasks in the last 24 hours, by category',
        unit: '{failure}',
      })
      .addCallback(async result => {
        for (const [category, count] of (await this.read()).pullErrors) {
          result.observe(count, { category });
        }
      });
  }

  static create(options: ReadinessMetricsOptions): ReadinessMetrics {
    return new ReadinessMetrics(options);
  }

  /** Records one finished audit run: its duration, outcome and AWS calls. */
  auditFinished(
    summary: Pick<AuditRunSummary, 'status' | 'callsByApi'>,
    options: { trigger: string; durationMs: number },
  ): void {
    const attributes = { trigger: options.trigger, status: summary.status };
    this.auditDuration.record(options.durationMs / 1000, attributes);
    this.auditRuns.add(1, attributes);
    for (const [api, calls] of Object.entries(summary.callsByApi)) {
      if (calls > 0) this.awsCalls.add(calls, { api });
    }
  }

  /**
   * Runs one audit and records it as {@link ReadinessMetrics.auditFinished} does, also when it
   * throws (as a `failed` run without AWS calls); the audit's result or error is passed on.
   */
  async timed<T extends Pick<AuditRunSummary, 'status' | 'callsByApi'>>(
    trigger: string,
    audit: () => Promise<T>,
  ): Promise<T> {
    const clock = this.options.clock ?? Date.now;
    const started = clock();
    try {
      const summary = await audit();
      this.auditFinished(summary, {
        trigger,
        durationMs: clock() - started,
      });
      return summary;
    } catch (error) {
      this.auditFinished(
        { status: 'failed', callsByApi: {} },
        { trigger, durationMs: clock() - started },
      );
      throw error;
    }
  }

  /** Counts one gate decision stored. */
  gateDecision(decision: { decision: string; hookStatus: string }): void {
    this.gateDecisions.add(1, {
      decision: decision.decision,
      hook_status: decision.hookStatus,
    });
  }

  private read(): Promise<Snapshot> {
    const now = (this.options.clock ?? Date.now)();
    const cacheMs = this.options.cacheMs ?? 30_000;
    if (!this.snapshot || now - this.snapshot.at >= cacheMs) {
      const value = this.load(now);
      value.catch(() => {
        this.snapshot = undefined;
      });
      this.snapshot = { at: now, value };
    }
    return this.snapshot.value;
  }

  private async load(now: number): Promise<Snapshot> {
    const { store } = this.options;
    const { items } = await store.listScorecard({});
    const entities = items.map(e => ({
      entityRef: e.entityRef,
      owner: e.owner,
      system: e.system,
      status: e.status,
    }));
    const findings = new Map<string, number>();
    const add = (list: Array<{ id: string; severity: string }>) => {
      for (const f of list) {
        const key = `${f.id}|${f.severity}`;
        findings.set(key, (findings.get(key) ?? 0) + 1);
      }
    };
    const serviceArns = new Set<string>();
    for (let offset = 0; ; offset += 1000) {
      const page = await store.listEntityReports({ limit: 1000, offset });
      for (const report of page.items) {
        add(report.findings);
        for (const arn of report.serviceArns) serviceArns.add(arn);
      }
      if (offset + 1000 >= page.totalCount) break;
    }
    // A service linked by several entities counts once.
    for (const service of await store.getServiceReports([...serviceArns])) {
      add(service.findings);
    }
    const pullErrors = new Map<string, number>();
    for (const row of await store.countPullErrors({
      since: new Date(now - PULL_ERROR_WINDOW_MS),
    })) {
      pullErrors.set(
        row.category,
        (pullErrors.get(row.category) ?? 0) + row.count,
      );
    }
    return { entities, findings, pullErrors };
  }
}
