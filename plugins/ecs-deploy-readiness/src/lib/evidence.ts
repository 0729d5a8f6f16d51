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

import { humanizeKey } from './text';

/** One line of evidence, as shown under a finding. */
export interface EvidenceLine {
  label: string;
  value: string;
  /** Digests, media types, references: set in a monospace font. */
  code?: boolean;
}

/** A finding's evidence, readable: what was seen first, then every other fact. */
export interface DescribedEvidence {
  /** The facts that explain the finding, in one line each (platforms present vs required...). */
  summary: string[];
  /** The remaining keys, humanised. */
  details: EvidenceLine[];
}

type Evidence = Record<string, unknown>;

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** A JSON value in one line: arrays joined, objects as `key: value`, booleans as yes/no. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return value.toLocaleString();
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value.map(formatValue).filter(Boolean).join(', ');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Evidence)
      .filter(([, v]) => isPresent(v))
      .map(([k, v]) => {
        const text = formatValue(v);
        return typeof v === 'object' ? `${k}: (${text})` : `${k}: ${text}`;
      })
      .join('; ');
  }
  return String(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

// The keys whose values read as code.
const CODE_KEYS = new Set([
  'digest',
  'configDigest',
  'subject',
  'mediaType',
  'configMediaType',
  'artifactType',
  'layerMediaTypes',
  'unsupportedMediaTypes',
  'pinnedReference',
  'missing',
  'sociIndexes',
  'artifactMediaType',
  'image',
  'value',
  'annotation',
  'permission',
  'api',
]);

// Each rule reads some keys into one summary line; those keys are then left out of the details.
interface SummaryRule {
  keys: string[];
  line: (e: Evidence) => string | undefined;
}

const RULES: SummaryRule[] = [
  {
    // An index without the task's platform: what it has, and what the task needs. BuildKit's
    // attestation manifests carry the platform unknown/unknown.
    keys: ['platforms', 'attestationCount', 'wanted'],
    line: e => {
      if (!Array.isArray(e.platforms)) return undefined;
      const present = [
        ...strings(e.platforms),
        ...Array<string>(num(e.attestationCount) ?? 0).fill('unknown/unknown'),
      ];
      const has = `index platforms: ${present.join(', ') || 'none'}`;
      const wanted = str(e.wanted);
      return wanted ? `${has}; task needs ${wanted}` : has;
    },
  },
  {
    // A single-platform image (its config) built for another platform.
    keys: ['found', 'wanted', 'source'],
    line: e => {
      const found = str(e.found);
      const wanted = str(e.wanted);
      if (!found || !wanted) return undefined;
      return `image built for ${found}; task needs ${wanted}`;
    },
  },
  {
    keys: ['countsByCompression', 'compressions'],
    line: e => {
      const counts = e.countsByCompression;
      if (!counts || typeof counts !== 'object') return undefined;
      const parts = Object.entries(counts as Evidence)
        .filter(([, n]) => num(n))
        .map(([compression, n]) => `${n} ${compression}`);
      return parts.length ? `layers: ${parts.join(', ')}` : undefined;
    },
  },
  {
    keys: ['layerCount', 'diffIdCount'],
    line: e => {
      const layers = num(e.layerCount);
      const diffIds = num(e.diffIdCount);
      if (layers === undefined || diffIds === undefined) return undefined;
      return `manifest layers: ${layers}; config diff_ids: ${diffIds}`;
    },
  },
  {
    // An AWS call that failed (an audit error).
    keys: ['code', 'api', 'message', 'accountId', 'region', 'permission'],
    line: e => {
      const code = str(e.code);
      if (!code) return undefined;
      const where = [str(e.accountId), str(e.region)].filter(Boolean).join(' ');
      const api = str(e.api);
      const message = str(e.message);
      const permission = str(e.permission);
      return [
        `${code}${api ? ` on ${api}` : ''}${where ? ` (${where})` : ''}`,
        message,
        permission ? `grant ${permission}` : undefined,
      ]
        .filter(Boolean)
        .join(': ');
    },
  },
  {
    // A link annotation that cannot be followed.
    keys: ['annotation', 'value', 'reason'],
    line: e => {
      const annotation = str(e.annotation);
      if (!annotation) return undefined;
      const reason = str(e.reason);
      return `${annotation}: ${str(e.value) ?? '(empty)'}${
        reason ? ` (${reason})` : ''
      }`;
    },
  },
  {
    keys: ['tag', 'tagMutability', 'tagDefaulted'],
    line: e => {
      const mutability = str(e.tagMutability);
      const tag = str(e.tag);
      if (!mutability || !tag) return undefined;
      return `tag "${tag}"${
        e.tagDefaulted ? ' (defaulted)' : ''
      } in a ${mutability
        .toLocaleLowerCase('en-US')
        .replace(/_/g, ' ')} repository`;
    },
  },
  {
    // A registry that answered with an error.
    keys: ['registry', 'httpStatus', 'errorKind', 'message', 'stage'],
    line: e => {
      const registry = str(e.registry);
      const status = num(e.httpStatus);
      const kind = str(e.errorKind);
      if (!registry || (!status && !kind)) return undefined;
      const message = str(e.message);
      return `${registry} answered ${status ? `HTTP ${status}` : kind}${
        message ? `: ${message}` : ''
      }`;
    },
  },
];

/**
 * A finding's evidence, readable: summary lines for the facts the engine's checks record most
 * (platforms present vs required, layer compressions, layer and diff_id counts, AWS and registry
 * errors, link annotations), then every other key humanised, arrays joined and nested objects
 * flattened. Keys without a value are left out.
 */
export function describeEvidence(evidence: unknown): DescribedEvidence {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) {
    return { summary: [], details: [] };
  }
  const e = evidence as Evidence;
  const used = new Set<string>();
  const summary: string[] = [];
  for (const rule of RULES) {
    if (rule.keys.some(k => used.has(k) && k !== 'message')) continue;
    const line = rule.line(e);
    if (line) {
      summary.push(line);
      rule.keys.forEach(k => used.add(k));
    }
  }
  const details = Object.entries(e)
    .filter(([key, value]) => !used.has(key) && isPresent(value))
    .map(([key, value]) => ({
      label: humanizeKey(key),
      value: formatValue(value),
      ...(CODE_KEYS.has(key) ? { code: true } : {}),
    }));
  return { summary, details };
}
