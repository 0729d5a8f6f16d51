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

import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
import type { ScorecardRow } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { READINESS_ANNOTATIONS, READINESS_STATUS_LABEL } from './constants';
import type { ReadinessSource } from './ReadinessSource';

/**
 * Every annotation that links an entity to ECS (the service ARN, the service tags, a resource's
 * ARN) is under this prefix: only such entities can have lost a stamp while readiness is
 * unavailable.
 */
const AWS_ANNOTATION_PREFIX = 'aws.amazon.com/';

/** The row an entity was last stamped from, in the processor's cache for the entity. */
const CACHE_KEY = 'readiness';

/**
 * Stamps entities linked to ECS with their readiness: the label
 * {@link READINESS_STATUS_LABEL} and the {@link READINESS_ANNOTATIONS}. Entities the plugin does
 * not report on are left as they are. Readiness comes from a cached bulk snapshot, so processing
 * never waits on a request per entity.
 *
 * When readiness is unavailable and there is no earlier snapshot, an entity keeps the stamp of
 * its last processing (kept in the processor's cache for the entity, which the catalog stores
 * with it). An entity that has none and may be linked fails processing with a
 * `ServiceUnavailableError`: the catalog then keeps the entity as it was last stored and tries
 * again on its next pass, instead of dropping the stamp.
 */
export class EcsDeployReadinessProcessor implements CatalogProcessor {
  constructor(private readonly source: ReadinessSource) {}

  getProcessorName(): string {
    return 'EcsDeployReadinessProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location?: LocationSpec,
    _emit?: CatalogProcessorEmit,
    _originLocation?: LocationSpec,
    cache?: CatalogProcessorCache,
  ): Promise<Entity> {
    let row: ScorecardRow | undefined;
    try {
      const { rows } = await this.source.snapshot();
      row = rows.get(stringifyEntityRef(entity).toLocaleLowerCase('en-US'));
    } catch (error) {
      // Not written this run, so the cache keeps it for the next one too.
      const last = await cache?.get<JsonObject>(CACHE_KEY);
      if (last) return stamp(entity, last as unknown as ScorecardRow);
      if (!mayBeLinked(entity)) return entity;
      throw error;
    }
    await cache?.set(CACHE_KEY, row ? (row as unknown as JsonObject) : null);
    return row ? stamp(entity, row) : entity;
  }
}

function mayBeLinked(entity: Entity): boolean {
  return Object.keys(entity.metadata.annotations ?? {}).some(key =>
    key.startsWith(AWS_ANNOTATION_PREFIX),
  );
}

function stamp(entity: Entity, row: ScorecardRow): Entity {
  const annotations: Record<string, string> = {
    ...entity.metadata.annotations,
    [READINESS_ANNOTATIONS.blocking]: String(row.counts.blocking),
    [READINESS_ANNOTATIONS.risk]: String(row.counts.risk),
    [READINESS_ANNOTATIONS.info]: String(row.counts.info),
  };
  if (row.lastAudited) {
    annotations[READINESS_ANNOTATIONS.lastAudited] = row.lastAudited;
  }
  if (row.lastPullFailure) {
    annotations[READINESS_ANNOTATIONS.lastPullFailure] = row.lastPullFailure;
  }
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      labels: {
        ...entity.metadata.labels,
        [READINESS_STATUS_LABEL]: row.status,
      },
      annotations,
    },
  };
}
