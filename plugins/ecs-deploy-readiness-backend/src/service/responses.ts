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

// The API's response bodies, built from what the store holds: findings get their fix rendered
// from `fixKey`/`fixVars` with the current catalogue, and the pull failures that confirm them.

import {
  CATEGORY_CONFIRMING_CHECKS,
  CHECK_IDS,
  type CheckCatalogue,
  checksConfirming,
  DEFAULT_CHECK_SEVERITY,
  type AuditRunInfo,
  type ContainerReadiness,
  type DeploymentReadiness,
  type EntityReadiness,
  type Finding,
  type FindingConfirmation,
  type FixKey,
  fixFor,
  type GateDecision,
  type GateFinding,
  PULL_ERROR_CATEGORIES,
  type PullErrorCategory,
  type PullErrorItem,
  type ReadinessFinding,
  type ScorecardRow,
  type ServiceReadiness,
  type ServiceReadinessStatus,
  SEVERITIES,
  type SeverityCounts,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { JsonObject } from '@backstage/types';
import type {
  AuditRun,
  EntityReport,
  GateDecisionRecord,
  PullErrorRecord,
  PullErrorSummary,
  ScorecardEntry,
  ServiceDeploymentRecord,
  ServiceReport,
  StoredLink,
} from '../store/ReadinessStore';

const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i]));
/** Service deployments shown per service. */
const RECENT_DEPLOYMENTS = 5;

function isCategory(value: string): value is PullErrorCategory {
  return (PULL_ERROR_CATEGORIES as readonly string[]).includes(value);
}

/** No findings of any severity. */
export function emptyCounts(): SeverityCounts {
  return { blocking: 0, risk: 0, info: 0 };
}

function countOf(findings: Finding[], into = emptyCounts()): SeverityCounts {
  for (const f of findings) into[f.severity] = (into[f.severity] ?? 0) + 1;
  return into;
}

/** Worst first, then by check id and container, so the order is stable. */
function bySeverity(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.id.localeCompare(b.id, 'en') ||
    (a.container ?? '').localeCompare(b.container ?? '', 'en')
  );
}

/**
 * The finding with its fix rendered and, when pull failures of its service point at the same
 * cause (`checksConfirming`), how many and when.
 */
export function renderFinding(
  finding: Finding,
  summaries: PullErrorSummary[] = [],
): ReadinessFinding {
  let confirmedBy: FindingConfirmation | undefined;
  for (const summary of summaries) {
    if (!isCategory(summary.category)) continue;
    const checks = checksConfirming({
      category: summary.category,
      ...(summary.fixKey && { fixKey: summary.fixKey as FixKey }),
    });
    if (!checks.includes(finding.id)) continue;
    if (!confirmedBy) {
      confirmedBy = {
        count: 0,
        firstAt: summary.firstAt,
        lastAt: summary.lastAt,
        categories: [],
      };
    }
    confirmedBy.count += summary.count;
    if (summary.firstAt < confirmedBy.firstAt) {
      confirmedBy.firstAt = summary.firstAt;
    }
    if (summary.lastAt > confirmedBy.lastAt)
      confirmedBy.lastAt = summary.lastAt;
    if (!confirmedBy.categories.includes(summary.category)) {
      confirmedBy.categories.push(summary.category);
    }
  }
  return {
    ...finding,
    fix: fixFor(finding.fixKey, finding.fixVars),
    ...(confirmedBy && { confirmedBy }),
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

function records(value: unknown): JsonObject[] {
  return Array.isArray(value)
    ? value.filter(
        (v): v is JsonObject =>
          typeof v === 'object' && v !== null && !Array.isArray(v),
      )
    : [];
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

/** The service name of an ECS service ARN (`…:service/<cluster>/<name>` or `…:service/<name>`). */
function serviceNameOf(serviceArn: string): string {
  return serviceArn.slice(serviceArn.lastIndexOf('/') + 1);
}

function serviceReadiness(
  serviceArn: string,
  report: ServiceReport | undefined,
  link: StoredLink | undefined,
  summaries: PullErrorSummary[],
  history: ServiceDeploymentRecord[],
  gateDecisions: GateDecisionRecord[],
): ServiceReadiness {
  const details = (report?.details ?? {}) as JsonObject;
  const findings = (report?.findings ?? [])
    .slice()
    .sort(bySeverity)
    .map(f => renderFinding(f, summaries));
  const deployments: DeploymentReadiness[] = records(details.deployments).map(
    d =>
      compact({
        id: str(d.id),
        status: str(d.status),
        rolloutState: str(d.rolloutState),
        rolloutStateReason: str(d.rolloutStateReason),
        taskDefinitionArn: str(d.taskDefinitionArn),
        desiredCount: num(d.desiredCount),
        runningCount: num(d.runningCount),
        pendingCount: num(d.pendingCount),
        createdAt: str(d.createdAt),
        circuitBreaker: str(d.circuitBreaker),
      }),
  );
  const containers: ContainerReadiness[] = records(details.images).map(c => {
    const deployedDigests = Array.isArray(c.deployedDigests)
      ? c.deployedDigests.filter((d): d is string => typeof d === 'string')
      : [];
    return compact({
      name: str(c.container) ?? '',
      image: str(c.image) ?? '',
      deployedDigest: deployedDigests[0],
      deployedDigests,
      resolvedDigest: str(c.resolvedDigest),
      platformManifestDigest: str(c.platformManifestDigest),
      pinnedReference: str(c.pinnedReference),
      status: str(c.status),
    });
  });
  const status: ServiceReadinessStatus = report?.status ?? 'unknown';
  return compact({
    serviceArn,
    serviceName:
      str(details.serviceName) ??
      link?.serviceName ??
      serviceNameOf(serviceArn),
    clusterArn: report?.clusterArn,
    accountId: report?.accountId ?? link?.accountId ?? '',
    region: report?.region ?? link?.region ?? '',
    status,
    missingReason: link?.missingReason,
    platform: str(details.platform),
    platformSource: str(details.platformSource),
    launchType: str(details.launchType),
    taskDefinitionArn: str(details.taskDefinitionArn),
    desiredCount: num(details.desiredCount),
    runningCount: num(details.runningCount),
    deployments,
    recentDeployments: history.slice(0, RECENT_DEPLOYMENTS).map(d => {
      // The gate's final word on it: the newest decision it reported for the deployment.
      const gate = gateDecisions.find(
        g => g.serviceDeploymentArn === d.deploymentArn,
      );
      return compact({
        deploymentArn: d.deploymentArn,
        status: d.status,
        statusReason: d.statusReason,
        taskDefinitionArn: d.taskDefinitionArn ?? gate?.taskDefinitionArn,
        createdAt: d.createdAt,
        finishedAt: d.finishedAt,
        gateDecision: gate && gateDecision(gate),
      });
    }),
    gateDecisions: gateDecisions.slice(0, RECENT_DEPLOYMENTS).map(gateDecision),
    containers,
    findings,
    counts: countOf(findings),
    stale: report?.stale ?? false,
    staleErrors: report?.staleErrors ?? [],
    updatedAt: report?.updatedAt,
    statusSince: report?.statusSince,
  });
}

/** A stored gate decision as the API shows it (without who reported it, or when it arrived). */
export function gateDecision(record: GateDecisionRecord): GateDecision {
  return compact({
    serviceArn: record.serviceArn,
    serviceDeploymentArn: record.serviceDeploymentArn,
    targetServiceRevisionArn: record.targetServiceRevisionArn,
    taskDefinitionArn: record.taskDefinitionArn,
    lifecycleStage: record.lifecycleStage,
    hookStatus: record.hookStatus,
    decision: record.decision,
    readiness: record.readiness,
    cause: record.cause,
    fix: record.fix,
    findings: gateFindings(record.findings),
    decidedAt: record.decidedAt,
  });
}

/** The named findings of a gate report, with only the properties the API documents. */
export function gateFindings(findings: unknown[]): GateFinding[] {
  return records(findings).map(f =>
    compact({
      check: str(f.check) ?? '',
      severity: str(f.severity) ?? '',
      container: str(f.container),
      image: str(f.image),
      title: str(f.title) ?? '',
      fix: str(f.fix) ?? '',
    }),
  );
}

/** `GET /entities/{kind}/{namespace}/{name}/readiness`. */
export function entityReadiness(input: {
  entityRef: string;
  title?: string;
  report: EntityReport;
  services: ServiceReport[];
  links: StoredLink[];
  /** Pull errors of its services in the last 30 days. */
  summaries: PullErrorSummary[];
  /** Service deployments of its services, newest first. */
  deployments?: ServiceDeploymentRecord[];
  /** The deployment gate's decisions for its services, newest first. */
  gateDecisions?: GateDecisionRecord[];
  lastAudited?: string;
}): EntityReadiness {
  const { report } = input;
  const reports = new Map(input.services.map(s => [s.serviceArn, s]));
  const links = new Map(input.links.map(l => [l.serviceArn, l]));
  const arns = [...new Set([...report.serviceArns, ...links.keys()])].sort(
    (a, b) => a.localeCompare(b, 'en'),
  );
  const services = arns.map(arn =>
    serviceReadiness(
      arn,
      reports.get(arn),
      links.get(arn),
      input.summaries.filter(s => s.serviceArn === arn),
      (input.deployments ?? []).filter(d => d.serviceArn === arn),
      (input.gateDecisions ?? []).filter(d => d.serviceArn === arn),
    ),
  );
  const findings = report.findings
    .slice()
    .sort(bySeverity)
    .map(f => renderFinding(f));
  const counts = countOf(report.findings);
  const serviceCounts: EntityReadiness['serviceCounts'] = {};
  for (const service of services) {
    for (const severity of SEVERITIES) {
      counts[severity] += service.counts[severity];
    }
    serviceCounts[service.status] = (serviceCounts[service.status] ?? 0) + 1;
  }
  let last30Days = 0;
  let lastAt: string | undefined;
  for (const summary of input.summaries) {
    last30Days += summary.count;
    if (!lastAt || summary.lastAt > lastAt) lastAt = summary.lastAt;
  }
  return compact({
    entityRef: input.entityRef,
    title: input.title,
    status: report.status,
    stale: report.stale,
    staleErrors: report.staleErrors,
    staleSince: report.staleSince,
    lastAudited: input.lastAudited,
    updatedAt: report.updatedAt,
    statusSince: report.statusSince,
    counts,
    serviceCounts,
    findings,
    services,
    pullErrors: compact({ last30Days, lastAt }),
  });
}

/** One item of `GET …/pull-errors`. */
export function pullErrorItem(record: PullErrorRecord): PullErrorItem {
  const classified = record.classified;
  const category = isCategory(record.category) ? record.category : 'other';
  const diagnosis = classified?.diagnosis;
  const fixKey = diagnosis?.fixKey ?? classified?.fixKey ?? category;
  const fixVars = diagnosis?.fixVars ?? classified?.fixVars ?? {};
  return compact({
    id: record.id,
    occurredAt: record.occurredAt,
    taskArn: record.taskArn,
    container: record.container,
    serviceArn: record.serviceArn,
    accountId: record.accountId,
    region: record.region,
    category,
    message: record.message,
    image: record.image,
    taskDefinitionArn: record.taskDefinitionArn,
    fixKey,
    fix: fixFor(fixKey, fixVars),
    classification: compact({
      category: classified?.category,
      confidence: classified?.confidence,
      ambiguous: classified?.ambiguous,
      candidates: classified?.candidates,
      note: classified?.note,
      extracted: classified?.extracted,
      matchedRule: classified?.matchedRule,
      confirmedBy: classified?.confirmedBy,
    }) as Record<string, unknown>,
    diagnosis: diagnosis && {
      decidedBy: diagnosis.decidedBy,
      confidence: diagnosis.confidence,
      ...(diagnosis.evidence.length > 0 && {
        statement: `When this task stopped, the audit found: ${diagnosis.evidence
          .map(e => e.title.replace(/\.$/, ''))
          .join('; ')}.`,
      }),
      evidence: diagnosis.evidence,
      ...(diagnosis.messageCategory && {
        messageCategory: diagnosis.messageCategory,
      }),
      ambiguousMessage: diagnosis.ambiguousMessage,
    },
  });
}

/** One row of `GET /scorecard`. */
export function scorecardRow(entry: ScorecardEntry): ScorecardRow {
  return compact({
    entityRef: entry.entityRef,
    kind: entry.kind,
    namespace: entry.namespace,
    name: entry.name,
    title: entry.title,
    owner: entry.owner,
    system: entry.system,
    status: entry.status,
    counts: entry.counts,
    failingChecks: entry.failingChecks,
    services: entry.serviceArns.length,
    lastPullFailure: entry.lastPullFailureAt,
    lastAudited: entry.lastAuditedAt,
    stale: entry.stale,
    statusSince: entry.statusSince,
  });
}

/** `GET /runs/{id}` and `POST …/audit`. */
export function auditRunInfo(
  run: AuditRun,
  deduplicated?: boolean,
): AuditRunInfo {
  return compact({
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    entityRef: run.entityRef,
    shard: run.shard,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    servicesTotal: run.servicesTotal,
    servicesAudited: run.servicesAudited,
    entitiesAudited: run.entitiesAudited,
    errorsByAccount: run.errorsByAccount,
    ...(deduplicated && { deduplicated }),
  });
}

/** `GET /checks`. */
export function checkCatalogue(): CheckCatalogue {
  return {
    checks: CHECK_IDS.map(id => {
      const fix = fixFor(id);
      return {
        id,
        severity: DEFAULT_CHECK_SEVERITY[id],
        title: fix.title,
        summary: fix.summary,
        docs: fix.docs,
      };
    }),
    categories: PULL_ERROR_CATEGORIES.map(id => {
      const fix = fixFor(id);
      return {
        id,
        title: fix.title,
        summary: fix.summary,
        confirmedBy: [...(CATEGORY_CONFIRMING_CHECKS[id] ?? [])],
      };
    }),
  };
}
