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

import { memoizeFor } from './memoizeFor';

describe('memoizeFor', () => {
  it('loads once per period, and again after a failure', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const get = memoizeFor(
      1000,
      async () => {
        calls += 1;
        if (fail) throw new Error('down');
        return calls;
      },
      () => now,
    );

    expect(await get()).toBe(1);
    now = 1000;
    expect(await get()).toBe(1);
    now = 1001;
    fail = true;
    await expect(get()).rejects.toThrow('down');
    fail = false;
    expect(await get()).toBe(3);
    expect(calls).toBe(3);
  });
});
