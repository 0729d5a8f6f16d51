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

/*
 * The metrics as a monitoring system sees them: the OpenTelemetry SDK's MeterProvider
 * registered globally (as an adopter's instrumentation file does before the backend starts),
 * Backstage's own metrics service (backend-defaults), the plugin auditing the demo scenario
 * against the sandbox, and the SDK's reader collecting what an exporter would export.
 */

import type { Server } from 'http';
import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { metrics } from '@opentelemetry/api';
import {
  type DataPoint,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import type { Sandbox } from 'ecs-sandbox';
import request from 'supertest';
import { startDemoBackend } from '../__testUtils__/demoBackend';

/** A reader the test collects from, as a Prometheus or OTLP exporter would. */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const reader = new CollectingReader();
const provider = new MeterProvider({ readers: [reader] });
let sandbox: Sandbox;
let server: Server;

/** Every data point of the metric named, with its attributes. */
async function collect(name: string): Promise<DataPoint<any>[]> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const points: DataPoint<any>[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name === name) points.push(...metric.dataPoints);
    }
  }
  return points;
}

const sum = (points: DataPoint<any>[], where: Record<string, string> = {}) =>
  points
    .filter(p => Object.entries(where).every(([k, v]) => p.attributes[k] === v))
    .reduce(
      (n, p) => n + (typeof p.value === 'number' ? p.value : p.value.count),
      0,
    );

beforeAll(async () => {
  // Before the backend: the metrics service asks the global API for its meter when it is made.
  metrics.setGlobalMeterProvider(provider);
  ({ sandbox, server } = await startDemoBackend({
    features: [metricsServiceFactory],
    // The history too: the pull failures of stopped tasks.
    taskPrefixes: [
      'ecs-deploy-readiness-images:',
      'ecs-deploy-readiness-history:',
    ],
  }));
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  await provider.shutdown();
  metrics.disable();
});

describe('the metrics, through the OpenTelemetry SDK', () => {
  it('reports entities by status, findings by check and pull failures by category, as the exporter collects', async () => {
    const entities = await collect('ecs_deploy_readiness.entities');
    expect(sum(entities, { status: 'blocked' })).toBe(5);
    expect(sum(entities, { status: 'ready' })).toBeGreaterThan(0);
    const perEntity = await collect('ecs_deploy_readiness.entity.status');
    expect(
      perEntity.find(
        p =>
          p.attributes.entity_ref === 'component:default/storefront-web' &&
          p.attributes.status === 'blocked',
      )?.value,
    ).toBe(1);
    const findings = await collect('ecs_deploy_readiness.findings');
    expect(
      sum(findings, { check: 'platform-missing', severity: 'blocking' }),
    ).toBeGreaterThan(0);
    const pullFailures = await collect('ecs_deploy_readiness.pull_failures');
    expect(
      sum(pullFailures, { category: 'platform-mismatch' }),
    ).toBeGreaterThan(0);
  });

  it('records the scheduled audits with their duration and AWS calls, a manual audit, and a gate decision', async () => {
    const scheduled = await collect('ecs_deploy_readiness.audit.runs');
    expect(sum(scheduled, { trigger: 'schedule' })).toBeGreaterThan(0);
    const durations = await collect('ecs_deploy_readiness.audit.duration');
    expect(sum(durations, { trigger: 'schedule' })).toBe(
      sum(scheduled, { trigger: 'schedule' }),
    );
    const calls = await collect('ecs_deploy_readiness.aws.calls');
    expect(sum(calls, { api: 'ecs:DescribeServices' })).toBeGreaterThan(0);

    const started = await request(server)
      .post(
        '/api/ecs-deploy-readiness/entities/component/default/checkout-api/audit',
      )
      .set('authorization', mockCredentials.user.header());
    expect(started.status).toBe(202);
    for (let i = 0; i < 100; i++) {
      const run = await request(server)
        .get(`/api/ecs-deploy-readiness/runs/${started.body.id}`)
        .set('authorization', mockCredentials.user.header());
      if (run.body.status !== 'running') break;
      await new Promise(r => setTimeout(r, 100));
    }
    // The run is recorded as it ends; the metric right after.
    await new Promise(r => setTimeout(r, 50));
    expect(
      sum(await collect('ecs_deploy_readiness.audit.runs'), {
        trigger: 'manual',
      }),
    ).toBe(1);

    const gate = await request(server)
      .post('/api/ecs-deploy-readiness/gate-decisions')
      .set('authorization', mockCredentials.service.header())
      .send({
        schemaVersion: 1,
        serviceArn:
          'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/storefront-web',
        targetServiceRevisionArn:
          'arn:aws:ecs:eu-west-1:111111111111:service-revision/shop-prod/storefront-web/1',
        lifecycleStage: 'PRE_SCALE_UP',
        executionId: 'metrics-test',
        hookStatus: 'FAILED',
        decision: 'blocked',
        findings: [],
        decidedAt: new Date().toISOString(),
      });
    expect(gate.status).toBe(201);
    expect(
      sum(await collect('ecs_deploy_readiness.gate.decisions'), {
        decision: 'blocked',
        hook_status: 'FAILED',
      }),
    ).toBe(1);
  });
});
