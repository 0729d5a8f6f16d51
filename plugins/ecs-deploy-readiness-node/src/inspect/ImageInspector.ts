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
  ConfigDocument,
  DocumentFacts,
  FARGATE_DEFAULT_PLATFORM,
  ManifestDocument,
  RegistryDocument,
  checkIndex,
  checkManifest,
  checkSchema1,
  checkUnknown,
  classifyLayer,
  createFinding,
  describePlatform,
  evaluateLifecyclePolicy,
  evaluateTagMutability,
  factsOf,
  formatPlatform,
  parseDocument,
  parseJsonBytes,
  parseLifecyclePolicy,
  parsePlatform,
  parseTaskDefinition,
  readConfigDocument,
  shortDigest,
  sortFindings,
  statusOf,
} from '../analysis';
import {
  ParseImageReferenceOptions,
  digestProblem,
  parseImageReference,
  withDigest,
} from '../reference';
import type { ImageReference } from '../reference/types';
import { InMemoryDocumentCache } from '../registry/cache';
import { RegistryError } from '../registry/types';
import type {
  ImageDetails,
  RegistryClient,
  RegistryClientProvider,
  RepositoryInfo,
} from '../registry/types';
import { DocumentReader } from './documentReader';
import { Limiter, Memo } from './limiter';
import { InspectionStage, findingForRegistryError } from './registryFindings';
import {
  Clock,
  ImageInspection,
  ImageInspectorOptions,
  InspectImageRequest,
  InspectTaskDefinitionOptions,
  InspectionFacts,
  TaskDefinitionInspection,
} from './types';

/** Nested indexes deeper than this are not followed. */
const MAX_INDEX_DEPTH = 3;
const DEFAULT_CONCURRENCY = 8;

/** What an image looks like for one platform: everything that does not depend on the caller. */
interface ImageState {
  resolvedDigest?: string;
  platformManifestDigest?: string;
  /** True when the reference resolved (the registry had the tag or digest). */
  resolved: boolean;
  index?: DocumentFacts;
  manifest?: DocumentFacts;
  registryImage?: ImageDetails;
  findings: Finding[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function referenceKey(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${
    ref.digest ? `@${ref.digest}` : ''
  }`;
}

/**
 * Inspects images in their registries, with the checks of `src/analysis`, and tells whether ECS
 * can pull and start them. Built for audits of thousands of services: registry calls are bounded
 * by a concurrency limit, documents fetched by digest are cached, and the same image and platform
 * requested by many services is inspected once (in-flight work is shared). Create one inspector
 * per audit run: what it remembers about tags lives as long as the instance.
 *
 * The inspector's `documentCache` is the engine's only document cache, and it is read for
 * content only: whether a digest still exists (a digest-pinned reference, a deployed digest, a
 * layer) is always asked of the registry (`manifestExists`, `blobsExist`), at most once per
 * audit when the provider is an audit provider.
 *
 * Never throws for bad input or registry failures: they become findings.
 *
 * @public
 */
export class ImageInspector {
  private readonly provider: RegistryClientProvider;
  private readonly documents: DocumentReader;
  private readonly limiter: Limiter;
  private readonly clock: Clock;
  private readonly parseOptions: ParseImageReferenceOptions;
  private readonly images = new Memo<ImageState>();
  private readonly repositories = new Memo<
    Outcome<RepositoryInfo | undefined>
  >();
  private readonly imageLists = new Memo<Outcome<ImageDetails[]>>();
  private readonly deployed = new Memo<Finding[]>();

  static create(options: ImageInspectorOptions): ImageInspector {
    return new ImageInspector(options);
  }

  private constructor(options: ImageInspectorOptions) {
    this.provider = options.registryClientProvider;
    this.limiter = new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.documents = new DocumentReader(
      options.documentCache ?? new InMemoryDocumentCache(),
      this.limiter,
    );
    this.clock = options.clock ?? { now: () => new Date() };
    this.parseOptions = {
      pullThroughCachePrefixes: options.pullThroughCachePrefixes,
    };
  }

  /** Forgets every tag resolution and repository fact (the document cache is kept). */
  clearMemo(): void {
    this.images.clear();
    this.repositories.clear();
    this.imageLists.clear();
    this.deployed.clear();
  }

  /**
   * Inspects one image for one platform.
   */
  async inspectImage(request: InspectImageRequest): Promise<ImageInspection> {
    const platformResult =
      typeof request.platform === 'string'
        ? parsePlatform(request.platform)
        : {
            ok: true as const,
            platform: request.platform ?? FARGATE_DEFAULT_PLATFORM,
          };
    const platform = platformResult.ok
      ? platformResult.platform
      : FARGATE_DEFAULT_PLATFORM;
    const facts: InspectionFacts = { platform: describePlatform(platform) };

    const parsed = parseImageReference(request.image, this.parseOptions);
    if (!parsed.ok) {
      const findings = [
        createFinding('invalid-reference', {
          title: `"${request.image}" is not a valid image reference: ${parsed.reason}`,
          evidence: { image: request.image, reason: parsed.reason },
          vars: { image: request.image },
        }),
      ];
      return this.result(request.image, { findings }, facts);
    }
    const ref = parsed.reference;
    facts.reference = {
      registry: ref.registry,
      repository: ref.repository,
      tag: ref.tag,
      digest: ref.digest,
      registryKind: ref.kind,
    };
    const vars = this.varsFor(ref, platform, request.launchType);
    const findings: Finding[] = [];
    if (!platformResult.ok) {
      findings.push(
        createFinding('unverifiable', {
          title: `The platform "${request.platform}" is not valid: ${platformResult.reason}`,
          evidence: {
            platform: request.platform,
            reason: platformResult.reason,
          },
          vars,
        }),
      );
      return this.result(ref.original, { findings }, facts);
    }

    const client = this.clientFor(ref, vars);
    if (!client.ok) {
      return this.result(ref.original, { findings: [client.finding] }, facts);
    }
    const state = await this.images.get(
      `${referenceKey(ref)}|${describePlatform(platform)}|${
        request.launchType ?? ''
      }`,
      () =>
        this.inspectState(
          client.value,
          ref,
          platform,
          request.launchType,
          vars,
        ),
    );
    const pinnedReference =
      state.resolvedDigest && !ref.digest
        ? withDigest(ref, state.resolvedDigest)
        : undefined;
    const enriched: FixVars = {
      ...vars,
      ...(state.resolvedDigest
        ? { digest: ref.digest ?? state.resolvedDigest }
        : {}),
      ...(pinnedReference ? { pinnedReference } : {}),
    };
    findings.push(...state.findings);

    if (ref.kind === 'dockerhub' && !request.hasRepositoryCredentials) {
      findings.push(
        createFinding('dockerhub-unauthenticated', {
          title:
            'Pulled from Docker Hub without credentials: anonymous pulls are rate-limited per IP ("toomanyrequests")',
          evidence: { registry: ref.registry, repository: ref.repository },
          vars: enriched,
        }),
      );
    }
    if (!ref.digest && state.resolved) {
      const mutable = await this.mutableTagFinding(
        client.value,
        ref,
        request,
        enriched,
        facts,
      );
      if (mutable) findings.push(mutable);
    }
    const deployedDigests: string[] = [];
    for (const digest of new Set(request.deployedDigests ?? [])) {
      const problem = digestProblem(digest);
      if (problem) {
        findings.push(
          createFinding('unverifiable', {
            title: `Cannot check the deployed digest "${digest}": ${problem}`,
            evidence: { stage: 'deployed-digest', digest, reason: problem },
            vars: enriched,
          }),
        );
        continue;
      }
      deployedDigests.push(digest);
    }
    for (const digest of deployedDigests) {
      findings.push(
        ...(await this.deployedDigestFindings(
          client.value,
          ref,
          digest,
          enriched,
        )),
      );
    }
    findings.push(
      ...(await this.lifecycleFindings(
        client.value,
        ref,
        [
          ...(state.resolvedDigest
            ? [{ digest: state.resolvedDigest, role: 'resolved' }]
            : []),
          ...deployedDigests.map(digest => ({ digest, role: 'deployed' })),
        ],
        enriched,
        facts,
      )),
    );
    return this.result(
      ref.original,
      { ...state, findings },
      facts,
      pinnedReference,
    );
  }

  /**
   * Inspects every container of a task definition (any JSON form ECS accepts or prints) for the
   * task's platform and launch type. Never throws: an unreadable task definition gives an
   * `unverifiable` result with `error` set.
   */
  async inspectTaskDefinition(
    taskDefinition: unknown,
    options: InspectTaskDefinitionOptions = {},
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
        const inspection = await this.inspectImage({
          image: container.image,
          platform: td.platform,
          launchType: td.launchType,
          hasRepositoryCredentials: container.hasRepositoryCredentials,
          versionConsistency: container.versionConsistency,
          deployedDigests: options.deployedDigestsByContainer?.[container.name],
        });
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
    const findings = sortFindings(containers.flatMap(c => c.findings));
    return {
      family: td.family,
      revision: td.revision,
      taskDefinitionArn: td.taskDefinitionArn,
      platform: describePlatform(td.platform),
      platformSource: td.platformSource,
      launchType: td.launchType,
      status: statusOf(findings),
      containers: containers.map(({ findings: _, ...c }) => c),
      findings,
    };
  }

  /**
   * Resolves a reference to the digest it points at now (for pinning). A reference that already
   * has a digest resolves to it without a registry call.
   */
  async resolveDigest(image: string): Promise<
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
      return {
        ok: false,
        finding: createFinding('invalid-reference', {
          title: `"${image}" is not a valid image reference: ${parsed.reason}`,
          evidence: { image, reason: parsed.reason },
          vars: { image },
        }),
      };
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
    const vars = this.varsFor(ref, FARGATE_DEFAULT_PLATFORM, undefined);
    const client = this.clientFor(ref, vars);
    if (!client.ok) return { ok: false, finding: client.finding };
    const fetched = await attempt(() =>
      this.documents.manifest(
        client.value,
        ref.repository,
        ref.tag ?? 'latest',
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

  private result(
    reference: string,
    state: Pick<
      ImageState,
      | 'resolvedDigest'
      | 'platformManifestDigest'
      | 'index'
      | 'manifest'
      | 'registryImage'
      | 'findings'
    >,
    facts: InspectionFacts,
    pinnedReference?: string,
  ): ImageInspection {
    const findings = sortFindings(state.findings).map(f => ({
      ...f,
      image: reference,
    }));
    const details = state.registryImage;
    return {
      reference,
      ...(state.resolvedDigest ? { resolvedDigest: state.resolvedDigest } : {}),
      ...(state.platformManifestDigest
        ? { platformManifestDigest: state.platformManifestDigest }
        : {}),
      ...(pinnedReference ? { pinnedReference } : {}),
      status: statusOf(findings),
      facts: {
        ...facts,
        ...(state.index ? { index: state.index } : {}),
        ...(state.manifest ? { manifest: state.manifest } : {}),
        ...(details
          ? {
              registryImage: {
                ...details,
                pushedAt: details.pushedAt?.toISOString(),
                lastRecordedPullTime:
                  details.lastRecordedPullTime?.toISOString(),
              },
            }
          : {}),
      },
      findings,
    };
  }

  private varsFor(
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

  private clientFor(
    ref: ImageReference,
    vars: FixVars,
  ): { ok: true; value: RegistryClient } | { ok: false; finding: Finding } {
    try {
      return { ok: true, value: this.provider.forReference(ref) };
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

  /**
   * Asks the registry whether the repository still holds the manifest `digest` (never a cache),
   * and throws the same `manifest-not-found` RegistryError a failed fetch gives when it does not,
   * so a missing digest reads the same whichever call found it.
   */
  private async requireManifest(
    client: RegistryClient,
    repository: string,
    digest: string,
  ): Promise<void> {
    const exists = await this.limiter.run(() =>
      client.manifestExists(repository, digest),
    );
    if (!exists) {
      throw new RegistryError(
        'manifest-not-found',
        `the manifest ${repository}@${digest} does not exist on ${client.registry}`,
        { registry: client.registry },
      );
    }
  }

  /**
   * Resolves the reference, walks index → platform manifest → config, and runs the document
   * checks and the blob existence check.
   */
  private async inspectState(
    client: RegistryClient,
    ref: ImageReference,
    platform: Platform,
    launchType: string | undefined,
    vars: FixVars,
  ): Promise<ImageState> {
    const state: ImageState = { resolved: false, findings: [] };
    const fail = (error: unknown, stage: InspectionStage, digest?: string) => {
      state.findings.push(
        findingForRegistryError(error, stage, { reference: ref, vars, digest }),
      );
      return state;
    };
    // A pinned digest's content never changes and may come from the document cache; whether the
    // repository still holds it is the registry's to say.
    const top = await attempt(async () => {
      if (ref.digest) {
        await this.requireManifest(client, ref.repository, ref.digest);
      }
      return this.documents.manifest(
        client,
        ref.repository,
        ref.digest ?? ref.tag ?? 'latest',
      );
    });
    if (!top.ok) return fail(top.error, 'manifest', ref.digest);
    state.resolved = true;
    state.resolvedDigest = top.value.digest;
    const ctxVars = { ...vars, digest: ref.digest ?? top.value.digest };

    let fetched = top.value;
    for (let depth = 0; ; depth++) {
      const ctx: CheckContext = {
        platform,
        launchType,
        vars: ctxVars,
        digest: fetched.digest,
      };
      const parsed = parseDocument(fetched.bytes, fetched.mediaType);
      if (!parsed.ok) {
        state.findings.push(
          ...checkUnknown(
            {
              mediaType: fetched.mediaType,
              reason: `the manifest is ${parsed.error}`,
            },
            ctx,
          ),
        );
        return state;
      }
      const doc = parsed.document;
      if (doc.kind !== 'index') {
        state.platformManifestDigest = fetched.digest;
        await this.checkPlatformManifest(client, ref, doc, ctx, state, fail);
        break;
      }
      const { findings, selected } = checkIndex(doc, ctx);
      state.findings.push(...findings);
      state.index ??= factsOf(doc);
      if (!selected) return state;
      if (!selected.digest || depth + 1 >= MAX_INDEX_DEPTH) {
        state.findings.push(
          ...checkUnknown(
            {
              mediaType: selected.mediaType,
              reason: selected.digest
                ? `indexes are nested more than ${MAX_INDEX_DEPTH} deep`
                : 'the index entry for the platform has no digest',
            },
            ctx,
          ),
        );
        return state;
      }
      const child = await attempt(() =>
        this.documents.manifest(client, ref.repository, selected.digest!),
      );
      if (!child.ok)
        return fail(child.error, 'platform-manifest', selected.digest);
      fetched = {
        ...child.value,
        mediaType: child.value.mediaType ?? selected.mediaType,
      };
    }

    if (client.describeImage && state.resolvedDigest) {
      const details = await attempt(() =>
        this.limiter.run(() =>
          client.describeImage!(ref.repository, {
            digest: state.resolvedDigest,
          }),
        ),
      );
      if (details.ok && details.value) {
        state.registryImage = details.value;
        if (
          details.value.sizeInBytes === 0 &&
          !state.findings.some(f => f.id === 'empty-image')
        ) {
          state.findings.push(
            createFinding('empty-image', {
              title: `The registry reports the image ${shortDigest(
                state.resolvedDigest,
              )} as 0 bytes: the push did not upload it`,
              evidence: {
                digest: state.resolvedDigest,
                sizeInBytes: 0,
                source: 'registry',
              },
              vars: ctxVars,
            }),
          );
        }
      }
    }
    return state;
  }

  private async checkPlatformManifest(
    client: RegistryClient,
    ref: ImageReference,
    doc: RegistryDocument,
    ctx: CheckContext,
    state: ImageState,
    fail: (
      error: unknown,
      stage: InspectionStage,
      digest?: string,
    ) => ImageState,
  ): Promise<void> {
    if (doc.kind === 'schema1') {
      state.manifest = factsOf(doc);
      state.findings.push(...checkSchema1(doc, ctx));
      await this.checkBlobs(
        client,
        ref,
        doc.layerDigests.filter(d => d),
        ctx,
        state,
        fail,
      );
      return;
    }
    if (doc.kind !== 'manifest') {
      state.findings.push(
        ...checkUnknown(
          {
            mediaType: doc.mediaType,
            reason:
              doc.kind === 'unknown'
                ? doc.reason
                : 'the registry returned an image config where a manifest belongs',
          },
          ctx,
        ),
      );
      return;
    }
    const facts = factsOf(doc);
    if (!facts.isImage) {
      state.manifest = facts;
      state.findings.push(...checkManifest(doc, undefined, ctx));
      return;
    }
    const blobsPresent = await this.checkBlobs(
      client,
      ref,
      blobsOf(doc),
      ctx,
      state,
      fail,
    );
    let config: ConfigDocument | undefined;
    const configDigest = doc.config?.digest;
    if (configDigest && blobsPresent.get(configDigest) !== false) {
      const bytes = await attempt(() =>
        this.documents.blob(client, ref.repository, configDigest),
      );
      if (!bytes.ok) {
        fail(bytes.error, 'config', configDigest);
      } else {
        const json = parseJsonBytes(bytes.value);
        config = json.ok ? readConfigDocument(json.value) : undefined;
        if (!config) {
          state.findings.push(
            createFinding('not-an-image', {
              title: `The image config ${shortDigest(
                configDigest,
              )} is not a JSON object: runtimes cannot read it`,
              evidence: {
                configDigest,
                reason: json.ok ? 'not an object' : json.error,
              },
              vars: ctx.vars,
            }),
          );
        }
      }
    }
    state.manifest = factsOf(doc, config);
    state.findings.push(...checkManifest(doc, config, ctx));
  }

  /**
   * Checks that blobs exist; reports the missing ones. Returns what the registry said.
   */
  private async checkBlobs(
    client: RegistryClient,
    ref: ImageReference,
    digests: string[],
    ctx: CheckContext,
    state: ImageState,
    fail: (
      error: unknown,
      stage: InspectionStage,
      digest?: string,
    ) => ImageState,
  ): Promise<Map<string, boolean>> {
    const unique = [...new Set(digests)];
    if (unique.length === 0) return new Map();
    const result = await attempt(() =>
      this.limiter.run(() => client.blobsExist(ref.repository, unique)),
    );
    if (!result.ok) {
      fail(result.error, 'blobs');
      return new Map();
    }
    const missing = unique.filter(d => result.value.get(d) === false);
    if (missing.length > 0) {
      state.findings.push(
        createFinding('missing-blob', {
          title: `${missing.length} of ${unique.length} blobs of the image are missing from ${ref.registry}/${ref.repository}: the pull fails with "blob unknown"`,
          evidence: { digest: ctx.digest, missing, checked: unique.length },
          vars: ctx.vars,
        }),
      );
    }
    return result.value;
  }

  private async repositoryInfo(client: RegistryClient, ref: ImageReference) {
    return this.repositories.get(`${ref.registry}/${ref.repository}`, () =>
      attempt(async () =>
        client.getRepositoryInfo
          ? this.limiter.run(() => client.getRepositoryInfo!(ref.repository))
          : undefined,
      ),
    );
  }

  private async mutableTagFinding(
    client: RegistryClient,
    ref: ImageReference,
    request: InspectImageRequest,
    vars: FixVars,
    facts: InspectionFacts,
  ): Promise<Finding | undefined> {
    const info = await this.repositoryInfo(client, ref);
    const tag = ref.tag ?? 'latest';
    const verdict = evaluateTagMutability(
      info.ok ? info.value : undefined,
      tag,
      ref.kind === 'ecr' ? 'ecr' : 'other',
    );
    facts.tagMutability = verdict;
    if (!verdict.mutable) return undefined;
    const consistency = request.versionConsistency ?? 'enabled';
    const consequence =
      consistency === 'disabled'
        ? 'with versionConsistency disabled, each new task resolves the tag again and may run a different image'
        : 'ECS pins the digest at deployment, so moving the tag and deleting the old image makes new tasks fail with "manifest unknown"';
    return createFinding('mutable-tag-reference', {
      title: `"${ref.original}" has no digest and the tag can move (${verdict.reason}); ${consequence}`,
      evidence: {
        tag,
        tagDefaulted: ref.tagDefaulted,
        tagMutability: verdict.mutability,
        matchedFilter: verdict.matchedFilter,
        versionConsistency: consistency,
        pinnedReference: vars.pinnedReference,
        repositorySettingsError: info.ok ? undefined : errorMessage(info.error),
      },
      vars,
    });
  }

  private async deployedDigestFindings(
    client: RegistryClient,
    ref: ImageReference,
    digest: string,
    vars: FixVars,
  ): Promise<Finding[]> {
    return this.deployed.get(
      `${ref.registry}/${ref.repository}@${digest}`,
      async () => {
        const findingVars = { ...vars, digest };
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
            vars: findingVars,
          }),
        ];
        // ECR: DescribeImages also tells an ARCHIVED or ACTIVATING image, which cannot be pulled.
        if (client.describeImage) {
          const details = await attempt(() =>
            this.limiter.run(() =>
              client.describeImage!(ref.repository, { digest }),
            ),
          );
          if (details.ok && details.value) {
            const status = details.value.status?.toUpperCase();
            if (status === 'ARCHIVED' || status === 'ACTIVATING') {
              return missing(
                status === 'ARCHIVED'
                  ? 'is archived in ECR and cannot be pulled until restored'
                  : 'is being restored from the ECR archive and cannot be pulled yet',
                status,
              );
            }
            return [];
          }
          if (!details.ok && !isNotFound(details.error)) {
            return [
              findingForRegistryError(details.error, 'deployed-digest', {
                reference: ref,
                vars: findingVars,
                digest,
              }),
            ];
          }
          if (!details.ok) return missing('no longer exists in the registry');
        }
        // Registries without DescribeImages (and an image it did not list) are asked directly;
        // never a cache, which would still hold a deleted image's manifest.
        const exists = await attempt(() =>
          this.requireManifest(client, ref.repository, digest),
        );
        if (exists.ok) return [];
        return isNotFound(exists.error)
          ? missing('no longer exists in the registry')
          : [
              findingForRegistryError(exists.error, 'deployed-digest', {
                reference: ref,
                vars: findingVars,
                digest,
              }),
            ];
      },
    );
  }

  private async lifecycleFindings(
    client: RegistryClient,
    ref: ImageReference,
    inUse: Array<{ digest: string; role: string }>,
    vars: FixVars,
    facts: InspectionFacts,
  ): Promise<Finding[]> {
    if (inUse.length === 0 || !client.getRepositoryInfo || !client.listImages)
      return [];
    const info = await this.repositoryInfo(client, ref);
    if (!info.ok) {
      return [
        findingForRegistryError(info.error, 'repository-settings', {
          reference: ref,
          vars,
        }),
      ];
    }
    if (!info.value) return [];
    facts.hasLifecyclePolicy = info.value.lifecyclePolicyText !== undefined;
    if (!info.value.lifecyclePolicyText) return [];
    const policy = parseLifecyclePolicy(info.value.lifecyclePolicyText);
    if (!policy.ok) {
      return [
        createFinding('unverifiable', {
          title: `The repository's lifecycle policy could not be evaluated: ${policy.reason}`,
          evidence: { stage: 'lifecycle', reason: policy.reason },
          vars,
        }),
      ];
    }
    const images = await this.imageLists.get(
      `${ref.registry}/${ref.repository}`,
      () =>
        attempt(() =>
          this.limiter.run(() => client.listImages!(ref.repository)),
        ),
    );
    if (!images.ok) {
      return [
        findingForRegistryError(images.error, 'lifecycle', {
          reference: ref,
          vars,
        }),
      ];
    }
    const now = this.clock.now();
    const outcomes = evaluateLifecyclePolicy(policy.rules, images.value, now);
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
    return findings;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNotFound(error: unknown): boolean {
  const kind = (error as { kind?: string } | undefined)?.kind;
  return kind === 'manifest-not-found';
}

/** The blobs the registry must serve for a manifest: the config and every distributable layer. */
function blobsOf(manifest: ManifestDocument): string[] {
  const layers = manifest.layers.filter(
    l => !classifyLayer(l.mediaType).foreign && !l.urls?.length,
  );
  return [manifest.config?.digest, ...layers.map(l => l.digest)].filter(
    (d): d is string => typeof d === 'string',
  );
}
