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

import { ENGINE_ECR_PERMISSIONS } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

const DOC = resolve(__dirname, '../../../docs/iam-policy.md');

/** The gate's own AWS calls: every `new <Name>Command(` of ECS and Secrets Manager. */
function actionsCalled(): string[] {
  const actions = new Set<string>();
  for (const name of readdirSync(__dirname)) {
    if (!/\.ts$/.test(name) || /\.test\.ts$/.test(name)) continue;
    const text = readFileSync(join(__dirname, name), 'utf8');
    for (const m of text.matchAll(/new (\w+)Command\(/g)) {
      actions.add(
        m[1] === 'GetSecretValue'
          ? 'secretsmanager:GetSecretValue'
          : `ecs:${m[1]}`,
      );
    }
  }
  return [...actions];
}

function actionsDocumented(): string[] {
  const doc = readFileSync(DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## The deployment gate'));
  const json = /```json\n([\s\S]*?)```/.exec(section)![1];
  return JSON.parse(json).Statement.flatMap(
    (s: { Action: string[] }) => s.Action,
  );
}

describe('the deployment gate IAM policy', () => {
  it("lists the gate's calls and the engine's ECR reads, and nothing else", () => {
    const called = actionsCalled();
    expect(called).toContain('ecs:DescribeServiceRevisions');
    const expected = [
      ...called,
      ...ENGINE_ECR_PERMISSIONS.map(p => p.action),
    ].sort();
    expect(actionsDocumented().sort()).toEqual(expected);
  });
});
