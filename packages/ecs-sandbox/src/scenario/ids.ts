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

import { createHash } from 'crypto';

/** Lower-case hex of sha256 over the parts, cut to `length` characters. */
export function hexId(
  length: number,
  ...parts: Array<string | number>
): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    out += createHash('sha256')
      .update([round, ...parts].join('\u0000'))
      .digest('hex');
  }
  return out.slice(0, length);
}

/** A decimal id of `digits` digits (no leading zero), like ECS deployment and revision ids. */
export function numericId(
  digits: number,
  ...parts: Array<string | number>
): string {
  const hex = hexId(digits * 2, ...parts);
  let out = '';
  for (let i = 0; i < digits; i++) {
    out += (parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 10).toString();
  }
  return out[0] === '0' ? `1${out.slice(1)}` : out;
}

/** An RFC 4122-shaped id (version 4 layout), derived from the parts. */
export function uuidFrom(...parts: Array<string | number>): string {
  const h = hexId(32, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

/** A base-62 id of `length` characters, like ECS service deployment ids. */
export function alnumId(
  length: number,
  ...parts: Array<string | number>
): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const hex = hexId(length * 2, ...parts);
  let out = '';
  for (let i = 0; i < length; i++) {
    out +=
      alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  }
  return out;
}
