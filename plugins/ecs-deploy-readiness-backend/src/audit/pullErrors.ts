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
  classifyPullError,
  confirmPullErrors,
  diagnosePullError,
  type Finding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { redactAwsText } from '../aws';
import type { ServiceSnapshot } from '../collect';
import type { PullErrorInput } from '../store/ReadinessStore';

// What ECS writes when a task could not pull or prepare its image; anything else (an essential
// container exited, a scale-in) is not a pull failure.
const PULL_FAILURE =
  /CannotPullContainerError|pull image|pulling image|manifest (?:unknown|for .* not found)|ResourceInitializationError|toomanyrequests/i;

/**
 * A stored classification, with what the service's findings (when it was stored) say of it:
 * `confirmedBy`, the check ids of the findings that explain the error (`confirmPullErrors`;
 * empty when none does), and `diagnosis`, the cause those findings decide among the message's
 * candidates (`diagnosePullError`). Both are absent when the service's findings were not known:
 * it had no report yet.
 */
export type ConfirmedClassification = PullErrorInput['classified'];

/**
 * The pull failures of a service's stopped tasks, classified: one per container whose reason is
 * a pull failure, or one for the task (without a container) when only the task's stop reason
 * says so. The store keeps one per task and container, so the same task seen again adds nothing.
 * Given the service's current findings, each classification records those that explain it and the
 * cause they decide.
 */
export function pullErrorsOf(
  snapshot: ServiceSnapshot,
  now: Date,
  findings?: readonly Finding[],
): PullErrorInput[] {
  const errors = classifiedPullErrorsOf(snapshot, now);
  if (!findings) return errors;
  return errors.map(error => {
    const diagnosis = diagnosePullError(error.classified, findings, {
      container: error.container,
    });
    const [{ confirmedBy }] = confirmPullErrors(
      [{ category: diagnosis.category, fixKey: diagnosis.fixKey }],
      findings,
    );
    const classified: ConfirmedClassification = {
      ...error.classified,
      confirmedBy,
      diagnosis,
    };
    return { ...error, classified };
  });
}

function classifiedPullErrorsOf(
  snapshot: ServiceSnapshot,
  now: Date,
): PullErrorInput[] {
  const errors: PullErrorInput[] = [];
  for (const task of snapshot.stoppedTasks) {
    const base = {
      taskArn: task.taskArn,
      serviceArn: snapshot.serviceArn,
      accountId: snapshot.accountId,
      region: snapshot.region,
      taskDefinitionArn: task.taskDefinitionArn,
      occurredAt: task.stoppedAt ?? now,
    };
    const containers = task.containers.filter(
      c => c.reason && isPullFailure(c.reason),
    );
    for (const container of containers) {
      const message = redactAwsText(container.reason!);
      errors.push({
        ...base,
        container: container.name,
        image: container.image,
        message,
        classified: classifyPullError(message),
      });
    }
    if (
      containers.length === 0 &&
      task.stoppedReason &&
      isPullFailure(task.stoppedReason)
    ) {
      const message = redactAwsText(task.stoppedReason);
      errors.push({
        ...base,
        message,
        classified: classifyPullError(message),
      });
    }
  }
  return errors;
}

/** Whether ECS's text reports a failure to pull or prepare an image. */
export function isPullFailure(text: string): boolean {
  return (
    PULL_FAILURE.test(text) || classifyPullError(text).category !== 'other'
  );
}
