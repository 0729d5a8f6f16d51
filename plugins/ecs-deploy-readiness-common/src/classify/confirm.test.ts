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

import { classifyPullError } from './classifyPullError';
import { checksConfirming, confirmPullErrors } from './confirm';

describe('confirmPullErrors', () => {
  const history = [
    classifyPullError(
      "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
    ),
    classifyPullError(
      "CannotPullContainerError: ref pull has been retried 1 time(s): number of layers and diffIDs don't match: 3 != 15",
    ),
    classifyPullError(
      'CannotPullContainerError: API error (500): Get https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection',
    ),
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
    expect(confirmed[0].fix).toEqual(history[0].fix);
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
    const blob = classifyPullError(
      `content at https://r.example.com/v2/app/blobs/sha256:${'a'.repeat(
        64,
      )} not found: not found`,
    );
    expect(blob.category).toBe('other');
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
