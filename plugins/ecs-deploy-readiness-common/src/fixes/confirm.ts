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
  CHECK_IDS,
  type CheckId,
  type Finding,
  type FixKey,
  type PullErrorCategory,
} from '../types';
import { CATEGORY_CONFIRMING_CHECKS, FIX_CATALOGUE } from './fixFor';

/**
 * A past pull error (classified now, or stored with its category) that findings can explain.
 *
 * @public
 */
export interface ConfirmablePullError {
  /** The category the error was classified as. */
  category: PullErrorCategory;
  /** The catalogue key of its fix, when narrower than the category. */
  fixKey?: FixKey;
}

/**
 * A pull error with the checks whose current findings point at the same cause.
 *
 * @public
 */
export type ConfirmedPullError<T extends ConfirmablePullError> = T & {
  /** Empty when no finding explains the error. */
  confirmedBy: CheckId[];
};

function isCheckId(key: string): key is CheckId {
  return (CHECK_IDS as readonly string[]).includes(key);
}

/**
 * The check ids whose finding explains a pull error: those mapped to its category by the fix
 * catalogue, plus those of its narrower fix key.
 *
 * @public
 */
export function checksConfirming(error: ConfirmablePullError): CheckId[] {
  const checks = new Set<CheckId>(
    CATEGORY_CONFIRMING_CHECKS[error.category] ?? [],
  );
  const narrower = error.fixKey ? FIX_CATALOGUE[error.fixKey] : undefined;
  if (narrower) {
    for (const key of [...narrower.keys, ...(narrower.alsoConfirmedBy ?? [])]) {
      if (isCheckId(key)) {
        checks.add(key);
      }
    }
  }
  return [...checks];
}

/**
 * Marks each past pull error with the ids of the current findings that explain it, so a user
 * can read "this is why your last deploys failed" next to the finding. Order and content of the
 * input are kept; each output entry gains `confirmedBy`.
 *
 * @public
 */
export function confirmPullErrors<T extends ConfirmablePullError>(
  errors: readonly T[],
  findings: ReadonlyArray<Pick<Finding, 'id'>>,
): ConfirmedPullError<T>[] {
  const found = new Set(findings.map(f => f.id));
  return errors.map(error => ({
    ...error,
    confirmedBy: checksConfirming(error).filter(id => found.has(id)),
  }));
}
