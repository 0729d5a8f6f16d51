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

import type { ResourcePermission } from '@backstage/plugin-permission-common';

// Written as `createPermission` would return it, with type imports only: the permission
// packages pull in an HTTP client at runtime, which this package (and the CLI that bundles it)
// does not need.

/**
 * Run an audit of one entity's ECS services now (`POST /entities/{kind}/{namespace}/{name}/audit`).
 *
 * A resource permission on the catalog entity, so a policy can decide with the catalog's rules
 * (for example, only the entity's owners may re-audit it).
 *
 * @public
 */
export const ecsDeployReadinessAuditRunPermission: ResourcePermission<'catalog-entity'> =
  {
    type: 'resource',
    name: 'ecs-deploy-readiness.audit.run',
    attributes: { action: 'update' },
    resourceType: 'catalog-entity',
  };

/**
 * Every permission of the ECS deploy readiness plugins.
 *
 * @public
 */
export const ecsDeployReadinessPermissions = [
  ecsDeployReadinessAuditRunPermission,
];
