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

import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetRepositoryPolicyCommand,
  ListImageReferrersCommand,
  RepositoryPolicyNotFoundException,
} from '@aws-sdk/client-ecr';
import { DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { ScenarioDocument } from '../scenario/types';
import { Sandbox, startSandbox } from './sandbox';

/*
 * Who may read what: credentials alone decide the account, another account's repositories
 * answer only as far as their policy allows, ECR tokens are the caller's for one region, and STS
 * hands out role credentials that act as the role's account.
 */

const SHOP = '111111111111';
const TOOLS = '222222222222';
const LOCKED = '333333333333';
const SHOP_KEY = 'AKIATESTSHOP0000001';
const TOOLS_KEY = 'AKIATESTTOOLS000001';

function scenario(): ScenarioDocument {
  return {
    accounts: [
      { id: SHOP, accessKeyId: SHOP_KEY },
      {
        id: TOOLS,
        accessKeyId: TOOLS_KEY,
        roles: [
          { name: 'BackstageReadOnly', trustedPrincipals: [SHOP] },
          { name: 'Admin', trustedPrincipals: [TOOLS] },
        ],
      },
      { id: LOCKED },
    ],
    regions: ['eu-west-1', 'us-east-1'],
    images: {
      base: { layers: 1 },
      sig: {
        kind: 'artifact',
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        blobs: [{ mediaType: 'application/json', content: '{}' }],
        subject: 'base',
      },
      ...Object.fromEntries(
        Array.from({ length: 25 }, (_, i) => [
          `sbom-${i}`,
          {
            kind: 'artifact' as const,
            artifactType: 'application/spdx+json',
            blobs: [
              { mediaType: 'application/spdx+json', content: `{"n":${i}}` },
            ],
            subject: 'base',
          },
        ]),
      ),
    },
    ecr: [
      {
        name: 'shop/app',
        images: [
          { image: 'base', tags: ['v1'] },
          { image: 'sig', status: 'ARCHIVED' },
          ...Array.from({ length: 25 }, (_, i) => ({ image: `sbom-${i}` })),
        ],
      },
      {
        name: 'shared/base',
        account: TOOLS,
        repositoryPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ShopPulls',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${SHOP}:root` },
              Action: [
                'ecr:BatchGetImage',
                'ecr:GetDownloadUrlForLayer',
                'ecr:BatchCheckLayerAvailability',
                'ecr:DescribeImages',
              ],
            },
          ],
        },
        images: [{ image: 'base', tags: ['1.0'] }],
      },
      {
        name: 'shared/describe-only',
        account: TOOLS,
        repositoryPolicy: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: [SHOP] },
              Action: 'ecr:Describe*',
            },
          ],
        }),
        images: [{ image: 'base', tags: ['1.0'] }],
      },
      {
        name: 'private',
        account: TOOLS,
        images: [{ image: 'base', tags: ['1.0'] }],
      },
      {
        name: 'secret',
        account: LOCKED,
        images: [{ image: 'base', tags: ['1.0'] }],
      },
    ],
    clusters: [{ name: 'main' }, { name: 'tools', account: TOOLS }],
  };
}

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: scenario() });
});

afterAll(() => sandbox.stop());

type Credentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

const keys = (accessKeyId: string): Credentials => ({
  accessKeyId,
  secretAccessKey: 'sandbox',
});

const clientConfig = (credentials: Credentials, region = 'eu-west-1') => ({
  endpoint: sandbox.url,
  region,
  credentials,
  maxAttempts: 1,
});

const ecr = (credentials = keys(SHOP_KEY), region?: string) =>
  new ECRClient(clientConfig(credentials, region));

describe('caller identity', () => {
  it('refuses an unknown access key with UnrecognizedClientException, whatever ARN or registryId the request names', async () => {
    const stranger = keys('AKIAUNKNOWN00000001');
    const ecs = new ECSClient(clientConfig(stranger));
    const viaArn = await ecs
      .send(
        new DescribeClustersCommand({
          clusters: [`arn:aws:ecs:eu-west-1:${SHOP}:cluster/main`],
        }),
      )
      .catch(e => e);
    expect(viaArn.name).toBe('UnrecognizedClientException');
    expect(viaArn.message).toBe(
      'The security token included in the request is invalid.',
    );
    expect(viaArn.$metadata.httpStatusCode).toBe(400);

    const viaRegistry = await ecr(stranger)
      .send(new DescribeRepositoriesCommand({ registryId: SHOP }))
      .catch(e => e);
    expect(viaRegistry.name).toBe('UnrecognizedClientException');

    const tagging = new ResourceGroupsTaggingAPIClient(clientConfig(stranger));
    const viaTagging = await tagging
      .send(new GetResourcesCommand({}))
      .catch(e => e);
    expect(viaTagging.name).toBe('UnrecognizedClientException');
  });

  it('serves the account of the key, never the one an ARN names', async () => {
    const ecs = new ECSClient(clientConfig(keys(TOOLS_KEY)));
    // ECS refuses the other account's ARN (or reports it missing): never its cluster.
    const out = await ecs
      .send(
        new DescribeClustersCommand({
          clusters: [`arn:aws:ecs:eu-west-1:${SHOP}:cluster/main`],
        }),
      )
      .catch(e => e);
    expect(out.clusters ?? []).toEqual([]);
  });
});

describe('cross-account ECR', () => {
  it("denies another account's repository unless its policy allows the caller", async () => {
    const denied = await ecr()
      .send(
        new DescribeImagesCommand({
          registryId: TOOLS,
          repositoryName: 'private',
        }),
      )
      .catch(e => e);
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toBe(
      `User: arn:aws:sts::${SHOP}:assumed-role/BackstageReadOnly/backstage is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:eu-west-1:${TOOLS}:repository/private because no resource-based policy allows the ecr:DescribeImages action`,
    );

    const allowed = await ecr().send(
      new DescribeImagesCommand({
        registryId: TOOLS,
        repositoryName: 'shared/base',
      }),
    );
    expect(allowed.imageDetails).toEqual([
      expect.objectContaining({ registryId: TOOLS, imageTags: ['1.0'] }),
    ]);
    const pulled = await ecr().send(
      new BatchGetImageCommand({
        registryId: TOOLS,
        repositoryName: 'shared/base',
        imageIds: [{ imageTag: '1.0' }],
      }),
    );
    expect(pulled.images).toHaveLength(1);

    // The policy's actions count: describe-only does not let the caller pull.
    const notPull = await ecr()
      .send(
        new BatchGetImageCommand({
          registryId: TOOLS,
          repositoryName: 'shared/describe-only',
          imageIds: [{ imageTag: '1.0' }],
        }),
      )
      .catch(e => e);
    expect(notPull.name).toBe('AccessDeniedException');
    expect(notPull.message).toContain('ecr:BatchGetImage');

    // Listing another registry, or naming a repository it does not have, is denied too.
    for (const input of [
      { registryId: TOOLS },
      { registryId: LOCKED, repositoryNames: ['ghost'] },
    ]) {
      const e = await ecr()
        .send(new DescribeRepositoriesCommand(input))
        .catch(err => err);
      expect(e.name).toBe('AccessDeniedException');
    }
    // The owner still reads its own repositories without any policy.
    const own = await ecr(keys(TOOLS_KEY)).send(
      new DescribeRepositoriesCommand({}),
    );
    expect(own.repositories!.map(r => r.repositoryName).sort()).toEqual([
      'private',
      'shared/base',
      'shared/describe-only',
    ]);
  });

  it('serves GetRepositoryPolicy, and RepositoryPolicyNotFoundException without one', async () => {
    const policy = await ecr(keys(TOOLS_KEY)).send(
      new GetRepositoryPolicyCommand({ repositoryName: 'shared/base' }),
    );
    expect(policy.registryId).toBe(TOOLS);
    expect(JSON.parse(policy.policyText!).Statement[0].Sid).toBe('ShopPulls');
    const none = await ecr(keys(TOOLS_KEY))
      .send(new GetRepositoryPolicyCommand({ repositoryName: 'private' }))
      .catch(e => e);
    expect(none).toBeInstanceOf(RepositoryPolicyNotFoundException);
    expect(none.message).toBe(
      `Repository policy does not exist for the repository with name 'private' in the registry with id '${TOOLS}'`,
    );
  });
});

async function shopToken(region = 'eu-west-1'): Promise<string> {
  const { authorizationData } = await ecr(keys(SHOP_KEY), region).send(
    new GetAuthorizationTokenCommand({}),
  );
  return `Basic ${authorizationData![0].authorizationToken}`;
}

const registry = (account: string, region = 'eu-west-1') =>
  `${sandbox.url}/ecr/${account}/${region}`;

describe('ECR tokens', () => {
  it("pull another account's image only where its repository policy allows the token's principal", async () => {
    const authorization = await shopToken();
    const accept = 'application/vnd.oci.image.manifest.v1+json';
    const get = (url: string) =>
      fetch(url, { headers: { authorization, accept }, redirect: 'manual' });

    const shared = await get(`${registry(TOOLS)}/v2/shared/base/manifests/1.0`);
    expect(shared.status).toBe(200);
    const manifest = await shared.json();
    const layer = await get(
      `${registry(TOOLS)}/v2/shared/base/blobs/${manifest.layers[0].digest}`,
    );
    expect(layer.status).toBe(307);

    for (const path of [
      `${registry(TOOLS)}/v2/private/manifests/1.0`,
      `${registry(LOCKED)}/v2/secret/manifests/1.0`,
      `${registry(TOOLS)}/v2/shared/describe-only/manifests/1.0`,
      `${registry(TOOLS)}/v2/shared/describe-only/blobs/${
        manifest.layers[0].digest
      }`,
    ]) {
      const res = await get(path);
      expect(res.status).toBe(403);
      const body = await res.json();
      expect(body.errors[0].code).toBe('DENIED');
      expect(body.errors[0].message).toMatch(
        /^User: arn:aws:sts::111111111111:assumed-role\/BackstageReadOnly\/backstage is not authorized to perform: ecr:(BatchGetImage|GetDownloadUrlForLayer) on resource: arn:aws:ecr:eu-west-1:\d{12}:repository\//,
      );
    }
  });

  it('are valid only in the region they were issued in', async () => {
    const euToken = await shopToken('eu-west-1');
    const res = await fetch(
      `${registry(SHOP, 'us-east-1')}/v2/shop/app/tags/list`,
      { headers: { authorization: euToken } },
    );
    expect(res.status).toBe(401);
    const own = await fetch(
      `${registry(SHOP, 'eu-west-1')}/v2/shop/app/tags/list`,
      { headers: { authorization: euToken } },
    );
    expect(own.status).toBe(200);
  });
});

describe('ListImageReferrers', () => {
  it('returns ACTIVE referrers unless artifactStatus asks, 20 a page by default', async () => {
    const subject = sandbox.world.images.get('base')!.manifest.digest;
    const archived = sandbox.world.images.get('sig')!.manifest.digest;
    const first = await ecr().send(
      new ListImageReferrersCommand({
        repositoryName: 'shop/app',
        subjectId: { imageDigest: subject },
      }),
    );
    expect(first.referrers).toHaveLength(20);
    expect(first.nextToken).toBeDefined();
    const second = await ecr().send(
      new ListImageReferrersCommand({
        repositoryName: 'shop/app',
        subjectId: { imageDigest: subject },
        nextToken: first.nextToken,
      }),
    );
    const active = [...first.referrers!, ...second.referrers!];
    expect(active).toHaveLength(25);
    expect(active.map(r => r.digest)).not.toContain(archived);

    const any = await ecr().send(
      new ListImageReferrersCommand({
        repositoryName: 'shop/app',
        subjectId: { imageDigest: subject },
        filter: { artifactStatus: 'ARCHIVED' },
      }),
    );
    expect(any.referrers).toEqual([
      expect.objectContaining({ digest: archived, artifactStatus: 'ARCHIVED' }),
    ]);
  });
});

/** An STS query-protocol call, signed with a well-formed SigV4 header (the sandbox checks its shape). */
async function sts(
  credentials: Credentials,
  params: Record<string, string>,
): Promise<{ status: number; xml: string }> {
  const res = await fetch(sandbox.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${
        credentials.accessKeyId
      }/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(
        64,
      )}`,
      ...(credentials.sessionToken
        ? { 'x-amz-security-token': credentials.sessionToken }
        : {}),
    },
    body: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
  });
  return { status: res.status, xml: await res.text() };
}

const tag = (xml: string, name: string) =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('STS', () => {
  it('assumes a trusted role; its temporary credentials act as the role account in the real SDK clients', async () => {
    const assumed = await sts(keys(SHOP_KEY), {
      Action: 'AssumeRole',
      RoleArn: `arn:aws:iam::${TOOLS}:role/BackstageReadOnly`,
      RoleSessionName: 'backstage',
    });
    expect(assumed.status).toBe(200);
    expect(assumed.xml).toContain(
      '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>',
    );
    expect(tag(assumed.xml, 'Arn')).toBe(
      `arn:aws:sts::${TOOLS}:assumed-role/BackstageReadOnly/backstage`,
    );
    const credentials = {
      accessKeyId: tag(assumed.xml, 'AccessKeyId')!,
      secretAccessKey: tag(assumed.xml, 'SecretAccessKey')!,
      sessionToken: tag(assumed.xml, 'SessionToken')!,
    };
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    const expiration = new Date(tag(assumed.xml, 'Expiration')!).getTime();
    expect(expiration - Date.now()).toBeGreaterThan(3500_000);

    const identity = await sts(credentials, { Action: 'GetCallerIdentity' });
    expect(tag(identity.xml, 'Account')).toBe(TOOLS);
    expect(tag(identity.xml, 'Arn')).toBe(
      `arn:aws:sts::${TOOLS}:assumed-role/BackstageReadOnly/backstage`,
    );

    const ecs = new ECSClient(clientConfig(credentials));
    const clusters = await ecs.send(
      new DescribeClustersCommand({ clusters: ['tools'] }),
    );
    expect(clusters.clusters![0].clusterArn).toBe(
      `arn:aws:ecs:eu-west-1:${TOOLS}:cluster/tools`,
    );
    const repos = await ecr(credentials).send(
      new DescribeRepositoriesCommand({}),
    );
    expect(repos.repositories!.every(r => r.registryId === TOOLS)).toBe(true);

    // The session token belongs to its access key: swapped, it is refused.
    const forged = await ecr({
      ...credentials,
      accessKeyId: 'ASIAFORGED0000000000',
    })
      .send(new DescribeRepositoriesCommand({}))
      .catch(e => e);
    expect(forged.name).toBe('UnrecognizedClientException');
  });

  it('answers AccessDenied for a role that does not trust the caller, and InvalidClientTokenId for an unknown key', async () => {
    const untrusted = await sts(keys(SHOP_KEY), {
      Action: 'AssumeRole',
      RoleArn: `arn:aws:iam::${TOOLS}:role/Admin`,
      RoleSessionName: 'backstage',
    });
    expect(untrusted.status).toBe(403);
    expect(tag(untrusted.xml, 'Code')).toBe('AccessDenied');
    expect(tag(untrusted.xml, 'Message')).toBe(
      `User: arn:aws:sts::${SHOP}:assumed-role/BackstageReadOnly/backstage is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${TOOLS}:role/Admin`,
    );
    const unknown = await sts(keys('AKIAUNKNOWN00000001'), {
      Action: 'GetCallerIdentity',
    });
    expect(unknown.status).toBe(403);
    expect(unknown.xml).toContain('<Type>Sender</Type>');
    expect(tag(unknown.xml, 'Code')).toBe('InvalidClientTokenId');
    expect(tag(unknown.xml, 'Message')).toBe(
      'The security token included in the request is invalid.',
    );
    const tooLong = await sts(keys(SHOP_KEY), {
      Action: 'AssumeRole',
      RoleArn: `arn:aws:iam::${TOOLS}:role/BackstageReadOnly`,
      RoleSessionName: 'backstage',
      DurationSeconds: '7200',
    });
    expect(tag(tooLong.xml, 'Code')).toBe('ValidationError');
  });
});
