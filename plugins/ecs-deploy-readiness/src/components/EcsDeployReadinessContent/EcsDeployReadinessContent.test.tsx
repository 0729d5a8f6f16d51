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

import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ecsDeployReadinessApiRef, EcsDeployReadinessApi } from '../../api';
import {
  entity,
  mockApi,
  pullErrors,
  readyReadiness,
} from '../../__testUtils__/fixtures';
import { EcsDeployReadinessContent } from './EcsDeployReadinessContent';

async function renderContent(api: EcsDeployReadinessApi) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [ecsDeployReadinessApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={entity('storefront-web')}>
        <EcsDeployReadinessContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

// react-aria and MUI render slowly in jsdom on a 2-core machine.
jest.setTimeout(20_000);

describe('EcsDeployReadinessContent', () => {
  it('shows the pull-error history: the chart over 30 days and the latest failures', async () => {
    const api = mockApi();
    await renderContent(api);
    expect(await screen.findByTestId('pull-error-total')).toHaveTextContent(
      /^14 pull failures since/,
    );
    expect(api.getPullErrors).toHaveBeenCalledWith(
      'component:default/storefront-web',
      { limit: 20 },
    );
    expect(screen.getByTestId('pull-error-chart')).toHaveAttribute(
      'aria-label',
      'Pull failures per day by category: Platform mismatch',
    );
    // The latest failure: when, its category and task; the message expands with its fix.
    const trigger = screen.getByRole('button', {
      name: /2 hours ago · Platform mismatch · task 0a1b2c3d4e5f/,
    });
    expect(screen.queryByTestId('pull-error')).not.toBeVisible();
    await userEvent.click(trigger);
    const failure = screen.getByTestId('pull-error');
    expect(failure).toBeVisible();
    expect(failure).toHaveTextContent(
      "image Manifest does not contain descriptor matching platform 'linux/amd64'",
    );
    expect(within(failure).getByTestId('fix')).toHaveTextContent(
      'docker buildx build',
    );
    // The cause, as the audit's evidence decided it.
    expect(
      within(failure).getByTestId('pull-error-diagnosis'),
    ).toHaveTextContent(
      'When this task stopped, the audit found: No linux/amd64 image in the index (it has linux/arm64).',
    );
  });

  it('pages back through older failures', async () => {
    const older = {
      ...pullErrors.items[0],
      id: 3,
      occurredAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      taskArn:
        'arn:aws:ecs:eu-west-1:111111111111:task/shop-prod/ffeeddccbbaa99887766554433221100',
    };
    const api = mockApi({
      getPullErrors: jest
        .fn()
        .mockResolvedValueOnce({ ...pullErrors, nextCursor: 'c1' })
        .mockResolvedValueOnce({ ...pullErrors, items: [older] }),
    });
    await renderContent(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Show older failures' }),
    );
    expect(
      await screen.findByRole('button', {
        name: /5 days ago · Platform mismatch · task ffeeddccbbaa/,
      }),
    ).toBeInTheDocument();
    expect(api.getPullErrors).toHaveBeenLastCalledWith(
      'component:default/storefront-web',
      { limit: 20, cursor: 'c1' },
    );
    expect(
      screen.queryByRole('button', { name: 'Show older failures' }),
    ).not.toBeInTheDocument();
  });

  it('says so when there was no pull failure', async () => {
    await renderContent(
      mockApi({
        getEntityReadiness: jest.fn().mockResolvedValue(readyReadiness),
        getPullErrors: jest.fn().mockResolvedValue({
          items: [],
          counts: [],
          since: pullErrors.since,
          until: pullErrors.until,
        }),
      }),
    );
    expect(
      await screen.findByText('No pull failures in the last 30 days'),
    ).toBeInTheDocument();
  });
});
