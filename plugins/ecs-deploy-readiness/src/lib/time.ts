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

// Dates as people read them on a card: "5 minutes ago", "since Tuesday". The browser's Intl,
// in the user's locale and time zone.

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

function parse(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "5 minutes ago", "in 2 hours", "just now"; `undefined` for a missing or invalid date. */
export function relativeTime(
  iso: string | undefined,
  now: Date = new Date(),
): string | undefined {
  const date = parse(iso);
  if (!date) return undefined;
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(seconds, 'second');
}

/** The date and time in full, for a tooltip or a table cell. */
export function absoluteTime(iso: string | undefined): string | undefined {
  const date = parse(iso);
  if (!date) return undefined;
  return date.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

function startOfDay(date: Date): number {
  return new Date(
    date.getFullYear(),
    date.getMonth(),
    date.getDate(),
  ).getTime();
}

/**
 * When something started, as a sentence ends: "since 09:14" (today), "since yesterday",
 * "since Tuesday" (this week), "since 3 Mar" (earlier).
 */
export function sinceText(
  iso: string | undefined,
  now: Date = new Date(),
): string | undefined {
  const date = parse(iso);
  if (!date) return undefined;
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days <= 0) {
    return `since ${date.toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit',
    })}`;
  }
  if (days === 1) return 'since yesterday';
  if (days < 7) {
    return `since ${date.toLocaleDateString(undefined, { weekday: 'long' })}`;
  }
  return `since ${date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  })}`;
}

/** `YYYY-MM-DD` of a date in UTC, the days the backend counts in. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` UTC day as a chart's axis reads it: "3 Mar", in the user's locale. */
export function utcDayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/** The last `count` UTC days up to and including `now`'s, oldest first. */
export function lastUtcDays(count: number, now: Date = new Date()): string[] {
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    days.push(utcDay(new Date(now.getTime() - i * 86_400_000)));
  }
  return days;
}
