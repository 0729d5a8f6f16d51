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

import { heldSecrets } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type { AuditError } from '../store/ReadinessStore';

/**
 * A fault of one AWS call, as the audit records it: the error's code, a redacted message, where
 * it happened, and, when AWS denied the call, the IAM permission to grant.
 */
export interface AwsError extends AuditError {
  /** The IAM action the principal lacks, e.g. `ecs:DescribeServices` or `sts:AssumeRole`. */
  permission?: string;
}

/** A failed AWS call, with the API it was. Thrown inside a shard, never out of it. */
export class AwsCallError extends Error {
  readonly api: string;
  readonly cause: unknown;

  constructor(api: string, cause: unknown) {
    super(`${api} failed`);
    this.name = 'AwsCallError';
    this.api = api;
    this.cause = cause;
  }
}

/** Runs one AWS call; a failure is rethrown as an {@link AwsCallError} naming `api`. */
export async function callAws<T>(
  api: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AwsCallError(api, error);
  }
}

const MAX_MESSAGE_LENGTH = 500;

const ACCESS_DENIED_CODES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);

/**
 * Removes what could let someone act as the caller: access key ids, session tokens and
 * signatures. AWS error messages name principals and resources (ARNs), which are kept: they say
 * what to fix.
 */
export function redactAwsText(text: string): string {
  // The engine's redactor first: every credential the process holds (registry passwords and
  // tokens), and credential-shaped values (`Authorization: Basic …`, `Bearer …`, `user:pass@`).
  return heldSecrets
    .redact(text)
    .replace(/\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(
      /((?:X-Amz-Security-Token|X-Amz-Signature|Signature|Credential|SessionToken|aws_session_token|secretAccessKey)\s*[=:]\s*)[^\s&,;"']+/gi,
      '$1[redacted]',
    );
}

/** Whether the error is the abort of the caller's `AbortSignal`. */
export function isAbortError(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/**
 * Describes a failed call for the run record. `AccountNotConfigured` when
 * `@backstage/integration-aws-node` has no credentials for the account, `Canceled` when the run's
 * signal aborted it, else the AWS error name (`AccessDeniedException`, `ThrottlingException`…).
 */
export function describeAwsError(
  error: unknown,
  where: { accountId?: string; region?: string; api?: string },
): AwsError {
  const api =
    error instanceof AwsCallError ? error.api : where.api ?? undefined;
  const cause = error instanceof AwsCallError ? error.cause : error;
  const e = (typeof cause === 'object' && cause !== null ? cause : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const rawMessage =
    typeof e.message === 'string' && e.message
      ? e.message
      : String(cause ?? 'unknown error');
  let code = 'Error';
  if (typeof e.name === 'string' && e.name !== 'Error') {
    code = e.name;
  } else if (typeof e.code === 'string') {
    code = e.code;
  }
  if (isAbortError(cause)) {
    code = 'Canceled';
  } else if (/no AWS integration that matches/i.test(rawMessage)) {
    code = 'AccountNotConfigured';
  }
  const denied =
    /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(rawMessage);
  const permission =
    denied?.[1] ?? (ACCESS_DENIED_CODES.has(code) ? api : undefined);
  let message = redactAwsText(rawMessage);
  if (message.length > MAX_MESSAGE_LENGTH) {
    message = `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
  }
  return {
    code,
    message,
    ...(where.accountId ? { accountId: where.accountId } : {}),
    ...(where.region ? { region: where.region } : {}),
    ...(api ? { api } : {}),
    ...(permission ? { permission } : {}),
  };
}
