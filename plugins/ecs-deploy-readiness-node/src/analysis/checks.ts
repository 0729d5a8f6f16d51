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
  MEDIA_TYPES,
  Platform,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { ArtifactKind, artifactKindOf, artifactLabel } from './artifacts';
import {
  ConfigDocument,
  Descriptor,
  DocumentKind,
  IMAGE_CONFIG_MEDIA_TYPES,
  IndexDocument,
  ManifestDocument,
  RegistryDocument,
  Schema1Document,
} from './documents';
import { createFinding, shortDigest } from './findings';
import {
  LAYER_COMPRESSIONS,
  LayerCompression,
  LayerInfo,
  classifyLayer,
} from './layers';
import {
  describePlatform,
  formatPlatform,
  imageEntries,
  isAttestationEntry,
  isSociIndexEntry,
  platformMatches,
  selectPlatformEntry,
} from './platform';

/**
 * What the document checks know besides the documents.
 *
 * @internal
 */
export interface CheckContext {
  /** The platform the task runs on. Without it, platform checks are skipped. */
  platform?: Platform;
  /** `FARGATE`, `EC2` or `EXTERNAL`, when known. */
  launchType?: string;
  /** Fix variables of the reference (image, repository, registry…). */
  vars?: FixVars;
  /** Digest of the document being checked, for evidence. */
  digest?: string;
}

/**
 * The facts of one document that the checks use and that `analyze --json` prints.
 *
 * @public
 */
export interface DocumentFacts {
  /**
   * The document's media type: its own `mediaType`, else the one the registry declared unless
   * generic (`application/json`); lower-case, without parameters. Null when there is none.
   */
  mediaType: string | null;
  /** What the document is, from its media type or else its structure. */
  kind: DocumentKind;
  /** Image entries of an index, as `os/arch[/variant]`, in document order. */
  platforms: string[];
  /** Index entries that are attestation manifests. */
  attestationCount: number;
  /** Compressions of the image layers, in the order gzip, zstd, none. */
  compressions: LayerCompression[];
  /** True when the image layers use more than one compression. */
  mixedCompression: boolean;
  /** Layers of a manifest (schema 1: `fsLayers`); null for an index or a config. */
  layerCount: number | null;
  /** `rootfs.diff_ids` of the config; null without a config. */
  diffIdCount: number | null;
  /**
   * The image's size as its manifest says it: the config and layer descriptor sizes added up.
   * Null for other documents, or when a size is missing. Registry summaries (ECR
   * `imageSizeInBytes`) can be 0 for valid schema 1 images and indexes, so checks never use them.
   */
  sizeInBytes: number | null;
  /**
   * Whether it is a container image, as runtimes judge it by the config and layer media types
   * (an index: whether it has an image entry; schema 1: always). False for a manifest with a
   * malformed descriptor (nothing of it can be fetched) and for one with a `subject` (an
   * artifact that refers to an image: a signature, SBOM or attestation).
   */
  isImage: boolean;
  /** True for a Docker image manifest schema 1. */
  schema1: boolean;
  /** For a manifest that is not an image: what it holds. */
  artifactKind: ArtifactKind | null;
  /** The `artifactType` of a manifest or index; null when it has none. */
  artifactType: string | null;
  /** Media type of a manifest's config descriptor; null for other documents or without one. */
  configMediaType: string | null;
  /** Distinct layer media types, in document order. */
  layerMediaTypes: string[];
  /** The platform the config declares, `os/arch[/variant]`. */
  configPlatform: string | null;
}

interface ManifestShape {
  layers: LayerInfo[];
  imageLayers: LayerInfo[];
  compressions: LayerCompression[];
  countsByCompression: Partial<Record<LayerCompression, number>>;
  /** The config and layer descriptors that are malformed, with what is wrong. */
  malformed: MalformedDescriptor[];
  isImage: boolean;
  artifactKind: ArtifactKind | null;
}

/** A malformed descriptor: where it is (`config`, `layers[2]`, `manifests[0]`) and why. */
interface MalformedDescriptor {
  at: string;
  digest?: string;
  problems: string[];
}

function malformedOf(
  entries: Array<[string, Descriptor | undefined]>,
): MalformedDescriptor[] {
  return entries.flatMap(([at, d]) =>
    d?.problems ? [{ at, digest: d.digest, problems: d.problems }] : [],
  );
}

function shapeOf(manifest: ManifestDocument): ManifestShape {
  const layers = manifest.layers.map(l => classifyLayer(l.mediaType));
  const imageLayers = layers.filter(l => l.class === 'image');
  const countsByCompression: Partial<Record<LayerCompression, number>> = {};
  for (const layer of imageLayers) {
    const c = layer.compression!;
    countsByCompression[c] = (countsByCompression[c] ?? 0) + 1;
  }
  const configType = manifest.config?.mediaType;
  const configIsImage =
    manifest.config !== undefined &&
    (configType === undefined || IMAGE_CONFIG_MEDIA_TYPES.includes(configType));
  const malformed = malformedOf([
    ...(manifest.config
      ? [['config', manifest.config] as [string, Descriptor]]
      : []),
    ...manifest.layers.map(
      (l, i) => [`layers[${i}]`, l] as [string, Descriptor],
    ),
  ]);
  // Runtimes go by the config and layer media types; an artifactType only decides when there
  // are no layers to go by. A `subject` makes it a referrer (OCI image-spec 1.1: signatures,
  // SBOMs, attestations, a v1 SOCI index), which refers to an image and is never one to run.
  const looksLikeImage =
    configIsImage &&
    (imageLayers.length > 0 || (layers.length === 0 && !manifest.artifactType));
  const isImage = looksLikeImage && !manifest.subject && malformed.length === 0;
  return {
    layers,
    imageLayers,
    compressions: LAYER_COMPRESSIONS.filter(c => countsByCompression[c]),
    countsByCompression,
    malformed,
    isImage,
    artifactKind:
      looksLikeImage && !manifest.subject ? null : artifactKindOf(manifest),
  };
}

/** The sum of the descriptor sizes, or null when one is missing or invalid. */
function sizeOf(descriptors: Array<Descriptor | undefined>): number | null {
  let total = 0;
  for (const d of descriptors) {
    if (!d || d.problems || d.size === undefined) return null;
    total += d.size;
  }
  return total;
}

function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))];
}

const EMPTY_FACTS: Omit<DocumentFacts, 'mediaType' | 'kind'> = {
  platforms: [],
  attestationCount: 0,
  compressions: [],
  mixedCompression: false,
  layerCount: null,
  diffIdCount: null,
  sizeInBytes: null,
  isImage: false,
  schema1: false,
  artifactKind: null,
  artifactType: null,
  configMediaType: null,
  layerMediaTypes: [],
  configPlatform: null,
};

/**
 * The facts of a document (and of its config, for a manifest).
 *
 * @internal
 */
export function factsOf(
  document: RegistryDocument,
  config?: ConfigDocument,
): DocumentFacts {
  const base: DocumentFacts = {
    mediaType: document.mediaType ?? null,
    kind: document.kind,
    ...EMPTY_FACTS,
    diffIdCount: config ? config.diffIds?.length ?? 0 : null,
    configPlatform: config ? formatPlatform(config.platform) : null,
  };
  switch (document.kind) {
    case 'index':
      return {
        ...base,
        platforms: imageEntries(document.manifests)
          .filter(e => e.platform?.os || e.platform?.architecture)
          .map(e => formatPlatform(e.platform!)),
        attestationCount: document.manifests.filter(isAttestationEntry).length,
        isImage: imageEntries(document.manifests).length > 0,
        artifactType: document.artifactType ?? null,
      };
    case 'manifest': {
      const shape = shapeOf(document);
      return {
        ...base,
        compressions: shape.compressions,
        mixedCompression: shape.compressions.length > 1,
        layerCount: document.layers.length,
        sizeInBytes: sizeOf([document.config, ...document.layers]),
        isImage: shape.isImage,
        artifactKind: shape.artifactKind,
        artifactType: document.artifactType ?? null,
        configMediaType: document.config?.mediaType ?? null,
        layerMediaTypes: distinct(document.layers.map(l => l.mediaType)),
      };
    }
    case 'schema1':
      return {
        ...base,
        // Schema 1 layers are always gzip-compressed tarballs.
        compressions: document.layerDigests.length > 0 ? ['gzip'] : [],
        layerCount: document.layerDigests.length,
        isImage: true,
        schema1: true,
      };
    case 'config':
      return {
        ...base,
        diffIdCount: (config ?? document).diffIds?.length ?? 0,
        configPlatform: formatPlatform((config ?? document).platform),
      };
    default:
      return base;
  }
}

function varsOf(ctx: CheckContext, extra: FixVars = {}): FixVars {
  return {
    ...ctx.vars,
    ...(ctx.platform ? { platform: formatPlatform(ctx.platform) } : {}),
    ...(ctx.launchType ? { launchType: ctx.launchType } : {}),
    ...extra,
  };
}

function documentEvidence(ctx: CheckContext): Record<string, unknown> {
  return ctx.digest ? { digest: ctx.digest } : {};
}

function malformedFinding(
  malformed: readonly MalformedDescriptor[],
  where: 'manifest' | 'index',
  ctx: CheckContext,
): Finding {
  const [first] = malformed;
  const count = malformed.length;
  return createFinding('malformed-descriptor', {
    title: `${count} descriptor${count === 1 ? '' : 's'} of the ${where} ${
      count === 1 ? 'is' : 'are'
    } malformed (${first.at}: ${first.problems.join(
      '; ',
    )}): runtimes cannot fetch ${count === 1 ? 'it' : 'them'}`,
    evidence: {
      ...documentEvidence(ctx),
      descriptors: malformed.map(m => ({
        at: m.at,
        digest: m.digest,
        problems: m.problems,
      })),
    },
    vars: varsOf(ctx),
  });
}

/**
 * Checks an index: a `subject` (an artifact index), malformed entries, attestation entries, an
 * empty index, and (with a platform) whether the runtime finds an entry for it. Returns the
 * entry the runtime would pull.
 *
 * @internal
 */
export function checkIndex(
  index: IndexDocument,
  ctx: CheckContext,
): { findings: Finding[]; selected?: Descriptor } {
  const findings: Finding[] = [];
  const facts = factsOf(index);
  const sociIndexCount = index.manifests.filter(isSociIndexEntry).length;
  const evidence = {
    ...documentEvidence(ctx),
    mediaType: index.mediaType,
    platforms: facts.platforms,
    attestationCount: facts.attestationCount,
    entryCount: index.manifests.length,
    ...(sociIndexCount > 0 ? { sociIndexCount } : {}),
  };
  if (index.subject) {
    findings.push(
      createFinding('not-an-image', {
        title: `The reference resolves to an index that refers to another image (subject ${shortDigest(
          index.subject.digest ?? '(no digest)',
        )}): an artifact, not an image to run`,
        evidence: {
          ...evidence,
          artifactType: index.artifactType,
          subject: index.subject.digest,
        },
        vars: varsOf(ctx),
      }),
    );
    return { findings };
  }
  if (facts.attestationCount > 0) {
    findings.push(
      createFinding('attestation-in-index', {
        title: `The index carries ${
          facts.attestationCount
        } attestation manifest${
          facts.attestationCount === 1 ? '' : 's'
        } (platform unknown/unknown); ECS skips ${
          facts.attestationCount === 1 ? 'it' : 'them'
        }, some older tools do not`,
        evidence,
        vars: varsOf(ctx),
      }),
    );
  }
  if (index.manifests.length === 0) {
    findings.push(
      createFinding('empty-index', {
        title:
          'The index lists no manifests: there is no image for any platform',
        evidence,
        vars: varsOf(ctx),
      }),
    );
    return { findings };
  }
  const malformed = malformedOf(
    index.manifests.map((e, i) => [`manifests[${i}]`, e]),
  );
  if (malformed.length > 0) {
    findings.push(malformedFinding(malformed, 'index', ctx));
  }
  const images = imageEntries(index.manifests);
  if (!ctx.platform) {
    if (images.length === 0 && malformed.length === 0) {
      findings.push(
        createFinding('not-an-image', {
          title:
            'The index holds only attestations or artifacts, no runnable image',
          evidence,
          vars: varsOf(ctx),
        }),
      );
    }
    return { findings };
  }
  const selection = selectPlatformEntry(index.manifests, ctx.platform);
  // A malformed entry may be the platform's: the malformed-descriptor finding says enough.
  if (!selection && malformed.length === 0) {
    const wanted = describePlatform(ctx.platform);
    findings.push(
      createFinding('platform-missing', {
        title: `No ${wanted} image in the index (it has ${
          facts.platforms.length > 0
            ? images
                .filter(e => e.platform?.os || e.platform?.architecture)
                .map(e => describePlatform(e.platform!))
                .join(', ')
            : 'no image entries'
        })`,
        evidence: {
          ...evidence,
          wanted,
          osVersions: distinct(images.map(e => e.platform?.['os.version'])),
        },
        vars: varsOf(ctx),
      }),
    );
    return { findings };
  }
  return { findings, selected: selection?.entry };
}

/**
 * Checks that the platform a config (or a schema 1 manifest) declares runs on the wanted one.
 */
function checkDeclaredPlatform(
  declared: Partial<Platform>,
  source: string,
  ctx: CheckContext,
): Finding[] {
  if (!ctx.platform || platformMatches(ctx.platform, declared)) return [];
  const wanted = describePlatform(ctx.platform);
  const found = describePlatform(declared);
  return [
    createFinding('platform-missing', {
      title: `The image is built for ${found}, but the task runs on ${wanted}`,
      evidence: { ...documentEvidence(ctx), wanted, found, source },
      vars: varsOf(ctx),
    }),
  ];
}

/**
 * Checks an image config on its own: the platform it declares.
 *
 * @internal
 */
export function checkConfig(
  config: ConfigDocument,
  ctx: CheckContext,
): Finding[] {
  return checkDeclaredPlatform(config.platform, 'config', ctx);
}

function notAnImage(
  manifest: ManifestDocument,
  shape: ManifestShape,
  ctx: CheckContext,
) {
  const kind = shape.artifactKind ?? 'other';
  let reason: string;
  if (manifest.subject) {
    reason = `it refers to the image ${shortDigest(
      manifest.subject.digest ?? '(no digest)',
    )} as its subject`;
  } else if (!manifest.config) {
    reason = 'it has no config';
  } else {
    reason = `config ${manifest.config.mediaType ?? '(no media type)'}${
      manifest.artifactType ? `, artifactType ${manifest.artifactType}` : ''
    }`;
  }
  return createFinding('not-an-image', {
    title: `The reference resolves to ${artifactLabel(
      kind,
    )}, not a runnable image (${reason})`,
    evidence: {
      ...documentEvidence(ctx),
      artifactKind: kind,
      artifactType: manifest.artifactType,
      configMediaType: manifest.config?.mediaType,
      layerMediaTypes: distinct(manifest.layers.map(l => l.mediaType)),
      subject: manifest.subject?.digest,
    },
    vars: varsOf(ctx),
  });
}

function compressionFindings(
  shape: ManifestShape,
  ctx: CheckContext,
): Finding[] {
  const findings: Finding[] = [];
  const { compressions, countsByCompression } = shape;
  const layerMediaTypes = distinct(shape.imageLayers.map(l => l.mediaType));
  if (compressions.length > 1) {
    const withZstd = compressions.includes('zstd');
    findings.push(
      createFinding('mixed-layer-compression', {
        severity: withZstd ? 'blocking' : 'risk',
        title: `Layers mix ${compressions
          .map(c => `${countsByCompression[c]} ${c}`)
          .join(' and ')}${
          withZstd
            ? ': ECS fails with "number of layers and diffIDs don\'t match"'
            : ''
        }`,
        evidence: {
          ...documentEvidence(ctx),
          compressions,
          countsByCompression,
          layerMediaTypes,
        },
        vars: varsOf(ctx),
      }),
    );
  }
  const dockerZstd = shape.imageLayers.filter(l => l.dockerZstd).length;
  if (dockerZstd > 0) {
    findings.push(
      createFinding('zstd-docker-media-type', {
        title: `${dockerZstd} zstd layer${
          dockerZstd === 1 ? ' uses' : 's use'
        } the Docker v2 media type ${
          MEDIA_TYPES.dockerLayerZstd
        }, which runtimes do not recognise as a layer`,
        evidence: {
          ...documentEvidence(ctx),
          dockerZstdLayers: dockerZstd,
          layerMediaTypes,
        },
        vars: varsOf(ctx),
      }),
    );
  } else if (
    compressions.includes('zstd') &&
    (ctx.launchType === 'EC2' || ctx.launchType === 'EXTERNAL')
  ) {
    findings.push(
      createFinding('zstd-unsupported-runtime', {
        title: `zstd-compressed layers on the ${ctx.launchType} launch type: Docker Engine before 23.0 cannot unpack them`,
        evidence: {
          ...documentEvidence(ctx),
          launchType: ctx.launchType,
          zstdLayers: countsByCompression.zstd,
          layerMediaTypes,
        },
        vars: varsOf(ctx),
      }),
    );
  }
  return findings;
}

/**
 * Checks an image manifest, and its config when given: is it an image at all, layer media types
 * and compression, emptiness, layers vs `rootfs.diff_ids`, and the config's platform.
 *
 * @internal
 */
export function checkManifest(
  manifest: ManifestDocument,
  config: ConfigDocument | undefined,
  ctx: CheckContext,
): Finding[] {
  const shape = shapeOf(manifest);
  if (shape.malformed.length > 0) {
    return [malformedFinding(shape.malformed, 'manifest', ctx)];
  }
  if (!shape.isImage) return [notAnImage(manifest, shape, ctx)];

  const findings: Finding[] = [];
  const unsupported = shape.layers.filter(l => l.class !== 'image');
  if (unsupported.length > 0) {
    const types = distinct(
      unsupported.map(l => l.mediaType || '(no media type)'),
    );
    findings.push(
      createFinding('unsupported-layer-media-type', {
        title: `${unsupported.length} of ${
          shape.layers.length
        } layers have a media type no ECS runtime unpacks: ${types.join(', ')}`,
        evidence: {
          ...documentEvidence(ctx),
          unsupportedMediaTypes: types,
          unsupportedLayers: unsupported.length,
          layerCount: shape.layers.length,
          classes: distinct(unsupported.map(l => l.class)),
        },
        vars: varsOf(ctx),
      }),
    );
  }
  const encrypted = shape.imageLayers.filter(l => l.encrypted);
  if (encrypted.length > 0) {
    // containerd decrypts ocicrypt layers only through imgcrypt's stream processor with the
    // host's private keys (containerd/imgcrypt README); ECS documents no way to provide them.
    findings.push(
      createFinding('encrypted-layer', {
        title: `${encrypted.length} of ${shape.layers.length} layers ${
          encrypted.length === 1 ? 'is' : 'are'
        } encrypted (ocicrypt): ECS runtimes have no key to decrypt ${
          encrypted.length === 1 ? 'it' : 'them'
        }`,
        evidence: {
          ...documentEvidence(ctx),
          encryptedLayers: encrypted.length,
          layerCount: shape.layers.length,
          layerMediaTypes: distinct(encrypted.map(l => l.mediaType)),
        },
        vars: varsOf(ctx),
      }),
    );
  }
  findings.push(...compressionFindings(shape, ctx));

  const sizes = manifest.layers.map(l => l.size);
  if (manifest.layers.length === 0 || sizes.every(s => s === 0)) {
    findings.push(
      createFinding('empty-image', {
        title:
          manifest.layers.length === 0
            ? 'The image has no layers: there is no filesystem to start a container from'
            : `All ${manifest.layers.length} layers are 0 bytes: the push did not upload the image`,
        evidence: {
          ...documentEvidence(ctx),
          layerCount: manifest.layers.length,
          layerSizes: sizes,
        },
        vars: varsOf(ctx),
      }),
    );
  }

  if (config) {
    const diffIdCount = config.diffIds?.length ?? 0;
    if (diffIdCount !== manifest.layers.length) {
      findings.push(
        createFinding('layer-diffid-mismatch', {
          title: `The manifest lists ${manifest.layers.length} layers but the config has ${diffIdCount} diff_ids: "mismatched image rootfs and manifest layers"`,
          evidence: {
            ...documentEvidence(ctx),
            layerCount: manifest.layers.length,
            diffIdCount,
            configDigest: manifest.config?.digest,
          },
          vars: varsOf(ctx),
        }),
      );
    }
    findings.push(...checkConfig(config, ctx));
  }
  return findings;
}

/**
 * Checks a Docker schema 1 manifest: deprecated, and its `architecture` against the platform.
 *
 * @internal
 */
export function checkSchema1(
  doc: Schema1Document,
  ctx: CheckContext,
): Finding[] {
  return [
    createFinding('schema1-manifest', {
      title:
        'Docker schema 1 manifest: containerd 2.x and Docker 28.2+ refuse to pull it',
      evidence: {
        ...documentEvidence(ctx),
        mediaType: doc.mediaType,
        layerCount: doc.layerDigests.length,
        architecture: doc.architecture,
      },
      vars: varsOf(ctx),
    }),
    ...(doc.architecture
      ? checkDeclaredPlatform(
          { os: 'linux', architecture: doc.architecture },
          'schema1',
          ctx,
        )
      : []),
  ];
}

/**
 * A finding for a document that is not a manifest, an index or a config.
 *
 * @internal
 */
export function checkUnknown(
  doc: { mediaType?: string; reason: string },
  ctx: CheckContext,
): Finding[] {
  return [
    createFinding('not-an-image', {
      title: `The reference does not resolve to an image: ${doc.reason}`,
      evidence: { ...documentEvidence(ctx), mediaType: doc.mediaType },
      vars: varsOf(ctx),
    }),
  ];
}

/**
 * A document of an image, with its digest when known.
 *
 * @internal
 */
export interface ResolvedDocument<
  D extends RegistryDocument = RegistryDocument,
> {
  digest?: string;
  document: D;
}

/**
 * The documents a reference resolves to for one platform, as the runtime would walk them: the
 * indexes on the way (outermost first), the document the platform's entry leads to (or the only
 * document), and that manifest's config. Whatever could not be read is absent.
 *
 * @internal
 */
export interface ResolvedImage {
  indexes: Array<ResolvedDocument<IndexDocument>>;
  /** What the runtime pulls for the platform: normally an image manifest. */
  manifest?: ResolvedDocument;
  config?: ConfigDocument;
}

/**
 * Every document check over a resolved image: the one dispatcher that the offline analysis and
 * the online inspection share, so the same documents give the same findings on either path.
 *
 * @internal
 */
export function checkResolvedImage(
  image: ResolvedImage,
  ctx: CheckContext,
): Finding[] {
  const findings = image.indexes.flatMap(
    index =>
      checkIndex(index.document, { ...ctx, digest: index.digest }).findings,
  );
  if (image.manifest) {
    findings.push(
      ...checkPlatformDocument(image.manifest.document, image.config, {
        ...ctx,
        digest: image.manifest.digest,
      }),
    );
  }
  return findings;
}

/** The checks of the document the runtime pulls for the platform. */
function checkPlatformDocument(
  document: RegistryDocument,
  config: ConfigDocument | undefined,
  ctx: CheckContext,
): Finding[] {
  switch (document.kind) {
    case 'manifest':
      return checkManifest(document, config, ctx);
    case 'schema1':
      return checkSchema1(document, ctx);
    case 'config':
      return checkUnknown(
        {
          mediaType: document.mediaType,
          reason:
            'it is an image config, where a manifest or index belongs (a runtime cannot pull a config)',
        },
        ctx,
      );
    case 'index':
      return checkUnknown(
        {
          mediaType: document.mediaType,
          reason: 'an index where the platform manifest belongs',
        },
        ctx,
      );
    default:
      return checkUnknown(document, ctx);
  }
}
