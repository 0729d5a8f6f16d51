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

import { readdirSync, readFileSync, statSync } from 'fs';
import { join, resolve } from 'path';

const SRC = __dirname;
const DOC = resolve(__dirname, '../../../docs/iam-policy.md');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === '__testUtils__' ? [] : sources(path);
    }
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** The AWS actions the backend calls: every `callAws('x:Y'` and `new AwsCallError('x:Y'`. */
function actionsCalled(): string[] {
  const actions = new Set<string>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:callAws|new AwsCallError)\(\s*'([a-z]+:[A-Za-z]+)'/g,
    )) {
      actions.add(m[1]);
    }
  }
  return [...actions].sort();
}

/** The actions of the backend audit's policy in docs/iam-policy.md. */
function actionsDocumented(): string[] {
  const doc = readFileSync(DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## The backend audit'));
  const json = /```json\n([\s\S]*?)```/.exec(section)![1];
  return JSON.parse(json)
    .Statement.flatMap((s: { Action: string[] }) => s.Action)
    .sort();
}

describe('the backend audit IAM policy', () => {
  it('lists exactly the AWS actions the backend calls', () => {
    const called = actionsCalled();
    // The scan finds the calls (a broken pattern would find none).
    expect(called).toContain('ecs:DescribeServices');
    expect(actionsDocumented()).toEqual(called);
  });

  it('explains each action in the table', () => {
    const doc = readFileSync(DOC, 'utf8');
    const section = doc.slice(doc.indexOf('## The backend audit'));
    for (const action of actionsDocumented()) {
      expect(section).toMatch(new RegExp(`\\| \`${action}\`\\s+\\|`));
    }
  });
});
