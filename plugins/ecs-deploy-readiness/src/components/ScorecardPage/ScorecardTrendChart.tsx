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

import type { ScorecardTrend } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { utcDayLabel as dayLabel } from '../../lib/time';

/** Blocked and at-risk entities at the end of each day. */
export function ScorecardTrendChart(props: { trend: ScorecardTrend }) {
  const theme = useTheme();
  const axis = { fontSize: 12, fill: theme.palette.text.secondary };
  return (
    <div
      style={{ width: '100%', height: 220 }}
      role="img"
      aria-label="Blocked and at-risk entities per day"
      data-testid="scorecard-trend"
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={props.trend.days}
          margin={{ top: 8, right: 16, bottom: 0, left: -16 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="day"
            tickFormatter={dayLabel}
            tick={axis}
            minTickGap={16}
          />
          <YAxis allowDecimals={false} tick={axis} />
          <Tooltip labelFormatter={label => dayLabel(String(label))} />
          <Legend />
          <Line
            type="monotone"
            dataKey="blocked"
            name="Blocked"
            stroke={theme.palette.error.main}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="at-risk"
            name="At risk"
            stroke={theme.palette.warning.main}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
