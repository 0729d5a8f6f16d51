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

import { readGateConfig } from './config';
import { createGateHandler } from './gate';
import { GateLogger } from './log';

const SERVICE = 'arn:aws:ecs:eu-west-1:111111111111:service/shop/web';
const REVISION =
  'arn:aws:ecs:eu-west-1:111111111111:service-revision/shop/web/9313423515462893900';

function gate(lines: string[] = []) {
  const logger: GateLogger = {
    info: m => lines.push(m),
    warn: m => lines.push(m),
    error: m => lines.push(m),
  };
  return createGateHandler({ config: readGateConfig({}), logger });
}

describe('a malformed payload', () => {
  it.each([
    ['null', null, /not a JSON object/],
    ['a string', 'PRE_SCALE_UP', /not a JSON object/],
    ['an array', [], /an array/],
    [
      'no executionDetails',
      { lifecycleStage: 'PRE_SCALE_UP' },
      /executionDetails is missing/,
    ],
    [
      'an unknown stage',
      {
        lifecycleStage: 'BEFORE',
        executionDetails: {
          serviceArn: SERVICE,
          targetServiceRevisionArn: REVISION,
        },
      },
      /lifecycleStage is "BEFORE"/,
    ],
    [
      'a service ARN that is not one',
      {
        lifecycleStage: 'PRE_SCALE_UP',
        executionDetails: {
          serviceArn: 'web',
          targetServiceRevisionArn: REVISION,
        },
      },
      /serviceArn is "web"/,
    ],
    [
      'no revision',
      {
        lifecycleStage: 'PRE_SCALE_UP',
        executionDetails: { serviceArn: SERVICE },
      },
      /targetServiceRevisionArn is missing/,
    ],
    [
      'a revision of another service',
      {
        lifecycleStage: 'PRE_SCALE_UP',
        executionDetails: {
          serviceArn: SERVICE,
          targetServiceRevisionArn: REVISION.replace('/web/', '/api/'),
        },
      },
      /is not a revision of/,
    ],
    [
      'hookDetails that are not an object',
      {
        lifecycleStage: 'PRE_SCALE_UP',
        executionDetails: {
          serviceArn: SERVICE,
          targetServiceRevisionArn: REVISION,
        },
        hookDetails: 'deny',
      },
      /hookDetails is "deny"/,
    ],
  ])('answers FAILED with the reason: %s', async (_, payload, reason) => {
    const lines: string[] = [];
    const response = await gate(lines)(payload);
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails).toMatchObject({
      decision: 'invalid-payload',
      cause: expect.stringMatching(reason),
    });
    expect(lines).toEqual(['invalid lifecycle hook payload; answering FAILED']);
  });
});

describe('configuration', () => {
  it('defaults to fail-open with a 20 s budget', () => {
    expect(readGateConfig({})).toEqual({
      unverifiable: 'allow',
      timeBudgetMs: 20_000,
      callbackDelaySeconds: 30,
      maxAttempts: 4,
    });
  });

  it.each([
    [{ ECS_GATE_UNVERIFIABLE: 'maybe' }, /ECS_GATE_UNVERIFIABLE/],
    [{ ECS_GATE_TIME_BUDGET_MS: '-1' }, /ECS_GATE_TIME_BUDGET_MS/],
    [{ ECS_GATE_REPORT_URL: 'https://b.example.com' }, /set together/],
    [{ ECS_GATE_REGISTRY_ENDPOINTS: '[1]' }, /ECS_GATE_REGISTRY_ENDPOINTS/],
  ])('refuses %j', (env, message) => {
    expect(() => readGateConfig(env)).toThrow(message);
  });

  it('answers FAILED naming the variable when misconfigured', async () => {
    const response = await createGateHandler({
      config: new Error(
        'ECS_GATE_UNVERIFIABLE must be "allow" or "deny", got "maybe"',
      ),
      logger: { info() {}, warn() {}, error() {} },
    })({
      lifecycleStage: 'PRE_SCALE_UP',
      executionDetails: {
        serviceArn: SERVICE,
        targetServiceRevisionArn: REVISION,
      },
    });
    expect(response).toMatchObject({
      hookStatus: 'FAILED',
      hookDetails: {
        decision: 'misconfigured',
        cause: expect.stringContaining('ECS_GATE_UNVERIFIABLE'),
      },
    });
  });
});
