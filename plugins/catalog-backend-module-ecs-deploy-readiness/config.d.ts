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

import type { HumanDuration } from '@backstage/types';

export interface Config {
  ecsDeployReadiness?: {
    /** The catalog module that stamps entities with their readiness. */
    catalog?: {
      /**
       * How long one bulk read of every entity's readiness is used before the next, e.g.
       * `{ minutes: 1 }` (the default) or `PT1M`. A status change reaches the label within
       * this plus up to 1.5 times the catalog's processing interval (docs/catalog-queries.md).
       */
      cacheTtl?: HumanDuration | string;
      /** How long one bulk read may take. Default 30 seconds. */
      timeout?: HumanDuration | string;
    };
  };
}
