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

import { useApi } from '@backstage/core-plugin-api';
import type { EntityReadiness } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ecsDeployReadinessApiRef } from '../api';

/** What {@link useEntityReadiness} gives. */
export interface EntityReadinessState {
  /** `undefined` while loading the first time, and when the entity is not audited yet. */
  readiness?: EntityReadiness;
  /** True once the backend answered that it has no report for the entity. */
  notAudited: boolean;
  /** True while loading; a refresh keeps the last readiness shown. */
  loading: boolean;
  error?: Error;
  /** Reads the readiness again. */
  refresh: () => void;
}

/** The readiness of one entity (`kind:namespace/name`), read again on `refresh`. */
export function useEntityReadiness(entityRef: string): EntityReadinessState {
  const api = useApi(ecsDeployReadinessApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => ({ readiness: await api.getEntityReadiness(entityRef) }),
    [api, entityRef],
  );
  return {
    readiness: value?.readiness,
    notAudited: value !== undefined && value.readiness === undefined,
    loading,
    error,
    refresh: retry,
  };
}
