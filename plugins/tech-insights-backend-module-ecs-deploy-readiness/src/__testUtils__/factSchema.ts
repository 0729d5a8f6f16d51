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

import type { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import { DateTime } from 'luxon';

/**
 * What is wrong with an entity's facts against a schema: a fact the schema does not name, or a
 * value not of the fact's type. `serialized` facts are as tech-insights' API returns them
 * (JSON: a datetime is an ISO 8601 string); others as a retriever returns them (a `DateTime`).
 */
export function factTypeErrors(
  schema: FactSchema,
  facts: Record<string, unknown>,
  options: { serialized?: boolean } = {},
): string[] {
  const errors: string[] = [];
  for (const [name, value] of Object.entries(facts)) {
    const definition = schema[name];
    if (!definition) {
      errors.push(`${name}: not in the schema`);
    } else if (!hasType(definition.type, value, options.serialized ?? false)) {
      errors.push(
        `${name}: ${JSON.stringify(value)} is not of type ${definition.type}`,
      );
    }
  }
  return errors;
}

function hasType(
  type: FactSchema[string]['type'],
  value: unknown,
  serialized: boolean,
): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return serialized
        ? typeof value === 'string' && DateTime.fromISO(value).isValid
        : DateTime.isDateTime(value) && value.isValid;
    case 'set':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null;
    default:
      return false;
  }
}
