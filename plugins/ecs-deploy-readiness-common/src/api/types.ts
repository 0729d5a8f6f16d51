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

// The response bodies of the backend's HTTP API, as `src/schema/openapi.yaml` of the backend
// plugin documents them. The backend builds them, the frontend and other tools read them.

import type {
  CheckId,
  Finding,
  Fix,
  FixKey,
  PullErrorCategory,
  Severity,
} from '../types';

/**
 * An entity's rolled-up readiness: `blocked` (a blocking finding), `at-risk` (a risk finding,
 * an image that could not be verified), `ready`, or `unknown` (not audited yet).
 *
 * @public
 */
export type EntityReadinessStatus = 'blocked' | 'at-risk' | 'ready' | 'unknown';

/**
 * The statuses of {@link EntityReadinessStatus}, worst first.
 *
 * @public
 */
export const ENTITY_READINESS_STATUSES: readonly EntityReadinessStatus[] = [
  'blocked',
  'at-risk',
  'unknown',
  'ready',
];

/**
 * One service's status: the engine's status of its task definition (`unverifiable` when an image
 * could not be read), or `unknown` when it was never audited.
 *
 * @public
 */
export type ServiceReadinessStatus =
  | 'blocked'
  | 'at-risk'
  | 'ready'
  | 'unverifiable'
  | 'unknown';

/**
 * Findings by severity.
 *
 * @public
 */
export type SeverityCounts = Record<Severity, number>;

/**
 * A fault of the last audit that kept a report from being refreshed.
 *
 * @public
 */
export interface ReadinessAuditError {
  /** A stable code, e.g. `AccessDeniedException`, `ThrottlingException`, `RegistryTimeout`. */
  code: string;
  /** What happened, redacted. */
  message: string;
  /** The AWS account id. */
  accountId?: string;
  /** The AWS Region. */
  region?: string;
  /** The API that failed, e.g. `ecs:DescribeServices` or `registry:ghcr.io`. */
  api?: string;
  /** When AWS denied the call: the IAM permission to grant. */
  permission?: string;
}

/**
 * The real pull failures that a finding explains.
 *
 * @public
 */
export interface FindingConfirmation {
  /** Stopped tasks (containers) whose pull failure this finding explains. */
  count: number;
  /** The first of them (ISO 8601). */
  firstAt: string;
  /** The latest of them (ISO 8601). */
  lastAt: string;
  /** Their categories. */
  categories: PullErrorCategory[];
}

/**
 * A finding as the API serves it: the stored finding, its fix rendered from `fixKey` and
 * `fixVars`, and the real pull failures that confirm it.
 *
 * @public
 */
export interface ReadinessFinding extends Finding {
  /** The fix, rendered from `fixKey` and `fixVars` with the current catalogue. */
  fix: Fix;
  /** Absent when no stored pull failure (in the retention window) points at the same cause. */
  confirmedBy?: FindingConfirmation;
}

/**
 * One container of a service's task definition, as the audit checked it.
 *
 * @public
 */
export interface ContainerReadiness {
  /** The container definition's name. */
  name: string;
  /** The image reference as the task definition writes it. */
  image: string;
  /** The digest ECS runs: what running tasks report, else what the deployment resolved. */
  deployedDigest?: string;
  /** Every digest running tasks or the deployment report for this container. */
  deployedDigests: string[];
  /** The digest the reference resolves to in its registry now. */
  resolvedDigest?: string;
  /** The platform-specific manifest chosen from an index. */
  platformManifestDigest?: string;
  /** `repo:tag@sha256:…`, to pin the reference. */
  pinnedReference?: string;
  /** The engine's status of this image. */
  status?: string;
}

/**
 * One ECS deployment of a service.
 *
 * @public
 */
export interface DeploymentReadiness {
  /** Its id. */
  id?: string;
  /** `PRIMARY`, `ACTIVE` or `INACTIVE`. */
  status?: string;
  /** `IN_PROGRESS`, `COMPLETED` or `FAILED`. */
  rolloutState?: string;
  /** Why the rollout is in that state, as ECS says it. */
  rolloutStateReason?: string;
  /** The task definition ARN. */
  taskDefinitionArn?: string;
  /** Tasks wanted. */
  desiredCount?: number;
  /** Tasks running. */
  runningCount?: number;
  /** Tasks pending. */
  pendingCount?: number;
  /** When it was created (ISO 8601). */
  createdAt?: string;
  /** The deployment circuit breaker's status, when ECS reports it. */
  circuitBreaker?: string;
}

/**
 * One service deployment, as ECS keeps them for 90 days.
 *
 * @public
 */
export interface ServiceDeploymentHistoryItem {
  /** The service deployment ARN. */
  deploymentArn: string;
  /** `PENDING`, `IN_PROGRESS`, `SUCCESSFUL`, `STOPPED`, `ROLLBACK_SUCCESSFUL`, … */
  status: string;
  /** Why it is in that status, as ECS says it. */
  statusReason?: string;
  /** The task definition it deployed. */
  taskDefinitionArn?: string;
  /** When it was created (ISO 8601). */
  createdAt: string;
  /** When it ended (ISO 8601). */
  finishedAt?: string;
  /** The deployment gate's decision for it, when the gate reported one. */
  gateDecision?: GateDecision;
}

/**
 * One finding as the deployment gate named it in its answer.
 *
 * @public
 */
export interface GateFinding {
  /** The check id (`platform-missing`…). */
  check: string;
  /** `blocking`, `risk` or `info`. */
  severity: string;
  /** The container definition. */
  container?: string;
  /** The image as the revision pulls it. */
  image?: string;
  /** The finding, in one line. */
  title: string;
  /** What to do, in one line. */
  fix: string;
}

/**
 * A decision of the deployment gate (the ECS lifecycle hook in `packages/ecs-deploy-gate`), as
 * it reported it: what it answered ECS for a new revision of the service, and why.
 *
 * @public
 */
export interface GateDecision {
  /** The ECS service. */
  serviceArn: string;
  /** The service deployment, when ECS named it. */
  serviceDeploymentArn?: string;
  /** The revision being deployed. */
  targetServiceRevisionArn: string;
  /** The revision's task definition. */
  taskDefinitionArn?: string;
  /** `PRE_SCALE_UP`… */
  lifecycleStage: string;
  /** `SUCCEEDED` (the deployment went on) or `FAILED` (ECS rolled it back). */
  hookStatus: string;
  /** `ready`, `blocked`, `unverifiable-allowed`, `unverifiable-denied`, … */
  decision: string;
  /** The readiness of the revision's images, when the gate concluded. */
  readiness?: string;
  /** One line: why. */
  cause?: string;
  /** One line: what to do. */
  fix?: string;
  /** The blocking findings (or risks), at most 5. */
  findings: GateFinding[];
  /** When it decided (ISO 8601). */
  decidedAt: string;
}

/**
 * One ECS service behind an entity.
 *
 * @public
 */
export interface ServiceReadiness {
  /** The ECS service ARN. */
  serviceArn: string;
  /** The ECS service name. */
  serviceName: string;
  /** The cluster ARN. */
  clusterArn?: string;
  /** The AWS account id. */
  accountId: string;
  /** The AWS Region. */
  region: string;
  /** Its status. */
  status: ServiceReadinessStatus;
  /** Why ECS does not have the service, when the last audit of its shard did not find it. */
  missingReason?: string;
  /** The platform the images were checked for, e.g. `linux/amd64`. */
  platform?: string;
  /** Where that platform comes from: the task definition, the capacity provider... */
  platformSource?: string;
  /** `FARGATE`, `EC2` or `EXTERNAL`, when the service sets one. */
  launchType?: string;
  /** The task definition ARN. */
  taskDefinitionArn?: string;
  /** Tasks wanted. */
  desiredCount?: number;
  /** Tasks running. */
  runningCount?: number;
  /** Its ECS deployments, as the last audit saw them. */
  deployments: DeploymentReadiness[];
  /**
   * Its service deployments of the last 30 days as ECS records them (ListServiceDeployments),
   * newest first, at most 5: a rolled-back or stopped one carries ECS's reason (a failing
   * lifecycle hook such as the deployment gate, the circuit breaker, an alarm).
   */
  recentDeployments: ServiceDeploymentHistoryItem[];
  /**
   * The deployment gate's decisions of the last 30 days, newest first, at most 5, including
   * those for deployments the audit has not read from ECS yet.
   */
  gateDecisions: GateDecision[];
  /** The containers of its task definition. */
  containers: ContainerReadiness[];
  /** Worst first. */
  findings: ReadinessFinding[];
  /** Findings by severity. */
  counts: SeverityCounts;
  /** True when the last audit could not refresh it. */
  stale: boolean;
  /** The faults that made it stale; empty when not stale. */
  staleErrors: ReadinessAuditError[];
  /** When its report last changed. */
  updatedAt?: string;
  /** When its status last changed. */
  statusSince?: string;
}

/**
 * `GET /entities/{kind}/{namespace}/{name}/readiness`.
 *
 * @public
 */
export interface EntityReadiness {
  /** The entity ref, lower case. */
  entityRef: string;
  /** The entity's title in the catalog. */
  title?: string;
  /** Its status. */
  status: EntityReadinessStatus;
  /** True when the last audit could not refresh it; the content is the last known. */
  stale: boolean;
  /** The faults that made it stale; empty when not stale. */
  staleErrors: ReadinessAuditError[];
  /** When it became stale (ISO 8601). */
  staleSince?: string;
  /** When the latest audit that covered it finished; absent when it is stale or never audited. */
  lastAudited?: string;
  /** When its report last changed (ISO 8601). */
  updatedAt?: string;
  /** When its status last changed (ISO 8601). */
  statusSince?: string;
  /** Findings of the entity and its services, by severity. */
  counts: SeverityCounts;
  /** Services by status. */
  serviceCounts: Partial<Record<ServiceReadinessStatus, number>>;
  /** Findings of the entity itself (a link that cannot be followed, an audit that failed). */
  findings: ReadinessFinding[];
  /** Its ECS services. */
  services: ServiceReadiness[];
  /** Pull failures of its services in the last 30 days. */
  pullErrors: { last30Days: number; lastAt?: string };
}

/**
 * One classified pull failure.
 *
 * @public
 */
export interface PullErrorItem {
  /** Its id. */
  id: number;
  /** When the task stopped (ISO 8601). */
  occurredAt: string;
  /** The stopped task's ARN. */
  taskArn: string;
  /** The container that failed; absent when the task as a whole did. */
  container?: string;
  /** The ECS service ARN. */
  serviceArn: string;
  /** The AWS account id. */
  accountId: string;
  /** The AWS Region. */
  region: string;
  /** The cause it was classified as. */
  category: PullErrorCategory;
  /** The stop reason as ECS wrote it, redacted. */
  message: string;
  /** The image reference, as the task definition writes it. */
  image?: string;
  /** The task definition ARN. */
  taskDefinitionArn?: string;
  /** The catalogue key of its fix. */
  fixKey: FixKey;
  /** The fix, rendered from `fixKey` and `fixVars` with the current catalogue. */
  fix: Fix;
  /** What the classifier found in the message (registry, repository, platform...). */
  classification: Record<string, unknown>;
  /**
   * The cause as the audit's evidence decided it, when the service had been audited when the
   * failure was stored; `category`, `fixKey` and `fix` are the diagnosis's then.
   */
  diagnosis?: PullErrorItemDiagnosis;
}

/**
 * How a pull failure's cause was decided.
 *
 * @public
 */
export interface PullErrorItemDiagnosis {
  /** `evidence` when a finding of the audit decided among the message's candidate causes. */
  decidedBy: 'evidence' | 'message';
  /** `high` when evidence decided. */
  confidence: 'high' | 'medium' | 'low';
  /** One sentence for people: what the audit saw that decides it. */
  statement?: string;
  /** The findings that decided it. */
  evidence: Array<{
    /** The check that found it. */
    checkId: string;
    /** The finding's severity. */
    severity: Severity;
    /** What the audit saw. */
    title: string;
    /** The image it is about. */
    image?: string;
    /** The container it is about. */
    container?: string;
  }>;
  /** What the message alone pointed at first, when the evidence chose another cause. */
  messageCategory?: PullErrorCategory;
  /** The message alone allowed several causes. */
  ambiguousMessage: boolean;
}

/**
 * `GET /entities/{kind}/{namespace}/{name}/pull-errors`: newest first.
 *
 * @public
 */
export interface PullErrorList {
  /** The page. */
  items: PullErrorItem[];
  /** Present when there are more; pass it as `cursor`. */
  nextCursor?: string;
  /** Every pull failure matching the filter (not only this page), per day and category. */
  counts: Array<{ day: string; category: PullErrorCategory; count: number }>;
  /** The window the counts cover. */
  since: string;
  /** Exclusive (ISO 8601). */
  until: string;
}

/**
 * `POST /entities/{kind}/{namespace}/{name}/audit` and `GET /runs/{id}`.
 *
 * @public
 */
export interface AuditRunInfo {
  /** Its id. */
  id: number;
  /** `manual` for one asked for through the API; `schedule`, `deployment`, `link` otherwise. */
  trigger: string;
  /** Its status. */
  status: 'running' | 'succeeded' | 'partial' | 'failed';
  /** The entity a manual audit is about. */
  entityRef?: string;
  /** `<account>/<region>` of a shard audit. */
  shard?: string;
  /** When it started (ISO 8601). */
  startedAt: string;
  /** When it ended; absent while it runs. */
  finishedAt?: string;
  /** Services the run set out to audit, when known in advance. */
  servicesTotal?: number;
  /** Services audited so far. */
  servicesAudited: number;
  /** Entities rolled up so far. */
  entitiesAudited: number;
  /** The faults of the run, by AWS account id. */
  errorsByAccount: Record<string, ReadinessAuditError[]>;
  /** When the answer is a run asked for before, still in its rate-limit window. */
  deduplicated?: boolean;
}

/**
 * One row of the scorecard.
 *
 * @public
 */
export interface ScorecardRow {
  /** The entity ref, lower case. */
  entityRef: string;
  /** As the catalog spells it. */
  kind: string;
  /** The entity's namespace. */
  namespace: string;
  /** The entity's name. */
  name: string;
  /** The entity's title in the catalog. */
  title?: string;
  /** The owner's entity ref, e.g. `group:default/payments`. */
  owner?: string;
  /** The system's entity ref, e.g. `system:default/checkout`. */
  system?: string;
  /** Its status. */
  status: EntityReadinessStatus;
  /** Findings by severity. */
  counts: SeverityCounts;
  /**
   * The distinct checks of its findings and its services' (`platform-missing`…), sorted: a
   * check not listed passes.
   */
  failingChecks: string[];
  /** Its ECS services. */
  services: number;
  /** The newest pull failure of its services (ISO 8601). */
  lastPullFailure?: string;
  /** When the latest audit that covered it finished (ISO 8601). */
  lastAudited?: string;
  /** True when the last audit could not refresh it. */
  stale: boolean;
  /** When its status last changed (ISO 8601). */
  statusSince?: string;
}

/**
 * Entities by status.
 *
 * @public
 */
export type ScorecardTotals = Record<EntityReadinessStatus, number> & {
  /** Every entity of the filter. */
  total: number;
};

/**
 * `GET /scorecard`.
 *
 * @public
 */
export interface ScorecardPage {
  /** The page. */
  items: ScorecardRow[];
  /** Of every entity matching the filter, not only this page. */
  totals: ScorecardTotals;
  /** Present when there are more; pass it as `cursor`. */
  nextCursor?: string;
}

/**
 * The sort keys of `GET /scorecard`.
 *
 * @public
 */
export const SCORECARD_SORTS = [
  'status',
  'name',
  'title',
  'owner',
  'system',
  'statusSince',
] as const;

/**
 * A sort key of `GET /scorecard`.
 *
 * @public
 */
export type ScorecardSort = (typeof SCORECARD_SORTS)[number];

/**
 * `GET /scorecard/trend`: entities by status at the end of each day (UTC), oldest first.
 *
 * @public
 */
export interface ScorecardTrend {
  /** One entry per day. */
  days: Array<{ day: string } & Record<EntityReadinessStatus, number>>;
}

/**
 * `GET /checks`: the check and fix catalogue.
 *
 * @public
 */
export interface CheckCatalogue {
  /** The checks. */
  checks: Array<{
    /** Its id. */
    id: CheckId;
    /** Its default severity. */
    severity: Severity;
    /** The entity's title in the catalog. */
    title: string;
    /** What it means, in a sentence or two. */
    summary: string;
    /** Documentation. */
    docs: Fix['docs'];
  }>;
  /** The pull-error categories. */
  categories: Array<{
    /** Its id. */
    id: PullErrorCategory;
    /** The entity's title in the catalog. */
    title: string;
    /** What it means, in a sentence or two. */
    summary: string;
    /** The checks whose findings explain a pull failure of this category. */
    confirmedBy: CheckId[];
  }>;
}
