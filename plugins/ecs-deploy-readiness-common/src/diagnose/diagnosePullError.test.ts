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

import { classifyPullError } from '../classify';
import type { Finding } from '../types';
import { diagnosePullError } from './diagnosePullError';

const finding = (id: Finding['id'], extra: Partial<Finding> = {}): Finding => ({
  id,
  severity: 'blocking',
  title: `found ${id}`,
  evidence: {},
  fixKey: id,
  fixVars: {},
  ...extra,
});

// Docker Hub's answer for a missing repository, a private one without credentials, or a
// malformed name: the text cannot tell them apart.
const PULL_ACCESS_DENIED =
  "CannotPullContainerError: Error response from daemon: pull access denied for acme/api, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";
const PLATFORM =
  "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'";

describe('diagnosePullError', () => {
  it('lets the message decide when no finding confirms a candidate', () => {
    const classified = classifyPullError(PULL_ACCESS_DENIED);

    const diagnosis = diagnosePullError(classified, [
      finding('mutable-tag-reference', { severity: 'risk' }),
    ]);

    expect(diagnosis).toMatchObject({
      category: classified.category,
      fixKey: classified.fixKey,
      decidedBy: 'message',
      evidence: [],
      ambiguousMessage: classified.ambiguous,
    });
  });

  it('picks, among an ambiguous message candidates, the one a finding of the service confirms', () => {
    const classified = classifyPullError(PULL_ACCESS_DENIED);
    expect(classified.ambiguous).toBe(true);
    const categories = classified.candidates.map(c => c.category);
    expect(categories).toEqual(
      expect.arrayContaining([
        'repository-not-found',
        'access-denied-registry-auth',
      ]),
    );

    const privateRepo = diagnosePullError(classified, [
      finding('registry-auth-required', {
        title: 'docker.io serves acme/api only with credentials',
        container: 'app',
      }),
    ]);
    const missingRepo = diagnosePullError(classified, [
      finding('repository-not-found'),
    ]);

    expect(privateRepo).toMatchObject({
      category: 'access-denied-registry-auth',
      fixKey: 'registry-auth-required',
      confidence: 'high',
      decidedBy: 'evidence',
      evidence: [
        {
          checkId: 'registry-auth-required',
          title: 'docker.io serves acme/api only with credentials',
        },
      ],
      ambiguousMessage: true,
    });
    expect(missingRepo).toMatchObject({
      category: 'repository-not-found',
      decidedBy: 'evidence',
    });
  });

  it('takes the deciding finding fix, tailored with its image and platform', () => {
    const diagnosis = diagnosePullError(classifyPullError(PLATFORM), [
      finding('platform-missing', {
        fixVars: { image: 'acme/web:1', platform: 'linux/amd64' },
      }),
    ]);

    expect(diagnosis).toMatchObject({
      category: 'platform-mismatch',
      fixKey: 'platform-missing',
      fixVars: { image: 'acme/web:1', platform: 'linux/amd64' },
      decidedBy: 'evidence',
    });
  });

  it('does not take a finding about another container as evidence', () => {
    const diagnosis = diagnosePullError(
      classifyPullError(PLATFORM),
      [finding('platform-missing', { container: 'sidecar' })],
      { container: 'app' },
    );

    expect(diagnosis.decidedBy).toBe('message');
  });
});

describe('diagnosePullError on a container that cannot start', () => {
  const START =
    'CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "node": executable file not found in $PATH: unknown';

  it('names the empty image when the audit found one, and the missing command otherwise', () => {
    const classified = classifyPullError(START);
    expect(classified.category).toBe('other');

    expect(
      diagnosePullError(classified, [finding('empty-image')]),
    ).toMatchObject({
      category: 'other',
      fixKey: 'empty-image',
      decidedBy: 'evidence',
    });
    expect(diagnosePullError(classified, []).decidedBy).toBe('message');
  });
});
