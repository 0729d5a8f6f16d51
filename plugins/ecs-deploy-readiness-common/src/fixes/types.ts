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

import type { CheckId, DocLink, FixKey, FixStep } from '../types';

/**
 * One entry of the fix catalogue. Texts and commands carry `<placeholders>` (such as `<image>`,
 * `<repository>`, `<region>`, `<account-id>`) that `fixFor` fills from the `FixVars`.
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
  /** What to do, in order; texts and commands may carry `<placeholders>`. */
  steps: FixStep[];
  /** Documentation about the cause and the fix. */
  docs: DocLink[];
}
