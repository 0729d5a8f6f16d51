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

// How messages get cut, and by whom:
// - Fargate platform 1.4 and the ECS console shorten a long stopped reason to 252 characters
//   plus "..." (255 in all); people pasting a reason often cut it with "..." or "…" themselves.
// - The ECS agent trims container reasons to its limit (255 bytes in older agents, 1024 in
//   newer ones) without any mark (`trimString` in agent/api/ecsclient).
// - The console's task list shows `STOPPED (<first characters of the reason>)`, closing the
//   parenthesis after a cut that can fall in the middle of a word.
// Go errors wrap outside-in ("outer: inner: root cause"), so a cut removes the root cause first:
// what is left names the step that failed, rarely why.

/** What the cut left. */
export interface Truncation {
  /** The message was cut off. */
  truncated: boolean;
  /**
   * The message with the component phrase the cut split completed (`… context canceled` for a
   * message ending in `context ca`), when only one phrase fits; the rules read this text.
   */
  completed?: string;
}

const ELLIPSIS_END = /(?:\.{3,}|…)[\s"'`)\]}]*$/;
const STOPPED_WRAPPER = /^\s*STOPPED\s*\(([\s\S]*)\)\s*$/;
/** The ECS agent's reason limits, in bytes (older agents 255, newer 1024). */
const AGENT_REASON_LIMITS = new Set([255, 1024]);

/**
 * Phrases the components end their messages with, or write just before the cause. A message
 * that ends in the middle of one of them was cut there.
 */
const COMPONENT_PHRASES = [
  'Error response from daemon',
  'CannotPullContainerError',
  'CannotPullECRContainerError',
  'ResourceInitializationError',
  'unable to pull secrets or registry auth',
  'pull image manifest has been retried',
  'failed to resolve ref',
  'failed to resolve reference',
  'failed to do request',
  'failed to fetch secret',
  'context canceled',
  'context deadline exceeded',
  'request canceled while waiting for connection',
  'i/o timeout',
  'no such host',
  'connection refused',
  'connection reset by peer',
  'manifest unknown',
  'Requested image not found',
  'not found',
  'toomanyrequests',
  'Too Many Requests',
  'unauthorized',
  'authentication required',
  'no basic auth credentials',
  'pull access denied',
  'repository does not exist',
  'no space left on device',
  'no processor for media-type',
  'no matching manifest',
  'does not contain descriptor matching platform',
  'exec format error',
];

const WORD_CHAR = /[a-z0-9]/i;
/** What precedes a phrase in a message: a space, a quote or bracket, or a separator. */
const PHRASE_START = /[\s"'(\[,;=]/;

/**
 * The rest of the component phrase a message ends inside, `''` when the end fits several
 * phrases, `undefined` when it ends inside none. A cut counts when it falls inside a word
 * (`daem`) or after at least three words of a longer phrase (`Error response from`), the phrase
 * starts after a space, quote or separator, and what is left of it is at least two words or eight
 * characters.
 */
function cutInsidePhrase(body: string): string | undefined {
  const tail = body.slice(-120).toLowerCase();
  const completions = new Set<string>();
  for (const phrase of COMPONENT_PHRASES) {
    const lower = phrase.toLowerCase();
    for (let k = lower.length - 1; k >= 4; k--) {
      const prefix = lower.slice(0, k);
      if (!tail.endsWith(prefix)) continue;
      const before = tail.charAt(tail.length - k - 1);
      if (before && !PHRASE_START.test(before)) break;
      // One partial word alone (`repo`) is too common inside names and paths to mean a cut.
      if (!prefix.includes(' ') && k < 8) break;
      const insideWord =
        WORD_CHAR.test(lower[k]) && WORD_CHAR.test(lower[k - 1]);
      const afterWords =
        lower[k] === ' ' && prefix.trim().split(/\s+/).length >= 3;
      if (insideWord || afterWords) completions.add(phrase.slice(k));
      break;
    }
  }
  if (completions.size === 0) return undefined;
  return completions.size === 1 ? [...completions][0] : '';
}

// containerd repeats the reference before the cause: "failed to resolve ref R: R: not found". A
// message that ends inside that repetition, or right after the reference, was cut before the
// cause.
const RESOLVE_TAIL =
  /failed to resolve (?:ref(?:erence)?|image):?\s+"?([^\s"]+?)"?(?::\s*([^\s]*))?\s*$/i;

function cutInsideResolve(body: string): boolean {
  const match = RESOLVE_TAIL.exec(body.slice(-1200));
  if (!match) return false;
  const [, ref, repeated] = match;
  if (!repeated) return true;
  return repeated.length < ref.length && ref.startsWith(repeated);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code < 0x10000) bytes += 3;
    else bytes += 4;
  }
  return bytes;
}

/**
 * Whether a (normalised) message was cut off, and how to complete the word the cut split.
 * `raw` is the message as given, for its length in bytes.
 */
export function detectTruncation(text: string, raw: string): Truncation {
  const trimmed = text.trimEnd();
  if (trimmed === '') return { truncated: false };
  let body = trimmed;
  let truncated = false;
  if (ELLIPSIS_END.test(body)) {
    truncated = true;
    body = body.replace(ELLIPSIS_END, '');
  } else {
    const stopped = STOPPED_WRAPPER.exec(body);
    if (stopped) body = stopped[1].trimEnd();
  }
  const completion = cutInsidePhrase(body);
  if (completion !== undefined) truncated = true;
  if (!truncated && cutInsideResolve(body)) truncated = true;
  if (
    !truncated &&
    raw.length <= 1024 &&
    AGENT_REASON_LIMITS.has(utf8Length(raw))
  )
    truncated = true;
  return completion
    ? { truncated, completed: `${body}${completion}` }
    : { truncated };
}
