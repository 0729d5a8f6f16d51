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

import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  EntityInfoCard,
  MissingAnnotationEmptyState,
} from '@backstage/plugin-catalog-react';
import type {
  AuditRunInfo,
  EntityReadiness,
  ReadinessAuditError,
  ServiceReadiness,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { Alert, Flex, Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import { ReactNode, useCallback, useState } from 'react';
import {
  ECS_SERVICE_ARN_ANNOTATION,
  ECS_SERVICE_TAGS_ANNOTATION,
  isEcsDeployReadinessAvailable,
} from '../../annotations';
import { ReauditState, useEntityReadiness, useReaudit } from '../../hooks';
import { arnResource, plural } from '../../lib/text';
import { absoluteTime, relativeTime } from '../../lib/time';
import { FindingEntry, FindingsList } from '../FindingsList';
import { PullErrorHistory } from '../PullErrorHistory';
import { ReadinessStatusBadge, STATUS_META } from '../ReadinessStatus';
import { ReauditButton, useCanReaudit } from '../ReauditButton';
import { ServicesList } from '../ServicesList';

const useStyles = makeStyles(theme => ({
  section: {
    marginTop: theme.spacing(2),
  },
  notAudited: {
    display: 'flex',
    gap: theme.spacing(1.5),
    alignItems: 'flex-start',
    color: theme.palette.text.secondary,
    '& svg': { fontSize: 32, marginTop: 2 },
  },
}));

/** The card's look: the summary on the entity's overview, or the full view in its own tab. */
export type ReadinessVariant = 'card' | 'content';

function Section(props: {
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  const classes = useStyles();
  return (
    <section className={classes.section} data-testid={props.testId}>
      <Text as="h3" variant="title-x-small" weight="bold">
        {props.title}
      </Text>
      {props.children}
    </section>
  );
}

/** Every finding of the entity and its services, each with its service when there are several. */
export function findingEntries(readiness: EntityReadiness): FindingEntry[] {
  const several = readiness.services.length > 1;
  const ofService = (service: ServiceReadiness): FindingEntry[] =>
    service.findings.map(finding => ({
      finding,
      service: several ? service.serviceName : undefined,
      fixContext: {
        cluster: arnResource(service.clusterArn),
        service: service.serviceName,
        region: service.region,
        'account-id': service.accountId,
      },
    }));
  return [
    ...readiness.findings.map(finding => ({ finding })),
    ...readiness.services.flatMap(ofService),
  ];
}

function errorText(e: ReadinessAuditError): string {
  const where = [e.accountId, e.region].filter(Boolean).join(' ');
  return `${e.code}${e.api ? ` on ${e.api}` : ''}${
    where ? ` (${where})` : ''
  }: ${e.message}${e.permission ? ` Grant ${e.permission}.` : ''}`;
}

/** The faults that made the report stale: the entity's, then its services' not yet named. */
function staleErrors(readiness: EntityReadiness): ReadinessAuditError[] {
  const seen = new Set<string>();
  const all = [
    ...readiness.staleErrors,
    ...readiness.services.flatMap(s => (s.stale ? s.staleErrors : [])),
  ];
  return all.filter(e => {
    const key = errorText(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function StaleWarning(props: { readiness: EntityReadiness }) {
  const { readiness } = props;
  const errors = staleErrors(readiness);
  const stale = readiness.stale || readiness.services.some(s => s.stale);
  if (!stale) return null;
  const since = relativeTime(readiness.staleSince);
  return (
    <Alert
      status="warning"
      data-testid="stale-warning"
      title={`The last audit failed${
        since ? ` (${since})` : ''
      }: this is the last report it could make`}
      description={errorList(errors)}
    />
  );
}

/** The audit's faults as a list under an alert's title; none when there are none. */
function errorList(errors: ReadinessAuditError[]) {
  return errors.length > 0 ? (
    <ul style={{ margin: 0, paddingLeft: 18 }}>
      {errors.map(e => (
        <li key={errorText(e)}>{errorText(e)}</li>
      ))}
    </ul>
  ) : undefined;
}

function runErrors(run: AuditRunInfo): ReadinessAuditError[] {
  return Object.values(run.errorsByAccount ?? {}).flat();
}

function ReauditProgress(props: { state: ReauditState; refreshing?: boolean }) {
  const { state } = props;
  if (state.phase === 'finished' && props.refreshing) {
    return (
      <Alert
        status="info"
        isPending
        data-testid="reaudit-progress"
        title="Audit finished: reading the new report…"
      />
    );
  }
  if (state.phase === 'running') {
    const run = state.run;
    let progress = 'starting';
    if (run?.servicesTotal) {
      progress = `${run.servicesAudited} of ${plural(
        run.servicesTotal,
        'service',
      )} audited`;
    } else if (run) {
      progress = `${plural(run.servicesAudited, 'service')} audited so far`;
    }
    return (
      <Alert
        status="info"
        isPending
        data-testid="reaudit-progress"
        title={`Auditing now: ${progress}…`}
      />
    );
  }
  if (state.phase === 'failed') {
    return (
      <Alert
        status="danger"
        data-testid="reaudit-progress"
        title={`The audit could not start: ${state.error.message}`}
      />
    );
  }
  if (state.phase === 'finished') {
    const errors = runErrors(state.run);
    if (state.run.status === 'succeeded' && errors.length === 0) {
      return (
        <Alert
          status="success"
          data-testid="reaudit-progress"
          title={`Audited ${relativeTime(state.run.finishedAt) ?? 'just now'}${
            state.run.deduplicated ? ' (an audit asked for moments ago)' : ''
          }: ${plural(state.run.servicesAudited, 'service')} checked.`}
        />
      );
    }
    return (
      <Alert
        status={state.run.status === 'failed' ? 'danger' : 'warning'}
        data-testid="reaudit-progress"
        title={`The audit ${
          state.run.status === 'failed' ? 'failed' : 'finished with errors'
        }: ${plural(state.run.servicesAudited, 'service')} checked.`}
        description={errorList(errors)}
      />
    );
  }
  return null;
}

function Summary(props: { readiness: EntityReadiness }) {
  const { readiness } = props;
  const { counts, services } = readiness;
  const parts = [
    counts.blocking > 0 && plural(counts.blocking, 'blocking finding'),
    counts.risk > 0 && plural(counts.risk, 'risk'),
    counts.info > 0 && `${counts.info} info`,
  ].filter(Boolean);
  const serviceParts =
    services.length > 1
      ? Object.entries(readiness.serviceCounts)
          .filter(([, n]) => n)
          .map(
            ([status, n]) =>
              `${n} ${
                STATUS_META[
                  status as keyof typeof STATUS_META
                ]?.label.toLocaleLowerCase() ?? status
              }`,
          )
      : [];
  const audited = relativeTime(readiness.lastAudited);
  let auditedText: string | undefined;
  if (audited) auditedText = `last audited ${audited}`;
  else if (readiness.stale) auditedText = 'last audit failed';
  return (
    <Flex direction="column" gap="1">
      <Flex align="center" gap="3" style={{ flexWrap: 'wrap' }}>
        <ReadinessStatusBadge status={readiness.status} />
        <Text variant="body-medium">
          {STATUS_META[readiness.status]?.meaning}
        </Text>
      </Flex>
      <Text
        as="p"
        variant="body-small"
        color="secondary"
        data-testid="readiness-summary"
      >
        {[
          parts.length ? parts.join(', ') : 'no findings',
          services.length > 1
            ? `${plural(services.length, 'service')} (${serviceParts.join(
                ', ',
              )})`
            : plural(services.length, 'service'),
          auditedText,
        ]
          .filter(Boolean)
          .map((text, i) => (
            <span key={i}>
              {i > 0 && ' · '}
              {i === 2 && readiness.lastAudited ? (
                <span title={absoluteTime(readiness.lastAudited)}>{text}</span>
              ) : (
                text
              )}
            </span>
          ))}
      </Text>
    </Flex>
  );
}

/** The readiness itself: status, staleness, findings with their fixes, services, pull errors. */
export function ReadinessBody(props: {
  readiness: EntityReadiness;
  variant: ReadinessVariant;
  reauditState: ReauditState;
  /** True while the readiness is read again after a re-audit. */
  refreshing?: boolean;
  refreshKey?: number;
}) {
  const { readiness, variant } = props;
  const entries = findingEntries(readiness);
  return (
    <Flex
      direction="column"
      gap="2"
      data-testid="readiness"
      data-status={readiness.status}
    >
      <Summary readiness={readiness} />
      <ReauditProgress
        state={props.reauditState}
        refreshing={props.refreshing}
      />
      <StaleWarning readiness={readiness} />
      <Section title="Findings" testId="findings">
        {entries.length === 0 ? (
          <Text as="p" variant="body-medium" data-testid="no-findings">
            No findings: every image these services run can be pulled and
            started on its platform.
          </Text>
        ) : (
          <FindingsList entries={entries} expandAll={false} />
        )}
      </Section>
      <Section
        title={
          readiness.services.length > 1
            ? `Services (${readiness.services.length})`
            : 'Service'
        }
        testId="services"
      >
        {readiness.services.length === 0 ? (
          <Text as="p" variant="body-medium" color="secondary">
            No ECS service behind this entity could be read.
          </Text>
        ) : (
          <ServicesList services={readiness.services} />
        )}
      </Section>
      {variant === 'card' ? (
        readiness.pullErrors.last30Days > 0 && (
          <Section title="Pull failures" testId="pull-errors-summary">
            <Text as="p" variant="body-medium">
              {plural(readiness.pullErrors.last30Days, 'pull failure')} in the
              last 30 days
              {readiness.pullErrors.lastAt
                ? `, the latest ${relativeTime(readiness.pullErrors.lastAt)}`
                : ''}
              . The deploy readiness tab shows them by day, with each message
              and its fix.
            </Text>
          </Section>
        )
      ) : (
        <Section
          title="Pull-error history (30 days)"
          testId="pull-error-history"
        >
          <PullErrorHistory
            entityRef={readiness.entityRef}
            refreshKey={props.refreshKey}
          />
        </Section>
      )}
    </Flex>
  );
}

function NotAudited(props: { reauditState: ReauditState }) {
  const classes = useStyles();
  return (
    <Flex direction="column" gap="2" data-testid="not-audited">
      <div className={classes.notAudited}>
        <HelpOutlineIcon />
        <div>
          <Text as="p" variant="body-large" weight="bold">
            Not audited yet
          </Text>
          <Text as="p" variant="body-medium" color="secondary">
            This entity names ECS services, but no audit has covered them yet.
            The backend audits linked services on its schedule; a new or changed
            annotation is picked up at its next catalog link.
          </Text>
        </div>
      </div>
      <ReauditProgress state={props.reauditState} />
    </Flex>
  );
}

/**
 * The deploy readiness of the entity in context, in every state: loading, error, no
 * annotation, not audited yet, and the readiness itself.
 */
export function EntityReadinessPanel(props: {
  entity: Entity;
  variant: ReadinessVariant;
  title?: string;
}) {
  const { entity, variant } = props;
  const entityRef = stringifyEntityRef(entity);
  const { readiness, notAudited, loading, error, refresh } =
    useEntityReadiness(entityRef);
  const [refreshKey, setRefreshKey] = useState(0);
  const onFinished = useCallback(() => {
    refresh();
    setRefreshKey(k => k + 1);
  }, [refresh]);
  const { state, start } = useReaudit(entityRef, onFinished);
  const canReaudit = useCanReaudit(entityRef);
  const annotated = isEcsDeployReadinessAvailable(entity);

  const title = props.title ?? 'Deploy readiness';
  let body: ReactNode;
  let showButton = false;
  if (loading && !readiness && !notAudited) {
    body = <Progress />;
  } else if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not read the deploy readiness"
      />
    );
  } else if (readiness) {
    body = (
      <ReadinessBody
        readiness={readiness}
        variant={variant}
        reauditState={state}
        refreshing={loading}
        refreshKey={refreshKey}
      />
    );
    showButton = true;
  } else if (!annotated) {
    body = (
      <MissingAnnotationEmptyState
        annotation={[ECS_SERVICE_ARN_ANNOTATION, ECS_SERVICE_TAGS_ANNOTATION]}
      />
    );
  } else {
    body = <NotAudited reauditState={state} />;
    showButton = true;
  }
  return (
    <EntityInfoCard
      title={title}
      headerActions={
        showButton && canReaudit ? (
          <ReauditButton
            state={state}
            onPress={start}
            label={readiness ? 'Re-audit now' : 'Audit now'}
          />
        ) : undefined
      }
    >
      {body}
    </EntityInfoCard>
  );
}
