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
  PULL_ERROR_CATEGORIES,
  type PullErrorList,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { useTheme } from '@material-ui/core/styles';
import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { humanizeId } from '../../lib/text';
import { utcDay, utcDayLabel as dayLabel } from '../../lib/time';

// One colour per category, fixed so a category keeps its colour from chart to chart.
const PALETTE = [
  '#d32f2f',
  '#f57c00',
  '#7b1fa2',
  '#c2185b',
  '#1976d2',
  '#0097a7',
  '#388e3c',
  '#5d4037',
  '#455a64',
  '#fbc02d',
  '#512da8',
  '#0288d1',
  '#689f38',
  '#e64a19',
  '#303f9f',
  '#00796b',
  '#afb42b',
  '#757575',
];

export function categoryColor(category: string): string {
  const i = (PULL_ERROR_CATEGORIES as readonly string[]).indexOf(category);
  return PALETTE[i >= 0 ? i : PALETTE.length - 1];
}

/** Every UTC day from `since` to `until`, oldest first. */
export function daysBetween(since: string, until: string): string[] {
  const start = new Date(since);
  const end = new Date(until);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return [];
  const days: string[] = [];
  const cursor = new Date(
    Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()),
  );
  // `until` is exclusive: a window ending at midnight does not include that day.
  const last = new Date(end.getTime() - 1);
  while (cursor.getTime() <= last.getTime() && days.length < 400) {
    days.push(utcDay(cursor));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

/** The counts as chart rows: one per day of the window, a key per category. */
export function chartRows(
  list: Pick<PullErrorList, 'counts' | 'since' | 'until'>,
) {
  const categories = [...new Set(list.counts.map(c => c.category))].sort(
    (a, b) =>
      PULL_ERROR_CATEGORIES.indexOf(a) - PULL_ERROR_CATEGORIES.indexOf(b),
  );
  const byDay = new Map<string, Record<string, number | string>>();
  for (const day of daysBetween(list.since, list.until)) {
    byDay.set(day, { day });
  }
  for (const c of list.counts) {
    const row = byDay.get(c.day) ?? { day: c.day };
    row[c.category] = ((row[c.category] as number | undefined) ?? 0) + c.count;
    byDay.set(c.day, row);
  }
  const rows = [...byDay.values()].sort((a, b) =>
    String(a.day).localeCompare(String(b.day)),
  );
  return { categories, rows };
}

/** Failures per day by category over the window, stacked. */
export function PullErrorChart(props: {
  list: Pick<PullErrorList, 'counts' | 'since' | 'until'>;
}) {
  const theme = useTheme();
  const { categories, rows } = useMemo(
    () => chartRows(props.list),
    [props.list],
  );
  const axis = { fontSize: 12, fill: theme.palette.text.secondary };
  return (
    <div
      style={{ width: '100%', height: 240 }}
      role="img"
      aria-label={`Pull failures per day by category: ${categories
        .map(humanizeId)
        .join(', ')}`}
      data-testid="pull-error-chart"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={rows}
          margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="day"
            tickFormatter={dayLabel}
            tick={axis}
            minTickGap={16}
          />
          <YAxis allowDecimals={false} tick={axis} />
          <Tooltip
            labelFormatter={label => dayLabel(String(label))}
            formatter={(value, name) => [value, humanizeId(String(name))]}
          />
          <Legend formatter={value => humanizeId(String(value))} />
          {categories.map(category => (
            <Bar
              key={category}
              dataKey={category}
              stackId="failures"
              fill={categoryColor(category)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
