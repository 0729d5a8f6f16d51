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

import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  blobOf,
  buildArtifact,
  buildAttestation,
  buildImage,
  buildMultiPlatformIndex,
  buildSociV2Index,
  buildSchema1,
  BuiltArtifact,
  Compression,
  LayerSpec,
  MediaTypeStyle,
  PlatformSpec,
} from '../images';
import { hexId } from './ids';
import { Node } from './read';

const COMPRESSIONS = ['gzip', 'zstd', 'none'] as const;
const KINDS = [
  'image',
  'attestation',
  'empty',
  'artifact',
  'schema1',
  'raw',
] as const;

/** Parses `os/arch[/variant]`. */
export function parsePlatform(
  text: string,
  osVersion?: string,
): PlatformSpec | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some(p => !p))
    return undefined;
  return {
    os: parts[0],
    architecture: parts[1],
    ...(parts[2] ? { variant: parts[2] } : {}),
    ...(osVersion ? { 'os.version': osVersion } : {}),
  };
}

/** Deterministic incompressible bytes, so padded layers keep their size after compression. */
function noise(length: number, seed: string): Buffer {
  const out = Buffer.alloc(length);
  let state = parseInt(hexId(8, seed), 16) || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/**
 * The scenario's named images, built on first use with the real image builder and kept, so an
 * image shared by thousands of services is built once.
 */
export class ImageCatalog {
  private readonly specs = new Map<string, Node>();
  private readonly built = new Map<string, BuiltArtifact>();
  private readonly inProgress = new Set<string>();

  constructor(images: Node) {
    for (const [name, spec] of images.entries()) this.specs.set(name, spec);
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  has(name: string): boolean {
    return this.specs.has(name);
  }

  /** The built image; `where` names the scenario place that asked, for the error message. */
  get(name: string, where: Node): BuiltArtifact {
    const cached = this.built.get(name);
    if (cached) return cached;
    const spec = this.specs.get(name);
    if (!spec) return where.fail(`unknown image '${name}' (not in images:)`);
    if (this.inProgress.has(name)) return spec.fail('refers to itself');
    this.inProgress.add(name);
    try {
      const artifact = this.build(name, spec);
      this.built.set(name, artifact);
      return artifact;
    } finally {
      this.inProgress.delete(name);
    }
  }

  private build(name: string, spec: Node): BuiltArtifact {
    const kind = spec.get('kind').oneOf(KINDS, 'image');
    switch (kind) {
      case 'attestation': {
        const of = spec.get('of');
        const subject = this.get(of.string(), of);
        return buildAttestation(firstImage(subject));
      }
      case 'artifact': {
        const subject = spec.get('subject');
        return buildArtifact({
          artifactType: spec.get('artifactType').string(),
          configMediaType: spec.get('configMediaType').optString(),
          layers: spec
            .get('blobs')
            .items()
            .map(b => ({
              mediaType: b.get('mediaType').string(),
              content: b.get('content').isMissing
                ? ''
                : b.get('content').string(),
            })),
          subject: subject.isMissing
            ? undefined
            : this.get(subject.string(), subject),
        });
      }
      case 'schema1':
        return buildSchema1({
          name,
          tag: 'latest',
          architecture: this.platforms(spec)[0].architecture,
          layers: this.layers(name, 'schema1', spec),
        });
      case 'raw': {
        const mediaType = spec.get('mediaType').string();
        const body = spec.get('body').isMissing
          ? ''
          : String(spec.get('body').value);
        const blob = blobOf(Buffer.from(body, 'utf8'), mediaType);
        let json: Record<string, any> = {};
        try {
          json = JSON.parse(body);
        } catch {
          // malformed on purpose
        }
        return { manifest: { ...blob, json }, blobs: [], children: [] };
      }
      default:
        return this.buildRunnable(name, spec, kind === 'empty');
    }
  }

  private buildRunnable(
    name: string,
    spec: Node,
    empty: boolean,
  ): BuiltArtifact {
    const style = spec
      .get('mediaTypes')
      .oneOf<MediaTypeStyle>(['oci', 'docker'], 'oci');
    const platforms = this.platforms(spec);
    const provenance = spec.get('provenance').boolean(false);
    const indexNode = spec.get('index');
    let indexStyle: MediaTypeStyle | undefined;
    if (indexNode.value === true || indexNode.value === 'oci')
      indexStyle = 'oci';
    else if (indexNode.value === 'docker') indexStyle = 'docker';
    else if (!indexNode.isMissing && indexNode.value !== false) {
      indexNode.fail('expected true, false, oci or docker');
    }
    if (!indexStyle && (platforms.length > 1 || provenance)) indexStyle = 'oci';
    const soci = spec.get('soci');
    if (!soci.isMissing && soci.value !== 'v2') soci.fail('expected v2');

    const images = platforms.map(platform => {
      const key = [platform.os, platform.architecture, platform.variant]
        .filter(Boolean)
        .join('-');
      const layers = empty ? [] : this.layers(name, key, spec);
      const build = (diffIds?: string[]) =>
        buildImage({
          platform,
          layers,
          style,
          diffIds,
          config: {
            Labels: { 'org.opencontainers.image.title': name },
            ...(spec.get('config').isMissing
              ? {}
              : spec.get('config').object()),
          },
        });
      let image = build();
      const extra = spec.get('extraDiffIds').optNumber();
      if (extra) {
        const config = JSON.parse(image.blobs[0].data.toString('utf8'));
        const real: string[] = config.rootfs.diff_ids;
        const diffIds =
          extra > 0
            ? [
                ...real,
                ...Array.from(
                  { length: extra },
                  (_, i) =>
                    `sha256:${hexId(64, name, key, 'extra-diff-id', i)}`,
                ),
              ]
            : real.slice(0, Math.max(0, real.length + extra));
        image = build(diffIds);
      }
      return { platform, image };
    });

    // A SOCI-enabled image is always an OCI image index (SOCI index manifest v2).
    if (!soci.isMissing) return buildSociV2Index(images, { provenance });
    if (!indexStyle) return images[0].image;
    return buildMultiPlatformIndex(images, { provenance, style: indexStyle });
  }

  private platforms(spec: Node): PlatformSpec[] {
    const osVersion = spec.get('osVersion').optString();
    const list = spec.get('platforms').items();
    if (list.length === 0) return [{ os: 'linux', architecture: 'amd64' }];
    return list.map(p => {
      const platform = parsePlatform(p.string(), osVersion);
      return (
        platform ??
        p.fail(
          `'${p.value}' is not a platform like linux/amd64 or linux/arm64/v8`,
        )
      );
    });
  }

  private layers(name: string, key: string, spec: Node): LayerSpec[] {
    const node = spec.get('layers');
    const entries: Node[] =
      node.isMissing || typeof node.value === 'number'
        ? Array.from(
            { length: node.count(2) },
            (_, i) => new Node('gzip', `${node.path}[${i}]`),
          )
        : node.items();
    return entries.map((layer, i) => {
      const full =
        typeof layer.value === 'string'
          ? new Node({ compression: layer.value }, layer.path)
          : layer;
      const compression = full
        .get('compression')
        .oneOf<Compression>(COMPRESSIONS, 'gzip');
      const pad = full.get('padBytes').count(0);
      const files: Record<string, string | Buffer> = {
        [`app/${name}/${key}/layer-${i}.txt`]: `${name} ${key} layer ${i}\n`,
      };
      if (pad)
        files[`app/${name}/${key}/layer-${i}.bin`] = noise(
          pad,
          `${name}/${key}/${i}`,
        );
      return {
        files,
        compression,
        mediaType: full.get('mediaType').optString(),
      };
    });
  }
}

/** The first runnable image of an index (or the artifact itself). */
export function firstImage(artifact: BuiltArtifact): BuiltArtifact {
  const child = artifact.children.find(
    c => c.manifest.json.config?.mediaType !== undefined && !isAttestation(c),
  );
  return child ?? artifact;
}

function isAttestation(artifact: BuiltArtifact): boolean {
  return (artifact.manifest.json.layers ?? []).some(
    (l: { mediaType?: string }) => l.mediaType === MEDIA_TYPES.inToto,
  );
}
