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

import type { RepositoryInfo, TagMutability } from './repositoryFacts';
import { wildcardMatch } from './wildcard';

/**
 * Whether a tag can be moved to another image, and why.
 *
 * @public
 */
export interface TagMutabilityVerdict {
  /** True when the tag can be moved to another image, or when that cannot be ruled out. */
  mutable: boolean;
  /** The repository's setting the verdict rests on; `UNKNOWN` without repository information. */
  mutability: TagMutability;
  /** The exclusion filter the tag matched, for the `…_WITH_EXCLUSION` settings. */
  matchedFilter?: string;
  /** Why, as a lower-case clause, e.g. `the repository makes every tag immutable`. */
  reason: string;
}

/**
 * Decides whether `tag` is mutable in a repository. ECR: `MUTABLE`, `IMMUTABLE`,
 * `IMMUTABLE_WITH_EXCLUSION` (tags matching a filter stay mutable) and `MUTABLE_WITH_EXCLUSION`
 * (tags matching a filter are immutable). Without repository information (other registries, or
 * ECR settings that could not be read) a tag is treated as mutable.
 *
 * @internal
 */
export function evaluateTagMutability(
  info: RepositoryInfo | undefined,
  tag: string,
  registryKind: 'ecr' | 'other',
): TagMutabilityVerdict {
  const mutability = info?.tagMutability ?? 'UNKNOWN';
  const matchedFilter = (info?.exclusionFilters ?? []).find(f =>
    wildcardMatch(f.filter, tag),
  )?.filter;
  switch (mutability) {
    case 'IMMUTABLE':
      return {
        mutable: false,
        mutability,
        reason: 'the repository makes every tag immutable',
      };
    case 'MUTABLE':
      return {
        mutable: true,
        mutability,
        reason: 'the repository allows tags to be moved',
      };
    case 'IMMUTABLE_WITH_EXCLUSION':
      return matchedFilter
        ? {
            mutable: true,
            mutability,
            matchedFilter,
            reason: `tags are immutable except those matching "${matchedFilter}", which this tag does`,
          }
        : {
            mutable: false,
            mutability,
            reason:
              'tags are immutable and this tag matches no exclusion filter',
          };
    case 'MUTABLE_WITH_EXCLUSION':
      return matchedFilter
        ? {
            mutable: false,
            mutability,
            matchedFilter,
            reason: `tags matching "${matchedFilter}" are immutable, and this tag does`,
          }
        : {
            mutable: true,
            mutability,
            reason:
              'tags are mutable except those matching an exclusion filter, and this tag matches none',
          };
    default:
      return {
        mutable: true,
        mutability: 'UNKNOWN',
        reason:
          registryKind === 'ecr'
            ? "the repository's tag mutability could not be read, so the tag may move"
            : 'this registry cannot make tags immutable, so the tag may move',
      };
  }
}
