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
  createServiceFactory,
  type BackstageCredentials,
  type BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  type CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CHECK_IDS,
  classifyPullError,
  diagnosePullError,
  type Finding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { parse } from 'yaml';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { rollupEntity } from '../audit/report';
import { ecsDeployReadinessPlugin } from '../plugin';
import { spec } from '../schema/openapi.generated';
import { DatabaseReadinessStore } from '../store/DatabaseReadinessStore';

const BASE = '/api/ecs-deploy-readiness';
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const arn = (name: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/${name}`;
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;

// Mallory may read every entity but `secret`; carol may read all but not audit.
const MALLORY = 'user:default/mallory';
const CAROL = 'user:default/carol';
const ALICE = 'user:default/alice';

function component(
  name: string,
  extra: { title?: string; owner?: string; system?: string } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(extra.title && { title: extra.title }),
      annotations: { 'aws.amazon.com/amazon-ecs-service-arn': arn(name) },
    },
    spec: { type: 'service', lifecycle: 'production', owner: extra.owner },
  };
}

const HOSTILE_TITLE = '=HYPERLINK("x"), "the" web';
const entities = [
  component('web', {
    title: HOSTILE_TITLE,
    owner: 'team-a',
    system: 'shop',
  }),
  component('api', { owner: 'team-b', system: 'shop' }),
  component('secret', { owner: 'team-a' }),
];

const platformMissing: Finding = {
  id: 'platform-missing',
  severity: 'blocking',
  title: 'The image has no linux/amd64 variant',
  evidence: { required: 'linux/amd64', present: ['linux/arm64'] },
  fixKey: 'platform-missing',
  fixVars: {
    image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.0`,
    platform: 'linux/amd64',
  },
  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.0`,
  container: 'app',
};
const mutableTag: Finding = {
  id: 'mutable-tag-reference',
  severity: 'risk',
  title: 'The task definition names a mutable tag',
  evidence: { tag: 'latest' },
  fixKey: 'mutable-tag-reference',
  fixVars: {},
  container: 'app',
};
const PLATFORM_MESSAGE =
  "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'";

/** The catalog as each user sees it: mallory cannot read `secret`. */
function catalogFor(all: Entity[]) {
  const mock = catalogServiceMock({ entities: all });
  const hidden = (credentials: BackstageCredentials, ref: string) =>
    (credentials.principal as BackstageUserPrincipal).userEntityRef ===
      MALLORY && ref.toLocaleLowerCase('en-US').endsWith('/secret');
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: (): CatalogService =>
      ({
        ...mock,
        getEntityByRef: async (ref: any, options: any) =>
          hidden(options.credentials, String(ref))
            ? undefined
            : mock.getEntityByRef(ref, options),
        getEntitiesByRefs: async (req: any, options: any) => {
          const result = await mock.getEntitiesByRefs(req, options);
          return {
            items: result.items.map((e, i) =>
              hidden(options.credentials, req.entityRefs[i]) ? null : e,
            ),
          };
        },
      } as CatalogService),
  });
}

const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) =>
    requests.map(() => ({
      result:
        (options.credentials.principal as BackstageUserPrincipal)
          .userEntityRef === CAROL
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })),
  authorizeConditional: async (requests, options) =>
    requests.map(() =>
      (options.credentials.principal as BackstageUserPrincipal)
        .userEntityRef === MALLORY
        ? ({
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'IS_ENTITY_OWNER',
              resourceType: 'catalog-entity',
              params: { claims: [MALLORY] },
            },
          } as any)
        : { result: AuthorizeResult.ALLOW },
    ),
});

async function seed(knex: Knex) {
  const store = await DatabaseReadinessStore.create({
    database: mockServices.database({ knex }),
    logger: mockServices.logger.mock(),
  });
  await store.replaceLinks({
    links: ['web', 'api', 'secret'].map(name => ({
      entityRef: `component:default/${name}`,
      serviceArn: arn(name),
      accountId: ACCOUNT,
      region: REGION,
      serviceName: name,
      via: 'arn-annotation',
    })),
    linkErrors: [],
    entities: [
      {
        entityRef: 'component:default/web',
        kind: 'Component',
        namespace: 'default',
        name: 'web',
        title: HOSTILE_TITLE,
        owner: 'group:default/team-a',
        system: 'system:default/shop',
      },
      {
        entityRef: 'component:default/api',
        kind: 'Component',
        namespace: 'default',
        name: 'api',
        owner: 'group:default/team-b',
        system: 'system:default/shop',
      },
      {
        entityRef: 'component:default/secret',
        kind: 'Component',
        namespace: 'default',
        name: 'secret',
        owner: 'group:default/team-a',
      },
    ],
  });
  const runId = await store.startAuditRun({
    trigger: 'schedule',
    shard: { accountId: ACCOUNT, region: REGION },
  });
  const reports = {
    web: {
      status: 'blocked' as const,
      findings: [mutableTag, platformMissing],
    },
    api: { status: 'ready' as const, findings: [] },
    secret: { status: 'at-risk' as const, findings: [mutableTag] },
  };
  for (const [name, { status, findings }] of Object.entries(reports)) {
    await store.upsertServiceReport(
      {
        serviceArn: arn(name),
        accountId: ACCOUNT,
        region: REGION,
        clusterArn: CLUSTER,
        status,
        findings,
        details: {
          serviceName: name,
          taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:3`,
          platform: 'linux/amd64',
          deployments: [
            {
              id: `ecs-svc/${name}`,
              status: 'PRIMARY',
              rolloutState: status === 'blocked' ? 'FAILED' : 'COMPLETED',
              desiredCount: 2,
              runningCount: status === 'blocked' ? 0 : 2,
            },
          ],
          images: [
            {
              container: 'app',
              image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}:1.0`,
              deployedDigests: [`sha256:${'a'.repeat(64)}`],
            },
          ],
        },
      },
      { auditRunId: runId },
    );
    await store.upsertEntityReport(
      rollupEntity({
        entityRef: `component:default/${name}`,
        serviceArns: [arn(name)],
        statuses: new Map([[arn(name), status]]),
        findings: [],
      }),
      { auditRunId: runId },
    );
  }
  await store.finishAuditRun(runId, {
    status: 'succeeded',
    servicesAudited: 3,
    entitiesAudited: 3,
    callsByApi: {},
    cacheHits: 0,
    cacheMisses: 0,
    errorsByAccount: {},
  });
  // ECS's history of web: the newest deployment was rolled back by a failing lifecycle hook.
  await store.upsertServiceDeployments([
    {
      deploymentArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/prod/web/new`,
      serviceArn: arn('web'),
      accountId: ACCOUNT,
      region: REGION,
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason:
        'Service deployment rolled back because lifecycle hook ecs-deploy-gate at PRE_SCALE_UP returned FAILED.',
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:4`,
      details: {},
      createdAt: new Date(Date.now() - 3600_000),
      finishedAt: new Date(Date.now() - 3000_000),
    },
  ]);
  const message = classifyPullError(PLATFORM_MESSAGE);
  // As the audit stores it: decided by the service's platform-missing finding.
  const classified = {
    ...message,
    diagnosis: diagnosePullError(message, [platformMissing], {
      container: 'app',
    }),
  };
  const now = Date.now();
  await store.addPullErrors(
    [0, 1, 2].map(i => ({
      taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${'0'.repeat(
        31,
      )}${i}`,
      container: 'app',
      serviceArn: arn('web'),
      accountId: ACCOUNT,
      region: REGION,
      message: PLATFORM_MESSAGE,
      classified,
      occurredAt: new Date(now - (i * 24 + 1) * 3600_000),
    })),
  );
  return store;
}

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

describe.each(databases.eachSupportedId())('the HTTP API (%s)', databaseId => {
  let server: any;
  let knex: Knex;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    await seed(knex);
    ({ server } = await startTestBackend({
      features: [
        ecsDeployReadinessPlugin,
        mockServices.scheduler.mock().factory,
        mockServices.database.factory({ knex }),
        catalogFor(entities),
        permissions.factory,
        // Without a token a request has no principal, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            aws: {
              accounts: [
                {
                  accountId: ACCOUNT,
                  accessKeyId: 'AKIAEXAMPLE',
                  secretAccessKey: 'x',
                },
              ],
            },
            ecsDeployReadiness: {
              // Nothing answers there: a manual audit fails fast, recorded.
              aws: { endpoint: 'http://127.0.0.1:9', maxAttempts: 1 },
            },
          },
        }),
      ],
    }));
  }, 60_000);

  const get = async (path: string, user: string | null = ALICE) => {
    const req = request(server).get(`${BASE}${path}`);
    if (user) req.set('authorization', mockCredentials.user.header(user));
    const response = await req;
    expectMatchesSpec('GET', path, response);
    return response;
  };

  it('serves the readiness of an entity: status, services, containers, findings worst first with their fix and confirmation', async () => {
    const response = await get('/entities/component/default/web/readiness');

    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({
      entityRef: 'component:default/web',
      title: HOSTILE_TITLE,
      status: 'blocked',
      stale: false,
      counts: { blocking: 1, risk: 1, info: 0 },
      serviceCounts: { blocked: 1 },
      pullErrors: { last30Days: 3 },
    });
    expect(body.lastAudited).toEqual(expect.any(String));
    const [service] = body.services;
    expect(service).toMatchObject({
      serviceArn: arn('web'),
      serviceName: 'web',
      status: 'blocked',
      platform: 'linux/amd64',
      deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED' }],
      containers: [
        {
          name: 'app',
          image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.0`,
          deployedDigest: `sha256:${'a'.repeat(64)}`,
        },
      ],
    });
    expect(service.findings.map((f: Finding) => f.id)).toEqual([
      'platform-missing',
      'mutable-tag-reference',
    ]);
    const [blocking, risk] = service.findings;
    // The fix, rendered from fixKey and fixVars, with the image filled in.
    expect(blocking.fix.title).toEqual(expect.any(String));
    expect(blocking.fix.steps.length).toBeGreaterThan(0);
    expect(JSON.stringify(blocking.fix)).toContain('linux/amd64');
    expect(blocking.fix.docs[0].url).toMatch(/^https:\/\//);
    // Three real pull failures of the platform-mismatch category confirm it; none the other.
    expect(blocking.confirmedBy).toMatchObject({
      count: 3,
      categories: ['platform-mismatch'],
    });
    expect(risk.confirmedBy).toBeUndefined();
    // ECS's own history of the service's deployments, with the reason of a rollback.
    expect(service.recentDeployments).toEqual([
      expect.objectContaining({
        status: 'ROLLBACK_SUCCESSFUL',
        statusReason: expect.stringContaining('ecs-deploy-gate'),
      }),
    ]);
  });

  it('answers 401 without credentials on every route but /health', async () => {
    for (const path of [
      '/entities/component/default/web/readiness',
      '/entities/component/default/web/pull-errors',
      '/runs/1',
      '/scorecard',
      '/scorecard.csv',
      '/scorecard/trend',
      '/checks',
    ]) {
      const response = await get(path, null);
      expect([path, response.status]).toEqual([path, 401]);
    }
    expect((await get('/health', null)).status).toBe(200);
  });

  it('answers 404 alike for a missing entity and one the caller cannot read', async () => {
    const missing = await get('/entities/component/default/nope/readiness');
    const hidden = await get(
      '/entities/component/default/secret/readiness',
      MALLORY,
    );
    const visible = await get(
      '/entities/component/default/secret/readiness',
      ALICE,
    );

    expect(missing.status).toBe(404);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.name).toBe(missing.body.error.name);
    expect(hidden.body.error.message).toBe(
      missing.body.error.message.replace('nope', 'secret'),
    );
    expect(visible.status).toBe(200);
    expect(
      (await get('/entities/component/default/secret/pull-errors', MALLORY))
        .status,
    ).toBe(404);
  });

  it('answers 400 naming the parameter for bad input, never 500', async () => {
    const cases: Array<[string, string]> = [
      ['/entities/componnt/default/web/readiness', 'kind'],
      ['/entities/component/default/web/pull-errors?limit=0', 'limit'],
      ['/entities/component/default/web/pull-errors?limit=501', 'limit'],
      ['/entities/component/default/web/pull-errors?limit=ten', 'limit'],
      ['/entities/component/default/web/pull-errors?cursor=garbage', 'cursor'],
      ['/entities/component/default/web/pull-errors?since=yesterday', 'since'],
      [
        '/entities/component/default/web/pull-errors?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z',
        'since',
      ],
      ['/entities/component/default/web/pull-errors?category=nope', 'category'],
      ['/scorecard?status=broken', 'status'],
      ['/scorecard?limit=100000', 'limit'],
      ['/scorecard?sort=colour', 'sort'],
      ['/scorecard?cursor=not-a-cursor', 'cursor'],
      ['/scorecard?owner=group:', 'owner'],
      ['/scorecard?unknown=1', 'unknown'],
      ['/scorecard/trend?days=0', 'days'],
      ['/runs/abc', 'id'],
    ];
    for (const [path, parameter] of cases) {
      const response = await get(path);
      expect([path, response.status]).toEqual([path, 400]);
      expect(response.body.error.message).toContain(parameter);
    }
  });

  it('pages pull errors newest first, each exactly once, with counts per day and category', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let times: string[] = [];
    do {
      const response = await get(
        `/entities/component/default/web/pull-errors?limit=1${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((i: { id: number }) => i.id));
      times.push(...response.body.items.map((i: any) => i.occurredAt));
      expect(response.body.counts).toHaveLength(3);
      cursor = response.body.nextCursor;
    } while (cursor);

    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(times).toEqual([...times].sort().reverse());
    const first = await get('/entities/component/default/web/pull-errors');
    expect(first.body.items[0]).toMatchObject({
      category: 'platform-mismatch',
      fixKey: 'platform-missing',
      fix: { title: expect.any(String) },
      diagnosis: {
        decidedBy: 'evidence',
        confidence: 'high',
        evidence: [{ checkId: 'platform-missing' }],
        statement:
          'When this task stopped, the audit found: The image has no linux/amd64 variant.',
      },
    });
    // The fix is the finding's, tailored with the image.
    expect(JSON.stringify(first.body.items[0].fix)).toContain('web:1.0');
    const filtered = await get(
      '/entities/component/default/web/pull-errors?category=rate-limited',
    );
    expect(filtered.body).toMatchObject({ items: [], counts: [] });
    times = [];
  });

  it('lists the scorecard with totals, filters, sorting and cursors that visit every row once', async () => {
    const all = await get('/scorecard');
    expect(all.status).toBe(200);
    expect(all.body.totals).toEqual({
      blocked: 1,
      'at-risk': 1,
      ready: 1,
      unknown: 0,
      total: 3,
    });
    // Worst first by default.
    expect(all.body.items.map((r: any) => r.name)).toEqual([
      'web',
      'secret',
      'api',
    ]);
    expect(all.body.items[0]).toMatchObject({
      entityRef: 'component:default/web',
      owner: 'group:default/team-a',
      system: 'system:default/shop',
      counts: { blocking: 1, risk: 1, info: 0 },
      services: 1,
      stale: false,
      lastPullFailure: expect.any(String),
      lastAudited: expect.any(String),
    });

    const byOwner = await get('/scorecard?owner=team-a&sort=name&order=desc');
    expect(byOwner.body.items.map((r: any) => r.name)).toEqual([
      'web',
      'secret',
    ]);
    expect(byOwner.body.totals.total).toBe(2);
    // An entity ref typed into a URL as it is, colon and slash unencoded.
    const byRef = await get('/scorecard?owner=group:default/team-b');
    expect(byRef.body.items.map((r: any) => r.name)).toEqual(['api']);
    const blocked = await get('/scorecard?status=blocked&status=at-risk&q=WE');
    expect(blocked.body.items.map((r: any) => r.name)).toEqual(['web']);

    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(
        `/scorecard?limit=1&sort=owner${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      names.push(...page.body.items.map((r: any) => r.name));
      expect(page.body.totals.total).toBe(3);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(names.sort()).toEqual(['api', 'secret', 'web']);
  });

  it('leaves entities the caller cannot read out of the scorecard, its totals, its CSV and its trend', async () => {
    const page = await get('/scorecard', MALLORY);
    expect(page.body.items.map((r: any) => r.name)).toEqual(['web', 'api']);
    expect(page.body.totals).toMatchObject({ 'at-risk': 0, total: 2 });

    const csv = await get('/scorecard.csv', MALLORY);
    expect(csv.text).not.toContain('secret');
    expect(csv.text.trim().split('\r\n')).toHaveLength(3);

    const trend = await get('/scorecard/trend?days=3', MALLORY);
    const today = trend.body.days[trend.body.days.length - 1];
    expect(trend.body.days).toHaveLength(3);
    expect(today).toMatchObject({ blocked: 1, 'at-risk': 0, ready: 1 });
    const everyone = await get('/scorecard/trend?days=3', ALICE);
    expect(everyone.body.days[2]).toMatchObject({ 'at-risk': 1 });
  });

  it('exports the scorecard as CSV, escaping commas, quotes and formulas', async () => {
    const response = await get('/scorecard.csv?sort=name');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(
      /attachment; filename="ecs-deploy-readiness-\d{4}-\d\d-\d\d\.csv"/,
    );
    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe(
      'entity_ref,kind,namespace,name,title,owner,system,status,stale,blocking,risk,info,services,last_pull_failure,last_audited,status_since',
    );
    const web = lines.find(l => l.startsWith('component:default/web,'))!;
    // The title starts with "=": prefixed with a quote, then quoted for its commas and quotes.
    expect(web).toContain(`,"'=HYPERLINK(""x""), ""the"" web",`);
    expect(lines).toHaveLength(5); // header, three rows, and the last line's end
  });

  it('serves the check catalogue', async () => {
    const response = await get('/checks');

    expect(response.status).toBe(200);
    expect(response.body.checks.map((c: any) => c.id)).toEqual([...CHECK_IDS]);
    expect(
      response.body.categories.find((c: any) => c.id === 'platform-mismatch')
        .confirmedBy,
    ).toContain('platform-missing');
  });

  it('starts a manual audit behind its permission, rate-limited per entity, and serves its progress', async () => {
    const post = async (name: string, user: string) => {
      const path = `/entities/component/default/${name}/audit`;
      const response = await request(server)
        .post(`${BASE}${path}`)
        .set('authorization', mockCredentials.user.header(user));
      expectMatchesSpec('POST', path, response);
      return response;
    };

    const denied = await post('api', CAROL);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      'ecs-deploy-readiness.audit.run',
    );
    expect((await post('secret', MALLORY)).status).toBe(404);

    const first = await post('api', ALICE);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      id: expect.any(Number),
      trigger: 'manual',
      entityRef: 'component:default/api',
      servicesTotal: 1,
    });
    expect(first.body.deduplicated).toBeUndefined();
    const second = await post('api', ALICE);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({
      id: first.body.id,
      deduplicated: true,
    });

    // The stand-in endpoint refuses connections: the run ends with the account's error.
    let run: any;
    for (let i = 0; i < 100; i++) {
      run = (await get(`/runs/${first.body.id}`)).body;
      if (run.status !== 'running') break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(run).toMatchObject({ id: first.body.id, status: 'partial' });
    expect(run.errorsByAccount[ACCOUNT]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: expect.any(String) }),
      ]),
    );
    // Still within the window once it ended: the same run.
    expect((await post('api', ALICE)).body.id).toBe(first.body.id);

    // A run of an entity the caller cannot read is not theirs to see.
    const secretRun = await post('secret', ALICE);
    expect((await get(`/runs/${secretRun.body.id}`, MALLORY)).status).toBe(404);
    expect((await get('/runs/999999')).status).toBe(404);
  });

  describe("the deployment gate's decisions", () => {
    const deploymentArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/prod/web/new`;
    /** A report as packages/ecs-deploy-gate sends it (docs/deployment-gate.md). */
    const report = (overrides: Record<string, unknown> = {}) => ({
      schemaVersion: 1,
      serviceArn: arn('web'),
      serviceDeploymentArn: deploymentArn,
      targetServiceRevisionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/prod/web/4`,
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:4`,
      lifecycleStage: 'PRE_SCALE_UP',
      executionId: 'e8d5a28f-0000-4000-8000-000000000001',
      hookStatus: 'FAILED',
      decision: 'blocked',
      readiness: 'blocked',
      cause:
        'container app: No linux/amd64 image in the index (it has linux/arm64)',
      fix: 'Rebuild for linux/amd64: docker buildx build --platform linux/amd64 --provenance=false --push',
      findings: [
        {
          check: 'platform-missing',
          severity: 'blocking',
          container: 'app',
          image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.1`,
          title: 'No linux/amd64 image in the index (it has linux/arm64)',
          fix: 'Rebuild for linux/amd64',
          // A newer gate's property: ignored, not refused.
          confidence: 'high',
        },
      ],
      decidedAt: new Date(Date.now() - 3500_000).toISOString(),
      ...overrides,
    });
    const post = async (body: unknown, header: string | null) => {
      const req = request(server)
        .post(`${BASE}/gate-decisions`)
        .send(body as object);
      if (header) req.set('authorization', header);
      const response = await req;
      expectMatchesSpec('POST', '/gate-decisions', response);
      return response;
    };

    it("stores a report from a service once, and the card's readiness names the deployment it stopped", async () => {
      const service = mockCredentials.service.header();
      const first = await post(report(), service);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(Number),
        created: true,
        entityRefs: ['component:default/web'],
      });
      // The gate retried (its answer to ECS timed out, say): the same decision, stored once.
      const again = await post(report(), service);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, created: false });

      const readiness = await get('/entities/component/default/web/readiness');
      const [web] = readiness.body.services;
      const decision = {
        serviceArn: arn('web'),
        serviceDeploymentArn: deploymentArn,
        taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:4`,
        hookStatus: 'FAILED',
        decision: 'blocked',
        cause:
          'container app: No linux/amd64 image in the index (it has linux/arm64)',
        findings: [
          expect.not.objectContaining({ confidence: expect.anything() }),
        ],
      };
      expect(web.gateDecisions).toEqual([expect.objectContaining(decision)]);
      // The rolled-back deployment of ECS's history carries the gate's decision.
      expect(web.recentDeployments).toEqual([
        expect.objectContaining({
          deploymentArn,
          status: 'ROLLBACK_SUCCESSFUL',
          gateDecision: expect.objectContaining(decision),
        }),
      ]);
      // Other entities' services are untouched.
      const api = await get('/entities/component/default/api/readiness');
      expect(api.body.services[0].gateDecisions).toEqual([]);
    });

    it('keeps a decision for a service not linked yet, with no entity to show it', async () => {
      const response = await post(
        report({
          serviceArn: arn('not-linked'),
          serviceDeploymentArn: undefined,
          executionId: undefined,
        }),
        mockCredentials.service.header(),
      );
      expect(response.status).toBe(201);
      expect(response.body.entityRefs).toEqual([]);
    });

    it('refuses users (403), anonymous callers (401) and malformed reports (400), storing nothing', async () => {
      const before = await knex('gate_decisions').count({ n: '*' });
      expect((await post(report(), null)).status).toBe(401);
      expect(
        (await post(report(), mockCredentials.user.header(ALICE))).status,
      ).toBe(403);
      for (const bad of [
        {},
        report({ schemaVersion: 2 }),
        report({ serviceArn: 'web' }),
        report({ hookStatus: 'IN_PROGRESS' }),
        report({ decidedAt: 'yesterday' }),
        report({ findings: 'none' }),
        report({ cause: 'x'.repeat(5000) }),
        report({
          findings: Array.from({ length: 21 }, () => report().findings[0]),
        }),
      ]) {
        const response = await post(bad, mockCredentials.service.header());
        expect([JSON.stringify(bad).slice(0, 80), response.status]).toEqual([
          JSON.stringify(bad).slice(0, 80),
          400,
        ]);
      }
      expect(await knex('gate_decisions').count({ n: '*' })).toEqual(before);
    });
  });

  it('answers service callers too', async () => {
    const response = await request(server)
      .get(`${BASE}/scorecard`)
      .set('authorization', mockCredentials.service.header());
    expect(response.status).toBe(200);
    expect(response.body.totals.total).toBe(3);
  });
});

describe('the OpenAPI document', () => {
  it('is what src/schema/openapi.generated.ts serves (run yarn generate:openapi after editing it)', () => {
    const yaml = parse(
      readFileSync(join(__dirname, '../schema/openapi.yaml'), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(spec))).toEqual(yaml);
  });
});
