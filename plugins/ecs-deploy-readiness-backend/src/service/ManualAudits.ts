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
import type { AuditRunnerService } from '../audit/AuditRunner';
import type { AuditRun, ReadinessStore } from '../store/ReadinessStore';

/** Options of {@link ManualAudits.create}. */
export interface ManualAuditsOptions {
  store: ReadinessStore;
  auditor: Pick<AuditRunnerService, 'startEntityAudit'>;
  logger: LoggerService;
  /** A second request within this many milliseconds of the last one answers with that run. */
  intervalMs: number;
  /** A manual audit is aborted after this many milliseconds. */
  timeoutMs: number;
  clock?: () => Date;
}

/**
 * Audits of one entity asked for through the API, at most one per entity per interval: a
 * request while a run of the entity is in flight, or within `intervalMs` of the last one,
 * answers with that run (on any replica: the runs are in the database). Runs are aborted when
 * they take longer than `timeoutMs` or the backend shuts down.
 */
export class ManualAudits {
  readonly #options: ManualAuditsOptions;
  readonly #clock: () => Date;
  /** Requests of this replica that are deciding or starting a run, by entity. */
  readonly #starting = new Map<
    string,
    Promise<{ runId: number; deduplicated: boolean }>
  >();
  readonly #running = new Set<AbortController>();

  static create(options: ManualAuditsOptions): ManualAudits {
    return new ManualAudits(options);
  }

  private constructor(options: ManualAuditsOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Starts an audit of the entity, or answers with the one in its window. */
  async start(
    entityRef: string,
  ): Promise<{ run: AuditRun; deduplicated: boolean }> {
    const key = entityRef.toLocaleLowerCase('en-US');
    let starting = this.#starting.get(key);
    let joined = Boolean(starting);
    if (!starting) {
      starting = this.#decide(key);
      this.#starting.set(key, starting);
      starting
        .finally(() => {
          if (this.#starting.get(key) === starting) this.#starting.delete(key);
        })
        .catch(() => {});
    }
    const { runId, deduplicated } = await starting;
    joined ||= deduplicated;
    const run = await this.#options.store.getAuditRun(runId);
    if (!run) throw new Error(`Audit run ${runId} was not recorded`);
    return { run, deduplicated: joined };
  }

  /** Aborts every manual audit of this replica (at shutdown). */
  abortAll(): void {
    for (const controller of this.#running) controller.abort();
  }

  async #decide(
    entityRef: string,
  ): Promise<{ runId: number; deduplicated: boolean }> {
    const { store, auditor, logger, intervalMs, timeoutMs } = this.#options;
    const now = this.#clock().getTime();
    const recent = await store.findRecentAuditRun({
      trigger: 'manual',
      entityRef,
      startedSince: new Date(now - intervalMs),
    });
    // A run still marked running long after any audit would have timed out died with its
    // process: it does not hold the entity.
    if (
      recent &&
      !(
        recent.status === 'running' &&
        Date.parse(recent.startedAt) < now - timeoutMs
      )
    ) {
      return { runId: recent.id, deduplicated: true };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref?.();
    this.#running.add(controller);
    const release = () => {
      clearTimeout(timer);
      this.#running.delete(controller);
    };
    let started: Awaited<ReturnType<typeof auditor.startEntityAudit>>;
    try {
      started = await auditor.startEntityAudit(entityRef, {
        trigger: 'manual',
        signal: controller.signal,
      });
    } catch (error) {
      release();
      throw error;
    }
    started.done
      .catch(error =>
        logger.warn(`Manual audit of ${entityRef} failed: ${error}`),
      )
      .finally(release);
    return { runId: started.runId, deduplicated: false };
  }
}
