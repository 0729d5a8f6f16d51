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

import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { createLimit } from '../lib/forEachLimit';
import type { ShardKey } from '../store/ReadinessStore';

/** The id of the task that links the catalog and keeps the shard list. */
export const LINK_TASK_ID = 'ecs-deploy-readiness-link';

/** The id of a shard's image audit task. */
export function imagesTaskId(shard: ShardKey): string {
  return `ecs-deploy-readiness-images:${shard.accountId}:${shard.region}`;
}

/** The id of a shard's history task. */
export function historyTaskId(shard: ShardKey): string {
  return `ecs-deploy-readiness-history:${shard.accountId}:${shard.region}`;
}

/** What {@link ShardTasks} is built from. */
export interface ShardTasksOptions {
  scheduler: SchedulerService;
  logger: LoggerService;
  schedules: {
    images: SchedulerServiceTaskScheduleDefinition;
    history: SchedulerServiceTaskScheduleDefinition;
  };
  /** The image audit of one shard. */
  audit(shard: ShardKey, signal: AbortSignal): Promise<void>;
  /** The history of one shard. */
  history(shard: ShardKey, signal: AbortSignal): Promise<void>;
  /** Shard tasks of this replica that run at once; the others wait (default 4). */
  concurrency?: number;
}

/** What {@link ShardTasks.triggerOverdue} needs: when each shard was last audited. */
export interface ShardAuditTimes {
  lastShardAudits(): Promise<Map<string, string>>;
}

/**
 * One global scheduled task per (account, region) and kind (images, history). Backstage's
 * scheduler locks each global task in the database, so replicas on one database share the shards
 * and never run one twice at once. Every replica schedules every shard it learns of (from the
 * stored links), so any of them can take it.
 *
 * First runs are staggered (2.3 s apart, within a minute): tasks that fall due at the same
 * moment are all claimed by the replica that polls the database first, while staggered ones
 * spread over the replicas' polls. The schedule keeps the stagger.
 */
export class ShardTasks {
  private readonly options: ShardTasksOptions;
  private readonly scheduled = new Set<string>();
  /** At most `concurrency` shard tasks of this replica at once; the others wait or abort. */
  private readonly slot: <T>(
    fn: () => Promise<T>,
    signal?: AbortSignal,
  ) => Promise<T>;

  static create(options: ShardTasksOptions): ShardTasks {
    return new ShardTasks(options);
  }

  private constructor(options: ShardTasksOptions) {
    this.options = options;
    this.slot = createLimit(options.concurrency ?? 4);
  }

  /** Schedules the tasks of the shards not scheduled in this replica yet. */
  async ensure(shards: ShardKey[]): Promise<void> {
    const { scheduler, schedules, logger } = this.options;
    for (const shard of shards) {
      const key = `${shard.accountId}/${shard.region}`;
      if (this.scheduled.has(key)) continue;
      this.scheduled.add(key);
      const offset = staggerSeconds(this.scheduled.size - 1);
      try {
        await scheduler.scheduleTask({
          ...schedules.images,
          initialDelay: plusSeconds(schedules.images.initialDelay, offset),
          id: imagesTaskId(shard),
          scope: 'global',
          fn: signal =>
            this.slot(() => this.options.audit(shard, signal), signal),
        });
        await scheduler.scheduleTask({
          ...schedules.history,
          initialDelay: plusSeconds(schedules.history.initialDelay, offset),
          id: historyTaskId(shard),
          scope: 'global',
          fn: signal =>
            this.slot(() => this.options.history(shard, signal), signal),
        });
        logger.info(`Scheduled the audit and history tasks of ${key}`);
      } catch (error) {
        this.scheduled.delete(key);
        logger.warn(`Could not schedule the tasks of ${key}: ${error}`);
      }
    }
  }

  /**
   * Starts now the audit of every shard not audited within its schedule's frequency (or ever).
   * A task's next run is kept in the database across restarts, so without this a backend that
   * restarts (or a shard that a link just found) could wait up to a whole period.
   */
  async triggerOverdue(shards: ShardKey[], times: ShardAuditTimes) {
    const { scheduler, schedules, logger } = this.options;
    const frequency = schedules.images.frequency;
    const period =
      frequency && typeof frequency === 'object' && !('cron' in frequency)
        ? durationToMilliseconds(frequency as HumanDuration)
        : undefined;
    const last = await times.lastShardAudits();
    for (const shard of shards) {
      const at = last.get(`${shard.accountId}/${shard.region}`);
      if (
        at &&
        (period === undefined || Date.now() - Date.parse(at) < period)
      ) {
        continue;
      }
      try {
        await scheduler.triggerTask(imagesTaskId(shard));
      } catch (error) {
        // Running already (ConflictError) is as good as triggered.
        if ((error as Error)?.name !== 'ConflictError') {
          logger.warn(
            `Could not start the audit of ${shard.accountId}/${shard.region}: ${error}`,
          );
        }
      }
    }
  }
}

function staggerSeconds(index: number): number {
  return Math.round(((index * 2.3) % 60) * 10) / 10;
}

/** A schedule's initial delay (absent: none), plus some seconds. */
function plusSeconds(
  delay: SchedulerServiceTaskScheduleDefinition['initialDelay'],
  seconds: number,
): HumanDuration {
  let base = 0;
  if (delay && 'toMillis' in delay && typeof delay.toMillis === 'function') {
    base = delay.toMillis();
  } else if (delay) {
    base = durationToMilliseconds(delay as HumanDuration);
  }
  return { milliseconds: Math.round(base + seconds * 1000) };
}
