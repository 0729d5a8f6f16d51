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

import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { AuditRun, ReadinessStore } from '../store/ReadinessStore';

/** @internal */
export interface RouterOptions {
  logger: LoggerService;
  store: ReadinessStore;
}

// Kind, namespace and name as the catalog allows them (and no longer than the store's key).
const entityParams = z.object({
  kind: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  name: z.string().min(1).max(253),
});

/**
 * The plugin's HTTP API. Every route but `/health` needs Backstage credentials (the http
 * router's default policy); errors are `@backstage/errors`, which the framework maps to 4xx.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Interim: the stored report of one entity, with its services' reports.
  router.get('/entities/:kind/:namespace/:name/readiness', async (req, res) => {
    const parsed = entityParams.safeParse(req.params);
    if (!parsed.success) {
      throw new InputError(`Invalid entity ref: ${parsed.error.message}`);
    }
    const entityRef = stringifyEntityRef(parsed.data);
    const report = await store.getEntityReport(entityRef);
    if (!report) {
      throw new NotFoundError(
        `No readiness report for ${entityRef}: it has not been audited, or links to no ECS service`,
      );
    }
    const services = await store.getServiceReports(report.serviceArns);
    // A report that is not stale was confirmed by the latest finished run (an unchanged report
    // is not rewritten, so its updatedAt is when it last changed, not when it was last audited).
    // With shard tasks, the latest finished run of one of its services' shards (or a whole
    // audit); for an entity without services, the latest catalog link.
    const shards = new Set(services.map(s => `${s.accountId}/${s.region}`));
    const counts = (run: AuditRun) => {
      if (shards.size === 0) return true;
      if (run.shard) return shards.has(run.shard);
      return run.trigger !== 'link';
    };
    const lastRun = report.stale
      ? undefined
      : (await store.listAuditRuns({ limit: 500 })).find(
          run => run.finishedAt && run.status !== 'failed' && counts(run),
        );
    services.sort((a, b) => a.serviceArn.localeCompare(b.serviceArn, 'en'));
    res.json({
      entityRef,
      status: report.status,
      stale: report.stale,
      staleErrors: report.staleErrors,
      staleSince: report.staleSince,
      lastAudited: lastRun?.finishedAt,
      updatedAt: report.updatedAt,
      statusSince: report.statusSince,
      counts: report.counts,
      findings: report.findings,
      services: services.map(s => ({
        serviceArn: s.serviceArn,
        accountId: s.accountId,
        region: s.region,
        clusterArn: s.clusterArn,
        status: s.status,
        findings: s.findings,
        details: s.details,
        stale: s.stale,
        staleErrors: s.staleErrors,
        updatedAt: s.updatedAt,
        statusSince: s.statusSince,
      })),
    });
  });

  return router;
}
