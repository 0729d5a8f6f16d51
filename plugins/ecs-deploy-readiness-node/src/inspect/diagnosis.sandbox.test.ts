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

/*
 * Issue 9 against the ECS sandbox with the real ECR SDK client: what ECR says about an image
 * (archived, being restored, a referrer, a v1 SOCI index, archive and pull dates) reaches the
 * findings unflattened.
 */

import { ECRClient } from '@aws-sdk/client-ecr';
import { fixFor } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { startSandbox } from 'ecs-sandbox';
import { DefaultRegistryClientProvider } from '../registry/DefaultRegistryClientProvider';
import { ImageInspector } from './ImageInspector';

const ACCOUNT = '123456789012';
const KEY = 'AKIATESTDIAGNOSIS01';
const REGION = 'eu-west-1';
const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const SOCI_V1 = 'application/vnd.amazon.soci.index.v1+json';

const lifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: 'delete archived images after 90 days in the archive',
      selection: {
        tagStatus: 'any',
        storageClass: 'archive',
        countType: 'sinceImageTransitioned',
        countUnit: 'days',
        countNumber: 90,
      },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'archive what nobody pulled for 30 days',
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['idle*'],
        countType: 'sinceImagePulled',
        countUnit: 'days',
        countNumber: 30,
      },
      action: { type: 'transition', targetStorageClass: 'archive' },
    },
  ],
};

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let inspector: ImageInspector;

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: {
      accounts: [{ id: ACCOUNT, accessKeyId: KEY }],
      regions: [REGION],
      images: {
        web: { layers: 2 },
        archived: { layers: 1 },
        restoring: { layers: 1 },
        old: { kind: 'schema1', layers: 4 },
        lazy: { soci: 'v2', platforms: ['linux/amd64', 'linux/arm64'] },
        plain: { layers: 1 },
        'plain-soci': {
          kind: 'artifact',
          artifactType: SOCI_V1,
          configMediaType: SOCI_V1,
          blobs: [{ mediaType: 'application/octet-stream', content: 'ztoc' }],
          subject: 'plain',
        },
        signature: {
          kind: 'artifact',
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          blobs: [
            {
              mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
              content: '{}',
            },
          ],
          subject: 'web',
        },
        idle: { layers: 1 },
      },
      ecr: [
        {
          name: 'app',
          tagMutability: 'IMMUTABLE',
          lifecyclePolicy,
          images: [
            { image: 'web', tags: ['v1'] },
            {
              image: 'archived',
              tags: ['v0'],
              status: 'ARCHIVED',
              pushedAt: '-200d',
              archivedAt: '-85d',
            },
            { image: 'restoring', tags: ['v-1'], status: 'ACTIVATING' },
            { image: 'old', tags: ['legacy'] },
            { image: 'lazy', tags: ['lazy'] },
            { image: 'plain', tags: ['plain'] },
            { image: 'plain-soci' },
            { image: 'signature', tags: ['sig'] },
            {
              image: 'idle',
              tags: ['idle-1'],
              pushedAt: '-60d',
              lastPulledAt: '-25d',
            },
          ],
        },
      ],
    },
  });
  const provider = new DefaultRegistryClientProvider({
    allowLoopback: true,
    ecrClientFactory: region =>
      new ECRClient({
        region,
        endpoint: sandbox.url,
        credentials: { accessKeyId: KEY, secretAccessKey: 'sandbox' },
      }),
    ecrDistributionEndpoint: ecr =>
      `${sandbox.url}/ecr/${ecr.accountId}/${ecr.region}`,
  });
  inspector = ImageInspector.create({ registryClientProvider: provider });
});

afterAll(() => sandbox?.stop());

const ids = (findings: ReadonlyArray<{ id: string; severity: string }>) =>
  findings.map(f => `${f.id}:${f.severity}`);

async function digestOf(tag: string): Promise<string> {
  const resolved = await inspector.resolveDigest(`${ECR}/app:${tag}`);
  if (!resolved.ok) throw new Error(resolved.finding.title);
  return resolved.digest;
}

describe('ECR facts in the inspection (sandbox, real SDK client)', () => {
  it('reports an archived tag as image-archived, whose fix is a restore', async () => {
    const result = await inspector.inspectImage({ image: `${ECR}/app:v0` });
    expect(ids(result.findings)).toEqual(['image-archived:blocking']);
    const fix = fixFor(result.findings[0].fixKey, result.findings[0].fixVars);
    const commands = fix.steps.map(s => s.command ?? '').join('\n');
    expect(commands).toContain(
      `aws ecr update-image-storage-class --region ${REGION} --repository-name app`,
    );
    expect(commands).toContain('--target-storage-class STANDARD');
    expect(commands).not.toContain('--push');
  });

  it('reports an image being restored (ACTIVATING) as image-archived too', async () => {
    const result = await inspector.inspectImage({ image: `${ECR}/app:v-1` });
    expect(ids(result.findings)).toEqual(['image-archived:blocking']);
  });

  it('reports a deployed digest that is archived as image-archived, and when the archive rule deletes it', async () => {
    const archived = sandbox.world.ecr
      .get(`${ACCOUNT}/${REGION}`)
      ?.get('app')
      ?.content.list()
      .find(i => i.status === 'ARCHIVED')?.digest;
    expect(archived).toBeDefined();
    const result = await inspector.inspectImage({
      image: `${ECR}/app:v1`,
      deployedDigests: [archived!],
    });
    expect(ids(result.findings)).toEqual([
      'image-archived:blocking',
      'lifecycle-expires-in-use-image:risk',
    ]);
    const lifecycle = result.findings[1].evidence;
    expect(lifecycle).toMatchObject({
      countType: 'sinceImageTransitioned',
      rulePriority: 1,
      due: false,
    });
    // Archived 85 days ago, deleted after 90 days in the archive: in about 5 days.
    const days =
      (Date.parse(String(lifecycle.at)) - Date.now()) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(4);
    expect(days).toBeLessThan(6);
  });

  it('evaluates sinceImagePulled from the last recorded pull', async () => {
    const result = await inspector.inspectImage({ image: `${ECR}/app:idle-1` });
    expect(ids(result.findings)).toEqual([
      'lifecycle-expires-in-use-image:risk',
    ]);
    expect(result.findings[0].evidence).toMatchObject({
      countType: 'sinceImagePulled',
      action: 'transition',
    });
    const days =
      (Date.parse(String(result.findings[0].evidence.at)) - Date.now()) /
      (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(4);
    expect(days).toBeLessThan(6);
  });

  it('does not call a 4-layer schema 1 image empty because ECR says 0 bytes', async () => {
    const result = await inspector.inspectImage({
      image: `${ECR}/app:legacy`,
    });
    expect(result.facts.registryImage).toMatchObject({ sizeInBytes: 0 });
    expect(ids(result.findings)).toEqual(['schema1-manifest:blocking']);
  });

  it('runs a SOCI-enabled image (SOCI index manifest v2) on both platforms', async () => {
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const result = await inspector.inspectImage({
        image: `${ECR}/app:lazy`,
        platform,
      });
      expect(ids(result.findings)).toEqual([]);
      expect(result.status).toBe('ready');
      expect(result.facts.index?.platforms).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
      expect(result.facts.index?.attestationCount).toBe(0);
    }
  });

  it('flags an image that has only a v1 SOCI index', async () => {
    const result = await inspector.inspectImage({
      image: `${ECR}/app:plain`,
    });
    expect(ids(result.findings)).toEqual(['soci-index-v1:risk']);
    expect(result.findings[0].evidence.digest).toBe(await digestOf('plain'));
  });

  it('blocks a tag on a referrer (ECR subjectManifestDigest)', async () => {
    const result = await inspector.inspectImage({ image: `${ECR}/app:sig` });
    expect(ids(result.findings)).toEqual(['not-an-image:blocking']);
    expect(result.facts.registryImage).toMatchObject({
      subjectManifestDigest: await digestOf('v1'),
    });
    expect(result.findings[0].evidence.subject).toBe(await digestOf('v1'));
  });

  it('tells a missing pinned digest from a missing tag', async () => {
    const missing = `sha256:${'9'.repeat(64)}`;
    const byDigest = await inspector.inspectImage({
      image: `${ECR}/app@${missing}`,
    });
    expect(ids(byDigest.findings)).toEqual(['digest-not-found:blocking']);
    const byTag = await inspector.inspectImage({ image: `${ECR}/app:nope` });
    expect(ids(byTag.findings)).toEqual(['tag-not-found:blocking']);
  });
});
