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

import { useApi } from '@backstage/core-plugin-api';
import type { AuditRunInfo } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ecsDeployReadinessApiRef } from '../api';

/** Where a re-audit is. */
export type ReauditState =
  | { phase: 'idle' }
  | { phase: 'running'; run?: AuditRunInfo }
  | { phase: 'finished'; run: AuditRunInfo }
  | { phase: 'failed'; error: Error };

/** How long to wait between two polls of the run: quick at first, then every 2 s. */
const POLL_DELAYS_MS = [500, 1000, 1500, 2000];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Starts an audit of the entity (`POST …/audit`), follows the run (`GET /runs/{id}`) until it is
 * no longer running, then calls `onFinished` so the page reads the readiness again. Stops
 * following when the component unmounts.
 */
export function useReaudit(
  entityRef: string,
  onFinished: (run: AuditRunInfo) => void,
): { state: ReauditState; start: () => void } {
  const api = useApi(ecsDeployReadinessApiRef);
  const [state, setState] = useState<ReauditState>({ phase: 'idle' });
  const controller = useRef<AbortController>();
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(() => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    const { signal } = abort;
    setState({ phase: 'running' });
    (async () => {
      let run = await api.startAudit(entityRef, { signal });
      setState({ phase: 'running', run });
      for (let i = 0; run.status === 'running'; i++) {
        await sleep(
          POLL_DELAYS_MS[Math.min(i, POLL_DELAYS_MS.length - 1)],
          signal,
        );
        run = await api.getAuditRun(run.id, { signal });
        setState({ phase: 'running', run });
      }
      setState({ phase: 'finished', run });
      finished.current(run);
    })().catch(error => {
      if (signal.aborted) return;
      setState({ phase: 'failed', error });
    });
  }, [api, entityRef]);

  return { state, start };
}
