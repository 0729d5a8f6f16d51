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
import type { JsonObject } from '@backstage/types';
import { evaluateFilterPredicate } from '@backstage/filter-predicates';
import {
  ecsDeployReadinessEntityFilter,
  isEcsDeployReadinessAvailable,
} from './annotations';

const make = (
  kind: string,
  annotations: Record<string, string>,
  spec: JsonObject = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
  spec,
});

const CASES: Array<[string, Entity, boolean]> = [
  [
    'a Component with a service ARN',
    make('Component', {
      'aws.amazon.com/amazon-ecs-service-arn':
        'arn:aws:ecs:eu-west-1:111111111111:service/c/s',
    }),
    true,
  ],
  [
    'a System with service tags',
    make('System', { 'aws.amazon.com/amazon-ecs-service-tags': 'app=x' }),
    true,
  ],
  [
    'an ecs-service Resource with its ARN',
    make(
      'Resource',
      { 'aws.amazon.com/arn': 'arn:aws:ecs:…' },
      { type: 'ecs-service' },
    ),
    true,
  ],
  [
    'another Resource with an ARN',
    make(
      'Resource',
      { 'aws.amazon.com/arn': 'arn:aws:s3:::b' },
      { type: 's3-bucket' },
    ),
    false,
  ],
  [
    'a Component with aws.amazon.com/arn only',
    make(
      'Component',
      { 'aws.amazon.com/arn': 'arn:aws:ecs:…' },
      { type: 'ecs-service' },
    ),
    false,
  ],
  ['an entity without annotations', make('Component', {}), false],
];

describe('isEcsDeployReadinessAvailable and the entity filter', () => {
  it.each(CASES)('%s', (_name, entity, expected) => {
    expect(isEcsDeployReadinessAvailable(entity)).toBe(expected);
    // The new frontend system's filter says the same.
    expect(
      evaluateFilterPredicate(ecsDeployReadinessEntityFilter, entity),
    ).toBe(expected);
  });
});
