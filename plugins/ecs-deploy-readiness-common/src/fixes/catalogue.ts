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

import type { DocLink, FixStep } from '../types';
import { ENGINE_ECR_IAM_POLICY, ENGINE_ECR_PERMISSIONS } from '../iam';
import { MANIFEST_MEDIA_TYPES } from '../mediaTypes';
import type { FixCatalogueEntry } from './types';

// Documentation shared by several entries. Only stable docs.aws.amazon.com pages.
const DOCS = {
  ecsIamActions: {
    title:
      'Actions, resources, and condition keys for Amazon Elastic Container Service',
    url: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html',
  },
  ecsRequestThrottling: {
    title: 'Request throttling for the Amazon ECS API',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html',
  },
  cannotPull: {
    title: 'Amazon ECS: CannotPullContainer task errors',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html',
  },
  stoppedTaskErrors: {
    title: 'Amazon ECS: viewing stopped task errors',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html',
  },
  resourceInitialization: {
    title: 'Amazon ECS: troubleshooting ResourceInitializationError errors',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/resource-initialization-error.html',
  },
  executionRole: {
    title: 'Amazon ECS task execution IAM role',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html',
  },
  ecrOnEcs: {
    title: 'Using Amazon ECR images with Amazon ECS',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_ECS.html',
  },
  ecrRepositoryPolicies: {
    title: 'Amazon ECR private repository policies',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html',
  },
  ecrVpcEndpoints: {
    title: 'Amazon ECR interface VPC endpoints (AWS PrivateLink)',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html',
  },
  ecsVpcEndpoints: {
    title: 'Amazon ECS interface VPC endpoints (AWS PrivateLink)',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html',
  },
  privateAuth: {
    title: 'Private registry authentication for tasks',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html',
  },
  sensitiveData: {
    title: 'Passing sensitive data to an Amazon ECS container',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html',
  },
  serviceQuotas: {
    title: 'Amazon ECS service quotas',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html',
  },
  taskDefinitionParameters: {
    title: 'Amazon ECS task definition parameters',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html',
  },
  arm64: {
    title: 'Amazon ECS task definitions for 64-bit ARM workloads',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm64.html',
  },
  multiArch: {
    title: 'Pushing a multi-architecture image to Amazon ECR',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-multi-architecture-image.html',
  },
  pushImage: {
    title: 'Pushing a Docker image to Amazon ECR',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html',
  },
  manifestFormats: {
    title: 'Amazon ECR: container image manifest format support',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-manifest-formats.html',
  },
  batchGetImage: {
    title: 'Amazon ECR API: BatchGetImage',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html',
  },
  tagMutability: {
    title: 'Amazon ECR: preventing image tags from being overwritten',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html',
  },
  putImageTagMutability: {
    title: 'Amazon ECR API: PutImageTagMutability',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html',
  },
  lifecyclePolicies: {
    title: 'Amazon ECR lifecycle policies',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html',
  },
  lifecycleExamples: {
    title: 'Examples of Amazon ECR lifecycle policies',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html',
  },
  rollingDeployments: {
    title: 'Amazon ECS rolling update deployments (container image resolution)',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html',
  },
  pullThroughCache: {
    title: 'Amazon ECR pull through cache rules',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html',
  },
  ecrQuotas: {
    title: 'Amazon ECR service quotas',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html',
  },
  fargateStorage: {
    title: 'Fargate task ephemeral storage',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html',
  },
  agentConfig: {
    title: 'Amazon ECS container agent configuration',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html',
  },
  imageCleanup: {
    title: 'Amazon ECS automated task and image cleanup',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/automated_image_cleanup.html',
  },
  ecrArchive: {
    title: 'Amazon ECR: archiving an image',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html',
  },
  updateImageStorageClass: {
    title: 'Amazon ECR API: UpdateImageStorageClass',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateImageStorageClass.html',
  },
  ecrEncryption: {
    title: 'Amazon ECR encryption at rest',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html',
  },
  ecsOptimizedAmi: {
    title: 'Amazon ECS-optimized Linux AMIs',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-optimized_AMI.html',
  },
  lazyLoading: {
    title:
      'Amazon ECS: container image considerations (SOCI lazy loading on Fargate)',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-considerations.html',
  },
  updateService: {
    title: 'Amazon ECS API: UpdateService',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html',
  },
  serviceArnMigration: {
    title: 'Migrate an Amazon ECS short service ARN to a long ARN',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-arn-migration.html',
  },
  getResources: {
    title: 'Resource Groups Tagging API: GetResources',
    url: 'https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html',
  },
} satisfies Record<string, DocLink>;

const ACCEPTED_MEDIA_TYPES = MANIFEST_MEDIA_TYPES.join(' ');

/** The container definition fragment that gives a container registry credentials. */
const REPOSITORY_CREDENTIALS_SNIPPET = JSON.stringify(
  {
    repositoryCredentials: {
      credentialsParameter:
        'arn:aws:secretsmanager:<region>:<account-id>:secret:<secret-name>',
    },
  },
  null,
  2,
);

// Steps shared by several entries: one definition each.
const STEP = {
  redeploy: {
    text: 'Start a new deployment so that new tasks resolve and pull the fixed image.',
    command:
      'aws ecs update-service --cluster <cluster> --service <service> --force-new-deployment',
    language: 'shell',
  },
  inspectManifest: {
    text: 'Look at the manifest ECS receives. Pass every manifest media type, or ECR converts or refuses the manifest.',
    command: `aws ecr batch-get-image --region <region> --repository-name <repository> --image-ids imageTag=<tag> --accepted-media-types ${ACCEPTED_MEDIA_TYPES} --query 'images[0].imageManifest' --output text`,
    language: 'shell',
  },
  inspectAnyRegistry: {
    text: 'Outside ECR, show the index or manifest with its platforms and layer media types.',
    command: 'docker buildx imagetools inspect --raw <image>',
    language: 'shell',
  },
  rebuildForPlatform: {
    text: 'Rebuild for the task platform without attestation manifests, and push straight from buildx so the local image store cannot rewrite the manifest.',
    command:
      'docker buildx build --platform <platform> --provenance=false --sbom=false -t <image> --push .',
    language: 'shell',
  },
  oneCompressionZstd: {
    text: 'Rebuild so that every layer, base image layers included, uses one compression. With docker/build-push-action set outputs (zstd with OCI media types shown; compression=gzip works the same way):',
    command:
      'outputs: type=image,oci-mediatypes=true,compression=zstd,compression-level=3,force-compression=true',
    language: 'yaml',
  },
  oneCompressionGzipCli: {
    text: 'Or, with the docker CLI, force gzip for every layer, which every ECS runtime can read:',
    command:
      'docker buildx build --platform <platform> --provenance=false --output type=image,name=<image>,oci-mediatypes=true,compression=gzip,force-compression=true,push=true .',
    language: 'shell',
  },
  recompressWithRegctl: {
    text: 'Or recompress the image already in the registry without rebuilding it (regclient):',
    command: 'regctl image mod <image> --replace --layer-compress gzip',
    language: 'shell',
  },
  executionRolePolicy: {
    text: 'Give the task execution role (Fargate) or the container instance role (EC2) permission to pull from ECR, for example with this policy:',
    command: JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ecr:GetAuthorizationToken'],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: [
              'ecr:BatchGetImage',
              'ecr:GetDownloadUrlForLayer',
              'ecr:BatchCheckLayerAvailability',
            ],
            Resource:
              'arn:aws:ecr:<region>:<account-id>:repository/<repository>',
          },
        ],
      },
      null,
      2,
    ),
    language: 'json',
  },
  secretsPolicy: {
    text: 'Let the task execution role read the secret and decrypt it (kms:Decrypt only matters for a customer managed KMS key; ssm:GetParameters for SSM parameters):',
    command: JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameters'],
            Resource: [
              'arn:aws:secretsmanager:<region>:<account-id>:secret:<secret-name>',
              'arn:aws:ssm:<region>:<account-id>:parameter/<parameter-name>',
            ],
          },
          {
            Effect: 'Allow',
            Action: ['kms:Decrypt'],
            Resource: 'arn:aws:kms:<region>:<account-id>:key/<key-id>',
          },
        ],
      },
      null,
      2,
    ),
    language: 'json',
  },
  vpcEndpointsInterface: {
    text: 'In a private subnet without a NAT gateway, add interface VPC endpoints for ECR (API and Docker registry) and CloudWatch Logs, plus Secrets Manager / SSM if the task uses secrets, with private DNS enabled:',
    command: [
      'for service in ecr.api ecr.dkr logs secretsmanager; do',
      '  aws ec2 create-vpc-endpoint --region <region> --vpc-id <vpc-id> --vpc-endpoint-type Interface \\',
      '    --service-name com.amazonaws.<region>.$service --subnet-ids <subnet-ids> \\',
      '    --security-group-ids <endpoint-security-group-id> --private-dns-enabled',
      'done',
    ].join('\n'),
    language: 'shell',
  },
  vpcEndpointS3: {
    text: 'ECR serves image layers from Amazon S3: add the S3 gateway endpoint to the route tables of the task subnets.',
    command:
      'aws ec2 create-vpc-endpoint --region <region> --vpc-id <vpc-id> --vpc-endpoint-type Gateway --service-name com.amazonaws.<region>.s3 --route-table-ids <route-table-ids>',
    language: 'shell',
  },
  securityGroups: {
    text: "Otherwise give the subnet a route to the internet (NAT gateway, or a public subnet with assignPublicIp=ENABLED on Fargate), and check that the task's security group allows outbound HTTPS (443) and the endpoints' security group allows inbound 443 from the tasks.",
  },
  redeployNewRevision: {
    text: 'Register a task definition revision with the corrected image and deploy it.',
    command:
      'aws ecs register-task-definition --cli-input-json file://task-definition.json && aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
    language: 'shell',
  },
} satisfies Record<string, FixStep>;

/**
 * Every fix, one entry per cause. Entries are keyed by every check id and pull-error category
 * that share the cause; see `FIX_CATALOGUE` for the lookup by key.
 *
 * @public
 */
export const FIX_CATALOGUE_ENTRIES: readonly FixCatalogueEntry[] = [
  {
    keys: ['platform-missing', 'platform-mismatch'],
    alsoConfirmedBy: ['attestation-in-index'],
    title: 'The image has no variant for the task platform[[ (<platform>)]]',
    explanation:
      'The image[[ <image>]] contains no variant for the platform the task runs on[[ (<platform>)]]: typically an arm64-only build from an Apple silicon Mac, or an index whose only other entry is a BuildKit attestation (platform unknown/unknown). The pull fails with "does not contain descriptor matching platform", or, for a single-platform image of the wrong architecture, the container exits with "exec format error".',
    steps: [
      STEP.inspectManifest,
      STEP.inspectAnyRegistry,
      STEP.rebuildForPlatform,
      {
        text: 'To serve both x86_64 and ARM64 tasks from one tag, build a multi-platform image:',
        command:
          'docker buildx build --platform linux/amd64,linux/arm64 --provenance=false --sbom=false -t <image> --push .',
        language: 'shell',
      },
      {
        text: 'Or, if the image is meant to be ARM64 only, run the task on ARM64 (Fargate and Graviton EC2 instances) by setting the runtime platform in the task definition:',
        command: JSON.stringify(
          {
            runtimePlatform: {
              cpuArchitecture: 'ARM64',
              operatingSystemFamily: 'LINUX',
            },
          },
          null,
          2,
        ),
        language: 'json',
      },
      STEP.redeploy,
    ],
    docs: [
      DOCS.cannotPull,
      DOCS.arm64,
      DOCS.multiArch,
      DOCS.taskDefinitionParameters,
    ],
  },
  {
    keys: ['mixed-layer-compression', 'mixed-compression'],
    alsoConfirmedBy: ['zstd-docker-media-type'],
    title: 'The image mixes gzip and zstd layers',
    explanation:
      'Some layers of the image[[ <image>]] are gzip-compressed (usually the base image) and others zstd-compressed (added by your build), or the other way round. The container runtime on ECS does not unpack such an image consistently: the layers it ends up with no longer line up with the rootfs.diff_ids of the image config, and the pull fails with "number of layers and diffIDs don\'t match".',
    steps: [
      STEP.inspectManifest,
      STEP.oneCompressionZstd,
      STEP.oneCompressionGzipCli,
      STEP.recompressWithRegctl,
      STEP.redeploy,
    ],
    docs: [DOCS.cannotPull, DOCS.manifestFormats],
  },
  {
    keys: ['zstd-docker-media-type'],
    title: 'zstd layers under a Docker media type',
    explanation:
      'At least one layer of the image[[ <image>]] is zstd-compressed but labelled with the Docker media type application/vnd.docker.image.rootfs.diff.tar.zstd, which the Docker image manifest v2 spec does not define. The runtime then rejects the layers ("mismatched image rootfs and manifest layers") or reads compressed bytes as a tar stream ("archive/tar: invalid tar header").',
    steps: [
      STEP.inspectManifest,
      {
        text: 'Rebuild with OCI media types, which define zstd layers (application/vnd.oci.image.layer.v1.tar+zstd):',
        command:
          'docker buildx build --platform <platform> --provenance=false --output type=image,name=<image>,oci-mediatypes=true,compression=zstd,force-compression=true,push=true .',
        language: 'shell',
      },
      {
        text: 'For tasks on EC2 with an older Docker engine, use gzip instead, which every runtime reads:',
        command:
          'docker buildx build --platform <platform> --provenance=false --output type=image,name=<image>,oci-mediatypes=true,compression=gzip,force-compression=true,push=true .',
        language: 'shell',
      },
      STEP.recompressWithRegctl,
      STEP.redeploy,
    ],
    docs: [DOCS.cannotPull, DOCS.manifestFormats],
  },
  {
    keys: ['layer-diffid-mismatch', 'layer-count-mismatch'],
    alsoConfirmedBy: ['zstd-docker-media-type', 'mixed-layer-compression'],
    title: "The manifest's layers do not match the image config",
    explanation:
      'The manifest of the image[[ <image>]] lists a different number of layers than the rootfs.diff_ids of its image config, or a layer does not unpack to the digest the config expects. The image was assembled inconsistently (for example a tool rewrote or recompressed layers without updating the config, or layers came from two builds), so the runtime refuses it with "mismatched image rootfs and manifest layers".',
    steps: [
      {
        text: 'Compare the number of layers in the manifest with the number of diff_ids in the config (regclient shown):',
        command:
          "regctl manifest get <image> --platform <platform> --format '{{len .Layers}}'\nregctl image config <image> --platform <platform> --format '{{len .RootFS.DiffIDs}}'",
        language: 'shell',
      },
      {
        text: 'Rebuild and push with one tool in one step, so the manifest and config are written together:',
        command:
          'docker buildx build --platform <platform> --provenance=false -t <image> --push .',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.cannotPull, DOCS.manifestFormats],
  },
  {
    keys: [
      'unsupported-layer-media-type',
      'not-an-image',
      'empty-image',
      'attestation-media-type',
    ],
    title:
      'The reference points at an attestation, artifact or empty image, not a runnable image',
    explanation:
      'The reference[[ <image>]] resolves to something the runtime cannot unpack: a BuildKit attestation (layers of type application/vnd.in-toto+json), an SBOM, a signature or another OCI artifact, or an empty image left by a failed push (older AWS CDK asset publishing could leave a 0-byte image in ECR). The pull fails with "no processor for media-type" or "unsupported media type".',
    steps: [
      {
        text: 'Check what the tag points at: size, manifest and artifact media type.',
        command:
          'aws ecr describe-images --region <region> --repository-name <repository> --image-ids imageTag=<tag>',
        language: 'shell',
      },
      STEP.rebuildForPlatform,
      {
        text: 'With AWS CDK, update the CDK CLI, drop the asset cache and delete the broken image before deploying again:',
        command:
          'npm install -g aws-cdk@latest\nrm -rf cdk.out\naws ecr batch-delete-image --region <region> --repository-name <repository> --image-ids imageTag=<tag>\ncdk deploy',
        language: 'shell',
      },
      {
        text: 'If the task definition pins a digest, make sure it is the digest of the image (or of the index), not of an attestation or signature manifest.',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.cannotPull, DOCS.manifestFormats, DOCS.pushImage],
  },
  {
    keys: ['schema1-manifest', 'unsupported-manifest-schema'],
    title: 'The image uses the retired Docker schema 1 manifest format',
    explanation:
      'The image[[ <image>]] is stored as a Docker Image Manifest V2, Schema 1 (application/vnd.docker.distribution.manifest.v1+prettyjws). containerd 2.x and recent Docker engines refuse to pull it, and registries are dropping it, so the pull fails depending on the runtime version of the host.',
    steps: [
      {
        text: 'Convert the image to schema 2 in place (skopeo writes a schema 2 manifest):',
        command: 'skopeo copy --format v2s2 docker://<image> docker://<image>',
        language: 'shell',
      },
      {
        text: 'Or rebuild it from its Dockerfile with a current builder and push it again:',
        command:
          'docker buildx build --platform <platform> --provenance=false -t <image> --push .',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.manifestFormats, DOCS.cannotPull],
  },
  {
    keys: ['tag-not-found', 'manifest-unknown-tag'],
    alsoConfirmedBy: ['lifecycle-expires-in-use-image', 'image-archived'],
    title: 'The image tag does not exist[[: <repository>:<tag>]]',
    explanation:
      'The registry has the repository but no image with the tag[[ <tag>]]. The tag was never pushed (a failed or skipped CI push, a typo, another account or region), or it was removed by hand or by a lifecycle policy.',
    steps: [
      {
        text: 'List the tags the repository has.',
        command:
          "aws ecr describe-images --region <region> --repository-name <repository> --query 'sort_by(imageDetails,&imagePushedAt)[-10:].[imageTags,imageDigest,imagePushedAt]' --output table",
        language: 'shell',
      },
      {
        text: 'Push the missing tag (or correct the tag in the task definition).',
        command:
          'docker buildx build --platform <platform> --provenance=false -t <image> --push .',
        language: 'shell',
      },
      {
        text: 'Check whether a lifecycle policy removes such tags.',
        command:
          'aws ecr get-lifecycle-policy --region <region> --repository-name <repository>',
        language: 'shell',
      },
      STEP.redeployNewRevision,
    ],
    docs: [DOCS.cannotPull, DOCS.pushImage, DOCS.lifecyclePolicies],
  },
  {
    keys: ['deployed-digest-missing', 'manifest-unknown-digest-deleted'],
    alsoConfirmedBy: [
      'lifecycle-expires-in-use-image',
      'mutable-tag-reference',
      'digest-not-found',
      'image-archived',
    ],
    title: 'The image digest the deployment runs was deleted',
    explanation:
      'Since June 2024 ECS resolves each tag to a digest once per deployment (software version consistency), and every later task of that deployment, scale-outs and replacements included, pulls that digest. The image[[ <digest>]] is gone from the repository[[ <repository>]] (deleted by hand, expired or archived by a lifecycle policy, or untagged when the tag moved and then cleaned up), so new tasks fail with "manifest unknown" even though the tag still exists.',
    steps: [
      {
        text: 'Confirm the digest is gone.',
        command:
          'aws ecr describe-images --region <region> --repository-name <repository> --image-ids imageDigest=<digest>',
        language: 'shell',
      },
      {
        text: 'Start a new deployment: it resolves the tag again to the image that exists now.',
        command:
          'aws ecs update-service --cluster <cluster> --service <service> --force-new-deployment',
        language: 'shell',
      },
      {
        text: 'If that exact image must run, push it back under its old digest from a copy you still have (another region, registry or a local build cache), or restore it if it was archived.',
      },
      {
        text: 'To prevent it: pin digests in the task definition (repo:tag@sha256:…), keep images that running services use out of lifecycle expiry, or make the tags immutable.',
        command:
          'aws ecr put-image-tag-mutability --region <region> --repository-name <repository> --image-tag-mutability IMMUTABLE',
        language: 'shell',
      },
    ],
    docs: [
      DOCS.rollingDeployments,
      DOCS.lifecyclePolicies,
      DOCS.tagMutability,
      DOCS.cannotPull,
    ],
  },
  {
    keys: ['repository-not-found'],
    title: 'The repository does not exist[[: <repository>]]',
    explanation:
      'The registry[[ <registry>]] has no repository[[ called <repository>]], or not in the account and region the image reference names. Docker Hub answers "pull access denied … repository does not exist or may require \'docker login\'" both for a missing repository and for a private one pulled without credentials.',
    steps: [
      {
        text: 'Check the repository exists in the account and region of the image reference.',
        command:
          'aws ecr describe-repositories --region <region> --registry-id <account-id> --repository-names <repository>',
        language: 'shell',
      },
      {
        text: 'Create it and push the image, or correct the reference in the task definition.',
        command:
          'aws ecr create-repository --region <region> --repository-name <repository>',
        language: 'shell',
      },
      {
        text: 'For a Docker Hub or other private repository, give the task credentials (repositoryCredentials) or copy the image into ECR.',
      },
      STEP.redeployNewRevision,
    ],
    docs: [DOCS.cannotPull, DOCS.ecrOnEcs, DOCS.privateAuth],
  },
  {
    keys: ['invalid-reference'],
    title: 'The image reference is not valid',
    explanation:
      'The image field of the container definition[[ ("<image>")]] is not a valid reference, so nothing can be pulled. Common causes: upper-case letters in the repository, spaces or a trailing newline, an empty tag ("repo:"), a malformed digest, a URL scheme such as https://, or an unexpanded variable like ${TAG}.',
    steps: [
      {
        text: 'Write the reference as [registry/]repository[:tag][@sha256:<64 hex digits>]; repository names are lowercase letters, digits and separators (. _ - /), tags are at most 128 characters of [A-Za-z0-9_.-].',
      },
      {
        text: 'Check the corrected reference resolves before deploying.',
        command: 'docker buildx imagetools inspect <image>',
        language: 'shell',
      },
      STEP.redeployNewRevision,
    ],
    docs: [DOCS.taskDefinitionParameters, DOCS.cannotPull],
  },
  {
    keys: ['missing-blob'],
    title: 'A layer or the config of the image is missing from the registry',
    explanation:
      'The manifest of the image[[ <image>]] exists, but the registry does not have one of the blobs it references (a layer or the config): a push that did not finish, garbage collection, or a copy that skipped layers. Pulls fail when they reach that blob.',
    steps: [
      {
        text: 'Check which layers ECR has.',
        command:
          'aws ecr batch-check-layer-availability --region <region> --repository-name <repository> --layer-digests <digest>',
        language: 'shell',
      },
      {
        text: 'Push the image again; missing blobs are uploaded, existing ones skipped.',
        command:
          'docker buildx build --platform <platform> --provenance=false -t <image> --push .',
        language: 'shell',
      },
      {
        text: 'If the image was copied from another registry, copy it again with every platform and layer:',
        command: 'skopeo copy --all docker://<source-image> docker://<image>',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.cannotPull, DOCS.pushImage],
  },
  {
    keys: ['mutable-tag-reference'],
    title: 'The task definition uses a tag that can move',
    explanation:
      'The task definition references the image[[ <image>]] by tag only, in a repository whose tags can be overwritten. ECS pins the digest for one deployment, but the next deployment silently runs whatever the tag points at by then, and cleaning up the old image breaks scale-outs of the running deployment with "manifest unknown".',
    steps: [
      {
        text: 'Pin the digest in the container definition, keeping the tag for readers:',
        command: '"image": "<pinned-reference>"',
        language: 'json',
      },
      {
        text: 'Or make the tags of the repository immutable:',
        command:
          'aws ecr put-image-tag-mutability --region <region> --repository-name <repository> --image-tag-mutability IMMUTABLE',
        language: 'shell',
      },
      {
        text: 'If some tags must keep moving (latest, a major version), make every other tag immutable with exclusion filters:',
        command:
          'aws ecr put-image-tag-mutability --region <region> --repository-name <repository> --image-tag-mutability IMMUTABLE_WITH_EXCLUSION --image-tag-mutability-exclusion-filters filterType=WILDCARD,filter=latest',
        language: 'shell',
      },
    ],
    docs: [
      DOCS.tagMutability,
      DOCS.putImageTagMutability,
      DOCS.rollingDeployments,
    ],
  },
  {
    keys: ['lifecycle-expires-in-use-image'],
    title: 'A lifecycle policy will remove an image that a service uses',
    explanation:
      'A lifecycle policy rule on the repository[[ <repository>]] matches an image[[ (<digest>)]] that running tasks use. When the rule runs, the image is expired or archived, and the next task of that deployment (a scale-out or a replacement) fails with "manifest unknown".',
    steps: [
      {
        text: 'Show the policy and preview what it would remove.',
        command:
          'aws ecr get-lifecycle-policy --region <region> --repository-name <repository>\naws ecr start-lifecycle-policy-preview --region <region> --repository-name <repository>\naws ecr get-lifecycle-policy-preview --region <region> --repository-name <repository>',
        language: 'shell',
      },
      {
        text: 'Narrow the rules so they only expire what no deployment uses: for example untagged images after some days, and tagged images only by a count high enough to keep every deployed release.',
        command: JSON.stringify(
          {
            rules: [
              {
                rulePriority: 1,
                description: 'Expire untagged images after 14 days',
                selection: {
                  tagStatus: 'untagged',
                  countType: 'sinceImagePushed',
                  countUnit: 'days',
                  countNumber: 14,
                },
                action: { type: 'expire' },
              },
            ],
          },
          null,
          2,
        ),
        language: 'json',
      },
      {
        text: 'Or deploy a current image so that no service runs the expiring one.',
        command:
          'aws ecs update-service --cluster <cluster> --service <service> --force-new-deployment',
        language: 'shell',
      },
    ],
    docs: [
      DOCS.lifecyclePolicies,
      DOCS.lifecycleExamples,
      DOCS.rollingDeployments,
    ],
  },
  {
    keys: ['dockerhub-unauthenticated', 'rate-limited'],
    title:
      'Pulls are rate limited (Docker Hub without credentials, or ECR throttling)',
    explanation:
      'Docker Hub limits pulls without credentials per source IP address, and every task behind the same NAT gateway shares that address, so deployments and scale-outs exhaust it and Docker Hub answers "toomanyrequests" (HTTP 429). ECR can also throttle its API ("ThrottlingException", "Rate exceeded") when very many tasks start at once.',
    steps: [
      {
        text: 'Serve Docker Hub images through an ECR pull through cache rule (Docker Hub needs credentials in a Secrets Manager secret whose name starts with ecr-pullthroughcache/):',
        command:
          'aws ecr create-pull-through-cache-rule --region <region> --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --credential-arn arn:aws:secretsmanager:<region>:<account-id>:secret:ecr-pullthroughcache/docker-hub',
        language: 'shell',
      },
      {
        text: 'Then reference the image through the cache, e.g. <account-id>.dkr.ecr.<region>.amazonaws.com/docker-hub/library/nginx:latest for nginx:latest.',
      },
      {
        text: 'Or give the container Docker Hub credentials:',
        command: REPOSITORY_CREDENTIALS_SNIPPET,
        language: 'json',
      },
      {
        text: 'For ECR throttling, stagger large scale-outs (lower maximumPercent in the deployment configuration) or request a higher quota for the throttled API.',
      },
    ],
    docs: [DOCS.pullThroughCache, DOCS.privateAuth, DOCS.ecrQuotas],
  },
  {
    keys: ['access-denied-iam'],
    title: 'IAM does not allow the pull from ECR',
    explanation:
      'ECR refused the request because the role that pulls, the task execution role on Fargate or the container instance role on EC2, lacks ECR permissions, or a repository policy, service control policy or permissions boundary denies it. Cross-account pulls need both the role policy and a repository policy in the image account.',
    steps: [
      {
        text: 'Make sure the task definition has an executionRoleArn, and attach the AWS managed policy to that role:',
        command:
          'aws iam attach-role-policy --role-name <execution-role-name> --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
        language: 'shell',
      },
      STEP.executionRolePolicy,
      {
        text: 'For an image in another account, allow the role in that repository policy:',
        command: JSON.stringify(
          {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AllowEcsPull',
                Effect: 'Allow',
                Principal: {
                  AWS: 'arn:aws:iam::<task-account-id>:role/<execution-role-name>',
                },
                Action: [
                  'ecr:BatchGetImage',
                  'ecr:GetDownloadUrlForLayer',
                  'ecr:BatchCheckLayerAvailability',
                ],
              },
            ],
          },
          null,
          2,
        ),
        language: 'json',
      },
      STEP.redeploy,
    ],
    docs: [
      DOCS.executionRole,
      DOCS.ecrRepositoryPolicies,
      DOCS.ecrOnEcs,
      DOCS.cannotPull,
    ],
  },
  {
    keys: ['registry-auth-required', 'access-denied-registry-auth'],
    title: 'The registry refuses the pull without valid credentials',
    explanation:
      'The registry[[ <registry>]] answered that the pull is not authenticated: a private Docker Hub, GitHub, Quay or self-hosted image without repositoryCredentials (ECS then pulls anonymously), wrong or expired credentials in the secret, or, for ECR, no authorization token ("no basic auth credentials").',
    steps: [
      {
        text: 'Store the registry credentials in Secrets Manager:',
        command:
          'aws secretsmanager create-secret --region <region> --name <secret-name> --secret-string \'{"username":"<user>","password":"<token>"}\'',
        language: 'shell',
      },
      {
        text: 'Reference the secret from the container definition:',
        command: REPOSITORY_CREDENTIALS_SNIPPET,
        language: 'json',
      },
      STEP.secretsPolicy,
      {
        text: 'Check the credentials work against the registry.',
        command: 'docker login <registry>',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.privateAuth, DOCS.executionRole, DOCS.cannotPull],
  },
  {
    keys: ['ecr-auth-network'],
    title: 'ECS could not get the ECR token or secrets (network or IAM)',
    explanation:
      'Before pulling, ECS gets an ECR authorization token and any secrets the task needs. From a private subnet without a NAT gateway or VPC endpoints, or with a security group, network ACL or DNS setting that blocks them, this times out: "ResourceInitializationError: unable to pull secrets or registry auth". A missing ecr:GetAuthorizationToken permission produces the same message.',
    steps: [
      STEP.vpcEndpointsInterface,
      STEP.vpcEndpointS3,
      STEP.securityGroups,
      STEP.executionRolePolicy,
      STEP.redeploy,
    ],
    docs: [
      DOCS.resourceInitialization,
      DOCS.ecrVpcEndpoints,
      DOCS.ecsVpcEndpoints,
      DOCS.executionRole,
    ],
  },
  {
    keys: ['registry-network-timeout'],
    title: 'The registry or its layer storage could not be reached',
    explanation:
      'The task reached no answer from the registry[[ <registry>]] or from where it serves layers (Amazon S3 for ECR): no route from a private subnet, a security group or firewall, DNS failure, a proxy, or an outage. The messages name the network symptom: "dial tcp … i/o timeout", "context deadline exceeded", "TLS handshake timeout", "no such host".',
    steps: [
      STEP.vpcEndpointsInterface,
      STEP.vpcEndpointS3,
      STEP.securityGroups,
      {
        text: 'For a registry outside AWS, a VPC endpoint cannot help: the subnet needs a NAT gateway. Test from a host in the same subnet:',
        command: 'curl -sv https://<registry>/v2/ -o /dev/null',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.cannotPull, DOCS.ecrVpcEndpoints, DOCS.ecsVpcEndpoints],
  },
  {
    keys: ['disk-space'],
    title: 'The host ran out of disk space while pulling',
    explanation:
      'Downloading and unpacking the layers of the image[[ <image>]] filled the disk: on Fargate the task ephemeral storage (20 GiB by default), on EC2 the volume of the Docker or containerd data directory, often full of old images.',
    steps: [
      {
        text: 'On Fargate, give the task more ephemeral storage (21 to 200 GiB) in the task definition:',
        command: JSON.stringify(
          { ephemeralStorage: { sizeInGiB: 50 } },
          null,
          2,
        ),
        language: 'json',
      },
      {
        text: 'On EC2, let the agent remove unused images sooner (in /etc/ecs/ecs.config) and give the instances a larger data volume in the launch template:',
        command:
          'ECS_IMAGE_CLEANUP_INTERVAL=10m\nECS_IMAGE_MINIMUM_CLEANUP_AGE=30m\nECS_NUM_IMAGES_DELETE_PER_CYCLE=10\nECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=10m',
        language: 'shell',
      },
      {
        text: 'Make the image smaller: multi-stage builds, a slim base image, no build caches or package manager caches in the final layer.',
      },
    ],
    docs: [DOCS.fargateStorage, DOCS.imageCleanup, DOCS.agentConfig],
  },
  {
    keys: ['kms-or-secrets'],
    title: 'ECS could not read a secret or decrypt it',
    explanation:
      'Before the container starts, ECS reads the secrets it needs (repositoryCredentials, and secrets or SSM parameters of the container definition). The secret or parameter does not exist (wrong ARN, another region), the task execution role lacks secretsmanager:GetSecretValue, ssm:GetParameters or kms:Decrypt on a customer managed key, or Secrets Manager / SSM cannot be reached from the subnet.',
    steps: [
      {
        text: 'Check the secret exists in the task region and note its full ARN.',
        command:
          'aws secretsmanager describe-secret --region <region> --secret-id <secret-name>',
        language: 'shell',
      },
      STEP.secretsPolicy,
      {
        text: 'For a customer managed KMS key, the key policy must also allow the execution role to use kms:Decrypt.',
      },
      {
        text: 'From a private subnet, add interface endpoints for Secrets Manager and SSM (com.amazonaws.<region>.secretsmanager, com.amazonaws.<region>.ssm) or a NAT gateway.',
      },
      STEP.redeploy,
    ],
    docs: [
      DOCS.sensitiveData,
      DOCS.privateAuth,
      DOCS.executionRole,
      DOCS.resourceInitialization,
    ],
  },
  {
    keys: ['image-too-large-or-timeout'],
    title: 'The image pull took too long',
    explanation:
      'The pull did not finish in time: a very large image, a slow or throttled network path (a NAT gateway, a far registry), or a stopped task that cancelled its pull. On EC2 the agent gives up after its create/pull timeouts (DockerTimeoutError, "Could not transition to created; timed out after waiting 4m0s").',
    steps: [
      {
        text: 'Make the image smaller: multi-stage builds, a slim base image, fewer and smaller layers.',
      },
      {
        text: 'Keep the pull inside AWS: an ECR repository in the task region, with ECR and S3 VPC endpoints instead of a NAT gateway.',
      },
      {
        text: 'On EC2, give pulls more time and reuse cached images (in /etc/ecs/ecs.config):',
        command:
          'ECS_CONTAINER_CREATE_TIMEOUT=10m\nECS_IMAGE_PULL_INACTIVITY_TIMEOUT=5m\nECS_IMAGE_PULL_BEHAVIOR=prefer-cached',
        language: 'shell',
      },
      {
        text: 'On Fargate, large images start faster with lazy loading (a SOCI index pushed next to the image).',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.cannotPull, DOCS.agentConfig, DOCS.ecrVpcEndpoints],
  },
  {
    keys: ['zstd-unsupported-runtime'],
    alsoConfirmedBy: ['zstd-docker-media-type'],
    title:
      'zstd layers on an EC2 or external host whose Docker engine may not read zstd',
    explanation:
      'The image[[ <image>]] has zstd-compressed layers (OCI media type application/vnd.oci.image.layer.v1.tar+zstd) and the task runs on[[ the <launch-type> launch type, that is]] a host you manage. Docker Engine before 23.0 cannot unpack zstd layers, so on older container instances the pull fails ("archive/tar: invalid tar header", "unsupported media type"), while Fargate and current ECS-optimized AMIs read them.',
    steps: [
      {
        text: 'Check the Docker version of the container instances (ECS-optimized AMIs report it on the instance).',
        command: "docker version --format '{{.Server.Version}}'",
        language: 'shell',
      },
      {
        text: 'Move the instances to a current ECS-optimized AMI, or rebuild the image with gzip, which every runtime reads:',
        command:
          'docker buildx build --platform <platform> --provenance=false --output type=image,name=<image>,oci-mediatypes=true,compression=gzip,force-compression=true,push=true .',
        language: 'shell',
      },
      STEP.recompressWithRegctl,
      STEP.redeploy,
    ],
    docs: [DOCS.ecsOptimizedAmi, DOCS.cannotPull, DOCS.manifestFormats],
  },
  {
    keys: ['malformed-descriptor'],
    title: 'The image manifest or index has a malformed descriptor',
    explanation:
      'A descriptor in the manifest or index of the image[[ <image>]] (its config, a layer, or an index entry) lacks a valid digest (algorithm:hex, e.g. sha256 with 64 lower-case hex digits), a non-negative integer size or a media type, all of which the OCI image spec requires. Runtimes refuse such a manifest or fail when they reach the descriptor, so the pull fails. A hand-written or tool-rewritten manifest is the usual cause.',
    steps: [
      STEP.inspectManifest,
      STEP.inspectAnyRegistry,
      {
        text: 'Rebuild and push with a standard tool (buildx, crane, skopeo) instead of editing manifests by hand:',
        command:
          'docker buildx build --platform <platform> --provenance=false -t <image> --push .',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.manifestFormats, DOCS.cannotPull],
  },
  {
    keys: ['malformed-config'],
    title: 'The image config is not a readable image configuration',
    explanation:
      'The config blob the manifest of the image[[ <image>]] points at is not a JSON object, so no runtime can read the image configuration (entrypoint, environment, rootfs.diff_ids) and the container cannot be created. The push wrote a broken or wrong blob as the config.',
    steps: [
      {
        text: 'Look at the config blob (regclient shown):',
        command: 'regctl image config <image> --platform <platform>',
        language: 'shell',
      },
      {
        text: 'Rebuild and push the image with one tool, so the config is written with the manifest:',
        command:
          'docker buildx build --platform <platform> --provenance=false -t <image> --push .',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.manifestFormats, DOCS.cannotPull],
  },
  {
    keys: ['digest-not-found'],
    title: 'The pinned digest does not exist[[: <repository>@<digest>]]',
    explanation:
      'The task definition pins the image by digest[[ (<digest>)]], and the repository[[ <repository>]] has no image with that digest: it was deleted (by hand or by a lifecycle policy), never pushed to this repository, account or region, or the digest was copied wrong. ECS pulls exactly that digest, so every task fails with "manifest unknown".',
    steps: [
      {
        text: 'Confirm the digest is missing (archived images are listed with --filter imageStatus=ANY).',
        command:
          'aws ecr describe-images --region <region> --repository-name <repository> --image-ids imageDigest=<digest> --filter imageStatus=ANY',
        language: 'shell',
      },
      {
        text: 'List the digests the repository has now, newest last.',
        command:
          "aws ecr describe-images --region <region> --repository-name <repository> --query 'sort_by(imageDetails,&imagePushedAt)[-10:].[imageTags,imageDigest,imagePushedAt]' --output table",
        language: 'shell',
      },
      {
        text: 'Pin a digest that exists (repo:tag@sha256:…), or push the image again from a copy that has the same digest.',
      },
      STEP.redeployNewRevision,
    ],
    docs: [DOCS.cannotPull, DOCS.rollingDeployments, DOCS.lifecyclePolicies],
  },
  {
    keys: ['platform-manifest-missing'],
    title:
      "The registry no longer has the platform's manifest that the index lists",
    explanation:
      'The image index of[[ <image>]] exists, but the manifest its entry for the task platform[[ (<platform>)]] points at is gone from the repository: deleted by hand or by a lifecycle rule that expired an untagged child manifest, or a copy that skipped platforms. The pull fails with "manifest unknown" once the runtime picks that entry.',
    steps: [
      STEP.inspectAnyRegistry,
      {
        text: 'Copy the image again with every platform (skopeo), or rebuild and push it:',
        command: 'skopeo copy --all docker://<source-image> docker://<image>',
        language: 'shell',
      },
      {
        text: 'Keep lifecycle rules on untagged images from expiring the children of tagged indexes (ECR does not expire children of a tagged index, but a rule by count or age on tagged images can).',
        command:
          'aws ecr get-lifecycle-policy --region <region> --repository-name <repository>',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.multiArch, DOCS.lifecyclePolicies, DOCS.cannotPull],
  },
  {
    keys: ['image-archived'],
    alsoConfirmedBy: ['lifecycle-expires-in-use-image'],
    title: 'The image is archived in Amazon ECR[[: <repository>@<digest>]]',
    explanation:
      'The image[[ <digest>]] is in the ECR archive storage class (status ARCHIVED), moved there by hand or by a lifecycle rule with a transition action, or it is being restored (status ACTIVATING). Archived images cannot be pulled until they are restored, so tasks fail with "manifest unknown" even though the repository still lists the image. The fix is a restore, not a push.',
    steps: [
      {
        text: 'See the status of the image (ARCHIVED, or ACTIVATING while a restore runs).',
        command:
          "aws ecr describe-images --region <region> --repository-name <repository> --image-ids imageDigest=<digest> --filter imageStatus=ANY --query 'imageDetails[0].[imageStatus,lastArchivedAt,lastActivatedAt]'",
        language: 'shell',
      },
      {
        text: 'Restore it to the standard storage class:',
        command:
          'aws ecr update-image-storage-class --region <region> --repository-name <repository> --image-id imageDigest=<digest> --target-storage-class STANDARD',
        language: 'shell',
      },
      {
        text: 'Wait until the status is ACTIVE again before starting tasks; then exclude images that services use from the lifecycle rule that archives them.',
      },
      STEP.redeploy,
    ],
    docs: [
      DOCS.ecrArchive,
      DOCS.updateImageStorageClass,
      DOCS.lifecyclePolicies,
    ],
  },
  {
    keys: ['empty-index'],
    title: 'The image index lists no manifests',
    explanation:
      'The reference[[ <image>]] resolves to an image index (or Docker manifest list) with an empty "manifests" array: there is no image for any platform, so the pull fails. A multi-platform build or a manifest tool pushed the index without its images.',
    steps: [
      STEP.inspectAnyRegistry,
      {
        text: 'Build and push the platforms the index should hold:',
        command:
          'docker buildx build --platform <platform> --provenance=false --sbom=false -t <image> --push .',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.multiArch, DOCS.manifestFormats],
  },
  {
    keys: ['encrypted-layer'],
    title: 'The image has encrypted (ocicrypt) layers',
    explanation:
      'Layers of the image[[ <image>]] use an ocicrypt media type ending in +encrypted. containerd decrypts them only with the imgcrypt stream processor (ctd-decoder) and the private keys configured on the host; Amazon ECS documents no way to give Fargate or the ECS agent such keys, so the runtime cannot unpack these layers and the pull fails. For encryption at rest, use the repository encryption of ECR (KMS) instead.',
    steps: [
      {
        text: 'Push the image without layer encryption (rebuild it, or decrypt it with the tool that encrypted it, e.g. ctr-enc images decrypt).',
        command:
          'docker buildx build --platform <platform> --provenance=false -t <image> --push .',
        language: 'shell',
      },
      {
        text: 'Protect the image at rest with ECR repository encryption instead:',
        command:
          'aws ecr create-repository --region <region> --repository-name <repository> --encryption-configuration encryptionType=KMS',
        language: 'shell',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.ecrEncryption, DOCS.manifestFormats],
  },
  {
    keys: ['soci-index-v1'],
    title: 'The image has only a deprecated SOCI index manifest v1',
    explanation:
      'A SOCI index manifest v1 refers to the image[[ <image>]] through the OCI subject field, but the image has no SOCI index manifest v2 (an image index whose image manifest carries the com.amazon.soci.index-digest annotation). SOCI index manifest v1 is deprecated (the SOCI snapshotter stopped reading it by default in v0.10.0), so Fargate may stop lazy loading the image and start tasks more slowly. The image still runs.',
    steps: [
      {
        text: 'Convert the image to a SOCI-enabled image (SOCI index manifest v2) and push the result:',
        command:
          'soci convert --standalone --format oci-dir <oci-layout-in> <oci-layout-out>\nskopeo copy --all oci:<oci-layout-out> docker://<image>',
        language: 'shell',
      },
      {
        text: 'Then deploy the new digest (the conversion changes the image manifest, so the digest changes).',
      },
      STEP.redeploy,
    ],
    docs: [DOCS.lazyLoading],
  },
  {
    keys: ['attestation-in-index'],
    title: 'The image index carries BuildKit attestations',
    explanation:
      'The index of the image[[ <image>]] contains attestation manifests (platform unknown/unknown) next to the images. ECS skips them when the index also has the task platform, so this alone is harmless; it breaks a pull when the attestation is the only entry besides a wrong platform, or when a tool deploys the attestation digest.',
    steps: [
      {
        text: 'If you do not use provenance or SBOM attestations, build without them:',
        command:
          'docker buildx build --platform <platform> --provenance=false --sbom=false -t <image> --push .',
        language: 'shell',
      },
      {
        text: 'Otherwise nothing to do; make sure the task definition references the tag or the index digest.',
      },
    ],
    docs: [DOCS.multiArch, DOCS.manifestFormats],
  },
  {
    keys: ['too-many-containers'],
    title: 'The task definition has more containers than ECS allows',
    explanation:
      'Amazon ECS allows at most 10 container definitions in a task definition (a fixed service quota), so RegisterTaskDefinition rejects this one and nothing is deployed. The images are still checked, so the other findings stay valid once the containers are split.',
    steps: [
      {
        text: 'Move containers that need not share the task (its network, volumes and lifecycle) into a task definition and service of their own, so that each task definition has at most 10 containers.',
      },
      {
        text: 'Count the container definitions before registering.',
        command: "jq '.containerDefinitions | length' taskdef.json",
        language: 'shell',
      },
      {
        text: 'Register each task definition and deploy the services that use them.',
        command:
          'aws ecs register-task-definition --cli-input-json file://task-definition.json && aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
        language: 'shell',
      },
    ],
    docs: [DOCS.serviceQuotas, DOCS.taskDefinitionParameters],
  },
  {
    keys: ['link-error'],
    title:
      'The catalog entity does not lead to an ECS service[[ in account <account-id>]]',
    explanation:
      'The entity names its ECS services with an annotation (aws.amazon.com/amazon-ecs-service-arn, aws.amazon.com/amazon-ecs-service-tags, or aws.amazon.com/arn on a Resource of type ecs-service), and that link cannot be followed: the value is not a service ARN or a key=value list, the ARN is in an account[[ (<account-id>)]] the plugin has no credentials for, or no service carries the tags. Nothing behind the link is audited until it is fixed, which says nothing about whether the service itself is healthy.',
    steps: [
      {
        text: 'Write each service ARN in full, several separated by commas (one per environment or region):',
        command:
          'metadata:\n  annotations:\n    aws.amazon.com/amazon-ecs-service-arn: arn:aws:ecs:<region>:<account-id>:service/<cluster>/<service>',
        language: 'yaml',
      },
      {
        text: 'Copy the ARN from ECS rather than writing it by hand.',
        command:
          "aws ecs list-services --region <region> --cluster <cluster> --query 'serviceArns' --output text",
        language: 'shell',
      },
      {
        text: 'Or link by tags (key=value pairs separated by commas; a service must carry every pair), and check what they match:',
        command:
          'aws resourcegroupstaggingapi get-resources --region <region> --resource-type-filters ecs:service --tag-filters Key=<key>,Values=<value>',
        language: 'shell',
      },
      {
        text: 'Give the plugin credentials for the account under aws.accounts in app-config.yaml (a role it may assume, or keys):',
        command:
          "aws:\n  accounts:\n    - accountId: '<account-id>'\n      roleName: <role-name>",
        language: 'yaml',
      },
      {
        text: 'Services created before 2021 may still have a short ARN (service/<service>, without the cluster) and cannot be tagged; migrate them to the long ARN format to link them by tags.',
      },
    ],
    docs: [DOCS.serviceArnMigration, DOCS.getResources],
  },
  {
    keys: ['audit-error'],
    title:
      'The last audit could not read the service[[ in account <account-id>]][[ (<region>)]] or reach its registry',
    explanation:
      'The backend audit asked AWS for the service and its tasks, or a registry for its images, and the call failed: AWS denied it, the account has no usable credentials, the API throttled the audit past its retries, or the endpoint or registry did not answer in time. Nothing was deleted: the findings shown are those of the last audit that could read the service, and the report is marked stale until an audit succeeds again. The evidence names the error code and the API or registry that failed.',
    steps: [
      {
        text: 'When AWS denied the call (AccessDeniedException, UnauthorizedOperation), allow the action[[ <permission>]] to the identity the plugin uses in the account[[ <account-id>]]:',
        command: JSON.stringify(
          {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['<permission>'], Resource: '*' },
            ],
          },
          null,
          2,
        ),
        language: 'json',
      },
      {
        text: 'Check which identity the plugin gets in that account (aws.accounts in app-config.yaml, or the role it assumes) and that it may call the API:',
        command:
          'aws sts get-caller-identity && aws ecs describe-services --region <region> --cluster <cluster> --services <service>',
        language: 'shell',
      },
      {
        text: 'When the API throttled the audit (ThrottlingException), other tools share the account and Region quota: spread the audit schedule (ecsDeployReadiness.schedules.images) or ask for a higher quota. The next audit retries on its own.',
      },
      {
        text: 'When a registry timed out or could not be reached (RegistryTimeout, RegistryNetwork), check that the backend can reach it (proxy, firewall, DNS) and that the registry is up; the next audit asks again.',
        command:
          'curl -sS -o /dev/null -w "%{http_code}\\n" https://<registry>/v2/',
        language: 'shell',
      },
    ],
    docs: [DOCS.ecsIamActions, DOCS.ecsRequestThrottling],
  },
  {
    keys: ['unverifiable'],
    title: 'The image could not be checked',
    explanation:
      'The readiness check could not read the image[[ <image>]] from its registry (no access, an unsupported registry, or an error), so it cannot say whether ECS can pull it. This is not a sign that the image is broken, only that it is unchecked.',
    steps: [
      {
        text: `Give the auditor (the role of the CLI, the backend plugin or the gate) read access. For ECR, the ${ENGINE_ECR_PERMISSIONS.length} permissions of this policy (docs/iam-policy.md says what each is for); for other registries, credentials in the plugin configuration or the CLI's environment.`,
        command: JSON.stringify(ENGINE_ECR_IAM_POLICY, null, 2),
        language: 'json',
      },
      {
        text: 'Inspect the image by hand meanwhile.',
        command: 'docker buildx imagetools inspect --raw <image>',
        language: 'shell',
      },
    ],
    docs: [DOCS.batchGetImage, DOCS.ecrRepositoryPolicies],
  },
  {
    keys: ['other'],
    title: 'The pull failed for a reason not recognised',
    explanation:
      'The message does not match a known cause of ECS image pull failures. The full text of the stopped reason, the container reason and the service events usually name the component that failed (registry, network, IAM, runtime).',
    steps: [
      {
        text: 'Read the full reasons of the stopped task (stopped tasks stay visible for about an hour).',
        command:
          "aws ecs describe-tasks --cluster <cluster> --tasks <task-id> --query 'tasks[0].{stopCode:stopCode,stoppedReason:stoppedReason,containers:containers[].reason}'",
        language: 'shell',
      },
      {
        text: 'Read the recent service events.',
        command:
          "aws ecs describe-services --cluster <cluster> --services <service> --query 'services[0].events[:10].message'",
        language: 'shell',
      },
      {
        text: 'Try the same pull from a host in the same subnet with the same role.',
        command: 'docker pull --platform <platform> <image>',
        language: 'shell',
      },
    ],
    docs: [DOCS.cannotPull, DOCS.stoppedTaskErrors],
  },
];
