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

import { EcrRepositoryModel, regionKey } from '../scenario/model';
import { isTag } from '../scenario/reference';
import { evaluate, PolicyDecision, Principal } from '../scenario/policy';
import { isDigest, StoredImage } from '../scenario/repository';
import {
  AwsApiError,
  AwsJsonService,
  CallContext,
  checkBatch,
} from './awsJson';
import { paginate } from './pagination';
import { issueEcrToken } from './tokens';

const DAY = 86_400_000;

function registryOf(input: Record<string, any>, ctx: CallContext): string {
  if (input.registryId === undefined || input.registryId === null)
    return ctx.account;
  if (
    typeof input.registryId !== 'string' ||
    !/^\d{12}$/.test(input.registryId)
  ) {
    throw new AwsApiError(
      'InvalidParameterException',
      "Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''",
    );
  }
  return input.registryId;
}

function reposOf(
  input: Record<string, any>,
  ctx: CallContext,
): Map<string, EcrRepositoryModel> {
  return (
    ctx.world.ecr.get(regionKey(registryOf(input, ctx), ctx.region)) ??
    new Map()
  );
}

function repositoryNotFound(name: string, registry: string): AwsApiError {
  return new AwsApiError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registry}'`,
  );
}

/**
 * Throws AccessDeniedException unless the caller may perform `iamAction` on the repository. The
 * registry's own account may (identity policies are not modelled) unless the repository policy
 * denies it explicitly; another account needs a repository policy statement that allows it, as
 * ECR evaluates cross-account calls ("is not authorized to perform: ecr:DescribeImages on
 * resource: arn:aws:ecr:…:repository/… because no resource-based policy allows the
 * ecr:DescribeImages action"). An unknown repository of another account is denied too: nothing
 * allows it.
 */
export function authorizeRepository(
  principal: Principal,
  registry: string,
  repo: EcrRepositoryModel | undefined,
  iamAction: string,
  resourceArn: string,
): void {
  const decision = repo?.repositoryPolicy
    ? evaluate(repo.repositoryPolicy, principal, iamAction)
    : 'none';
  if (decision === 'allow') return;
  if (decision === 'none' && registry === principal.account) return;
  throw new AwsApiError(
    'AccessDeniedException',
    accessDeniedMessage(principal, iamAction, resourceArn, decision),
  );
}

export function accessDeniedMessage(
  principal: Principal,
  iamAction: string,
  resourceArn: string,
  decision: PolicyDecision,
): string {
  return `User: ${
    principal.arn
  } is not authorized to perform: ${iamAction} on resource: ${resourceArn} ${
    decision === 'deny'
      ? 'with an explicit deny in a resource-based policy'
      : `because no resource-based policy allows the ${iamAction} action`
  }`;
}

/** The IAM action a call needs: its own, except ListImageReferrers (ecr:BatchGetImage). */
function iamActionOf(ctx: CallContext): string {
  return ctx.action === 'ListImageReferrers'
    ? 'ecr:BatchGetImage'
    : `ecr:${ctx.action}`;
}

function findRepository(
  input: Record<string, any>,
  ctx: CallContext,
): EcrRepositoryModel {
  const name = input.repositoryName;
  if (typeof name !== 'string' || !name) {
    throw new AwsApiError(
      'InvalidParameterException',
      "1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint: Member must not be null",
    );
  }
  const registry = registryOf(input, ctx);
  const repo = reposOf(input, ctx).get(name);
  authorizeRepository(
    ctx.principal,
    registry,
    repo,
    iamActionOf(ctx),
    `arn:aws:ecr:${ctx.region}:${registry}:repository/${name}`,
  );
  if (!repo) throw repositoryNotFound(name, registry);
  return repo;
}

function repositoryToApi(repo: EcrRepositoryModel) {
  return {
    repositoryArn: repo.arn,
    registryId: repo.account,
    repositoryName: repo.name,
    repositoryUri: repo.uri,
    createdAt: repo.createdAt,
    imageTagMutability: repo.tagMutability,
    ...(repo.exclusionFilters.length
      ? { imageTagMutabilityExclusionFilters: repo.exclusionFilters }
      : {}),
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  };
}

function imageToApi(repo: EcrRepositoryModel, image: StoredImage, now: Date) {
  return {
    registryId: repo.account,
    repositoryName: repo.name,
    imageDigest: image.digest,
    ...(image.tags.length ? { imageTags: image.tags } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: image.pushedAt,
    imageManifestMediaType: image.manifest.mediaType,
    ...(image.artifactMediaType
      ? { artifactMediaType: image.artifactMediaType }
      : {}),
    ...(image.lastPulledAt ? { lastRecordedPullTime: image.lastPulledAt } : {}),
    ...(image.subjectDigest
      ? { subjectManifestDigest: image.subjectDigest }
      : {}),
    imageStatus: image.status,
    ...(image.archivedAt || image.status === 'ARCHIVED'
      ? {
          lastArchivedAt:
            image.archivedAt ??
            new Date(
              Math.min(now.getTime(), image.pushedAt.getTime() + 30 * DAY),
            ),
        }
      : {}),
  };
}

/** The images DescribeImages and ListImages see: ACTIVE only unless the filter says otherwise. */
function statusFilter(input: Record<string, any>): (i: StoredImage) => boolean {
  const status = input.filter?.imageStatus ?? 'ACTIVE';
  if (!['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY'].includes(status)) {
    throw new AwsApiError(
      'InvalidParameterException',
      `Invalid imageStatus filter '${status}'`,
    );
  }
  const tagStatus = input.filter?.tagStatus ?? 'ANY';
  if (!['TAGGED', 'UNTAGGED', 'ANY'].includes(tagStatus)) {
    throw new AwsApiError(
      'InvalidParameterException',
      `Invalid tagStatus filter '${tagStatus}'`,
    );
  }
  return i =>
    (status === 'ANY' || i.status === status) &&
    (tagStatus === 'ANY' || (tagStatus === 'TAGGED') === i.tags.length > 0);
}

function describeImageId(id: { imageDigest?: string; imageTag?: string }) {
  return `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${
    id.imageTag ?? 'null'
  }'}`;
}

type Lookup =
  | { image: StoredImage; tag?: string }
  | { failureCode: string; failureReason: string };

/** Resolves an ImageIdentifier as ECR does, with ECR's failure codes. */
function lookup(repo: EcrRepositoryModel, id: unknown): Lookup {
  const { imageDigest, imageTag } = (id ?? {}) as {
    imageDigest?: unknown;
    imageTag?: unknown;
  };
  if (imageDigest === undefined && imageTag === undefined) {
    return {
      failureCode: 'MissingDigestAndTag',
      failureReason:
        'Invalid request. Neither image digest nor tag was provided',
    };
  }
  if (
    imageDigest !== undefined &&
    (typeof imageDigest !== 'string' || !isDigest(imageDigest))
  ) {
    return {
      failureCode: 'InvalidImageDigest',
      failureReason: 'Invalid image digest',
    };
  }
  if (
    imageTag !== undefined &&
    (typeof imageTag !== 'string' || !isTag(imageTag))
  ) {
    return {
      failureCode: 'InvalidImageTag',
      failureReason: 'Invalid image tag',
    };
  }
  const byTag =
    imageTag !== undefined
      ? repo.content.resolve(imageTag as string)
      : undefined;
  const byDigest =
    imageDigest !== undefined
      ? repo.content.resolve(imageDigest as string)
      : undefined;
  if (
    imageTag !== undefined &&
    imageDigest !== undefined &&
    byTag &&
    byTag !== byDigest
  ) {
    return {
      failureCode: 'ImageTagDoesNotMatchDigest',
      failureReason: 'Provided image tag does not match digest',
    };
  }
  const image = byDigest ?? byTag;
  if (!image)
    return {
      failureCode: 'ImageNotFound',
      failureReason: 'Requested image not found',
    };
  return { image, tag: imageTag as string | undefined };
}

function describeRepositories(input: Record<string, any>, ctx: CallContext) {
  const repos = reposOf(input, ctx);
  const registry = registryOf(input, ctx);
  if (input.repositoryNames === undefined && registry !== ctx.account) {
    // Listing another registry needs ecr:DescribeRepositories on all of it, which no
    // repository policy can grant.
    throw new AwsApiError(
      'AccessDeniedException',
      accessDeniedMessage(
        ctx.principal,
        'ecr:DescribeRepositories',
        `arn:aws:ecr:${ctx.region}:${registry}:repository/*`,
        'none',
      ),
    );
  }
  if (input.repositoryNames !== undefined) {
    if (input.nextToken !== undefined || input.maxResults !== undefined) {
      throw new AwsApiError(
        'InvalidParameterException',
        'Cannot specify nextToken or maxResults together with repositoryNames',
      );
    }
    const names = checkBatch(
      input.repositoryNames,
      'repositoryNames',
      100,
      'validation',
    );
    return {
      repositories: names.map(n => {
        const repo = repos.get(String(n));
        authorizeRepository(
          ctx.principal,
          registry,
          repo,
          'ecr:DescribeRepositories',
          `arn:aws:ecr:${ctx.region}:${registry}:repository/${String(n)}`,
        );
        if (!repo) throw repositoryNotFound(String(n), registry);
        return repositoryToApi(repo);
      }),
    };
  }
  const { page, nextToken } = paginate(
    [...repos.values()],
    {
      ...input,
      defaultSize: 100,
      maxSize: 1000,
      query: ['DescribeRepositories', registryOf(input, ctx)],
    },
    ctx.signer,
  );
  return { repositories: page.map(repositoryToApi), nextToken };
}

function describeImages(input: Record<string, any>, ctx: CallContext) {
  const repo = findRepository(input, ctx);
  const visible = statusFilter(input);
  if (input.imageIds !== undefined) {
    if (input.nextToken !== undefined || input.maxResults !== undefined) {
      throw new AwsApiError(
        'InvalidParameterException',
        'Cannot specify nextToken or maxResults together with imageIds',
      );
    }
    const ids = checkBatch(input.imageIds, 'imageIds', 100, 'validation');
    const seen = new Set<string>();
    const details: unknown[] = [];
    for (const id of ids) {
      const found = lookup(repo, id);
      if (!('image' in found) || !visible(found.image)) {
        throw new AwsApiError(
          'ImageNotFoundException',
          `The image with imageId ${describeImageId(
            id as any,
          )} does not exist within the repository with name '${
            repo.name
          }' in the registry with id '${repo.account}'`,
        );
      }
      if (!seen.has(found.image.digest)) {
        seen.add(found.image.digest);
        details.push(imageToApi(repo, found.image, ctx.world.now));
      }
    }
    return { imageDetails: details };
  }
  const images = repo.content.list().filter(visible);
  const { page, nextToken } = paginate(
    images,
    {
      ...input,
      defaultSize: 100,
      maxSize: 1000,
      query: ['DescribeImages', repo.arn, input.filter ?? null],
    },
    ctx.signer,
  );
  return {
    imageDetails: page.map(i => imageToApi(repo, i, ctx.world.now)),
    nextToken,
  };
}

function listImages(input: Record<string, any>, ctx: CallContext) {
  const repo = findRepository(input, ctx);
  const visible = statusFilter(input);
  const ids = repo.content
    .list()
    .filter(visible)
    .flatMap(i =>
      i.tags.length
        ? i.tags.map(tag => ({ imageDigest: i.digest, imageTag: tag }))
        : [{ imageDigest: i.digest }],
    );
  const { page, nextToken } = paginate(
    ids,
    {
      ...input,
      defaultSize: 100,
      maxSize: 1000,
      query: ['ListImages', repo.arn, input.filter ?? null],
    },
    ctx.signer,
  );
  return { imageIds: page, nextToken };
}

function batchGetImage(input: Record<string, any>, ctx: CallContext) {
  const repo = findRepository(input, ctx);
  const ids = checkBatch(input.imageIds, 'imageIds', 100, 'validation');
  const accepted: unknown[] | undefined =
    input.acceptedMediaTypes === undefined
      ? undefined
      : checkBatch(
          input.acceptedMediaTypes,
          'acceptedMediaTypes',
          100,
          'validation',
        );
  const images: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const found = lookup(repo, id);
    if (!('image' in found)) {
      failures.push({ imageId: id, ...found });
      continue;
    }
    const { image, tag } = found;
    if (image.status !== 'ACTIVE') {
      failures.push({
        imageId: id,
        failureCode: 'ImageNotFound',
        failureReason: `Requested image is ${image.status.toLowerCase()}; restore it to pull it`,
      });
      continue;
    }
    if (accepted && !accepted.includes(image.manifest.mediaType)) {
      failures.push({
        imageId: id,
        failureCode: 'ImageNotFound',
        failureReason: `Requested image not found: its manifest media type ${image.manifest.mediaType} is not in acceptedMediaTypes`,
      });
      continue;
    }
    images.push({
      registryId: repo.account,
      repositoryName: repo.name,
      imageId: { imageDigest: image.digest, ...(tag ? { imageTag: tag } : {}) },
      imageManifest: image.manifest.data.toString('utf8'),
      imageManifestMediaType: image.manifest.mediaType,
    });
  }
  return { images, failures };
}

function batchCheckLayerAvailability(
  input: Record<string, any>,
  ctx: CallContext,
) {
  const repo = findRepository(input, ctx);
  const digests = checkBatch(
    input.layerDigests,
    'layerDigests',
    100,
    'validation',
  );
  const layers: unknown[] = [];
  const failures: unknown[] = [];
  const referencedBy = (digest: string) =>
    repo.content.list().filter(i => {
      const m = i.manifest.json;
      return (
        m.config?.digest === digest ||
        (m.layers ?? []).some((l: any) => l.digest === digest)
      );
    });
  for (const d of digests) {
    const digest = String(d);
    if (!isDigest(digest)) {
      failures.push({
        layerDigest: digest,
        failureCode: 'InvalidLayerDigest',
        failureReason: 'Invalid layer digest',
      });
      continue;
    }
    const blob = repo.content.blob(digest);
    if (!blob) {
      failures.push({
        layerDigest: digest,
        failureCode: 'MissingLayerDigest',
        failureReason: 'Could not find the layer',
      });
      continue;
    }
    const users = referencedBy(digest);
    const archived =
      users.length > 0 && users.every(i => i.status === 'ARCHIVED');
    layers.push({
      layerDigest: digest,
      layerAvailability: archived ? 'ARCHIVED' : 'AVAILABLE',
      layerSize: blob.size,
      mediaType: blob.mediaType,
    });
  }
  return { layers, failures };
}

function getLifecyclePolicy(input: Record<string, any>, ctx: CallContext) {
  const repo = findRepository(input, ctx);
  if (!repo.lifecyclePolicyText) {
    throw new AwsApiError(
      'LifecyclePolicyNotFoundException',
      `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.account}'`,
    );
  }
  return {
    registryId: repo.account,
    repositoryName: repo.name,
    lifecyclePolicyText: repo.lifecyclePolicyText,
    lastEvaluatedAt: new Date(ctx.world.now.getTime() - 3_600_000),
  };
}

function getRepositoryPolicy(input: Record<string, any>, ctx: CallContext) {
  const repo = findRepository(input, ctx);
  if (!repo.repositoryPolicyText) {
    throw new AwsApiError(
      'RepositoryPolicyNotFoundException',
      `Repository policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.account}'`,
    );
  }
  return {
    registryId: repo.account,
    repositoryName: repo.name,
    policyText: repo.repositoryPolicyText,
  };
}

/**
 * The token is the caller's, for the signing region: the same one whatever `registryIds` says
 * (a deprecated parameter that only changes `proxyEndpoint`). Another account's registry accepts
 * it only where that repository's policy allows the caller (see distribution.ts).
 */
function getAuthorizationToken(input: Record<string, any>, ctx: CallContext) {
  const registries: unknown[] =
    Array.isArray(input.registryIds) && input.registryIds.length
      ? input.registryIds
      : [ctx.account];
  return {
    authorizationData: registries.map(r => {
      const { token, expiresAt } = issueEcrToken(
        ctx.signer,
        ctx.principal,
        ctx.region,
      );
      return {
        authorizationToken: Buffer.from(`AWS:${token}`, 'utf8').toString(
          'base64',
        ),
        expiresAt,
        proxyEndpoint: `${ctx.baseUrl}/ecr/${r}/${ctx.region}`,
      };
    }),
  };
}

function listImageReferrers(input: Record<string, any>, ctx: CallContext) {
  const repo = findRepository(input, ctx);
  const digest = input.subjectId?.imageDigest;
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw new AwsApiError(
      'InvalidParameterException',
      'subjectId.imageDigest must be a digest',
    );
  }
  const types: unknown[] | undefined = input.filter?.artifactTypes;
  // Only ACTIVE referrers unless filter.artifactStatus says ARCHIVED, ACTIVATING or ANY (ECR API
  // reference, ListImageReferrersFilter).
  const status = input.filter?.artifactStatus ?? 'ACTIVE';
  if (!['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY'].includes(status)) {
    throw new AwsApiError(
      'InvalidParameterException',
      `Invalid artifactStatus filter '${status}'`,
    );
  }
  const referrers = repo.content
    .referrers(digest)
    .filter(i => status === 'ANY' || i.status === status)
    .filter(i => !types || types.includes(i.manifest.json.artifactType))
    .map(i => ({
      digest: i.digest,
      mediaType: i.manifest.mediaType,
      ...(i.manifest.json.artifactType
        ? { artifactType: i.manifest.json.artifactType }
        : {}),
      size: i.manifest.size,
      ...(i.manifest.json.annotations
        ? { annotations: i.manifest.json.annotations }
        : {}),
      artifactStatus: i.status,
    }));
  const { page, nextToken } = paginate(
    referrers,
    {
      ...input,
      // 20 by default, at most 50 (ListImageReferrersRequest.maxResults in the ECR model).
      defaultSize: 20,
      maxSize: 50,
      query: ['ListImageReferrers', repo.arn, digest, types, status],
    },
    ctx.signer,
  );
  return { referrers: page, nextToken };
}

/** The Amazon ECR API (AWS JSON 1.1, `AmazonEC2ContainerRegistry_V20150921`). */
export const ecrService: AwsJsonService = {
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  iamPrefix: 'ecr',
  throttlingErrorType: 'ThrottlingException',
  handlers: {
    DescribeRepositories: describeRepositories,
    DescribeImages: describeImages,
    ListImages: listImages,
    BatchGetImage: batchGetImage,
    BatchCheckLayerAvailability: batchCheckLayerAvailability,
    GetLifecyclePolicy: getLifecyclePolicy,
    GetRepositoryPolicy: getRepositoryPolicy,
    GetAuthorizationToken: getAuthorizationToken,
    ListImageReferrers: listImageReferrers,
  },
  resourceOf: (input, account, region) =>
    typeof input.repositoryName === 'string'
      ? `arn:aws:ecr:${region}:${account}:repository/${input.repositoryName}`
      : undefined,
};
