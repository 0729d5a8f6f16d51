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

import { alnumId, numericId, uuidFrom } from '../scenario/ids';
import {
  DeploymentModel,
  LifecycleHookModel,
  ServiceDeploymentModel,
  ServiceModel,
  ServiceRevisionModel,
  TaskDefinitionModel,
  World,
} from '../scenario/model';
import { resolveReferenceNow } from '../scenario/resolveNow';

/*
 * Deployments started through the API (UpdateService, CreateService) and the lifecycle hooks
 * they run. ECS runs a deployment's stages asynchronously: the call returns the service with the
 * new deployment IN_PROGRESS, and the hooks at PRE_SCALE_UP decide what happens next (ECS
 * Developer Guide, "Lifecycle hooks for Amazon ECS service deployments", "Lambda hooks"):
 * SUCCEEDED proceeds, FAILED (or no valid hookStatus, an error, a timeout) rolls back,
 * IN_PROGRESS calls the hook again after `callBackDelay` seconds (default 30) with the
 * `hookDetails` it returned merged in.
 */

/**
 * What the sandbox passes a local lifecycle hook handler, as the Lambda runtime would.
 *
 * @public
 */
export interface LifecycleHookContext {
  functionName: string;
  invokedFunctionArn: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/**
 * A local stand-in for a hook's Lambda function: receives the event ECS sends and answers
 * `{hookStatus, callBackDelay?, hookDetails?}`.
 *
 * @public
 */
export type LifecycleHookHandler = (
  event: Record<string, unknown>,
  context: LifecycleHookContext,
) => unknown;

/** @public */
export interface LifecycleHookOptions {
  /** Local handlers by Lambda function ARN or function name. */
  handlers?: Record<string, LifecycleHookHandler>;
  /** The function timeout the handler is told of and held to (default 60 000 ms). */
  timeoutMs?: number;
  /** Multiplies `callBackDelay` (seconds → ms); tests use a small value. Default 1000. */
  callbackDelayMs?: number;
  /** Most invocations of one hook in one deployment (default 20), then its timeout action. */
  maxInvocations?: number;
}

const DEFAULT_CALLBACK_DELAY_S = 30;
const HOOK_STAGE = 'PRE_SCALE_UP';

/** What one hook decided. */
type HookOutcome =
  | { ok: true }
  | { ok: false; reason: string; hook: LifecycleHookModel };

function functionName(arn: string): string {
  const m = /:function:([^:]+)/.exec(arn);
  return m ? m[1] : arn;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The deployment's one-line cause, from a FAILED answer's hookDetails. */
function causeOf(details: unknown): string | undefined {
  if (!isRecord(details)) return undefined;
  const parts = [details.cause, details.reason, details.fix].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return parts.length > 0 ? parts.join(' Fix: ') : undefined;
}

/**
 * Starts and runs the deployments of one sandbox. Deterministic ids, as everywhere in the
 * sandbox: the n-th deployment of a service gets the same ARNs on every run.
 */
export class DeploymentRunner {
  private readonly pending = new Set<Promise<void>>();
  private readonly handlers: Map<string, LifecycleHookHandler>;
  private readonly timeoutMs: number;
  private readonly callbackDelayMs: number;
  private readonly maxInvocations: number;
  private stopped = false;

  constructor(
    private readonly world: World,
    options: LifecycleHookOptions = {},
  ) {
    this.handlers = new Map(Object.entries(options.handlers ?? {}));
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.callbackDelayMs = options.callbackDelayMs ?? 1000;
    this.maxInvocations = options.maxInvocations ?? 20;
  }

  /** Resolves once every deployment started so far has finished its hooks. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  stop() {
    this.stopped = true;
  }

  /**
   * Starts a deployment of `taskDefinition` on the service: a new PRIMARY deployment (the
   * previous PRIMARY becomes ACTIVE), its service revision (each image resolved now, as version
   * consistency does at the start of a deployment) and service deployment, then runs the hooks.
   */
  start(
    service: ServiceModel,
    taskDefinition: TaskDefinitionModel,
  ): DeploymentModel {
    const now = new Date(this.world.clock());
    const n = service.deployments.length;
    const seed = ['api-deployment', n];
    const id = `ecs-svc/${numericId(19, service.arn, ...seed)}`;
    const { cluster } = service;
    const revision: ServiceRevisionModel = {
      arn: `arn:aws:ecs:${cluster.region}:${cluster.account}:service-revision/${
        cluster.name
      }/${service.name}/${numericId(19, service.arn, 'api-revision', n)}`,
      service,
      taskDefinition,
      createdAt: now,
      containerImages: taskDefinition.containers.map(c => ({
        containerName: c.name,
        image: c.image,
        imageDigest: resolveReferenceNow(this.world, c.image),
      })),
    };
    const current = service.deployments.filter(d => d.status !== 'INACTIVE');
    const serviceDeployment: ServiceDeploymentModel = {
      arn: `arn:aws:ecs:${cluster.region}:${
        cluster.account
      }:service-deployment/${cluster.name}/${service.name}/${alnumId(
        22,
        service.arn,
        'api-service-deployment',
        n,
      )}`,
      service,
      target: revision,
      sources: current.map(d => d.revision),
      createdAt: now,
      startedAt: now,
      status: 'IN_PROGRESS',
    };
    const deployment: DeploymentModel = {
      id,
      status: 'PRIMARY',
      taskDefinition,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${id} in progress.`,
      createdAt: now,
      updatedAt: now,
      desiredCount: service.desiredCount,
      runningCount: 0,
      pendingCount: 0,
      failedTasks: 0,
      revision,
      serviceDeployment,
    };
    const previous = current.find(d => d.status === 'PRIMARY');
    if (previous) previous.status = 'ACTIVE';
    service.deployments.unshift(deployment);
    this.world.serviceRevisions.set(revision.arn, revision);
    this.world.serviceDeployments.set(serviceDeployment.arn, serviceDeployment);

    const run = this.run(service, deployment, previous).catch(() => undefined);
    this.pending.add(run);
    run.finally(() => this.pending.delete(run));
    return deployment;
  }

  private event(service: ServiceModel, message: string, key: string) {
    service.events.unshift({
      id: uuidFrom(service.arn, 'api-event', key),
      createdAt: new Date(this.world.clock()),
      message,
    });
    if (service.events.length > 100) service.events.length = 100;
  }

  private async run(
    service: ServiceModel,
    deployment: DeploymentModel,
    previous: DeploymentModel | undefined,
  ) {
    const hooks = service.lifecycleHooks.filter(
      h =>
        (h.targetType ?? 'AWS_LAMBDA') === 'AWS_LAMBDA' &&
        h.lifecycleStages.includes(HOOK_STAGE),
    );
    for (const hook of hooks) {
      const outcome = await this.runHook(service, deployment, hook);
      if (this.stopped) return;
      if (!outcome.ok) {
        this.rollBack(service, deployment, previous, outcome);
        return;
      }
    }
    this.complete(service, deployment);
  }

  private async runHook(
    service: ServiceModel,
    deployment: DeploymentModel,
    hook: LifecycleHookModel,
  ): Promise<HookOutcome> {
    const arn = hook.hookTargetArn!;
    const handler =
      this.handlers.get(arn) ?? this.handlers.get(functionName(arn));
    if (!handler) {
      return {
        ok: false,
        hook,
        reason: `the sandbox has no local handler for ${arn} (the invocation failed)`,
      };
    }
    let details: Record<string, unknown> = { ...(hook.hookDetails ?? {}) };
    const executionId = uuidFrom(deployment.serviceDeployment.arn, arn, 'hook');
    for (let i = 1; i <= this.maxInvocations; i++) {
      const answer = await this.invoke(handler, arn, i, {
        executionId,
        lifecycleStage: HOOK_STAGE,
        resourceArn: deployment.serviceDeployment.arn,
        executionDetails: {
          serviceArn: service.arn,
          targetServiceRevisionArn: deployment.revision.arn,
          testTrafficWeights: {},
          productionTrafficWeights: {},
        },
        ...(Object.keys(details).length > 0 && { hookDetails: details }),
      });
      if (!answer.ok) return { ok: false, hook, reason: answer.reason };
      const { hookStatus, callBackDelay, hookDetails } = answer.value;
      if (hookStatus === 'SUCCEEDED') return { ok: true };
      if (hookStatus === 'FAILED') {
        return {
          ok: false,
          hook,
          reason: `returned FAILED${
            causeOf(hookDetails) ? `: ${causeOf(hookDetails)}` : ''
          }`,
        };
      }
      // IN_PROGRESS: ECS merges the returned hookDetails and calls again after the delay.
      if (isRecord(hookDetails)) details = { ...details, ...hookDetails };
      const delay =
        typeof callBackDelay === 'number' && callBackDelay >= 0
          ? callBackDelay
          : DEFAULT_CALLBACK_DELAY_S;
      await new Promise(resolve =>
        setTimeout(resolve, delay * this.callbackDelayMs),
      );
      if (this.stopped) return { ok: true };
    }
    const action = hook.timeoutConfiguration?.action ?? 'ROLLBACK';
    return action === 'CONTINUE'
      ? { ok: true }
      : {
          ok: false,
          hook,
          reason: `timed out (still IN_PROGRESS after ${this.maxInvocations} invocations)`,
        };
  }

  private async invoke(
    handler: LifecycleHookHandler,
    arn: string,
    attempt: number,
    event: Record<string, unknown>,
  ): Promise<
    | {
        ok: true;
        value: {
          hookStatus: string;
          callBackDelay?: unknown;
          hookDetails?: unknown;
        };
      }
    | { ok: false; reason: string }
  > {
    const deadline = Date.now() + this.timeoutMs;
    const context: LifecycleHookContext = {
      functionName: functionName(arn),
      invokedFunctionArn: arn,
      awsRequestId: uuidFrom(String(event.executionId), attempt),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        Promise.resolve().then(() => handler(structuredClone(event), context)),
        new Promise<'timeout'>(resolve => {
          timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
        }),
      ]);
      if (answer === 'timeout') {
        return {
          ok: false,
          reason: `did not answer within the function timeout of ${this.timeoutMs} ms`,
        };
      }
      if (
        !isRecord(answer) ||
        !['SUCCEEDED', 'FAILED', 'IN_PROGRESS'].includes(
          answer.hookStatus as string,
        )
      ) {
        return { ok: false, reason: 'returned no valid hookStatus' };
      }
      return {
        ok: true,
        value: answer as {
          hookStatus: string;
          callBackDelay?: unknown;
          hookDetails?: unknown;
        },
      };
    } catch (error) {
      return {
        ok: false,
        reason: `failed: ${(error as Error)?.message ?? String(error)}`,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private complete(service: ServiceModel, deployment: DeploymentModel) {
    const now = new Date(this.world.clock());
    for (const d of service.deployments) {
      if (d !== deployment && d.status !== 'INACTIVE') {
        d.status = 'INACTIVE';
        d.runningCount = 0;
        d.updatedAt = now;
      }
    }
    deployment.rolloutState = 'COMPLETED';
    deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
    deployment.runningCount = deployment.desiredCount;
    deployment.updatedAt = now;
    const sd = deployment.serviceDeployment;
    sd.status = 'SUCCESSFUL';
    sd.finishedAt = now;
    this.event(
      service,
      `(service ${service.name}) (deployment ${deployment.id}) deployment completed.`,
      `${deployment.id}/completed`,
    );
  }

  /**
   * FAILED at PRE_SCALE_UP: no task of the new revision started; the deployment is rolled back
   * to the previous revision, which keeps serving (it never stopped).
   */
  private rollBack(
    service: ServiceModel,
    deployment: DeploymentModel,
    previous: DeploymentModel | undefined,
    outcome: { reason: string; hook: LifecycleHookModel },
  ) {
    const now = new Date(this.world.clock());
    const hookName = functionName(outcome.hook.hookTargetArn ?? 'hook');
    const reason = `lifecycle hook ${hookName} at ${HOOK_STAGE} ${outcome.reason}`;
    deployment.rolloutState = 'FAILED';
    deployment.rolloutStateReason = `ECS deployment ${deployment.id} rolled back: ${reason}`;
    deployment.status = previous ? 'INACTIVE' : 'PRIMARY';
    deployment.updatedAt = now;
    if (previous) {
      previous.status = 'PRIMARY';
      previous.updatedAt = now;
    }
    const sd = deployment.serviceDeployment;
    sd.status = previous ? 'ROLLBACK_SUCCESSFUL' : 'ROLLBACK_FAILED';
    sd.statusReason = `Service deployment rolled back because ${reason.replace(
      /\.+$/,
      '',
    )}.`;
    sd.finishedAt = now;
    this.event(
      service,
      `(service ${service.name}) (deployment ${deployment.id}) was rolled back: ${reason}.`,
      `${deployment.id}/rolled-back`,
    );
  }
}

const runners = new WeakMap<World, DeploymentRunner>();

/** The runner that starts the world's deployments. */
export function deploymentRunner(world: World): DeploymentRunner {
  let runner = runners.get(world);
  if (!runner) {
    runner = new DeploymentRunner(world);
    runners.set(world, runner);
  }
  return runner;
}

/** Gives the world a runner with these hook handlers. */
export function setDeploymentRunner(
  world: World,
  options: LifecycleHookOptions,
): DeploymentRunner {
  const runner = new DeploymentRunner(world, options);
  runners.set(world, runner);
  return runner;
}
