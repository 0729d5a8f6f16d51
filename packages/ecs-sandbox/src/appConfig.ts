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

import { Document, isMap, YAMLMap, YAMLSeq } from 'yaml';
import { AccountModel, World } from './scenario/model';
import { principalMatches } from './scenario/policy';
import { staticPrincipal } from './server/identity';

/*
 * What a Backstage backend needs to audit a running sandbox: the `aws` accounts of
 * @backstage/integration-aws-node and the plugin's `ecsDeployReadiness` endpoints, written as an
 * app-config fragment to load after app-config.yaml (`--config app-config.yaml --config <it>`).
 *
 * Backstage merges config objects key by key but REPLACES arrays: the fragment's `aws.accounts`,
 * `aws.regions`, `allowedPrivateRegistries` and `insecureRegistries` replace app-config.yaml's
 * (the demo's accounts must not stay next to another scenario's), while `registries.endpoints`
 * and `registries.credentials` add to what app-config.yaml has.
 */

/** The sandbox checks the shape of a SigV4 signature, never the secret: any value works. */
const SECRET = 'sandbox';

/** One entry of `aws.accounts` (integration-aws-node). @public */
export interface SandboxAwsAccountConfig {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Set when the account has no access key: assume this role with the access key above. */
  roleName?: string;
}

/** How each scenario account is reached, for comments and the summary. @public */
export type SandboxAccountAccess =
  | { account: string; via: 'key'; denyAccess: boolean }
  | { account: string; via: 'role'; roleArn: string; from: string }
  | { account: string; via: 'none' };

/** The Backstage configuration for a sandbox. @public */
export interface SandboxAppConfig {
  aws: { accounts: SandboxAwsAccountConfig[] };
  ecsDeployReadiness: {
    aws: { endpoint: string; regions: string[] };
    registries: {
      endpoints: Record<string, string>;
      ecrDistributionEndpoint: string;
      allowedPrivateRegistries: string[];
      insecureRegistries: string[];
      credentials?: Record<string, { username: string; password: string }>;
    };
  };
}

/** The base URL clients should use: a wildcard listening address is reached on loopback. */
function clientUrl(url: string): URL {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u;
}

/**
 * How Backstage can act as an account. An account with an access key uses it, also when it
 * denies access (that refusal is the scenario's story). The sandbox accepts nothing else but STS
 * credentials, so an account without a key is reached by assuming one of its roles with the key
 * of an account the role trusts (preferring one that does not deny access); with no such role,
 * Backstage has no credentials for it, and reports its services as of an unknown account.
 */
function accessOf(world: World, account: AccountModel) {
  if (account.accessKeyId)
    return { via: 'key' as const, key: account.accessKeyId };
  const sources = [...world.accounts.values()]
    .filter(a => a.accessKeyId)
    .sort((a, b) => Number(a.denyAccess) - Number(b.denyAccess));
  for (const role of account.roles.values()) {
    const source = sources.find(s =>
      role.trustedPrincipals.some(p => principalMatches(p, staticPrincipal(s))),
    );
    if (source)
      return { via: 'role' as const, role, source, key: source.accessKeyId! };
  }
  return { via: 'none' as const };
}

/**
 * The Backstage app-config for a sandbox serving `world` at `url`: every scenario account
 * Backstage can act as (access key, or role assumption), the regions, the AWS endpoint, every
 * registry host's endpoint, ECR's distribution endpoint, the sandbox allowed as a private and
 * plain-HTTP registry, and the first user of each registry that has users.
 *
 * @public
 */
export function sandboxAppConfig(
  world: World,
  url: string,
): { config: SandboxAppConfig; access: SandboxAccountAccess[] } {
  const base = clientUrl(url);
  const origin = base.origin;
  const accounts: SandboxAwsAccountConfig[] = [];
  const access: SandboxAccountAccess[] = [];
  for (const account of world.accounts.values()) {
    const a = accessOf(world, account);
    if (a.via === 'key') {
      accounts.push({
        accountId: account.id,
        accessKeyId: a.key,
        secretAccessKey: SECRET,
      });
      access.push({
        account: account.id,
        via: 'key',
        denyAccess: account.denyAccess,
      });
    } else if (a.via === 'role') {
      // integration-aws-node assumes roleName with the entry's own static keys.
      accounts.push({
        accountId: account.id,
        roleName: a.role.name,
        accessKeyId: a.key,
        secretAccessKey: SECRET,
      });
      access.push({
        account: account.id,
        via: 'role',
        roleArn: a.role.arn,
        from: a.source.id,
      });
    } else {
      access.push({ account: account.id, via: 'none' });
    }
  }
  const credentials = Object.fromEntries(
    [...world.registries.values()]
      .filter(r => r.users.size > 0)
      .map(r => {
        const [username, password] = [...r.users.entries()][0];
        return [r.host, { username, password }];
      }),
  );
  const config: SandboxAppConfig = {
    aws: { accounts },
    ecsDeployReadiness: {
      aws: { endpoint: origin, regions: [...world.regions] },
      registries: {
        endpoints: Object.fromEntries(
          [...world.registries.keys()].map(h => [
            h,
            `${origin}/registries/${h}`,
          ]),
        ),
        ecrDistributionEndpoint: `${origin}/ecr/{accountId}/{region}`,
        allowedPrivateRegistries: [base.host],
        insecureRegistries: [base.host],
        ...(Object.keys(credentials).length ? { credentials } : {}),
      },
    },
  };
  return { config, access };
}

/**
 * {@link sandboxAppConfig} as a commented YAML document, to pass to Backstage with
 * `--config app-config.yaml --config <file>`.
 *
 * @public
 */
export function sandboxAppConfigYaml(
  world: World,
  url: string,
  options: { scenario?: string } = {},
): string {
  const { config, access } = sandboxAppConfig(world, url);
  const doc = new Document(config);
  doc.commentBefore = [
    ` Backstage configuration for the ecs-sandbox at ${clientUrl(url).origin}${
      options.scenario ? `, serving ${options.scenario}` : ''
    }.`,
    ' Written by `ecs-sandbox serve --app-config` / `ecs-sandbox app-config`; load it after',
    ' app-config.yaml. Config objects merge, arrays replace: these aws.accounts replace the',
    " demo's. secretAccessKey is a placeholder: the sandbox accepts any secret for a known key.",
  ].join('\n');
  const accountNodes = doc.getIn(['aws', 'accounts']) as YAMLSeq;
  let i = 0;
  const unreachable: string[] = [];
  for (const a of access) {
    if (a.via === 'none') {
      unreachable.push(a.account);
      continue;
    }
    const node = accountNodes.items[i++];
    if (!isMap(node)) continue;
    const name = world.accounts.get(a.account)?.name;
    const notes = [];
    if (a.via === 'role')
      notes.push(
        `no access key: assumes ${a.roleArn} with the key of ${
          a.from
        } (STS at the sandbox: AWS_ENDPOINT_URL_STS=${clientUrl(url).origin})`,
      );
    else if (a.denyAccess)
      notes.push(
        'denies access: every ECS, ECR and tagging call answers AccessDeniedException',
      );
    const text = [name, ...notes].filter(Boolean).join(': ');
    if (text) (node as YAMLMap).commentBefore = ` ${text}`;
  }
  if (unreachable.length) {
    (
      accountNodes as YAMLSeq
    ).comment = ` Not listed, as they have no access key and no role an account with one may assume: ${unreachable.join(
      ', ',
    )}`;
  }
  if (config.ecsDeployReadiness.registries.credentials) {
    const node = doc.getIn(
      ['ecsDeployReadiness', 'registries', 'credentials'],
      true,
    ) as YAMLMap;
    node.commentBefore =
      ' The first user of each registry; the backend sends them only for containers with repositoryCredentials.';
  }
  return doc.toString({ lineWidth: 0 });
}
