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

import { EntityProvider, catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import { ecsDeployReadinessApiRef } from './api';
import { entity, mockApi } from './__testUtils__/fixtures';

jest.setTimeout(20_000);

const card = plugin.getExtension('entity-card:ecs-deploy-readiness');
const content = plugin.getExtension('entity-content:ecs-deploy-readiness');

const annotated = entity('storefront-web');
const plain = entity('docs-site', {});
const ecsResource = entity(
  'storefront-svc',
  {
    'aws.amazon.com/arn':
      'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/storefront-web',
  },
  'Resource',
  { type: 'ecs-service' },
);

describe('the new frontend system plugin', () => {
  it('puts the card on entities that name ECS services, of any kind', () => {
    const tester = createExtensionTester(card);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(annotated)).toBe(true);
    expect(filter(ecsResource)).toBe(true);
    expect(filter(plain)).toBe(false);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
  });

  it('lets app config replace the card filter', () => {
    const tester = createExtensionTester(card, {
      config: { filter: { 'metadata.name': 'docs-site' } },
    });
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(plain)).toBe(true);
    expect(filter(annotated)).toBe(false);
  });

  it('adds a "Deploy readiness" tab in the deployment group', () => {
    const tester = createExtensionTester(content);
    expect(tester.get(coreExtensionData.routePath)).toBe(
      'ecs-deploy-readiness',
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Deploy readiness',
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.group)).toBe(
      'deployment',
    );
    expect(
      tester.get(EntityContentBlueprint.dataRefs.filterFunction)!(plain),
    ).toBe(false);
  });

  it('renders the card of the entity in context', async () => {
    const api = mockApi();
    const tester = createExtensionTester(card);
    await renderInTestApp(
      <EntityProvider entity={annotated}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [
          [ecsDeployReadinessApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ],
      },
    );
    expect(await screen.findByTestId('readiness-status')).toHaveTextContent(
      'Blocked',
    );
    expect(
      await screen.findByRole('button', { name: /Re-audit now/ }),
    ).toBeInTheDocument();
  });

  it('mounts the scorecard page at /ecs-deploy-readiness with a nav title', async () => {
    const api = mockApi();
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/ecs-deploy-readiness'],
      apis: [
        [ecsDeployReadinessApiRef, api],
        [catalogApiRef, catalogApiMock()],
      ],
      // The entity card and tab attach to the catalog's entity page, not installed here.
      isExpectedError: error => error.code === 'EXTENSION_ATTACHMENT_MISSING',
    });
    expect(await screen.findByTestId('scorecard-totals')).toBeInTheDocument();
    expect(screen.getAllByText('ECS deploy readiness').length).toBeGreaterThan(
      0,
    );
    expect(api.getScorecard).toHaveBeenCalled();
  });
});
