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
  DEFAULT_CHECK_SEVERITY,
  type Finding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { AuditError } from './ReadinessStore';

/**
 * The `audit-error` findings of a stale report: one per distinct fault (code, API, account,
 * region) that kept the last audit from refreshing it. They are derived from the stored
 * `staleErrors` when the report is read, never stored among its findings, so the findings of
 * the last good audit stay exactly as they were and vanish with the stale mark.
 */
export function auditErrorFindings(errors: AuditError[]): Finding[] {
  const distinct = new Map<string, AuditError>();
  for (const e of errors) {
    const key = JSON.stringify([e.code, e.api, e.accountId, e.region]);
    if (!distinct.has(key)) distinct.set(key, e);
  }
  return [...distinct.values()].map(e => ({
    id: 'audit-error',
    severity: DEFAULT_CHECK_SEVERITY['audit-error'],
    title: e.api?.startsWith('registry:')
      ? `The last audit could not reach the registry ${e.api.slice(
          'registry:'.length,
        )}: ${e.code}`
      : `The last audit could not read it from AWS: ${e.code}${
          e.api ? ` on ${e.api}` : ''
        }${e.accountId ? ` in account ${e.accountId}` : ''}${
          e.region ? ` (${e.region})` : ''
        }`,
    evidence: JSON.parse(
      JSON.stringify({
        code: e.code,
        message: e.message,
        api: e.api,
        accountId: e.accountId,
        region: e.region,
        permission: e.permission,
      }),
    ),
    fixKey: 'audit-error',
    fixVars: JSON.parse(
      JSON.stringify({
        accountId: e.accountId,
        region: e.region,
        permission: e.permission,
      }),
    ),
  }));
}
