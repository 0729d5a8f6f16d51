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

import { describeEvidence, formatValue } from './evidence';

describe('describeEvidence', () => {
  it('says which platforms an index has and which one the task needs', () => {
    const { summary, details } = describeEvidence({
      digest: 'sha256:abc',
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: ['linux/arm64'],
      attestationCount: 1,
      entryCount: 2,
      wanted: 'linux/amd64',
      osVersions: [],
    });
    expect(summary).toEqual([
      'index platforms: linux/arm64, unknown/unknown; task needs linux/amd64',
    ]);
    expect(details).toEqual([
      { label: 'Digest', value: 'sha256:abc', code: true },
      {
        label: 'Media type',
        value: 'application/vnd.oci.image.index.v1+json',
        code: true,
      },
      { label: 'Entry count', value: '2' },
    ]);
  });

  it('reads a single-platform image built for another platform', () => {
    expect(
      describeEvidence({
        wanted: 'linux/amd64',
        found: 'linux/arm64/v8',
        source: 'config',
      }).summary,
    ).toEqual(['image built for linux/arm64/v8; task needs linux/amd64']);
  });

  it('reads mixed layer compression and layer counts', () => {
    const { summary, details } = describeEvidence({
      compressions: ['gzip', 'zstd'],
      countsByCompression: { gzip: 12, zstd: 3 },
      layerMediaTypes: [
        'application/vnd.oci.image.layer.v1.tar+gzip',
        'application/vnd.oci.image.layer.v1.tar+zstd',
      ],
    });
    expect(summary).toEqual(['layers: 12 gzip, 3 zstd']);
    expect(details).toEqual([
      {
        label: 'Layer media types',
        value:
          'application/vnd.oci.image.layer.v1.tar+gzip, application/vnd.oci.image.layer.v1.tar+zstd',
        code: true,
      },
    ]);
    expect(
      describeEvidence({ layerCount: 3, diffIdCount: 15 }).summary,
    ).toEqual(['manifest layers: 3; config diff_ids: 15']);
  });

  it('reads an AWS call that failed, with the permission to grant', () => {
    expect(
      describeEvidence({
        code: 'AccessDeniedException',
        message: 'not authorized',
        api: 'ecs:DescribeServices',
        accountId: '333333333333',
        region: 'eu-west-1',
        permission: 'ecs:DescribeServices',
      }),
    ).toEqual({
      summary: [
        'AccessDeniedException on ecs:DescribeServices (333333333333 eu-west-1): not authorized: grant ecs:DescribeServices',
      ],
      details: [],
    });
  });

  it('reads a link annotation that cannot be followed, and a registry error', () => {
    expect(
      describeEvidence({
        annotation: 'aws.amazon.com/amazon-ecs-service-arn',
        value: 'arn:aws:ecs:bogus',
        reason: 'not an ECS service ARN',
      }).summary,
    ).toEqual([
      'aws.amazon.com/amazon-ecs-service-arn: arn:aws:ecs:bogus (not an ECS service ARN)',
    ]);
    expect(
      describeEvidence({
        registry: 'ghcr.io',
        repository: 'acme/app',
        httpStatus: 401,
        errorKind: 'unauthorized',
        message: 'authentication required',
      }),
    ).toEqual({
      summary: ['ghcr.io answered HTTP 401: authentication required'],
      details: [{ label: 'Repository', value: 'acme/app' }],
    });
  });

  it('humanises any other key, joins arrays, flattens objects and leaves out empty values', () => {
    expect(
      describeEvidence({
        withoutCredentials: true,
        sociIndexes: ['sha256:1', 'sha256:2'],
        descriptors: [
          { at: 'manifests[0]', problems: ['no digest', 'no size'] },
        ],
        nothing: null,
        empty: [],
      }).details,
    ).toEqual([
      { label: 'Without credentials', value: 'yes' },
      { label: 'SOCI indexes', value: 'sha256:1, sha256:2', code: true },
      {
        label: 'Descriptors',
        value: 'at: manifests[0]; problems: (no digest, no size)',
      },
    ]);
  });

  it('copes with evidence that is not an object', () => {
    expect(describeEvidence(undefined)).toEqual({ summary: [], details: [] });
    expect(describeEvidence(['x'])).toEqual({ summary: [], details: [] });
    expect(formatValue(1234)).toBe((1234).toLocaleString());
  });
});
