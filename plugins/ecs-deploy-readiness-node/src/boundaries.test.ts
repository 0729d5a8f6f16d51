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
import { dirname, join, relative, resolve } from 'node:path';

// The engine's folders depend one way, with no trip back:
//   reference/ ← analysis/ (pure checks) ← registry/ (clients) ← inspect/ (the pipeline) ← cli/
// analysis/ may not reach the network layer, and nothing below cli/ may import it.
const LAYERS = ['reference', 'analysis', 'registry', 'inspect', 'cli'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Each folder of src that files of `folder` import, with the files that do. */
function importedFolders(folder: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(join(__dirname, folder))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from\s+'(\.[^']*)'/g)) {
      const target = relative(__dirname, resolve(dirname(file), match[1]));
      const top = target.split('/')[0];
      found.set(top, [...(found.get(top) ?? []), relative(__dirname, file)]);
    }
  }
  return found;
}

describe('engine layers', () => {
  it.each(LAYERS)('%s/ imports no layer above it', folder => {
    const above = LAYERS.slice(LAYERS.indexOf(folder) + 1);
    const imported = importedFolders(folder);
    expect(above.flatMap(layer => imported.get(layer) ?? [])).toEqual([]);
  });

  it('sees the imports it checks', () => {
    expect(importedFolders('inspect').get('analysis')?.length).toBeGreaterThan(
      0,
    );
  });
});
