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

import type { ImageInspector } from '../../inspect';
import { digestProblem } from '../../reference';
import { CliIo, InputError } from '../io';
import {
  FailOn,
  Painter,
  exitCodeFor,
  imageInspectionJson,
  renderImageInspection,
  toJson,
} from '../output';
import { platformOption } from './options';

/** Options of `check-image`. */
export interface CheckImageOptions {
  platform?: string;
  launchType?: string;
  deployedDigest?: string[];
  withCredentials?: boolean;
  json?: boolean;
  failOn: FailOn;
}

/**
 * `check-image <reference>`: resolves the reference in its registry and runs every check for the
 * platform (default linux/amd64, Fargate's default).
 */
export async function runCheckImage(
  reference: string,
  options: CheckImageOptions,
  inspector: ImageInspector,
  io: CliIo,
  painter: Painter,
): Promise<number> {
  const platform = options.platform
    ? platformOption(options.platform)
    : undefined;
  for (const digest of options.deployedDigest ?? []) {
    const problem = digestProblem(digest);
    if (problem) throw new InputError(`--deployed-digest: ${problem}`);
  }
  const result = await inspector.inspectImage({
    image: reference,
    platform,
    launchType: options.launchType,
    deployedDigests: options.deployedDigest,
    hasRepositoryCredentials: options.withCredentials,
    signal: io.interrupted,
  });
  if (options.json) {
    io.stdout(toJson(imageInspectionJson(result)), 'json');
  } else {
    io.stdout(`${renderImageInspection(result, painter)}\n`);
  }
  // An invalid reference on the command line is an input error, not a finding about an image.
  if (result.findings.some(f => f.id === 'invalid-reference')) return 2;
  return exitCodeFor(result.findings, options.failOn);
}
