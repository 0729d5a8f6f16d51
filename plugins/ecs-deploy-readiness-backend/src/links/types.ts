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

import type { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { EntityMetaInput } from '../store/ReadinessStore';

// The annotations that link an entity to ECS services, defined once for the backend and the card.
export {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_RESOURCE_TYPE,
  ECS_SERVICE_TAGS_ANNOTATION,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

/** The AWS partitions whose ECS service ARNs are accepted. */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** An ECS service ARN, taken apart. */
export interface ServiceArn {
  /** The ARN as written (trimmed). */
  arn: string;
  partition: AwsPartition;
  region: string;
  /** 12 digits. */
  accountId: string;
  /**
   * The cluster name. Undefined for a short ARN (`service/<name>`), the format of services
   * created before 2021 and not migrated: the ARN does not say which cluster the service is in.
   */
  cluster?: string;
  serviceName: string;
  /** `long`: `service/<cluster>/<name>`; `short`: `service/<name>`. */
  format: 'long' | 'short';
}

/** What parsing gives: the value, or a precise reason. Parsers never throw. */
export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string };

/**
 * One tag condition of a query: the resource has the tag `key` with one of `values`. As the
 * resource tagging API's `TagFilters` reads them, conditions are ANDed.
 */
export interface TagFilter {
  key: string;
  values: string[];
}

/** A parsed `aws.amazon.com/amazon-ecs-service-tags` value. */
export interface TagQuery {
  filters: TagFilter[];
  /** The query in one canonical spelling (`k=v,k2=v2`, keys sorted): equal queries, equal text. */
  canonical: string;
}

/** Where a tag query was, or could not be, run. */
export interface TagSearchShard {
  accountId: string;
  region: string;
}

/** What resolving a tag query found. */
export interface TagResolution {
  /** ARNs of the ECS services (`ecs:service`) that carry every tag, over every shard searched. */
  serviceArns: string[];
  /** The account and region pairs that were searched. */
  searched: TagSearchShard[];
  /** The pairs that could not be searched (access denied, throttled…), with the reason. */
  failed?: Array<TagSearchShard & { reason: string }>;
}

/**
 * Resolves a tag query with the resource tagging API (`GetResources`, `ResourceTypeFilters:
 * ['ecs:service']`, `TagFilters` from the query, every page) in the configured accounts and
 * regions. A shard's failure goes into `failed`; a throw fails the whole query, and the linker
 * turns it into a finding on the entity.
 */
export type ResolveTags = (
  query: TagQuery,
  options: { signal?: AbortSignal },
) => Promise<TagResolution>;

/** What the linker needs to know of the configured AWS accounts. */
export interface LinkAccounts {
  /** Whether the plugin has credentials for the account (`aws.accounts`, or a main account). */
  isKnown(accountId: string): boolean;
  /** The regions tag queries are searched in (for the evidence of a query that matched nothing). */
  readonly regions: readonly string[];
}

/** How an entity came to be linked to a service. */
export type LinkVia =
  /** The entity's `aws.amazon.com/amazon-ecs-service-arn` annotation. */
  | 'arn-annotation'
  /** The entity's `aws.amazon.com/amazon-ecs-service-tags` annotation. */
  | 'tags'
  /** The entity is a Resource of type `ecs-service` with `aws.amazon.com/arn`. */
  | 'resource'
  /** The entity depends on such a Resource (`dependsOn` / `dependencyOf` relation). */
  | 'depends-on';

/** A catalog entity linked to one ECS service. */
export interface EntityServiceLink {
  /** `kind:namespace/name`, as `stringifyEntityRef` writes it. */
  entityRef: string;
  serviceArn: string;
  accountId: string;
  region: string;
  /** Undefined for a short service ARN: the cluster must be found by listing the clusters. */
  cluster?: string;
  serviceName: string;
  /** The strongest way it was linked, when several lead to the same service. */
  via: LinkVia;
  /** With `depends-on`: the Resource entity the link goes through. */
  resourceRef?: string;
}

/** A link that could not be followed: a `link-error` finding on the entity. */
export interface EntityLinkError {
  entityRef: string;
  finding: Finding;
}

/** The outcome of linking the whole catalog. */
export interface LinkResult {
  /** One per entity and service (deduplicated), sorted by entity then service ARN. */
  links: EntityServiceLink[];
  errors: EntityLinkError[];
  /**
   * The catalog's view (title, owner, system) of every entity in `links` or `errors`, one per
   * entity, sorted by entity ref. An entity the catalog no longer has (a dependent named by a
   * stale relation) has only the kind, namespace and name of its ref.
   */
  entities: EntityMetaInput[];
  /** How many catalog entities were read (entities with a link annotation or ECS Resources). */
  entitiesRead: number;
}
