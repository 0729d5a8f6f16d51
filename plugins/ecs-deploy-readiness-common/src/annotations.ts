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

// The catalog annotations that link an entity to its ECS services: the backend links with them,
// the frontend shows the card when one is present.

/**
 * The annotation (of the AWS ECS plugin for Backstage) that names an entity's ECS services by
 * ARN: one ARN, or several separated by commas (environments, regions).
 *
 * @public
 */
export const ECS_SERVICE_ARN_ANNOTATION =
  'aws.amazon.com/amazon-ecs-service-arn';

/**
 * The annotation (of the AWS ECS plugin for Backstage) that names an entity's ECS services by
 * tags: `key=value` pairs separated by commas, every pair required (resolved with the resource
 * tagging API).
 *
 * @public
 */
export const ECS_SERVICE_TAGS_ANNOTATION =
  'aws.amazon.com/amazon-ecs-service-tags';

/**
 * The ARN annotation that AWS's catalog module (`@aws/aws-config-catalog-module-for-backstage`)
 * writes on the Resource entities it ingests from AWS Config.
 *
 * @public
 */
export const AWS_ARN_ANNOTATION = 'aws.amazon.com/arn';

/**
 * The `spec.type` that AWS's catalog module gives an ingested `AWS::ECS::Service`.
 *
 * @public
 */
export const ECS_SERVICE_RESOURCE_TYPE = 'ecs-service';
