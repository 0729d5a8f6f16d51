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
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** At most this many users' visible sets are remembered at once. */
const MAX_CACHED_USERS = 1000;
/** Entity refs per `getEntitiesByRefs` request. */
const REFS_PER_REQUEST = 1000;

/**
 * Values per user for `ttlMs`, at most {@link MAX_CACHED_USERS} of them (the least recently
 * written go first). A `ttlMs` of 0 remembers nothing.
 */
class PerUserCache<T> {
  readonly #entries = new Map<string, { at: number; value: T }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string | undefined, now: number): T | undefined {
    const entry = key === undefined ? undefined : this.#entries.get(key);
    return entry && now - entry.at < this.ttlMs ? entry.value : undefined;
  }

  set(key: string | undefined, value: T, now: number): void {
    if (key === undefined || this.ttlMs <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { at: now, value });
    while (this.#entries.size > MAX_CACHED_USERS) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Forgets the key's value if it is still `value`. */
  forget(key: string, value: T): void {
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }
}

/** Options of {@link EntityVisibility.create}. */
export interface EntityVisibilityOptions {
  catalog: CatalogService;
  permissions: PermissionsService;
  auth: AuthService;
  /** How long a user's visible set is remembered, in milliseconds; 0 to ask every time. */
  cacheMs: number;
  clock?: () => number;
}

/**
 * Which catalog entities a caller may read, as the catalog decides it: the API shows an entity
 * only to callers that the catalog would show it to.
 *
 * - One entity: for a caller who may read every entity (below), the plugin's own copy of the
 *   catalog's view (the last catalog link) answers; for any other caller the catalog is asked
 *   with their credentials (`getEntityByRef`), so an entity they cannot read is exactly like one
 *   that does not exist.
 * - Many entities (the scorecard): the permission framework is asked first whether the caller
 *   may read every entity (`catalog.entity.read`). An unconditional allow (the allow-all
 *   policy, or a service caller) needs nothing more; a deny shows nothing; a conditional
 *   decision (a policy that decides per entity, e.g. by owner) is resolved by asking the
 *   catalog which of the linked entities the caller can read (`getEntitiesByRefs` with their
 *   credentials), remembered per user for `cacheMs`.
 */
export class EntityVisibility {
  readonly #catalog: CatalogService;
  readonly #permissions: PermissionsService;
  readonly #auth: AuthService;
  readonly #clock: () => number;
  readonly #visible: PerUserCache<Promise<ReadonlySet<string>>>;
  readonly #decisions: PerUserCache<AuthorizeResult>;

  static create(options: EntityVisibilityOptions): EntityVisibility {
    return new EntityVisibility(options);
  }

  private constructor(options: EntityVisibilityOptions) {
    this.#catalog = options.catalog;
    this.#permissions = options.permissions;
    this.#auth = options.auth;
    this.#clock = options.clock ?? Date.now;
    this.#visible = new PerUserCache(options.cacheMs);
    this.#decisions = new PerUserCache(options.cacheMs);
  }

  /** The entity, when it exists and the caller may read it. */
  async getEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    return this.#catalog.getEntityByRef(entityRef, { credentials });
  }

  /**
   * Whether the caller may read every catalog entity: a service, or a user whom the permission
   * policy allows `catalog.entity.read` unconditionally. Remembered per user for `cacheMs`.
   */
  async canReadAll(credentials: BackstageCredentials): Promise<boolean> {
    return (await this.#decision(credentials)) === AuthorizeResult.ALLOW;
  }

  async #decision(credentials: BackstageCredentials): Promise<AuthorizeResult> {
    if (this.#auth.isPrincipal(credentials, 'service')) {
      return AuthorizeResult.ALLOW;
    }
    const key = this.#userOf(credentials);
    const now = this.#clock();
    const cached = this.#decisions.get(key, now);
    if (cached !== undefined) return cached;
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    this.#decisions.set(key, decision.result, now);
    return decision.result;
  }

  /**
   * The entity refs (lower case) among `candidates` that the caller may read, or `undefined`
   * when they may read every entity.
   */
  async visibleRefs(
    credentials: BackstageCredentials,
    candidates: () => Promise<string[]>,
  ): Promise<ReadonlySet<string> | undefined> {
    const result = await this.#decision(credentials);
    if (result === AuthorizeResult.ALLOW) return undefined;
    if (result === AuthorizeResult.DENY) return new Set();

    const key = this.#userOf(credentials);
    const now = this.#clock();
    const cached = this.#visible.get(key, now);
    if (cached) return cached;

    const refs = this.#readable(credentials, candidates);
    this.#visible.set(key, refs, now);
    // A failed lookup is not remembered.
    refs.catch(() => {
      if (key !== undefined) this.#visible.forget(key, refs);
    });
    return refs;
  }

  #userOf(credentials: BackstageCredentials): string | undefined {
    return this.#auth.isPrincipal(credentials, 'user')
      ? credentials.principal.userEntityRef
      : undefined;
  }

  async #readable(
    credentials: BackstageCredentials,
    candidates: () => Promise<string[]>,
  ): Promise<ReadonlySet<string>> {
    const refs = await candidates();
    const visible = new Set<string>();
    for (let i = 0; i < refs.length; i += REFS_PER_REQUEST) {
      const { items } = await this.#catalog.getEntitiesByRefs(
        {
          entityRefs: refs.slice(i, i + REFS_PER_REQUEST),
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials },
      );
      for (const entity of items) {
        if (entity)
          visible.add(stringifyEntityRef(entity).toLocaleLowerCase('en-US'));
      }
    }
    return visible;
  }
}
