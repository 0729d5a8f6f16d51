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
import {
  ENGINE_ECR_IAM_POLICY,
  ENGINE_ECR_PERMISSIONS,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

// The IAM policy is written once (common's ENGINE_ECR_PERMISSIONS); these tests hold it to what
// the engine really calls, and the docs to the policy.

const source = readFileSync(
  join(__dirname, 'registry/EcrRegistryClient.ts'),
  'utf8',
);
const actions = ENGINE_ECR_PERMISSIONS.map(p => p.action);

describe('the engine IAM policy', () => {
  it('grants every ECR API call the engine sends', () => {
    const sent = [
      ...source.matchAll(/new \(?(?:sdk\(\)\.)?(\w+)Command\)?\(/g),
    ].map(m => `ecr:${m[1]}`);
    expect(sent.length).toBeGreaterThan(4);
    for (const action of sent) expect(actions).toContain(action);
  });

  it('grants the Distribution reads of config blobs (a docker-style login and download)', () => {
    // getBlob goes through the registry endpoint with GetAuthorizationToken credentials, and ECR
    // authorises the blob download with GetDownloadUrlForLayer.
    expect(source).toMatch(/getBlob\(/);
    expect(actions).toEqual(
      expect.arrayContaining([
        'ecr:GetAuthorizationToken',
        'ecr:GetDownloadUrlForLayer',
      ]),
    );
  });

  it('grants nothing the engine does not use', () => {
    const used = new Set([
      ...[...source.matchAll(/new \(?(?:sdk\(\)\.)?(\w+)Command\)?\(/g)].map(
        m => `ecr:${m[1]}`,
      ),
      'ecr:GetDownloadUrlForLayer',
    ]);
    expect(actions.filter(a => !used.has(a))).toEqual([]);
  });

  it('is the policy docs/iam-policy.md shows', () => {
    const doc = readFileSync(
      join(__dirname, '../../../docs/iam-policy.md'),
      'utf8',
    );
    const block = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(block && JSON.parse(block)).toEqual(ENGINE_ECR_IAM_POLICY);
    for (const action of actions) expect(doc).toContain(action);
  });
});
