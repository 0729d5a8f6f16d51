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

import {
  Finding,
  FixVars,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  SOCI,
  TagMutabilityVerdict,
  createFinding,
  evaluateLifecyclePolicy,
  evaluateTagMutability,
  parseLifecyclePolicy,
  shortDigest,
} from '../analysis';
import type { ImageReference } from '../reference/types';
import { RegistryError } from '../registry/types';
import type { ImageDetails, RegistryClient } from '../registry/types';
import { attempt } from './cancel';
import type { RegistryReader } from './registryReader';
import { findingForRegistryError } from './registryFindings';

/*
 * The checks that ask the registry about the repository rather than read the image: tag
 * mutability, the lifecycle policy, what ECR says about the image, and whether the digests that
 * running tasks use still exist. Each takes a context and returns findings (and the facts it
 * saw); none of them changes shared state.
 */

/** What a registry check knows. */
export interface RegistryCheckContext {
  reader: RegistryReader;
  client: RegistryClient;
  reference: ImageReference;
  /** The reference's fix variables, with the resolved digest and pinned reference. */
  vars: FixVars;
  signal?: AbortSignal;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNotFound(error: unknown): boolean {
  return error instanceof RegistryError && error.kind === 'manifest-not-found';
}

/**
 * A reference by tag without a digest whose tag the repository lets move (`mutable-tag-reference`).
 */
export async function checkTagMutability(
  ctx: RegistryCheckContext,
  versionConsistency: 'enabled' | 'disabled' = 'enabled',
): Promise<{ findings: Finding[]; tagMutability: TagMutabilityVerdict }> {
  const { reference: ref, vars } = ctx;
  const info = await attempt(() =>
    ctx.reader.repositoryInfo(ctx.client, ref.repository, ctx.signal),
  );
  const tag = ref.tag ?? 'latest';
  const verdict = evaluateTagMutability(
    info.ok ? info.value : undefined,
    tag,
    ref.kind === 'ecr' ? 'ecr' : 'other',
  );
  if (!verdict.mutable) return { findings: [], tagMutability: verdict };
  const consequence =
    versionConsistency === 'disabled'
      ? 'with versionConsistency disabled, each new task resolves the tag again and may run a different image'
      : 'ECS pins the digest at deployment, so moving the tag and deleting the old image makes new tasks fail with "manifest unknown"';
  const finding = createFinding('mutable-tag-reference', {
    title: `"${ref.original}" has no digest and the tag can move (${verdict.reason}); ${consequence}`,
    evidence: {
      tag,
      tagDefaulted: ref.tagDefaulted,
      tagMutability: verdict.mutability,
      matchedFilter: verdict.matchedFilter,
      versionConsistency,
      pinnedReference: vars.pinnedReference,
      repositorySettingsError: info.ok ? undefined : errorMessage(info.error),
    },
    vars,
  });
  return { findings: [finding], tagMutability: verdict };
}

/** What {@link checkImageDetails} knows of the resolved image besides its digest. */
export interface ImageDetailsOptions {
  /** The digest of the manifest the platform's entry leads to, when it differs. */
  platformManifestDigest?: string;
  /** True when the image is a SOCI-enabled image (SOCI index manifest v2). */
  sociV2?: boolean;
}

/**
 * What the registry says about the resolved image (ECR DescribeImages), and whether it has only
 * a deprecated v1 SOCI index (`soci-index-v1`). ECR's `imageSizeInBytes` is not judged: it can
 * be 0 for valid schema 1 images and indexes; emptiness is read from the manifest's layers.
 */
export async function checkImageDetails(
  ctx: RegistryCheckContext,
  digest: string,
  options: ImageDetailsOptions = {},
): Promise<{ findings: Finding[]; details?: ImageDetails }> {
  const details = await attempt(() =>
    ctx.reader.describeImage(
      ctx.client,
      ctx.reference.repository,
      digest,
      ctx.signal,
    ),
  );
  // Details are extra evidence: when they cannot be read the image checks still stand.
  if (!details.ok || !details.value) return { findings: [] };
  const findings = options.sociV2
    ? []
    : await checkSociIndexV1(ctx, [
        digest,
        ...(options.platformManifestDigest
          ? [options.platformManifestDigest]
          : []),
      ]);
  return { findings, details: details.value };
}

/**
 * A v1 SOCI index (a referrer whose `subjectManifestDigest` is the image and whose artifact media
 * type is `application/vnd.amazon.soci.index.v1+json`) on an image without a SOCI index manifest
 * v2: lazy loading rests on a deprecated format. Read from the repository's image list (ECR
 * DescribeImages lists referrers as untagged images); when it cannot be read, nothing is said.
 */
async function checkSociIndexV1(
  ctx: RegistryCheckContext,
  digests: readonly string[],
): Promise<Finding[]> {
  if (!ctx.client.listImages) return [];
  const images = await attempt(() =>
    ctx.reader.listImages(ctx.client, ctx.reference.repository, ctx.signal),
  );
  if (!images.ok || !images.value) return [];
  const v1 = images.value.filter(
    i =>
      i.subjectManifestDigest !== undefined &&
      digests.includes(i.subjectManifestDigest) &&
      i.artifactMediaType === SOCI.indexV1ArtifactType,
  );
  if (v1.length === 0) return [];
  const subject = v1[0].subjectManifestDigest!;
  return [
    createFinding('soci-index-v1', {
      title: `The image ${shortDigest(
        subject,
      )} has only a v1 SOCI index (deprecated): convert it to a SOCI index manifest v2 to keep lazy loading on Fargate`,
      evidence: {
        digest: subject,
        sociIndexes: v1.map(i => i.digest),
        artifactMediaType: SOCI.indexV1ArtifactType,
      },
      vars: { ...ctx.vars },
    }),
  ];
}

/**
 * Each digest that running tasks use: still there, archived, or deleted
 * (`deployed-digest-missing`).
 */
export async function checkDeployedDigests(
  ctx: RegistryCheckContext,
  digests: readonly string[],
): Promise<Finding[]> {
  const findings = await Promise.all(
    digests.map(digest => checkDeployedDigest(ctx, digest)),
  );
  return findings.flat();
}

async function checkDeployedDigest(
  ctx: RegistryCheckContext,
  digest: string,
): Promise<Finding[]> {
  const { reference: ref, reader, client, signal } = ctx;
  const vars = { ...ctx.vars, digest };
  let archivedAt: Date | undefined;
  const archived = (status: string) => [
    createFinding('image-archived', {
      title: `The digest running tasks use, ${shortDigest(digest)}, ${
        status === 'ACTIVATING'
          ? 'is being restored from the ECR archive and cannot be pulled yet'
          : 'is archived in ECR and cannot be pulled until restored'
      }: new tasks of this deployment will fail with "manifest unknown"`,
      evidence: {
        digest,
        repository: ref.repository,
        registry: ref.registry,
        status,
        role: 'deployed',
        lastArchivedAt: archivedAt,
      },
      vars,
    }),
  ];
  const missing = (reason: string, status?: string) => [
    createFinding('deployed-digest-missing', {
      title: `The digest running tasks use, ${shortDigest(
        digest,
      )}, ${reason}: new tasks of this deployment will fail with "manifest unknown"`,
      evidence: {
        digest,
        repository: ref.repository,
        registry: ref.registry,
        status,
      },
      vars,
    }),
  ];
  const unverifiable = (error: unknown) => [
    findingForRegistryError(error, 'deployed-digest', {
      reference: ref,
      vars,
      digest,
    }),
  ];
  // ECR: DescribeImages also tells an ARCHIVED or ACTIVATING image, which cannot be pulled.
  if (client.describeImage) {
    const details = await attempt(() =>
      reader.describeImage(client, ref.repository, digest, signal),
    );
    if (details.ok && details.value) {
      const status = details.value.status?.toUpperCase();
      archivedAt = details.value.lastArchivedAt;
      if (status === 'ARCHIVED' || status === 'ACTIVATING') {
        return archived(status);
      }
      return [];
    }
    if (!details.ok && !isNotFound(details.error)) {
      return unverifiable(details.error);
    }
    if (!details.ok) return missing('no longer exists in the registry');
  }
  // Registries without DescribeImages (and an image it did not list) are asked directly.
  const exists = await attempt(() =>
    reader.manifestExists(client, ref.repository, digest, signal),
  );
  if (exists.ok) {
    return exists.value ? [] : missing('no longer exists in the registry');
  }
  if (
    exists.error instanceof RegistryError &&
    exists.error.kind === 'image-archived'
  ) {
    return archived('ARCHIVED');
  }
  return isNotFound(exists.error)
    ? missing('no longer exists in the registry')
    : unverifiable(exists.error);
}

/**
 * Whether a lifecycle rule of the repository will expire or archive an image in use
 * (`lifecycle-expires-in-use-image`), and when.
 */
export async function checkLifecycle(
  ctx: RegistryCheckContext,
  inUse: ReadonlyArray<{ digest: string; role: 'resolved' | 'deployed' }>,
  now: Date,
): Promise<{ findings: Finding[]; hasLifecyclePolicy?: boolean }> {
  const { reference: ref, reader, client, signal, vars } = ctx;
  if (inUse.length === 0 || !client.getRepositoryInfo || !client.listImages) {
    return { findings: [] };
  }
  const unreadable = (
    error: unknown,
    stage: 'repository-settings' | 'lifecycle',
  ) => findingForRegistryError(error, stage, { reference: ref, vars });
  const info = await attempt(() =>
    reader.repositoryInfo(client, ref.repository, signal),
  );
  if (!info.ok) {
    return { findings: [unreadable(info.error, 'repository-settings')] };
  }
  if (!info.value) return { findings: [] };
  const hasLifecyclePolicy = info.value.lifecyclePolicyText !== undefined;
  if (!info.value.lifecyclePolicyText) {
    return { findings: [], hasLifecyclePolicy };
  }
  const policy = parseLifecyclePolicy(info.value.lifecyclePolicyText);
  if (!policy.ok) {
    return {
      findings: [
        createFinding('unverifiable', {
          title: `The repository's lifecycle policy could not be evaluated: ${policy.reason}`,
          evidence: { stage: 'lifecycle', reason: policy.reason },
          vars,
        }),
      ],
      hasLifecyclePolicy,
    };
  }
  const images = await attempt(() =>
    reader.listImages(client, ref.repository, signal),
  );
  if (!images.ok) {
    return {
      findings: [unreadable(images.error, 'lifecycle')],
      hasLifecyclePolicy,
    };
  }
  const outcomes = evaluateLifecyclePolicy(
    policy.rules,
    images.value ?? [],
    now,
  );
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const { digest, role } of inUse) {
    const outcome = outcomes.get(digest);
    if (!outcome || seen.has(digest)) continue;
    seen.add(digest);
    const { rule } = outcome;
    const verb = rule.action === 'transition' ? 'archive' : 'expire';
    const when = outcome.due
      ? 'at its next run (within 24 hours)'
      : `on ${outcome.at.toISOString().slice(0, 10)}`;
    findings.push(
      createFinding('lifecycle-expires-in-use-image', {
        title: `Lifecycle rule ${rule.rulePriority}${
          rule.description ? ` ("${rule.description}")` : ''
        } will ${verb} the ${
          role === 'deployed' ? 'deployed' : 'referenced'
        } image ${shortDigest(digest)} ${when}`,
        evidence: {
          digest,
          role,
          rulePriority: rule.rulePriority,
          ruleDescription: rule.description,
          action: rule.action,
          targetStorageClass: rule.targetStorageClass,
          tagStatus: rule.tagStatus,
          tagPrefixList: rule.tagPrefixList,
          tagPatternList: rule.tagPatternList,
          countType: rule.countType,
          countNumber: rule.countNumber,
          rank: outcome.rank,
          at: outcome.at,
          due: outcome.due,
        },
        vars: { ...vars, digest },
      }),
    );
  }
  return { findings, hasLifecyclePolicy };
}
