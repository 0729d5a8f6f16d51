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

import type { GateDecision, HookResponse, NamedFinding } from './response';

/**
 * What the gate reports to the Backstage backend for each decision it makes at `PRE_SCALE_UP`
 * (`POST <ECS_GATE_REPORT_URL>/api/ecs-deploy-readiness/gate-decisions`, bearer token).
 *
 * @public
 */
export interface GateDecisionReport {
  /** Version of this payload. */
  schemaVersion: 1;
  /** The service being deployed. */
  serviceArn: string;
  /** The service deployment (the event's `resourceArn`), when ECS sent it. */
  serviceDeploymentArn?: string;
  /** The revision being deployed. */
  targetServiceRevisionArn: string;
  /** The revision's task definition, when it was read. */
  taskDefinitionArn?: string;
  /** `PRE_SCALE_UP`. */
  lifecycleStage: string;
  /** The hook execution (the event's `executionId`). */
  executionId?: string;
  /** What the gate answered ECS. */
  hookStatus: HookResponse['hookStatus'];
  /** Why. */
  decision: GateDecision;
  /** The engine's readiness of the revision's images, when it concluded. */
  readiness?: 'ready' | 'blocked' | 'at-risk' | 'unverifiable';
  /** One line: why (the first blocking finding, or why nothing could be verified). */
  cause?: string;
  /** One line: what to do about it. */
  fix?: string;
  /** The blocking findings (or risks, or why nothing was verified), at most 5. */
  findings: NamedFinding[];
  /** ISO 8601. */
  decidedAt: string;
}

/** The path under the backend's base URL. */
export const REPORT_PATH = '/api/ecs-deploy-readiness/gate-decisions';

/**
 * Sends a decision to the backend. Never throws and never waits past `timeoutMs`: a backend
 * that is down or refuses changes nothing about the decision; the outcome is returned for the
 * log line.
 */
export async function sendReport(
  report: GateDecisionReport,
  target: { url: string; token: string; timeoutMs: number },
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; status: number } | { ok: false; reason: string }> {
  try {
    const response = await fetchImpl(`${target.url}${REPORT_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${target.token}`,
      },
      body: JSON.stringify(report),
      redirect: 'error',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) {
      return {
        ok: false,
        reason: `the backend answered HTTP ${response.status}`,
      };
    }
    return { ok: true, status: response.status };
  } catch (error) {
    const e = error as Error;
    return {
      ok: false,
      reason:
        e.name === 'TimeoutError'
          ? `no answer within ${target.timeoutMs} ms`
          : `${e.name}: ${e.message}`,
    };
  }
}
