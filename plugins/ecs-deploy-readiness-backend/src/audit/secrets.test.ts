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
 * Issue 11: "No credential, token or signed URL ever appears in a finding, a log line or the
 * database." An audit and a history run against the sandbox, with every kind of secret the
 * backend holds or is handed: AWS secret keys (static, and temporary ones from STS AssumeRole),
 * ECR authorization tokens, a registry's Basic credentials and the bearer tokens it issues for
 * them, a hostile registry that echoes the credentials back in its errors, the sandbox's signed
 * blob links, and a stopped task whose stop reason carries a pre-signed S3 URL and an
 * `Authorization: Basic` header. A proxy in front of the sandbox records every exchange, so the
 * test knows each token that was issued. Then every log line (message and meta) and every row
 * of every table of the plugin database must be free of all of them.
 */

import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { type Sandbox, startSandbox } from 'ecs-sandbox';
import type { Knex } from 'knex';
import { DEMO_ACCOUNTS, exampleEntities } from '../__testUtils__/demo';
import {
  auditDeps,
  demoScenario,
  dumpDatabase,
  recordingLogger,
} from '../__testUtils__/harness';
import {
  type EchoRegistry,
  type Exchange,
  type RecordingProxy,
  startEchoRegistry,
  startRecordingProxy,
} from '../__testUtils__/servers';
import type { ReadinessStore } from '../store/ReadinessStore';
import { AuditRunner } from './AuditRunner';
import { HistoryIngester } from './HistoryIngester';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const SHOP = '111111111111';
const PLATFORM = '222222222222';
const BILLING = '333333333333';

// The AWS secret keys the backend is configured with (the sandbox takes any).
const SECRET_KEYS: Record<string, string> = {
  [SHOP]: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSHOPSECRET1',
  [BILLING]: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbBILLINGSECRET',
};
const keyOf = (id: string) =>
  DEMO_ACCOUNTS.find(a => a.accountId === id)!.accessKeyId;

// A registry that wants credentials (its token endpoint takes Basic), and a hostile one.
const PRIVATE_REGISTRY = 'registry.private.test';
const ECHO_REGISTRY = 'registry.echo.test';
const REGISTRY_USER = 'deployer';
const REGISTRY_PASSWORD = 'Pr1vate-Registry-Passw0rd';
const ECHO_PASSWORD = 'Ech0ed-Back-Passw0rd';

// What ECS wrote when a task could not download a layer: a pre-signed S3 URL (temporary key id,
// session token, signature) and the Authorization header of the request.
const S3_KEY_ID = 'ASIAZ3EXAMPLES3KEY01';
const S3_SESSION_TOKEN =
  'IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQDexampleS3SessionToken42';
const S3_SIGNATURE =
  '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
const PULL_BASIC = Buffer.from('ci-bot:Layer-Fetch-S3cret').toString('base64');
const PRESIGNED_URL =
  'https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/6a1b-111111111111-7c2d/' +
  'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0' +
  `?X-Amz-Security-Token=${encodeURIComponent(S3_SESSION_TOKEN)}` +
  '&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260601T101500Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600' +
  `&X-Amz-Credential=${S3_KEY_ID}%2F20260601%2Feu-west-1%2Fs3%2Faws4_request` +
  `&X-Amz-Signature=${S3_SIGNATURE}`;
const STOPPED_REASON =
  `CannotPullContainerError: failed to copy: httpReadSeeker: failed open: failed to do request: Get "${PRESIGNED_URL}": ` +
  `dial tcp 52.218.0.1:443: i/o timeout (request headers: Authorization: Basic ${PULL_BASIC})`;

/** The demo, with the private and the echoing registry's services and the leaky stop reason. */
function scenario() {
  const document = demoScenario();
  const repository = (name: string) => ({
    name,
    private: true,
    images: [{ image: 'checkout-v40', tags: ['1.0'], pushedAt: '-3d' }],
  });
  document.registries!.push(
    {
      host: PRIVATE_REGISTRY,
      users: [{ username: REGISTRY_USER, password: REGISTRY_PASSWORD }],
      repositories: [repository('team/api')],
    },
    {
      // What the sandbox says ECS runs; the backend is pointed at the echo registry instead.
      host: ECHO_REGISTRY,
      users: [{ username: REGISTRY_USER, password: ECHO_PASSWORD }],
      repositories: [repository('team/worker')],
    },
  );
  const credentials =
    'arn:aws:secretsmanager:eu-west-1:111111111111:secret:registry-creds';
  document.taskDefinitions!.push(
    {
      family: 'private-api',
      revision: 1,
      containers: [
        {
          name: 'api',
          image: `${PRIVATE_REGISTRY}/team/api:1.0`,
          repositoryCredentials: credentials,
        },
      ],
    },
    {
      family: 'echo-worker',
      revision: 1,
      containers: [
        {
          name: 'worker',
          image: `${ECHO_REGISTRY}/team/worker:1.0`,
          repositoryCredentials: credentials,
        },
      ],
    },
  );
  const shop = document.clusters!.find(c => c.name === 'shop-prod')!;
  shop.services!.push(
    {
      name: 'private-api',
      desiredCount: 2,
      deployments: [
        {
          taskDefinition: 'private-api:1',
          createdAt: '-1d',
          runningCount: 1,
        },
      ],
      stoppedTasks: [
        {
          at: '-5m',
          count: 2,
          every: '2m',
          stopCode: 'TaskFailedToStart',
          stoppedReason: STOPPED_REASON,
        },
      ],
      events: [
        {
          at: '-4m',
          message: `(service private-api) failed to launch a task with (error ${STOPPED_REASON}).`,
        },
      ],
    },
    {
      name: 'echo-worker',
      desiredCount: 1,
      deployments: [{ taskDefinition: 'echo-worker:1', createdAt: '-1d' }],
    },
  );
  return document;
}

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'aws.amazon.com/amazon-ecs-service-arn': `arn:aws:ecs:eu-west-1:${SHOP}:service/shop-prod/${name}`,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  };
}

/** The secrets of the exchanges through the proxy: what the sandbox issued and what was sent. */
function issuedSecrets(exchanges: Exchange[]) {
  const found = {
    ecrTokens: [] as string[],
    registryTokens: [] as string[],
    stsCredentials: [] as string[],
    signatures: [] as string[],
    sentCredentials: [] as string[],
    blobLinks: [] as string[],
    assumedRoles: [] as string[],
  };
  for (const e of exchanges) {
    const target = String(e.requestHeaders['x-amz-target'] ?? '');
    const body = e.responseBody.toString('utf8');
    if (target.endsWith('.GetAuthorizationToken') && e.status === 200) {
      for (const data of JSON.parse(body).authorizationData ?? []) {
        const token: string = data.authorizationToken;
        const pair = Buffer.from(token, 'base64').toString('utf8');
        found.ecrTokens.push(token, pair.slice(pair.indexOf(':') + 1));
      }
    }
    if (/\/token(\?|$)/.test(e.path) && e.status === 200) {
      const answer = JSON.parse(body);
      found.registryTokens.push(answer.token, answer.access_token);
    }
    const form = new URLSearchParams(e.requestBody.toString('utf8'));
    if (form.get('Action') === 'AssumeRole') {
      found.assumedRoles.push(form.get('RoleArn') ?? '');
      for (const tag of ['SecretAccessKey', 'SessionToken', 'AccessKeyId']) {
        const value = new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(body)?.[1];
        if (value) found.stsCredentials.push(value);
      }
    }
    const authorization = String(e.requestHeaders.authorization ?? '');
    const signature = /Signature=([0-9a-f]{64})/.exec(authorization)?.[1];
    if (signature) found.signatures.push(signature);
    const sent = /^(?:Basic|Bearer)\s+(\S+)$/i.exec(authorization)?.[1];
    if (sent) found.sentCredentials.push(sent);
    const sessionToken = e.requestHeaders['x-amz-security-token'];
    if (typeof sessionToken === 'string')
      found.sentCredentials.push(sessionToken);
    const location = String(e.responseHeaders.location ?? '');
    const link = /\/blobstore\/([^?#]+)/.exec(location)?.[1];
    if (link) found.blobLinks.push(link, decodeURIComponent(link));
  }
  return found;
}

/** A secret the backend holds or was handed, by what it is. */
interface Secret {
  name: string;
  value: string;
}

// Signed URLs and Basic values, whatever their origin.
const SHAPES: Array<[string, RegExp]> = [
  ['a signed URL signature', /X-Amz-Signature=(?!\[redacted\])[0-9a-f]/i],
  ['a signed URL credential', /X-Amz-Credential=(?!\[redacted\])[A-Z0-9]/i],
  ['a signed URL session token', /X-Amz-Security-Token=(?!\[redacted\])\w/i],
  ['a Basic value', /\bBasic\s+(?!\[redacted\])[A-Za-z0-9+/]{8,}={0,2}/],
];

/** Where a secret or a credential-shaped value occurs: `what in <line start>: …<context>…`. */
function leaks(lines: string[], secrets: Secret[]): string[] {
  const out = new Set<string>();
  const report = (what: string, line: string, at: number, length: number) =>
    out.add(
      `${what} in ${line.slice(0, 40)}…: …${line.slice(
        Math.max(0, at - 60),
        at + length + 20,
      )}…`,
    );
  for (const line of lines) {
    for (const { name, value } of secrets) {
      const at = line.indexOf(value);
      if (at >= 0) report(name, line, at, value.length);
    }
    for (const [name, shape] of SHAPES) {
      const match = shape.exec(line);
      if (match) report(name, line, match.index, match[0].length);
    }
  }
  return [...out];
}

let sandbox: Sandbox;
let proxy: RecordingProxy;
let echo: EchoRegistry;
const savedStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: scenario() });
  proxy = await startRecordingProxy(sandbox.url);
  echo = await startEchoRegistry();
  // integration-aws-node has no STS endpoint setting; the SDK reads this variable.
  process.env.AWS_ENDPOINT_URL_STS = proxy.url;
}, 60_000);

afterAll(async () => {
  if (savedStsEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
  else process.env.AWS_ENDPOINT_URL_STS = savedStsEndpoint;
  await echo?.close();
  await proxy?.close();
  await sandbox?.stop();
});

describe.each(databases.eachSupportedId())(
  'no credential, token or signed URL in findings, logs or the database, on %s',
  databaseId => {
    let knex: Knex;
    let store: ReadinessStore;
    let logLines: () => string[];
    let issued: ReturnType<typeof issuedSecrets>;
    let secrets: Secret[];
    let summaries: string;
    let auditedAccounts: string[];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const exchangesBefore = proxy.exchanges.length;
      const recording = recordingLogger();
      logLines = recording.lines;
      const deps = await auditDeps({
        url: proxy.url,
        knex,
        logger: recording.logger,
        // The shop account's static keys are the main account's; the platform account is
        // reached by assuming its BackstageReadOnly role (temporary credentials from STS).
        aws: {
          mainAccount: {
            accessKeyId: keyOf(SHOP),
            secretAccessKey: SECRET_KEYS[SHOP],
          },
          accountDefaults: { roleName: 'BackstageReadOnly' },
          accounts: [SHOP, BILLING].map(accountId => ({
            accountId,
            accessKeyId: keyOf(accountId),
            secretAccessKey: SECRET_KEYS[accountId],
          })),
        },
        registries: {
          endpoints: {
            [PRIVATE_REGISTRY]: `${proxy.url}/registries/${PRIVATE_REGISTRY}`,
            [ECHO_REGISTRY]: echo.url,
          },
          credentials: {
            [PRIVATE_REGISTRY]: {
              username: REGISTRY_USER,
              password: REGISTRY_PASSWORD,
            },
            [ECHO_REGISTRY]: {
              username: REGISTRY_USER,
              password: ECHO_PASSWORD,
            },
          },
          allowedPrivateRegistries: [echo.host],
          insecureRegistries: [echo.host],
        },
        entities: [
          ...exampleEntities(),
          component('private-api'),
          component('echo-worker'),
        ],
      });
      store = deps.store;

      const runner = AuditRunner.create(deps);
      const audit = await runner.run();
      auditedAccounts = Object.keys(audit.errorsByAccount);
      const history = await HistoryIngester.create({
        ...deps,
        auditor: runner,
      }).run();
      summaries = JSON.stringify({ audit, history });

      issued = issuedSecrets(proxy.exchanges.slice(exchangesBefore));
      const pair = (password: string) => `${REGISTRY_USER}:${password}`;
      secrets = [
        ...Object.entries(SECRET_KEYS).map(([account, value]) => ({
          name: `the secret access key of ${account}`,
          value,
        })),
        ...[REGISTRY_PASSWORD, ECHO_PASSWORD].flatMap(password => [
          { name: 'a registry password', value: password },
          {
            name: "a registry password's Basic value",
            value: Buffer.from(pair(password)).toString('base64'),
          },
        ]),
        ...issued.ecrTokens.map(value => ({ name: 'an ECR token', value })),
        ...issued.registryTokens.map(value => ({
          name: 'a registry bearer token',
          value,
        })),
        ...issued.stsCredentials.map(value => ({
          name: 'an STS temporary credential',
          value,
        })),
        ...issued.signatures.map(value => ({
          name: 'a SigV4 signature',
          value,
        })),
        ...issued.sentCredentials.map(value => ({
          name: 'a credential sent to a registry or AWS',
          value,
        })),
        ...issued.blobLinks.map(value => ({
          name: 'a signed blob link',
          value,
        })),
        { name: 'the S3 URL signature', value: S3_SIGNATURE },
        { name: 'the S3 URL key id', value: S3_KEY_ID },
        { name: 'the S3 URL session token', value: S3_SESSION_TOKEN },
        {
          name: 'the S3 URL session token (URL-encoded)',
          value: encodeURIComponent(S3_SESSION_TOKEN),
        },
        { name: "the stop reason's Basic value", value: PULL_BASIC },
      ].filter(s => s.value && s.value.length >= 8);
    });

    it('was handed every kind of secret it checks for', async () => {
      // Only the demo's denied account failed: the platform account's role was assumed.
      expect(auditedAccounts).toEqual([BILLING]);
      expect(issued.assumedRoles).toContain(
        `arn:aws:iam::${PLATFORM}:role/BackstageReadOnly`,
      );
      expect(issued.ecrTokens.length).toBeGreaterThan(0);
      expect(issued.registryTokens.length).toBeGreaterThan(0);
      expect(issued.stsCredentials.length).toBeGreaterThanOrEqual(3);
      expect(issued.signatures.length).toBeGreaterThan(0);
      expect(issued.blobLinks.length).toBeGreaterThan(0);
      expect(echo.authorizations.length).toBeGreaterThan(0);
      // The private registry let the audit in: its image was resolved, not refused.
      const [privateApi] = await servicesOf(store, 'private-api');
      expect(privateApi.details.images).toEqual([
        expect.objectContaining({ resolvedDigest: expect.any(String) }),
      ]);
      // The echoing registry's error, credentials and all, reached a finding.
      const [echoWorker] = await servicesOf(store, 'echo-worker');
      expect(JSON.stringify(echoWorker.findings)).toContain(
        'requested access to the resource is denied',
      );
    });

    it('keeps them out of every finding and run summary', async () => {
      const { items } = await store.listEntityReports({ limit: 1000 });
      const services = await store.getServiceReports(
        items.flatMap(e => e.serviceArns),
      );
      const findings = [...items, ...services].map(
        r =>
          `${'serviceArn' in r ? r.serviceArn : r.entityRef}: ${JSON.stringify(
            r.findings,
          )} ${JSON.stringify(r.staleErrors)}`,
      );
      expect(findings.length).toBeGreaterThan(20);
      expect(leaks([...findings, summaries], secrets)).toEqual([]);
    });

    it('keeps them out of every log line', () => {
      expect(logLines().length).toBeGreaterThan(0);
      expect(leaks(logLines(), secrets)).toEqual([]);
    });

    it('keeps them out of every row of every table', async () => {
      const rows = await dumpDatabase(knex);
      expect(rows.length).toBeGreaterThan(50);
      expect(leaks(rows, secrets)).toEqual([]);
    });

    it('stores the stop reason of a failed pull without its signed URL or Authorization value', async () => {
      const [privateApi] = await servicesOf(store, 'private-api');
      const { items } = await store.listPullErrors({
        serviceArn: privateApi.serviceArn,
        limit: 50,
      });
      expect(items.length).toBeGreaterThan(0);
      for (const error of items) {
        // Stored, and still says what happened.
        expect(error.message).toContain('CannotPullContainerError');
        expect(error.message).toContain(
          'prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com',
        );
        expect(error.message).toContain('i/o timeout');
      }
      expect(
        leaks(
          items.map(e => `pull error ${e.id}: ${JSON.stringify(e)}`),
          secrets,
        ),
      ).toEqual([]);
    });
  },
);

async function servicesOf(store: ReadinessStore, name: string) {
  const entity = await store.getEntityReport(`component:default/${name}`);
  expect(entity).toBeDefined();
  return store.getServiceReports(entity!.serviceArns);
}
