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

import { ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ECSClientConfig,
  ServiceRevision,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import {
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DefaultRegistryClientProvider,
  ImageInspector,
  heldSecrets,
  parseImageReference,
  withDigest,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import type { TaskDefinitionInspection } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import {
  ANSWER_MARGIN_MS,
  GateConfig,
  UnverifiablePolicy,
  readGateConfig,
} from './config';
import { SecretReader, taskDefinitionCredentials } from './credentials';
import { HookEvent, parseHookEvent, serviceArnParts } from './event';
import { GateLogger, stdioLogger } from './log';
import { GateDecisionReport, sendReport } from './report';
import {
  GateDecision,
  HookResponse,
  NamedFinding,
  causeLine,
  findingsOf,
  fixLine,
  listed,
  ranOutOfTime,
} from './response';

/** The name the gate signs its `hookDetails` with. */
const GATE = 'ecs-deploy-readiness';

/** Below this much time left, the gate does not start checking: it asks to be called again. */
const MIN_BUDGET_MS = 500;

/**
 * The part of the Lambda context the gate reads.
 *
 * @public
 */
export interface GateContext {
  /** Milliseconds left before the Lambda runtime stops the invocation. */
  getRemainingTimeInMillis?(): number;
  /** The invocation's request id, for log lines. */
  awsRequestId?: string;
}

/**
 * A Lambda lifecycle hook handler: never throws, always answers.
 *
 * @public
 */
export type GateHandler = (
  event: unknown,
  context?: GateContext,
) => Promise<HookResponse>;

/**
 * What {@link createGateHandler} builds the gate from. Everything but `config` has a default:
 * the AWS SDK's default credential chain and region endpoints, Secrets Manager for
 * `repositoryCredentials`, JSON log lines on stdout and stderr, the global `fetch`.
 *
 * @public
 */
export interface GateOptions {
  /** The settings, or an error reading them (every invocation then answers `FAILED`). */
  config: GateConfig | Error;
  /** Credentials of the AWS SDK clients (default: the Lambda role, via the default chain). */
  credentials?: ECSClientConfig['credentials'];
  /** Reads a `repositoryCredentials` secret (default: Secrets Manager `GetSecretValue`). */
  readSecret?: SecretReader;
  /** Where log lines go (default: JSON lines on stdout and stderr). */
  logger?: GateLogger;
  /** Sends the report to Backstage (default: the global `fetch`). */
  fetch?: typeof fetch;
  /** Default: the system clock. */
  now?: () => Date;
}

interface Verdict {
  hookStatus: HookResponse['hookStatus'];
  decision: GateDecision;
  readiness?: GateDecisionReport['readiness'];
  cause?: string;
  fix?: string;
  findings: NamedFinding[];
  taskDefinitionArn?: string;
  /** For `IN_PROGRESS`: the attempt that ran out of time. */
  attempt?: number;
}

/** Reads the revision and its task definition, and the digests the revision will pull. */
interface Revision {
  revision: ServiceRevision;
  taskDefinition: TaskDefinition;
}

class Unverifiable extends Error {
  constructor(message: string, readonly outOfTime = false) {
    super(message);
  }
}

/** An AWS SDK error in one line, without request ids. */
function awsFault(
  api: string,
  error: unknown,
  signal: AbortSignal,
): Unverifiable {
  if (signal.aborted) {
    return new Unverifiable(
      `${api} did not answer within the time budget`,
      true,
    );
  }
  const e = error as { name?: string; message?: string };
  return new Unverifiable(
    `${api} failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`,
  );
}

/**
 * The task definition as the revision will run it: each container's image pinned to the digest
 * the service revision resolved (`containerImages[].imageDigest`, software version
 * consistency), and the revision's launch type in place of the task definition's list, so the
 * engine checks exactly what ECS will pull, where.
 */
export function revisionTaskDefinition({
  revision,
  taskDefinition,
}: Revision): TaskDefinition {
  const digests = new Map(
    (revision.containerImages ?? [])
      .filter(ci => ci.containerName && ci.imageDigest)
      .map(ci => [ci.containerName!, ci.imageDigest!]),
  );
  const launchType =
    revision.launchType ??
    (revision.capacityProviderStrategy?.every(p =>
      p.capacityProvider?.startsWith('FARGATE'),
    )
      ? 'FARGATE'
      : undefined);
  return {
    ...taskDefinition,
    ...(launchType &&
      ['FARGATE', 'EC2', 'EXTERNAL'].includes(launchType) && {
        requiresCompatibilities: [launchType as 'FARGATE'],
      }),
    containerDefinitions: (taskDefinition.containerDefinitions ?? []).map(
      container => {
        const digest = container.name ? digests.get(container.name) : undefined;
        if (!digest || typeof container.image !== 'string') return container;
        const parsed = parseImageReference(container.image);
        if (!parsed.ok || parsed.reference.digest) return container;
        return { ...container, image: withDigest(parsed.reference, digest) };
      },
    ),
  };
}

/**
 * Builds the lifecycle hook handler. At `PRE_SCALE_UP` it reads the target service revision
 * (`DescribeServiceRevisions`) and its task definition, runs the engine's checks on the images
 * the revision will pull for its platform, and answers `FAILED` on a blocking finding, naming the
 * cause and the fix in `hookDetails`; `SUCCEEDED` otherwise. At other stages it answers
 * `SUCCEEDED` at once (after scale-up there is nothing left to stop, and failing a rollback's
 * traffic shift would only hurt).
 *
 * @public
 */
export function createGateHandler(options: GateOptions): GateHandler {
  const logger = options.logger ?? stdioLogger();
  const now = options.now ?? (() => new Date());
  const config = options.config;
  if (!(config instanceof Error) && config.report) {
    heldSecrets.add(config.report.token);
  }
  const ecsClients = new Map<string, ECSClient>();
  const ecrClients = new Map<string, ECRClient>();
  const clientConfig = (region: string) => ({
    region,
    ...(options.credentials && { credentials: options.credentials }),
    ...(!(config instanceof Error) &&
      config.awsEndpoint && { endpoint: config.awsEndpoint }),
    maxAttempts: 2,
  });
  const ecsFor = (region: string) => {
    let client = ecsClients.get(region);
    if (!client) {
      client = new ECSClient(clientConfig(region));
      ecsClients.set(region, client);
    }
    return client;
  };
  const ecrFor = (region: string) => {
    let client = ecrClients.get(region);
    if (!client) {
      client = new ECRClient(clientConfig(region));
      ecrClients.set(region, client);
    }
    return client;
  };
  const readSecret: SecretReader =
    options.readSecret ??
    (async (arn, signal) => {
      const region = arn.split(':')[3];
      const client = new SecretsManagerClient(clientConfig(region));
      try {
        const out = await client.send(
          new GetSecretValueCommand({ SecretId: arn }),
          { abortSignal: signal },
        );
        return out.SecretString;
      } finally {
        client.destroy();
      }
    });

  async function readRevision(
    event: HookEvent,
    signal: AbortSignal,
  ): Promise<Revision> {
    const { region } = serviceArnParts(event.serviceArn);
    const ecs = ecsFor(region);
    let revision: ServiceRevision | undefined;
    try {
      const out = await ecs.send(
        new DescribeServiceRevisionsCommand({
          serviceRevisionArns: [event.targetServiceRevisionArn],
        }),
        { abortSignal: signal },
      );
      revision = out.serviceRevisions?.[0];
      if (!revision) {
        const reason = out.failures?.[0]?.reason ?? 'not returned';
        throw new Unverifiable(
          `DescribeServiceRevisions did not return ${event.targetServiceRevisionArn} (${reason})`,
        );
      }
    } catch (error) {
      if (error instanceof Unverifiable) throw error;
      throw awsFault('ecs:DescribeServiceRevisions', error, signal);
    }
    if (!revision.taskDefinition) {
      throw new Unverifiable(
        `service revision ${event.targetServiceRevisionArn} names no task definition`,
      );
    }
    try {
      const out = await ecs.send(
        new DescribeTaskDefinitionCommand({
          taskDefinition: revision.taskDefinition,
        }),
        { abortSignal: signal },
      );
      if (!out.taskDefinition) {
        throw new Unverifiable(
          `DescribeTaskDefinition returned no task definition for ${revision.taskDefinition}`,
        );
      }
      return { revision, taskDefinition: out.taskDefinition };
    } catch (error) {
      if (error instanceof Unverifiable) throw error;
      throw awsFault('ecs:DescribeTaskDefinition', error, signal);
    }
  }

  async function inspect(
    cfg: GateConfig,
    taskDefinition: TaskDefinition,
    budgetMs: number,
    signal: AbortSignal,
  ): Promise<TaskDefinitionInspection> {
    const trusted = [
      ...Object.values(cfg.registryEndpoints ?? {}),
      ...(cfg.ecrDistributionEndpoint
        ? [
            cfg.ecrDistributionEndpoint
              .replace('{accountId}', '000000000000')
              .replace('{region}', 'region'),
          ]
        : []),
    ].map(url => new URL(url).host);
    const provider = new DefaultRegistryClientProvider({
      registryEndpoints: cfg.registryEndpoints,
      insecureRegistries: trusted,
      allowedPrivateRegistries: trusted,
      ecrClientFactory: region => ecrFor(region),
      ...(cfg.ecrDistributionEndpoint && {
        ecrDistributionEndpoint: ecr =>
          cfg
            .ecrDistributionEndpoint!.replace('{accountId}', ecr.accountId)
            .replace('{region}', ecr.region),
      }),
      credentialsFor: taskDefinitionCredentials(
        taskDefinition.containerDefinitions ?? [],
        readSecret,
        signal,
      ),
    });
    try {
      const inspector = ImageInspector.create({
        registryClientProvider: provider,
        inspectionDeadlineMs: budgetMs,
      });
      return await inspector.inspectTaskDefinition(taskDefinition, { signal });
    } finally {
      provider.close();
    }
  }

  function unverifiable(
    policy: UnverifiablePolicy,
    reason: string,
    findings: NamedFinding[],
    taskDefinitionArn?: string,
  ): Verdict {
    return policy === 'allow'
      ? {
          hookStatus: 'SUCCEEDED',
          decision: 'unverifiable-allowed',
          readiness: 'unverifiable',
          cause: reason,
          findings,
          taskDefinitionArn,
        }
      : {
          hookStatus: 'FAILED',
          decision: 'unverifiable-denied',
          readiness: 'unverifiable',
          cause: reason,
          fix: 'The gate denies deployments it cannot verify (ECS_GATE_UNVERIFIABLE=deny): make the registry reachable to the gate, or set the policy to allow.',
          findings,
          taskDefinitionArn,
        };
  }

  async function gate(
    cfg: GateConfig,
    event: HookEvent,
    context: GateContext | undefined,
    started: number,
  ): Promise<Verdict> {
    const override = event.hookDetails.unverifiable;
    if (override !== undefined && override !== 'allow' && override !== 'deny') {
      return {
        hookStatus: 'FAILED',
        decision: 'misconfigured',
        cause: `hookDetails.unverifiable is ${JSON.stringify(
          override,
        )}: expected "allow" or "deny"`,
        fix: "Fix the service's lifecycle hook hookDetails, then deploy again.",
        findings: [],
      };
    }
    const policy =
      (override as UnverifiablePolicy | undefined) ?? cfg.unverifiable;
    const previous = event.hookDetails.gateAttempt;
    const attempt =
      (typeof previous === 'number' &&
      Number.isInteger(previous) &&
      previous > 0
        ? previous
        : 0) + 1;
    const outOfTime = (
      reason: string,
      findings: NamedFinding[],
      td?: string,
    ): Verdict =>
      attempt < cfg.maxAttempts
        ? {
            hookStatus: 'IN_PROGRESS',
            decision: 'checking',
            cause: reason,
            findings,
            taskDefinitionArn: td,
            attempt,
          }
        : unverifiable(
            policy,
            `${reason} (attempt ${attempt} of ${cfg.maxAttempts})`,
            findings,
            td,
          );

    const remaining = context?.getRemainingTimeInMillis?.() ?? Infinity;
    const budgetMs = Math.min(
      cfg.timeBudgetMs,
      remaining - ANSWER_MARGIN_MS - (Date.now() - started),
    );
    if (budgetMs < MIN_BUDGET_MS) {
      return outOfTime(
        `only ${Math.max(
          0,
          Math.floor(remaining),
        )} ms of the invocation were left`,
        [],
      );
    }
    const signal = AbortSignal.timeout(budgetMs);

    let revision: Revision;
    try {
      revision = await readRevision(event, signal);
    } catch (error) {
      const e =
        error instanceof Unverifiable
          ? error
          : new Unverifiable(`reading the revision failed: ${String(error)}`);
      return e.outOfTime
        ? outOfTime(e.message, [])
        : unverifiable(policy, e.message, []);
    }
    const taskDefinitionArn = revision.taskDefinition.taskDefinitionArn;
    const left = budgetMs - (Date.now() - started);
    if (left < MIN_BUDGET_MS) {
      return outOfTime(
        `the time budget of ${budgetMs} ms was spent reading the revision`,
        [],
        taskDefinitionArn,
      );
    }
    const inspection = await inspect(
      cfg,
      revisionTaskDefinition(revision),
      left,
      signal,
    );
    const blocking = findingsOf(inspection, 'blocking');
    const risks = findingsOf(inspection, 'risk');
    if (blocking.length > 0) {
      return {
        hookStatus: 'FAILED',
        decision: 'blocked',
        readiness: 'blocked',
        cause: causeLine(blocking[0]),
        fix: fixLine(blocking[0]),
        findings: listed(blocking),
        taskDefinitionArn,
      };
    }
    if (
      inspection.status === 'unverifiable' ||
      inspection.status === 'canceled'
    ) {
      const why = inspection.findings.filter(f => f.id === 'unverifiable');
      const reason =
        why[0]?.title ?? inspection.error ?? 'the images could not be verified';
      return ranOutOfTime(why) || inspection.status === 'canceled'
        ? outOfTime(reason, listed(why), taskDefinitionArn)
        : unverifiable(policy, reason, listed(why), taskDefinitionArn);
    }
    return {
      hookStatus: 'SUCCEEDED',
      decision: 'ready',
      readiness: inspection.status === 'at-risk' ? 'at-risk' : 'ready',
      findings: listed(risks),
      taskDefinitionArn,
    };
  }

  function answer(verdict: Verdict, cfg: GateConfig | undefined): HookResponse {
    const details = {
      gate: GATE,
      decision: verdict.decision,
      ...(verdict.cause && { cause: verdict.cause }),
      ...(verdict.fix && { fix: verdict.fix }),
      ...(verdict.findings.length > 0 && { findings: verdict.findings }),
    };
    if (verdict.hookStatus === 'IN_PROGRESS') {
      // ECS merges these into the hookDetails of the next invocation.
      return heldSecrets.redactValue({
        hookStatus: 'IN_PROGRESS',
        callBackDelay: cfg?.callbackDelaySeconds ?? 30,
        hookDetails: { ...details, gateAttempt: verdict.attempt },
      });
    }
    return heldSecrets.redactValue({
      hookStatus: verdict.hookStatus,
      hookDetails: details,
    });
  }

  return async (input, context) => {
    const started = Date.now();
    const parsed = parseHookEvent(input);
    if (!parsed.ok) {
      const verdict: Verdict = {
        hookStatus: 'FAILED',
        decision: 'invalid-payload',
        cause: `The lifecycle hook payload is not one ECS sends: ${parsed.reason}`,
        fix: 'Invoke the gate only as an ECS deployment lifecycle hook (AWS_LAMBDA, PRE_SCALE_UP).',
        findings: [],
      };
      logger.error('invalid lifecycle hook payload; answering FAILED', {
        reason: parsed.reason,
        requestId: context?.awsRequestId,
      });
      return answer(verdict, config instanceof Error ? undefined : config);
    }
    const event = parsed.event;
    const where = {
      executionId: event.executionId,
      lifecycleStage: event.lifecycleStage,
      serviceArn: event.serviceArn,
      serviceDeploymentArn: event.resourceArn,
      targetServiceRevisionArn: event.targetServiceRevisionArn,
    };
    if (config instanceof Error) {
      logger.error('the gate is misconfigured; answering FAILED', {
        ...where,
        reason: config.message,
      });
      return answer(
        {
          hookStatus: 'FAILED',
          decision: 'misconfigured',
          cause: `The deployment gate is misconfigured: ${config.message}`,
          fix: "Fix the gate function's environment variables (docs/deployment-gate.md), then deploy again.",
          findings: [],
        },
        undefined,
      );
    }
    if (event.lifecycleStage !== 'PRE_SCALE_UP') {
      logger.info('not a gating stage; answering SUCCEEDED', where);
      return answer(
        { hookStatus: 'SUCCEEDED', decision: 'not-gated', findings: [] },
        config,
      );
    }

    let verdict: Verdict;
    try {
      verdict = await gate(config, event, context, started);
    } catch (error) {
      // A fault of the gate itself is no fact about the images: the unverifiable policy decides.
      const policy =
        event.hookDetails.unverifiable === 'deny'
          ? 'deny'
          : config.unverifiable;
      verdict = unverifiable(
        policy,
        `the gate failed: ${(error as Error)?.message ?? String(error)}`,
        [],
      );
    }
    const durationMs = Date.now() - started;
    const fields = {
      ...where,
      hookStatus: verdict.hookStatus,
      decision: verdict.decision,
      readiness: verdict.readiness,
      taskDefinitionArn: verdict.taskDefinitionArn,
      cause: verdict.cause,
      fix: verdict.fix,
      findings: verdict.findings.map(f => `${f.check}: ${f.title}`),
      durationMs,
    };
    if (verdict.decision === 'unverifiable-allowed') {
      logger.warn(
        'the images could not be verified; letting the deployment proceed (ECS_GATE_UNVERIFIABLE=allow)',
        fields,
      );
    } else if (verdict.hookStatus === 'FAILED') {
      logger.warn('stopping the deployment', fields);
    } else {
      logger.info(
        verdict.hookStatus === 'IN_PROGRESS'
          ? 'out of time; asking ECS to call again'
          : 'letting the deployment proceed',
        fields,
      );
    }

    if (config.report && verdict.hookStatus !== 'IN_PROGRESS') {
      const report: GateDecisionReport = heldSecrets.redactValue({
        schemaVersion: 1,
        serviceArn: event.serviceArn,
        ...(event.resourceArn && { serviceDeploymentArn: event.resourceArn }),
        targetServiceRevisionArn: event.targetServiceRevisionArn,
        ...(verdict.taskDefinitionArn && {
          taskDefinitionArn: verdict.taskDefinitionArn,
        }),
        lifecycleStage: event.lifecycleStage,
        ...(event.executionId && { executionId: event.executionId }),
        hookStatus: verdict.hookStatus,
        decision: verdict.decision,
        ...(verdict.readiness && { readiness: verdict.readiness }),
        ...(verdict.cause && { cause: verdict.cause }),
        ...(verdict.fix && { fix: verdict.fix }),
        findings: verdict.findings,
        decidedAt: now().toISOString(),
      });
      const sent = await sendReport(report, config.report, options.fetch);
      if (!sent.ok) {
        logger.warn('could not report the decision to Backstage', {
          ...where,
          reason: sent.reason,
        });
      }
    }
    return answer(verdict, config);
  };
}

/**
 * Reads the configuration; an unusable one is kept as the error every invocation reports.
 *
 * @public
 */
export function configFromEnv(
  env: Record<string, string | undefined>,
): GateConfig | Error {
  try {
    return readGateConfig(env);
  } catch (error) {
    return error as Error;
  }
}
