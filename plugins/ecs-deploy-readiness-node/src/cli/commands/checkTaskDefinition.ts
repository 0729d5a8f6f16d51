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

import {
  TaskDefinitionSummary,
  parseJsonBytes,
  parseTaskDefinition,
} from '../../analysis';
import type { ImageInspector } from '../../inspect';
import { CliIo, InputError, readInput } from '../io';
import {
  FailOn,
  Painter,
  exitCodeFor,
  taskDefinitionInspectionJson,
  renderTaskDefinitionInspection,
  toJson,
} from '../output';

/** Options of `check-task-definition`. */
export interface CheckTaskDefinitionOptions {
  json?: boolean;
  failOn: FailOn;
}

/**
 * Reads a task definition file (register-task-definition input or describe-task-definition
 * output), as an input error when it is not one.
 */
export async function readTaskDefinitionFile(
  io: CliIo,
  file: string,
): Promise<{ text: string; value: unknown; summary: TaskDefinitionSummary }> {
  const text = await readInput(io, file, 'task definition');
  const parsed = parseJsonBytes(text);
  if (!parsed.ok) throw new InputError(`${file}: ${parsed.error}`);
  const summary = parseTaskDefinition(parsed.value);
  if (!summary.ok) throw new InputError(`${file}: ${summary.reason}`);
  return { text, value: parsed.value, summary: summary.taskDefinition };
}

/**
 * `check-task-definition <file.json>`: every container's image, for the task's platform and
 * launch type, with its credentials and version consistency setting.
 */
export async function runCheckTaskDefinition(
  file: string,
  options: CheckTaskDefinitionOptions,
  inspector: ImageInspector,
  io: CliIo,
  painter: Painter,
): Promise<number> {
  const { value } = await readTaskDefinitionFile(io, file);
  const result = await inspector.inspectTaskDefinition(value, {
    signal: io.interrupted,
  });
  if (options.json) {
    io.stdout(toJson(taskDefinitionInspectionJson(result)), 'json');
  } else {
    io.stdout(`${renderTaskDefinitionInspection(result, painter)}\n`);
  }
  return exitCodeFor(result.findings, options.failOn);
}
