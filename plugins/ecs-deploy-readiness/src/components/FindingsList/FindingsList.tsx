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
  SEVERITIES,
  type ReadinessFinding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  Accordion,
  AccordionPanel,
  AccordionTrigger,
  Flex,
  Text,
} from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import { describeEvidence } from '../../lib/evidence';
import { plural } from '../../lib/text';
import { relativeTime, sinceText } from '../../lib/time';
import { SeverityChip } from '../ReadinessStatus';
import { FixContext, FixView } from './FixView';

/** A finding, and where it was found when the entity has several services. */
export interface FindingEntry {
  finding: ReadinessFinding;
  /** The service's name, when the entity has more than one. */
  service?: string;
  /** Fills the fix's remaining placeholders. */
  fixContext?: FixContext;
}

/** Worst first; the order of the backend within a severity. */
export function sortBySeverity(entries: FindingEntry[]): FindingEntry[] {
  const rank = (e: FindingEntry) => {
    const i = SEVERITIES.indexOf(e.finding.severity);
    return i < 0 ? SEVERITIES.length : i;
  };
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => rank(a.entry) - rank(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  finding: {
    padding: theme.spacing(1.5, 0),
    borderTop: `1px solid ${theme.palette.divider}`,
    '&:first-child': { borderTop: 'none', paddingTop: 0 },
  },
  evidence: {
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(2),
  },
  details: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1.5),
    rowGap: theme.spacing(0.25),
    margin: theme.spacing(0.5, 0, 0),
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
  },
  confirmed: {
    marginTop: theme.spacing(0.5),
  },
  more: {
    margin: theme.spacing(0.25, 0, 0.5, 2),
    '& > summary': { cursor: 'pointer' },
  },
}));

function Evidence(props: { evidence: Record<string, unknown> }) {
  const classes = useStyles();
  const { summary, details } = describeEvidence(props.evidence);
  if (summary.length === 0 && details.length === 0) return null;
  return (
    <div data-testid="evidence">
      {summary.length > 0 && (
        <ul className={classes.evidence}>
          {summary.map(line => (
            <li key={line}>
              <Text variant="body-medium">{line}</Text>
            </li>
          ))}
        </ul>
      )}
      {details.length > 0 && (
        <details className={classes.more}>
          <summary>
            <Text variant="body-small" color="secondary">
              All evidence
            </Text>
          </summary>
          <dl className={classes.details}>
            {details.map(line => (
              <div key={line.label} style={{ display: 'contents' }}>
                <dt>
                  <Text variant="body-small" color="secondary">
                    {line.label}
                  </Text>
                </dt>
                <dd>
                  <Text
                    variant="body-small"
                    className={line.code ? classes.code : undefined}
                  >
                    {line.value}
                  </Text>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </div>
  );
}

/** "Seen in 14 stopped tasks since Tuesday, last 2 hours ago." */
export function confirmationText(
  confirmedBy: NonNullable<ReadinessFinding['confirmedBy']>,
  now = new Date(),
): string {
  const since = sinceText(confirmedBy.firstAt, now);
  const last = relativeTime(confirmedBy.lastAt, now);
  return `Seen in ${plural(confirmedBy.count, 'stopped task')}${
    since ? ` ${since}` : ''
  }${last && confirmedBy.count > 1 ? `, last ${last}` : ''}`;
}

function FindingItem(props: { entry: FindingEntry; fixExpanded: boolean }) {
  const { finding, service, fixContext } = props.entry;
  const classes = useStyles();
  const where = [
    service && `service ${service}`,
    finding.container && `container ${finding.container}`,
  ].filter(Boolean);
  return (
    <li
      className={classes.finding}
      data-testid="finding"
      data-severity={finding.severity}
      data-check={finding.id}
    >
      <Flex align="center" gap="2">
        <SeverityChip severity={finding.severity} />
        <Text as="h4" variant="body-large" weight="bold">
          {finding.title}
        </Text>
      </Flex>
      {(where.length > 0 || finding.image) && (
        <Text as="p" variant="body-small" color="secondary">
          {where.join(' · ')}
          {where.length > 0 && finding.image ? ' · ' : ''}
          {finding.image && (
            <span className={classes.code}>{finding.image}</span>
          )}
        </Text>
      )}
      <Evidence evidence={finding.evidence} />
      {finding.confirmedBy && (
        <Text
          as="p"
          variant="body-medium"
          weight="bold"
          color="danger"
          className={classes.confirmed}
          data-testid="confirmed-by"
        >
          {confirmationText(finding.confirmedBy)}
        </Text>
      )}
      <Accordion defaultExpanded={props.fixExpanded}>
        <AccordionTrigger title={`How to fix: ${finding.fix.title}`} />
        <AccordionPanel>
          <FixView fix={finding.fix} context={fixContext} />
        </AccordionPanel>
      </Accordion>
    </li>
  );
}

/**
 * Findings, worst first: the title, what was seen, the real pull failures that confirm it, and
 * the fix (expanded for blocking findings, or for all of them with `expandAll`).
 */
export function FindingsList(props: {
  entries: FindingEntry[];
  expandAll?: boolean;
}) {
  const classes = useStyles();
  const sorted = sortBySeverity(props.entries);
  return (
    <ul className={classes.list} aria-label="Findings">
      {sorted.map((entry, i) => (
        <FindingItem
          key={`${entry.service ?? ''}/${entry.finding.id}/${
            entry.finding.container ?? ''
          }/${i}`}
          entry={entry}
          fixExpanded={props.expandAll || entry.finding.severity === 'blocking'}
        />
      ))}
    </ul>
  );
}
