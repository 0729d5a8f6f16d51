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

import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the ECS deploy readiness plugin. */
  ecsDeployReadiness?: {
    /** How the plugin reaches AWS. Credentials come from the `aws` section (integration-aws-node). */
    aws?: {
      /**
       * Send every ECS, ECR and resource tagging API call to this endpoint instead of AWS, e.g.
       * the local stand-in `http://127.0.0.1:4566` that `./scripts/start` runs. Omit for real AWS.
       */
      endpoint?: string;
      /**
       * Attempts per AWS call, retries included, with the SDK's adaptive retry mode. Default 5.
       */
      maxAttempts?: number;
      /**
       * Regions searched for the services of `aws.amazon.com/amazon-ecs-service-tags` queries,
       * in every account under `aws.accounts` and every account the catalog's ARNs name.
       * Default: the regions of the service ARNs the catalog names, and no others.
       */
      regions?: string[];
    };
    /** When the audits run. */
    schedules?: {
      /**
       * The image audit of every linked ECS service. Default: every 30 minutes, timeout 25
       * minutes, the first run 5 seconds after start-up. Keys not set take these defaults.
       */
      images?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * The history of stopped tasks, events and deployments. Default: every 5 minutes,
       * timeout 4 minutes, first run 30 seconds after start-up.
       */
      history?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /** The HTTP API. */
    api?: {
      /**
       * Manual audits of one entity (`POST /entities/{kind}/{namespace}/{name}/audit`): a second
       * request for the same entity within this long of the last one, or while it runs, answers
       * with that run instead of starting another. Default 1 minute; `{ seconds: 0 }` turns the
       * limit off (a request still joins a run in flight).
       */
      manualAuditInterval?: HumanDuration | string;
      /**
       * How long the set of entities a user may read (asked of the catalog when a permission
       * policy decides per entity) is remembered for the scorecard. Default 30 seconds.
       */
      visibilityCache?: HumanDuration | string;
    };
    /** Pull failures seen on stopped tasks. */
    pullErrors?: {
      /**
       * How long they are kept, e.g. `{ days: 90 }` or an ISO 8601 duration such as `P90D`.
       * Default 90 days.
       */
      retention?: HumanDuration | string;
    };
    /** How the image inspection engine reaches container registries. */
    registries?: {
      /**
       * Base URLs for registry hosts, for mirrors and local stand-ins: requests for `docker.io`
       * images go to `<url>/v2/...`. Keys are registry hosts (`docker.io`, `ghcr.io`).
       */
      endpoints?: { [host: string]: string };
      /**
       * Base URL of ECR's OCI Distribution API, with `{accountId}` and `{region}` placeholders.
       * Only for local stand-ins; by default the ECR registry host itself.
       */
      ecrDistributionEndpoint?: string;
      /**
       * Registries (`host[:port]`) that may resolve to loopback, link-local or private addresses.
       * Everything else on such addresses is refused, so registry references in task definitions
       * cannot be used to reach internal services or cloud metadata.
       */
      allowedPrivateRegistries?: string[];
      /** Registries (`host[:port]`) spoken to over plain HTTP. */
      insecureRegistries?: string[];
      /**
       * Credentials for non-ECR registries, by registry host (`docker.io`, `ghcr.io`): a
       * username and password, or a bearer token. They are only used for containers with
       * `repositoryCredentials`, as ECS pulls the others anonymously. Never logged.
       */
      credentials?: {
        [host: string]:
          | {
              username: string;
              /** @visibility secret */
              password: string;
            }
          | {
              /** @visibility secret */
              token: string;
            };
      };
      /**
       * How long one registry request may take, e.g. `{ seconds: 10 }` (the default) or `PT10S`.
       * A host that times out 3 times in one audit is not asked again in that audit.
       */
      requestTimeout?: HumanDuration | string;
      /**
       * How long the inspection of one task definition may take in all, e.g. `{ minutes: 2 }`
       * (the default). What is unfinished then is unverifiable, and the service keeps its last
       * report, marked stale.
       */
      inspectionDeadline?: HumanDuration | string;
    };
    /** Notifications through Backstage's notifications service (the notifications backend). */
    notifications?: {
      /**
       * Notify an entity's owners when it becomes `blocked`, once per transition, with the
       * cause and a link to its card. Default false. Needs
       * `@backstage/plugin-notifications-backend` in the backend.
       */
      enabled?: boolean;
    };
  };
}
