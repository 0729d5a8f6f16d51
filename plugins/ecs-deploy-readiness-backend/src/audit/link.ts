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
import { type AwsClients, resolveTags } from '../aws';
import { ShardCollector } from '../collect';
import type { ReadinessStore } from '../store/ReadinessStore';
import type { ReadinessConfig } from '../config';
import {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  EntityLinker,
  type LinkResult,
  parseServiceArn,
  parseServiceArnList,
  type ResolveTags,
} from '../links';

/** What {@link linkCatalog} needs. */
export interface LinkCatalogOptions {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  clients: AwsClients;
  config: ReadinessConfig;
}

/**
 * Links the catalog to ECS services, as every scheduled task does; unless configured, tag
 * queries are searched where the ARNs point.
 */
export async function linkCatalog(
  options: LinkCatalogOptions,
  signal?: AbortSignal,
): Promise<LinkResult> {
  const { clients, config } = options;
  const accountIds = config.aws.accountIds;
  const known = new Map<string, boolean>();
  const regions = new Set<string>(config.aws.regions ?? []);
  const accounts = new Set<string>(accountIds);
  // Sees every page of entities before the linker does: the accounts the ARNs name are checked
  // for credentials (the linker asks synchronously), and their regions noted.
  const observe = async (items: Array<{ metadata: any }>) => {
    for (const entity of items) {
      const annotations = entity.metadata?.annotations ?? {};
      const arns = [
        ...parseServiceArnList(annotations[ECS_SERVICE_ARN_ANNOTATION] ?? '')
          .arns,
      ];
      const resourceArn = parseServiceArn(
        annotations[AWS_ARN_ANNOTATION] ?? '',
      );
      if (resourceArn.ok) arns.push(resourceArn.value);
      for (const arn of arns) {
        if (!config.aws.regions) regions.add(arn.region);
        if (!known.has(arn.accountId)) {
          const isKnown = await clients.isKnown(arn.accountId);
          known.set(arn.accountId, isKnown);
          if (isKnown) accounts.add(arn.accountId);
        }
      }
    }
  };
  const catalog = new Proxy(options.catalog, {
    get(target, property, receiver) {
      if (property === 'queryEntities') {
        return async (...args: Parameters<CatalogService['queryEntities']>) => {
          const response = await target.queryEntities(...args);
          await observe(response.items);
          return response;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  for (const id of accountIds) {
    if (!known.has(id)) known.set(id, await clients.isKnown(id));
  }
  const tagResolver: ResolveTags = async (query, queryOptions) => {
    const searchAccounts = [...accounts].filter(id => known.get(id)).sort();
    const searchRegions = [...regions].sort();
    const resolved = await resolveTags(
      clients,
      Object.fromEntries(query.filters.map(f => [f.key, f.values[0]])),
      {
        accountIds: searchAccounts,
        regions: searchRegions,
        signal: queryOptions.signal,
      },
    );
    const failed = resolved.errors.map(e => ({
      accountId: e.accountId ?? '',
      region: e.region ?? '',
      reason: `${e.code}: ${e.message}`,
    }));
    const failedKeys = new Set(failed.map(f => `${f.accountId}/${f.region}`));
    return {
      serviceArns: resolved.serviceArns,
      searched: searchAccounts
        .flatMap(accountId =>
          searchRegions.map(region => ({ accountId, region })),
        )
        .filter(s => !failedKeys.has(`${s.accountId}/${s.region}`)),
      ...(failed.length > 0 && { failed }),
    };
  };
  return EntityLinker.create({
    catalog,
    auth: options.auth,
    logger: options.logger,
    accounts: {
      isKnown: id => known.get(id) === true,
      get regions() {
        return [...regions].sort();
      },
    },
    resolveTags: tagResolver,
  }).linkAll(signal);
}

/**
 * The shard collector of the scheduled tasks: task definitions are read from AWS once per ARN,
 * ever, and kept in the store.
 */
export function storeBackedCollector(options: {
  clients: AwsClients;
  logger: LoggerService;
  store: ReadinessStore;
}): ShardCollector {
  const { store } = options;
  return ShardCollector.create({
    clients: options.clients,
    logger: options.logger,
    taskDefinitions: {
      get: arn => store.getTaskDefinition(arn),
      put: (arn, definition) => store.putTaskDefinition(arn, definition),
    },
  });
}
