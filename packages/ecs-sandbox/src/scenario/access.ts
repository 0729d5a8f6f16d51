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

import { RoleModel } from './model';
import { parsePolicy, PolicyStatement } from './policy';
import { Node } from './read';

/*
 * The access settings of a scenario: roles others may assume (STS) and repository policies
 * (cross-account ECR). Read by buildWorld.
 */

const PRINCIPAL_RE =
  /^(\*|\d{12}|arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+)|arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/;

/** `accounts[i].roles`: IAM role names are `[\w+=,.@-]{1,64}` (IAM API reference, CreateRole). */
export function readRoles(node: Node, account: string): Map<string, RoleModel> {
  const roles = new Map<string, RoleModel>();
  for (const r of node.items()) {
    const name = r.get('name').string();
    if (!/^[\w+=,.@-]{1,64}$/.test(name))
      r.get('name').fail(`'${name}' is not a valid IAM role name`);
    if (roles.has(name)) r.get('name').fail(`role ${name} is listed twice`);
    const trusted = r.get('trustedPrincipals').items();
    if (trusted.length === 0)
      r.get('trustedPrincipals').fail(
        'list who may assume the role (account ids, ARNs or *)',
      );
    const trustedPrincipals = trusted.map(t => {
      const p = t.string();
      if (!PRINCIPAL_RE.test(p))
        t.fail(`'${p}' is not an account id, an IAM/STS ARN or *`);
      return p;
    });
    const maxSessionSeconds = r.get('maxSessionSeconds').count(3600);
    if (maxSessionSeconds < 3600 || maxSessionSeconds > 43200)
      r.get('maxSessionSeconds').fail('expected 3600 to 43200 (1 to 12 hours)');
    roles.set(name, {
      name,
      arn: `arn:aws:iam::${account}:role/${name}`,
      account,
      trustedPrincipals,
      maxSessionSeconds,
    });
  }
  return roles;
}

/** `ecr[i].repositoryPolicy`: an object or its JSON text. */
export function readRepositoryPolicy(
  node: Node,
): { text: string; statements: PolicyStatement[] } | undefined {
  if (node.isMissing) return undefined;
  const text =
    typeof node.value === 'string' ? node.value : JSON.stringify(node.object());
  try {
    const statements = parsePolicy(text);
    for (const s of statements) {
      for (const p of s.principals) {
        if (!PRINCIPAL_RE.test(p))
          node.fail(`principal '${p}' is not an account id, an ARN or *`);
      }
    }
    return { text, statements };
  } catch (e) {
    if ((e as Error).name === 'ScenarioError') throw e;
    return node.fail(`not a usable policy: ${(e as Error).message}`);
  }
}
