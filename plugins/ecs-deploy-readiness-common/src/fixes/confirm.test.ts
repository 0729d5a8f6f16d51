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

import type { ConfirmablePullError } from './confirm';
import { checksConfirming, confirmPullErrors } from './confirm';

describe('confirmPullErrors', () => {
  // As the classifier gives them for a platform-mismatch, a mixed-compression and a network
  // error (see classify/), with a field of the caller's own that must be kept.
  const history: Array<ConfirmablePullError & { message: string }> = [
    { category: 'platform-mismatch', message: 'a' },
    { category: 'mixed-compression', message: 'b' },
    { category: 'ecr-auth-network', message: 'c' },
  ];

  it('marks the errors a current finding explains', () => {
    const confirmed = confirmPullErrors(history, [
      { id: 'platform-missing' },
      { id: 'attestation-in-index' },
      { id: 'mutable-tag-reference' },
    ]);
    expect(confirmed.map(e => e.confirmedBy)).toEqual([
      ['platform-missing', 'attestation-in-index'],
      [],
      [],
    ]);
    // The rest of each entry is kept.
    expect(confirmed[0].category).toBe('platform-mismatch');
    expect(confirmed[0].message).toBe('a');
  });

  it('confirms mixed compression by a zstd media type finding as well', () => {
    const [, mixed] = confirmPullErrors(history, [
      { id: 'zstd-docker-media-type' },
      { id: 'mixed-layer-compression' },
    ]);
    expect(mixed.confirmedBy).toEqual([
      'mixed-layer-compression',
      'zstd-docker-media-type',
    ]);
  });

  it('works on stored entries that only carry a category', () => {
    const stored = [
      {
        category: 'manifest-unknown-digest-deleted' as const,
        at: '2024-06-01',
      },
      { category: 'rate-limited' as const, at: '2024-06-02' },
    ];
    const confirmed = confirmPullErrors(stored, [
      { id: 'lifecycle-expires-in-use-image' },
      { id: 'dockerhub-unauthenticated' },
    ]);
    expect(confirmed).toEqual([
      {
        category: 'manifest-unknown-digest-deleted',
        at: '2024-06-01',
        confirmedBy: ['lifecycle-expires-in-use-image'],
      },
      {
        category: 'rate-limited',
        at: '2024-06-02',
        confirmedBy: ['dockerhub-unauthenticated'],
      },
    ]);
  });

  it('uses the narrower fix key of a classified error', () => {
    // A missing layer blob: category `other`, narrower fix key `missing-blob`.
    const blob: ConfirmablePullError = {
      category: 'other',
      fixKey: 'missing-blob',
    };
    expect(checksConfirming(blob)).toEqual(['missing-blob']);
    expect(
      confirmPullErrors([blob], [{ id: 'missing-blob' }])[0].confirmedBy,
    ).toEqual(['missing-blob']);
  });

  it('confirms nothing without findings', () => {
    expect(
      confirmPullErrors(history, []).every(e => e.confirmedBy.length === 0),
    ).toBe(true);
    expect(confirmPullErrors([], [{ id: 'platform-missing' }])).toEqual([]);
  });
});
