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
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { PullErrorItem } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  Accordion,
  AccordionGroup,
  AccordionPanel,
  AccordionTrigger,
  Button,
  Flex,
  Text,
} from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import { useCallback, useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ecsDeployReadinessApiRef } from '../../api';
import { FixView } from '../FindingsList';
import { arnResource, humanizeId, plural } from '../../lib/text';
import { absoluteTime, relativeTime } from '../../lib/time';
import { categoryColor, PullErrorChart } from './PullErrorChart';

const PAGE_SIZE = 20;

const useStyles = makeStyles(theme => ({
  message: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    margin: theme.spacing(0, 0, 1),
    padding: theme.spacing(1),
    background: theme.palette.background.default,
    borderRadius: 4,
  },
  dot: {
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: '50%',
    marginRight: theme.spacing(0.75),
  },
  meta: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1.5),
    margin: theme.spacing(0, 0, 1),
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
}));

function taskId(taskArn: string): string {
  return taskArn.split('/').pop() ?? taskArn;
}

/** How the cause was decided: the audit's evidence, or the message alone (and how surely). */
export function diagnosisText(item: PullErrorItem): string {
  const diagnosis = item.diagnosis;
  if (!diagnosis) {
    return 'From the message alone (the service had not been audited when it failed).';
  }
  if (diagnosis.decidedBy === 'evidence') {
    const instead = diagnosis.messageCategory
      ? ` The message alone pointed at ${humanizeId(
          diagnosis.messageCategory,
        )}.`
      : '';
    return `${
      diagnosis.statement ?? 'Confirmed by the audit of this service.'
    }${instead}`;
  }
  return `From the message alone (${diagnosis.confidence} confidence${
    diagnosis.ambiguousMessage ? '; the message fits several causes' : ''
  }): the audit found nothing in the image that decides it.`;
}

function FailureItem(props: { item: PullErrorItem }) {
  const { item } = props;
  const classes = useStyles();
  const when = relativeTime(item.occurredAt) ?? item.occurredAt;
  const first = item.message.split('\n')[0];
  return (
    <Accordion>
      <AccordionTrigger
        title={`${when} · ${humanizeId(item.category)} · task ${taskId(
          item.taskArn,
        ).slice(0, 12)}`}
        subtitle={first.length > 140 ? `${first.slice(0, 140)}…` : first}
      />
      <AccordionPanel>
        <div data-testid="pull-error">
          <pre className={classes.message} data-testid="pull-error-message">
            {item.message}
          </pre>
          <dl className={classes.meta}>
            <dt>
              <Text variant="body-small" color="secondary">
                When
              </Text>
            </dt>
            <dd>
              <Text variant="body-small">{absoluteTime(item.occurredAt)}</Text>
            </dd>
            <dt>
              <Text variant="body-small" color="secondary">
                Task
              </Text>
            </dt>
            <dd>
              <Text variant="body-small">{arnResource(item.taskArn)}</Text>
            </dd>
            {item.container && (
              <>
                <dt>
                  <Text variant="body-small" color="secondary">
                    Container
                  </Text>
                </dt>
                <dd>
                  <Text variant="body-small">{item.container}</Text>
                </dd>
              </>
            )}
            {item.image && (
              <>
                <dt>
                  <Text variant="body-small" color="secondary">
                    Image
                  </Text>
                </dt>
                <dd>
                  <Text variant="body-small">{item.image}</Text>
                </dd>
              </>
            )}
            <dt>
              <Text variant="body-small" color="secondary">
                Category
              </Text>
            </dt>
            <dd>
              <Text variant="body-small">
                <span
                  className={classes.dot}
                  style={{ background: categoryColor(item.category) }}
                />
                {humanizeId(item.category)}
              </Text>
            </dd>
            <dt>
              <Text variant="body-small" color="secondary">
                Diagnosis
              </Text>
            </dt>
            <dd>
              <Text variant="body-small" data-testid="pull-error-diagnosis">
                {diagnosisText(item)}
              </Text>
            </dd>
          </dl>
          <Text as="p" variant="body-medium" weight="bold">
            Fix: {item.fix.title}
          </Text>
          <FixView fix={item.fix} />
        </div>
      </AccordionPanel>
    </Accordion>
  );
}

/**
 * The pull-error history of an entity's services: failures per day by category over the last
 * 30 days, and the latest failures (the message, its category and fix, one click away).
 */
export function PullErrorHistory(props: {
  entityRef: string;
  /** Changes when the page wants the history read again (after a re-audit). */
  refreshKey?: number;
}) {
  const { entityRef, refreshKey } = props;
  const api = useApi(ecsDeployReadinessApiRef);
  const state = useAsyncRetry(
    () => api.getPullErrors(entityRef, { limit: PAGE_SIZE }),
    [api, entityRef, refreshKey],
  );
  const [more, setMore] = useState<{
    items: PullErrorItem[];
    cursor?: string;
  }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error>();
  useEffect(() => setMore(undefined), [state.value]);

  const cursor = more ? more.cursor : state.value?.nextCursor;
  const loadMore = useCallback(async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await api.getPullErrors(entityRef, {
        limit: PAGE_SIZE,
        cursor,
      });
      setMore(prev => ({
        items: [...(prev?.items ?? []), ...page.items],
        cursor: page.nextCursor,
      }));
    } catch (e) {
      setMoreError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  }, [api, entityRef, cursor]);

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const list = state.value;
  if (!list) return null;
  const total = list.counts.reduce((sum, c) => sum + c.count, 0);
  if (total === 0 && list.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No pull failures in the last 30 days"
        description="No task of these services stopped because its image could not be pulled or started."
      />
    );
  }
  const items = [...list.items, ...(more?.items ?? [])];
  return (
    <Flex direction="column" gap="3">
      <Text as="p" variant="body-medium" data-testid="pull-error-total">
        {plural(total, 'pull failure')} since{' '}
        {new Date(list.since).toLocaleDateString(undefined, {
          day: 'numeric',
          month: 'short',
        })}
      </Text>
      <PullErrorChart list={list} />
      <Text as="h4" variant="title-x-small" weight="bold">
        Latest failures
      </Text>
      <AccordionGroup allowsMultiple aria-label="Latest pull failures">
        {items.map(item => (
          <FailureItem key={item.id} item={item} />
        ))}
      </AccordionGroup>
      {moreError && <ResponseErrorPanel error={moreError} />}
      {cursor && (
        <div>
          <Button
            variant="secondary"
            onPress={loadMore}
            isPending={loadingMore}
          >
            Show older failures
          </Button>
        </div>
      )}
    </Flex>
  );
}
