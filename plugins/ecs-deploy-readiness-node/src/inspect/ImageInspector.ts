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
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  CheckContext,
  FARGATE_DEFAULT_PLATFORM,
  checkResolvedImage,
  createFinding,
  describePlatform,
  factsOf,
  formatPlatform,
  parsePlatform,
  isSociIndexEntry,
  parseTaskDefinition,
  SOCI,
  sortFindings,
  statusOf,
  taskDefinitionFindings,
} from '../analysis';
import {
  ParseImageReferenceOptions,
  digestProblem,
  parseImageReference,
  withDigest,
} from '../reference';
import type { ImageReference } from '../reference/types';
import type { RegistryClient, RegistryClientProvider } from '../registry/types';
import { RegistryError } from '../registry/types';
import { heldSecrets } from '../registry/secrets';
import { AuditMemo } from './auditMemo';
import { isCanceled } from '../registry/concurrency';
import { attempt, throwIfAborted } from './cancel';
import { InMemoryDocumentCache } from './documentCache';
import { Limiter } from './limiter';
import {
  RegistryCheckContext,
  checkDeployedDigests,
  checkImageDetails,
  checkLifecycle,
  checkTagMutability,
} from './registryChecks';
import { findingForRegistryError } from './registryFindings';
import { HostGivenUpError, RegistryReader } from './registryReader';
import { DocumentSource, Resolution, resolveImage } from './resolve';
import {
  Clock,
  ImageInspection,
  ImageInspectorOptions,
  InspectImageRequest,
  InspectTaskDefinitionOptions,
  InspectionFacts,
  InvalidRequestError,
  TaskDefinitionInspection,
} from './types';

const DEFAULT_CONCURRENCY = 8;
/** Default of {@link ImageInspectorOptions.inspectionDeadlineMs}: two minutes. */
const DEFAULT_INSPECTION_DEADLINE_MS = 120_000;

/** The time limit of one `inspectImage` or `inspectTaskDefinition` call. */
interface Deadline {
  signal: AbortSignal;
  ms: number;
}

/** An image resolved and checked for one platform: what does not depend on the caller. */
interface ImageState {
  resolution: Resolution;
  /** The resolution's read findings and the checks of what it read. */
  findings: Finding[];
}

/**
 * Inspects images in their registries and tells whether ECS can pull and start them: a small
 * façade over the engine's steps. For each request it parses the reference, picks the registry
 * client, runs the one resolution step (`resolveImage`: index → platform manifest → config) and
 * the document checks (`checkResolvedImage`, shared with the offline analysis), then the registry
 * checks (tag mutability, image details, deployed digests, lifecycle).
 *
 * Built for audits of thousands of services: registry calls are bounded by a concurrency limit,
 * every registry answer is remembered in one bounded audit memo (so an image and platform
 * requested by many services is inspected once, and in-flight work is shared), and documents are
 * read through the document cache. Create one inspector per audit run.
 *
 * Never throws for bad input or registry failures: they become findings. Rejects only for a
 * request it cannot run as asked ({@link InvalidRequestError}). Every inspection takes an
 * `AbortSignal`; a canceled inspection ends at once with the status `canceled`.
 *
 * @public
 */
export class ImageInspector {
  private readonly provider: RegistryClientProvider;
  private readonly reader: RegistryReader;
  private readonly memo: AuditMemo;
  private readonly clock: Clock;
  private readonly parseOptions: ParseImageReferenceOptions;
  private readonly deadlineMs: number;

  /** Creates an inspector with its own audit memo and concurrency limit. */
  static create(options: ImageInspectorOptions): ImageInspector {
    return new ImageInspector(options);
  }

  private constructor(options: ImageInspectorOptions) {
    this.provider = options.registryClientProvider;
    this.memo = new AuditMemo({ maxEntries: options.maxMemoEntries });
    this.reader = new RegistryReader(
      this.memo,
      new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY),
      options.documentCache ?? new InMemoryDocumentCache(),
      { maxHostTimeouts: options.maxHostTimeouts },
    );
    this.deadlineMs =
      options.inspectionDeadlineMs ?? DEFAULT_INSPECTION_DEADLINE_MS;
    if (!(this.deadlineMs > 0)) {
      throw new RangeError(
        `inspectionDeadlineMs must be positive, got ${options.inspectionDeadlineMs}`,
      );
    }
    this.clock = options.clock ?? { now: () => new Date() };
    this.parseOptions = {
      pullThroughCachePrefixes: options.pullThroughCachePrefixes,
    };
  }

  /**
   * Inspects one image for one platform, within the inspection deadline: what is not done by
   * then is `unverifiable`, and says so.
   */
  async inspectImage(request: InspectImageRequest): Promise<ImageInspection> {
    const platform = requestPlatform(request.platform);
    return this.withDeadline(deadline =>
      this.inspectWithin(request, platform, deadline),
    );
  }

  /** Runs `work` under a deadline of `inspectionDeadlineMs`, cleared when it ends. */
  /**
   * Runs one inspection within the inspection deadline, and returns its result with every
   * credential the process holds redacted: registry errors are redacted where they are made,
   * and this is the last guard for any other text a result carries.
   */
  private async withDeadline<T>(
    work: (deadline: Deadline) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.deadlineMs);
    try {
      return heldSecrets.redactValue(
        await work({ signal: controller.signal, ms: this.deadlineMs }),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async inspectWithin(
    request: InspectImageRequest,
    platform: Platform,
    deadline: Deadline,
  ): Promise<ImageInspection> {
    const facts: InspectionFacts = { platform: describePlatform(platform) };
    const caller = request.signal;
    // What the inspection concluded so far, kept when the deadline stops it.
    const found: Finding[] = [];
    try {
      throwIfAborted(caller);
      const signal = caller
        ? AbortSignal.any([caller, deadline.signal])
        : deadline.signal;
      return await this.inspect({ ...request, signal }, platform, facts, found);
    } catch (error) {
      if (!isCanceled(error)) throw error;
      if (caller?.aborted || !deadline.signal.aborted) {
        return canceledResult(request.image, facts);
      }
      return result(request.image, facts, [
        ...found,
        createFinding('unverifiable', {
          title: `Could not finish verifying ${request.image}: the inspection deadline of ${deadline.ms} ms was reached`,
          evidence: {
            stage: 'deadline',
            reason: `inspection deadline of ${deadline.ms} ms reached`,
            deadlineMs: deadline.ms,
          },
          vars: { image: request.image },
        }),
      ]);
    }
  }

  /**
   * Inspects every container of a task definition (any JSON form ECS accepts or prints) for the
   * task's platform and launch type, all within one inspection deadline. Never throws: an
   * unreadable task definition gives an `unverifiable` result with `error` set.
   */
  async inspectTaskDefinition(
    taskDefinition: unknown,
    options: InspectTaskDefinitionOptions = {},
  ): Promise<TaskDefinitionInspection> {
    return this.withDeadline(deadline =>
      this.inspectTaskDefinitionWithin(taskDefinition, options, deadline),
    );
  }

  private async inspectTaskDefinitionWithin(
    taskDefinition: unknown,
    options: InspectTaskDefinitionOptions,
    deadline: Deadline,
  ): Promise<TaskDefinitionInspection> {
    const parsed = parseTaskDefinition(taskDefinition);
    if (!parsed.ok) {
      return {
        platform: formatPlatform(FARGATE_DEFAULT_PLATFORM),
        platformSource: 'default',
        status: 'unverifiable',
        containers: [],
        findings: [
          createFinding('unverifiable', {
            title: `The task definition could not be read: ${parsed.reason}`,
            evidence: { reason: parsed.reason },
          }),
        ],
        error: parsed.reason,
      };
    }
    const td = parsed.taskDefinition;
    const containers = await Promise.all(
      td.containers.map(async container => {
        if (container.image === undefined) {
          const finding = createFinding('invalid-reference', {
            title: `Container "${container.name}" has no image`,
            evidence: { container: container.name },
          });
          return {
            name: container.name,
            findings: [{ ...finding, container: container.name }],
          };
        }
        const inspection = await this.inspectWithin(
          {
            image: container.image,
            platform: td.platform,
            launchType: td.launchType,
            hasRepositoryCredentials: container.hasRepositoryCredentials,
            versionConsistency: container.versionConsistency,
            deployedDigests:
              options.deployedDigestsByContainer?.[container.name],
            signal: options.signal,
          },
          td.platform,
          deadline,
        );
        return {
          name: container.name,
          image: container.image,
          inspection,
          findings: inspection.findings.map(f => ({
            ...f,
            container: container.name,
          })),
        };
      }),
    );
    const findings = sortFindings([
      ...taskDefinitionFindings(td),
      ...containers.flatMap(c => c.findings),
    ]);
    const canceled = containers.some(c => c.inspection?.status === 'canceled');
    return {
      family: td.family,
      revision: td.revision,
      taskDefinitionArn: td.taskDefinitionArn,
      platform: describePlatform(td.platform),
      platformSource: td.platformSource,
      launchType: td.launchType,
      status: canceled ? 'canceled' : statusOf(findings),
      containers: containers.map(({ findings: _, ...c }) => c),
      findings,
    };
  }

  /**
   * Resolves a reference to the digest it points at now (for pinning). A reference that already
   * has a digest resolves to it without a registry call.
   */
  async resolveDigest(
    image: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<
    | {
        ok: true;
        reference: ImageReference;
        digest: string;
        pinnedReference: string;
      }
    | { ok: false; finding: Finding }
  > {
    const parsed = parseImageReference(image, this.parseOptions);
    if (!parsed.ok) {
      return { ok: false, finding: invalidReference(image, parsed.reason) };
    }
    const ref = parsed.reference;
    if (ref.digest) {
      return {
        ok: true,
        reference: ref,
        digest: ref.digest,
        pinnedReference: ref.original,
      };
    }
    const vars = varsFor(ref, FARGATE_DEFAULT_PLATFORM, undefined);
    const client = this.clientFor(ref, vars);
    if (!client.ok) return { ok: false, finding: client.finding };
    const fetched = await attempt(() =>
      this.reader.manifestByTag(
        client.value,
        ref.repository,
        ref.tag ?? 'latest',
        options.signal,
      ),
    );
    if (!fetched.ok) {
      return {
        ok: false,
        finding: findingForRegistryError(fetched.error, 'manifest', {
          reference: ref,
          vars,
        }),
      };
    }
    const digest = fetched.value.digest;
    return {
      ok: true,
      reference: ref,
      digest,
      pinnedReference: withDigest(ref, digest),
    };
  }

  /** `found` collects the findings as they are made, for a result cut short by the deadline. */
  private async inspect(
    request: InspectImageRequest,
    platform: Platform,
    facts: InspectionFacts,
    found: Finding[],
  ): Promise<ImageInspection> {
    const { signal } = request;
    const parsed = parseImageReference(request.image, this.parseOptions);
    if (!parsed.ok) {
      return result(request.image, facts, [
        invalidReference(request.image, parsed.reason),
      ]);
    }
    const ref = parsed.reference;
    facts.reference = {
      registry: ref.registry,
      repository: ref.repository,
      tag: ref.tag,
      digest: ref.digest,
      registryKind: ref.kind,
    };
    const vars = varsFor(ref, platform, request.launchType);
    // ECS pulls an image outside private ECR with the container's repositoryCredentials, or with
    // no credentials at all: without them the engine reads it anonymously too, so that
    // credentials the auditor holds never make an image look pullable for ECS.
    const anonymous = ref.kind !== 'ecr' && !request.hasRepositoryCredentials;
    const client = this.clientFor(ref, vars, anonymous);
    if (!client.ok) return result(ref.original, facts, [client.finding]);
    const timeouts = this.reader.givenUp(client.value.registry);
    if (timeouts !== undefined) {
      return result(ref.original, facts, [hostGivenUp(ref, vars, timeouts)]);
    }

    const state = await this.memo.get(
      [
        'inspection',
        ref.original,
        describePlatform(platform),
        request.launchType ?? '',
        anonymous ? 'anonymous' : 'credentials',
      ].join('\n'),
      s =>
        this.imageState(client.value, ref, anonymous, {
          platform,
          launchType: request.launchType,
          vars,
          signal: s,
        }),
      { signal },
    );
    const { resolution } = state;
    const resolvedDigest = resolution.resolvedDigest;
    const pinnedReference =
      resolvedDigest && !ref.digest
        ? withDigest(ref, resolvedDigest)
        : undefined;
    const ctx: RegistryCheckContext = {
      reader: this.reader,
      client: client.value,
      reference: ref,
      vars: {
        ...vars,
        ...(resolvedDigest ? { digest: ref.digest ?? resolvedDigest } : {}),
        ...(pinnedReference ? { pinnedReference } : {}),
      },
      signal,
    };
    const findings = found;
    findings.push(...state.findings);
    if (ref.kind === 'dockerhub' && !request.hasRepositoryCredentials) {
      findings.push(
        createFinding('dockerhub-unauthenticated', {
          title:
            'Pulled from Docker Hub without credentials: anonymous pulls are rate-limited per IP ("toomanyrequests")',
          evidence: { registry: ref.registry, repository: ref.repository },
          vars: ctx.vars,
        }),
      );
    }
    if (resolvedDigest && client.value.describeImage) {
      const image = await checkImageDetails(ctx, resolvedDigest, {
        platformManifestDigest: resolution.platformManifestDigest,
        // A SOCI index manifest v2: an index whose image entries name their SOCI index.
        sociV2: resolution.image.indexes.some(index =>
          index.document.manifests.some(
            entry =>
              isSociIndexEntry(entry) ||
              entry.annotations?.[SOCI.indexDigestAnnotation] !== undefined,
          ),
        ),
      });
      if (image.details) {
        facts.registryImage = {
          ...image.details,
          pushedAt: image.details.pushedAt?.toISOString(),
          lastRecordedPullTime:
            image.details.lastRecordedPullTime?.toISOString(),
        };
      }
      findings.push(...image.findings);
    }
    if (!ref.digest && resolution.resolved) {
      const mutability = await checkTagMutability(
        ctx,
        request.versionConsistency,
      );
      facts.tagMutability = mutability.tagMutability;
      findings.push(...mutability.findings);
    }
    const deployed = validDeployedDigests(request.deployedDigests, ctx.vars);
    findings.push(...deployed.findings);
    findings.push(...(await checkDeployedDigests(ctx, deployed.digests)));
    const lifecycle = await checkLifecycle(
      ctx,
      [
        ...(resolvedDigest
          ? [{ digest: resolvedDigest, role: 'resolved' as const }]
          : []),
        ...deployed.digests.map(digest => ({
          digest,
          role: 'deployed' as const,
        })),
      ],
      this.clock.now(),
    );
    if (lifecycle.hasLifecyclePolicy !== undefined) {
      facts.hasLifecyclePolicy = lifecycle.hasLifecyclePolicy;
    }
    findings.push(...lifecycle.findings);
    throwIfAborted(signal);

    const index = resolution.image.indexes[0];
    const manifest = resolution.image.manifest;
    return result(
      ref.original,
      {
        ...facts,
        ...(index ? { index: factsOf(index.document) } : {}),
        ...(manifest
          ? { manifest: factsOf(manifest.document, resolution.image.config) }
          : {}),
      },
      findings,
      {
        resolvedDigest,
        platformManifestDigest: resolution.platformManifestDigest,
        pinnedReference,
      },
    );
  }

  /** Resolves the reference for the platform and checks the documents it read. */
  private async imageState(
    client: RegistryClient,
    ref: ImageReference,
    anonymous: boolean,
    ctx: CheckContext & { signal: AbortSignal },
  ): Promise<ImageState> {
    const resolution = await resolveImage({
      source: this.registrySource(client, ref),
      ctx,
      signal: ctx.signal,
      readFailure: (error, stage, digest) =>
        error instanceof HostGivenUpError
          ? hostGivenUp(ref, ctx.vars ?? {}, error.timeouts)
          : findingForRegistryError(error, stage, {
              reference: ref,
              vars: ctx.vars ?? {},
              digest: digest ?? (stage === 'manifest' ? ref.digest : undefined),
              pulledWithoutCredentials: anonymous,
            }),
    });
    await this.explainNotFound(client, ref, resolution, ctx);
    const checked = checkResolvedImage(resolution.image, {
      ...ctx,
      vars: {
        ...ctx.vars,
        ...(resolution.resolvedDigest
          ? { digest: ref.digest ?? resolution.resolvedDigest }
          : {}),
      },
    });
    return { resolution, findings: [...checked, ...resolution.findings] };
  }

  /**
   * ECR answers a pull of an archived (or still restoring) image with "not found", and documents
   * no failure code of its own for it ("Archiving an image", ECR User Guide: "will fail with a 404
   * error"). When the tag or digest is not found, DescribeImages tells: an image it still
   * describes as `ARCHIVED` or `ACTIVATING` is `image-archived` (restore it), not missing.
   */
  private async explainNotFound(
    client: RegistryClient,
    ref: ImageReference,
    resolution: Resolution,
    ctx: CheckContext & { signal: AbortSignal },
  ): Promise<void> {
    if (ref.kind !== 'ecr' || resolution.resolved || !client.describeImage) {
      return;
    }
    const at = resolution.findings.findIndex(
      f => f.id === 'tag-not-found' || f.id === 'digest-not-found',
    );
    if (at < 0) return;
    const details = await attempt(() =>
      this.reader.describeImage(
        client,
        ref.repository,
        ref.digest ?? { tag: ref.tag ?? 'latest' },
        ctx.signal,
      ),
    );
    const image = details.ok ? details.value : undefined;
    const status = image?.status;
    if (status !== 'ARCHIVED' && status !== 'ACTIVATING') return;
    resolution.findings[at] = findingForRegistryError(
      new RegistryError(
        'image-archived',
        `${ref.repository}${
          ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`
        } is ${status} in ECR (DescribeImages)`,
        { registry: ref.registry },
      ),
      'manifest',
      {
        reference: ref,
        vars: { ...ctx.vars, digest: ref.digest ?? image?.digest },
        digest: ref.digest ?? image?.digest,
      },
    );
  }

  /** The registry as the resolution's document source. */
  private registrySource(
    client: RegistryClient,
    ref: ImageReference,
  ): DocumentSource {
    const { reader } = this;
    const repository = ref.repository;
    // Configs this resolution fetched from the registry: their existence needs no other request.
    const fetched = new Set<string>();
    return {
      top: signal =>
        ref.digest
          ? reader.existingManifest(client, repository, ref.digest, signal)
          : reader.manifestByTag(
              client,
              repository,
              ref.tag ?? 'latest',
              signal,
            ),
      manifest: (digest, signal) =>
        reader.manifestByDigest(client, repository, digest, signal),
      config: async (digest, signal) => {
        const blob = await reader.blob(client, repository, digest, signal);
        if (blob.fromRegistry) fetched.add(digest);
        return blob.bytes;
      },
      blobsExist: (question, signal) =>
        reader.verifyBlobs(
          client,
          repository,
          { ...question, present: fetched },
          signal,
        ),
    };
  }

  private clientFor(
    ref: ImageReference,
    vars: FixVars,
    anonymous = false,
  ): { ok: true; value: RegistryClient } | { ok: false; finding: Finding } {
    try {
      return {
        ok: true,
        value: this.provider.forReference(ref, { anonymous }),
      };
    } catch (error) {
      return {
        ok: false,
        finding: findingForRegistryError(error, 'registry', {
          reference: ref,
          vars,
        }),
      };
    }
  }
}

/** The platform of a request; an invalid one is the caller's mistake. */
function requestPlatform(value: InspectImageRequest['platform']): Platform {
  if (value === undefined) return FARGATE_DEFAULT_PLATFORM;
  if (typeof value === 'string') {
    const parsed = parsePlatform(value);
    if (!parsed.ok) {
      throw new InvalidRequestError(
        `The platform "${value}" is not valid: ${parsed.reason}`,
      );
    }
    return parsed.platform;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.os !== 'string' ||
    typeof value.architecture !== 'string' ||
    !value.os ||
    !value.architecture
  ) {
    throw new InvalidRequestError(
      'The platform must name an os and an architecture',
    );
  }
  return value;
}

function varsFor(
  ref: ImageReference,
  platform: Platform,
  launchType?: string,
): FixVars {
  return {
    image: ref.original,
    repository: ref.repository,
    registry: ref.registry,
    ...(ref.ecr
      ? { region: ref.ecr.region, accountId: ref.ecr.accountId }
      : {}),
    ...(ref.tag ? { tag: ref.tag } : {}),
    ...(ref.digest ? { digest: ref.digest } : {}),
    platform: formatPlatform(platform),
    ...(launchType ? { launchType } : {}),
  };
}

/** The finding for an image whose registry host this inspector no longer asks. */
function hostGivenUp(
  ref: ImageReference,
  vars: FixVars,
  timeouts: number,
): Finding {
  const reason = `${ref.registry} timed out ${timeouts} times in this run; it is not asked again`;
  return createFinding('unverifiable', {
    title: `Could not verify ${ref.original}: ${reason}`,
    evidence: {
      registry: ref.registry,
      repository: ref.repository,
      stage: 'registry',
      errorKind: 'timeout',
      timeouts,
      reason,
    },
    vars,
  });
}

function invalidReference(image: string, reason: string): Finding {
  return createFinding('invalid-reference', {
    title: `"${image}" is not a valid image reference: ${reason}`,
    evidence: { image, reason },
    vars: { image },
  });
}

/** The well-formed deployed digests, and a finding for each malformed one. */
function validDeployedDigests(
  digests: readonly string[] | undefined,
  vars: FixVars,
): { digests: string[]; findings: Finding[] } {
  const valid: string[] = [];
  const findings: Finding[] = [];
  for (const digest of new Set(digests ?? [])) {
    const problem = digestProblem(digest);
    if (problem) {
      findings.push(
        createFinding('unverifiable', {
          title: `Cannot check the deployed digest "${digest}": ${problem}`,
          evidence: { stage: 'deployed-digest', digest, reason: problem },
          vars,
        }),
      );
    } else {
      valid.push(digest);
    }
  }
  return { digests: valid, findings };
}

function result(
  reference: string,
  facts: InspectionFacts,
  findings: Finding[],
  digests: {
    resolvedDigest?: string;
    platformManifestDigest?: string;
    pinnedReference?: string;
  } = {},
): ImageInspection {
  const sorted = sortFindings(findings).map(f => ({ ...f, image: reference }));
  return {
    reference,
    ...(digests.resolvedDigest
      ? { resolvedDigest: digests.resolvedDigest }
      : {}),
    ...(digests.platformManifestDigest
      ? { platformManifestDigest: digests.platformManifestDigest }
      : {}),
    ...(digests.pinnedReference
      ? { pinnedReference: digests.pinnedReference }
      : {}),
    status: statusOf(sorted),
    facts,
    findings: sorted,
  };
}

function canceledResult(
  reference: string,
  facts: InspectionFacts,
): ImageInspection {
  return { reference, status: 'canceled', facts, findings: [] };
}
