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

import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import type {
  EntityReadiness,
  ReadinessFinding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  fixFor,
  type Finding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import type {
  ImageInspection,
  InspectImageRequest,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import { readinessPageUrl } from './entityLink';

/** Inspects one image reference for one platform (the engine, as the audit configures it). */
export type InspectImage = (
  request: InspectImageRequest,
) => Promise<ImageInspection>;

/** What {@link registerReadinessActions} needs. */
export interface ReadinessActionsOptions {
  actionsRegistry: ActionsRegistryService;
  discovery: DiscoveryService;
  auth: AuthService;
  /** `app.baseUrl`, for links to the entity's readiness tab. */
  appBaseUrl: string;
  inspectImage: InspectImage;
}

const PLUGIN_ID = 'ecs-deploy-readiness';

const RANK = { blocking: 0, risk: 1, info: 2 } as const;

/** The zod the actions registry hands to schema callbacks (its own copy). */
type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

const fixSchema = (z: Zod) =>
  z.object({
    title: z.string(),
    summary: z.string(),
    steps: z.array(
      z.object({
        text: z.string(),
        command: z.string().optional(),
      }),
    ),
    docs: z.array(z.object({ title: z.string(), url: z.string() })),
  });

const findingSchema = (z: Zod) =>
  z.object({
    id: z.string().describe('The check id, e.g. platform-missing'),
    severity: z.enum(['blocking', 'risk', 'info']),
    cause: z.string().describe('What is wrong, in one line'),
    service: z.string().optional().describe('The ECS service it was found on'),
    container: z.string().optional(),
    image: z.string().optional(),
    evidence: z.record(z.unknown()).describe('What the check saw'),
    fix: fixSchema(z).describe('How to fix it, tailored to the image'),
  });

/**
 * Registers `ecs-deploy-readiness:get-readiness` (one entity's readiness, with the cause and
 * fix of each finding) and `ecs-deploy-readiness:check-image` (one image reference for one
 * platform) in the actions registry, so MCP clients and other plugins can call them.
 */
export function registerReadinessActions(options: ReadinessActionsOptions) {
  const { actionsRegistry, discovery, auth, appBaseUrl, inspectImage } =
    options;

  actionsRegistry.register({
    name: 'get-readiness',
    title: 'Get ECS deploy readiness',
    description:
      'The deploy readiness of one catalog entity linked to Amazon ECS: blocked, at-risk, ready or unknown, ' +
      'and for each finding its cause, the service and container it was found on, and how to fix it. ' +
      'Answers with what the last audit found; it does not start an audit.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .describe(
              'The entity ref, e.g. component:default/storefront-web; a bare name means a component in the default namespace',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          status: z.enum(['blocked', 'at-risk', 'ready', 'unknown']),
          stale: z
            .boolean()
            .describe('True when the last audit could not refresh it'),
          lastAudited: z.string().optional(),
          counts: z.object({
            blocking: z.number(),
            risk: z.number(),
            info: z.number(),
          }),
          services: z.array(
            z.object({
              serviceName: z.string(),
              serviceArn: z.string(),
              status: z.string(),
            }),
          ),
          findings: z.array(findingSchema(z)).describe('Worst first'),
          url: z.string().describe("The entity's readiness tab in Backstage"),
        }),
    },
    examples: [
      {
        title: 'A blocked service',
        input: { entityRef: 'component:default/storefront-web' },
      },
    ],
    action: async ({ input, credentials }) => {
      const ref = parseRef(input.entityRef);
      const readiness = await getReadiness(ref, credentials);
      const findings = [
        ...readiness.findings.map(f => findingOutput(f)),
        ...readiness.services.flatMap(s =>
          s.findings.map(f => findingOutput(f, s.serviceName)),
        ),
      ].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
      return {
        output: {
          entityRef: readiness.entityRef,
          status: readiness.status,
          stale: readiness.stale,
          ...(readiness.lastAudited && { lastAudited: readiness.lastAudited }),
          counts: readiness.counts,
          services: readiness.services.map(s => ({
            serviceName: s.serviceName,
            serviceArn: s.serviceArn,
            status: s.status,
          })),
          findings,
          url: readinessPageUrl(appBaseUrl, ref),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'check-image',
    title: 'Check a container image for ECS',
    description:
      'Resolves an image reference in its registry and runs every ECS pull readiness check for a platform ' +
      '(missing platform in the index, mixed layer compression, mutable tags, attestations and more), ' +
      'answering with the status and, for each finding, its cause and fix. Reads the registry only.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          image: z
            .string()
            .min(1)
            .max(1024)
            .describe(
              'An image reference as a task definition writes it, e.g. 111111111111.dkr.ecr.eu-west-1.amazonaws.com/web:1.4',
            ),
          platform: z
            .string()
            .max(128)
            .optional()
            .describe(
              'The task platform, os/arch[/variant] such as linux/arm64, or an ECS runtime platform such as LINUX/ARM64. Default linux/amd64 (Fargate)',
            ),
          launchType: z.enum(['FARGATE', 'EC2', 'EXTERNAL']).optional(),
        }),
      output: z =>
        z.object({
          image: z.string(),
          status: z
            .string()
            .describe('blocked, at-risk, ready or unverifiable'),
          resolvedDigest: z.string().optional(),
          platformManifestDigest: z.string().optional(),
          pinnedReference: z
            .string()
            .optional()
            .describe('The reference pinned to the digest it resolves to now'),
          findings: z.array(findingSchema(z)).describe('Worst first'),
        }),
    },
    action: async ({ input }) => {
      const result = await inspectImage({
        image: input.image,
        ...(input.platform && { platform: input.platform }),
        ...(input.launchType && { launchType: input.launchType }),
      });
      const invalid = result.findings.find(f => f.id === 'invalid-reference');
      if (invalid) {
        throw new InputError(`Invalid image reference: ${invalid.title}`);
      }
      return {
        output: {
          image: result.reference,
          status: result.status,
          ...(result.resolvedDigest && {
            resolvedDigest: result.resolvedDigest,
          }),
          ...(result.platformManifestDigest && {
            platformManifestDigest: result.platformManifestDigest,
          }),
          ...(result.pinnedReference && {
            pinnedReference: result.pinnedReference,
          }),
          findings: result.findings.map(f =>
            findingOutput({ ...f, fix: fixFor(f.fixKey, f.fixVars) }),
          ),
        },
      };
    },
  });

  /** The plugin's own `GET …/readiness`, for the caller: the same visibility rules and 404s. */
  async function getReadiness(
    ref: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<EntityReadiness> {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: PLUGIN_ID,
    });
    const base = await discovery.getBaseUrl(PLUGIN_ID);
    const path = [ref.kind, ref.namespace, ref.name]
      .map(encodeURIComponent)
      .join('/');
    const response = await fetch(`${base}/entities/${path}/readiness`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.ok) return (await response.json()) as EntityReadiness;
    const error = await ResponseError.fromResponse(response);
    const message = error.body?.error?.message ?? error.message;
    if (response.status === 404) throw new NotFoundError(message);
    if (response.status === 400) throw new InputError(message);
    if (response.status === 403) throw new NotAllowedError(message);
    throw error;
  }
}

function parseRef(value: string) {
  try {
    const ref = parseEntityRef(value.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    return {
      kind: ref.kind.toLocaleLowerCase('en-US'),
      namespace: ref.namespace.toLocaleLowerCase('en-US'),
      name: ref.name,
    };
  } catch (error) {
    throw new InputError(`Invalid entityRef "${value}": ${error}`);
  }
}

function findingOutput(
  finding: Finding & { fix: ReadinessFinding['fix'] },
  service?: string,
) {
  return {
    id: finding.id,
    severity: finding.severity,
    cause: finding.title,
    ...(service && { service }),
    ...(finding.container && { container: finding.container }),
    ...(finding.image && { image: finding.image }),
    evidence: (finding.evidence ?? {}) as Record<string, unknown>,
    fix: {
      title: finding.fix.title,
      summary: finding.fix.summary,
      steps: finding.fix.steps.map(s => ({
        text: s.text,
        ...(s.command && { command: s.command }),
      })),
      docs: finding.fix.docs.map(d => ({ title: d.title, url: d.url })),
    },
  };
}
