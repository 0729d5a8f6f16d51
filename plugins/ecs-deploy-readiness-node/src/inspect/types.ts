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

import {
  Finding,
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type {
  DocumentFacts,
  ReadinessStatus,
  TagMutabilityVerdict,
} from '../analysis';
import type { ImageDetails, RegistryClientProvider } from '../registry/types';
import type { DocumentCache } from './documentCache';

/**
 * A source of the current time (injected so lifecycle dates are testable).
 *
 * @public
 */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/**
 * How to build an {@link ImageInspector}.
 *
 * @public
 */
export interface ImageInspectorOptions {
  /** Gives the registry client for each reference (ECR, Docker Hub, other OCI registries). */
  registryClientProvider: RegistryClientProvider;
  /**
   * The document cache (see {@link DocumentCache}); pass a persistent one (such as
   * `FileDocumentCache`) to share documents across audits: a warm audit then asks one `HEAD`
   * per tag. Default: an in-memory cache of 64 MiB that lives as long as the inspector.
   */
  documentCache?: DocumentCache;
  /**
   * Most requests in flight to registries at once, over every inspection: every HTTP request
   * (manifests, blobs, blob checks, tokens) and every AWS API call takes one of these slots, and
   * the HTTP connections per host are raised to match. Default 8.
   */
  concurrency?: number;
  /**
   * Time limit of one `inspectImage` or `inspectTaskDefinition` call, in milliseconds, however
   * many requests it makes and however long they wait for their turn. What is not done by then
   * ends `unverifiable` with an `unverifiable` finding that says "inspection deadline of N ms
   * reached" (never `canceled`: that is the caller's signal alone), keeping what was found
   * before it. Default 120 000 (two minutes).
   */
  inspectionDeadlineMs?: number;
  /**
   * Timeouts from one registry host after which the inspector stops asking it: the images it
   * still has to inspect there are `unverifiable` at once, with the host and its count of
   * timeouts named. Default 3.
   */
  maxHostTimeouts?: number;
  /**
   * Most registry answers the inspector remembers (its audit memo): tags' digests, existence,
   * repository settings, resolutions. Default 50 000; the least recently used go first.
   */
  maxMemoEntries?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** ECR pull-through cache rule prefixes in use, besides the well-known ones. */
  pullThroughCachePrefixes?: string[];
}

/**
 * What to inspect.
 *
 * @public
 */
export interface InspectImageRequest {
  /** The image reference as written in the task definition. */
  image: string;
  /** The task's platform, as an object or `os/arch[/variant]`. Default: Fargate's linux/amd64. */
  platform?: Platform | string;
  /** Digests that running tasks use (DescribeTasks `containers[].imageDigest`). */
  deployedDigests?: string[];
  /** The container has `repositoryCredentials` (private registry or Docker Hub auth). */
  hasRepositoryCredentials?: boolean;
  /** `FARGATE`, `EC2` or `EXTERNAL`, when known. */
  launchType?: string;
  /** The container's `versionConsistency`; ECS's default is `enabled`. */
  versionConsistency?: 'enabled' | 'disabled';
  /**
   * Cancels the inspection: registry calls in flight are aborted (work shared with other
   * inspections goes on for them) and the result is `canceled`.
   */
  signal?: AbortSignal;
}

/**
 * The state of an inspection's result: the readiness of the image, or `canceled` when the
 * caller's signal fired before it finished (nothing was concluded).
 *
 * @public
 */
export type InspectionStatus = ReadinessStatus | 'canceled';

/**
 * A request the inspector cannot run as asked (an invalid platform string): the caller's
 * mistake, not a fact about the image.
 *
 * @public
 */
export class InvalidRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

/**
 * What the inspection saw, for display and for the JSON output.
 *
 * @public
 */
export interface InspectionFacts {
  /** The parsed reference; absent when the reference is invalid. */
  reference?: {
    registry: string;
    repository: string;
    tag?: string;
    digest?: string;
    registryKind: string;
  };
  /** The platform checked, `os/arch[/variant]` (with the Windows build when there is one). */
  platform: string;
  /** Facts of the index the reference resolves to, when it is one. */
  index?: DocumentFacts;
  /** Facts of the manifest for the platform (or of the only manifest), with its config. */
  manifest?: DocumentFacts;
  /** What ECR DescribeImages says about the resolved image. */
  registryImage?: Omit<ImageDetails, 'pushedAt' | 'lastRecordedPullTime'> & {
    pushedAt?: string;
    lastRecordedPullTime?: string;
  };
  /** Tag mutability verdict, for a reference by tag. */
  tagMutability?: TagMutabilityVerdict;
  /** Whether the repository has a lifecycle policy, when the registry says. */
  hasLifecyclePolicy?: boolean;
}

/**
 * The result of inspecting one image for one platform.
 *
 * @public
 */
export interface ImageInspection {
  /** The reference as given. */
  reference: string;
  /** Digest the reference resolves to now (index or manifest). */
  resolvedDigest?: string;
  /** Digest of the manifest the runtime pulls for the platform. */
  platformManifestDigest?: string;
  /** The reference pinned to the resolved digest, `repo:tag@sha256:…`. */
  pinnedReference?: string;
  /** The readiness the findings add up to, or `canceled`. */
  status: InspectionStatus;
  /** What the inspection saw: the parsed reference, the platform, documents, registry facts. */
  facts: InspectionFacts;
  /** Blocking first, then risks, then info. */
  findings: Finding[];
}

/**
 * Options for inspecting every container of a task definition.
 *
 * @public
 */
export interface InspectTaskDefinitionOptions {
  /** Digests running tasks use, by container name. */
  deployedDigestsByContainer?: Record<string, string[]>;
  /** Cancels every container's inspection (see {@link InspectImageRequest.signal}). */
  signal?: AbortSignal;
}

/**
 * The result of inspecting a task definition.
 *
 * @public
 */
export interface TaskDefinitionInspection {
  /** The task definition's `family`, when it has one. */
  family?: string;
  /** The task definition's `revision`, when it has one. */
  revision?: number;
  /** The task definition's ARN, when it has one (describe-task-definition output). */
  taskDefinitionArn?: string;
  /** The platform every container was checked for. */
  platform: string;
  /** `runtimePlatform` when the task definition has one, else `default` (linux/amd64). */
  platformSource: 'runtimePlatform' | 'default';
  /**
   * The launch type the checks assumed, from `requiresCompatibilities`: the only one listed,
   * else the first that is not `FARGATE`; absent when none is listed.
   */
  launchType?: string;
  /**
   * The readiness all containers' findings add up to, `canceled` when an inspection was
   * canceled, `unverifiable` when the task definition could not be read.
   */
  status: InspectionStatus;
  /** Each container definition, in order; without `inspection` when it has no image. */
  containers: Array<{
    name: string;
    image?: string;
    inspection?: ImageInspection;
  }>;
  /** Every container's findings, each with its `container` and `image`. */
  findings: Finding[];
  /** Set when the task definition itself could not be read. */
  error?: string;
}
