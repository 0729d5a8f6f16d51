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

import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ecsDeployReadinessApiRef, EcsDeployReadinessApi } from '../../api';
import { ReadinessPage } from './ReadinessPage';

describe('ReadinessPage', () => {
  it('shows the backend status', async () => {
    const api: EcsDeployReadinessApi = {
      getHealth: jest.fn().mockResolvedValue({ status: 'ok' }),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[ecsDeployReadinessApiRef, api]]}>
        <ReadinessPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Backend status: ok')).toBeInTheDocument();
  });

  it('shows the error when the backend cannot be reached', async () => {
    const api: EcsDeployReadinessApi = {
      getHealth: jest.fn().mockRejectedValue(new Error('connection refused')),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[ecsDeployReadinessApiRef, api]]}>
        <ReadinessPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Error: connection refused'),
    ).toBeInTheDocument();
  });
});
