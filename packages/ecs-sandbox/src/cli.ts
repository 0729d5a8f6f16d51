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

import { renameSync, writeFileSync } from 'fs';
import { parseArgs } from 'util';
import { stringify } from 'yaml';
import { sandboxAppConfigYaml } from './appConfig';
import { generateScenario } from './generate';
import { loadWorld } from './scenario/load';
import { ScenarioError } from './scenario/read';
import { resolve as resolvePath } from 'node:path';
import { deploymentRunner, LifecycleHookHandler } from './server/deployments';
import { Sandbox, startSandbox } from './server/sandbox';

const USAGE = `Usage:
  ecs-sandbox serve --scenario <file> [--port 4566] [--host 127.0.0.1]
                    [--latency-ms <ms>] [--jitter-ms <ms>]
                    [--throttle-rate <per second> --throttle-burst <n>]
                    [--app-config <file>]
                    [--lifecycle-hook <lambda-arn>=<module>[#export]]...
                    [--replay-deployment <cluster>/<service>=<family:revision>]...
                    [--replay-after <url>]
  ecs-sandbox app-config --scenario <file> [--url http://127.0.0.1:4566] [--out <file>]
  ecs-sandbox generate --services <n> --accounts <n> --regions <n> --images <n>
                       [--seed <seed>] [--out <file>]

serve       Serves the ECS, ECR and resource tagging APIs and the scenario's registries on one
            port. --app-config writes the Backstage configuration for it once it listens.
            --lifecycle-hook loads a local handler (export \`handler\` by default) for a Lambda
            lifecycle hook; --replay-deployment then starts a deployment of that task definition
            on the service once listening (as UpdateService does; the service gets the loaded
            hooks at PRE_SCALE_UP if it has none) and prints how it ended. With
            --replay-after, the replays wait until that URL answers 2xx (checked every 2 s, for
            at most 15 minutes): e.g. the Backstage backend the hook reports its decision to.
app-config  Writes the Backstage configuration (aws.accounts, ecsDeployReadiness endpoints and
            registry credentials) for a sandbox serving the scenario at --url: YAML to stdout,
            or to --out. Load it after app-config.yaml: --config app-config.yaml --config <it>.
generate    Writes a large scenario for benchmarks: YAML to stdout, or to --out (JSON if the
            name ends in .json, which loads much faster).
`;

class UsageError extends Error {}

/** A failure the message explains in full (no usage, no stack). */
class CommandError extends Error {}

function int(
  value: string | undefined,
  name: string,
  fallback?: number,
): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return n;
}

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`--${name} must be a number ≥ 0, got '${value}'`);
  return n;
}

async function serve(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'latency-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'throttle-rate': { type: 'string' },
      'throttle-burst': { type: 'string' },
      'app-config': { type: 'string' },
      'lifecycle-hook': { type: 'string', multiple: true },
      'replay-deployment': { type: 'string', multiple: true },
      'replay-after': { type: 'string' },
    },
  });
  if (!values.scenario) throw new UsageError('--scenario is required');
  const hooks = loadHookHandlers(values['lifecycle-hook'] ?? []);
  const rate = num(values['throttle-rate'], 'throttle-rate');
  const burst = num(values['throttle-burst'], 'throttle-burst');
  const started = Date.now();
  const sandbox = await startSandbox({
    scenario: values.scenario,
    port: int(values.port, 'port', 4566),
    host: values.host ?? '127.0.0.1',
    latencyMs: num(values['latency-ms'], 'latency-ms'),
    jitterMs: num(values['jitter-ms'], 'jitter-ms'),
    throttle:
      rate !== undefined
        ? { rate, burst: burst ?? Math.max(1, rate) }
        : undefined,
    lifecycleHooks: { handlers: hooks },
  });
  const { world, url } = sandbox;
  const services = [...world.ecs.values()].reduce(
    (n, r) =>
      n + [...r.clusters.values()].reduce((m, c) => m + c.services.size, 0),
    0,
  );
  const lines = [
    `ecs-sandbox listening on ${url} (loaded in ${Date.now() - started} ms)`,
    `  scenario: ${values.scenario}: ${services} services, ${world.images.size} images`,
    `  AWS endpoint (ECS, ECR, tagging): ${url}`,
    ...[...world.accounts.values()].map(
      a =>
        `  account ${a.id}${a.name ? ` (${a.name})` : ''}: ${
          a.accessKeyId
            ? `access key ${a.accessKeyId}`
            : 'no access key (STS AssumeRole only)'
        }${a.denyAccess ? ', denies access' : ''}; ECR registry ${url}/ecr/${
          a.id
        }/<region>`,
    ),
    ...[...world.registries.values()].map(
      r =>
        `  registry ${r.host}: ${url}/registries/${r.host}${
          r.users.size ? `; users ${[...r.users.keys()].join(', ')}` : ''
        }`,
    ),
  ];
  if (values['app-config']) {
    try {
      writeAtomically(
        values['app-config'],
        sandboxAppConfigYaml(world, url, { scenario: values.scenario }),
      );
    } catch (e) {
      await sandbox.stop();
      throw new CommandError(
        `cannot write --app-config ${values['app-config']}: ${
          (e as Error).message
        }`,
      );
    }
    lines.push(`  Backstage app-config: ${values['app-config']}`);
  }
  const replays = values['replay-deployment'] ?? [];
  const replayAfter = values['replay-after'];
  if (replayAfter !== undefined && !/^https?:\/\//.test(replayAfter)) {
    await sandbox.stop();
    throw new UsageError(
      `--replay-after: expected an http(s) URL, got '${replayAfter}'`,
    );
  }
  if (!replayAfter) {
    for (const replay of replays) {
      lines.push(await replayDeployment(sandbox, replay, Object.keys(hooks)));
    }
  } else if (replays.length > 0) {
    lines.push(`  replays wait for ${replayAfter} to answer`);
  }
  lines.push('Press Ctrl+C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);
  const stopped = new AbortController();
  if (replayAfter && replays.length > 0) {
    void (async () => {
      if (!(await answers(replayAfter, stopped.signal))) {
        if (!stopped.signal.aborted) {
          process.stdout.write(
            `  no replay: ${replayAfter} did not answer within 15 minutes\n`,
          );
        }
        return;
      }
      for (const replay of replays) {
        try {
          process.stdout.write(
            `${await replayDeployment(sandbox, replay, Object.keys(hooks))}\n`,
          );
        } catch (e) {
          process.stdout.write(`  replay failed: ${(e as Error).message}\n`);
        }
      }
    })();
  }
  await new Promise<void>(resolve => {
    const stop = () => {
      stopped.abort();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      sandbox.stop().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `<lambda-arn>=<module>[#export]`: the handlers of --lifecycle-hook, by function ARN. */
function loadHookHandlers(
  specs: string[],
): Record<string, LifecycleHookHandler> {
  const handlers: Record<string, LifecycleHookHandler> = {};
  for (const spec of specs) {
    const m =
      /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+)=([^#]+)(?:#(\w+))?$/.exec(
        spec,
      );
    if (!m) {
      throw new UsageError(
        `--lifecycle-hook: expected <lambda function ARN>=<module>[#export], got '${spec}'`,
      );
    }
    let loaded: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(resolvePath(m[2]));
    } catch (e) {
      throw new CommandError(
        `--lifecycle-hook: cannot load ${m[2]}: ${(e as Error).message}`,
      );
    }
    const handler = loaded[m[3] ?? 'handler'];
    if (typeof handler !== 'function') {
      throw new CommandError(
        `--lifecycle-hook: ${m[2]} exports no function '${m[3] ?? 'handler'}'`,
      );
    }
    handlers[m[1]] = handler as LifecycleHookHandler;
  }
  return handlers;
}

/**
 * `<cluster>/<service>=<family:revision>`: starts that deployment as UpdateService would and
 * waits for its lifecycle hooks; returns a line saying how it ended.
 */
async function replayDeployment(
  sandbox: Sandbox,
  spec: string,
  hookArns: string[],
): Promise<string> {
  const m = /^([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)=([A-Za-z0-9_-]+:\d+)$/.exec(
    spec,
  );
  if (!m) {
    throw new UsageError(
      `--replay-deployment: expected <cluster>/<service>=<family:revision>, got '${spec}'`,
    );
  }
  const [, clusterName, serviceName, taskDefinitionName] = m;
  for (const region of sandbox.world.ecs.values()) {
    const service = region.clusters.get(clusterName)?.services.get(serviceName);
    if (!service) continue;
    const taskDefinition = region.taskDefinitions.get(taskDefinitionName);
    if (!taskDefinition) {
      throw new CommandError(
        `--replay-deployment: no task definition ${taskDefinitionName} beside ${clusterName}/${serviceName}`,
      );
    }
    if (service.lifecycleHooks.length === 0) {
      service.lifecycleHooks = hookArns.map(hookTargetArn => ({
        hookTargetArn,
        lifecycleStages: ['PRE_SCALE_UP'],
      }));
    }
    const deployment = deploymentRunner(sandbox.world).start(
      service,
      taskDefinition,
    );
    await sandbox.deploymentsSettled();
    return `  replayed ${taskDefinitionName} on ${clusterName}/${serviceName}: ${deployment.id} ${deployment.rolloutState}: ${deployment.rolloutStateReason}`;
  }
  throw new CommandError(
    `--replay-deployment: no service ${clusterName}/${serviceName} in the scenario`,
  );
}

/** Whether the URL answers 2xx within 15 minutes (asked every 2 seconds). */
async function answers(url: string, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + 15 * 60_000;
  while (!signal.aborted && Date.now() < deadline) {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return true;
    } catch {
      // Not up yet.
    }
    await new Promise(resolve => setTimeout(resolve, 2_000).unref());
  }
  return false;
}

/**
 * Writes a file that readers never see half-written (a script may wait for it to appear): a
 * temporary file beside it, renamed over it. Owner-only, as it holds the scenario's passwords.
 */
function writeAtomically(path: string, text: string) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

function appConfig(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string' },
      url: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.scenario) throw new UsageError('--scenario is required');
  const url = values.url ?? 'http://127.0.0.1:4566';
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new UsageError(`--url must be an http(s) URL, got '${url}'`);
  const text = sandboxAppConfigYaml(loadWorld(values.scenario), parsed.origin, {
    scenario: values.scenario,
  });
  if (values.out) writeAtomically(values.out, text);
  else process.stdout.write(text);
}

function generate(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      services: { type: 'string' },
      accounts: { type: 'string' },
      regions: { type: 'string' },
      images: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  let document;
  try {
    document = generateScenario({
      services: int(values.services, 'services'),
      accounts: int(values.accounts, 'accounts'),
      regions: int(values.regions, 'regions'),
      images: int(values.images, 'images'),
      seed: values.seed,
    });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
  const text = values.out?.endsWith('.json')
    ? `${JSON.stringify(document, null, 1)}\n`
    : stringify(document, { lineWidth: 0 });
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
}

/**
 * Runs the `ecs-sandbox` command line. Resolves when the command is done (for `serve`: after
 * Ctrl+C); sets `process.exitCode` on errors.
 *
 * @public
 */
export async function main(
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  const [command, ...args] = argv;
  try {
    if (command === 'serve') await serve(args);
    else if (command === 'app-config') appConfig(args);
    else if (command === 'generate') generate(args);
    else if (
      !command ||
      command === 'help' ||
      command === '--help' ||
      command === '-h'
    ) {
      process.stdout.write(USAGE);
    } else throw new UsageError(`unknown command '${command}'`);
  } catch (e) {
    const known =
      e instanceof UsageError ||
      e instanceof CommandError ||
      e instanceof ScenarioError ||
      (e as any)?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    process.stderr.write(
      `ecs-sandbox: ${(e as Error).message}\n${
        e instanceof UsageError ? `\n${USAGE}` : ''
      }`,
    );
    if (!known && (e as any)?.code !== 'EADDRINUSE')
      process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 1;
  }
}
