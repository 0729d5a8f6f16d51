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

/** Rate and burst of one token bucket. @public */
export interface ThrottleRule {
  /** Requests per second, refilled continuously. */
  rate: number;
  /** Bucket size: requests allowed at once. */
  burst: number;
}

/**
 * Throttling settings: a token bucket per API action (per account and region, as AWS does).
 * `actions` overrides the default for single actions, keyed `ecs:DescribeServices` or
 * `DescribeServices`.
 *
 * @public
 */
export interface ThrottleOptions extends Partial<ThrottleRule> {
  actions?: Record<string, ThrottleRule>;
}

/**
 * ECS throttles groups of actions together, per account and Region: "cluster read actions
 * (such as DescribeClusters)" draw on one bucket (Amazon ECS API Reference, "Request
 * throttling for the Amazon ECS API"). The sandbox groups the read actions it serves by the
 * resource they read; an action outside this table has a bucket of its own.
 */
const ACTION_GROUPS: Record<string, string> = Object.fromEntries(
  Object.entries({
    'ecs:cluster-read': ['DescribeClusters', 'ListClusters'],
    'ecs:container-instance-read': [
      'DescribeContainerInstances',
      'ListContainerInstances',
    ],
    'ecs:service-read': [
      'DescribeServices',
      'ListServices',
      'ListServiceDeployments',
      'DescribeServiceDeployments',
      'DescribeServiceRevisions',
    ],
    'ecs:task-definition-read': ['DescribeTaskDefinition'],
    'ecs:task-read': ['DescribeTasks', 'ListTasks'],
  }).flatMap(([group, actions]) =>
    actions.map(action => [`ecs:${action}`, group]),
  ),
);

/** The bucket an action draws on: its ECS group, or its own. */
export function throttleBucketOf(service: string, action: string): string {
  return ACTION_GROUPS[`${service}:${action}`] ?? `${service}:${action}`;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets keyed by action. */
export class Throttler {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: ThrottleOptions,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  private ruleFor(service: string, action: string): ThrottleRule | undefined {
    const specific =
      this.options.actions?.[`${service}:${action}`] ??
      this.options.actions?.[action] ??
      this.options.actions?.[throttleBucketOf(service, action)];
    if (specific) return specific;
    if (this.options.rate !== undefined) {
      return {
        rate: this.options.rate,
        burst: this.options.burst ?? Math.max(1, this.options.rate),
      };
    }
    return undefined;
  }

  /** Takes a token; false when the caller is throttled. */
  take(service: string, action: string, scope: string): boolean {
    const rule = this.ruleFor(service, action);
    if (!rule) return true;
    const key = `${scope}|${throttleBucketOf(service, action)}`;
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? {
      tokens: rule.burst,
      updatedAt: now,
    };
    bucket.tokens = Math.min(
      rule.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * rule.rate,
    );
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
