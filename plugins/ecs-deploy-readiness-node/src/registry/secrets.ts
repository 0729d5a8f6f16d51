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

/** What replaces a secret in text. */
export const REDACTED = '[redacted]';

/** Values shorter than this are not treated as secrets: replacing them would garble any text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Credentials in the shape they travel in, whoever holds them: `Authorization` values, and
 * `user:password` pairs in URLs. Redacted even when the process never registered them (a
 * registry may echo back a header a proxy added).
 */
const CREDENTIAL_PATTERNS: RegExp[] = [
  // A scheme and a value that looks encoded (a digit, one of `+/=._~-`, or a capital after a small
  // letter), so that prose such as "no basic auth credentials" or "Basic authentication" stays
  // readable. Case-sensitive on purpose: `[a-z][A-Z]` means what it says.
  /\b([Bb]earer|[Bb]asic|BEARER|BASIC)\s+(?![a-z]+=")(?=[A-Za-z]*(?:[0-9+/=._~-]|[a-z][A-Z]))[A-Za-z0-9._~+/=-]{6,}/g,
  /\b(authorization|x-registry-auth|x-amz-security-token)(["']?\s*[:=]\s*["']?)(?!\s*(?:Bearer|Basic)\b)[^\s"',;]+/gi,
  /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi,
];

/**
 * The credentials this process holds, so that no text it prints or returns repeats them:
 * passwords, tokens, and the encodings they are sent in (`base64(user:password)` for Basic).
 * The registry clients register what they send and receive; `redact` is applied to every
 * error message built from a registry's own text and, by the CLI, to everything it prints.
 *
 * @public
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();
  private sorted: string[] | undefined;

  /** Registers secret values; short or empty values are ignored. */
  add(...values: Array<string | undefined>): void {
    for (const value of values) {
      if (!value || value.length < MIN_SECRET_LENGTH) continue;
      if (this.secrets.has(value)) continue;
      this.secrets.add(value);
      this.sorted = undefined;
    }
  }

  /** Registers a credential in every form it travels in. */
  addCredentials(
    credentials: { username: string; password: string } | { token: string },
  ): void {
    if ('token' in credentials) {
      this.add(credentials.token);
      return;
    }
    const pair = `${credentials.username}:${credentials.password}`;
    this.add(
      credentials.password,
      pair,
      Buffer.from(pair).toString('base64'),
      encodeURIComponent(credentials.password),
    );
  }

  /** The text with every registered secret and every credential-shaped value replaced. */
  redact(text: string): string {
    let out = text;
    this.sorted ??= [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of this.sorted) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const pattern of CREDENTIAL_PATTERNS) {
      out = out.replace(pattern, (_match, first: string, second?: string) => {
        if (/^(bearer|basic)$/i.test(first)) return `${first} ${REDACTED}`;
        if (typeof second === 'string' && !/^\d+$/.test(second)) {
          return `${first}${second}${REDACTED}`;
        }
        return `${first}${REDACTED}@`;
      });
    }
    return out;
  }

  /**
   * A copy of a JSON-like value with every string in it (keys too) redacted: plain objects and
   * arrays are copied, anything else (a Date, a Buffer) is kept as it is.
   */
  redactValue<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  /** `path` holds the objects being copied above this one: a cycle, not a shared object. */
  private walk(value: unknown, path: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    const prototype = Object.getPrototypeOf(value);
    const plain = prototype === Object.prototype || prototype === null;
    // Only arrays and plain objects are rebuilt: a Date, a Buffer or a class instance is kept.
    if (!Array.isArray(value) && !plain) return value;
    if (path.has(value)) return undefined;
    path.add(value);
    try {
      if (Array.isArray(value)) return value.map(v => this.walk(v, path));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[this.redact(k)] = this.walk(v, path);
      }
      return out;
    } finally {
      path.delete(value);
    }
  }
}

/**
 * The secrets of this process: the registry clients register every credential they send or are
 * given, and every text the engine builds from a registry's answer goes through it.
 *
 * @public
 */
export const heldSecrets = new SecretRedactor();
