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

import type {
  ContainerReadiness,
  DeploymentReadiness,
  ServiceReadiness,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { Alert, Flex, Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import { arnResource, humanizeId, shortDigest } from '../../lib/text';
import { relativeTime } from '../../lib/time';
import { ReadinessStatusLabel } from '../ReadinessStatus';

const useStyles = makeStyles(theme => ({
  service: {
    padding: theme.spacing(1.5, 0),
    borderTop: `1px solid ${theme.palette.divider}`,
    '&:first-child': { borderTop: 'none', paddingTop: 0 },
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1.5),
    rowGap: theme.spacing(0.25),
    margin: theme.spacing(0.5, 0, 0),
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere', minWidth: 0 },
  },
  container: {
    marginTop: theme.spacing(1),
    paddingLeft: theme.spacing(1.5),
    borderLeft: `3px solid ${theme.palette.divider}`,
  },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
  },
  rollout: {
    marginTop: theme.spacing(0.75),
  },
}));

function Fact(props: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>
        <Text variant="body-small" color="secondary">
          {props.label}
        </Text>
      </dt>
      <dd>{props.children}</dd>
    </>
  );
}

function Code(props: { children: React.ReactNode; title?: string }) {
  const classes = useStyles();
  return (
    <Text variant="body-small" className={classes.code} title={props.title}>
      {props.children}
    </Text>
  );
}

// Where the platform checked comes from, as the engine reports it.
function platformSourceText(source?: string, launchType?: string): string {
  if (source === 'runtimePlatform')
    return " (the task definition's runtimePlatform)";
  if (source === 'default') {
    return launchType === 'FARGATE' || !launchType
      ? " (Fargate's default: no runtimePlatform)"
      : ' (the default: no runtimePlatform)';
  }
  return source ? ` (${source})` : '';
}

function ContainerFacts(props: {
  container: ContainerReadiness;
  platform?: string;
  platformSource?: string;
  launchType?: string;
}) {
  const { container, platform, platformSource, launchType } = props;
  const classes = useStyles();
  const others = container.deployedDigests.filter(
    d => d !== container.deployedDigest,
  );
  return (
    <div className={classes.container} data-testid="container">
      <Text variant="body-medium" weight="bold">
        container {container.name}
      </Text>
      <dl className={classes.facts}>
        <Fact label="Image">
          <Code>{container.image}</Code>
        </Fact>
        <Fact label="ECS runs">
          {container.deployedDigest ? (
            <Code title={container.deployedDigest}>
              {shortDigest(container.deployedDigest)}
              {others.length > 0 &&
                ` (and ${others.map(shortDigest).join(', ')})`}
            </Code>
          ) : (
            <Text variant="body-small" color="secondary">
              no running task reports a digest
            </Text>
          )}
        </Fact>
        {container.resolvedDigest &&
          container.resolvedDigest !== container.deployedDigest && (
            <Fact label="Tag resolves to">
              <Code title={container.resolvedDigest}>
                {shortDigest(container.resolvedDigest)}
              </Code>
            </Fact>
          )}
        {platform && (
          <Fact label="Platform checked">
            <Text variant="body-small">
              {platform}
              {platformSourceText(platformSource, launchType)}
            </Text>
          </Fact>
        )}
      </dl>
    </div>
  );
}

// A rollout that is failing: ECS says so, or the current deployment cannot reach its task count
// while a blocking finding says why new tasks cannot start.
function isFailing(
  deployment: DeploymentReadiness,
  hasBlockingFinding: boolean,
): boolean {
  if (deployment.rolloutState === 'FAILED') return true;
  return (
    deployment.status === 'PRIMARY' &&
    deployment.rolloutState === 'IN_PROGRESS' &&
    hasBlockingFinding &&
    (deployment.runningCount ?? 0) < (deployment.desiredCount ?? 0)
  );
}

function deploymentLine(d: DeploymentReadiness): string {
  const revision = arnResource(d.taskDefinitionArn);
  const name = `${
    d.status === 'PRIMARY' ? 'Current deployment' : 'Previous deployment'
  }${revision ? ` (${revision})` : ''}`;
  const started = d.createdAt ? ` · started ${relativeTime(d.createdAt)}` : '';
  if (d.status !== 'PRIMARY') {
    return `${name}: still runs ${d.runningCount ?? 0} task${
      d.runningCount === 1 ? '' : 's'
    }${started}`;
  }
  const rollout = (d.rolloutState ?? 'unknown')
    .toLocaleLowerCase('en-US')
    .replace(/_/g, ' ');
  const counts =
    d.desiredCount !== undefined
      ? ` · ${d.runningCount ?? 0}/${d.desiredCount} tasks running${
          d.pendingCount ? `, ${d.pendingCount} pending` : ''
        }`
      : '';
  return `${name}: rollout ${rollout}${counts}${started}`;
}

function Rollout(props: { service: ServiceReadiness }) {
  const { service } = props;
  const classes = useStyles();
  const deployments = service.deployments.filter(d => d.status !== 'INACTIVE');
  if (deployments.length === 0) return null;
  const blocking = service.findings.find(f => f.severity === 'blocking');
  return (
    <div className={classes.rollout}>
      {deployments.map((d, i) => {
        const failing = isFailing(d, Boolean(blocking));
        const generic = /^ECS deployment \S+ (in progress|completed)\.?$/;
        const reason =
          d.rolloutStateReason && !generic.test(d.rolloutStateReason)
            ? d.rolloutStateReason
            : undefined;
        return (
          <div
            key={d.id ?? i}
            data-testid="deployment"
            data-rollout={d.rolloutState}
            data-failing={failing || undefined}
          >
            <Text
              as="p"
              variant="body-small"
              color={failing ? 'danger' : undefined}
              weight={failing ? 'bold' : undefined}
            >
              {deploymentLine(d)}
            </Text>
            {failing && (
              <Text
                as="p"
                variant="body-small"
                color="danger"
                data-testid="rollout-cause"
              >
                {reason ?? 'New tasks fail to start'}
                {blocking && ` · cause: ${blocking.title}`}
              </Text>
            )}
            {!failing && reason && (
              <Text as="p" variant="body-small" color="secondary">
                {reason}
              </Text>
            )}
          </div>
        );
      })}
    </div>
  );
}

// Service deployments that ECS ended without reaching their revision.
const ENDED_BADLY = /^(ROLLBACK_|STOPPED|STOP_REQUESTED)/;

/** One line of the service's deployment history worth showing. */
interface EndedDeployment {
  key: string;
  at: string;
  headline: string;
  reason?: string;
  fix?: string;
  /** `danger` for one that did not reach its revision; `warning` for one let through unverified. */
  tone: 'danger' | 'warning';
  gate: boolean;
}

function revisionOf(taskDefinitionArn?: string): string | undefined {
  return taskDefinitionArn ? arnResource(taskDefinitionArn) : undefined;
}

/**
 * What the card says of the service's recent deployments: those the deployment gate stopped
 * (its cause and fix, as soon as the gate reports, before the audit reads the deployment from
 * ECS), those it let through without being able to verify them, and those ECS rolled back or
 * stopped for another reason (with ECS's reason). Newest first.
 */
function endedDeployments(service: ServiceReadiness): EndedDeployment[] {
  const deployments = service.recentDeployments ?? [];
  const entries: EndedDeployment[] = [];
  const explained = new Set<string>();
  for (const g of service.gateDecisions ?? []) {
    const stopped = g.hookStatus === 'FAILED';
    if (!stopped && g.decision !== 'unverifiable-allowed') continue;
    if (g.serviceDeploymentArn) {
      if (explained.has(g.serviceDeploymentArn)) continue;
      explained.add(g.serviceDeploymentArn);
    }
    const revision = revisionOf(g.taskDefinitionArn);
    entries.push({
      key: `gate:${g.serviceDeploymentArn ?? g.targetServiceRevisionArn}:${
        g.decidedAt
      }`,
      at: g.decidedAt,
      headline: stopped
        ? `Deployment${
            revision ? ` of ${revision}` : ''
          } was stopped by the deployment gate`
        : `The deployment gate let${
            revision ? ` ${revision}` : ' a deployment'
          } through without verifying it`,
      reason: g.cause,
      fix: stopped ? g.fix : undefined,
      tone: stopped ? 'danger' : 'warning',
      gate: true,
    });
  }
  for (const d of deployments) {
    if (!ENDED_BADLY.test(d.status) || explained.has(d.deploymentArn)) continue;
    const revision = revisionOf(d.taskDefinitionArn);
    entries.push({
      key: d.deploymentArn,
      at: d.finishedAt ?? d.createdAt,
      headline: `Deployment${revision ? ` of ${revision}` : ''} ${humanizeId(
        d.status.toLocaleLowerCase('en-US'),
      ).toLocaleLowerCase('en-US')}`,
      reason: d.statusReason,
      tone: 'danger',
      gate: false,
    });
  }
  return entries.sort((a, b) => b.at.localeCompare(a.at));
}

/**
 * The service's recent deployments that the gate stopped, or that were rolled back or stopped,
 * with the cause: what the current rollout alone no longer shows once the previous revision is
 * primary again.
 */
function RolledBack(props: { service: ServiceReadiness }) {
  const classes = useStyles();
  const ended = endedDeployments(props.service);
  if (ended.length === 0) return null;
  return (
    <div className={classes.rollout}>
      {ended.map(d => {
        const when = relativeTime(d.at);
        return (
          <div
            key={d.key}
            data-testid="rolled-back-deployment"
            data-gate={d.gate ? 'true' : undefined}
          >
            <Text as="p" variant="body-small" color={d.tone} weight="bold">
              {`${d.headline}${when ? ` ${when}` : ''}`}
            </Text>
            {d.reason && (
              <Text as="p" variant="body-small" color={d.tone}>
                {d.reason}
              </Text>
            )}
            {d.fix && (
              <Text as="p" variant="body-small">
                {`Fix: ${d.fix}`}
              </Text>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** Per service: where it runs, the current deployment's rollout, and per container what ECS runs. */
export function ServicesList(props: { services: ServiceReadiness[] }) {
  const classes = useStyles();
  return (
    <div aria-label="Services">
      {props.services.map(service => {
        const cluster = arnResource(service.clusterArn);
        const where = [
          cluster && `cluster ${cluster}`,
          `${service.accountId} ${service.region}`,
          service.launchType,
          service.desiredCount !== undefined &&
            `${service.runningCount ?? 0}/${
              service.desiredCount
            } tasks running`,
        ].filter(Boolean);
        return (
          <section
            key={service.serviceArn}
            className={classes.service}
            data-testid="service"
            data-status={service.status}
          >
            <Flex align="center" justify="between" gap="2">
              <Text as="h4" variant="body-large" weight="bold">
                {service.serviceName}
              </Text>
              <ReadinessStatusLabel status={service.status} />
            </Flex>
            <Text as="p" variant="body-small" color="secondary">
              {where.join(' · ')}
            </Text>
            {service.missingReason && (
              <Alert status="warning" title={service.missingReason} />
            )}
            <Rollout service={service} />
            <RolledBack service={service} />
            {service.containers.map(container => (
              <ContainerFacts
                key={container.name}
                container={container}
                platform={service.platform}
                platformSource={service.platformSource}
                launchType={service.launchType}
              />
            ))}
          </section>
        );
      })}
    </div>
  );
}
