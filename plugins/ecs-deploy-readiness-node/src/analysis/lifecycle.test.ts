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

import type { ImageDetails } from './repositoryFacts';
import {
  evaluateLifecyclePolicy,
  parseLifecyclePolicy,
  LifecycleRule,
} from './lifecycle';
import { evaluateTagMutability } from './tagMutability';
import { wildcardMatch } from './wildcard';

const NOW = new Date('2026-06-15T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

function image(
  digest: string,
  pushedDaysAgo: number,
  tags: string[] = [],
  extra: Partial<ImageDetails> = {},
): ImageDetails {
  return { digest, tags, pushedAt: daysAgo(pushedDaysAgo), ...extra };
}

function rules(...list: object[]): LifecycleRule[] {
  const parsed = parseLifecyclePolicy(JSON.stringify({ rules: list }));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.rules;
}

function outcomes(policy: LifecycleRule[], images: ImageDetails[]) {
  const map = evaluateLifecyclePolicy(policy, images, NOW);
  return Object.fromEntries(
    [...map.values()].map(o => [
      o.digest,
      {
        rule: o.rule.rulePriority,
        due: o.due,
        at: o.at.toISOString().slice(0, 10),
      },
    ]),
  );
}

describe('parseLifecyclePolicy', () => {
  it('reads rules and sorts them by priority', () => {
    const parsed = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          {
            rulePriority: 20,
            selection: {
              tagStatus: 'any',
              countType: 'imageCountMoreThan',
              countNumber: 100,
            },
            action: { type: 'expire' },
          },
          {
            rulePriority: 1,
            description: 'archive old releases',
            selection: {
              tagStatus: 'tagged',
              tagPatternList: ['release-*'],
              countType: 'sinceImagePushed',
              countUnit: 'days',
              countNumber: 90,
            },
            action: { type: 'transition', targetStorageClass: 'archive' },
          },
        ],
      }),
    );
    expect(
      parsed.ok &&
        parsed.rules.map(r => [r.rulePriority, r.action, r.targetStorageClass]),
    ).toEqual([
      [1, 'transition', 'archive'],
      [20, 'expire', undefined],
    ]);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['{}', /no "rules"/],
    [
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"weird","countType":"imageCountMoreThan","countNumber":1}}]}',
      /tagStatus/,
    ],
    [
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceForever","countNumber":1}}]}',
      /countType/,
    ],
  ])('rejects %s', (text, reason) => {
    const parsed = parseLifecyclePolicy(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});

describe('evaluateLifecyclePolicy', () => {
  it('imageCountMoreThan keeps the newest N selected images by push time', () => {
    const policy = rules({
      rulePriority: 1,
      selection: {
        tagStatus: 'any',
        countType: 'imageCountMoreThan',
        countNumber: 2,
      },
      action: { type: 'expire' },
    });
    const result = outcomes(policy, [
      image('old', 30, ['v1']),
      image('new', 1, ['v3']),
      image('mid', 10, ['v2']),
      image('oldest', 60),
    ]);
    expect(result).toEqual({
      old: { rule: 1, due: true, at: '2026-06-15' },
      oldest: { rule: 1, due: true, at: '2026-06-15' },
    });
  });

  it('an image selected by a higher-priority rule is never acted on by a lower one', () => {
    const policy = rules(
      {
        rulePriority: 1,
        selection: {
          tagStatus: 'tagged',
          tagPrefixList: ['prod'],
          countType: 'imageCountMoreThan',
          countNumber: 5,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        selection: {
          tagStatus: 'any',
          countType: 'imageCountMoreThan',
          countNumber: 1,
        },
        action: { type: 'expire' },
      },
    );
    // prod-1 is old but protected by rule 1 (only 2 prod images ≤ 5); it still counts for rule 2.
    const result = outcomes(policy, [
      image('prod-1', 50, ['prod-1']),
      image('dev-1', 40, ['dev-1']),
      image('prod-2', 1, ['prod-2']),
    ]);
    expect(result).toEqual({
      'dev-1': { rule: 2, due: true, at: '2026-06-15' },
    });
  });

  it('sinceImagePushed gives the future day the image expires', () => {
    const policy = rules({
      rulePriority: 1,
      selection: {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 14,
      },
      action: { type: 'expire' },
    });
    expect(
      outcomes(policy, [
        image('a', 10),
        image('b', 20),
        image('tagged', 30, ['x']),
      ]),
    ).toEqual({
      a: { rule: 1, due: false, at: '2026-06-19' },
      b: { rule: 1, due: true, at: '2026-06-09' },
    });
  });

  it('sinceImagePulled counts from the last recorded pull, or the push when never pulled', () => {
    const policy = rules({
      rulePriority: 1,
      selection: {
        tagStatus: 'any',
        countType: 'sinceImagePulled',
        countUnit: 'days',
        countNumber: 30,
      },
      action: { type: 'transition', targetStorageClass: 'archive' },
    });
    const result = outcomes(policy, [
      image('pulled', 100, ['a'], { lastRecordedPullTime: daysAgo(5) }),
      image('never', 100, ['b']),
    ]);
    expect(result).toEqual({
      pulled: { rule: 1, due: false, at: '2026-07-10' },
      never: { rule: 1, due: true, at: '2026-04-06' },
    });
  });

  it('needs a tag for every pattern of tagPatternList', () => {
    const policy = rules({
      rulePriority: 1,
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['prod*', '*-stable'],
        countType: 'imageCountMoreThan',
        countNumber: 0,
      },
      action: { type: 'expire' },
    });
    expect(
      Object.keys(
        outcomes(policy, [
          image('both', 1, ['prod-1', 'v2-stable']),
          image('one', 1, ['prod-2']),
        ]),
      ),
    ).toEqual(['both']);
  });

  it('leaves archived images to archive-class rules', () => {
    const policy = rules({
      rulePriority: 1,
      selection: {
        tagStatus: 'any',
        countType: 'imageCountMoreThan',
        countNumber: 0,
      },
      action: { type: 'expire' },
    });
    expect(
      outcomes(policy, [image('archived', 1, [], { status: 'ARCHIVED' })]),
    ).toEqual({});
  });
});

describe('evaluateTagMutability', () => {
  const filters = [
    { filterType: 'WILDCARD', filter: 'latest' },
    { filterType: 'WILDCARD', filter: 'dev-*' },
  ];

  it.each<[Parameters<typeof evaluateTagMutability>[0], string, boolean]>([
    [{ tagMutability: 'MUTABLE' }, 'v1', true],
    [{ tagMutability: 'IMMUTABLE' }, 'v1', false],
    [
      { tagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: filters },
      'latest',
      true,
    ],
    [
      { tagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: filters },
      'dev-42',
      true,
    ],
    [
      { tagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: filters },
      'v1.2.3',
      false,
    ],
    [
      { tagMutability: 'MUTABLE_WITH_EXCLUSION', exclusionFilters: filters },
      'dev-42',
      false,
    ],
    [
      { tagMutability: 'MUTABLE_WITH_EXCLUSION', exclusionFilters: filters },
      'v1.2.3',
      true,
    ],
    [undefined, 'v1', true],
  ])('%j, tag %s: mutable %s', (info, tag, mutable) => {
    expect(evaluateTagMutability(info, tag, 'ecr').mutable).toBe(mutable);
  });

  it('says that other registries cannot make tags immutable', () => {
    expect(evaluateTagMutability(undefined, 'v1', 'other').reason).toMatch(
      /cannot make tags immutable/,
    );
  });
});

describe('wildcardMatch', () => {
  it.each([
    ['prod*', 'prod-1', true],
    ['prod*', 'xprod', false],
    ['*-stable', 'v2-stable', true],
    ['v1.*', 'v1x2', false],
    ['v1.*', 'v1.2', true],
    ['latest', 'latest', true],
    ['latest', 'latest2', false],
  ])('%s vs %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});
