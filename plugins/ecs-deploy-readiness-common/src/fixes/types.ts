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

import type { CheckId, DocLink, FixStep, PullErrorCategory } from '../types';

/**
 * What a fix can be tailored with. Every field is optional: the fix text substitutes what is
 * given and keeps a clear `<placeholder>` for the rest.
 *
 * @public
 */
export interface FixVars {
  /** The image reference as written in the task definition. */
  image?: string;
  repository?: string;
  /** Registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  registry?: string;
  region?: string;
  accountId?: string;
  /** The platform the task runs on, e.g. `linux/amd64`. */
  platform?: string;
  /** The exact reference to pin, `repo:tag@sha256:…`. */
  pinnedReference?: string;
  digest?: string;
  tag?: string;
  /** `FARGATE`, `EC2` or `EXTERNAL`. */
  launchType?: string;
}

/**
 * A key of the fix catalogue: an image check id or a pull-error category. Where a check and a
 * category have the same cause they share one catalogue entry.
 *
 * @public
 */
export type FixKey = CheckId | PullErrorCategory;

/**
 * One entry of the fix catalogue. Texts and commands carry `<placeholders>` (such as `<image>`,
 * `<repository>`, `<region>`, `<account-id>`) that `fixFor` fills from {@link FixVars}.
 *
 * @public
 */
export interface FixCatalogueEntry {
  /** Every check id and category this entry explains. */
  keys: readonly FixKey[];
  /**
   * Check ids whose finding points at a cause that produces this entry's pull errors without
   * being the same cause (a lifecycle rule that will delete the image behind "manifest unknown").
   * Used, with `keys`, to confirm a past pull error by a current finding.
   */
  alsoConfirmedBy?: readonly CheckId[];
  /** One line, readable on its own. */
  title: string;
  /** Plain language: what happened and why. */
  explanation: string;
  steps: FixStep[];
  docs: DocLink[];
}
