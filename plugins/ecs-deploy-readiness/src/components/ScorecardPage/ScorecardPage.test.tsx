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

import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { ecsDeployReadinessApiRef, EcsDeployReadinessApi } from '../../api';
import { mockApi, scorecardPage } from '../../__testUtils__/fixtures';
import { LegacyScorecardPage } from './ScorecardPage';

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.search}</output>;
}

async function renderScorecard(
  api: EcsDeployReadinessApi,
  url = '/ecs-deploy-readiness',
) {
  const catalogApi = catalogApiMock.mock({
    getEntityFacets: jest.fn().mockResolvedValue({
      facets: {
        'relations.ownedBy': [
          { value: 'group:default/team-web', count: 2 },
          { value: 'group:default/team-payments', count: 1 },
        ],
        'relations.partOf': [{ value: 'system:default/storefront', count: 3 }],
      },
    }),
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [ecsDeployReadinessApiRef, api],
        [catalogApiRef, catalogApi],
      ]}
    >
      <LegacyScorecardPage />
      <LocationProbe />
    </TestApiProvider>,
    {
      routeEntries: [url],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { catalogApi };
}

const lastQuery = (api: jest.Mocked<EcsDeployReadinessApi>) =>
  api.getScorecard.mock.calls.filter(([q]) => q?.limit !== 1).at(-1)?.[0];

// react-aria and MUI render slowly in jsdom on a 2-core machine.
jest.setTimeout(20_000);

describe('ScorecardPage', () => {
  it('lists every linked entity with owner, system, status, counts, last pull failure and last audit', async () => {
    const api = mockApi();
    await renderScorecard(api);
    const table = await screen.findByTestId('scorecard-table');
    const link = await within(table).findByRole('link', {
      name: 'storefront-web',
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/storefront-web',
    );
    const row = link.closest('[role="row"]') as HTMLElement;
    expect(row).toHaveTextContent('team-web');
    expect(row).toHaveTextContent('storefront');
    expect(within(row).getByTestId('row-status')).toHaveAttribute(
      'data-status',
      'blocked',
    );
    expect(row).toHaveTextContent('2 hours ago');
    expect(row).toHaveTextContent('5 minutes ago');
    // Totals of the filter without its status, so that each can be picked.
    expect(await screen.findByTestId('total-blocked')).toHaveTextContent('1');
    expect(screen.getByTestId('total-ready')).toHaveTextContent('1');
    expect(lastQuery(api)).toEqual(
      expect.objectContaining({
        sort: 'status',
        order: 'asc',
        limit: 25,
        cursor: undefined,
      }),
    );
  });

  it('reads the filters from the URL, so a filtered view can be shared', async () => {
    const api = mockApi();
    await renderScorecard(
      api,
      '/ecs-deploy-readiness?owner=group:default/team-web&status=blocked&status=bogus&q=store&sort=owner&order=desc',
    );
    await screen.findByTestId('scorecard-table');
    await waitFor(() =>
      expect(lastQuery(api)).toEqual(
        expect.objectContaining({
          owner: ['group:default/team-web'],
          system: [],
          status: ['blocked'],
          q: 'store',
          sort: 'owner',
          order: 'desc',
        }),
      ),
    );
    expect(api.getScorecardTrend).toHaveBeenCalledWith({
      owner: ['group:default/team-web'],
      system: [],
      days: 30,
    });
  });

  it('filters by status from the totals and keeps it in the URL', async () => {
    const api = mockApi();
    await renderScorecard(api);
    await screen.findByTestId('total-blocked');
    await userEvent.click(screen.getByRole('button', { name: /^Blocked: 1/ }));
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '?status=blocked',
      ),
    );
    await waitFor(() =>
      expect(lastQuery(api)).toEqual(
        expect.objectContaining({ status: ['blocked'] }),
      ),
    );
  });

  it('filters by owner with the options the catalog has for linked entities', async () => {
    const api = mockApi();
    const { catalogApi } = await renderScorecard(api);
    await screen.findByRole('link', { name: 'storefront-web' });
    expect(catalogApi.getEntityFacets).toHaveBeenCalledWith({
      query: expect.objectContaining({ $any: expect.any(Array) }),
      facets: ['relations.ownedBy', 'relations.partOf'],
    });
    // The Select's popover does not lay out in jsdom; its hidden native select (kept by
    // react-aria for autofill) selects the same way.
    const option = await waitFor(() => {
      const found = document.querySelector<HTMLOptionElement>(
        'select option[value="group:default/team-payments"]',
      );
      expect(found).not.toBeNull();
      return found!;
    });
    await userEvent.selectOptions(
      option.parentElement as HTMLSelectElement,
      option,
    );
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '?owner=group%3Adefault%2Fteam-payments',
      ),
    );
    await waitFor(() =>
      expect(lastQuery(api)).toEqual(
        expect.objectContaining({ owner: ['group:default/team-payments'] }),
      ),
    );
  });

  it('searches on the server as the user types', async () => {
    const api = mockApi();
    await renderScorecard(api);
    await userEvent.type(await screen.findByRole('searchbox'), 'checkout');
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('?q=checkout'),
    );
    await waitFor(() =>
      expect(lastQuery(api)).toEqual(
        expect.objectContaining({ q: 'checkout' }),
      ),
    );
  });

  it('sorts on the server', async () => {
    const api = mockApi();
    await renderScorecard(api);
    await screen.findByRole('link', { name: 'storefront-web' });
    await userEvent.click(screen.getByRole('columnheader', { name: /Owner/ }));
    await waitFor(() =>
      expect(lastQuery(api)).toEqual(
        expect.objectContaining({ sort: 'owner', order: 'asc' }),
      ),
    );
    expect(screen.getByTestId('location')).toHaveTextContent('?sort=owner');
  });

  it('pages on the server with the cursor', async () => {
    const api = mockApi();
    api.getScorecard.mockImplementation(async query => {
      if (query?.limit === 1) return scorecardPage; // the totals
      if (query?.cursor)
        return { ...scorecardPage, items: [scorecardPage.items[1]] };
      return {
        ...scorecardPage,
        items: [scorecardPage.items[0]],
        nextCursor: 'next-1',
      };
    });
    await renderScorecard(api);
    await screen.findByRole('link', { name: 'storefront-web' });
    await userEvent.click(screen.getByRole('button', { name: /next/i }));
    expect(
      await screen.findByRole('link', { name: 'checkout-api' }),
    ).toBeInTheDocument();
    expect(lastQuery(api)).toEqual(
      expect.objectContaining({ cursor: 'next-1' }),
    );
  });

  it('exports the current filter as CSV', async () => {
    const api = mockApi();
    const createObjectURL = jest.fn(() => 'blob:scorecard');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await renderScorecard(
      api,
      '/ecs-deploy-readiness?status=blocked&system=system:default/storefront',
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /Export CSV/ }),
    );
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(api.getScorecardCsv).toHaveBeenCalledWith({
      owner: [],
      system: ['system:default/storefront'],
      status: ['blocked'],
      q: undefined,
      sort: 'status',
      order: 'asc',
    });
    const anchor = click.mock.instances[0] as unknown as HTMLAnchorElement;
    expect(anchor.download).toMatch(
      /^ecs-deploy-readiness-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    expect(anchor.href).toBe('blob:scorecard');
    click.mockRestore();
  });

  it('says when no entity matches the filters', async () => {
    const api = mockApi({
      getScorecard: jest.fn().mockResolvedValue({
        items: [],
        totals: { blocked: 0, 'at-risk': 0, ready: 0, unknown: 0, total: 0 },
      }),
    });
    await renderScorecard(api, '/ecs-deploy-readiness?status=at-risk');
    expect(
      await screen.findByText('No linked entity matches these filters.'),
    ).toBeInTheDocument();
  });
});
