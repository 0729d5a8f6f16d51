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

/*
 * What registries say about repositories and images, as the checks read it. The registry
 * clients fill these in (ECR's DescribeRepositories, GetLifecyclePolicy, DescribeImages); the
 * types live here, beside the checks, so that `analysis/` needs nothing from `registry/`.
 */

/**
 * Tag mutability of a repository, ECR's names. `UNKNOWN` for registries that do not say.
 *
 * @public
 */
export type TagMutability =
  | 'MUTABLE'
  | 'IMMUTABLE'
  | 'MUTABLE_WITH_EXCLUSION'
  | 'IMMUTABLE_WITH_EXCLUSION'
  | 'UNKNOWN';

/** @public */
export interface RepositoryInfo {
  tagMutability: TagMutability;
  /** ECR `imageTagMutabilityExclusionFilters` (wildcard filters on tags). */
  exclusionFilters?: Array<{ filterType: string; filter: string }>;
  /** The repository's lifecycle policy text (JSON), when there is one. */
  lifecyclePolicyText?: string;
}

/**
 * What ECR's DescribeImages says about one image.
 *
 * @public
 */
export interface ImageDetails {
  digest: string;
  tags: string[];
  sizeInBytes?: number;
  pushedAt?: Date;
  lastRecordedPullTime?: Date;
  /** e.g. `ACTIVE`, `ARCHIVED`, `ACTIVATING` (ECR archive). */
  status?: string;
  manifestMediaType?: string;
  artifactMediaType?: string;
}
