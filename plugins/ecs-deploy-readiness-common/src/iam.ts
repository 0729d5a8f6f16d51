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

/**
 * One ECR permission the image inspection engine needs, and what it uses it for.
 *
 * @public
 */
export interface EnginePermission {
  /** The IAM action, e.g. `ecr:BatchGetImage`. */
  action: string;
  /** What the engine reads with it. */
  purpose: string;
  /** Whether the action is granted on repositories or, like GetAuthorizationToken, only on `*`. */
  scope: 'repository' | 'account';
}

/**
 * Every ECR permission the engine (the CLI, the backend audit, the deployment gate) needs to read
 * an image of a private ECR repository. The one definition: the IAM policy below, the fix of an
 * `unverifiable` finding and docs/iam-policy.md are made from it. Without one of them, the checks
 * it feeds end `unverifiable`.
 *
 * @public
 */
export const ENGINE_ECR_PERMISSIONS: readonly EnginePermission[] = [
  {
    action: 'ecr:GetAuthorizationToken',
    purpose:
      "log in to the registry's Distribution endpoint, as docker does, to read image configs",
    scope: 'account',
  },
  {
    action: 'ecr:BatchGetImage',
    purpose: 'read manifests and indexes, and check that a digest still exists',
    scope: 'repository',
  },
  {
    action: 'ecr:GetDownloadUrlForLayer',
    purpose:
      'read image config blobs through the Distribution endpoint (ECR redirects blob reads to S3)',
    scope: 'repository',
  },
  {
    action: 'ecr:BatchCheckLayerAvailability',
    purpose: 'check that every layer of the image exists',
    scope: 'repository',
  },
  {
    action: 'ecr:DescribeImages',
    purpose:
      'image size, push and pull times, archive status; the image list for lifecycle rules',
    scope: 'repository',
  },
  {
    action: 'ecr:DescribeRepositories',
    purpose: 'tag mutability and its exclusion filters',
    scope: 'repository',
  },
  {
    action: 'ecr:GetLifecyclePolicy',
    purpose: 'lifecycle rules that may expire or archive an image in use',
    scope: 'repository',
  },
];

/**
 * The least-privilege IAM policy for the engine's ECR reads, from
 * {@link ENGINE_ECR_PERMISSIONS}. The repository statement names `<region>` and `<account-id>`
 * placeholders (fixes fill them from the image); use `*` for every region.
 *
 * @public
 */
export const ENGINE_ECR_IAM_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'EcrLogin',
      Effect: 'Allow',
      Action: ENGINE_ECR_PERMISSIONS.filter(p => p.scope === 'account').map(
        p => p.action,
      ),
      Resource: '*',
    },
    {
      Sid: 'EcrReadImages',
      Effect: 'Allow',
      Action: ENGINE_ECR_PERMISSIONS.filter(p => p.scope === 'repository').map(
        p => p.action,
      ),
      Resource: 'arn:aws:ecr:<region>:<account-id>:repository/*',
    },
  ],
} as const;
