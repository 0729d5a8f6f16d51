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

/**
 * Where the gate writes its log lines: one JSON object a line (CloudWatch Logs reads them as
 * structured). Every line passes through the engine's secret redactor first.
 *
 * @public
 */
export interface GateLogger {
  /** A decision that lets the deployment proceed, or a stage that is not gated. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** A stopped deployment, or one let through unverified. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** A payload or configuration the gate cannot use. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A line as written: level, message, fields, with every held secret replaced. */
export function logLine(
  level: 'info' | 'warn' | 'error',
  message: string,
  fields: Record<string, unknown> = {},
): string {
  return JSON.stringify(heldSecrets.redactValue({ level, message, ...fields }));
}

/** Writes to stdout (info) and stderr (warn, error), as the Lambda runtime collects them. */
export function stdioLogger(): GateLogger {
  return {
    info: (m, f) => process.stdout.write(`${logLine('info', m, f)}\n`),
    warn: (m, f) => process.stderr.write(`${logLine('warn', m, f)}\n`),
    error: (m, f) => process.stderr.write(`${logLine('error', m, f)}\n`),
  };
}
