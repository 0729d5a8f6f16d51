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

/**
 * What a registry says about one repository (ECR: DescribeRepositories, GetLifecyclePolicy).
 *
 * @public
 */
export interface RepositoryInfo {
  /** The repository's tag mutability setting; `UNKNOWN` when the answer is none of the others. */
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
  /** The image's manifest or index digest, `sha256:<hex>`. */
  digest: string;
  /** The tags that point at the image; empty when it is untagged. */
  tags: string[];
  /**
   * The image size in bytes, as ECR reports it (`imageSizeInBytes`). A summary only: it can be 0
   * for valid schema 1 images and indexes, so no check reads it (the manifest's layers say the
   * size).
   */
  sizeInBytes?: number;
  /** When the image was pushed to the repository. */
  pushedAt?: Date;
  /** When ECR last recorded a pull of the image; absent when it has recorded none. */
  lastRecordedPullTime?: Date;
  /**
   * ECR `imageStatus`: `ACTIVE`, `ARCHIVED` (in the archive storage class, cannot be pulled) or
   * `ACTIVATING` (being restored, cannot be pulled yet).
   */
  status?: string;
  /** ECR `lastArchivedAt`: when the image last moved to the archive storage class. */
  lastArchivedAt?: Date;
  /**
   * ECR `subjectManifestDigest`: set for referrers (signatures, SBOMs, attestations, v1 SOCI
   * indexes), the digest of the image they refer to. Such an image is never one to run.
   */
  subjectManifestDigest?: string;
  /** Media type of the image's manifest or index. */
  manifestMediaType?: string;
  /** ECR's `artifactMediaType` of the image. */
  artifactMediaType?: string;
}
