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

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PULL_ERROR_CATEGORIES } from '../types';
import { classifyPullError } from './classifyPullError';
import { REAL_MESSAGES, type RealMessage } from './__fixtures__/realMessages';

describe('classifyPullError on real messages', () => {
  it('has a table covering every category', () => {
    expect(REAL_MESSAGES.length).toBeGreaterThanOrEqual(80);
    const categories = new Set(REAL_MESSAGES.map(([, c]) => c));
    expect(categories.size).toBe(18);
    // Real wording in every category, not only rows written from memory.
    const publicCategories = new Set(
      REAL_MESSAGES.filter(([, , origin]) => origin === 'public').map(
        ([, c]) => c,
      ),
    );
    expect(publicCategories.size).toBe(18);
  });

  const decided = REAL_MESSAGES.filter(row => row[3] !== 'ambiguous');
  const ambiguous = REAL_MESSAGES.filter(row => row[3] === 'ambiguous');

  it.each(decided)('%s → %s (%s)', (...[message, expected]: RealMessage) => {
    expect(classifyPullError(message).category).toBe(expected);
  });

  it.each(ambiguous)(
    '%s → %s among the candidates, ambiguous (%s)',
    (...[message, expected]: RealMessage) => {
      const result = classifyPullError(message);
      expect(result.ambiguous).toBe(true);
      expect(result.candidates.map(c => c.category)).toContain(expected);
    },
  );
});

describe('the fresh held-out rows (yarn bench:classify measures them)', () => {
  // Real messages collected after the rules were frozen (issue 15); not asserted one by one, so
  // that the rules are never tuned on them here. Only their shape is checked.
  const rows = readFileSync(
    join(__dirname, '__fixtures__/heldOutPublic.jsonl'),
    'utf8',
  )
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => JSON.parse(line));

  it('are labelled rows with a public source', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    for (const row of rows) {
      expect(typeof row.message).toBe('string');
      expect(PULL_ERROR_CATEGORIES).toContain(row.category);
      expect(typeof row.ambiguous).toBe('boolean');
      expect(row.resolution.length).toBeGreaterThan(20);
      expect(row.source).toMatch(/^https:\/\//);
    }
  });

  it('are classified without throwing', () => {
    for (const row of rows) {
      expect(PULL_ERROR_CATEGORIES).toContain(
        classifyPullError(row.message).category,
      );
    }
  });
});
