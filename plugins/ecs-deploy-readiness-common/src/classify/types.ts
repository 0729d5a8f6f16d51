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

import type { FixKey, FixVars, PullErrorCategory } from '../types';

/**
 * How sure the classifier is of the category: `high` when the message names the cause, `medium`
 * when the message fits several causes and the most probable one was picked (or a cut-off message
 * still shows its cause), `low` when the message was cut before its cause or says too little.
 *
 * @public
 */
export type ClassificationConfidence = 'high' | 'medium' | 'low';

/**
 * Facts read from a pull error message. Only what the message shows is set.
 *
 * @public
 */
export interface ExtractedPullErrorFacts {
  /** The image reference as it appears in the message. */
  image?: string;
  /** Registry host as the message names it; Docker Hub's names become `docker.io`. */
  registry?: string;
  /** Repository path inside the registry (`library/nginx` for `nginx`). */
  repository?: string;
  /** The tag, when the message shows one. */
  tag?: string;
  /** The image (manifest) digest, not a layer digest. */
  digest?: string;
  /** The platform the runtime wanted, e.g. `linux/amd64`. */
  platform?: string;
  /** The HTTP status code the message reports. */
  httpStatus?: number;
  /** From "has been retried N time(s)". */
  retryCount?: number;
  /** Only when not masked. */
  accountId?: string;
  /** The AWS region, from an ECR host, an AWS endpoint or an ARN in the message. */
  region?: string;
  /** From "number of layers and diffIDs don't match: L != D". */
  layerCount?: number;
  /** The diffID count, `D` in the same message. */
  diffIdCount?: number;
  /** The media type the message complains about. */
  mediaType?: string;
  /**
   * `true` when the message was cut off: it ends in `...` or `…` (the ECS console and Fargate
   * platform 1.4 shorten long reasons), ends in the middle of a word the components write
   * (`Error response from daem`, `context ca`), repeats only part of the reference containerd
   * repeats before the cause, or is exactly as long as the ECS agent's reason limit (255 or 1024
   * bytes). The classification then reads what is left, with lower confidence. Only set when `true`.
   */
  truncated?: boolean;
}

/**
 * One possible cause of a pull error, as `ClassifiedPullError.candidates` ranks them.
 *
 * @public
 */
export interface PullErrorCandidate {
  /** The cause's category. */
  category: PullErrorCategory;
  /** The catalogue key of its explanation and fix (render with `fixFor(fixKey, fixVars)`). */
  fixKey: FixKey;
  /**
   * How likely this cause is, from 0 to 1, given only the text. A rough estimate from how the
   * components produce the message, not a calibrated probability; the confidences of one result
   * add up to at most 1.
   */
  confidence: number;
  /** Why the message fits this cause: which component writes it, and when. */
  reason: string;
}

/**
 * A pull error explained: its cause, what the message revealed, and which catalogue entry
 * explains it. It carries no rendered text: show it with `fixFor(fixKey, fixVars)` (title,
 * explanation, steps, docs), so stored classifications read with the current catalogue.
 *
 * @public
 */
export interface ClassifiedPullError {
  /** The cause the message points at; `other` when no rule matched. */
  category: PullErrorCategory;
  /**
   * The catalogue key of the explanation and fix. Usually the category; a check id when the
   * message points at a narrower cause than its category (a missing layer blob, zstd layers
   * under a Docker media type).
   */
  fixKey: FixKey;
  /** What the fix is tailored with, from the message's facts. */
  fixVars: FixVars;
  /** How sure the classifier is of the category. */
  confidence: ClassificationConfidence;
  /**
   * A remark about this message that the catalogue cannot know: why the cause is uncertain, or
   * that the message was cut off. Shown after the fix's summary.
   */
  note?: string;
  /** The facts read from the message. */
  extracted: ExtractedPullErrorFacts;
  /** Id of the rule that decided, for debugging and for the docs; absent when none matched. */
  matchedRule?: string;
  /**
   * The causes the message fits, most likely first. The first one is the answer (its category
   * and fixKey are the top-level ones); the others are what to check when its fix does not help.
   * Never empty. Classifications stored before issue 15 do not have it.
   */
  candidates: PullErrorCandidate[];
  /**
   * `true` when the text alone cannot decide between causes: the second candidate is at least half
   * as likely as the first (Docker Hub's "pull access denied", a 403 from ECR, a platform-descriptor
   * failure, diffID and tar errors, a message cut before its cause). Show the candidates then, not
   * only the first fix. When the runner-up has another category, `confidence` is at most `medium`.
   */
  ambiguous: boolean;
}
