#!/usr/bin/env node
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

// Writes src/schema/openapi.generated.ts from src/schema/openapi.yaml: the document as a
// `const`, which `createValidatedOpenApiRouter` types the routes from. It does what
// `backstage-repo-tools package schema openapi generate --server` writes into `router.ts`,
// without the Java generator that command also runs (and downloads). `--check` exits 1 when
// the file is out of date (src/schema/openapi.test.ts checks the same).

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/schema/openapi.yaml');
const target = join(root, 'src/schema/openapi.generated.ts');

/** The generated file, formatted as the repository's prettier config writes it. */
export async function render(yamlText) {
  const spec = parse(yamlText);
  const text = `/*
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

// ******************************************************************
// * THIS IS A GENERATED FILE. DO NOT EDIT IT: edit openapi.yaml and *
// * run \`yarn generate:openapi\` in the backend plugin.              *
// ******************************************************************

/* eslint-disable */
export const spec = ${JSON.stringify(spec, null, 2)} as const;
`;
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(text, { ...options, filepath: target });
}

const expected = await render(readFileSync(source, 'utf8'));
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: out of date
  }
  if (current !== expected) {
    console.error(
      `${target} is out of date: run yarn generate:openapi in plugins/ecs-deploy-readiness-backend`,
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, expected);
  console.log(`wrote ${target}`);
}
