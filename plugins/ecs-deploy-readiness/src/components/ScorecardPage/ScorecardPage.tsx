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
  Content,
  Header,
  Page,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import {
  catalogApiRef,
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ENTITY_READINESS_STATUSES,
  type EntityReadinessStatus,
  type ScorecardRow,
  type ScorecardSort,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  Alert,
  Box,
  Button,
  Card,
  CardBody,
  Cell,
  CellText,
  ColumnConfig,
  Container,
  Flex,
  Grid,
  SearchField,
  Select,
  SortDescriptor,
  Table,
  Text,
  useTable,
} from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useCallback, useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ecsDeployReadinessEntityFilter } from '../../annotations';
import { ecsDeployReadinessApiRef, ScorecardFilter } from '../../api';
import { ScorecardParams, useScorecardParams } from '../../hooks';
import { relativeTime, absoluteTime } from '../../lib/time';
import { ReadinessStatusLabel, STATUS_META } from '../ReadinessStatus';
import { ScorecardTrendChart } from './ScorecardTrendChart';

type Row = ScorecardRow & { id: string };

const PAGE_SIZE = 25;
const PAGE_SIZES = [10, 25, 50, 100];
const SEARCH_DEBOUNCE_MS = 300;
const TREND_DAYS = 30;

// The table's sortable columns and the backend's sort keys.
const SORT_OF_COLUMN: Record<string, ScorecardSort> = {
  entity: 'name',
  owner: 'owner',
  system: 'system',
  status: 'status',
};
const COLUMN_OF_SORT: Partial<Record<ScorecardSort, string>> = {
  name: 'entity',
  title: 'entity',
  owner: 'owner',
  system: 'system',
  status: 'status',
};

const useStyles = makeStyles(theme => ({
  total: {
    cursor: 'pointer',
    borderTop: '4px solid transparent',
    height: '100%',
  },
  selected: {
    outline: `2px solid ${theme.palette.primary.main}`,
  },
  blocked: { borderTopColor: theme.palette.error.main },
  'at-risk': { borderTopColor: theme.palette.warning.main },
  ready: { borderTopColor: theme.palette.success.main },
  unknown: { borderTopColor: theme.palette.text.disabled },
  number: {
    fontSize: '2rem',
    fontWeight: 700,
    lineHeight: 1.2,
  },
  filters: {
    flexWrap: 'wrap',
    alignItems: 'flex-end',
  },
  filter: {
    minWidth: 200,
  },
}));

function toFilter(params: ScorecardParams): ScorecardFilter {
  return {
    owner: params.owner,
    system: params.system,
    status: params.status,
    q: params.q || undefined,
  };
}

/** Starts a download of a blob as a file. */
function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Totals(props: {
  params: ScorecardParams;
  onToggle: (status: EntityReadinessStatus) => void;
}) {
  const classes = useStyles();
  const api = useApi(ecsDeployReadinessApiRef);
  const { owner, system, q } = props.params;
  // The totals of the filter without its status, so each number can be picked as the status.
  const { value, error } = useAsync(
    () => api.getScorecard({ owner, system, q: q || undefined, limit: 1 }),
    [api, owner.join('\n'), system.join('\n'), q],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Grid.Root
      columns={{ initial: '2', md: '4' }}
      gap="3"
      data-testid="scorecard-totals"
    >
      {(['blocked', 'at-risk', 'ready', 'unknown'] as const).map(status => {
        const selected = props.params.status.includes(status);
        return (
          <Card
            key={status}
            className={`${classes.total} ${classes[status]} ${
              selected ? classes.selected : ''
            }`}
            onPress={() => props.onToggle(status)}
            label={`${STATUS_META[status].label}: ${
              value?.totals[status] ?? '…'
            }${selected ? ' (filtered)' : ''}`}
          >
            <CardBody>
              <Text
                as="div"
                className={classes.number}
                data-testid={`total-${status}`}
              >
                {value ? value.totals[status] : '…'}
              </Text>
              <ReadinessStatusLabel status={status} />
            </CardBody>
          </Card>
        );
      })}
    </Grid.Root>
  );
}

function Trend(props: { params: ScorecardParams }) {
  const api = useApi(ecsDeployReadinessApiRef);
  const { owner, system } = props.params;
  const { value, error, loading } = useAsync(
    () => api.getScorecardTrend({ owner, system, days: TREND_DAYS }),
    [api, owner.join('\n'), system.join('\n')],
  );
  return (
    <Card>
      <CardBody>
        <Text as="h3" variant="title-x-small" weight="bold">
          Blocked and at-risk entities, last {TREND_DAYS} days
        </Text>
        {error && <ResponseErrorPanel error={error} />}
        {!loading && value && value.days.length === 0 && (
          <Text as="p" variant="body-medium" color="secondary">
            No status history yet: the trend starts with the first audit.
          </Text>
        )}
        {value && value.days.length > 0 && (
          <ScorecardTrendChart trend={value} />
        )}
      </CardBody>
    </Card>
  );
}

// Owners and systems of the linked entities, from the catalog, for the filters.
function useFilterOptions(params: ScorecardParams) {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(async () => {
    try {
      const { facets } = await catalogApi.getEntityFacets({
        query: ecsDeployReadinessEntityFilter,
        facets: ['relations.ownedBy', 'relations.partOf'],
      });
      return {
        owners: (facets['relations.ownedBy'] ?? []).map(f => f.value),
        systems: (facets['relations.partOf'] ?? [])
          .map(f => f.value)
          .filter(v => v.toLocaleLowerCase('en-US').startsWith('system:')),
      };
    } catch {
      // The filters still work with what the URL names.
      return { owners: [], systems: [] };
    }
  }, [catalogApi]);
  const options = (values: string[], selected: string[], defaultKind: string) =>
    [...new Set([...values, ...selected])].sort().map(ref => {
      let label = ref;
      try {
        label = humanizeEntityRef(parseEntityRef(ref, { defaultKind }), {
          defaultKind,
        });
      } catch {
        // A name as typed in a URL.
      }
      return { value: ref, label };
    });
  return {
    owners: options(value?.owners ?? [], params.owner, 'group'),
    systems: options(value?.systems ?? [], params.system, 'system'),
  };
}

function Filters(props: {
  params: ScorecardParams;
  update: (changes: Partial<ScorecardParams>) => void;
  onExport: () => void;
  exporting: boolean;
}) {
  const { params, update } = props;
  const classes = useStyles();
  const { owners, systems } = useFilterOptions(params);
  const [search, setSearch] = useState(params.q);
  useEffect(() => setSearch(params.q), [params.q]);
  useEffect(() => {
    if (search === params.q) return undefined;
    const timer = setTimeout(() => update({ q: search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, params.q, update]);
  return (
    <Flex gap="3" className={classes.filters} data-testid="scorecard-filters">
      <Box className={classes.filter}>
        <SearchField
          label="Search"
          aria-label="Search entities"
          placeholder="Name, title or entity ref"
          value={search}
          onChange={setSearch}
          size="small"
        />
      </Box>
      <Box className={classes.filter}>
        <Select
          label="Owner"
          selectionMode="multiple"
          placeholder="All owners"
          options={owners}
          value={params.owner}
          onChange={value => update({ owner: (value as string[]) ?? [] })}
        />
      </Box>
      <Box className={classes.filter}>
        <Select
          label="System"
          selectionMode="multiple"
          placeholder="All systems"
          options={systems}
          value={params.system}
          onChange={value => update({ system: (value as string[]) ?? [] })}
        />
      </Box>
      <Box className={classes.filter}>
        <Select
          label="Status"
          selectionMode="multiple"
          placeholder="All statuses"
          options={ENTITY_READINESS_STATUSES.map(s => ({
            value: s,
            label: STATUS_META[s].label,
          }))}
          value={params.status}
          onChange={value =>
            update({
              status: ((value as string[]) ?? []) as EntityReadinessStatus[],
            })
          }
        />
      </Box>
      <Box style={{ marginLeft: 'auto' }}>
        <Button
          variant="secondary"
          iconStart={<GetAppIcon fontSize="small" />}
          onPress={props.onExport}
          isPending={props.exporting}
        >
          Export CSV
        </Button>
      </Box>
    </Flex>
  );
}

function useColumns(): ColumnConfig<Row>[] {
  return useMemo(
    () => [
      {
        id: 'entity',
        label: 'Entity',
        isRowHeader: true,
        isSortable: true,
        cell: row => (
          <Cell>
            <EntityRefLink entityRef={row.entityRef} title={row.title} />
          </Cell>
        ),
      },
      {
        id: 'owner',
        label: 'Owner',
        isSortable: true,
        cell: row =>
          row.owner ? (
            <Cell>
              <EntityRefLink entityRef={row.owner} defaultKind="group" />
            </Cell>
          ) : (
            <CellText title="—" />
          ),
      },
      {
        id: 'system',
        label: 'System',
        isSortable: true,
        cell: row =>
          row.system ? (
            <Cell>
              <EntityRefLink entityRef={row.system} defaultKind="system" />
            </Cell>
          ) : (
            <CellText title="—" />
          ),
      },
      {
        id: 'status',
        label: 'Status',
        isSortable: true,
        cell: row => (
          <Cell>
            <span data-testid="row-status" data-status={row.status}>
              <ReadinessStatusLabel status={row.status} />
            </span>
            {row.statusSince && (
              <Text as="div" variant="body-x-small" color="secondary">
                since {relativeTime(row.statusSince)}
              </Text>
            )}
          </Cell>
        ),
      },
      {
        id: 'blocking',
        label: 'Blocking',
        defaultWidth: 100,
        cell: row => (
          <Cell>
            <Text
              variant="body-medium"
              weight={row.counts.blocking ? 'bold' : undefined}
              color={row.counts.blocking ? 'danger' : 'secondary'}
            >
              {row.counts.blocking}
            </Text>
          </Cell>
        ),
      },
      {
        id: 'risk',
        label: 'Risks',
        defaultWidth: 80,
        cell: row => (
          <Cell>
            <Text
              variant="body-medium"
              weight={row.counts.risk ? 'bold' : undefined}
              color={row.counts.risk ? 'warning' : 'secondary'}
            >
              {row.counts.risk}
            </Text>
          </Cell>
        ),
      },
      {
        id: 'lastPullFailure',
        label: 'Last pull failure',
        cell: row => (
          <Cell>
            <Text
              as="div"
              variant="body-medium"
              color={row.lastPullFailure ? undefined : 'secondary'}
              title={absoluteTime(row.lastPullFailure)}
            >
              {relativeTime(row.lastPullFailure) ?? 'none in 30 days'}
            </Text>
          </Cell>
        ),
      },
      {
        id: 'lastAudited',
        label: 'Last audited',
        cell: row => (
          <Cell>
            <Text
              as="div"
              variant="body-medium"
              color={row.stale ? 'warning' : undefined}
              title={absoluteTime(row.lastAudited)}
            >
              {row.stale
                ? 'last audit failed'
                : relativeTime(row.lastAudited) ?? 'never'}
            </Text>
          </Cell>
        ),
      },
    ],
    [],
  );
}

function ScorecardTable(props: {
  params: ScorecardParams;
  update: (changes: Partial<ScorecardParams>) => void;
}) {
  const { params, update } = props;
  const api = useApi(ecsDeployReadinessApiRef);
  const columns = useColumns();
  // A new filter object only when a filter value changes (the URL also holds the search).
  const key = JSON.stringify([params.owner, params.system, params.status]);
  const filter = useMemo<ScorecardFilter>(() => {
    const [owner, system, status] = JSON.parse(key);
    return { owner, system, status };
  }, [key]);
  const sort = useMemo<SortDescriptor>(
    () => ({
      column: COLUMN_OF_SORT[params.sort] ?? 'status',
      direction: params.order === 'desc' ? 'descending' : 'ascending',
    }),
    [params.sort, params.order],
  );
  const onSortChange = useCallback(
    (descriptor: SortDescriptor) =>
      update({
        sort: SORT_OF_COLUMN[String(descriptor.column)] ?? 'status',
        order: descriptor.direction === 'descending' ? 'desc' : 'asc',
      }),
    [update],
  );
  const { tableProps } = useTable<Row, ScorecardFilter>({
    mode: 'cursor',
    filter,
    search: params.q,
    sort,
    onSortChange,
    paginationOptions: { pageSize: PAGE_SIZE, pageSizeOptions: PAGE_SIZES },
    getData: async ({
      cursor,
      pageSize,
      filter: f,
      search,
      sort: s,
      signal,
    }) => {
      const page = await api.getScorecard(
        {
          ...f,
          q: search || undefined,
          sort: SORT_OF_COLUMN[String(s?.column ?? 'status')] ?? 'status',
          order: s?.direction === 'descending' ? 'desc' : 'asc',
          limit: pageSize,
          cursor,
        },
        { signal },
      );
      return {
        data: page.items.map(item => ({ ...item, id: item.entityRef })),
        nextCursor: page.nextCursor,
        totalCount: page.totals.total,
      };
    },
  });
  const filtered =
    params.owner.length + params.system.length + params.status.length > 0 ||
    Boolean(params.q);
  return (
    <div data-testid="scorecard-table">
      <Table
        columnConfig={columns}
        {...tableProps}
        emptyState={
          <Box p="4">
            <Text as="p" variant="body-medium">
              {filtered
                ? 'No linked entity matches these filters.'
                : 'No catalog entity is linked to an ECS service yet, or none that you can see.'}
            </Text>
          </Box>
        }
      />
    </div>
  );
}

/**
 * The org-wide scorecard without a page frame: totals by status, the trend, and every linked
 * entity the user can see, filtered by owner, system and status (kept in the URL), searched,
 * sorted and paged on the server, and exported as CSV.
 */
export function ScorecardContent() {
  const api = useApi(ecsDeployReadinessApiRef);
  const [params, update] = useScorecardParams();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<Error>();

  const onToggle = useCallback(
    (status: EntityReadinessStatus) =>
      update({
        status: params.status.includes(status)
          ? params.status.filter(s => s !== status)
          : [...params.status, status],
      }),
    [params.status, update],
  );

  const onExport = useCallback(async () => {
    setExporting(true);
    setExportError(undefined);
    try {
      const blob = await api.getScorecardCsv({
        ...toFilter(params),
        sort: params.sort,
        order: params.order,
      });
      const day = new Date().toISOString().slice(0, 10);
      download(blob, `ecs-deploy-readiness-${day}.csv`);
    } catch (e) {
      setExportError(e as Error);
    } finally {
      setExporting(false);
    }
  }, [api, params]);

  return (
    <Flex direction="column" gap="4" data-testid="scorecard">
      <Totals params={params} onToggle={onToggle} />
      <Trend params={params} />
      <Filters
        params={params}
        update={update}
        onExport={onExport}
        exporting={exporting}
      />
      {exportError && (
        <Alert
          status="danger"
          title={`The CSV export failed: ${exportError.message}`}
        />
      )}
      <ScorecardTable params={params} update={update} />
    </Flex>
  );
}

/** The scorecard page of the new frontend system, under the app's plugin header. */
export function ScorecardPage() {
  return (
    <ReactRouterV6PageRouter>
      <Container>
        <ScorecardContent />
      </Container>
    </ReactRouterV6PageRouter>
  );
}

/** The scorecard page of the legacy frontend system, with its own header. */
export function LegacyScorecardPage() {
  return (
    <Page themeId="tool">
      <Header
        title="ECS deploy readiness"
        subtitle="Can ECS pull and start the images of every service?"
      />
      <Content>
        <ScorecardContent />
      </Content>
    </Page>
  );
}
