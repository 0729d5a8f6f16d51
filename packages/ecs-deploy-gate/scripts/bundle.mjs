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

// Bundles the gate into one file to deploy: dist-lambda/index.js, handler `index.handler`,
// Node.js 22 (CommonJS). The AWS SDK clients are bundled too, so the function runs the versions
// this repository tests rather than whatever the Lambda runtime ships.
//   node scripts/bundle.mjs [--outfile <file>]

import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--outfile');
const outfile =
  i > 0 ? resolve(process.argv[i + 1]) : resolve(root, 'dist-lambda/index.js');

const result = await build({
  entryPoints: [resolve(root, 'src/lambda.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  outfile,
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce(
  (n, o) => n + o.bytes,
  0,
);
process.stdout.write(
  `${outfile} (${(bytes / 1024 / 1024).toFixed(
    1,
  )} MiB), handler index.handler\n`,
);
