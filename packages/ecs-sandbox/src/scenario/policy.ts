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
 * Resource-based policies (ECR repository policies, role trust policies), evaluated the way IAM
 * does for the parts the sandbox models: an explicit Deny wins, else an Allow whose Principal and
 * Action match, else nothing allows. Sources: IAM User Guide, "Policy evaluation logic" and
 * "AWS JSON policy elements: Principal"; ECR User Guide, "Private repository policy examples".
 * Statements with a Condition, NotAction, NotPrincipal or Resource are not evaluated: the
 * scenario loader refuses them, so no policy means something the sandbox cannot honour.
 */

/** Who signed a request. */
export interface Principal {
  /** 12-digit account id. */
  account: string;
  /** The principal's ARN, as AccessDenied messages name it (`arn:aws:sts::…:assumed-role/…`). */
  arn: string;
  /** `arn:aws:iam::<account>:role/<name>` of the role behind the session. */
  roleArn: string;
}

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  /** `*`, or account ids / ARNs. */
  principals: string[];
  actions: string[];
}

export type PolicyDecision = 'allow' | 'deny' | 'none';

function strings(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some(v => typeof v !== 'string' || !v)) {
    throw new Error(`${what} must be a string or a list of strings`);
  }
  return list as string[];
}

/** Parses a policy document; throws an Error that says what is wrong. */
export function parsePolicy(text: string): PolicyStatement[] {
  const doc = JSON.parse(text);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new Error('a policy is a JSON object');
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (raw.length === 0 || raw.some((s: unknown) => !s || typeof s !== 'object'))
    throw new Error('Statement must be a statement or a list of them');
  return raw.map((s: Record<string, unknown>, i: number) => {
    for (const key of ['Condition', 'NotAction', 'NotPrincipal', 'Resource']) {
      if (key in s)
        throw new Error(
          `Statement[${i}].${key} is not supported by the sandbox`,
        );
    }
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      throw new Error(`Statement[${i}].Effect must be Allow or Deny`);
    const principal = s.Principal;
    let principals: string[];
    if (principal === '*') principals = ['*'];
    else if (
      principal &&
      typeof principal === 'object' &&
      'AWS' in (principal as object)
    )
      principals = strings(
        (principal as { AWS: unknown }).AWS,
        `Statement[${i}].Principal.AWS`,
      );
    else
      throw new Error(
        `Statement[${i}].Principal must be "*" or {"AWS": <account ids or ARNs>}`,
      );
    return {
      effect: s.Effect,
      principals,
      actions: strings(s.Action, `Statement[${i}].Action`),
    };
  });
}

function globMatches(pattern: string, value: string): boolean {
  const re = pattern
    .split('')
    .map(c => {
      if (c === '*') return '.*';
      if (c === '?') return '.';
      return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${re}$`, 'i').test(value);
}

/**
 * Whether a policy principal names the caller: `*`; an account id or
 * `arn:aws:iam::<account>:root` (any principal of that account); the role ARN (any session of
 * the role); or the exact session ARN.
 */
export function principalMatches(entry: string, caller: Principal): boolean {
  if (entry === '*') return true;
  if (/^\d{12}$/.test(entry)) return entry === caller.account;
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(entry);
  if (root) return root[1] === caller.account;
  return entry === caller.roleArn || entry === caller.arn;
}

export function evaluate(
  statements: PolicyStatement[],
  caller: Principal,
  action: string,
): PolicyDecision {
  const matching = statements.filter(
    s =>
      s.principals.some(p => principalMatches(p, caller)) &&
      s.actions.some(a => globMatches(a, action)),
  );
  if (matching.some(s => s.effect === 'Deny')) return 'deny';
  return matching.length ? 'allow' : 'none';
}
