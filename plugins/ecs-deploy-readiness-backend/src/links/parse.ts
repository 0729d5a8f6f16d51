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
  AwsPartition,
  ParseResult,
  ServiceArn,
  TagFilter,
  TagQuery,
} from './types';

// ECS: cluster and service names are 1 to 255 letters, digits, hyphens and underscores.
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ACCOUNT_ID = /^\d{12}$/;
// us-east-1, eu-central-2, ap-southeast-4, cn-north-1, us-gov-west-1, il-central-1…
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const PARTITIONS: readonly AwsPartition[] = ['aws', 'aws-cn', 'aws-us-gov'];
const EXAMPLE = 'arn:aws:ecs:<region>:<account-id>:service/<cluster>/<service>';

// Limits of the resource tagging API and of tags themselves.
const MAX_TAG_FILTERS = 50;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

/** The partition a region belongs to. */
function partitionOfRegion(region: string): AwsPartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const show = (text: string) => JSON.stringify(text);

/** Orders by UTF-16 code units: the same order whatever the locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Parses an ECS service ARN, long (`arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`) or
 * short (`…:service/<name>`, services created before 2021 and not migrated: the cluster is not
 * in the ARN). Partitions `aws`, `aws-cn` and `aws-us-gov`, consistent with the region. Never
 * throws: an invalid ARN gives `{ ok: false, reason }` with a precise reason.
 */
export function parseServiceArn(input: unknown): ParseResult<ServiceArn> {
  const fail = (reason: string): ParseResult<ServiceArn> => ({
    ok: false,
    reason,
  });
  if (typeof input !== 'string') return fail('the ARN is not a string');
  const arn = input.trim();
  if (!arn) return fail('the ARN is empty');
  if (/\s/.test(arn)) return fail(`${show(arn)} contains white space`);
  const parts = arn.split(':');
  if (parts[0] !== 'arn') {
    return fail(
      `${show(arn)} is not an ARN: an ECS service ARN reads ${EXAMPLE}`,
    );
  }
  if (parts.length !== 6) {
    return fail(
      `${show(arn)} has ${
        parts.length
      } colon-separated parts; an ECS service ARN has 6: ${EXAMPLE}`,
    );
  }
  const [, partition, service, region, accountId, resource] = parts;
  if (!PARTITIONS.includes(partition as AwsPartition)) {
    return fail(
      `partition ${show(partition)} is not one of ${PARTITIONS.join(', ')}`,
    );
  }
  if (service !== 'ecs') {
    return fail(`this is an ARN of ${show(service)}, not of Amazon ECS`);
  }
  if (!REGION.test(region)) {
    return fail(
      region
        ? `region ${show(region)} is not an AWS region name such as eu-west-1`
        : 'the region is missing',
    );
  }
  if (partitionOfRegion(region) !== partition) {
    return fail(
      `region ${region} is in partition ${partitionOfRegion(
        region,
      )}, not ${partition}`,
    );
  }
  if (!ACCOUNT_ID.test(accountId)) {
    return fail(
      accountId
        ? `account ${show(accountId)} is not a 12-digit AWS account id`
        : 'the account id is missing',
    );
  }
  const slash = resource.indexOf('/');
  const resourceType = slash < 0 ? resource : resource.slice(0, slash);
  if (resourceType !== 'service') {
    const known: Record<string, string> = {
      cluster: 'a cluster',
      task: 'a task',
      'task-definition': 'a task definition',
      'container-instance': 'a container instance',
      'capacity-provider': 'a capacity provider',
    };
    return fail(
      known[resourceType]
        ? `this is the ARN of ${known[resourceType]}, not of a service`
        : `resource ${show(resource)} is not service/<cluster>/<service>`,
    );
  }
  const names = slash < 0 ? [] : resource.slice(slash + 1).split('/');
  if (names.length === 0 || names.length > 2) {
    return fail(
      `resource ${show(resource)} is not service/<cluster>/<service>`,
    );
  }
  for (const name of names) {
    if (!ECS_NAME.test(name)) {
      return fail(
        name
          ? `${show(
              name,
            )} is not an ECS name (1 to 255 letters, digits, hyphens and underscores)`
          : `resource ${show(resource)} has an empty name`,
      );
    }
  }
  const long = names.length === 2;
  return {
    ok: true,
    value: {
      arn,
      partition: partition as AwsPartition,
      region,
      accountId,
      ...(long && { cluster: names[0] }),
      serviceName: long ? names[1] : names[0],
      format: long ? 'long' : 'short',
    },
  };
}

/** An item of a comma-separated list that could not be read. */
export interface ListProblem {
  /** 1-based position in the list. */
  position: number;
  /** The item as written (trimmed). */
  item: string;
  reason: string;
}

/** Splits a comma-separated annotation value; empty items are problems, not skipped. */
function splitList(text: string): {
  items: Array<{ position: number; item: string }>;
  problems: ListProblem[];
} {
  const raw = text.split(',');
  const items: Array<{ position: number; item: string }> = [];
  const problems: ListProblem[] = [];
  raw.forEach((part, index) => {
    const item = part.trim();
    if (item) items.push({ position: index + 1, item });
    else {
      problems.push({
        position: index + 1,
        item,
        reason: `item ${index + 1} of ${
          raw.length
        } is empty (two commas in a row, or a comma at the start or the end)`,
      });
    }
  });
  return { items, problems };
}

/**
 * Parses the value of `aws.amazon.com/amazon-ecs-service-arn`: one ARN, or several separated by
 * commas (spaces around them allowed). Good ARNs and bad items are returned side by side, so
 * that one typo does not hide the other services.
 */
export function parseServiceArnList(input: unknown): {
  arns: ServiceArn[];
  problems: ListProblem[];
} {
  if (typeof input !== 'string' || !input.trim()) {
    return {
      arns: [],
      problems: [
        {
          position: 1,
          item: '',
          reason:
            'the annotation is empty: write one ECS service ARN, or several separated by commas',
        },
      ],
    };
  }
  const { items, problems } = splitList(input);
  const arns: ServiceArn[] = [];
  for (const { position, item } of items) {
    const parsed = parseServiceArn(item);
    if (parsed.ok) arns.push(parsed.value);
    else problems.push({ position, item, reason: parsed.reason });
  }
  problems.sort((a, b) => a.position - b.position);
  return { arns, problems };
}

/**
 * Parses the value of `aws.amazon.com/amazon-ecs-service-tags`: `key=value` pairs separated by
 * commas, every pair required (a service must carry every tag). The value is what follows the
 * first `=`, so it may itself contain `=`; spaces around keys and values are dropped. Never
 * throws; any problem rejects the whole query, since a partial query would match more services
 * than meant.
 */
export function parseTagQuery(input: unknown): ParseResult<TagQuery> {
  const fail = (reason: string): ParseResult<TagQuery> => ({
    ok: false,
    reason,
  });
  if (typeof input !== 'string' || !input.trim()) {
    return fail(
      'the annotation is empty: write key=value pairs separated by commas',
    );
  }
  const { items, problems } = splitList(input);
  if (problems.length > 0) return fail(problems[0].reason);
  if (items.length > MAX_TAG_FILTERS) {
    return fail(
      `${items.length} tag pairs; the resource tagging API takes at most ${MAX_TAG_FILTERS}`,
    );
  }
  const filters: TagFilter[] = [];
  const seen = new Set<string>();
  for (const { position, item } of items) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      return fail(
        `item ${position} (${show(item)}) has no "=": write key=value`,
      );
    }
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!key)
      return fail(`item ${position} (${show(item)}) has no key before "="`);
    if (key.length > MAX_TAG_KEY) {
      return fail(
        `the key of item ${position} is ${key.length} characters long; a tag key has at most ${MAX_TAG_KEY}`,
      );
    }
    if (value.length > MAX_TAG_VALUE) {
      return fail(
        `the value of item ${position} is ${value.length} characters long; a tag value has at most ${MAX_TAG_VALUE}`,
      );
    }
    if (seen.has(key)) {
      return fail(
        `key ${show(
          key,
        )} is given twice; a service has one value per tag key, so the query could never match`,
      );
    }
    seen.add(key);
    filters.push({ key, values: [value] });
  }
  const canonical = [...filters]
    .sort((a, b) => compareCodeUnits(a.key, b.key))
    .map(f => `${f.key}=${f.values[0]}`)
    .join(',');
  return { ok: true, value: { filters, canonical } };
}
