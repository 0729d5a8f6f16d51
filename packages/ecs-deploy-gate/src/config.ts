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

/**
 * What the gate does when the images cannot be verified (a registry that refuses or fails, a
 * check that cannot conclude): `allow` lets the deployment proceed (fail-open, the default:
 * the gate never stops a deployment for a fault of its own), `deny` rolls it back.
 *
 * @public
 */
export type UnverifiablePolicy = 'allow' | 'deny';

/**
 * The gate's settings, read once from the environment by {@link readGateConfig}.
 *
 * @public
 */
export interface GateConfig {
  /** `ECS_GATE_UNVERIFIABLE`: `allow` (default) or `deny`. */
  unverifiable: UnverifiablePolicy;
  /**
   * `ECS_GATE_TIME_BUDGET_MS`: the longest one invocation spends checking images (default
   * 20 000). The gate always keeps 2 s of the function's remaining time for its answer, so a
   * budget above the Lambda timeout is cut to fit.
   */
  timeBudgetMs: number;
  /** `ECS_GATE_CALLBACK_DELAY_SECONDS`: `callBackDelay` of an `IN_PROGRESS` answer (default 30). */
  callbackDelaySeconds: number;
  /**
   * `ECS_GATE_MAX_ATTEMPTS`: invocations of one deployment's hook that may run out of time (each
   * answering `IN_PROGRESS`) before the unverifiable policy decides (default 4).
   */
  maxAttempts: number;
  /**
   * `ECS_GATE_REPORT_URL` and `ECS_GATE_REPORT_TOKEN`: where to report each decision (the
   * Backstage backend's base URL) and the static token it accepts. Reporting is off unless
   * both are set.
   */
  report?: { url: string; token: string; timeoutMs: number };
  /** `ECS_GATE_AWS_ENDPOINT`: the endpoint of the ECS, ECR and Secrets Manager APIs (sandbox and tests only). */
  awsEndpoint?: string;
  /**
   * `ECS_GATE_REGISTRY_ENDPOINTS`: JSON `{ "<registry host>": "<url>" }` (sandbox and tests
   * only); these hosts may be plain HTTP on private addresses.
   */
  registryEndpoints?: Record<string, string>;
  /**
   * `ECS_GATE_ECR_DISTRIBUTION_ENDPOINT`: the ECR registry URL, with `{accountId}` and
   * `{region}` (sandbox and tests only).
   */
  ecrDistributionEndpoint?: string;
}

/** Keeps this much of the Lambda's remaining time for answering and reporting. */
export const ANSWER_MARGIN_MS = 2_000;

function positiveInteger(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new Error(
      `${name} must be a whole number from 1 to ${max}, got "${raw}"`,
    );
  }
  return value;
}

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return url.href.replace(/\/$/, '');
}

/**
 * Reads the gate's settings from the environment (the Lambda function's variables). Throws with
 * the variable's name for a value it cannot use: the handler answers `FAILED` naming it, since a
 * misconfigured gate should be noticed at the first deployment, not pass everything silently.
 *
 * @public
 */
export function readGateConfig(
  env: Record<string, string | undefined>,
): GateConfig {
  const unverifiable = env.ECS_GATE_UNVERIFIABLE || 'allow';
  if (unverifiable !== 'allow' && unverifiable !== 'deny') {
    throw new Error(
      `ECS_GATE_UNVERIFIABLE must be "allow" or "deny", got "${unverifiable}"`,
    );
  }
  const reportUrl = env.ECS_GATE_REPORT_URL;
  const reportToken = env.ECS_GATE_REPORT_TOKEN;
  if (!!reportUrl !== !!reportToken) {
    throw new Error(
      'ECS_GATE_REPORT_URL and ECS_GATE_REPORT_TOKEN are set together, or neither',
    );
  }
  let registryEndpoints: Record<string, string> | undefined;
  if (env.ECS_GATE_REGISTRY_ENDPOINTS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.ECS_GATE_REGISTRY_ENDPOINTS);
    } catch {
      parsed = undefined;
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      Object.values(parsed).some(v => typeof v !== 'string')
    ) {
      throw new Error(
        'ECS_GATE_REGISTRY_ENDPOINTS must be a JSON object of registry host to URL',
      );
    }
    registryEndpoints = Object.fromEntries(
      Object.entries(parsed as Record<string, string>).map(([host, url]) => [
        host,
        httpUrl(`ECS_GATE_REGISTRY_ENDPOINTS.${host}`, url),
      ]),
    );
  }
  return {
    unverifiable,
    timeBudgetMs: positiveInteger(
      env,
      'ECS_GATE_TIME_BUDGET_MS',
      20_000,
      900_000,
    ),
    callbackDelaySeconds: positiveInteger(
      env,
      'ECS_GATE_CALLBACK_DELAY_SECONDS',
      30,
      3_600,
    ),
    maxAttempts: positiveInteger(env, 'ECS_GATE_MAX_ATTEMPTS', 4, 100),
    ...(reportUrl &&
      reportToken && {
        report: {
          url: httpUrl('ECS_GATE_REPORT_URL', reportUrl),
          token: reportToken,
          timeoutMs: 1_500,
        },
      }),
    ...(env.ECS_GATE_AWS_ENDPOINT && {
      awsEndpoint: httpUrl('ECS_GATE_AWS_ENDPOINT', env.ECS_GATE_AWS_ENDPOINT),
    }),
    ...(registryEndpoints && { registryEndpoints }),
    ...(env.ECS_GATE_ECR_DISTRIBUTION_ENDPOINT && {
      ecrDistributionEndpoint: env.ECS_GATE_ECR_DISTRIBUTION_ENDPOINT,
    }),
  };
}
