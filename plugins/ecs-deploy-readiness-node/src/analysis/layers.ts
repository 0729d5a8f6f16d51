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
 * How a layer blob is compressed, read from its media type.
 *
 * @public
 */
export type LayerCompression = 'gzip' | 'zstd' | 'none';

/** The order compressions are listed in. @internal */
export const LAYER_COMPRESSIONS: readonly LayerCompression[] = [
  'gzip',
  'zstd',
  'none',
];

/**
 * What a layer descriptor is:
 * - `image`: a filesystem changeset (tar) a runtime can unpack, including Windows foreign /
 *   non-distributable layers, and ocicrypt layers (`…tar+gzip+encrypted`: an image layer with a
 *   compression, encrypted; see {@link LayerInfo.encrypted});
 * - `attestation`: an in-toto statement (BuildKit provenance, SBOM attestations);
 * - `unknown`: anything else (signatures, chart tarballs, arbitrary artifact blobs…).
 *
 * @internal
 */
export type LayerClass = 'image' | 'attestation' | 'unknown';

/** @internal */
export interface LayerInfo {
  mediaType: string;
  class: LayerClass;
  /** Set for `image` layers. */
  compression?: LayerCompression;
  /** Foreign (Docker) or non-distributable (OCI) layer: fetched from its `urls`, not the registry. */
  foreign: boolean;
  /** zstd under the Docker v2 media type `…docker.image.rootfs.diff.tar.zstd`, which no spec defines. */
  dockerZstd: boolean;
  /**
   * An ocicrypt layer (`+encrypted` after the compression, containers/ocicrypt): unpacking it
   * needs containerd's imgcrypt stream processor and the private key on the host.
   */
  encrypted: boolean;
}

const DOCKER_LAYER_PREFIX = 'application/vnd.docker.image.rootfs.';
const OCI_LAYER_PREFIX = 'application/vnd.oci.image.layer.';

function dockerLayer(mediaType: string, rest: string): LayerInfo | undefined {
  const match = /^(foreign\.)?diff\.tar(?:\.(gzip|zstd))?$/.exec(rest);
  if (!match) return undefined;
  const compression = (match[2] as LayerCompression | undefined) ?? 'none';
  return {
    mediaType,
    class: 'image',
    compression,
    foreign: match[1] !== undefined,
    dockerZstd: compression === 'zstd',
    encrypted: false,
  };
}

function ociLayer(mediaType: string, rest: string): LayerInfo | undefined {
  const match = /^(nondistributable\.)?v1\.tar((?:\+[a-z0-9.-]+)*)$/.exec(rest);
  if (!match) return undefined;
  const suffixes = match[2].split('+').filter(s => s.length > 0);
  const foreign = match[1] !== undefined;
  // ocicrypt appends `+encrypted` to the media type of the layer it encrypts
  // (`…tar+gzip+encrypted`, `…tar+zstd+encrypted`, `…tar+encrypted`).
  const encrypted = suffixes[suffixes.length - 1] === 'encrypted';
  const compressionSuffixes = encrypted ? suffixes.slice(0, -1) : suffixes;
  if (compressionSuffixes.length > 1) return undefined;
  const compression = (compressionSuffixes[0] ?? 'none') as LayerCompression;
  if (!LAYER_COMPRESSIONS.includes(compression)) return undefined;
  return {
    mediaType,
    class: 'image',
    compression,
    foreign,
    dockerZstd: false,
    encrypted,
  };
}

/**
 * Classifies a layer by its media type (OCI image-spec `layer.md`, Docker image manifest v2).
 * Takes a normalised (lower-case, parameter-free) media type.
 *
 * @internal
 */
export function classifyLayer(mediaType: string | undefined): LayerInfo {
  const type = mediaType ?? '';
  let info: LayerInfo | undefined;
  if (type.startsWith(DOCKER_LAYER_PREFIX)) {
    info = dockerLayer(type, type.slice(DOCKER_LAYER_PREFIX.length));
  } else if (type.startsWith(OCI_LAYER_PREFIX)) {
    info = ociLayer(type, type.slice(OCI_LAYER_PREFIX.length));
  } else if (type.includes('in-toto')) {
    info = {
      mediaType: type,
      class: 'attestation',
      foreign: false,
      dockerZstd: false,
      encrypted: false,
    };
  }
  return (
    info ?? {
      mediaType: type,
      class: 'unknown',
      foreign: false,
      dockerZstd: false,
      encrypted: false,
    }
  );
}
