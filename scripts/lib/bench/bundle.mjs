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

// The benchmarks' bundles: the TypeScript of the entry points and of the workspace packages they
// import (the packages matched by `bundled`), with every other package left to Node (native
// addons, knex's dialects, the AWS SDK), resolved as require() would and kept as absolute paths.

import { mkdirSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Bundles `entryPoints` ({ name: file }) into `outDir` as `<name>.cjs`; returns the paths by
 * name.
 */
export async function bundleEntries({
  repoRoot,
  outDir,
  entryPoints,
  bundled,
}) {
  const esbuild = createRequire(join(repoRoot, 'package.json'))('esbuild');
  const external = {
    name: 'node-modules-external',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async args => {
        if (args.pluginData?.resolving) return undefined;
        if (bundled.test(args.path)) return undefined;
        const name = args.path.replace(/^node:/, '').split('/')[0];
        if (args.path.startsWith('node:') || builtinModules.includes(name))
          return { external: true };
        // Resolved as require() would (the bundle is CommonJS), kept as an absolute path.
        const r = await b.resolve(args.path, {
          kind: 'require-call',
          resolveDir: args.resolveDir,
          pluginData: { resolving: true },
        });
        if (r.errors.length) return { errors: r.errors };
        return { path: r.path, external: true };
      });
    },
  };
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints,
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    keepNames: true,
    logLevel: 'silent',
    plugins: [external],
  });
  return Object.fromEntries(
    Object.keys(entryPoints).map(name => [name, join(outDir, `${name}.cjs`)]),
  );
}
