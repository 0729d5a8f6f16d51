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

import { regionKey, Tag } from '../scenario/model';
import { AwsApiError, AwsJsonService, CallContext } from './awsJson';
import { paginate } from './pagination';

interface Tagged {
  arn: string;
  /** `service:resource`, as ResourceTypeFilters names it (`ecs:service`). */
  type: string;
  tags: Tag[];
}

/** Every tagged resource of the caller's account and region. */
function taggedResources(ctx: CallContext): Tagged[] {
  const key = regionKey(ctx.account, ctx.region);
  const out: Tagged[] = [];
  const ecs = ctx.world.ecs.get(key);
  for (const cluster of ecs?.clusters.values() ?? []) {
    out.push({ arn: cluster.arn, type: 'ecs:cluster', tags: cluster.tags });
    for (const s of cluster.services.values())
      out.push({ arn: s.arn, type: 'ecs:service', tags: s.tags });
  }
  for (const td of ecs?.taskDefinitions.values() ?? []) {
    out.push({ arn: td.arn, type: 'ecs:task-definition', tags: td.tags });
  }
  for (const repo of ctx.world.ecr.get(key)?.values() ?? []) {
    out.push({ arn: repo.arn, type: 'ecr:repository', tags: repo.tags });
  }
  // The tagging API only knows resources that carry at least one tag.
  return out.filter(r => r.tags.length > 0);
}

function matchesType(resource: Tagged, filters: string[]): boolean {
  return filters.some(
    f =>
      f === resource.type ||
      (!f.includes(':') && resource.type.startsWith(`${f}:`)),
  );
}

function getResources(input: Record<string, any>, ctx: CallContext) {
  const tagFilters: Array<{ Key?: unknown; Values?: unknown }> =
    input.TagFilters ?? [];
  const typeFilters: unknown[] = input.ResourceTypeFilters ?? [];
  const arnList: unknown[] | undefined = input.ResourceARNList;
  const lists = {
    TagFilters: tagFilters,
    ResourceTypeFilters: typeFilters,
    ResourceARNList: arnList ?? [],
  };
  for (const [name, value] of Object.entries(lists)) {
    if (!Array.isArray(value)) {
      throw new AwsApiError('SerializationException', `${name} must be a list`);
    }
  }
  if (tagFilters.length > 50) {
    throw new AwsApiError(
      'InvalidParameterException',
      'TagFilters can have at most 50 items.',
    );
  }
  if (arnList && (tagFilters.length || typeFilters.length)) {
    throw new AwsApiError(
      'InvalidParameterException',
      'ResourceARNList cannot be combined with TagFilters or ResourceTypeFilters.',
    );
  }
  for (const f of tagFilters) {
    if (typeof f?.Key !== 'string' || !f.Key) {
      throw new AwsApiError(
        'InvalidParameterException',
        'Each tag filter needs a Key.',
      );
    }
  }
  const resources = taggedResources(ctx).filter(
    r =>
      (!arnList || arnList.includes(r.arn)) &&
      (typeFilters.length === 0 || matchesType(r, typeFilters.map(String))) &&
      tagFilters.every(f => {
        const values = Array.isArray(f.Values) ? f.Values.map(String) : [];
        return r.tags.some(
          t =>
            t.key === f.Key &&
            (values.length === 0 || values.includes(t.value)),
        );
      }),
  );
  const { page, nextToken } = paginate(
    resources,
    {
      nextToken: input.PaginationToken,
      maxResults: input.ResourcesPerPage,
      sizeName: 'ResourcesPerPage',
      defaultSize: 100,
      maxSize: 100,
      query: ['GetResources', tagFilters, typeFilters, arnList ?? null],
    },
    ctx.signer,
  );
  return {
    PaginationToken: nextToken ?? '',
    ResourceTagMappingList: page.map(r => ({
      ResourceARN: r.arn,
      Tags: r.tags.map(t => ({ Key: t.key, Value: t.value })),
    })),
  };
}

/** The resource groups tagging API (`ResourceGroupsTaggingAPI_20170126`), GetResources only. */
export const taggingService: AwsJsonService = {
  targetPrefix: 'ResourceGroupsTaggingAPI_20170126',
  iamPrefix: 'tag',
  throttlingErrorType: 'ThrottledException',
  handlers: { GetResources: getResources },
};
