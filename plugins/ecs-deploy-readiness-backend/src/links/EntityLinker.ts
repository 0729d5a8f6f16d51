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

import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  type Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EntityMetaInput } from '../store/ReadinessStore';
import { linkErrorFinding, type LinkErrorInput } from './findings';
import { parseServiceArn, parseServiceArnList, parseTagQuery } from './parse';
import {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_RESOURCE_TYPE,
  ECS_SERVICE_TAGS_ANNOTATION,
  type EntityLinkError,
  type EntityServiceLink,
  type LinkAccounts,
  type LinkResult,
  type LinkVia,
  type ResolveTags,
  type ServiceArn,
  type TagQuery,
  type TagResolution,
} from './types';

/** "The field exists, any value" in a catalog filter. */
const FILTER_EXISTS = CATALOG_FILTER_EXISTS;

// What the scorecard shows of a linked entity: its names, title, owner and system (relations).
const META_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'relations',
];

// Only what linking reads; annotations as a whole (a field path cannot name a key with dots).
const FIELDS = [...META_FIELDS, 'metadata.annotations', 'spec.type'];

const DEFAULT_PAGE_SIZE = 500;

/** Refs per `getEntitiesByRefs` call. */
const REFS_PER_REQUEST = 500;

// When several sources link an entity to one service, the most direct one names the link.
const VIA_RANK: Record<LinkVia, number> = {
  'arn-annotation': 0,
  resource: 1,
  tags: 2,
  'depends-on': 3,
};

/** What the linker is built from. */
export interface EntityLinkerOptions {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  accounts: LinkAccounts;
  resolveTags: ResolveTags;
  /** Entities per catalog page; default 500. */
  pageSize?: number;
}

/** Finds the ECS services catalog entities link to, and the links that cannot be followed. */
export interface EntityLinkerService {
  linkAll(signal?: AbortSignal): Promise<LinkResult>;
}

/** An entity's pending tag query. */
interface PendingTags {
  entityRef: string;
  value: string;
  query: TagQuery;
}

/** Collects links and errors of one run, deduplicated. */
class LinkCollector {
  readonly #links = new Map<string, EntityServiceLink>();
  readonly #errors = new Map<string, EntityLinkError>();

  addLink(
    entityRef: string,
    arn: ServiceArn,
    via: LinkVia,
    resourceRef?: string,
  ) {
    const key = `${entityRef.toLocaleLowerCase('en-US')}\n${arn.arn}`;
    const existing = this.#links.get(key);
    if (existing && VIA_RANK[existing.via] <= VIA_RANK[via]) return;
    this.#links.set(key, {
      entityRef: existing?.entityRef ?? entityRef,
      serviceArn: arn.arn,
      accountId: arn.accountId,
      region: arn.region,
      ...(arn.cluster !== undefined && { cluster: arn.cluster }),
      serviceName: arn.serviceName,
      via,
      ...(resourceRef !== undefined && { resourceRef }),
    });
  }

  addError(entityRef: string, input: LinkErrorInput) {
    const finding = linkErrorFinding(input);
    const key = `${entityRef.toLocaleLowerCase('en-US')}\n${JSON.stringify(
      finding,
    )}`;
    if (!this.#errors.has(key)) this.#errors.set(key, { entityRef, finding });
  }

  result(entitiesRead: number, entities: EntityMetaInput[]): LinkResult {
    return {
      links: [...this.#links.values()].sort(
        (a, b) => byRef(a, b) || a.serviceArn.localeCompare(b.serviceArn, 'en'),
      ),
      errors: [...this.#errors.values()].sort(byRef),
      entities: [...entities].sort(byRef),
      entitiesRead,
    };
  }

  /** The refs of the entities linked or with a link error, as first written. */
  entityRefs(): string[] {
    const refs = new Map<string, string>();
    for (const { entityRef } of [
      ...this.#links.values(),
      ...this.#errors.values(),
    ]) {
      const key = entityRef.toLocaleLowerCase('en-US');
      if (!refs.has(key)) refs.set(key, entityRef);
    }
    return [...refs.values()];
  }
}

/**
 * Links catalog entities to ECS services, compatible with the AWS ECS plugin for Backstage and
 * AWS's catalog module:
 *
 * - `aws.amazon.com/amazon-ecs-service-arn`: one service ARN, or several separated by commas;
 * - `aws.amazon.com/amazon-ecs-service-tags`: `key=value,…`, resolved with `resolveTags`;
 * - a Resource of `spec.type: ecs-service` with `aws.amazon.com/arn` links itself and every entity
 *   that depends on it (its `dependencyOf` relations, the reverse of their `dependsOn`).
 *
 * Any kind of entity may carry the annotations, and an entity may carry both (the AWS ECS plugin
 * reads only one; here they add up). A link that cannot be followed becomes a `link-error`
 * finding on the entity; it never stops the run.
 */
export class EntityLinker implements EntityLinkerService {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #accounts: LinkAccounts;
  readonly #resolveTags: ResolveTags;
  readonly #pageSize: number;

  static create(options: EntityLinkerOptions): EntityLinker {
    return new EntityLinker(options);
  }

  private constructor(options: EntityLinkerOptions) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#accounts = options.accounts;
    this.#resolveTags = options.resolveTags;
    this.#pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /**
   * Reads every entity with a link and returns the links, one per entity and service, and the
   * links that could not be followed. Throws only when the catalog cannot be read or `signal`
   * fires.
   */
  async linkAll(signal?: AbortSignal): Promise<LinkResult> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const collector = new LinkCollector();
    const pendingTags: PendingTags[] = [];
    const read = new Map<string, EntityMetaInput>();
    let entitiesRead = 0;
    for await (const page of this.#pages(credentials, signal)) {
      for (const entity of page) {
        entitiesRead += 1;
        const meta = entityMeta(entity);
        read.set(meta.entityRef.toLocaleLowerCase('en-US'), meta);
        this.#linkEntity(entity, collector, pendingTags);
      }
    }
    await this.#linkTags(pendingTags, collector, signal);
    const entities = await this.#entityMeta(
      collector.entityRefs(),
      read,
      credentials,
      signal,
    );
    const result = collector.result(entitiesRead, entities);
    this.#logger.info(
      `Linked ${
        new Set(result.links.map(l => l.entityRef)).size
      } catalog entities to ${
        new Set(result.links.map(l => l.serviceArn)).size
      } ECS services (${result.links.length} links, ${
        result.errors.length
      } link errors, ${entitiesRead} entities read)`,
    );
    return result;
  }

  /**
   * The catalog, page by page: `queryEntities` with a cursor, which stays consistent while the
   * catalog changes (offset paging of `getEntities` can skip or repeat entities).
   */
  async *#pages(
    credentials: BackstageCredentials,
    signal?: AbortSignal,
  ): AsyncGenerator<Entity[]> {
    let cursor: string | undefined;
    do {
      signal?.throwIfAborted();
      const response = cursor
        ? await this.#catalog.queryEntities(
            { cursor, limit: this.#pageSize, fields: FIELDS },
            { credentials },
          )
        : await this.#catalog.queryEntities(
            {
              filter: [
                {
                  [`metadata.annotations.${ECS_SERVICE_ARN_ANNOTATION}`]:
                    FILTER_EXISTS,
                },
                {
                  [`metadata.annotations.${ECS_SERVICE_TAGS_ANNOTATION}`]:
                    FILTER_EXISTS,
                },
                { kind: 'Resource', 'spec.type': ECS_SERVICE_RESOURCE_TYPE },
              ],
              fields: FIELDS,
              limit: this.#pageSize,
            },
            { credentials },
          );
      yield response.items;
      cursor = response.pageInfo.nextCursor;
    } while (cursor);
  }

  /**
   * The catalog's view of these entities: from the pages already read, else (entities linked
   * through a Resource they depend on) read by ref, 500 a request.
   */
  async #entityMeta(
    refs: string[],
    read: Map<string, EntityMetaInput>,
    credentials: BackstageCredentials,
    signal?: AbortSignal,
  ): Promise<EntityMetaInput[]> {
    const entities: EntityMetaInput[] = [];
    const unread: string[] = [];
    for (const ref of refs) {
      const meta = read.get(ref.toLocaleLowerCase('en-US'));
      if (meta) entities.push(meta);
      else unread.push(ref);
    }
    for (let i = 0; i < unread.length; i += REFS_PER_REQUEST) {
      signal?.throwIfAborted();
      const entityRefs = unread.slice(i, i + REFS_PER_REQUEST);
      const { items } = await this.#catalog.getEntitiesByRefs(
        { entityRefs, fields: META_FIELDS },
        { credentials },
      );
      entityRefs.forEach((ref, j) => {
        const entity = items[j];
        entities.push(entity ? entityMeta(entity) : metaOfRef(ref));
      });
    }
    return entities;
  }

  #linkEntity(
    entity: Entity,
    collector: LinkCollector,
    pendingTags: PendingTags[],
  ) {
    const entityRef = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};

    if (ECS_SERVICE_ARN_ANNOTATION in annotations) {
      const value = annotations[ECS_SERVICE_ARN_ANNOTATION];
      const { arns, problems } = parseServiceArnList(value);
      for (const problem of problems) {
        collector.addError(entityRef, {
          title: `Malformed ECS service ARN in ${ECS_SERVICE_ARN_ANNOTATION}`,
          annotation: ECS_SERVICE_ARN_ANNOTATION,
          value,
          reason: problem.reason,
          via: 'arn-annotation',
          details: { item: problem.item, position: problem.position },
        });
      }
      for (const arn of arns) {
        if (
          this.#checkAccount(entityRef, arn, value, 'arn-annotation', collector)
        ) {
          collector.addLink(entityRef, arn, 'arn-annotation');
        }
      }
    }

    if (ECS_SERVICE_TAGS_ANNOTATION in annotations) {
      const value = annotations[ECS_SERVICE_TAGS_ANNOTATION];
      const parsed = parseTagQuery(value);
      if (parsed.ok)
        pendingTags.push({ entityRef, value, query: parsed.value });
      else {
        collector.addError(entityRef, {
          title: `Malformed tag query in ${ECS_SERVICE_TAGS_ANNOTATION}`,
          annotation: ECS_SERVICE_TAGS_ANNOTATION,
          value,
          reason: parsed.reason,
          via: 'tags',
        });
      }
    }

    if (isEcsServiceResource(entity))
      this.#linkResource(entity, entityRef, collector);
  }

  /** A Resource of type ecs-service: itself, and every entity that depends on it. */
  #linkResource(entity: Entity, entityRef: string, collector: LinkCollector) {
    const value = entity.metadata.annotations?.[AWS_ARN_ANNOTATION];
    const dependents = dependentsOf(entity);
    const fail = (
      input: Omit<LinkErrorInput, 'annotation' | 'value' | 'via'>,
    ) => {
      collector.addError(entityRef, {
        ...input,
        annotation: AWS_ARN_ANNOTATION,
        value,
        via: 'resource',
      });
      for (const dependent of dependents) {
        collector.addError(dependent, {
          ...input,
          title: `Depends on ${entityRef}, whose ECS service link is broken`,
          annotation: AWS_ARN_ANNOTATION,
          value,
          via: 'depends-on',
          details: { ...input.details, resourceRef: entityRef },
        });
      }
    };
    if (value === undefined) {
      fail({
        title: `The ${ECS_SERVICE_RESOURCE_TYPE} Resource has no ${AWS_ARN_ANNOTATION} annotation`,
        reason: `a Resource of type ${ECS_SERVICE_RESOURCE_TYPE} names its service with ${AWS_ARN_ANNOTATION}`,
      });
      return;
    }
    const parsed = parseServiceArn(value);
    if (!parsed.ok) {
      fail({
        title: `The ${ECS_SERVICE_RESOURCE_TYPE} Resource's ${AWS_ARN_ANNOTATION} is not an ECS service ARN`,
        reason: parsed.reason,
      });
      return;
    }
    const arn = parsed.value;
    if (!this.#accounts.isKnown(arn.accountId)) {
      fail({
        ...unknownAccount(arn),
        accountId: arn.accountId,
        region: arn.region,
      });
      return;
    }
    collector.addLink(entityRef, arn, 'resource');
    for (const dependent of dependents) {
      collector.addLink(dependent, arn, 'depends-on', entityRef);
    }
  }

  /** Whether the ARN's account has credentials; if not, a link error on the entity. */
  #checkAccount(
    entityRef: string,
    arn: ServiceArn,
    value: string,
    via: LinkVia,
    collector: LinkCollector,
  ): boolean {
    if (this.#accounts.isKnown(arn.accountId)) return true;
    collector.addError(entityRef, {
      ...unknownAccount(arn),
      annotation:
        via === 'tags'
          ? ECS_SERVICE_TAGS_ANNOTATION
          : ECS_SERVICE_ARN_ANNOTATION,
      value,
      via,
      accountId: arn.accountId,
      region: arn.region,
    });
    return false;
  }

  /** Resolves each distinct tag query once, then links the entities that asked for it. */
  async #linkTags(
    pending: PendingTags[],
    collector: LinkCollector,
    signal?: AbortSignal,
  ) {
    const resolutions = new Map<
      string,
      { ok: true; value: TagResolution } | { ok: false; reason: string }
    >();
    for (const { query } of pending) {
      if (resolutions.has(query.canonical)) continue;
      signal?.throwIfAborted();
      try {
        resolutions.set(query.canonical, {
          ok: true,
          value: await this.#resolveTags(query, { signal }),
        });
      } catch (error) {
        // A canceled run is not a broken link.
        if (signal?.aborted) throw error;
        const reason = errorMessage(error);
        this.#logger.warn(
          `Could not resolve the ECS service tag query ${query.canonical}: ${reason}`,
        );
        resolutions.set(query.canonical, { ok: false, reason });
      }
    }

    const annotation = ECS_SERVICE_TAGS_ANNOTATION;
    for (const { entityRef, value, query } of pending) {
      const resolution = resolutions.get(query.canonical)!;
      if (!resolution.ok) {
        collector.addError(entityRef, {
          title: `The tag query ${query.canonical} could not be resolved`,
          annotation,
          value,
          reason: resolution.reason,
          via: 'tags',
        });
        continue;
      }
      const { serviceArns, searched, failed = [] } = resolution.value;
      const shards = {
        searched: searched.map(s => `${s.accountId}/${s.region}`),
        ...(failed.length > 0 && { failed }),
      };
      if (serviceArns.length === 0) {
        collector.addError(entityRef, {
          title: `No ECS service carries the tags ${query.canonical}`,
          annotation,
          value,
          reason:
            failed.length > 0
              ? `no service matched in the ${searched.length} account and region pairs searched, and ${failed.length} could not be searched`
              : `no service matched in the ${searched.length} account and region pairs searched`,
          via: 'tags',
          details: { ...shards, regions: [...this.#accounts.regions] },
        });
        continue;
      }
      if (failed.length > 0) {
        collector.addError(entityRef, {
          title: `The tag query ${query.canonical} could not be searched everywhere`,
          annotation,
          value,
          reason: `${failed.length} account and region pairs could not be searched, so services there are missing`,
          via: 'tags',
          details: shards,
          severity: 'info',
        });
      }
      for (const serviceArn of serviceArns) {
        const parsed = parseServiceArn(serviceArn);
        if (!parsed.ok) {
          collector.addError(entityRef, {
            title: `The tag query ${query.canonical} returned an ARN that is not an ECS service ARN`,
            annotation,
            value,
            reason: parsed.reason,
            via: 'tags',
            details: { serviceArn },
          });
        } else if (
          this.#checkAccount(entityRef, parsed.value, value, 'tags', collector)
        ) {
          collector.addLink(entityRef, parsed.value, 'tags');
        }
      }
    }
  }
}

function byRef(a: { entityRef: string }, b: { entityRef: string }): number {
  return a.entityRef.localeCompare(b.entityRef, 'en');
}

/** What the scorecard shows of an entity: names as spelled, title, owner and system refs. */
function entityMeta(entity: Entity): EntityMetaInput {
  const relations = entity.relations ?? [];
  const owner = relations
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => normalizedRef(r.targetRef))
    .find(Boolean);
  const system = relations
    .filter(r => r.type === RELATION_PART_OF)
    .map(r => normalizedRef(r.targetRef))
    .find(ref => ref?.startsWith('system:'));
  const title = entity.metadata.title;
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
    name: entity.metadata.name,
    ...(typeof title === 'string' && title.trim() !== '' && { title }),
    ...(owner && { owner }),
    ...(system && { system }),
  };
}

/** An entity the catalog does not have: what its ref says. */
function metaOfRef(ref: string): EntityMetaInput {
  const { kind, namespace, name } = parseEntityRef(ref);
  return { entityRef: ref, kind, namespace, name };
}

/** A relation's target as a full, lower-case entity ref; undefined when it is not a ref. */
function normalizedRef(targetRef: string): string | undefined {
  try {
    return stringifyEntityRef(parseEntityRef(targetRef)).toLocaleLowerCase(
      'en-US',
    );
  } catch {
    return undefined;
  }
}

function isEcsServiceResource(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    (entity.spec as { type?: unknown } | undefined)?.type ===
      ECS_SERVICE_RESOURCE_TYPE
  );
}

/** The entities that depend on this one (its `dependencyOf` relations), as entity refs. */
function dependentsOf(entity: Entity): string[] {
  const refs: string[] = [];
  for (const relation of entity.relations ?? []) {
    if (relation.type !== RELATION_DEPENDENCY_OF) continue;
    try {
      refs.push(stringifyEntityRef(parseEntityRef(relation.targetRef)));
    } catch {
      // A relation the catalog wrote is always a full ref; ignore anything else.
    }
  }
  return refs;
}

function unknownAccount(arn: ServiceArn) {
  return {
    title: `No AWS credentials for account ${arn.accountId} (ECS service ${arn.serviceName})`,
    reason: `account ${arn.accountId} is not among the accounts configured under aws.accounts, so its services cannot be read`,
    details: { serviceArn: arn.arn },
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.name && error.name !== 'Error'
      ? `${error.name}: ${error.message}`
      : error.message;
  }
  return String(error);
}
