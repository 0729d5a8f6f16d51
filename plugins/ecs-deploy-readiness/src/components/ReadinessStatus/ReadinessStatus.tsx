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
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { makeStyles, Theme } from '@material-ui/core/styles';
import BlockIcon from '@material-ui/icons/Block';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import ReportProblemIcon from '@material-ui/icons/ReportProblem';
import type {
  EntityReadinessStatus,
  ServiceReadinessStatus,
  Severity,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type { ComponentType, ReactNode } from 'react';

type AnyStatus = EntityReadinessStatus | ServiceReadinessStatus;

interface StatusMeta {
  label: string;
  /** What it means for a deploy, in one sentence. */
  meaning: string;
  tone: 'error' | 'warning' | 'success' | 'unknown';
  Icon: ComponentType<{ className?: string; fontSize?: 'inherit' }>;
  Dot: (props: { children?: ReactNode }) => JSX.Element;
}

/** How each status looks and what it means. */
export const STATUS_META: Record<AnyStatus, StatusMeta> = {
  blocked: {
    label: 'Blocked',
    meaning: 'ECS cannot pull or start an image: new tasks will fail to start.',
    tone: 'error',
    Icon: BlockIcon,
    Dot: StatusError,
  },
  'at-risk': {
    label: 'At risk',
    meaning: 'Deploys work today, but something can break them.',
    tone: 'warning',
    Icon: ReportProblemIcon,
    Dot: StatusWarning,
  },
  unverifiable: {
    label: 'Unverifiable',
    meaning: 'An image could not be read, so it could not be checked.',
    tone: 'warning',
    Icon: ReportProblemIcon,
    Dot: StatusWarning,
  },
  ready: {
    label: 'Ready',
    meaning: 'Every image ECS runs here can be pulled and started.',
    tone: 'success',
    Icon: CheckCircleIcon,
    Dot: StatusOK,
  },
  unknown: {
    label: 'Unknown',
    meaning: 'Not audited yet.',
    tone: 'unknown',
    Icon: HelpOutlineIcon,
    Dot: StatusAborted,
  },
};

/** How each severity is named. */
export const SEVERITY_META: Record<
  Severity,
  { label: string; tone: StatusMeta['tone'] }
> = {
  blocking: { label: 'Blocking', tone: 'error' },
  risk: { label: 'Risk', tone: 'warning' },
  info: { label: 'Info', tone: 'unknown' },
};

const toneColor = (theme: Theme, tone: StatusMeta['tone']) => {
  switch (tone) {
    case 'error':
      return theme.palette.error.main;
    case 'warning':
      return theme.palette.warning.main;
    case 'success':
      return theme.palette.success.main;
    default:
      return theme.palette.text.secondary;
  }
};

const useStyles = makeStyles(theme => ({
  badge: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
    padding: theme.spacing(0.5, 1.25),
    borderRadius: 999,
    fontWeight: 700,
    fontSize: '1.05rem',
    lineHeight: 1.4,
    border: '2px solid currentColor',
    whiteSpace: 'nowrap',
  },
  error: { color: toneColor(theme, 'error') },
  warning: { color: toneColor(theme, 'warning') },
  success: { color: toneColor(theme, 'success') },
  unknown: { color: toneColor(theme, 'unknown') },
  chip: {
    display: 'inline-block',
    padding: theme.spacing(0, 0.75),
    borderRadius: 4,
    fontSize: '0.75rem',
    fontWeight: 700,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
    border: '1px solid currentColor',
    whiteSpace: 'nowrap',
  },
}));

/** The status, large, with its colour and icon: the first thing a reader sees. */
export function ReadinessStatusBadge(props: { status: AnyStatus }) {
  const classes = useStyles();
  const meta = STATUS_META[props.status] ?? STATUS_META.unknown;
  const { Icon } = meta;
  return (
    <span
      className={`${classes.badge} ${classes[meta.tone]}`}
      data-testid="readiness-status"
      data-status={props.status}
      title={meta.meaning}
    >
      <Icon fontSize="inherit" />
      {meta.label}
    </span>
  );
}

/** The status in a table cell or a list: a coloured dot and its label. */
export function ReadinessStatusLabel(props: {
  status: AnyStatus;
  children?: ReactNode;
}) {
  const meta = STATUS_META[props.status] ?? STATUS_META.unknown;
  const { Dot } = meta;
  return (
    <Dot>
      {meta.label}
      {props.children}
    </Dot>
  );
}

/** A small severity chip: BLOCKING, RISK, INFO. */
export function SeverityChip(props: { severity: Severity }) {
  const classes = useStyles();
  const meta = SEVERITY_META[props.severity] ?? SEVERITY_META.info;
  return (
    <span className={`${classes.chip} ${classes[meta.tone]}`}>
      {meta.label}
    </span>
  );
}
