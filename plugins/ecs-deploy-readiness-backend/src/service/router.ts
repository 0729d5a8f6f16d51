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

import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ecsDeployReadinessAuditRunPermission,
  type EntityReadinessStatus,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { JsonObject } from '@backstage/types';
import type express from 'express';
import { memoizeFor } from '../lib/memoizeFor';
import { spec } from '../schema/openapi.generated';
import type {
  GateDecisionRecord,
  ReadinessStore,
  ScorecardQuery,
} from '../store/ReadinessStore';
import { scorecardCsvLines } from './csv';
import type { ManualAudits } from './ManualAudits';
import {
  auditRunInfo,
  checkCatalogue,
  entityReadiness,
  gateFindings,
  pullErrorItem,
  scorecardRow,
} from './responses';
import type { EntityVisibility } from './visibility';

/** @internal */
export interface RouterOptions {
  logger: LoggerService;
  store: ReadinessStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  visibility: EntityVisibility;
  manualAudits: ManualAudits;
  clock?: () => Date;
  /** Called once for each gate decision stored (metrics). */
  onGateDecision?: (decision: GateDecisionRecord) => void;
  /** Validate every response against the OpenAPI document too (tests). */
  validateResponses?: boolean;
}

/** The catalog's own kinds; any other kind must be one the plugin has linked. */
const BUILT_IN_KINDS = [
  'api',
  'component',
  'domain',
  'group',
  'location',
  'resource',
  'system',
  'template',
  'user',
];
const KINDS_CACHE_MS = 60_000;
const SHARD_AUDITS_CACHE_MS = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const SUMMARY_DAYS = 30;

/**
 * The plugin's HTTP API, as `src/schema/openapi.yaml` documents it; requests are validated
 * against the document before a handler runs. Every route but `/health` needs a user or service
 * token, and shows only the entities the catalog lets the caller read. Errors are
 * `@backstage/errors`, which the framework maps to 4xx.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, httpAuth, permissions, visibility, manualAudits } = options;
  const clock = options.clock ?? (() => new Date());
  const router = createValidatedOpenApiRouter(spec, {
    validatorOptions: {
      // Credentials are Backstage's to check (httpAuth): a missing token is a 401, not a 400.
      validateSecurity: false,
      ...(options.validateResponses && { validateResponses: true }),
    },
  });

  const knownKinds = memoizeFor(KINDS_CACHE_MS, async () => {
    const linked = await store.listEntityKinds();
    return new Set([...BUILT_IN_KINDS, ...linked]);
  });

  // Any request of the typed router: its params and query are typed from the document.
  const credentialsOf = (req: express.Request<any, any, any, any>) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * The entity of the path, when it exists and the caller may read it; else a 404. A caller who
   * may read every entity is answered from the last catalog link's view of the entity (no
   * catalog request); anyone else, or an entity the link did not store, is asked of the catalog
   * with the caller's credentials.
   */
  const readableEntity = async (
    params: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<{ entityRef: string; title?: string }> => {
    const kind = params.kind.toLocaleLowerCase('en-US');
    if (!(await knownKinds()).has(kind)) {
      throw new InputError(
        `Invalid kind '${params.kind}': not a catalog kind, nor the kind of an entity linked to ECS`,
      );
    }
    const entityRef = stringifyEntityRef({ ...params, kind }).toLocaleLowerCase(
      'en-US',
    );
    if (await visibility.canReadAll(credentials)) {
      const [meta] = await store.listEntityMeta([entityRef]);
      if (meta) return { entityRef, title: meta.title };
    }
    const entity = await visibility.getEntity(entityRef, credentials);
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    return { entityRef, title: entity.metadata.title };
  };

  // Shards are audited every 30 minutes: their last audits are read at most every few seconds.
  const cachedShardAudits = memoizeFor(SHARD_AUDITS_CACHE_MS, () =>
    store.lastShardAudits(),
  );

  const notAudited = (entityRef: string) =>
    new NotFoundError(
      `No readiness report for ${entityRef}: it has not been audited yet, or links to no ECS service`,
    );

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name/readiness', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { entityRef, title } = await readableEntity(req.params, credentials);
    const report = await store.getEntityReport(entityRef);
    if (!report) throw notAudited(entityRef);
    const links = await store.listLinks({ entityRefs: [entityRef] });
    const serviceArns = [
      ...new Set([...report.serviceArns, ...links.map(l => l.serviceArn)]),
    ];
    const since = new Date(clock().getTime() - SUMMARY_DAYS * DAY_MS);
    const [services, summaries, deployments, gateDecisions, shardAuditTimes] =
      await Promise.all([
        store.getServiceReports(serviceArns),
        serviceArns.length
          ? store.summarizePullErrors({ serviceArns, since })
          : Promise.resolve([]),
        serviceArns.length
          ? store.listServiceDeployments({
              serviceArns,
              since,
              limit: 5 * serviceArns.length,
            })
          : Promise.resolve([]),
        serviceArns.length
          ? store.listGateDecisions({
              serviceArns,
              since,
              limit: 10 * serviceArns.length,
            })
          : Promise.resolve([]),
        cachedShardAudits(),
      ]);
    res.json(
      entityReadiness({
        entityRef,
        title,
        report,
        services,
        links,
        summaries,
        deployments,
        gateDecisions,
        lastAudited: report.stale
          ? undefined
          : await lastAudited(store, entityRef, services, shardAuditTimes),
      }),
    );
  });

  router.get(
    '/entities/:kind/:namespace/:name/pull-errors',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      const { entityRef } = await readableEntity(req.params, credentials);
      const until = req.query.until ? new Date(req.query.until) : clock();
      const since = req.query.since
        ? new Date(req.query.since)
        : new Date(until.getTime() - SUMMARY_DAYS * DAY_MS);
      if (!(since.getTime() < until.getTime())) {
        throw new InputError(
          `Invalid since '${
            req.query.since
          }': must be before until (${until.toISOString()})`,
        );
      }
      const filter = {
        entityRef,
        since,
        until,
        ...(req.query.category?.length && {
          categories: [...new Set(req.query.category)],
        }),
      };
      const [page, counts] = await Promise.all([
        store.listPullErrors({
          ...filter,
          limit: req.query.limit ?? 50,
          ...(req.query.cursor && { cursor: req.query.cursor }),
        }),
        store.countPullErrors(filter),
      ]);
      res.json({
        items: page.items.map(pullErrorItem),
        ...(page.nextCursor && { nextCursor: page.nextCursor }),
        counts,
        since: since.toISOString(),
        until: until.toISOString(),
      });
    },
  );

  router.post('/entities/:kind/:namespace/:name/audit', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { entityRef } = await readableEntity(req.params, credentials);
    const [decision] = await permissions.authorize(
      [
        {
          permission: ecsDeployReadinessAuditRunPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to audit ${entityRef}: needs the permission ${ecsDeployReadinessAuditRunPermission.name}`,
      );
    }
    const { run, deduplicated } = await manualAudits.start(entityRef);
    res.status(202).json(auditRunInfo(run, deduplicated));
  });

  router.get('/runs/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    const run = await store.getAuditRun(Number(req.params.id));
    if (!run) throw new NotFoundError(`No audit run ${req.params.id}`);
    // A manual run names its entity: only those who may read the entity see it.
    if (
      run.entityRef &&
      !(await visibility.getEntity(run.entityRef, credentials))
    ) {
      throw new NotFoundError(`No audit run ${req.params.id}`);
    }
    res.json(auditRunInfo(run));
  });

  const scorecardQuery = async (
    query: {
      owner?: string[];
      system?: string[];
      status?: string[];
      q?: string;
      sort?: string;
      order?: string;
    },
    credentials: BackstageCredentials,
  ): Promise<ScorecardQuery> => {
    const visibleRefs = await visibility.visibleRefs(credentials, async () =>
      (await store.listEntityMeta()).map(e => e.entityRef),
    );
    return {
      ...(query.owner?.length && {
        owners: refsOf('owner', query.owner, 'group'),
      }),
      ...(query.system?.length && {
        systems: refsOf('system', query.system, 'system'),
      }),
      ...(query.status?.length && {
        statuses: [...new Set(query.status)] as EntityReadinessStatus[],
      }),
      ...(query.q && { q: query.q }),
      sort: (query.sort ?? 'status') as ScorecardQuery['sort'],
      order: (query.order ?? 'asc') as ScorecardQuery['order'],
      ...(visibleRefs && { visibleRefs }),
    };
  };

  router.get('/scorecard', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = await scorecardQuery(req.query, credentials);
    const result = await store.listScorecard({
      ...query,
      limit: req.query.limit ?? 50,
      ...(req.query.cursor && { cursor: req.query.cursor }),
    });
    res.json({
      items: result.items.map(scorecardRow),
      totals: result.totals,
      ...(result.nextCursor && { nextCursor: result.nextCursor }),
    });
  });

  router.get('/scorecard.csv', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = await scorecardQuery(req.query, credentials);
    const result = await store.listScorecard(query);
    const day = clock().toISOString().slice(0, 10);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .attachment(`ecs-deploy-readiness-${day}.csv`);
    res.send([...scorecardCsvLines(result.items.map(scorecardRow))].join(''));
  });

  router.get('/scorecard/trend', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = await scorecardQuery(
      { owner: req.query.owner, system: req.query.system },
      credentials,
    );
    const days = await store.scorecardTrend({
      days: req.query.days ?? 30,
      now: clock(),
      ...(query.owners && { owners: query.owners }),
      ...(query.systems && { systems: query.systems }),
      ...(query.visibleRefs && { visibleRefs: query.visibleRefs }),
    });
    res.json({ days });
  });

  router.post('/gate-decisions', async (req, res) => {
    // The gate reports with a static external-access token: a service principal. A user could
    // otherwise write what the card says about a deployment.
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const report = req.body;
    if (Number.isNaN(Date.parse(report.decidedAt))) {
      throw new InputError(
        `Invalid decidedAt '${report.decidedAt}': not an ISO 8601 time`,
      );
    }
    const { record, created } = await store.recordGateDecision({
      serviceArn: report.serviceArn,
      ...(report.serviceDeploymentArn && {
        serviceDeploymentArn: report.serviceDeploymentArn,
      }),
      targetServiceRevisionArn: report.targetServiceRevisionArn,
      ...(report.taskDefinitionArn && {
        taskDefinitionArn: report.taskDefinitionArn,
      }),
      lifecycleStage: report.lifecycleStage,
      ...(report.executionId && { executionId: report.executionId }),
      hookStatus: report.hookStatus,
      decision: report.decision,
      ...(report.readiness && { readiness: report.readiness }),
      ...(report.cause && { cause: report.cause }),
      ...(report.fix && { fix: report.fix }),
      findings: gateFindings(report.findings) as unknown as JsonObject[],
      decidedAt: report.decidedAt,
      reportedBy: credentials.principal.subject,
    });
    const links = await store.listLinks({ serviceArns: [report.serviceArn] });
    const entityRefs = [...new Set(links.map(l => l.entityRef))].sort();
    if (created) {
      options.logger.info(
        `The deployment gate answered ${record.hookStatus} (${
          record.decision
        }) for ${
          record.taskDefinitionArn ?? record.targetServiceRevisionArn
        } of ${record.serviceArn}${record.cause ? `: ${record.cause}` : ''}`,
      );
      options.onGateDecision?.(record);
    }
    res
      .status(created ? 201 : 200)
      .json({ id: record.id, created, entityRefs });
  });

  router.get('/checks', async (req, res) => {
    await credentialsOf(req);
    res.json(checkCatalogue());
  });

  return router;
}

/** Owner or system filters as lower-case entity refs; a bare name is in the default namespace. */
function refsOf(
  parameter: string,
  values: string[],
  defaultKind: string,
): string[] {
  return [
    ...new Set(
      values.map(value => {
        try {
          return stringifyEntityRef(
            parseEntityRef(value, {
              defaultKind,
              defaultNamespace: 'default',
            }),
          ).toLocaleLowerCase('en-US');
        } catch (error) {
          throw new InputError(
            `Invalid ${parameter} '${value}': ${(error as Error).message}`,
          );
        }
      }),
    ),
  ];
}

/**
 * When the report was last confirmed: the oldest of its services' shards' latest audit that did
 * not fail (an unchanged report is not rewritten, so its `updatedAt` says when it changed, not
 * when it was audited); for an entity without services, the latest catalog link.
 */
async function lastAudited(
  store: ReadinessStore,
  entityRef: string,
  services: Array<{ accountId: string; region: string }>,
  lastShardAudits: Map<string, string>,
): Promise<string | undefined> {
  if (services.length === 0) {
    const runs = await store.listAuditRuns({ limit: 50 });
    return runs.find(
      run =>
        run.trigger === 'link' && run.finishedAt && run.status !== 'failed',
    )?.finishedAt;
  }
  let oldest: string | undefined;
  for (const service of services) {
    const at = lastShardAudits.get(`${service.accountId}/${service.region}`);
    if (!at) {
      oldest = undefined;
      break;
    }
    if (!oldest || at < oldest) oldest = at;
  }
  // A manual audit of the entity covers all its services.
  const manual = await store.findRecentAuditRun({
    trigger: 'manual',
    entityRef,
    startedSince: new Date(0),
  });
  if (
    manual?.finishedAt &&
    manual.status !== 'failed' &&
    (!oldest || manual.finishedAt > oldest)
  ) {
    return manual.finishedAt;
  }
  return oldest;
}
