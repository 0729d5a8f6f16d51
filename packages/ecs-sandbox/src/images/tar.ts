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

/** One entry of a tar archive. */
export interface TarEntry {
  path: string;
  /** File content; omitted for directories. */
  content?: Buffer | string;
  type?: 'file' | 'directory';
  mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(entry: TarEntry, size: number): Buffer {
  const buf = Buffer.alloc(BLOCK, 0);
  const isDir = entry.type === 'directory';
  let name = entry.path.replace(/^\/+/, '');
  if (isDir && !name.endsWith('/')) name += '/';
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf(
      '/',
      name.length - 2 > 154 ? 154 : name.length - 2,
    );
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) {
      throw new Error(`tar path too long: ${entry.path}`);
    }
  }
  buf.write(name, 0, 100, 'utf8');
  buf.write(octal(entry.mode ?? (isDir ? 0o755 : 0o644), 8), 100, 8, 'ascii');
  buf.write(octal(0, 8), 108, 8, 'ascii'); // uid
  buf.write(octal(0, 8), 116, 8, 'ascii'); // gid
  buf.write(octal(size, 12), 124, 12, 'ascii');
  buf.write(octal(0, 12), 136, 12, 'ascii'); // mtime: fixed, so layers are reproducible
  buf.write('        ', 148, 8, 'ascii'); // checksum placeholder
  buf.write(isDir ? '5' : '0', 156, 1, 'ascii');
  buf.write('ustar\0', 257, 6, 'ascii');
  buf.write('00', 263, 2, 'ascii');
  buf.write('root', 265, 32, 'ascii');
  buf.write('root', 297, 32, 'ascii');
  buf.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return buf;
}

function entryContent(entry: TarEntry): Buffer {
  if (entry.type === 'directory') return Buffer.alloc(0);
  if (Buffer.isBuffer(entry.content)) return entry.content;
  return Buffer.from(entry.content ?? '', 'utf8');
}

/**
 * Writes a POSIX ustar archive. Deterministic: the same entries always give the same bytes
 * (fixed owner and mtime), so layer digests are stable across runs.
 */
export function createTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entryContent(entry);
    parts.push(header(entry, content.length));
    parts.push(content);
    const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}
