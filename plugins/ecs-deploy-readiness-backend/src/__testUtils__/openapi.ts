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

import Ajv2020 from 'ajv/dist/2020';
import type { Response } from 'supertest';
import { spec } from '../schema/openapi.generated';

const ajv = new Ajv2020({
  strict: false,
  allErrors: true,
  validateFormats: false,
});
ajv.addSchema(JSON.parse(JSON.stringify(spec)), 'spec');

type Operation = {
  responses: Record<
    string,
    { $ref?: string; content?: Record<string, { schema?: unknown }> }
  >;
};

/** The document's operation whose path template matches this request path (relative to the plugin). */
function operationFor(method: string, path: string): [string, Operation] {
  const bare = path.split('?')[0];
  for (const [template, item] of Object.entries(spec.paths)) {
    const pattern = new RegExp(
      `^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`,
    );
    const operation = (item as Record<string, Operation>)[method.toLowerCase()];
    if (pattern.test(bare) && operation) return [template, operation];
  }
  throw new Error(`No operation in the OpenAPI document for ${method} ${path}`);
}

/**
 * Fails unless the response is one the OpenAPI document declares for the operation: its status
 * is listed, and its JSON body validates against the declared schema.
 */
export function expectMatchesSpec(
  method: string,
  path: string,
  response: Response,
): void {
  const [template, operation] = operationFor(method, path);
  const declared = operation.responses[String(response.status)];
  if (!declared) {
    throw new Error(
      `${method} ${template} answered ${
        response.status
      }, which the document does not declare (${Object.keys(
        operation.responses,
      ).join(', ')})`,
    );
  }
  let content = declared.content;
  let pointer = `spec#/paths/${template
    .replace(/~/g, '~0')
    .replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${
    response.status
  }`;
  if (declared.$ref) {
    const name = declared.$ref.split('/').pop()!;
    content = (spec.components.responses as Record<string, any>)[name].content;
    pointer = `spec#/components/responses/${name}`;
  }
  const type = String(response.headers['content-type'] ?? '').split(';')[0];
  if (!content?.[type]) {
    throw new Error(
      `${method} ${template} ${response.status} answered ${type}, which the document does not declare`,
    );
  }
  if (type !== 'application/json') return;
  const validate = ajv.getSchema(
    `${pointer}/content/${type.replace('/', '~1')}/schema`,
  );
  if (!validate) throw new Error(`No schema at ${pointer}`);
  if (!validate(response.body)) {
    throw new Error(
      `${method} ${template} ${
        response.status
      }: the body does not match the document: ${ajv.errorsText(
        validate.errors,
      )}`,
    );
  }
}
