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

// `yarn bench:engine` (scripts/bench-engine): the engine and CLI against a local docker-registry
// holding a seeded corpus, side by side with `skopeo inspect`; see docs/benchmarks.md.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus, pushCorpus } from './corpus.mjs';
import {
  COLUMNS,
  countRequests,
  requestsBetween,
  startRegistry,
} from './registry.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// ECS_READINESS_BENCH_CLI: another checkout's scripts/cli (to compare two versions of the engine).
const CLI = resolve(
  process.env.ECS_READINESS_BENCH_CLI || join(REPO_ROOT, 'scripts/cli'),
);
const CLI_BIN = join(
  dirname(CLI),
  '../plugins/ecs-deploy-readiness-node/bin/ecs-deploy-readiness',
);

const TARGETS = {
  coldFactor: 1.3,
  warmPerImage: 1.1,
  startupMs: 150,
  ratioVsSkopeo: 1.0,
};

function usage() {
  return `usage: scripts/bench-engine [options]
  --images <n>        corpus size (default 200)
  --seed <n>          corpus seed (default 9)
  --td-size <n|auto>  containers per task definition file: auto (default) tries one file for the
                      whole corpus and falls back to files of 10 if the CLI does not check them all
  --jobs <n>          processes at once in the per-image and skopeo passes (default 1, same for both)
  --startup-runs <n>  runs of ./scripts/cli --help (default 11)
  --strict            exit 1 when a target or the sanity check fails
  --keep              keep the temporary directory (registry storage and log, task definitions)`;
}

function parseArgs(argv) {
  const o = {
    images: 200,
    seed: 9,
    tdSize: 'auto',
    jobs: 1,
    startupRuns: 11,
    strict: false,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--images') o.images = Number(val());
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--td-size') o.tdSize = val();
    else if (a === '--jobs') o.jobs = Number(val());
    else if (a === '--startup-runs') o.startupRuns = Number(val());
    else if (a === '--strict') o.strict = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '-h' || a === '--help') {
      console.log(usage());
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${usage()}`);
  }
  if (!(o.images >= 1) || !(o.jobs >= 1) || !(o.startupRuns >= 1))
    throw new Error(usage());
  if (o.tdSize !== 'auto' && !(Number(o.tdSize) >= 1))
    throw new Error('--td-size: a number or auto');
  return o;
}

/** Runs a command; resolves `{ code, ms, stdout, stderr }` (never rejects on a non-zero exit). */
function run(cmd, args, env = {}) {
  return new Promise(resolvePromise => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', d => out.push(d));
    child.stderr.on('data', d => err.push(d));
    child.on('error', e => err.push(Buffer.from(String(e))));
    child.on('close', (code, signal) => {
      resolvePromise({
        code: code ?? (signal ? 128 : -1),
        ms: performance.now() - t0,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sum = xs => xs.reduce((a, b) => a + b, 0);
const r2 = x => Math.round(x * 100) / 100;
const pad = (s, n) => String(s).padStart(n);
const padEnd = (s, n) => String(s).padEnd(n);
const verdict = ok => (ok ? 'PASS' : 'FAIL');

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    // Tolerate a log line before the object: take the last line that parses.
    const lines = text.trim().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        return JSON.parse(lines.slice(i).join('\n'));
      } catch {
        // keep looking
      }
    }
    return undefined;
  }
}

/** `{ status, findingIds }` of one inspection in the CLI's JSON, whatever its exact nesting. */
function inspectionVerdict(obj) {
  if (!obj || typeof obj !== 'object')
    return { status: 'no-json', findingIds: [] };
  const inner =
    obj.inspection && typeof obj.inspection === 'object' ? obj.inspection : obj;
  const status = typeof inner.status === 'string' ? inner.status : 'no-status';
  const findings = Array.isArray(inner.findings) ? inner.findings : [];
  return { status, findingIds: findings.map(f => f && f.id).filter(Boolean) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wallStart = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'ecs-readiness-bench-'));
  let registry;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await registry?.stop().catch(() => {});
    if (opts.keep) console.error(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup().finally(() => process.exit(130));
    });
  }
  try {
    return await bench(opts, tmp, r => (registry = r), wallStart);
  } finally {
    await cleanup();
  }
}

async function bench(opts, tmp, setRegistry, wallStart) {
  const out = (...a) => console.log(...a);
  let xdgN = 0;
  // A fresh cache home per CLI process, so no pass is warmed by a default cache location.
  const cliEnv = () => ({ XDG_CACHE_HOME: join(tmp, 'xdg', String(xdgN++)) });

  // ---- corpus
  let t0 = performance.now();
  const corpus = buildCorpus({ seed: opts.seed, images: opts.images });
  const buildMs = performance.now() - t0;
  const registry = await startRegistry(tmp);
  setRegistry(registry);
  t0 = performance.now();
  const pushed = await pushCorpus(registry.url, corpus);
  const pushMs = performance.now() - t0;
  const { images } = corpus;
  const host = registry.host;
  const ref = im => `${host}/${im.repository}:${im.tag}`;
  const configDigests = new Set(images.map(im => im.configDigest));
  const floorTotal = sum(images.map(im => im.floor));
  const distinctLayers = list =>
    new Set(list.flatMap(im => im.layers.map(l => `${im.repository}@${l}`)))
      .size;
  const corpusDistinct = distinctLayers(images);
  const byKind = new Map();
  for (const im of images)
    byKind.set(im.kind, [...(byKind.get(im.kind) ?? []), im]);

  out(
    `ECS deploy readiness engine benchmark (seed ${opts.seed}, ${images.length} images, ${corpus.repos.length} repositories)`,
  );
  out(`registry: docker-registry at ${registry.url}, log ${registry.logFile}`);
  out(
    `corpus: built in ${Math.round(buildMs)} ms, pushed in ${Math.round(
      pushMs,
    )} ms (${pushed.blobs} blob uploads, ${
      pushed.manifests
    } manifests; not counted below)`,
  );
  out(
    `  ${
      images.filter(i => i.format === 'docker').length
    } Docker v2 schema 2, ${
      images.filter(i => i.format === 'oci').length
    } OCI; ` +
      `${images.filter(i => i.isIndex).length} indexes (${
        images.filter(i => i.attestations).length
      } with attestation manifests); ` +
      `layers per image ${Math.min(
        ...images.map(i => i.layers.length),
      )}-${Math.max(...images.map(i => i.layers.length))}; ` +
      `${sum(
        images.map(i => i.layers.length),
      )} layer references, ${corpusDistinct} distinct (repository, layer), ` +
      `${new Set(images.flatMap(i => i.layers)).size} distinct layer digests`,
  );
  out(`  kinds: ${[...byKind].map(([k, v]) => `${k} ${v.length}`).join(', ')}`);

  // ---- the CLI must start (its sources may be mid-edit: wait a little for a working tree)
  for (let attempt = 1; ; attempt++) {
    const r = await run(CLI, ['--help'], cliEnv());
    if (r.code === 0) break;
    const first = r.stderr
      .trim()
      .split('\n')
      .slice(0, 4)
      .join(' | ')
      .slice(0, 300);
    if (attempt >= 24)
      throw new Error(
        `./scripts/cli --help keeps failing (exit ${r.code}): ${first}`,
      );
    out(
      `  ./scripts/cli --help failed (exit ${r.code}: ${first}); retrying in 5 s (${attempt}/24)`,
    );
    await new Promise(r5 => setTimeout(r5, 5000));
  }

  // ---- the CLI's interface
  const tdHelp = await run(CLI, ['check-task-definition', '--help'], cliEnv());
  const ciHelp = await run(CLI, ['check-image', '--help'], cliEnv());
  const tdCache = /--cache-dir\b/.test(tdHelp.stdout + tdHelp.stderr);
  const ciCache = /--cache-dir\b/.test(ciHelp.stdout + ciHelp.stderr);
  out(
    `cli: ${CLI}; --cache-dir ${
      tdCache ? 'offered' : 'not offered'
    } by check-task-definition` +
      `${
        ciCache
          ? ', offered by check-image (not used: the per-image pass is cold, like skopeo)'
          : ''
      }`,
  );

  const phases = [];
  let offset = await registry.settle();
  const phase = async (name, fn) => {
    const from = await registry.settle();
    if (from !== offset)
      out(`  (note: ${from - offset} log bytes between phases)`);
    const t = performance.now();
    const result = await fn();
    const ms = performance.now() - t;
    const to = await registry.settle();
    offset = to;
    const requests = requestsBetween(registry.logFile, from, to);
    const counts = countRequests(requests, configDigests);
    const entry = { name, ms, counts, requests, result };
    phases.push(entry);
    return entry;
  };

  // ---- start-up
  await run(CLI, ['--help'], cliEnv()); // warm the file system cache
  const startup = await phase('startup: ./scripts/cli --help', async () => {
    const times = [];
    for (let i = 0; i < opts.startupRuns; i++) {
      const r = await run(CLI, ['--help'], cliEnv());
      if (r.code !== 0)
        throw new Error(
          `./scripts/cli --help exited ${r.code}: ${r.stderr.slice(0, 500)}`,
        );
      times.push(r.ms);
    }
    const direct = [];
    for (let i = 0; i < Math.min(5, opts.startupRuns); i++)
      direct.push(
        (await run(process.execPath, [CLI_BIN, '--help'], cliEnv())).ms,
      );
    return {
      median: median(times),
      min: Math.min(...times),
      max: Math.max(...times),
      direct: median(direct),
    };
  });
  const startupMs = Math.round(startup.result.median);

  // ---- corpus passes: check-task-definition
  const tdDir = join(tmp, 'taskdefs');
  mkdirSync(tdDir, { recursive: true });
  const writeTaskDefs = size => {
    const files = [];
    for (let f = 0; f * size < images.length; f++) {
      const group = images.slice(f * size, (f + 1) * size);
      const file = join(
        tdDir,
        `size${size}-${String(f).padStart(3, '0')}.json`,
      );
      writeFileSync(
        file,
        JSON.stringify(
          {
            family: `bench-${size}-${f}`,
            requiresCompatibilities: ['FARGATE'],
            networkMode: 'awsvpc',
            cpu: '256',
            memory: '512',
            runtimePlatform: {
              operatingSystemFamily: 'LINUX',
              cpuArchitecture: 'X86_64',
            },
            containerDefinitions: group.map((im, k) => ({
              name: `c${im.index}`,
              image: ref(im),
              essential: k === 0,
            })),
          },
          null,
          2,
        ),
      );
      files.push({ file, group });
    }
    return files;
  };
  const cacheRoot = join(tmp, 'engine-cache');
  let cacheN = 0;
  const corpusPass = async (size, cacheDir) => {
    const files = writeTaskDefs(size);
    const processes = [];
    const verdicts = new Map();
    for (const { file, group } of files) {
      const args = [
        'check-task-definition',
        file,
        '--insecure-registry',
        host,
        '--json',
      ];
      if (cacheDir) args.push('--cache-dir', cacheDir);
      const r = await run(CLI, args, cliEnv());
      const json = parseJson(r.stdout);
      const containers = Array.isArray(json?.containers) ? json.containers : [];
      let checked = 0;
      for (const im of group) {
        const c = containers.find(x => x && x.name === `c${im.index}`);
        const v = c
          ? inspectionVerdict(c)
          : { status: 'missing', findingIds: [] };
        // The task definition's findings carry their container (docs/ci-gate.md); the
        // inspection's own list may be there too or not.
        const top = Array.isArray(json?.findings) ? json.findings : [];
        v.findingIds = [
          ...new Set([
            ...v.findingIds,
            ...top
              .filter(f => f && f.container === `c${im.index}`)
              .map(f => f.id),
          ]),
        ];
        if (c && v.status !== 'no-status' && v.status !== 'no-json') checked++;
        verdicts.set(im.index, v);
      }
      processes.push({
        file,
        code: r.code,
        ms: r.ms,
        checked,
        of: group.length,
        taskFindings: Array.isArray(json?.findings)
          ? json.findings.filter(f => f && !f.container).map(f => f.id)
          : [],
        stderr: r.stderr,
        ok: (r.code === 0 || r.code === 1) && checked === group.length,
      });
    }
    const distinct = sum(files.map(f => distinctLayers(f.group)));
    return {
      size,
      files: files.length,
      processes,
      verdicts,
      distinct,
      ok: processes.every(p => p.ok),
    };
  };

  let size = opts.tdSize === 'auto' ? images.length : Number(opts.tdSize);
  const coldCache = () =>
    tdCache ? join(cacheRoot, String(cacheN++)) : undefined;
  let cacheDir = coldCache();
  let cold = await phase(
    `cold corpus pass (check-task-definition, ${Math.ceil(
      images.length / size,
    )} file(s) of ${size})`,
    () => corpusPass(size, cacheDir),
  );
  const fallbackNotes = [];
  if (!cold.result.ok && opts.tdSize === 'auto' && size > 10) {
    const p = cold.result.processes[0];
    fallbackNotes.push(
      `one file of ${size} containers was not fully checked (exit ${p.code}, ${p.checked}/${p.of} containers with a verdict` +
        `${
          p.stderr.trim()
            ? `, stderr: ${p.stderr.trim().split('\n')[0].slice(0, 160)}`
            : ''
        }); fell back to files of 10`,
    );
    cold.name = `(discarded) ${cold.name}`;
    size = 10;
    cacheDir = coldCache();
    cold = await phase(
      `cold corpus pass (check-task-definition, ${Math.ceil(
        images.length / size,
      )} files of ${size})`,
      () => corpusPass(size, cacheDir),
    );
  }
  let warm;
  if (tdCache) {
    warm = await phase(
      `warm corpus pass (same files, --cache-dir from the cold pass)`,
      () => corpusPass(size, cacheDir),
    );
  }

  // ---- one check-image process per image
  const perImage = await phase(
    `per-image pass (${images.length} check-image processes, ${opts.jobs} at a time)`,
    () =>
      pool(images, opts.jobs, async im => {
        const r = await run(
          CLI,
          [
            'check-image',
            ref(im),
            '--insecure-registry',
            host,
            '--platform',
            'linux/amd64',
            '--json',
          ],
          cliEnv(),
        );
        return {
          ...inspectionVerdict(parseJson(r.stdout)),
          code: r.code,
          ms: r.ms,
          stderr: r.stderr,
        };
      }),
  );

  // ---- skopeo inspect per image
  const skopeo = await phase(
    `skopeo pass (${images.length} skopeo inspect, ${opts.jobs} at a time)`,
    () =>
      pool(images, opts.jobs, async im => {
        const r = await run('skopeo', [
          'inspect',
          '--tls-verify=false',
          `docker://${ref(im)}`,
        ]);
        let digest;
        try {
          digest = JSON.parse(r.stdout).Digest;
        } catch {
          // failed
        }
        return {
          code: r.code,
          ms: r.ms,
          ok: r.code === 0,
          digest,
          stderr: r.stderr.trim(),
        };
      }),
  );

  // ---- report: requests
  out('');
  out(
    'Registry requests per phase (from the registry log; corpus upload excluded)',
  );
  const head = `${padEnd('phase', 62)}${COLUMNS.map(([, l]) => pad(l, 9)).join(
    '',
  )}${pad('/image', 8)}${pad('wall s', 8)}`;
  out(head);
  out('-'.repeat(head.length));
  for (const p of phases) {
    const perImg = p.name.startsWith('startup')
      ? ''
      : r2(p.counts.total / images.length);
    out(
      `${padEnd(p.name.slice(0, 61), 62)}${COLUMNS.map(([k]) =>
        pad(p.counts[k], 9),
      ).join('')}${pad(perImg, 8)}${pad((p.ms / 1000).toFixed(1), 8)}`,
    );
  }
  out(
    `columns: manifest GET/HEAD, config blob GET, other blob GET (a layer download), blob HEAD, GET /v2/, tags/list, other, total, responses not 2xx/3xx`,
  );
  const agents = new Map();
  for (const p of [cold, perImage, skopeo]) {
    agents.set(
      p.name.split(' (')[0],
      [...new Set(p.requests.map(r => r.agent))].join(', '),
    );
  }
  out(`user agents: ${[...agents].map(([k, v]) => `${k}: ${v}`).join('; ')}`);

  // ---- report: verdicts and skopeo failures
  out('');
  out('Verdicts per kind (engine status counts; skopeo exit codes)');
  const statusText = list => {
    const m = new Map();
    for (const s of list) m.set(s, (m.get(s) ?? 0) + 1);
    return [...m]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  };
  out(
    `${padEnd('kind', 24)}${pad('n', 4)}  ${padEnd('corpus pass', 34)}${padEnd(
      'per-image pass',
      34,
    )}skopeo`,
  );
  for (const [kind, list] of byKind) {
    out(
      `${padEnd(kind, 24)}${pad(list.length, 4)}  ${padEnd(
        statusText(list.map(im => cold.result.verdicts.get(im.index).status)),
        34,
      )}` +
        `${padEnd(
          statusText(list.map(im => perImage.result[im.index].status)),
          34,
        )}` +
        `${list.filter(im => skopeo.result[im.index].ok).length} ok, ${
          list.filter(im => !skopeo.result[im.index].ok).length
        } failed`,
    );
  }
  const skFailed = images.filter(im => !skopeo.result[im.index].ok);
  out(
    `skopeo failed on ${skFailed.length} image(s)${skFailed.length ? ':' : ''}`,
  );
  for (const im of skFailed.slice(0, 12)) {
    const s = skopeo.result[im.index];
    out(
      `  ${im.repository}:${im.tag} (${im.kind}) exit ${s.code}: ${s.stderr
        .split('\n')
        .pop()
        .slice(0, 200)}`,
    );
  }
  if (skFailed.length > 12) out(`  … and ${skFailed.length - 12} more`);
  const skDigestMismatch = images.filter(
    im =>
      skopeo.result[im.index].ok &&
      skopeo.result[im.index].digest !== im.topDigest,
  );
  if (skDigestMismatch.length)
    out(
      `skopeo reported an unexpected digest for ${skDigestMismatch.length} image(s)`,
    );
  const engineErrors = [
    ...cold.result.processes
      .filter(p => !p.ok)
      .map(
        p =>
          `corpus ${p.file.split('/').pop()}: exit ${p.code}, ${p.checked}/${
            p.of
          } checked ${p.stderr.trim().split('\n')[0]?.slice(0, 200) ?? ''}`,
      ),
    ...images
      .filter(
        im =>
          ![0, 1].includes(perImage.result[im.index].code) ||
          perImage.result[im.index].status.startsWith('no-'),
      )
      .map(
        im =>
          `check-image ${im.repository}:${im.tag}: exit ${
            perImage.result[im.index].code
          }, ${
            perImage.result[im.index].stderr
              .trim()
              .split('\n')[0]
              ?.slice(0, 200) ?? ''
          }`,
      ),
  ];
  if (engineErrors.length) {
    out(`engine errors (${engineErrors.length}):`);
    for (const e of engineErrors.slice(0, 10)) out(`  ${e}`);
  }
  const taskFindings = [
    ...new Set(cold.result.processes.flatMap(p => p.taskFindings)),
  ];
  if (taskFindings.length)
    out(`task-level findings in the corpus pass: ${taskFindings.join(', ')}`);
  for (const n of fallbackNotes) out(`note: ${n}`);

  // Sanity: every image of a kind that must be blocked is blocked, with that finding, in every engine pass.
  const mustBlock = images.filter(im => im.blockedBy);
  const sanityProblems = [];
  const enginePasses = [
    ['corpus', im => cold.result.verdicts.get(im.index)],
    ...(warm ? [['warm', im => warm.result.verdicts.get(im.index)]] : []),
    ['per-image', im => perImage.result[im.index]],
  ];
  for (const [name, get] of enginePasses) {
    for (const im of mustBlock) {
      const v = get(im);
      if (v.status !== 'blocked' || !v.findingIds.includes(im.blockedBy)) {
        sanityProblems.push(
          `${name}: ${im.repository}:${im.tag} (${im.kind}) is ${
            v.status
          } [${v.findingIds.join(', ')}], expected blocked by ${im.blockedBy}`,
        );
      }
    }
    const unexpected = images.filter(
      im => !im.blockedBy && get(im).status === 'blocked',
    );
    for (const im of unexpected.slice(0, 5)) {
      sanityProblems.push(
        `${name}: ${im.repository}:${im.tag} (${im.kind}) is blocked [${get(
          im,
        ).findingIds.join(', ')}], expected not blocked`,
      );
    }
  }
  const disagree = images.filter(
    im =>
      cold.result.verdicts.get(im.index).status !==
      perImage.result[im.index].status,
  );
  if (disagree.length)
    sanityProblems.push(
      `${disagree.length} image(s) got another status from check-task-definition than from check-image`,
    );
  if (warm) {
    const wd = images.filter(
      im =>
        cold.result.verdicts.get(im.index).status !==
        warm.result.verdicts.get(im.index).status,
    );
    if (wd.length)
      sanityProblems.push(
        `${wd.length} image(s) got another status in the warm pass than in the cold pass`,
      );
  }

  // ---- report: numbers and targets
  const perImageFloor = floorTotal / images.length;
  const coldTotal = cold.counts.total;
  const coldBound = TARGETS.coldFactor * (floorTotal + cold.result.distinct);
  const perImgProcBound =
    floorTotal + sum(images.map(im => new Set(im.layers).size));
  const engineMs = sum(perImage.result.map(r => r.ms));
  const skopeoMs = sum(skopeo.result.map(r => r.ms));
  const ratio = engineMs / skopeoMs;
  const okIdx = images.filter(im => skopeo.result[im.index].ok);
  const ratioOk = okIdx.length
    ? sum(okIdx.map(im => perImage.result[im.index].ms)) /
      sum(okIdx.map(im => skopeo.result[im.index].ms))
    : NaN;
  const medRatio = median(
    images.map(im => perImage.result[im.index].ms / skopeo.result[im.index].ms),
  );

  out('');
  out('Wall times');
  out(
    `  ./scripts/cli --help: median ${startupMs} ms (min ${Math.round(
      startup.result.min,
    )}, max ${Math.round(startup.result.max)}, ${opts.startupRuns} runs); ` +
      `node bin/ecs-deploy-readiness --help (not through scripts/cli): median ${Math.round(
        startup.result.direct,
      )} ms`,
  );
  const procLine = p =>
    `${(p.ms / 1000).toFixed(2)} s in ${p.result.files} process(es) of ${
      p.result.size
    } containers (${r2(p.ms / images.length)} ms/image)`;
  out(`  cold corpus pass: ${procLine(cold)}`);
  if (warm) out(`  warm corpus pass: ${procLine(warm)}`);
  out(
    `  check-image, one process per image: ${(engineMs / 1000).toFixed(
      2,
    )} s summed (median ${Math.round(
      median(perImage.result.map(r => r.ms)),
    )} ms/image, phase wall ${(perImage.ms / 1000).toFixed(1)} s)`,
  );
  out(
    `  skopeo inspect, one process per image: ${(skopeoMs / 1000).toFixed(
      2,
    )} s summed (median ${Math.round(
      median(skopeo.result.map(r => r.ms)),
    )} ms/image, phase wall ${(skopeo.ms / 1000).toFixed(1)} s)`,
  );
  out(
    `  ratio check-image / skopeo: ${r2(ratio)} over all ${
      images.length
    } images; ${r2(ratioOk)} over the ${
      okIdx.length
    } skopeo could inspect; median per image ${r2(medRatio)}`,
  );
  out('');
  out('Requests per image');
  out(
    `  floor (manifest GET + child manifest GET for an index + config GET): ${r2(
      perImageFloor,
    )} per image (${floorTotal} in all)`,
  );
  out(
    `  cold corpus pass (${cold.result.files} process(es) of ${
      cold.result.size
    }): ${r2(coldTotal / images.length)} per image (${coldTotal}); ` +
      `floor + one HEAD per distinct layer = ${
        floorTotal + cold.result.distinct
      } (${
        cold.result.distinct
      } distinct (repository, layer) per process, summed; ${corpusDistinct} corpus-wide); ` +
      `ratio to it ${r2(coldTotal / (floorTotal + cold.result.distinct))}`,
  );
  if (warm)
    out(
      `  warm corpus pass: ${r2(
        warm.counts.total / images.length,
      )} per image (${warm.counts.total})`,
    );
  out(
    `  per-image pass: ${r2(
      perImage.counts.total / images.length,
    )} per image (${perImage.counts.total}); floor + its layers' HEADs ${r2(
      perImgProcBound / images.length,
    )} per image`,
  );
  out(
    `  skopeo pass: ${r2(skopeo.counts.total / images.length)} per image (${
      skopeo.counts.total
    }; skopeo inspect also pings /v2/ and lists the tags)`,
  );

  out('');
  out('Targets (issue 9)');
  const checks = [];
  const target = (ok, text) => {
    checks.push(ok);
    out(`  ${ok === undefined ? 'SKIP' : verdict(ok)}  ${text}`);
  };
  target(
    coldTotal <= coldBound,
    `cold pass requests ${coldTotal} <= 1.3 x (floor + distinct layer HEADs) = ${r2(
      coldBound,
    )}`,
  );
  if (warm)
    target(
      warm.counts.total / images.length <= TARGETS.warmPerImage,
      `warm pass ${r2(
        warm.counts.total / images.length,
      )} requests per image <= ${TARGETS.warmPerImage}`,
    );
  else
    target(
      undefined,
      `warm pass <= ${TARGETS.warmPerImage} requests per image: skipped, the CLI has no --cache-dir option`,
    );
  target(
    startupMs <= TARGETS.startupMs,
    `./scripts/cli --help median ${startupMs} ms <= ${TARGETS.startupMs} ms`,
  );
  target(
    ratio <= TARGETS.ratioVsSkopeo,
    `one check-image process per image / skopeo inspect = ${r2(ratio)} <= ${
      TARGETS.ratioVsSkopeo
    }`,
  );
  out(
    `  ${verdict(sanityProblems.length === 0)}  sanity: ${
      mustBlock.length
    } image(s) that must be blocked (${[
      ...new Set(mustBlock.map(i => i.blockedBy)),
    ].join(', ')}) are, in every engine pass; verdicts agree between passes`,
  );
  for (const s of sanityProblems.slice(0, 12)) out(`        ${s}`);
  out(`total run ${((performance.now() - wallStart) / 1000).toFixed(1)} s`);

  out(
    JSON.stringify({
      images: images.length,
      requestsPerImage: r2(coldTotal / images.length),
      floorPerImage: r2(perImageFloor),
      ratioVsSkopeo: r2(ratio),
      startupMs,
    }),
  );
  const failed =
    checks.some(c => c === false) ||
    sanityProblems.length > 0 ||
    engineErrors.length > 0;
  return opts.strict && failed ? 1 : 0;
}

main().then(
  code => {
    process.exitCode = code;
  },
  error => {
    console.error(
      `bench-engine: ${error && error.stack ? error.stack : error}`,
    );
    process.exitCode = 2;
  },
);
