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
 * `load`, called at most once every `ms` milliseconds: callers within that time share its
 * promise. A load that fails is not remembered, so the next call tries again.
 */
export function memoizeFor<T>(
  ms: number,
  load: () => Promise<T>,
  clock: () => number = Date.now,
): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = clock();
    if (!cached || now - cached.at > ms) {
      const value = load();
      const entry = { at: now, value };
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.value;
  };
}
