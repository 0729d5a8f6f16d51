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

// ******************************************************************
// * THIS IS A GENERATED FILE. DO NOT EDIT IT: edit openapi.yaml and *
// * run `yarn generate:openapi` in the backend plugin.              *
// ******************************************************************

/* eslint-disable */
export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'ecs-deploy-readiness',
    version: '1',
    description:
      "The HTTP API of the ECS deploy readiness backend plugin: the readiness of the ECS services\nbehind catalog entities, their pull-error history, on-demand audits, the org-wide scorecard\nand the check catalogue.\n\nAll paths are relative to the plugin's base URL, commonly `<backend.baseUrl>/api/ecs-deploy-readiness`.\nEvery route but `/health` needs a Backstage user or service token (`Authorization: Bearer`).\nA user sees only the entities that the catalog lets them read: an entity they cannot read\nanswers 404 exactly like one that does not exist, and never counts in the scorecard.\n",
    license: {
      name: 'Apache-2.0',
      url: 'http://www.apache.org/licenses/LICENSE-2.0.html',
    },
  },
  servers: [
    {
      url: '/',
    },
  ],
  security: [
    {
      JWT: [],
    },
  ],
  tags: [
    {
      name: 'Readiness',
    },
    {
      name: 'Audit',
    },
    {
      name: 'Scorecard',
    },
    {
      name: 'Catalogue',
    },
    {
      name: 'Gate',
    },
  ],
  paths: {
    '/health': {
      get: {
        operationId: 'GetHealth',
        tags: ['Catalogue'],
        description: 'Liveness of the plugin; needs no credentials.',
        security: [],
        responses: {
          '200': {
            description: 'The plugin is up.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['status'],
                  properties: {
                    status: {
                      type: 'string',
                      enum: ['ok'],
                    },
                  },
                  additionalProperties: false,
                },
              },
            },
          },
        },
      },
    },
    '/entities/{kind}/{namespace}/{name}/readiness': {
      get: {
        operationId: 'GetEntityReadiness',
        tags: ['Readiness'],
        description:
          "The entity's rolled-up status; per service and container the image reference, the digest\nECS runs, the platform checked and the deployments; the findings worst first, each with\nits evidence, its fix rendered from `fixKey`/`fixVars` and the real pull failures that\nconfirm it; when it was last audited, and the faults that made it stale.\n",
        parameters: [
          {
            $ref: '#/components/parameters/kind',
          },
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        responses: {
          '200': {
            description: "The entity's readiness.",
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/EntityReadiness',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/entities/{kind}/{namespace}/{name}/pull-errors': {
      get: {
        operationId: 'ListEntityPullErrors',
        tags: ['Readiness'],
        description:
          "The classified pull failures of the entity's services, newest first, with the counts per\nday (UTC) and category of every failure matching the filter, for charts.\n",
        parameters: [
          {
            $ref: '#/components/parameters/kind',
          },
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
          {
            name: 'since',
            in: 'query',
            description:
              'Inclusive, an ISO 8601 date-time. Default 30 days before `until`.',
            schema: {
              type: 'string',
              format: 'date-time',
            },
            allowReserved: true,
          },
          {
            name: 'until',
            in: 'query',
            description: 'Exclusive, an ISO 8601 date-time. Default now.',
            schema: {
              type: 'string',
              format: 'date-time',
            },
            allowReserved: true,
          },
          {
            name: 'category',
            in: 'query',
            description:
              'Only these categories (repeat the parameter for several).',
            style: 'form',
            explode: true,
            schema: {
              type: 'array',
              maxItems: 20,
              items: {
                $ref: '#/components/schemas/PullErrorCategory',
              },
            },
            allowReserved: true,
          },
          {
            name: 'limit',
            in: 'query',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 500,
              default: 50,
            },
            allowReserved: true,
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'A page of pull failures.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PullErrorList',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/entities/{kind}/{namespace}/{name}/audit': {
      post: {
        operationId: 'StartEntityAudit',
        tags: ['Audit'],
        description:
          "Audits the entity's ECS services now. Answers 202 with the run at once; follow it with\n`GET /runs/{id}`. Within the rate-limit window of a run asked for this entity before (or\nwhile it runs), the answer is that run, with `deduplicated: true`. Needs the permission\n`ecs-deploy-readiness.audit.run` on the entity.\n",
        parameters: [
          {
            $ref: '#/components/parameters/kind',
          },
          {
            $ref: '#/components/parameters/namespace',
          },
          {
            $ref: '#/components/parameters/name',
          },
        ],
        responses: {
          '202': {
            description: 'The run that audits the entity.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AuditRun',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/runs/{id}': {
      get: {
        operationId: 'GetAuditRun',
        tags: ['Audit'],
        description:
          "An audit run's progress and outcome. A user sees the manual runs of entities they can\nread and every scheduled run (which names no entity).\n",
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: {
              type: 'integer',
              minimum: 1,
            },
          },
        ],
        responses: {
          '200': {
            description: 'The run.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AuditRun',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/scorecard': {
      get: {
        operationId: 'GetScorecard',
        tags: ['Scorecard'],
        description:
          'One row per linked entity the caller can read, filtered, sorted and paged on the server,\nand the totals by status of every entity matching the filter.\n',
        parameters: [
          {
            $ref: '#/components/parameters/owner',
          },
          {
            $ref: '#/components/parameters/system',
          },
          {
            $ref: '#/components/parameters/status',
          },
          {
            $ref: '#/components/parameters/q',
          },
          {
            $ref: '#/components/parameters/sort',
          },
          {
            $ref: '#/components/parameters/order',
          },
          {
            name: 'limit',
            in: 'query',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 500,
              default: 50,
            },
            allowReserved: true,
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'A page of the scorecard.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ScorecardPage',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/scorecard.csv': {
      get: {
        operationId: 'GetScorecardCsv',
        tags: ['Scorecard'],
        description:
          "Every row of the scorecard for the same filters and sort, as CSV (RFC 4180, with a header\nrow). Cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,\na tab or a carriage return) are prefixed with `'`.\n",
        parameters: [
          {
            $ref: '#/components/parameters/owner',
          },
          {
            $ref: '#/components/parameters/system',
          },
          {
            $ref: '#/components/parameters/status',
          },
          {
            $ref: '#/components/parameters/q',
          },
          {
            $ref: '#/components/parameters/sort',
          },
          {
            $ref: '#/components/parameters/order',
          },
        ],
        responses: {
          '200': {
            description: 'The scorecard as CSV.',
            content: {
              'text/csv': {
                schema: {
                  type: 'string',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/scorecard/trend': {
      get: {
        operationId: 'GetScorecardTrend',
        tags: ['Scorecard'],
        description:
          'How many of the linked entities the caller can read were blocked, at risk, ready or\nunknown at the end of each day (UTC), oldest first, from the status history.\n',
        parameters: [
          {
            $ref: '#/components/parameters/owner',
          },
          {
            $ref: '#/components/parameters/system',
          },
          {
            name: 'days',
            in: 'query',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 365,
              default: 30,
            },
            allowReserved: true,
          },
        ],
        responses: {
          '200': {
            description: 'The trend.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ScorecardTrend',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/checks': {
      get: {
        operationId: 'ListChecks',
        tags: ['Catalogue'],
        description:
          'The checks the audit runs and the pull-error categories, with their fixes.',
        responses: {
          '200': {
            description: 'The catalogue.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CheckCatalogue',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/gate-decisions': {
      post: {
        operationId: 'RecordGateDecision',
        tags: ['Gate'],
        description:
          "Where the deployment gate (packages/ecs-deploy-gate, an ECS lifecycle hook) reports each\ndecision it makes, so the card can say which deployment it stopped and why before the\nnext audit reads the service deployment from ECS. Service credentials only (the gate\nsends a static token of `backend.auth.externalAccess`); a user token is refused with\n403. A report repeated (same service, revision, stage and execution id) is stored once\nand answers 200 with the stored decision; a new one answers 201. Unknown properties are\nignored, so that an older backend accepts a newer gate's report.\n",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/GateDecisionReport',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The same report was stored before.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/GateDecisionReceipt',
                },
              },
            },
          },
          '201': {
            description: 'Stored.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/GateDecisionReceipt',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      JWT: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      },
    },
    parameters: {
      kind: {
        name: 'kind',
        in: 'path',
        required: true,
        description: "The entity's kind, e.g. `component` (any case).",
        schema: {
          type: 'string',
          minLength: 1,
          maxLength: 63,
        },
      },
      namespace: {
        name: 'namespace',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          minLength: 1,
          maxLength: 63,
        },
      },
      name: {
        name: 'name',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          minLength: 1,
          maxLength: 253,
        },
      },
      cursor: {
        name: 'cursor',
        in: 'query',
        description: 'The `nextCursor` of the previous page, as it was given.',
        schema: {
          type: 'string',
          minLength: 1,
          maxLength: 2048,
        },
        allowReserved: true,
      },
      owner: {
        name: 'owner',
        in: 'query',
        description:
          'Only entities owned by these (entity refs such as `group:default/payments`, or names of\ngroups in the default namespace). Repeat the parameter for several.\n',
        style: 'form',
        explode: true,
        schema: {
          type: 'array',
          items: {
            type: 'string',
            minLength: 1,
            maxLength: 512,
          },
        },
        allowReserved: true,
      },
      system: {
        name: 'system',
        in: 'query',
        description:
          'Only entities of these systems (entity refs or names). Repeatable.',
        style: 'form',
        explode: true,
        schema: {
          type: 'array',
          items: {
            type: 'string',
            minLength: 1,
            maxLength: 512,
          },
        },
        allowReserved: true,
      },
      status: {
        name: 'status',
        in: 'query',
        description: 'Only entities in these statuses. Repeatable.',
        style: 'form',
        explode: true,
        schema: {
          type: 'array',
          maxItems: 4,
          items: {
            $ref: '#/components/schemas/EntityStatus',
          },
        },
        allowReserved: true,
      },
      q: {
        name: 'q',
        in: 'query',
        description:
          'Only entities whose name, title or entity ref contains this (any case).',
        schema: {
          type: 'string',
          maxLength: 200,
        },
        allowReserved: true,
      },
      sort: {
        name: 'sort',
        in: 'query',
        description: 'Default `status` (worst first).',
        schema: {
          type: 'string',
          enum: ['status', 'name', 'title', 'owner', 'system', 'statusSince'],
          default: 'status',
        },
        allowReserved: true,
      },
      order: {
        name: 'order',
        in: 'query',
        schema: {
          type: 'string',
          enum: ['asc', 'desc'],
          default: 'asc',
        },
        allowReserved: true,
      },
    },
    responses: {
      BadRequest: {
        description: 'A parameter is not valid; the message names it.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      Unauthorized: {
        description: 'No valid Backstage token.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      Forbidden: {
        description: 'The caller does not have the permission.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      NotFound: {
        description:
          'No such entity, one the caller cannot read, or one never linked to ECS.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
    },
    schemas: {
      Error: {
        type: 'object',
        description: "Backstage's error body.",
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
            },
            additionalProperties: true,
          },
          request: {
            type: 'object',
            additionalProperties: true,
          },
          response: {
            type: 'object',
            additionalProperties: true,
          },
        },
        additionalProperties: false,
      },
      EntityStatus: {
        type: 'string',
        enum: ['blocked', 'at-risk', 'ready', 'unknown'],
      },
      ServiceStatus: {
        type: 'string',
        enum: ['blocked', 'at-risk', 'ready', 'unverifiable', 'unknown'],
      },
      PullErrorCategory: {
        type: 'string',
        enum: [
          'platform-mismatch',
          'mixed-compression',
          'layer-count-mismatch',
          'attestation-media-type',
          'manifest-unknown-tag',
          'manifest-unknown-digest-deleted',
          'repository-not-found',
          'access-denied-iam',
          'access-denied-registry-auth',
          'ecr-auth-network',
          'registry-network-timeout',
          'rate-limited',
          'disk-space',
          'kms-or-secrets',
          'unsupported-manifest-schema',
          'invalid-reference',
          'image-too-large-or-timeout',
          'other',
        ],
      },
      Severity: {
        type: 'string',
        enum: ['blocking', 'risk', 'info'],
      },
      SeverityCounts: {
        type: 'object',
        required: ['blocking', 'risk', 'info'],
        properties: {
          blocking: {
            type: 'integer',
            minimum: 0,
          },
          risk: {
            type: 'integer',
            minimum: 0,
          },
          info: {
            type: 'integer',
            minimum: 0,
          },
        },
        additionalProperties: false,
      },
      AuditError: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
          },
          message: {
            type: 'string',
          },
          accountId: {
            type: 'string',
          },
          region: {
            type: 'string',
          },
          api: {
            type: 'string',
          },
          permission: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      Fix: {
        type: 'object',
        required: ['title', 'summary', 'steps', 'docs'],
        properties: {
          title: {
            type: 'string',
          },
          summary: {
            type: 'string',
          },
          steps: {
            type: 'array',
            items: {
              type: 'object',
              required: ['text'],
              properties: {
                text: {
                  type: 'string',
                },
                command: {
                  type: 'string',
                },
                language: {
                  type: 'string',
                  enum: ['shell', 'json', 'yaml', 'dockerfile'],
                },
              },
              additionalProperties: false,
            },
          },
          docs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['title', 'url'],
              properties: {
                title: {
                  type: 'string',
                },
                url: {
                  type: 'string',
                },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      Finding: {
        type: 'object',
        required: [
          'id',
          'severity',
          'title',
          'evidence',
          'fixKey',
          'fixVars',
          'fix',
        ],
        properties: {
          id: {
            type: 'string',
            description: 'The check id.',
          },
          severity: {
            $ref: '#/components/schemas/Severity',
          },
          title: {
            type: 'string',
          },
          evidence: {
            type: 'object',
            additionalProperties: true,
          },
          fixKey: {
            type: 'string',
          },
          fixVars: {
            $ref: '#/components/schemas/FixVars',
          },
          image: {
            type: 'string',
          },
          container: {
            type: 'string',
          },
          fix: {
            $ref: '#/components/schemas/Fix',
          },
          confirmedBy: {
            type: 'object',
            required: ['count', 'firstAt', 'lastAt', 'categories'],
            properties: {
              count: {
                type: 'integer',
                minimum: 1,
              },
              firstAt: {
                type: 'string',
              },
              lastAt: {
                type: 'string',
              },
              categories: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
      Container: {
        type: 'object',
        required: ['name', 'image', 'deployedDigests'],
        properties: {
          name: {
            type: 'string',
          },
          image: {
            type: 'string',
          },
          deployedDigest: {
            type: 'string',
          },
          deployedDigests: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          resolvedDigest: {
            type: 'string',
          },
          platformManifestDigest: {
            type: 'string',
          },
          pinnedReference: {
            type: 'string',
          },
          status: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      Deployment: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
          },
          status: {
            type: 'string',
          },
          rolloutState: {
            type: 'string',
          },
          rolloutStateReason: {
            type: 'string',
          },
          taskDefinitionArn: {
            type: 'string',
          },
          desiredCount: {
            type: 'integer',
          },
          runningCount: {
            type: 'integer',
          },
          pendingCount: {
            type: 'integer',
          },
          createdAt: {
            type: 'string',
          },
          circuitBreaker: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      Service: {
        type: 'object',
        required: [
          'serviceArn',
          'serviceName',
          'accountId',
          'region',
          'status',
          'deployments',
          'containers',
          'findings',
          'counts',
          'stale',
          'staleErrors',
          'recentDeployments',
          'gateDecisions',
        ],
        properties: {
          serviceArn: {
            type: 'string',
          },
          serviceName: {
            type: 'string',
          },
          clusterArn: {
            type: 'string',
          },
          accountId: {
            type: 'string',
          },
          region: {
            type: 'string',
          },
          status: {
            $ref: '#/components/schemas/ServiceStatus',
          },
          missingReason: {
            type: 'string',
          },
          platform: {
            type: 'string',
          },
          platformSource: {
            type: 'string',
          },
          launchType: {
            type: 'string',
          },
          taskDefinitionArn: {
            type: 'string',
          },
          desiredCount: {
            type: 'integer',
          },
          runningCount: {
            type: 'integer',
          },
          deployments: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Deployment',
            },
          },
          containers: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Container',
            },
          },
          findings: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Finding',
            },
          },
          counts: {
            $ref: '#/components/schemas/SeverityCounts',
          },
          stale: {
            type: 'boolean',
          },
          staleErrors: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/AuditError',
            },
          },
          updatedAt: {
            type: 'string',
          },
          statusSince: {
            type: 'string',
          },
          recentDeployments: {
            type: 'array',
            description:
              "Its service deployments of the last 30 days (ListServiceDeployments), newest first, at most 5; a rolled-back one carries the reason ECS gives, and the deployment gate's decision when the gate reported one for it.",
            items: {
              $ref: '#/components/schemas/ServiceDeploymentHistoryItem',
            },
          },
          gateDecisions: {
            type: 'array',
            description:
              "The deployment gate's decisions of the last 30 days, newest first, at most 5 (including those for deployments that the audit has not read from ECS yet).",
            items: {
              $ref: '#/components/schemas/GateDecision',
            },
          },
        },
        additionalProperties: false,
      },
      EntityReadiness: {
        type: 'object',
        required: [
          'entityRef',
          'status',
          'stale',
          'staleErrors',
          'counts',
          'serviceCounts',
          'findings',
          'services',
          'pullErrors',
        ],
        properties: {
          entityRef: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          status: {
            $ref: '#/components/schemas/EntityStatus',
          },
          stale: {
            type: 'boolean',
          },
          staleErrors: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/AuditError',
            },
          },
          staleSince: {
            type: 'string',
          },
          lastAudited: {
            type: 'string',
          },
          updatedAt: {
            type: 'string',
          },
          statusSince: {
            type: 'string',
          },
          counts: {
            $ref: '#/components/schemas/SeverityCounts',
          },
          serviceCounts: {
            type: 'object',
            additionalProperties: {
              type: 'integer',
            },
          },
          findings: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Finding',
            },
          },
          services: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Service',
            },
          },
          pullErrors: {
            type: 'object',
            required: ['last30Days'],
            properties: {
              last30Days: {
                type: 'integer',
                minimum: 0,
              },
              lastAt: {
                type: 'string',
              },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
      PullError: {
        type: 'object',
        required: [
          'id',
          'occurredAt',
          'taskArn',
          'serviceArn',
          'accountId',
          'region',
          'category',
          'message',
          'fixKey',
          'fix',
          'classification',
        ],
        properties: {
          id: {
            type: 'integer',
          },
          occurredAt: {
            type: 'string',
          },
          taskArn: {
            type: 'string',
          },
          container: {
            type: 'string',
          },
          serviceArn: {
            type: 'string',
          },
          accountId: {
            type: 'string',
          },
          region: {
            type: 'string',
          },
          category: {
            type: 'string',
          },
          message: {
            type: 'string',
          },
          image: {
            type: 'string',
          },
          taskDefinitionArn: {
            type: 'string',
          },
          fixKey: {
            type: 'string',
          },
          fix: {
            $ref: '#/components/schemas/Fix',
          },
          classification: {
            type: 'object',
            additionalProperties: true,
          },
          diagnosis: {
            $ref: '#/components/schemas/PullErrorDiagnosis',
          },
        },
        additionalProperties: false,
      },
      PullErrorList: {
        type: 'object',
        required: ['items', 'counts', 'since', 'until'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/PullError',
            },
          },
          nextCursor: {
            type: 'string',
          },
          counts: {
            type: 'array',
            items: {
              type: 'object',
              required: ['day', 'category', 'count'],
              properties: {
                day: {
                  type: 'string',
                  description: 'YYYY-MM-DD (UTC)',
                },
                category: {
                  type: 'string',
                },
                count: {
                  type: 'integer',
                  minimum: 1,
                },
              },
              additionalProperties: false,
            },
          },
          since: {
            type: 'string',
          },
          until: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      AuditRun: {
        type: 'object',
        required: [
          'id',
          'trigger',
          'status',
          'startedAt',
          'servicesAudited',
          'entitiesAudited',
          'errorsByAccount',
        ],
        properties: {
          id: {
            type: 'integer',
          },
          trigger: {
            type: 'string',
          },
          status: {
            type: 'string',
            enum: ['running', 'succeeded', 'partial', 'failed'],
          },
          entityRef: {
            type: 'string',
          },
          shard: {
            type: 'string',
          },
          startedAt: {
            type: 'string',
          },
          finishedAt: {
            type: 'string',
          },
          servicesTotal: {
            type: 'integer',
          },
          servicesAudited: {
            type: 'integer',
          },
          entitiesAudited: {
            type: 'integer',
          },
          errorsByAccount: {
            type: 'object',
            additionalProperties: {
              type: 'array',
              items: {
                $ref: '#/components/schemas/AuditError',
              },
            },
          },
          deduplicated: {
            type: 'boolean',
          },
        },
        additionalProperties: false,
      },
      ScorecardRow: {
        type: 'object',
        required: [
          'entityRef',
          'kind',
          'namespace',
          'name',
          'status',
          'counts',
          'failingChecks',
          'services',
          'stale',
        ],
        properties: {
          entityRef: {
            type: 'string',
          },
          kind: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          system: {
            type: 'string',
          },
          status: {
            $ref: '#/components/schemas/EntityStatus',
          },
          counts: {
            $ref: '#/components/schemas/SeverityCounts',
          },
          failingChecks: {
            type: 'array',
            description:
              "The distinct checks of those findings (the entity's and its services'), sorted; a check not listed passes.",
            items: {
              type: 'string',
            },
          },
          services: {
            type: 'integer',
          },
          lastPullFailure: {
            type: 'string',
          },
          lastAudited: {
            type: 'string',
          },
          stale: {
            type: 'boolean',
          },
          statusSince: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      ScorecardTotals: {
        type: 'object',
        required: ['blocked', 'at-risk', 'ready', 'unknown', 'total'],
        properties: {
          blocked: {
            type: 'integer',
          },
          'at-risk': {
            type: 'integer',
          },
          ready: {
            type: 'integer',
          },
          unknown: {
            type: 'integer',
          },
          total: {
            type: 'integer',
          },
        },
        additionalProperties: false,
      },
      ScorecardPage: {
        type: 'object',
        required: ['items', 'totals'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ScorecardRow',
            },
          },
          totals: {
            $ref: '#/components/schemas/ScorecardTotals',
          },
          nextCursor: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      ScorecardTrend: {
        type: 'object',
        required: ['days'],
        properties: {
          days: {
            type: 'array',
            items: {
              type: 'object',
              required: ['day', 'blocked', 'at-risk', 'ready', 'unknown'],
              properties: {
                day: {
                  type: 'string',
                },
                blocked: {
                  type: 'integer',
                },
                'at-risk': {
                  type: 'integer',
                },
                ready: {
                  type: 'integer',
                },
                unknown: {
                  type: 'integer',
                },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      CheckCatalogue: {
        type: 'object',
        required: ['checks', 'categories'],
        properties: {
          checks: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'severity', 'title', 'summary', 'docs'],
              properties: {
                id: {
                  type: 'string',
                },
                severity: {
                  $ref: '#/components/schemas/Severity',
                },
                title: {
                  type: 'string',
                },
                summary: {
                  type: 'string',
                },
                docs: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['title', 'url'],
                    properties: {
                      title: {
                        type: 'string',
                      },
                      url: {
                        type: 'string',
                      },
                    },
                    additionalProperties: false,
                  },
                },
              },
              additionalProperties: false,
            },
          },
          categories: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'title', 'summary', 'confirmedBy'],
              properties: {
                id: {
                  type: 'string',
                },
                title: {
                  type: 'string',
                },
                summary: {
                  type: 'string',
                },
                confirmedBy: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      FixVars: {
        type: 'object',
        description: 'What the fix is tailored with.',
        properties: {
          image: {
            type: 'string',
          },
          repository: {
            type: 'string',
          },
          registry: {
            type: 'string',
          },
          region: {
            type: 'string',
          },
          accountId: {
            type: 'string',
          },
          platform: {
            type: 'string',
          },
          pinnedReference: {
            type: 'string',
          },
          digest: {
            type: 'string',
          },
          tag: {
            type: 'string',
          },
          launchType: {
            type: 'string',
          },
          permission: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      PullErrorDiagnosis: {
        type: 'object',
        description:
          'How the cause was decided: by a finding of the audit about the service when the failure was stored (evidence), or by the message alone.',
        required: ['decidedBy', 'confidence', 'evidence', 'ambiguousMessage'],
        properties: {
          decidedBy: {
            type: 'string',
            enum: ['evidence', 'message'],
          },
          confidence: {
            type: 'string',
            enum: ['high', 'medium', 'low'],
          },
          statement: {
            type: 'string',
          },
          evidence: {
            type: 'array',
            items: {
              type: 'object',
              required: ['checkId', 'severity', 'title'],
              properties: {
                checkId: {
                  type: 'string',
                },
                severity: {
                  $ref: '#/components/schemas/Severity',
                },
                title: {
                  type: 'string',
                },
                image: {
                  type: 'string',
                },
                container: {
                  type: 'string',
                },
              },
              additionalProperties: false,
            },
          },
          messageCategory: {
            type: 'string',
          },
          ambiguousMessage: {
            type: 'boolean',
          },
        },
        additionalProperties: false,
      },
      ServiceDeploymentHistoryItem: {
        type: 'object',
        required: ['deploymentArn', 'status', 'createdAt'],
        properties: {
          deploymentArn: {
            type: 'string',
          },
          status: {
            type: 'string',
          },
          statusReason: {
            type: 'string',
          },
          taskDefinitionArn: {
            type: 'string',
          },
          createdAt: {
            type: 'string',
          },
          finishedAt: {
            type: 'string',
          },
          gateDecision: {
            $ref: '#/components/schemas/GateDecision',
          },
        },
        additionalProperties: false,
      },
      GateReportFinding: {
        description:
          'A finding as the gate names it; unknown properties are ignored.',
        type: 'object',
        required: ['check', 'severity', 'title', 'fix'],
        properties: {
          check: {
            type: 'string',
            maxLength: 128,
          },
          severity: {
            type: 'string',
            maxLength: 32,
          },
          container: {
            type: 'string',
            maxLength: 255,
          },
          image: {
            type: 'string',
            maxLength: 2048,
          },
          title: {
            type: 'string',
            maxLength: 4096,
          },
          fix: {
            type: 'string',
            maxLength: 4096,
          },
        },
      },
      GateFinding: {
        type: 'object',
        required: ['check', 'severity', 'title', 'fix'],
        properties: {
          check: {
            type: 'string',
          },
          severity: {
            type: 'string',
          },
          container: {
            type: 'string',
          },
          image: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          fix: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
      GateDecisionReport: {
        type: 'object',
        description:
          'What the gate sends (GateDecisionReport in packages/ecs-deploy-gate/src/report.ts).',
        required: [
          'schemaVersion',
          'serviceArn',
          'targetServiceRevisionArn',
          'lifecycleStage',
          'hookStatus',
          'decision',
          'findings',
          'decidedAt',
        ],
        properties: {
          schemaVersion: {
            type: 'integer',
            enum: [1],
          },
          serviceArn: {
            type: 'string',
            pattern:
              '^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:service/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$',
            maxLength: 1024,
          },
          serviceDeploymentArn: {
            type: 'string',
            pattern: '^arn:aws[a-z-]*:ecs:',
            maxLength: 1024,
          },
          targetServiceRevisionArn: {
            type: 'string',
            pattern: '^arn:aws[a-z-]*:ecs:',
            maxLength: 1024,
          },
          taskDefinitionArn: {
            type: 'string',
            pattern:
              '^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/',
            maxLength: 1024,
          },
          lifecycleStage: {
            type: 'string',
            pattern: '^[A-Z_]{1,64}$',
          },
          executionId: {
            type: 'string',
            maxLength: 255,
          },
          hookStatus: {
            type: 'string',
            enum: ['SUCCEEDED', 'FAILED'],
          },
          decision: {
            type: 'string',
            pattern: '^[a-z-]{1,32}$',
          },
          readiness: {
            type: 'string',
            enum: ['ready', 'blocked', 'at-risk', 'unverifiable'],
          },
          cause: {
            type: 'string',
            maxLength: 4096,
          },
          fix: {
            type: 'string',
            maxLength: 4096,
          },
          findings: {
            type: 'array',
            maxItems: 20,
            items: {
              $ref: '#/components/schemas/GateReportFinding',
            },
          },
          decidedAt: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      GateDecisionReceipt: {
        type: 'object',
        required: ['id', 'created', 'entityRefs'],
        properties: {
          id: {
            type: 'integer',
          },
          created: {
            type: 'boolean',
          },
          entityRefs: {
            type: 'array',
            description:
              'The entities linked to the service, whose cards show the decision (none when the service is not linked yet; the decision is kept and shows once it is).',
            items: {
              type: 'string',
            },
          },
        },
        additionalProperties: false,
      },
      GateDecision: {
        type: 'object',
        required: [
          'serviceArn',
          'targetServiceRevisionArn',
          'lifecycleStage',
          'hookStatus',
          'decision',
          'findings',
          'decidedAt',
        ],
        properties: {
          serviceArn: {
            type: 'string',
          },
          serviceDeploymentArn: {
            type: 'string',
          },
          targetServiceRevisionArn: {
            type: 'string',
          },
          taskDefinitionArn: {
            type: 'string',
          },
          lifecycleStage: {
            type: 'string',
          },
          hookStatus: {
            type: 'string',
          },
          decision: {
            type: 'string',
          },
          readiness: {
            type: 'string',
          },
          cause: {
            type: 'string',
          },
          fix: {
            type: 'string',
          },
          findings: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/GateFinding',
            },
          },
          decidedAt: {
            type: 'string',
          },
        },
        additionalProperties: false,
      },
    },
  },
} as const;
