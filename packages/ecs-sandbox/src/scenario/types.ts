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
 * The scenario document: what a YAML scenario file contains. docs/sandbox.md is the reference;
 * these types are its machine-readable form (the generator writes them). Times are relative to
 * start-up (`-2h`, `-3d`, `now`) or ISO 8601; image references may use `@digest-of:<image>`.
 */

/** @public */
export interface ScenarioAccount {
  /** 12-digit AWS account id. */
  id: string;
  name?: string;
  /** Requests signed with this access key id act as this account. */
  accessKeyId?: string;
  /** Every ECS, ECR and tagging call of this account answers AccessDeniedException. */
  denyAccess?: boolean;
  /** Role named in AccessDenied messages (default `BackstageReadOnly`). */
  roleName?: string;
  /**
   * Roles that STS AssumeRole can assume (`arn:aws:iam::<id>:role/<name>`); their temporary
   * credentials act as this account.
   */
  roles?: ScenarioRole[];
}

/** An IAM role others may assume. @public */
export interface ScenarioRole {
  name: string;
  /**
   * The trust policy's principals: account ids, `arn:aws:iam::<id>:root`, role ARNs, or `*`.
   * Callers not named get AccessDenied.
   */
  trustedPrincipals: string[];
  /** MaxSessionDuration in seconds (default 3600; 3600–43200). */
  maxSessionSeconds?: number;
}

/** A layer: its compression, or the full form. @public */
export type ScenarioLayer =
  | 'gzip'
  | 'zstd'
  | 'none'
  | {
      compression?: 'gzip' | 'zstd' | 'none';
      /** Media type the manifest states, when it should lie about the compression. */
      mediaType?: string;
      /** Extra incompressible bytes in the layer, for size and timeout tests. */
      padBytes?: number;
    };

/**
 * How to build one image. Built at start-up with the real image builder, so digests are genuine.
 *
 * @public
 */
export interface ScenarioImageSpec {
  /**
   * `image` (default), `attestation` (the BuildKit attestation manifest of image `of`), `empty`
   * (no layers: 0 bytes in ECR), `artifact` (an OCI artifact), `schema1` (Docker schema 1) or
   * `raw` (the exact `body` bytes, e.g. malformed JSON).
   */
  kind?: 'image' | 'attestation' | 'empty' | 'artifact' | 'schema1' | 'raw';
  /** `os/arch[/variant]`, one per image; more than one makes an index. Default linux/amd64. */
  platforms?: string[];
  /** `os.version` of Windows images. */
  osVersion?: string;
  /** Make an index even for one platform: `true`/`oci` (OCI index) or `docker` (manifest list). */
  index?: boolean | 'oci' | 'docker';
  /** BuildKit provenance: one attestation manifest per platform in the index (implies an index). */
  provenance?: boolean;
  /**
   * `v2`: a SOCI-enabled image (SOCI index manifest v2): an OCI index with each image manifest
   * annotated `com.amazon.soci.index-digest` and its SOCI index manifest beside it. A v1 SOCI
   * index is an artifact: `kind: artifact`, `artifactType:
   * application/vnd.amazon.soci.index.v1+json`, `subject: <image>`.
   */
  soci?: 'v2';
  /** `oci` (default) or `docker` media types for manifest, config and layers. */
  mediaTypes?: 'oci' | 'docker';
  /** Number of gzip layers, or one entry per layer. Default 2 gzip layers. */
  layers?: number | ScenarioLayer[];
  /** Config lists this many more diff_ids than there are layers (negative: fewer). */
  extraDiffIds?: number;
  /** Extra image config (`Cmd`, `Entrypoint`, `Env`, `Labels`…). */
  config?: Record<string, unknown>;
  /** For `attestation`: the image it attests. */
  of?: string;
  /** For `artifact`. */
  artifactType?: string;
  configMediaType?: string;
  blobs?: Array<{ mediaType: string; content: string }>;
  /** For `artifact`: the image it refers to (OCI referrers). */
  subject?: string;
  /** For `raw`. */
  mediaType?: string;
  body?: string;
}

/** An image pushed to a repository. @public */
export interface ScenarioRepositoryImage {
  /** Name of an entry of `images`. */
  image: string;
  tags?: string[];
  pushedAt?: string;
  lastPulledAt?: string;
  /** ECR image status; ARCHIVED images cannot be pulled. */
  status?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';
  /** ECR `lastArchivedAt` (default for an ARCHIVED image: 30 days after the push, at most now). */
  archivedAt?: string;
  /** The image was pushed once and deleted since: the registry no longer has it. */
  deleted?: boolean;
  /** Blobs the registry lost: `config`, `layer:<n>`, or a digest. */
  missingBlobs?: string[];
}

/** @public */
export interface ScenarioEcrRepository {
  name: string;
  account?: string;
  region?: string;
  createdAt?: string;
  tagMutability?:
    | 'MUTABLE'
    | 'IMMUTABLE'
    | 'MUTABLE_WITH_EXCLUSION'
    | 'IMMUTABLE_WITH_EXCLUSION';
  /** Wildcard filters for the `…_WITH_EXCLUSION` mutabilities. */
  exclusionFilters?: string[];
  /** Lifecycle policy, as an object or its JSON text. */
  lifecyclePolicy?: Record<string, unknown> | string;
  /**
   * Repository policy (object or JSON text): `Statement`s with `Effect`, `Principal` (`*` or
   * `{AWS: <account ids or ARNs>}`) and `Action` (`ecr:BatchGetImage`, `ecr:*`…). Other accounts
   * may read the repository only as far as it allows.
   */
  repositoryPolicy?: Record<string, unknown> | string;
  tags?: Record<string, string>;
  images?: ScenarioRepositoryImage[];
}

/** A registry other than ECR (docker.io, ghcr.io, quay.io…), with bearer-token auth. @public */
export interface ScenarioRegistry {
  host: string;
  /** Anonymous manifest GETs allowed before 429 TOOMANYREQUESTS (Docker Hub style). */
  anonymousPullLimit?: number;
  /** Users that may log in to the token endpoint (basic auth). */
  users?: Array<{ username: string; password: string }>;
  /** Status for an unknown or private repository: 401 (Docker Hub) or 404 (default). */
  missingRepositoryStatus?: 401 | 404;
  /** Extra delay on every request of this registry, for timeout tests. */
  latency?: string | number;
  repositories?: Array<{
    name: string;
    /** Only authenticated users may pull. */
    private?: boolean;
    images?: ScenarioRepositoryImage[];
  }>;
}

/** @public */
export interface ScenarioContainerDefinition {
  name: string;
  /** `repo:tag` (an ECR repository of the scenario), a full reference, or `…@digest-of:<image>`. */
  image: string;
  essential?: boolean;
  /** Secrets Manager ARN of registry credentials. */
  repositoryCredentials?: string;
  versionConsistency?: 'enabled' | 'disabled';
  /** Any other container definition field is passed through as it is. */
  [field: string]: unknown;
}

/** @public */
export interface ScenarioTaskDefinition {
  family: string;
  revision: number;
  account?: string;
  region?: string;
  status?: 'ACTIVE' | 'INACTIVE';
  requiresCompatibilities?: Array<'FARGATE' | 'EC2' | 'EXTERNAL'>;
  networkMode?: string;
  cpu?: string;
  memory?: string;
  runtimePlatform?: {
    cpuArchitecture?: string;
    operatingSystemFamily?: string;
  };
  executionRoleArn?: string;
  taskRoleArn?: string;
  registeredAt?: string;
  tags?: Record<string, string>;
  containers: ScenarioContainerDefinition[];
}

/** @public */
export interface ScenarioDeployment {
  /** `family:revision` of a task definition of the scenario. */
  taskDefinition: string;
  status?: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  rolloutState?: 'COMPLETED' | 'IN_PROGRESS' | 'FAILED';
  rolloutStateReason?: string;
  createdAt?: string;
  updatedAt?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  failedTasks?: number;
  /**
   * What each container's tag resolved to when the deployment started (software version
   * consistency): container name → image name (or `sha256:…`). Default: what the tag points at now.
   */
  resolvedImages?: Record<string, string>;
  /** ListServiceDeployments status; default from rolloutState. */
  serviceDeploymentStatus?: string;
}

/** @public */
export interface ScenarioStoppedTasks {
  at: string;
  /** How many tasks stopped this way, `every` apart going back in time. */
  count?: number;
  every?: string;
  /** Index in the service's `deployments` (default: the PRIMARY one). */
  deployment?: number;
  stopCode?: string;
  stoppedReason: string;
  /** Per-container reason and exit code; by default a CannotPull/CannotStart reason goes to the first essential container. */
  containers?: Record<string, { reason?: string; exitCode?: number }>;
  /**
   * The deployment keeps failing: ECS keeps starting tasks that stop, one every `every`, after
   * start-up too (`count` is the history at start-up), each with a "has started 1 tasks" event.
   */
  repeat?: boolean;
}

/** @public */
export interface ScenarioService {
  name: string;
  launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  /** Instead of launchType (never both): e.g. FARGATE with base 1, FARGATE_SPOT with weight 3. */
  capacityProviderStrategy?: Array<{
    capacityProvider: string;
    weight?: number;
    base?: number;
  }>;
  platformVersion?: string;
  desiredCount?: number;
  createdAt?: string;
  tags?: Record<string, string>;
  circuitBreaker?: { enable: boolean; rollback: boolean };
  /**
   * `deploymentConfiguration.lifecycleHooks` (DeploymentLifecycleHook): the sandbox invokes the
   * local handler registered for a hook's `hookTargetArn` at `PRE_SCALE_UP` when UpdateService
   * starts a deployment (see startSandbox's `lifecycleHookHandlers`).
   */
  lifecycleHooks?: Array<{
    targetType?: 'AWS_LAMBDA' | 'PAUSE';
    hookTargetArn?: string;
    roleArn?: string;
    lifecycleStages: string[];
    hookDetails?: Record<string, unknown>;
    timeoutConfiguration?: { timeoutInMinutes?: number; action?: string };
  }>;
  deployments: ScenarioDeployment[];
  events?: Array<{ at: string; message: string; deployment?: number }>;
  stoppedTasks?: ScenarioStoppedTasks[];
}

/** @public */
export interface ScenarioCluster {
  name: string;
  account?: string;
  region?: string;
  tags?: Record<string, string>;
  services?: ScenarioService[];
  /** EC2 hosts; a cluster with EC2 services and none listed gets two with default versions. */
  containerInstances?: Array<{
    count?: number;
    /** ECS agent version, e.g. `1.89.2`. */
    agentVersion?: string;
    /** Docker version, e.g. `25.0.8` (shown as `DockerVersion: 25.0.8`). */
    dockerVersion?: string;
    cpuArchitecture?: 'x86_64' | 'arm64';
    registeredAt?: string;
  }>;
}

/**
 * A whole scenario.
 *
 * @public
 */
export interface ScenarioDocument {
  description?: string;
  defaults?: { account?: string; region?: string };
  accounts: ScenarioAccount[];
  regions: string[];
  settings?: {
    /** Hide stopped tasks older than this; `forever` keeps all. Default 1h, as ECS. */
    stoppedTaskRetention?: string;
    latencyMs?: number;
    jitterMs?: number;
    throttle?: { rate: number; burst: number };
  };
  images?: Record<string, ScenarioImageSpec>;
  ecr?: ScenarioEcrRepository[];
  registries?: ScenarioRegistry[];
  taskDefinitions?: ScenarioTaskDefinition[];
  clusters?: ScenarioCluster[];
}
