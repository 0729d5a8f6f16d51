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

import type { Entity } from '@backstage/catalog-model';
import type { FilterPredicate } from '@backstage/filter-predicates';

import {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_RESOURCE_TYPE,
  ECS_SERVICE_TAGS_ANNOTATION,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

// One definition, in -common, for the backend's links and the card's filter.
export {
  AWS_ARN_ANNOTATION,
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_RESOURCE_TYPE,
  ECS_SERVICE_TAGS_ANNOTATION,
};

function hasAnnotation(entity: Entity, key: string): boolean {
  return Boolean(entity.metadata.annotations?.[key]?.trim());
}

/**
 * Whether an entity names ECS services itself, so the deploy readiness card belongs on its page:
 * any kind with `aws.amazon.com/amazon-ecs-service-arn` or `aws.amazon.com/amazon-ecs-service-tags`,
 * or a Resource of `spec.type: ecs-service` with `aws.amazon.com/arn`.
 *
 * Entities linked only because they depend on such a Resource are audited too, but this cannot
 * see that without a catalog query: place the card for them explicitly, or annotate them.
 *
 * @public
 */
export function isEcsDeployReadinessAvailable(entity: Entity): boolean {
  if (
    hasAnnotation(entity, ECS_SERVICE_ARN_ANNOTATION) ||
    hasAnnotation(entity, ECS_SERVICE_TAGS_ANNOTATION)
  ) {
    return true;
  }
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    String(entity.spec?.type ?? '').toLocaleLowerCase('en-US') ===
      ECS_SERVICE_RESOURCE_TYPE &&
    hasAnnotation(entity, AWS_ARN_ANNOTATION)
  );
}

/**
 * {@link isEcsDeployReadinessAvailable} as a filter predicate, the form the new frontend
 * system's entity cards and contents take (and that `app.extensions` config can replace).
 *
 * @public
 */
export const ecsDeployReadinessEntityFilter: FilterPredicate = {
  $any: [
    {
      [`metadata.annotations.${ECS_SERVICE_ARN_ANNOTATION}`]: { $exists: true },
    },
    {
      [`metadata.annotations.${ECS_SERVICE_TAGS_ANNOTATION}`]: {
        $exists: true,
      },
    },
    {
      kind: 'resource',
      'spec.type': ECS_SERVICE_RESOURCE_TYPE,
      [`metadata.annotations.${AWS_ARN_ANNOTATION}`]: { $exists: true },
    },
  ],
};
