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

import { AccountModel, World } from '../scenario/model';
import { Principal } from '../scenario/policy';
import { Signer } from './signing';
import { verifySessionToken } from './tokens';

/*
 * Who signed a request. Credentials alone decide it, as in AWS: an access key of the scenario
 * acts as its account; temporary credentials from STS AssumeRole (`ASIA…` key plus session token)
 * act as the role's account. Anything else is refused: AWS answers an unknown key with
 * UnrecognizedClientException (JSON protocols) / InvalidClientTokenId (query protocol), "The
 * security token included in the request is invalid.", and an expired session token with
 * ExpiredTokenException / ExpiredToken, "The security token included in the request is expired".
 * Sources: AWS common errors (e.g. IAM API reference, Common Errors; STS API reference).
 */

export type Identified =
  | { ok: true; principal: Principal; account: AccountModel }
  | { ok: false; reason: 'invalid' | 'expired' };

/** The principal a static access key of the scenario stands for. */
export function staticPrincipal(account: AccountModel): Principal {
  return {
    account: account.id,
    arn: `arn:aws:sts::${account.id}:assumed-role/${account.roleName}/backstage`,
    roleArn: `arn:aws:iam::${account.id}:role/${account.roleName}`,
  };
}

export function identify(
  world: World,
  signer: Signer,
  accessKeyId: string,
  sessionToken: string | undefined,
): Identified {
  if (sessionToken) {
    const verified = verifySessionToken(signer, sessionToken);
    if (!verified.ok)
      return { ok: false, reason: verified.expired ? 'expired' : 'invalid' };
    const { ak, a, r, s } = verified.payload;
    const account = world.accounts.get(a);
    if (ak !== accessKeyId || !account || !account.roles.has(r))
      return { ok: false, reason: 'invalid' };
    return {
      ok: true,
      account,
      principal: {
        account: a,
        arn: `arn:aws:sts::${a}:assumed-role/${r}/${s}`,
        roleArn: `arn:aws:iam::${a}:role/${r}`,
      },
    };
  }
  const account = world.accountsByAccessKey.get(accessKeyId);
  if (!account) return { ok: false, reason: 'invalid' };
  return { ok: true, account, principal: staticPrincipal(account) };
}

export const INVALID_TOKEN_MESSAGE =
  'The security token included in the request is invalid.';
export const EXPIRED_TOKEN_MESSAGE =
  'The security token included in the request is expired';
