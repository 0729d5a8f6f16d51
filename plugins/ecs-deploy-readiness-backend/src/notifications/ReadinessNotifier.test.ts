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
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Finding } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { ReadinessNotifier } from './ReadinessNotifier';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'storefront-web',
    namespace: 'default',
    title: 'Storefront',
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/shop',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/shop' }],
};

const blocking: Finding = {
  id: 'platform-missing',
  severity: 'blocking',
  title: 'No linux/amd64 image in the index (it has linux/arm64)',
  evidence: {},
  fixKey: 'platform-missing',
  fixVars: {},
};
const risk: Finding = {
  ...blocking,
  id: 'mutable-tag-reference',
  severity: 'risk',
  title: 'A tag can move',
};

function setUp(entities: object[] = [entity]) {
  const notifications = { send: jest.fn().mockResolvedValue(undefined) };
  const logger = mockServices.logger.mock();
  const notifier = ReadinessNotifier.create({
    notifications,
    catalog: catalogServiceMock({ entities: entities as any }),
    auth: mockServices.auth(),
    logger,
    appBaseUrl: 'http://localhost:3000/',
  });
  return { notifier, send: notifications.send, logger };
}

const ref = 'component:default/storefront-web';

describe('ReadinessNotifier', () => {
  it("notifies the entity's owners when it becomes blocked, with the cause and a link to the card", async () => {
    const { notifier, send } = setUp();

    await notifier.entityStatusChanged({
      entityRef: ref,
      from: 'ready',
      to: 'blocked',
      findings: [risk, blocking],
    });

    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: ['group:default/shop'] },
      payload: {
        title: 'Storefront is blocked: new ECS tasks cannot pull its image',
        description: 'No linux/amd64 image in the index (it has linux/arm64)',
        link: 'http://localhost:3000/catalog/default/component/storefront-web/ecs-deploy-readiness',
        severity: 'high',
        topic: 'ecs-deploy-readiness',
        scope: 'ecs-deploy-readiness:component:default/storefront-web',
      },
    });
  });

  it('sends once per transition: not while it stays blocked, again after it recovered and broke again', async () => {
    const { notifier, send } = setUp();
    const audits = [
      { from: undefined, to: 'at-risk' },
      { from: 'at-risk', to: 'blocked' },
      { from: 'blocked', to: 'blocked' },
      { from: 'blocked', to: 'ready' },
      { from: 'ready', to: 'at-risk' },
      { from: 'at-risk', to: 'blocked' },
    ] as const;

    for (const { from, to } of audits) {
      await notifier.entityStatusChanged({
        entityRef: ref,
        from,
        to,
        findings: [blocking],
      });
    }

    expect(send).toHaveBeenCalledTimes(2);
  });

  it("notifies an entity's first report when it is blocked", async () => {
    const { notifier, send } = setUp();
    await notifier.entityStatusChanged({
      entityRef: ref,
      to: 'blocked',
      findings: [],
    });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0][0].payload.description).toMatch(/see the card/);
  });

  it('sends nothing for an entity without an owner, and never throws when sending fails', async () => {
    const orphan = { ...entity, relations: [] };
    const a = setUp([orphan]);
    await a.notifier.entityStatusChanged({
      entityRef: ref,
      from: 'ready',
      to: 'blocked',
      findings: [],
    });
    expect(a.send).not.toHaveBeenCalled();

    const b = setUp();
    b.send.mockRejectedValue(new Error('notifications backend not installed'));
    await expect(
      b.notifier.entityStatusChanged({
        entityRef: ref,
        from: 'ready',
        to: 'blocked',
        findings: [],
      }),
    ).resolves.toBeUndefined();
    expect(b.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Could not notify/),
    );
  });
});
