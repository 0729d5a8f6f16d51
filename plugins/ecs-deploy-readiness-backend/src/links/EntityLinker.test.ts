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

import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { fixFor } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { EntityLinker } from './EntityLinker';
import type { LinkAccounts, ResolveTags, TagResolution } from './types';

const CHECKOUT =
  'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/checkout-api';
const ORDERS = 'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/orders';
const AUTOTAG = 'arn:aws:ecs:us-east-1:222222222222:service/tools/autotag';
const BILLING =
  'arn:aws:ecs:eu-west-1:333333333333:service/billing/billing-api';

const accounts: LinkAccounts = {
  isKnown: id => id === '111111111111' || id === '222222222222',
  regions: ['eu-west-1', 'us-east-1'],
};

const SEARCHED = [
  { accountId: '111111111111', region: 'eu-west-1' },
  { accountId: '111111111111', region: 'us-east-1' },
];

function entity(
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  extra: Partial<Entity> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team', lifecycle: 'production' },
    ...extra,
  };
}

const component = (name: string, annotations: Record<string, string> = {}) =>
  entity('Component', name, annotations);

/** A Resource as AWS's catalog module ingests it, with the relations the catalog adds. */
function ecsResource(
  name: string,
  arn: string | undefined,
  dependents: string[] = [],
) {
  return entity(
    'Resource',
    name,
    arn === undefined ? {} : { 'aws.amazon.com/arn': arn },
    {
      spec: { type: 'ecs-service', owner: 'unknown' },
      relations: [
        ...dependents.map(targetRef => ({ type: 'dependencyOf', targetRef })),
        { type: 'ownedBy', targetRef: 'group:default/unknown' },
      ],
    },
  );
}

function linker(
  entities: Entity[],
  resolveTags: ResolveTags = async () => ({
    serviceArns: [],
    searched: SEARCHED,
  }),
  pageSize?: number,
) {
  return EntityLinker.create({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    accounts,
    resolveTags,
    pageSize,
  });
}

describe('EntityLinker', () => {
  it('links an ARN annotation, and several ARNs separated by commas', async () => {
    const result = await linker([
      component('checkout-api', {
        'aws.amazon.com/amazon-ecs-service-arn': CHECKOUT,
      }),
      entity('System', 'tools', {
        'aws.amazon.com/amazon-ecs-service-arn': ` ${ORDERS} , ${AUTOTAG}`,
      }),
    ]).linkAll();
    expect(result.errors).toEqual([]);
    expect(result.links).toEqual([
      {
        entityRef: 'component:default/checkout-api',
        serviceArn: CHECKOUT,
        accountId: '111111111111',
        region: 'eu-west-1',
        cluster: 'shop-prod',
        serviceName: 'checkout-api',
        via: 'arn-annotation',
      },
      expect.objectContaining({
        entityRef: 'system:default/tools',
        serviceArn: ORDERS,
        via: 'arn-annotation',
      }),
      expect.objectContaining({
        entityRef: 'system:default/tools',
        serviceArn: AUTOTAG,
        region: 'us-east-1',
        cluster: 'tools',
        serviceName: 'autotag',
      }),
    ]);
  });

  it('reads only entities with a link (the catalog filter), in pages', async () => {
    const entities = [
      ...Array.from({ length: 7 }, (_, i) =>
        component(`svc-${i}`, {
          'aws.amazon.com/amazon-ecs-service-arn': `arn:aws:ecs:eu-west-1:111111111111:service/c/svc-${i}`,
        }),
      ),
      component('no-link'),
      entity(
        'Resource',
        'bucket',
        { 'aws.amazon.com/arn': 'arn:aws:s3:::b' },
        {
          spec: { type: 's3-bucket', owner: 'x' },
        },
      ),
    ];
    const catalog = catalogServiceMock({ entities });
    const queryEntities = jest.spyOn(catalog, 'queryEntities');
    const result = await EntityLinker.create({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      accounts,
      resolveTags: jest.fn(),
      pageSize: 3,
    }).linkAll();
    expect(result.entitiesRead).toBe(7);
    expect(result.links).toHaveLength(7);
    expect(result.errors).toEqual([]);
    expect(queryEntities).toHaveBeenCalledTimes(3);
    expect(queryEntities.mock.calls[0][0]).toEqual(
      expect.objectContaining({
        limit: 3,
        fields: expect.arrayContaining(['metadata.annotations', 'relations']),
      }),
    );
    // The plugin's own credentials, not a user's.
    expect(queryEntities.mock.calls[0][1]).toEqual({
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
    });
  });

  it('links by tags, resolving each distinct query once', async () => {
    const resolveTags = jest.fn<
      Promise<TagResolution>,
      Parameters<ResolveTags>
    >(async () => ({ serviceArns: [ORDERS], searched: SEARCHED }));
    const result = await linker(
      [
        entity('Component', 'orders', {
          'aws.amazon.com/amazon-ecs-service-tags': 'app=orders,env=production',
        }),
        entity('API', 'orders-api', {
          'aws.amazon.com/amazon-ecs-service-tags':
            'env=production, app=orders',
        }),
      ],
      resolveTags,
    ).linkAll();
    expect(resolveTags).toHaveBeenCalledTimes(1);
    expect(resolveTags.mock.calls[0][0].filters).toEqual([
      { key: 'app', values: ['orders'] },
      { key: 'env', values: ['production'] },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.links.map(l => [l.entityRef, l.serviceArn, l.via])).toEqual([
      ['api:default/orders-api', ORDERS, 'tags'],
      ['component:default/orders', ORDERS, 'tags'],
    ]);
  });

  it('links an ecs-service Resource and the entities that depend on it', async () => {
    const result = await linker([
      ecsResource('checkout-api-service', CHECKOUT, [
        'component:default/checkout-api',
        'component:default/checkout-worker',
      ]),
    ]).linkAll();
    expect(result.errors).toEqual([]);
    expect(result.links.map(l => [l.entityRef, l.via, l.resourceRef])).toEqual([
      [
        'component:default/checkout-api',
        'depends-on',
        'resource:default/checkout-api-service',
      ],
      [
        'component:default/checkout-worker',
        'depends-on',
        'resource:default/checkout-api-service',
      ],
      ['resource:default/checkout-api-service', 'resource', undefined],
    ]);
    expect(result.links.every(l => l.serviceArn === CHECKOUT)).toBe(true);
  });

  it('counts an entity linked to the same service twice once, by its most direct link', async () => {
    const resolveTags: ResolveTags = async () => ({
      serviceArns: [CHECKOUT, ORDERS],
      searched: SEARCHED,
    });
    const result = await linker(
      [
        component('checkout-api', {
          'aws.amazon.com/amazon-ecs-service-arn': `${CHECKOUT},${CHECKOUT}`,
          'aws.amazon.com/amazon-ecs-service-tags': 'app=shop',
        }),
        ecsResource('checkout-api-service', CHECKOUT, [
          'component:default/checkout-api',
        ]),
        ecsResource('orders-service', ORDERS, [
          'component:default/checkout-api',
        ]),
      ],
      resolveTags,
    ).linkAll();
    expect(result.errors).toEqual([]);
    const mine = result.links.filter(
      l => l.entityRef === 'component:default/checkout-api',
    );
    expect(mine.map(l => [l.serviceArn, l.via])).toEqual([
      [CHECKOUT, 'arn-annotation'],
      [ORDERS, 'tags'],
    ]);
  });

  it('reports a malformed ARN as a link error and keeps the good ones', async () => {
    const value = `${CHECKOUT},,arn:aws:ecs:eu-west-1:111111111111:cluster/shop-prod`;
    const result = await linker([
      component('checkout-api', {
        'aws.amazon.com/amazon-ecs-service-arn': value,
      }),
    ]).linkAll();
    expect(result.links.map(l => l.serviceArn)).toEqual([CHECKOUT]);
    expect(result.errors).toEqual([
      {
        entityRef: 'component:default/checkout-api',
        finding: expect.objectContaining({
          id: 'link-error',
          severity: 'risk',
          fixKey: 'link-error',
          evidence: expect.objectContaining({
            annotation: 'aws.amazon.com/amazon-ecs-service-arn',
            value,
            position: 2,
            reason: expect.stringContaining('is empty'),
          }),
        }),
      },
      {
        entityRef: 'component:default/checkout-api',
        finding: expect.objectContaining({
          evidence: expect.objectContaining({
            position: 3,
            reason: 'this is the ARN of a cluster, not of a service',
          }),
        }),
      },
    ]);
  });

  it('reports an ARN in an account without credentials, with the account to add', async () => {
    const result = await linker([
      component('billing-api', {
        'aws.amazon.com/amazon-ecs-service-arn': BILLING,
      }),
    ]).linkAll();
    expect(result.links).toEqual([]);
    expect(result.errors).toHaveLength(1);
    const { finding } = result.errors[0];
    expect(finding.title).toBe(
      'No AWS credentials for account 333333333333 (ECS service billing-api)',
    );
    expect(finding.evidence).toEqual(
      expect.objectContaining({
        serviceArn: BILLING,
        accountId: '333333333333',
        reason: expect.stringContaining('aws.accounts'),
      }),
    );
    expect(finding.fixVars).toEqual({
      accountId: '333333333333',
      region: 'eu-west-1',
    });
    const fix = fixFor(finding.fixKey, finding.fixVars);
    expect(fix.title).toContain('account 333333333333');
    expect(fix.steps.map(s => s.command).join('\n')).toContain(
      "accountId: '333333333333'",
    );
  });

  it('reports a malformed tag query without resolving it', async () => {
    const resolveTags = jest.fn();
    const result = await linker(
      [
        component('recs', {
          'aws.amazon.com/amazon-ecs-service-tags': 'app=recs,env',
        }),
      ],
      resolveTags,
    ).linkAll();
    expect(resolveTags).not.toHaveBeenCalled();
    expect(result.errors).toEqual([
      {
        entityRef: 'component:default/recs',
        finding: expect.objectContaining({
          title:
            'Malformed tag query in aws.amazon.com/amazon-ecs-service-tags',
          evidence: expect.objectContaining({
            value: 'app=recs,env',
            reason: 'item 2 ("env") has no "=": write key=value',
          }),
        }),
      },
    ]);
  });

  it('reports a tag query that matches nothing, with where it searched', async () => {
    const result = await linker([
      component('recs', {
        'aws.amazon.com/amazon-ecs-service-tags': 'app=recs',
      }),
    ]).linkAll();
    expect(result.links).toEqual([]);
    expect(result.errors).toEqual([
      {
        entityRef: 'component:default/recs',
        finding: expect.objectContaining({
          severity: 'risk',
          title: 'No ECS service carries the tags app=recs',
          evidence: expect.objectContaining({
            searched: ['111111111111/eu-west-1', '111111111111/us-east-1'],
            regions: ['eu-west-1', 'us-east-1'],
          }),
        }),
      },
    ]);
  });

  it('turns a resolveTags that throws into a link error with the reason, and goes on', async () => {
    const error = new Error('Rate exceeded');
    error.name = 'ThrottlingException';
    const result = await linker(
      [
        component('recs', {
          'aws.amazon.com/amazon-ecs-service-tags': 'app=recs',
        }),
        component('checkout-api', {
          'aws.amazon.com/amazon-ecs-service-arn': CHECKOUT,
        }),
      ],
      async () => {
        throw error;
      },
    ).linkAll();
    expect(result.links.map(l => l.entityRef)).toEqual([
      'component:default/checkout-api',
    ]);
    expect(result.errors).toEqual([
      {
        entityRef: 'component:default/recs',
        finding: expect.objectContaining({
          title: 'The tag query app=recs could not be resolved',
          evidence: expect.objectContaining({
            reason: 'ThrottlingException: Rate exceeded',
          }),
        }),
      },
    ]);
  });

  it('says when a tag query could not be searched everywhere', async () => {
    const failed = [
      {
        accountId: '222222222222',
        region: 'us-east-1',
        reason: 'AccessDeniedException',
      },
    ];
    const result = await linker(
      [
        component('recs', {
          'aws.amazon.com/amazon-ecs-service-tags': 'app=recs',
        }),
      ],
      async () => ({ serviceArns: [ORDERS], searched: SEARCHED, failed }),
    ).linkAll();
    expect(result.links.map(l => l.serviceArn)).toEqual([ORDERS]);
    expect(result.errors).toEqual([
      {
        entityRef: 'component:default/recs',
        finding: expect.objectContaining({
          severity: 'info',
          evidence: expect.objectContaining({ failed }),
        }),
      },
    ]);
  });

  it('reports a broken ecs-service Resource on itself and on its dependents', async () => {
    const result = await linker([
      ecsResource('no-arn', undefined, ['component:default/a']),
      ecsResource('bad-arn', 'arn:aws:ecs:eu-west-1:111111111111:cluster/x', [
        'component:default/b',
      ]),
      ecsResource('billing', BILLING, ['component:default/c']),
    ]).linkAll();
    expect(result.links).toEqual([]);
    expect(
      result.errors.map(e => [
        e.entityRef,
        e.finding.evidence.via,
        e.finding.evidence.reason,
      ]),
    ).toEqual([
      [
        'component:default/a',
        'depends-on',
        expect.stringContaining('names its service with aws.amazon.com/arn'),
      ],
      [
        'component:default/b',
        'depends-on',
        'this is the ARN of a cluster, not of a service',
      ],
      [
        'component:default/c',
        'depends-on',
        expect.stringContaining('account 333333333333'),
      ],
      [
        'resource:default/bad-arn',
        'resource',
        'this is the ARN of a cluster, not of a service',
      ],
      [
        'resource:default/billing',
        'resource',
        expect.stringContaining('account 333333333333'),
      ],
      [
        'resource:default/no-arn',
        'resource',
        expect.stringContaining('names its service with aws.amazon.com/arn'),
      ],
    ]);
    expect(result.errors[0].finding.evidence.resourceRef).toBe(
      'resource:default/no-arn',
    );
  });

  it('returns the catalog view of every entity it links or reports, from the pages it reads', async () => {
    const result = await linker([
      entity(
        'Component',
        'Checkout-API',
        { 'aws.amazon.com/amazon-ecs-service-arn': CHECKOUT },
        {
          metadata: {
            name: 'Checkout-API',
            namespace: 'shop',
            title: 'Checkout API',
            annotations: { 'aws.amazon.com/amazon-ecs-service-arn': CHECKOUT },
          },
          relations: [
            { type: 'ownedBy', targetRef: 'group:default/Payments' },
            { type: 'ownedBy', targetRef: 'user:default/someone' },
            { type: 'partOf', targetRef: 'component:shop/parent' },
            { type: 'partOf', targetRef: 'system:shop/Storefront' },
          ],
        },
      ),
      component('billing-api', {
        'aws.amazon.com/amazon-ecs-service-arn': BILLING,
      }),
      component('no-link'),
    ]).linkAll();
    expect(result.errors.map(e => e.entityRef)).toEqual([
      'component:default/billing-api',
    ]);
    expect(result.entities).toEqual([
      {
        entityRef: 'component:default/billing-api',
        kind: 'Component',
        namespace: 'default',
        name: 'billing-api',
      },
      {
        entityRef: 'component:shop/checkout-api',
        kind: 'Component',
        namespace: 'shop',
        name: 'Checkout-API',
        title: 'Checkout API',
        owner: 'group:default/payments',
        system: 'system:shop/storefront',
      },
    ]);
  });

  it('reads the catalog view of entities linked only through a Resource they depend on, by ref', async () => {
    const catalog = catalogServiceMock({
      entities: [
        ecsResource('checkout-api-service', CHECKOUT, [
          'component:default/checkout-api',
          'component:default/gone',
        ]),
        entity(
          'Component',
          'checkout-api',
          {},
          {
            metadata: {
              name: 'checkout-api',
              namespace: 'default',
              title: 'Checkout',
            },
            relations: [
              { type: 'ownedBy', targetRef: 'group:default/payments' },
              { type: 'partOf', targetRef: 'system:default/shop' },
              {
                type: 'dependsOn',
                targetRef: 'resource:default/checkout-api-service',
              },
            ],
          },
        ),
      ],
    });
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const result = await EntityLinker.create({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      accounts,
      resolveTags: jest.fn(),
    }).linkAll();
    expect(result.entitiesRead).toBe(1);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(getEntitiesByRefs.mock.calls[0][0]).toEqual({
      entityRefs: ['component:default/checkout-api', 'component:default/gone'],
      fields: expect.arrayContaining(['metadata.title', 'relations']),
    });
    expect(getEntitiesByRefs.mock.calls[0][1]).toEqual({
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
    });
    expect(result.entities).toEqual([
      {
        entityRef: 'component:default/checkout-api',
        kind: 'Component',
        namespace: 'default',
        name: 'checkout-api',
        title: 'Checkout',
        owner: 'group:default/payments',
        system: 'system:default/shop',
      },
      // Not in the catalog (a stale relation): what its ref says.
      {
        entityRef: 'component:default/gone',
        kind: 'component',
        namespace: 'default',
        name: 'gone',
      },
      {
        entityRef: 'resource:default/checkout-api-service',
        kind: 'Resource',
        namespace: 'default',
        name: 'checkout-api-service',
        owner: 'group:default/unknown',
      },
    ]);
  });

  it('reads dependents by ref 500 at a time, and not those it has read', async () => {
    const dependents = Array.from(
      { length: 501 },
      (_, i) => `component:default/dep-${i}`,
    );
    const catalog = catalogServiceMock({
      entities: [
        ecsResource('svc', CHECKOUT, [
          ...dependents,
          'component:default/direct',
        ]),
        component('direct', {
          'aws.amazon.com/amazon-ecs-service-arn': ORDERS,
        }),
      ],
    });
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const result = await EntityLinker.create({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      accounts,
      resolveTags: jest.fn(),
    }).linkAll();
    expect(
      getEntitiesByRefs.mock.calls.map(
        ([request]) => request.entityRefs.length,
      ),
    ).toEqual([500, 1]);
    expect(
      getEntitiesByRefs.mock.calls.flatMap(([request]) => request.entityRefs),
    ).not.toContain('component:default/direct');
    expect(result.entities).toHaveLength(503);
    expect(new Set(result.entities.map(e => e.entityRef)).size).toBe(503);
  });

  it('stops when the signal fires, without reporting it as a broken link', async () => {
    const controller = new AbortController();
    const run = linker(
      [
        component('recs', {
          'aws.amazon.com/amazon-ecs-service-tags': 'app=recs',
        }),
      ],
      async (_query, { signal }) => {
        controller.abort();
        signal?.throwIfAborted();
        return { serviceArns: [], searched: [] };
      },
    ).linkAll(controller.signal);
    await expect(run).rejects.toThrow();
  });
});
