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

import type { JsonObject } from '@backstage/types';
import type {
  ClassifiedPullError,
  Finding,
  PullErrorDiagnosis,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type {
  DocumentCache,
  ReadinessStatus,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';

// Conventions of the store API:
// - Every timestamp it returns is an ISO 8601 UTC string (`Date.prototype.toISOString()`,
//   millisecond precision); every timestamp it takes is a `Date` or such a string.
// - Findings are stored as the engine produced them, with `fixKey` and `fixVars` and no rendered
//   fix text, so they always read with the current fix catalogue.
// - Nothing is deleted when an audit fails: reports are marked stale and keep their findings.

/** The status of one ECS service: the engine's status of its task definitions. */
export type ServiceStatus = ReadinessStatus;

/** The rollup status of a catalog entity over the services it links to. */
export type EntityStatus = 'blocked' | 'at-risk' | 'ready' | 'unknown';

/** A fault of an audit that kept a report from being refreshed (a shard's failure, say). */
export interface AuditError {
  /** A stable code, e.g. `AccessDeniedException` or `ThrottlingException`. */
  code: string;
  /** What happened, redacted. */
  message: string;
  accountId?: string;
  region?: string;
  /** The AWS API that failed, e.g. `ecs:DescribeServices`. */
  api?: string;
  /** When AWS denied the call: the IAM permission to grant, e.g. `ecs:DescribeServices`. */
  permission?: string;
}

/** What the audit writes for one ECS service. */
export interface ServiceReportInput {
  serviceArn: string;
  accountId: string;
  region: string;
  clusterArn: string;
  status: ServiceStatus;
  findings: Finding[];
  /** Anything else of the report (task definition ARNs, images, deployments), plain JSON. */
  details: JsonObject;
}

/** The stored state that surrounds a report: stale flag and change times. */
export interface ReportState {
  /** True when the last audit could not refresh this report; its content is the last known. */
  stale: boolean;
  /** The faults that made it stale; empty when not stale. */
  staleErrors: AuditError[];
  /** When it became stale. */
  staleSince?: string;
  /** When its content last changed. */
  updatedAt: string;
  /** When its status last changed (or it was first stored). */
  statusSince: string;
}

/** The latest report of an ECS service. */
export type ServiceReport = ServiceReportInput & ReportState;

/** What the audit writes for one catalog entity. */
export interface EntityReportInput {
  /** The entity ref; stored and matched lower case. */
  entityRef: string;
  status: EntityStatus;
  /** The services the entity links to, as of this report. */
  serviceArns: string[];
  /** Entity-level findings (a malformed link, say); services' findings live with the services. */
  findings: Finding[];
  /** How many of its services are in each status. */
  counts: Partial<Record<ServiceStatus, number>>;
}

/** The latest report of a catalog entity. */
export type EntityReport = EntityReportInput & ReportState;

/** What an upsert did. */
export interface UpsertResult {
  /** False when the stored report had the same content and was not stale: nothing was written. */
  written: boolean;
  /** True when the status differs from the stored one, or there was none; a history row was added. */
  statusChanged: boolean;
  /** The stored status before the upsert, if there was a report. */
  previousStatus?: string;
}

/** Where a write comes from, for the history. */
export interface WriteOptions {
  /** The audit run that wrote it. */
  auditRunId?: number;
  /**
   * Writes the report stale with these faults (an entity whose services could not all be
   * read): an unchanged report that is already stale is not written again.
   */
  staleErrors?: AuditError[];
}

/** One status change of an entity or a service. */
export interface StatusChange {
  subjectKind: 'entity' | 'service';
  /** The entity ref or the service ARN. */
  subject: string;
  /** Absent for the first report. */
  fromStatus?: string;
  toStatus: string;
  changedAt: string;
  auditRunId?: number;
}

/** Filter, order and page of {@link ReadinessStore.listEntityReports}. */
export interface ListEntityReportsOptions {
  status?: EntityStatus[];
  stale?: boolean;
  /** Default `entityRef`. */
  orderBy?: 'entityRef' | 'status' | 'updatedAt' | 'statusSince';
  /** Default `asc`. */
  order?: 'asc' | 'desc';
  /** Default 100, at most 1000. */
  limit?: number;
  offset?: number;
}

/** A pull failure seen on a stopped task. */
export interface PullErrorInput {
  taskArn: string;
  /** The container it is about; absent when the task as a whole failed. */
  container?: string;
  serviceArn: string;
  accountId: string;
  region: string;
  /** The stop reason as ECS wrote it, redacted. */
  message: string;
  /**
   * The classification of the message, with what the audit added: the findings that explain it
   * and the diagnosis they decide. The stored category and fix key are the diagnosis's when
   * there is one.
   */
  classified: ClassifiedPullError & {
    confirmedBy?: string[];
    diagnosis?: PullErrorDiagnosis;
  };
  image?: string;
  taskDefinitionArn?: string;
  /** When the task stopped. */
  occurredAt: Date | string;
}

/** A stored pull failure. */
export interface PullErrorRecord
  extends Omit<PullErrorInput, 'occurredAt' | 'container'> {
  id: number;
  container?: string;
  category: string;
  occurredAt: string;
  recordedAt: string;
}

/** Filter and page of {@link ReadinessStore.listPullErrors}: newest first. */
export interface ListPullErrorsOptions {
  /** Pull errors of the services this entity links to (as of its latest report). */
  entityRef?: string;
  serviceArn?: string;
  /** Inclusive. */
  since?: Date | string;
  /** Exclusive. */
  until?: Date | string;
  /** Only these categories (empty or absent: every category). */
  categories?: string[];
  /** Default 50, at most 500. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** Pull errors per day (UTC, `YYYY-MM-DD`) and category: every one matching the filter. */
export interface PullErrorCount {
  day: string;
  category: string;
  count: number;
}

/** Pull errors of one service per category and fix key, for the findings they confirm. */
export interface PullErrorSummary {
  serviceArn: string;
  category: string;
  /**
   * The classification's fix key: usually the category, a check id when the message points at
   * a narrower cause. Absent only for a stored classification without one.
   */
  fixKey?: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

/** A page of pull errors. */
export interface PullErrorPage {
  items: PullErrorRecord[];
  /** Present when there may be more. */
  nextCursor?: string;
}

/** An (account, region) pair: the unit the scheduled tasks split the work by. */
export interface ShardKey {
  accountId: string;
  region: string;
}

/** One link of an entity to an ECS service, as the last catalog link found it. */
export interface StoredLinkInput extends ShardKey {
  /** The entity ref; stored and matched lower case. */
  entityRef: string;
  serviceArn: string;
  serviceName: string;
  /** How the entity links to it: `arn-annotation`, `tags`, `resource` or `depends-on`. */
  via: string;
}

/** A stored link, with what the last audit of its shard learnt of it. */
export interface StoredLink extends StoredLinkInput {
  /** Why ECS does not have the service, when the last audit of its shard found it missing. */
  missingReason?: string;
}

/** An entity's link-error findings (a malformed annotation, say) of the last catalog link. */
export interface EntityLinkErrors {
  entityRef: string;
  findings: Finding[];
}

/** A service deployment as ECS reported it (ListServiceDeployments / DescribeServiceDeployments). */
export interface ServiceDeploymentInput extends ShardKey {
  deploymentArn: string;
  serviceArn: string;
  /** PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, STOP_REQUESTED, ROLLBACK_* ... */
  status: string;
  statusReason?: string;
  targetRevisionArn?: string;
  taskDefinitionArn?: string;
  /** Circuit breaker, rollback, alarms, the images ECS resolved: plain JSON. */
  details: JsonObject;
  createdAt: Date | string;
  startedAt?: Date | string;
  finishedAt?: Date | string;
}

/** A stored service deployment. */
export interface ServiceDeploymentRecord
  extends Omit<
    ServiceDeploymentInput,
    'createdAt' | 'startedAt' | 'finishedAt'
  > {
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** When it was first stored or last changed. */
  recordedAt: string;
}

/** A decision of the deployment gate (packages/ecs-deploy-gate), as it reported it. */
export interface GateDecisionInput {
  serviceArn: string;
  serviceDeploymentArn?: string;
  targetServiceRevisionArn: string;
  taskDefinitionArn?: string;
  lifecycleStage: string;
  executionId?: string;
  /** What the gate answered ECS. */
  hookStatus: string;
  /** `ready`, `blocked`, `unverifiable-allowed`, `unverifiable-denied`, … */
  decision: string;
  readiness?: string;
  cause?: string;
  fix?: string;
  findings: JsonObject[];
  decidedAt: Date | string;
  /** The subject of the service principal that reported it. */
  reportedBy: string;
}

/** A stored gate decision. */
export interface GateDecisionRecord
  extends Omit<GateDecisionInput, 'decidedAt'> {
  id: number;
  decidedAt: string;
  receivedAt: string;
}

/** A service event worth keeping: about a deployment or a failure. */
export interface ServiceEventInput {
  serviceArn: string;
  /** ECS's event id; stored once per service. */
  eventId: string;
  /** Redacted. */
  message: string;
  /** The pull-error category when the event reports a pull failure. */
  category?: string;
  createdAt: Date | string;
}

/** A stored service event. */
export interface ServiceEventRecord
  extends Omit<ServiceEventInput, 'createdAt'> {
  createdAt: string;
}

/** The outcome of an audit run. */
export interface AuditRunResult {
  status: 'succeeded' | 'partial' | 'failed';
  servicesAudited: number;
  entitiesAudited: number;
  /** Calls made, by API, e.g. `{ "ecs:DescribeServices": 12 }`. */
  callsByApi: Record<string, number>;
  cacheHits: number;
  cacheMisses: number;
  /** The faults of the run, by AWS account id. */
  errorsByAccount: Record<string, AuditError[]>;
}

/** A stored audit run. */
export interface AuditRun extends Omit<AuditRunResult, 'status'> {
  id: number;
  trigger: string;
  /** `<account>/<region>` of a shard audit; absent for a whole audit. */
  shard?: string;
  /** The entity of a manual audit (lower case). */
  entityRef?: string;
  /** The services the run set out to audit, when known at its start. */
  servicesTotal?: number;
  status: 'running' | AuditRunResult['status'];
  startedAt: string;
  finishedAt?: string;
  /** cacheHits / (cacheHits + cacheMisses); undefined when the cache was not used. */
  cacheHitRate?: number;
}

/** What the scorecard shows of an entity besides its report: read from the catalog at link time. */
export interface EntityMetaInput {
  /** The entity ref; stored and matched lower case. */
  entityRef: string;
  /** As the catalog spells them. */
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  /** The owner's entity ref (the `ownedBy` relation), lower case. */
  owner?: string;
  /** The system's entity ref (a `partOf` relation to a System), lower case. */
  system?: string;
}

/**
 * Filter, sort and page of {@link ReadinessStore.listScorecard}. An empty or absent list does
 * not filter.
 */
export interface ScorecardQuery {
  /** Owner entity refs (any case); any of them. */
  owners?: string[];
  /** System entity refs (any case); any of them. */
  systems?: string[];
  statuses?: EntityStatus[];
  /** A substring of the name, title or entity ref, any case (ASCII case folding on SQLite). */
  q?: string;
  /**
   * Default `status`: worst first (blocked, at-risk, unknown, ready). `name` sorts by entity
   * ref; `title` by the title, or the name when there is none, any case; `owner` and `system`
   * by the ref, entities without one last in both orders. Text compares by code point; ties go
   * by entity ref, in the same order.
   */
  sort?: 'status' | 'name' | 'title' | 'owner' | 'system' | 'statusSince';
  /** Default `asc`. */
  order?: 'asc' | 'desc';
  /** Rows per page; absent for every row (the CSV). */
  limit?: number;
  /** The `nextCursor` of the previous page (same filter and sort; else an InputError). */
  cursor?: string;
  /**
   * Only these entity refs (lower case), when the caller may read only some entities; absent
   * when they may read every entity. Totals count only these too.
   */
  visibleRefs?: ReadonlySet<string>;
}

/** One row of the scorecard. */
export interface ScorecardEntry {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  owner?: string;
  system?: string;
  status: EntityStatus;
  stale: boolean;
  statusSince: string;
  serviceArns: string[];
  /** Findings of the entity and of its services, by severity. */
  counts: { blocking: number; risk: number; info: number };
  /** The distinct checks (finding ids) of those findings, sorted. */
  failingChecks: string[];
  /** The newest pull error of its services. */
  lastPullFailureAt?: string;
  /**
   * When the latest audit that did not fail of each of its services' shards finished: the
   * oldest of them. Absent when it has no service, or one of its shards was never audited.
   */
  lastAuditedAt?: string;
}

/** A page of the scorecard and the totals of the whole filter. */
export interface ScorecardResult {
  items: ScorecardEntry[];
  totals: Record<EntityStatus, number> & { total: number };
  nextCursor?: string;
}

/** Entities by status at the end of one day (UTC). */
export type TrendDay = { day: string } & Record<EntityStatus, number>;

/** Options of the database-backed {@link DocumentCache}. */
export interface DocumentCacheOptions {
  /** Largest document stored or returned, in bytes. Default 8 MiB. */
  maxEntryBytes?: number;
}

/** A {@link DocumentCache} that also counts its hits and misses, for the run record. */
export interface CountingDocumentCache extends DocumentCache {
  readonly persistent: true;
  /** Hits and misses since the cache was made. */
  stats(): { hits: number; misses: number };
}

/**
 * The plugin's storage: latest reports per service and per entity, status history, pull-error
 * events, task definitions by ARN, the engine's document cache and audit runs.
 */
export interface ReadinessStore {
  /** Stores a service's report unless it is unchanged; records a status change. */
  upsertServiceReport(
    report: ServiceReportInput,
    options?: WriteOptions,
  ): Promise<UpsertResult>;
  /** Stores many service reports, 100 a transaction; as {@link upsertServiceReport} each. */
  upsertServiceReports(
    items: Array<{ report: ServiceReportInput; staleErrors?: AuditError[] }>,
    options?: Pick<WriteOptions, 'auditRunId'>,
  ): Promise<UpsertResult[]>;
  getServiceReport(serviceArn: string): Promise<ServiceReport | undefined>;
  /** The status and staleness of these services' reports, without their content. */
  getServiceStates(serviceArns: string[]): Promise<
    Array<{
      serviceArn: string;
      status: ServiceStatus;
      stale: boolean;
      staleErrors: AuditError[];
    }>
  >;
  /** The reports of these services that exist, in no particular order. */
  getServiceReports(serviceArns: string[]): Promise<ServiceReport[]>;

  /** Stores an entity's rollup unless it is unchanged; records a status change. */
  upsertEntityReport(
    report: EntityReportInput,
    options?: WriteOptions,
  ): Promise<UpsertResult>;
  /** Stores many entity rollups, 100 a transaction; as {@link upsertEntityReport} each. */
  upsertEntityReports(
    items: Array<{ report: EntityReportInput; staleErrors?: AuditError[] }>,
    options?: Pick<WriteOptions, 'auditRunId'>,
  ): Promise<UpsertResult[]>;
  getEntityReport(entityRef: string): Promise<EntityReport | undefined>;
  listEntityReports(
    options?: ListEntityReportsOptions,
  ): Promise<{ items: EntityReport[]; totalCount: number }>;
  /** Removes an entity's report and links (the entity left the catalog); history is kept. */
  deleteEntityReport(entityRef: string): Promise<void>;

  /**
   * Marks reports stale, keeping their content. Services' linked entities are marked too.
   * Returns how many reports (services and entities) were marked.
   */
  markStale(options: {
    serviceArns?: string[];
    entityRefs?: string[];
    errors: AuditError[];
  }): Promise<number>;

  /** Status changes of one subject, newest first. */
  listStatusHistory(options: {
    subjectKind: 'entity' | 'service';
    subject: string;
    since?: Date | string;
    limit?: number;
  }): Promise<StatusChange[]>;

  /** Stores pull errors not stored yet (by task ARN and container); returns how many were new. */
  addPullErrors(errors: PullErrorInput[]): Promise<number>;
  listPullErrors(options: ListPullErrorsOptions): Promise<PullErrorPage>;
  /** Counts per day and category of the pull errors matching the filter (not paged). */
  countPullErrors(
    options: Omit<ListPullErrorsOptions, 'limit' | 'cursor'>,
  ): Promise<PullErrorCount[]>;
  /** Pull errors of these services since `since`, per service, category and fix key. */
  summarizePullErrors(options: {
    serviceArns: string[];
    since: Date | string;
  }): Promise<PullErrorSummary[]>;
  /** Deletes pull errors that occurred before `olderThan`; returns how many. */
  prunePullErrors(options: { olderThan: Date | string }): Promise<number>;

  getTaskDefinition(arn: string): Promise<JsonObject | undefined>;
  putTaskDefinition(arn: string, definition: JsonObject): Promise<void>;

  /** A persistent, content-addressed document cache for the engine. */
  documentCache(options?: DocumentCacheOptions): CountingDocumentCache;
  /** Deletes cached documents stored before `olderThan`; returns how many. */
  pruneDocuments(options: { olderThan: Date | string }): Promise<number>;

  startAuditRun(options: {
    trigger: string;
    shard?: ShardKey;
    /** The entity of a manual audit. */
    entityRef?: string;
    servicesTotal?: number;
  }): Promise<number>;
  finishAuditRun(id: number, result: AuditRunResult): Promise<void>;
  /** Audit runs, newest first. */
  listAuditRuns(options?: { limit?: number }): Promise<AuditRun[]>;
  getAuditRun(id: number): Promise<AuditRun | undefined>;
  /**
   * The newest run of this trigger and entity that is still running or started at or after
   * `startedSince`: the rate limit of manual audits.
   */
  findRecentAuditRun(options: {
    trigger: string;
    entityRef: string;
    startedSince: Date | string;
  }): Promise<AuditRun | undefined>;
  /** When each shard's last audit that did not fail finished, by `<account>/<region>`. */
  lastShardAudits(): Promise<Map<string, string>>;

  /**
   * Replaces the link set with the result of a catalog link. The missing reasons of links that
   * stay are kept until their shard is audited again.
   */
  replaceLinks(options: {
    links: StoredLinkInput[];
    linkErrors: EntityLinkErrors[];
    /** The catalog's view of every linked entity (title, owner, system); replaces the stored one when given. */
    entities?: EntityMetaInput[];
  }): Promise<void>;
  /** The stored catalog view of these entities, or of all. */
  listEntityMeta(entityRefs?: string[]): Promise<EntityMetaInput[]>;
  /** The kinds of the entities in the stored catalog view, lower case. */
  listEntityKinds(): Promise<string[]>;

  /** The scorecard: one row per entity with a report, filtered, sorted and paged. */
  listScorecard(query: ScorecardQuery): Promise<ScorecardResult>;
  /**
   * Entities by status at the end of each of the last `days` days (UTC, oldest first, today
   * last), replayed from the entity status history; only entities that have a report now, and
   * of those only `visibleRefs` when given, and only owners/systems when given.
   */
  scorecardTrend(options: {
    days: number;
    now?: Date;
    owners?: string[];
    systems?: string[];
    visibleRefs?: ReadonlySet<string>;
  }): Promise<TrendDay[]>;
  /** Stored links: of one shard, of some entities, of some services, or all. */
  listLinks(options?: {
    shard?: ShardKey;
    entityRefs?: string[];
    serviceArns?: string[];
  }): Promise<StoredLink[]>;
  /** Link errors of these entities, or of all. */
  listLinkErrors(entityRefs?: string[]): Promise<EntityLinkErrors[]>;
  /** The shards the stored links name, sorted. */
  listShards(): Promise<ShardKey[]>;
  /**
   * Records which of the audited services ECS does not have: each link to one of `serviceArns`
   * gets the reason given in `missing`, or none.
   */
  setMissingServices(
    serviceArns: string[],
    missing: { serviceArn: string; reason: string }[],
  ): Promise<void>;

  /** Stores service deployments new or changed (by ARN); returns how many were written. */
  upsertServiceDeployments(
    deployments: ServiceDeploymentInput[],
  ): Promise<number>;
  /** Service deployments of these services, newest first. */
  listServiceDeployments(options: {
    serviceArns: string[];
    since?: Date | string;
    limit?: number;
  }): Promise<ServiceDeploymentRecord[]>;
  /** The newest stored deployment's creation time, per service that has one. */
  latestServiceDeployments(serviceArns: string[]): Promise<Map<string, string>>;
  /** Stores service events not stored yet (by service and event id); returns how many were new. */
  addServiceEvents(events: ServiceEventInput[]): Promise<number>;
  /** Service events of these services, newest first. */
  listServiceEvents(options: {
    serviceArns: string[];
    since?: Date | string;
    limit?: number;
  }): Promise<ServiceEventRecord[]>;
  /**
   * Stores a gate decision once: a report repeated (same service, revision, stage and execution,
   * or the same time when there is no execution id) returns the stored one with `created: false`.
   */
  recordGateDecision(
    decision: GateDecisionInput,
  ): Promise<{ record: GateDecisionRecord; created: boolean }>;
  /** Gate decisions of these services, newest first. */
  listGateDecisions(options: {
    serviceArns: string[];
    since?: Date | string;
    limit?: number;
  }): Promise<GateDecisionRecord[]>;
  /**
   * Deletes finished audit runs started before `olderThan`, except the newest one that did not
   * fail of each shard and trigger (what "last audited" is read from); returns how many.
   */
  pruneAuditRuns(options: { olderThan: Date | string }): Promise<number>;
  /**
   * Deletes deployments and events created before `olderThan`, and gate decisions made before
   * it; returns how many.
   */
  pruneServiceHistory(options: { olderThan: Date | string }): Promise<number>;
}
