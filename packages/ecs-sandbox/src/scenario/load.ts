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

import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { buildWorld } from './buildWorld';
import { World } from './model';
import { ScenarioError } from './read';
import { ScenarioDocument } from './types';

/**
 * Parses scenario YAML text into a document. Throws a ScenarioError on invalid YAML.
 *
 * @public
 */
export function parseScenarioYaml(
  text: string,
  source = 'scenario',
): ScenarioDocument {
  try {
    return parse(text, { maxAliasCount: 1000 }) as ScenarioDocument;
  } catch (e) {
    throw new ScenarioError(`${source}: invalid YAML: ${(e as Error).message}`);
  }
}

/**
 * Reads and parses a scenario file: YAML, or JSON when the name ends in `.json` (JSON loads much
 * faster, which matters for generated scenarios of thousands of services).
 *
 * @public
 */
export function readScenarioFile(path: string): ScenarioDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(
      `cannot read scenario ${path}: ${(e as Error).message}`,
    );
  }
  if (!path.endsWith('.json')) return parseScenarioYaml(text, path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${path}: invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * Loads a scenario (a document, or the path of a YAML or JSON file) into the world the sandbox
 * serves. Relative times are taken from `now`.
 *
 * @public
 */
export function loadWorld(
  scenario: ScenarioDocument | string,
  now = new Date(),
): World {
  const document =
    typeof scenario === 'string' ? readScenarioFile(scenario) : scenario;
  return buildWorld(document, now);
}
