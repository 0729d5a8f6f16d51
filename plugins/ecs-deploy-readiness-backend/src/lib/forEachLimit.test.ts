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

import { createLimit } from './forEachLimit';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  return { open, opened };
}

describe('createLimit', () => {
  it('never runs more than the limit at once, and runs every call', async () => {
    const limit = createLimit(2);
    let active = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limit(async () => {
          active += 1;
          most = Math.max(most, active);
          await new Promise(r => setTimeout(r, 2));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(2);
  });

  it('rejects a caller whose signal aborts while it waits, and gives its place to the next', async () => {
    const limit = createLimit(1);
    const first = gate();
    const running = limit(() => first.opened);
    const controller = new AbortController();
    const aborted = limit(async () => 'never', controller.signal);
    const next = limit(async () => 'next');
    controller.abort(new Error('scheduler timeout'));
    await expect(aborted).rejects.toThrow('scheduler timeout');
    first.open();
    await running;
    await expect(next).resolves.toBe('next');
  });
});
