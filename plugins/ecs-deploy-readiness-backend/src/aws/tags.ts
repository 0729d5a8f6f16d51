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

import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import type { AwsClients } from './AwsClients';
import { AwsCallError, AwsError, describeAwsError } from './errors';

/** Options of {@link resolveTags}. */
export interface ResolveTagsOptions {
  /** The accounts to search: the AWS integration's configured accounts. */
  accountIds: string[];
  /** The regions to search in each account. */
  regions: string[];
  signal?: AbortSignal;
  /** Resources per page, 1 to 100 (default 100, the API's maximum). */
  pageSize?: number;
}

/** What {@link resolveTags} found. */
export interface ResolvedTags {
  /** ARNs of the ECS services that carry every tag, sorted. */
  serviceArns: string[];
  /** Account and region pairs that could not be searched; the others still were. */
  errors: AwsError[];
}

const RESOURCES_PER_PAGE = 100;

/**
 * Finds the ECS services that carry all the given tags (`key=value`, as the
 * `aws.amazon.com/amazon-ecs-service-tags` annotation lists them), with the resource groups
 * tagging API's `GetResources` (`ResourceTypeFilters: ['ecs:service']`, every page) in each
 * account and region. A failing account or region is reported, never thrown.
 */
export async function resolveTags(
  clients: AwsClients,
  tags: Record<string, string>,
  options: ResolveTagsOptions,
): Promise<ResolvedTags> {
  const TagFilters = Object.entries(tags).map(([Key, value]) => ({
    Key,
    Values: [value],
  }));
  if (TagFilters.length === 0) {
    return { serviceArns: [], errors: [] };
  }
  const found = new Set<string>();
  const errors: AwsError[] = [];
  const pairs = options.accountIds.flatMap(accountId =>
    options.regions.map(region => ({ accountId, region })),
  );
  await Promise.all(
    pairs.map(async ({ accountId, region }) => {
      const client = clients.tagging(accountId, region);
      let PaginationToken: string | undefined;
      try {
        do {
          const page = await client
            .send(
              new GetResourcesCommand({
                TagFilters,
                ResourceTypeFilters: ['ecs:service'],
                ResourcesPerPage: options.pageSize ?? RESOURCES_PER_PAGE,
                ...(PaginationToken ? { PaginationToken } : {}),
              }),
              { abortSignal: options.signal },
            )
            .catch(error => {
              throw new AwsCallError('tag:GetResources', error);
            });
          for (const mapping of page.ResourceTagMappingList ?? []) {
            if (mapping.ResourceARN) found.add(mapping.ResourceARN);
          }
          PaginationToken = page.PaginationToken || undefined;
        } while (PaginationToken);
      } catch (error) {
        errors.push(describeAwsError(error, { accountId, region }));
      }
    }),
  );
  return { serviceArns: [...found].sort(), errors };
}
