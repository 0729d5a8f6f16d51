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
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ecsDeployReadinessApiRef } from './api';
import {
  EcsDeployReadinessPage,
  EntityEcsDeployReadinessCard,
  EntityEcsDeployReadinessContent,
} from './plugin';
import { Route, Routes } from 'react-router-dom';
import { entity, mockApi } from './__testUtils__/fixtures';

jest.setTimeout(20_000);

describe('the legacy frontend system exports', () => {
  const apis = [
    [ecsDeployReadinessApiRef, mockApi()],
    [permissionApiRef, mockApis.permission()],
    [catalogApiRef, catalogApiMock()],
  ] as const;

  it('renders the card and the tab of the entity in context', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={entity('storefront-web')}>
          <EntityEcsDeployReadinessCard title="ECS readiness" />
          <Routes>
            <Route
              path="/readiness"
              element={<EntityEcsDeployReadinessContent />}
            />
          </Routes>
        </EntityProvider>
      </TestApiProvider>,
      { routeEntries: ['/readiness'] },
    );
    expect(await screen.findByText('ECS readiness')).toBeInTheDocument();
    expect(await screen.findAllByTestId('readiness-status')).toHaveLength(2);
    expect(await screen.findByTestId('pull-error-history')).toBeInTheDocument();
  });

  it('renders the scorecard page with its own header', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <Routes>
          <Route
            path="/ecs-deploy-readiness"
            element={<EcsDeployReadinessPage />}
          />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/ecs-deploy-readiness'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole('heading', { name: 'ECS deploy readiness' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('scorecard-totals')).toBeInTheDocument();
  });
});
