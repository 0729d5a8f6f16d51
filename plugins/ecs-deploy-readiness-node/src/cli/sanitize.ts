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

/**
 * What the terminal must never receive from data: C0 controls (ESC starts cursor moves, title and
 * hyperlink sequences; CR rewrites the line), DEL, C1 controls (0x9B is a one-byte CSI), and the
 * bidirectional overrides and isolates that make text read differently from what it is
 * (U+202A–202E, U+2066–2069).
 */
const TEXT_UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** In JSON, the same minus C0 (which `JSON.stringify` already escapes, and which valid JSON only has as whitespace). */
const JSON_UNSAFE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function hex(char: string, width: number): string {
  return char.charCodeAt(0).toString(16).padStart(width, '0');
}

/**
 * Text for a terminal or a log: every unsafe character shown as an escape (`\x1b`, `\r`,
 * `\u202e`), so it is visible and inert. Newlines stay: the CLI's own lines end with them.
 */
export function escapeControlText(text: string): string {
  return text.replace(TEXT_UNSAFE, char => {
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`;
  });
}

/**
 * JSON text with DEL, C1 and bidi controls written as `\uXXXX`. Valid JSON can only carry them
 * inside strings, where the escape means the same character, so the parsed value is unchanged.
 */
export function escapeControlJson(json: string): string {
  return json.replace(JSON_UNSAFE, char => `\\u${hex(char, 4)}`);
}
