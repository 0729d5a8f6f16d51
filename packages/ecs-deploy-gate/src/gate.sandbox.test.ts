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

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import {
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { Sandbox, startSandbox } from 'ecs-sandbox';
import { resolve } from 'path';
import { GateConfig } from './config';
import { createGateHandler, GateOptions } from './gate';
import { GateLogger, logLine } from './log';

/**
 * The errors of validating a report against the GateDecisionReport schema of the backend's
 * OpenAPI document (plugins/ecs-deploy-readiness-backend/src/schema/openapi.yaml), the
 * contract of POST /gate-decisions.
 */
function backendAccepts(report: unknown): string[] {
  const document = parseYaml(
    readFileSync(
      join(
        __dirname,
        '../../../plugins/ecs-deploy-readiness-backend/src/schema/openapi.yaml',
      ),
      'utf8',
    ),
  );
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', value => !Number.isNaN(Date.parse(value)));
  ajv.addSchema(document, 'openapi');
  const validate = ajv.getSchema(
    'openapi#/components/schemas/GateDecisionReport',
  )!;
  return validate(report)
    ? []
    : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
}

const DEMO = resolve(__dirname, '../../../examples/demo-scenario.yaml');
jest.setTimeout(60_000);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: DEMO });
});
afterAll(() => sandbox.stop());

/** Log lines as written (through the redactor). */
function memoryLogger(lines: string[]): GateLogger {
  return {
    info: (m, f) => lines.push(logLine('info', m, f)),
    warn: (m, f) => lines.push(logLine('warn', m, f)),
    error: (m, f) => lines.push(logLine('error', m, f)),
  };
}

function sandboxConfig(overrides: Partial<GateConfig> = {}): GateConfig {
  return {
    unverifiable: 'allow',
    timeBudgetMs: 15_000,
    callbackDelaySeconds: 30,
    maxAttempts: 4,
    awsEndpoint: sandbox.url,
    registryEndpoints: Object.fromEntries(
      [...sandbox.world.registries.keys()].map(h => [
        h,
        `${sandbox.url}/registries/${h}`,
      ]),
    ),
    ecrDistributionEndpoint: `${sandbox.url}/ecr/{accountId}/{region}`,
    ...overrides,
  };
}

/** The PRE_SCALE_UP event of the service's PRIMARY deployment's revision. */
function eventFor(service: string, stage = 'PRE_SCALE_UP') {
  for (const region of sandbox.world.ecs.values()) {
    for (const cluster of region.clusters.values()) {
      const s = cluster.services.get(service);
      if (!s) continue;
      const primary = s.deployments.find(d => d.status === 'PRIMARY')!;
      return {
        account: cluster.account,
        event: {
          executionId: `test-${service}`,
          lifecycleStage: stage,
          resourceArn: primary.serviceDeployment.arn,
          executionDetails: {
            serviceArn: s.arn,
            targetServiceRevisionArn: primary.revision.arn,
            testTrafficWeights: {},
            productionTrafficWeights: {},
          },
        },
      };
    }
  }
  throw new Error(`no service ${service}`);
}

function gateFor(
  account: string,
  lines: string[] = [],
  options: Partial<GateOptions> = {},
) {
  const key = sandbox.world.accounts.get(account)!.accessKeyId!;
  return createGateHandler({
    config: sandboxConfig(),
    credentials: { accessKeyId: key, secretAccessKey: 'sandbox-secret-key' },
    logger: memoryLogger(lines),
    ...options,
  });
}

async function decide(service: string, options: Partial<GateOptions> = {}) {
  const { account, event } = eventFor(service);
  const lines: string[] = [];
  const response = await gateFor(
    account,
    lines,
    options,
  )(event, {
    getRemainingTimeInMillis: () => 60_000,
  });
  return { response, lines };
}

describe('the gate against the sandbox (demo scenario)', () => {
  it.each([
    [
      'search-indexer',
      'mixed-layer-compression',
      /gzip.*zstd|zstd.*gzip|compression/i,
    ],
    ['storefront-web', 'platform-missing', /linux\/amd64/],
    ['orders', 'digest-not-found', /not found|deleted|manifest/i],
    [
      'autotag',
      'not-an-image',
      /attestation|in-toto|not a runnable image|artifact/i,
    ],
    ['alt-text', 'empty-image', /layer|empty|0 bytes/i],
  ])('stops %s: %s', async (service, check, cause) => {
    const { response, lines } = await decide(service);
    expect(response.hookStatus).toBe('FAILED');
    const details = response.hookDetails as Record<string, any>;
    expect(details.decision).toBe('blocked');
    expect(details.cause).toMatch(cause);
    expect(details.fix).toEqual(expect.any(String));
    expect(details.fix.length).toBeGreaterThan(10);
    expect(details.findings.map((f: { check: string }) => f.check)).toContain(
      check,
    );
    expect(lines.join('\n')).toContain('stopping the deployment');
  });

  it.each(['checkout-api', 'catalog-web', 'recommendations', 'edge-proxy'])(
    'lets %s proceed',
    async service => {
      const { response } = await decide(service);
      expect(response).toEqual({
        hookStatus: 'SUCCEEDED',
        hookDetails: expect.objectContaining({ decision: 'ready' }),
      });
    },
  );

  it('fails open on a service it may not read, with the reason in the logs', async () => {
    const { response, lines } = await decide('billing-api');
    expect(response.hookStatus).toBe('SUCCEEDED');
    expect(response.hookDetails).toMatchObject({
      decision: 'unverifiable-allowed',
      cause: expect.stringMatching(/AccessDenied/),
    });
    expect(lines.join('\n')).toMatch(/"level":"warn".*could not be verified/);
  });

  it('denies what it cannot verify when told to', async () => {
    const { account, event } = eventFor('billing-api');
    const response = await createGateHandler({
      config: sandboxConfig({ unverifiable: 'deny' }),
      credentials: {
        accessKeyId: sandbox.world.accounts.get(account)!.accessKeyId!,
        secretAccessKey: 'x',
      },
      logger: memoryLogger([]),
    })(event);
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails).toMatchObject({
      decision: 'unverifiable-denied',
    });
  });

  it('lets other stages pass without checking', async () => {
    const { account, event } = eventFor('storefront-web', 'POST_SCALE_UP');
    const response = await gateFor(account)(event);
    expect(response).toEqual({
      hookStatus: 'SUCCEEDED',
      hookDetails: { gate: 'ecs-deploy-readiness', decision: 'not-gated' },
    });
  });

  it('reports the decision to Backstage, without the token in any answer or log line', async () => {
    const token = 'gate-token-0123456789abcdef';
    const sent: Array<{ url: string; init: RequestInit }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return new Response('{}', { status: 201 });
    }) as unknown as typeof fetch;
    const { account, event } = eventFor('storefront-web');
    const lines: string[] = [];
    const response = await createGateHandler({
      config: sandboxConfig({
        report: {
          url: 'https://backstage.example.com',
          token,
          timeoutMs: 1000,
        },
      }),
      credentials: {
        accessKeyId: sandbox.world.accounts.get(account)!.accessKeyId!,
        secretAccessKey: 'sandbox-secret-key',
      },
      logger: memoryLogger(lines),
      fetch: fakeFetch,
    })(event);
    expect(response.hookStatus).toBe('FAILED');
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(
      'https://backstage.example.com/api/ecs-deploy-readiness/gate-decisions',
    );
    expect((sent[0].init.headers as Record<string, string>).authorization).toBe(
      `Bearer ${token}`,
    );
    const body = JSON.parse(String(sent[0].init.body));
    expect(body).toMatchObject({
      schemaVersion: 1,
      serviceArn: event.executionDetails.serviceArn,
      serviceDeploymentArn: event.resourceArn,
      targetServiceRevisionArn: event.executionDetails.targetServiceRevisionArn,
      taskDefinitionArn: expect.stringContaining(
        'task-definition/storefront-web:9',
      ),
      hookStatus: 'FAILED',
      decision: 'blocked',
      readiness: 'blocked',
      cause: expect.stringContaining('linux/amd64'),
    });
    // What the backend's route accepts (its OpenAPI document): the gate's report as it is sent.
    expect(backendAccepts(body)).toEqual([]);
    const everything = [JSON.stringify(response), ...lines].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('sandbox-secret-key');
  });
});

describe('the time budget', () => {
  it('answers IN_PROGRESS inside the budget when a registry never answers', async () => {
    const slow = await startSandbox({
      scenario: {
        accounts: [{ id: '555566667777', accessKeyId: 'AKIASLOWREGISTRY0001' }],
        regions: ['eu-west-1'],
        images: { web: { platforms: ['linux/amd64'] } },
        registries: [
          {
            host: 'ghcr.io',
            latency: '10m',
            repositories: [
              { name: 'acme/web', images: [{ image: 'web', tags: ['v1'] }] },
            ],
          },
        ],
        taskDefinitions: [
          {
            family: 'web',
            revision: 1,
            containers: [{ name: 'web', image: 'ghcr.io/acme/web:v1' }],
          },
        ],
        clusters: [
          {
            name: 'acme',
            services: [
              {
                name: 'web',
                deployments: [
                  {
                    taskDefinition: 'web:1',
                    rolloutState: 'IN_PROGRESS',
                    runningCount: 0,
                  },
                ],
              },
            ],
          },
        ],
      } as any,
    });
    try {
      const service = slow.world.ecs
        .get('555566667777/eu-west-1')!
        .clusters.get('acme')!
        .services.get('web')!;
      const event = {
        lifecycleStage: 'PRE_SCALE_UP',
        executionDetails: {
          serviceArn: service.arn,
          targetServiceRevisionArn: service.deployments[0].revision.arn,
        },
      };
      const gate = createGateHandler({
        config: {
          unverifiable: 'allow',
          timeBudgetMs: 1_500,
          callbackDelaySeconds: 20,
          maxAttempts: 2,
          awsEndpoint: slow.url,
          registryEndpoints: { 'ghcr.io': `${slow.url}/registries/ghcr.io` },
        },
        credentials: {
          accessKeyId: 'AKIASLOWREGISTRY0001',
          secretAccessKey: 'x',
        },
        logger: memoryLogger([]),
      });
      const started = Date.now();
      const first = await gate(event, {
        getRemainingTimeInMillis: () => 30_000,
      });
      expect(Date.now() - started).toBeLessThan(1_500 + 1_000);
      expect(first).toMatchObject({
        hookStatus: 'IN_PROGRESS',
        callBackDelay: 20,
        hookDetails: { decision: 'checking', gateAttempt: 1 },
      });
      // ECS passes hookDetails back; the last attempt lets the unverifiable policy decide.
      const second = await gate(
        { ...event, hookDetails: first.hookDetails },
        { getRemainingTimeInMillis: () => 30_000 },
      );
      expect(second).toMatchObject({
        hookStatus: 'SUCCEEDED',
        hookDetails: { decision: 'unverifiable-allowed' },
      });
      // A Lambda timeout shorter than the budget wins.
      const t = Date.now();
      const short = await gate(event, {
        getRemainingTimeInMillis: () => 2_800,
      });
      expect(Date.now() - t).toBeLessThan(800 + 1_000);
      expect(short.hookStatus).toBe('IN_PROGRESS');
    } finally {
      await slow.stop();
    }
  });
});

describe('the gate as the sandbox invokes it (UpdateService)', () => {
  const GATE = 'arn:aws:lambda:eu-west-1:111111111111:function:ecs-deploy-gate';
  const HOOKS = [
    { hookTargetArn: GATE, lifecycleStages: ['PRE_SCALE_UP' as const] },
  ];

  it('rolls back the arm64-only storefront deployment and lets checkout-api proceed', async () => {
    const lines: string[] = [];
    let gate: ReturnType<typeof createGateHandler> | undefined;
    const box = await startSandbox({
      scenario: DEMO,
      lifecycleHooks: { handlers: { [GATE]: (e, c) => gate!(e, c) } },
    });
    try {
      gate = createGateHandler({
        config: {
          ...sandboxConfig(),
          awsEndpoint: box.url,
          registryEndpoints: {
            'docker.io': `${box.url}/registries/docker.io`,
          },
          ecrDistributionEndpoint: `${box.url}/ecr/{accountId}/{region}`,
        },
        credentials: {
          accessKeyId: 'AKIASANDBOXSHOPPROD1',
          secretAccessKey: 'x',
        },
        logger: memoryLogger(lines),
      });
      const ecs = new ECSClient({
        endpoint: box.url,
        region: 'eu-west-1',
        credentials: {
          accessKeyId: 'AKIASANDBOXSHOPPROD1',
          secretAccessKey: 'x',
        },
      });
      for (const service of ['storefront-web', 'checkout-api']) {
        await ecs.send(
          new UpdateServiceCommand({
            cluster: 'shop-prod',
            service,
            forceNewDeployment: true,
            deploymentConfiguration: { lifecycleHooks: HOOKS },
          }),
        );
      }
      await box.deploymentsSettled();
      const { services } = await ecs.send(
        new DescribeServicesCommand({
          cluster: 'shop-prod',
          services: ['storefront-web', 'checkout-api'],
        }),
      );
      const [storefront, checkout] = services!;
      expect(storefront.events![0].message).toMatch(
        /was rolled back: lifecycle hook ecs-deploy-gate at PRE_SCALE_UP returned FAILED: container web: .*linux\/amd64/,
      );
      const history = await ecs.send(
        new ListServiceDeploymentsCommand({
          cluster: 'shop-prod',
          service: 'storefront-web',
        }),
      );
      expect(history.serviceDeployments!.map(d => d.status)).toContain(
        'ROLLBACK_SUCCESSFUL',
      );
      expect(checkout.deployments![0].rolloutState).toBe('COMPLETED');
      expect(checkout.events![0].message).toMatch(/deployment completed/);
      ecs.destroy();
    } finally {
      await box.stop();
    }
  });
});
