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
import { createFinding, shortDigest } from '../analysis';
import type { ImageReference } from '../reference/types';
import { RegistryError, RegistryErrorKind } from '../registry/types';

/**
 * Where in the inspection a registry call failed.
 *
 * @internal
 */
export type InspectionStage =
  | 'registry'
  | 'manifest'
  | 'platform-manifest'
  | 'config'
  | 'blobs'
  | 'image-details'
  | 'repository-settings'
  | 'deployed-digest'
  | 'lifecycle';

const STAGE_LABELS: Record<InspectionStage, string> = {
  registry: 'connecting to the registry',
  manifest: 'reading the manifest',
  'platform-manifest': "reading the platform's manifest",
  config: 'reading the image config',
  blobs: 'checking that the layers exist',
  'image-details': 'reading the image details',
  'repository-settings': "reading the repository's settings",
  'deployed-digest': 'checking the deployed digest',
  lifecycle: "evaluating the repository's lifecycle policy",
};

const REASONS: Record<RegistryErrorKind, string> = {
  'invalid-argument': 'the registry rejected the request as malformed',
  canceled: 'the inspection was canceled',
  'repository-not-found': 'the repository does not exist',
  'manifest-not-found': 'the manifest does not exist',
  'image-archived':
    'the image is archived in ECR (or being restored) and cannot be pulled',
  'blob-not-found': 'a blob does not exist',
  unauthorized: 'the registry requires credentials or rejected them',
  denied: 'access denied',
  'rate-limited': 'the registry rate-limited the auditor',
  throttled: 'the AWS API throttled the auditor',
  timeout: 'the registry did not answer in time',
  network: 'the registry could not be reached',
  'too-large': 'the registry sent a document larger than the safety limit',
  'digest-mismatch': 'the registry sent content that does not match its digest',
  'blocked-address':
    'the registry address is private or loopback and not allowed',
  'redirect-limit': 'the registry redirected too many times',
  'bad-response': 'the registry sent an unexpected response',
};

/** What the finding is about. */
export interface RegistryFindingContext {
  reference: ImageReference;
  vars: FixVars;
  /** The digest being fetched, when there is one. */
  digest?: string;
  /**
   * The read was made without credentials because ECS pulls this image without any (a
   * non-ECR image of a container without `repositoryCredentials`): a registry that refuses it
   * refuses ECS too (`registry-auth-required`), whatever credentials the auditor holds.
   */
  pulledWithoutCredentials?: boolean;
}

/**
 * Turns a failed registry call into a finding: a missing repository, tag, pinned digest,
 * platform manifest or blob is a fact about the image, each with its own id, and so are an
 * archived image (`image-archived`: restore it, do not push it) and a reference the registry
 * rejects as malformed (`invalid-reference`: ECS would be refused the same way); anything else
 * means the auditor could not see, and says why (`unverifiable`). A canceled call never gets
 * here: the inspection ends as canceled.
 *
 * @internal
 */
export function findingForRegistryError(
  error: unknown,
  stage: InspectionStage,
  ctx: RegistryFindingContext,
): Finding {
  const { reference: ref, vars } = ctx;
  const location = `${ref.registry}/${ref.repository}`;
  if (error instanceof RegistryError) {
    const evidence = {
      registry: error.registry ?? ref.registry,
      repository: ref.repository,
      stage,
      errorKind: error.kind,
      httpStatus: error.httpStatus,
      awsCode: error.awsCode,
      networkCode: error.networkCode,
      message: error.message,
      digest: ctx.digest,
    };
    if (error.kind === 'invalid-argument') {
      return createFinding('invalid-reference', {
        title: `${ref.registry} rejects ${ref.original} as malformed while ${STAGE_LABELS[stage]}: ${error.message}`,
        evidence,
        vars,
      });
    }
    if (error.kind === 'repository-not-found') {
      return createFinding('repository-not-found', {
        title: `Repository ${ref.repository} does not exist in ${ref.registry}`,
        evidence,
        vars,
      });
    }
    if (error.kind === 'image-archived') {
      const digest = ctx.digest ?? ref.digest;
      const what = digest
        ? `The image ${shortDigest(digest)}`
        : `The image tagged "${ref.tag ?? 'latest'}"`;
      return createFinding('image-archived', {
        title: `${what} is archived in ${location} (or being restored): it cannot be pulled until it is restored`,
        evidence: {
          ...evidence,
          role: stage === 'deployed-digest' ? 'deployed' : 'resolved',
          tag: ref.tag,
        },
        vars: digest ? { ...vars, digest } : vars,
      });
    }
    if (error.kind === 'manifest-not-found' && stage === 'manifest') {
      if (ref.digest) {
        return createFinding('digest-not-found', {
          title: `Digest ${shortDigest(ref.digest)} not found in ${location}`,
          evidence: { ...evidence, tag: ref.tag, digest: ref.digest },
          vars,
        });
      }
      return createFinding('tag-not-found', {
        title: `Tag "${ref.tag ?? 'latest'}" not found in ${location}`,
        evidence: { ...evidence, tag: ref.tag },
        vars,
      });
    }
    if (error.kind === 'manifest-not-found' && stage === 'platform-manifest') {
      return createFinding('platform-manifest-missing', {
        title: `The platform's manifest${
          ctx.digest ? ` ${shortDigest(ctx.digest)}` : ''
        } that the index lists is missing from ${location}`,
        evidence: { ...evidence, missing: ctx.digest ? [ctx.digest] : [] },
        vars,
      });
    }
    if (error.kind === 'blob-not-found') {
      return createFinding('missing-blob', {
        title: `A blob${
          ctx.digest ? ` ${shortDigest(ctx.digest)}` : ''
        } the image needs is missing from ${location}`,
        evidence: { ...evidence, missing: ctx.digest ? [ctx.digest] : [] },
        vars,
      });
    }
    if (
      ctx.pulledWithoutCredentials &&
      (error.kind === 'unauthorized' || error.kind === 'denied')
    ) {
      const hub = ref.kind === 'dockerhub';
      return createFinding('registry-auth-required', {
        title: hub
          ? `Docker Hub refuses ${ref.original} without credentials: the repository is private or does not exist, and the container has no repositoryCredentials, so ECS cannot pull it`
          : `${ref.registry} refuses ${ref.original} without credentials, and the container has no repositoryCredentials: ECS pulls it anonymously and will be refused`,
        evidence: { ...evidence, withoutCredentials: true },
        vars,
      });
    }
    const anonymousHub =
      ref.kind === 'dockerhub' && error.kind === 'unauthorized';
    const reason = anonymousHub
      ? 'Docker Hub refused access: the repository does not exist or is private'
      : REASONS[error.kind] ?? error.message;
    return createFinding('unverifiable', {
      title: `Could not verify ${ref.original} while ${STAGE_LABELS[stage]}: ${reason}`,
      evidence: { ...evidence, reason },
      vars,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return createFinding('unverifiable', {
    title: `Could not verify ${ref.original} while ${STAGE_LABELS[stage]}: ${message}`,
    evidence: {
      registry: ref.registry,
      repository: ref.repository,
      stage,
      errorKind: 'unexpected',
      message,
      reason: message,
      digest: ctx.digest,
    },
    vars,
  });
}
