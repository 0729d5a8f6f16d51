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

import { relativeTime, sinceText } from './time';

const NOW = new Date('2026-03-12T15:00:00'); // a Thursday, local time

describe('time', () => {
  it('says how long ago', () => {
    expect(relativeTime('2026-03-12T14:55:00', NOW)).toBe('5 minutes ago');
    expect(relativeTime('2026-03-12T14:59:50', NOW)).toBe('just now');
    expect(relativeTime('2026-03-10T15:00:00', NOW)).toBe('2 days ago');
    expect(relativeTime(undefined, NOW)).toBeUndefined();
    expect(relativeTime('not a date', NOW)).toBeUndefined();
  });

  it('says since when as a sentence ends', () => {
    expect(sinceText('2026-03-12T09:14:00', NOW)).toMatch(/^since 0?9[:.]14/);
    expect(sinceText('2026-03-11T09:14:00', NOW)).toBe('since yesterday');
    expect(sinceText('2026-03-10T09:14:00', NOW)).toBe('since Tuesday');
    expect(sinceText('2026-03-01T09:14:00', NOW)).toBe('since Mar 1');
  });
});
