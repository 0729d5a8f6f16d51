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
 * A scenario that cannot be loaded. The message names the place in the document
 * (`clusters[0].services[2].deployments[0].taskDefinition: …`).
 *
 * @public
 */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Parses a duration such as `90s`, `5m`, `1h30m` or `2d` into milliseconds; undefined if the
 * text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(match[1]) * DURATION_UNITS[match[2]];
  }
  return total;
}

/**
 * A validating view over part of a parsed YAML document. Every accessor either returns a value
 * of the expected type or throws a ScenarioError that names the path.
 */
export class Node {
  constructor(readonly value: unknown, readonly path: string) {}

  fail(message: string): never {
    throw new ScenarioError(`${this.path || 'scenario'}: ${message}`);
  }

  get isMissing(): boolean {
    return this.value === undefined || this.value === null;
  }

  get(key: string): Node {
    const parent = this.isMissing ? {} : this.value;
    if (typeof parent !== 'object' || Array.isArray(parent)) {
      this.fail('expected a mapping');
    }
    const child = (parent as Record<string, unknown>)[key];
    return new Node(child, this.path ? `${this.path}.${key}` : key);
  }

  string(): string {
    if (typeof this.value === 'number') return String(this.value);
    if (typeof this.value !== 'string' || this.value === '') {
      return this.fail('expected a non-empty string');
    }
    return this.value;
  }

  optString(): string | undefined {
    return this.isMissing ? undefined : this.string();
  }

  number(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) {
      return this.fail('expected a number');
    }
    return this.value;
  }

  optNumber(): number | undefined {
    return this.isMissing ? undefined : this.number();
  }

  /** A whole number ≥ 0. */
  count(fallback: number): number {
    if (this.isMissing) return fallback;
    const n = this.number();
    if (!Number.isInteger(n) || n < 0) this.fail('expected a whole number ≥ 0');
    return n;
  }

  boolean(fallback: boolean): boolean {
    if (this.isMissing) return fallback;
    if (typeof this.value !== 'boolean') this.fail('expected true or false');
    return this.value as boolean;
  }

  oneOf<T extends string>(allowed: readonly T[], fallback?: T): T {
    if (this.isMissing && fallback !== undefined) return fallback;
    const s = this.string();
    if (!(allowed as readonly string[]).includes(s)) {
      this.fail(`expected one of ${allowed.join(', ')}, got '${s}'`);
    }
    return s as T;
  }

  /** Items of a list; a missing list is empty. */
  items(): Node[] {
    if (this.isMissing) return [];
    if (!Array.isArray(this.value)) return this.fail('expected a list');
    return this.value.map((v, i) => new Node(v, `${this.path}[${i}]`));
  }

  /** Entries of a mapping; a missing mapping is empty. */
  entries(): Array<[string, Node]> {
    if (this.isMissing) return [];
    if (typeof this.value !== 'object' || Array.isArray(this.value)) {
      return this.fail('expected a mapping');
    }
    return Object.entries(this.value as Record<string, unknown>).map(
      ([k, v]) => [k, new Node(v, this.path ? `${this.path}.${k}` : k)],
    );
  }

  /** A mapping of strings (tags, labels). */
  stringMap(): Record<string, string> {
    return Object.fromEntries(this.entries().map(([k, v]) => [k, v.string()]));
  }

  /** The raw value as a plain object, for pass-through fields. */
  object(): Record<string, unknown> {
    if (
      typeof this.value !== 'object' ||
      this.value === null ||
      Array.isArray(this.value)
    ) {
      return this.fail('expected a mapping');
    }
    return this.value as Record<string, unknown>;
  }

  /**
   * A point in time: relative to `now` (`-2h`, `-3d4h`, `+10m`, `now`) or absolute (ISO 8601).
   */
  time(now: Date, fallback?: Date): Date {
    if (this.isMissing && fallback) return fallback;
    if (this.value instanceof Date) return this.value;
    const text = this.string().trim();
    if (text === 'now') return now;
    const sign = text[0];
    if (sign === '-' || sign === '+') {
      const ms = parseDuration(text.slice(1));
      if (ms === undefined)
        this.fail(`'${text}' is not a relative time like -2h or -3d`);
      return new Date(now.getTime() + (sign === '-' ? -ms! : ms!));
    }
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) {
      this.fail(
        `'${text}' is neither a relative time (-2h) nor an ISO 8601 date`,
      );
    }
    return at;
  }

  /** A duration (`90s`, `1h`); a bare number is milliseconds. */
  duration(fallback: number): number {
    if (this.isMissing) return fallback;
    if (typeof this.value === 'number') return this.count(fallback);
    const ms = parseDuration(this.string());
    if (ms === undefined)
      this.fail(`'${this.value}' is not a duration like 90s or 1h`);
    return ms!;
  }
}
