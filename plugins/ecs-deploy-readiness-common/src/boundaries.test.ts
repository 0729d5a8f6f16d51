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

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

// The package's folders depend one way: `classify/` (reading messages) and `fixes/` (the
// catalogue and rendering) are independent, and both build on `references/` and the root types.
// Tests count too: a test that needs both lives at the package root (explain.test.ts).

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every folder (relative to src) that a file of `folder` imports from. */
function importedFolders(folder: string): Map<string, string[]> {
  const root = __dirname;
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, folder))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from\s+'(\.[^']*)'/g)) {
      const target = relative(root, resolve(dirname(file), match[1]));
      const top = target.split('/')[0];
      found.set(top, [...(found.get(top) ?? []), relative(root, file)]);
    }
  }
  return found;
}

describe('package boundaries', () => {
  it.each([
    ['classify', 'fixes'],
    ['fixes', 'classify'],
    ['references', 'classify'],
    ['references', 'fixes'],
  ])('%s/ does not import %s/', (from, to) => {
    expect(importedFolders(from).get(to) ?? []).toEqual([]);
  });

  it('sees the imports it checks', () => {
    // Guards the test itself: classify/ does import references/.
    expect(
      importedFolders('classify').get('references')?.length,
    ).toBeGreaterThan(0);
  });
});
