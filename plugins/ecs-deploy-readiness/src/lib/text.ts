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

const ACRONYMS = new Map([
  ['id', 'ID'],
  ['ids', 'IDs'],
  ['os', 'OS'],
  ['http', 'HTTP'],
  ['aws', 'AWS'],
  ['ecr', 'ECR'],
  ['ecs', 'ECS'],
  ['arn', 'ARN'],
  ['api', 'API'],
  ['url', 'URL'],
  ['soci', 'SOCI'],
  ['iam', 'IAM'],
]);

/** `layerMediaTypes` → "Layer media types", `diffIdCount` → "Diff ID count", `os.version` → "OS version". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/[._-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim()
    .split(/\s+/)
    .map(word => {
      const lower = word.toLocaleLowerCase('en-US');
      if (ACRONYMS.has(lower)) return ACRONYMS.get(lower)!;
      return lower;
    });
  if (words.length === 0) return key;
  const [first, ...rest] = words;
  return [
    first.charAt(0).toLocaleUpperCase('en-US') + first.slice(1),
    ...rest,
  ].join(' ');
}

/** `platform-mismatch` → "Platform mismatch". */
export function humanizeId(id: string): string {
  return humanizeKey(id);
}

/** `sha256:0123456789abcdef…` → `sha256:0123456789ab`. */
export function shortDigest(digest: string | undefined): string | undefined {
  if (!digest) return undefined;
  const [algorithm, hex] = digest.split(':', 2);
  if (!hex) return digest;
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/** "1 service", "3 services". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The last part of an ARN's resource: `…:service/shop-prod/orders` → `shop-prod/orders`. */
export function arnResource(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const resource = arn.split(':').slice(5).join(':');
  const slash = resource.indexOf('/');
  return slash >= 0 ? resource.slice(slash + 1) : resource || arn;
}
