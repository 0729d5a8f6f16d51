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

// The benchmark corpus: a deterministic (seeded) set of images in the shapes real repositories
// have (Docker v2 schema 2 and OCI manifests, manifest lists and OCI indexes with BuildKit
// attestation manifests, gzip and zstd layers, base and dependency layers shared between tags
// and repositories), built in memory and pushed to a registry through its HTTP API.

import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  inToto: 'application/vnd.in-toto+json',
};

/** mulberry32: a small seeded PRNG, so the corpus is the same on every run. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: list => list[Math.floor(next() * list.length)],
    shuffle: list => {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
}

const sha256 = buf =>
  `sha256:${createHash('sha256').update(buf).digest('hex')}`;

function tarHeader(name, size, isDir) {
  const buf = Buffer.alloc(512, 0);
  const octal = (v, w) => `${v.toString(8).padStart(w - 1, '0')}\0`;
  buf.write(isDir && !name.endsWith('/') ? `${name}/` : name, 0, 100, 'utf8');
  buf.write(octal(isDir ? 0o755 : 0o644, 8), 100, 8, 'ascii');
  buf.write(octal(0, 8), 108, 8, 'ascii');
  buf.write(octal(0, 8), 116, 8, 'ascii');
  buf.write(octal(size, 12), 124, 12, 'ascii');
  buf.write(octal(0, 12), 136, 12, 'ascii');
  buf.write('        ', 148, 8, 'ascii');
  buf.write(isDir ? '5' : '0', 156, 1, 'ascii');
  buf.write('ustar\0', 257, 6, 'ascii');
  buf.write('00', 263, 2, 'ascii');
  buf.write('root', 265, 32, 'ascii');
  buf.write('root', 297, 32, 'ascii');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return buf;
}

/** A ustar archive of `[{ path, content? }]` (no content: a directory). */
export function tar(entries) {
  const parts = [];
  for (const e of entries) {
    const isDir = e.content === undefined;
    const body = isDir ? Buffer.alloc(0) : Buffer.from(e.content);
    parts.push(tarHeader(e.path, body.length, isDir), body);
    const pad = (512 - (body.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

/** A small layer's uncompressed tar, its content derived from `name` only. */
function layerTar(name, rnd) {
  const files = rnd.int(2, 6);
  const dir = `opt/${name.replace(/[^a-z0-9]+/gi, '-')}`;
  const entries = [{ path: 'opt' }, { path: dir }];
  for (let i = 0; i < files; i++) {
    const lines = [];
    const n = rnd.int(20, 200);
    for (let l = 0; l < n; l++) {
      lines.push(
        `${name} ${i} ${l} ${Math.floor(rnd.next() * 1e9).toString(36)}`,
      );
    }
    entries.push({
      path: `${dir}/file-${i}.txt`,
      content: `${lines.join('\n')}\n`,
    });
  }
  return tar(entries);
}

/**
 * The content of one layer (its diff_id) and its compressed encodings, each made once and shared
 * by every image that uses it, as a registry stores it once.
 */
class LayerPool {
  constructor(seed) {
    this.seed = seed;
    this.layers = new Map();
  }

  get(name) {
    let layer = this.layers.get(name);
    if (!layer) {
      let h = this.seed;
      for (const ch of name)
        h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
      const raw = layerTar(name, prng(h));
      layer = { name, raw, diffId: sha256(raw), encoded: {} };
      this.layers.set(name, layer);
    }
    return layer;
  }

  /** `{ digest, size, bytes, diffId }` of `name` compressed with `compression`. */
  blob(name, compression) {
    const layer = this.get(name);
    if (!layer.encoded[compression]) {
      const bytes =
        compression === 'zstd'
          ? zlib.zstdCompressSync(layer.raw)
          : zlib.gzipSync(layer.raw, { level: 6 });
      layer.encoded[compression] = {
        digest: sha256(bytes),
        size: bytes.length,
        bytes,
        diffId: layer.diffId,
      };
    }
    return layer.encoded[compression];
  }
}

/**
 * The kinds of image in the corpus, with their share of it (out of 200, scaled for another size).
 * `blockedBy` is the finding the engine must report for the kind (the sanity check).
 */
export const KINDS = [
  { kind: 'docker-gzip', count: 55, format: 'docker', compression: 'gzip' },
  {
    kind: 'docker-list-gzip',
    count: 25,
    format: 'docker',
    compression: 'gzip',
    index: true,
  },
  { kind: 'oci-gzip', count: 35, format: 'oci', compression: 'gzip' },
  {
    kind: 'oci-index-gzip',
    count: 10,
    format: 'oci',
    compression: 'gzip',
    index: true,
  },
  {
    kind: 'oci-index-gzip-attest',
    count: 40,
    format: 'oci',
    compression: 'gzip',
    index: true,
    attestations: true,
  },
  { kind: 'oci-zstd', count: 15, format: 'oci', compression: 'zstd' },
  {
    kind: 'oci-index-zstd-attest',
    count: 15,
    format: 'oci',
    compression: 'zstd',
    index: true,
    attestations: true,
  },
  {
    kind: 'docker-zstd',
    count: 3,
    format: 'docker',
    compression: 'zstd',
    blockedBy: 'zstd-docker-media-type',
  },
  {
    kind: 'oci-mixed-gzip-zstd',
    count: 2,
    format: 'oci',
    compression: 'mixed',
    blockedBy: 'mixed-layer-compression',
  },
];

const BASES = [
  { name: 'debian-bookworm', layers: 1 },
  { name: 'ubuntu-noble', layers: 1 },
  { name: 'alpine-3-20', layers: 1 },
  { name: 'node-22', layers: 3 },
  { name: 'python-3-12', layers: 3 },
  { name: 'temurin-21', layers: 2 },
  { name: 'distroless-static', layers: 2 },
  { name: 'nginx-1-27', layers: 2 },
];

/**
 * Plans and builds the corpus: `images` (one per tag) and `pushes` (per repository, the blobs and
 * then the manifests in dependency order).
 */
export function buildCorpus({
  seed = 9,
  images: total = 200,
  repositories,
} = {}) {
  const rnd = prng(seed);
  const pool = new LayerPool(seed);
  const repoCount = repositories ?? Math.max(1, Math.round(total / 10));
  const scale = total / 200;
  let kinds = [];
  for (const k of KINDS) {
    const n = k.blockedBy
      ? Math.max(1, Math.round(k.count * scale))
      : Math.round(k.count * scale);
    for (let i = 0; i < n; i++) kinds.push(k);
  }
  // Fill or trim with the common kind so the corpus has exactly `total` images.
  while (kinds.length < total) kinds.push(KINDS[0]);
  const rare = kinds.filter(k => k.blockedBy);
  kinds = [
    ...rare,
    ...kinds.filter(k => !k.blockedBy).slice(0, total - rare.length),
  ];
  kinds = rnd.shuffle(kinds);

  const repos = [];
  for (let r = 0; r < repoCount; r++) {
    repos.push({
      name: `bench/svc-${String(r).padStart(2, '0')}`,
      base: rnd.pick(BASES),
      // Dependency layers shared by the repository's tags (as successive builds share them).
      deps: [0, 1, 2].map(d => `deps-${r}-${d}`),
      blobs: new Map(),
      manifests: [],
    });
  }

  const images = [];
  kinds.forEach((k, i) => {
    const repo = repos[i % repoCount];
    const tagNumber = Math.floor(i / repoCount);
    const tag = `1.${tagNumber}.${rnd.int(0, 9)}`;
    const arches = k.index ? ['amd64', 'arm64'] : ['amd64'];
    const children = [];
    for (const arch of arches) {
      const names = [];
      for (let b = 0; b < repo.base.layers; b++)
        names.push(`base-${repo.base.name}-${arch}-${b}`);
      const depCount = rnd.int(0, 2);
      for (let d = 0; d < depCount; d++) names.push(`${repo.deps[d]}-${arch}`);
      const own = rnd.int(1, 3);
      for (let o = 0; o < own; o++)
        names.push(`app-${repo.name}-${tag}-${i}-${arch}-${o}`);
      while (names.length < 2)
        names.push(`app-${repo.name}-${tag}-${i}-${arch}-pad${names.length}`);
      names.splice(8);

      const layerDescs = names.map((name, li) => {
        // Mixed: a gzip base with zstd layers on top (the BuildKit `compression=zstd` rebuild
        // that kept the base).
        const compression =
          k.compression === 'mixed'
            ? li < Math.max(1, repo.base.layers)
              ? 'gzip'
              : 'zstd'
            : k.compression;
        const blob = pool.blob(name, compression);
        repo.blobs.set(blob.digest, blob.bytes);
        const mediaType =
          k.format === 'docker'
            ? compression === 'zstd'
              ? MT.dockerZstd
              : MT.dockerGzip
            : compression === 'zstd'
            ? MT.ociZstd
            : MT.ociGzip;
        return {
          mediaType,
          digest: blob.digest,
          size: blob.size,
          diffId: blob.diffId,
        };
      });
      const config = Buffer.from(
        JSON.stringify({
          architecture: arch,
          os: 'linux',
          created: '2026-01-01T00:00:00Z',
          config: {
            Env: [
              'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            ],
            Cmd: ['/opt/app/run'],
            WorkingDir: '/opt/app',
            Labels: {
              'org.opencontainers.image.version': tag,
              'bench.image': String(i),
            },
          },
          rootfs: { type: 'layers', diff_ids: layerDescs.map(l => l.diffId) },
          history: layerDescs.map((_, li) => ({
            created: '2026-01-01T00:00:00Z',
            created_by: `RUN build step ${li}`,
          })),
        }),
      );
      const configDigest = sha256(config);
      repo.blobs.set(configDigest, config);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: k.format === 'docker' ? MT.dockerManifest : MT.ociManifest,
          config: {
            mediaType: k.format === 'docker' ? MT.dockerConfig : MT.ociConfig,
            digest: configDigest,
            size: config.length,
          },
          layers: layerDescs.map(({ mediaType, digest, size }) => ({
            mediaType,
            digest,
            size,
          })),
        }),
      );
      const mediaType =
        k.format === 'docker' ? MT.dockerManifest : MT.ociManifest;
      const digest = sha256(manifest);
      repo.manifests.push({ ref: digest, mediaType, bytes: manifest });
      children.push({
        arch,
        digest,
        mediaType,
        size: manifest.length,
        layers: layerDescs,
        configDigest,
      });
    }

    let top = children[0];
    let indexDigest;
    if (k.index) {
      const entries = children.map(c => ({
        mediaType: c.mediaType,
        digest: c.digest,
        size: c.size,
        platform: { architecture: c.arch, os: 'linux' },
      }));
      if (k.attestations) {
        for (const c of children) {
          // BuildKit's provenance attestation: an OCI manifest with an in-toto layer, listed in
          // the index as platform unknown/unknown with the reference annotations.
          const statement = Buffer.from(
            JSON.stringify({
              _type: 'https://in-toto.io/Statement/v0.1',
              predicateType: 'https://slsa.dev/provenance/v0.2',
              subject: [
                {
                  name: `pkg:docker/${repo.name}@${tag}`,
                  digest: { sha256: c.digest.slice(7) },
                },
              ],
              predicate: {
                builder: { id: '' },
                buildType: 'https://mobyproject.org/buildkit@v1',
              },
            }),
          );
          const statementDigest = sha256(statement);
          repo.blobs.set(statementDigest, statement);
          const attConfig = Buffer.from(
            JSON.stringify({
              architecture: 'unknown',
              os: 'unknown',
              config: {},
              rootfs: { type: 'layers', diff_ids: [statementDigest] },
            }),
          );
          const attConfigDigest = sha256(attConfig);
          repo.blobs.set(attConfigDigest, attConfig);
          const att = Buffer.from(
            JSON.stringify({
              schemaVersion: 2,
              mediaType: MT.ociManifest,
              config: {
                mediaType: MT.ociConfig,
                digest: attConfigDigest,
                size: attConfig.length,
              },
              layers: [
                {
                  mediaType: MT.inToto,
                  digest: statementDigest,
                  size: statement.length,
                  annotations: {
                    'in-toto.io/predicate-type':
                      'https://slsa.dev/provenance/v0.2',
                  },
                },
              ],
            }),
          );
          const attDigest = sha256(att);
          repo.manifests.push({
            ref: attDigest,
            mediaType: MT.ociManifest,
            bytes: att,
          });
          entries.push({
            mediaType: MT.ociManifest,
            digest: attDigest,
            size: att.length,
            annotations: {
              'vnd.docker.reference.digest': c.digest,
              'vnd.docker.reference.type': 'attestation-manifest',
            },
            platform: { architecture: 'unknown', os: 'unknown' },
          });
        }
      }
      const indexType = k.format === 'docker' ? MT.dockerList : MT.ociIndex;
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: indexType,
          manifests: entries,
        }),
      );
      indexDigest = sha256(index);
      repo.manifests.push({ ref: tag, mediaType: indexType, bytes: index });
    } else {
      repo.manifests.push({
        ref: tag,
        mediaType: top.mediaType,
        bytes: repo.manifests.pop().bytes,
      });
    }
    images.push({
      index: i,
      repository: repo.name,
      tag,
      kind: k.kind,
      format: k.format,
      compression: k.compression,
      isIndex: !!k.index,
      attestations: !!k.attestations,
      blockedBy: k.blockedBy,
      topDigest: indexDigest ?? top.digest,
      platformDigest: top.digest,
      configDigest: top.configDigest,
      layers: top.layers.map(l => l.digest),
      // The floor: the tag's manifest, the platform's manifest when the tag is an index, the config.
      floor: k.index ? 3 : 2,
    });
  });
  // Tags are unique per repository: image i is tag number floor(i / repoCount) of repository i % repoCount.
  return { images, repos, pool };
}

async function check(response, what) {
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
  }
  return response;
}

async function pushBlob(base, repo, digest, bytes) {
  const start = await check(
    await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' }),
    `POST upload ${repo}`,
  );
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location'), base);
  location.searchParams.set('digest', digest);
  const put = await check(
    await fetch(location, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length),
      },
      body: bytes,
    }),
    `PUT blob ${repo}@${digest}`,
  );
  await put.arrayBuffer();
}

async function inParallel(items, limit, fn) {
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    },
  );
  await Promise.all(workers);
}

/** Pushes every repository's blobs, then its manifests (children before the indexes). */
export async function pushCorpus(base, corpus, concurrency = 8) {
  const blobJobs = [];
  for (const repo of corpus.repos) {
    for (const [digest, bytes] of repo.blobs)
      blobJobs.push({ repo: repo.name, digest, bytes });
  }
  await inParallel(blobJobs, concurrency, j =>
    pushBlob(base, j.repo, j.digest, j.bytes),
  );
  // Within a repository manifests are in dependency order; repositories go in parallel.
  let manifests = 0;
  await inParallel(corpus.repos, concurrency, async repo => {
    for (const m of repo.manifests) {
      const res = await check(
        await fetch(`${base}/v2/${repo.name}/manifests/${m.ref}`, {
          method: 'PUT',
          headers: { 'content-type': m.mediaType },
          body: m.bytes,
        }),
        `PUT manifest ${repo.name}:${m.ref}`,
      );
      await res.arrayBuffer();
      manifests++;
    }
  });
  return { blobs: blobJobs.length, manifests };
}
