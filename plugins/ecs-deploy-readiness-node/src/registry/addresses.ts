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

import { isIPv4, isIPv6 } from 'node:net';

/**
 * Why an IP address is not a public unicast address. `undefined` means public.
 *
 * @internal
 */
export type SpecialAddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

interface Range {
  /** Network address as a bigint, and prefix length. */
  base: bigint;
  prefix: number;
  cls: SpecialAddressClass;
}

function parseIPv4(address: string): bigint | undefined {
  if (!isIPv4(address)) return undefined;
  return address
    .split('.')
    .reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function parseIPv6(address: string): bigint | undefined {
  return isIPv6(address) ? ipv6Value(address) : undefined;
}

/**
 * The value of an IPv6 address already known to be valid. Apart from `parseIPv6` so that the
 * range tables below are built without `isIPv6`, whose first call compiles a large regular
 * expression (some 10 ms at every CLI start, even when no IPv6 address is ever checked).
 */
function ipv6Value(address: string): bigint | undefined {
  let text = address;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const value = parseIPv4(v4[1]);
    if (value === undefined) return undefined;
    text = `${text.slice(0, v4.index)}${(value >> 16n).toString(16)}:${(
      value & 0xffffn
    ).toString(16)}`;
  }
  const [head, tail] = text.includes('::')
    ? text.split('::')
    : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array(missing).fill('0'), ...tailGroups];
  if (groups.length !== 8) return undefined;
  return groups.reduce(
    (acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}

function range(cidr: string, cls: SpecialAddressClass): Range {
  const [address, prefix] = cidr.split('/');
  const base = address.includes(':') ? ipv6Value(address) : parseIPv4(address);
  return { base: base!, prefix: Number(prefix), cls };
}

const IPV4_RANGES: Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'private'), // carrier-grade NAT, also cloud metadata (100.100.100.200)
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'), // includes 169.254.169.254 (instance metadata)
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'reserved'),
  range('192.88.99.0/24', 'reserved'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved'),
  range('198.51.100.0/24', 'reserved'),
  range('203.0.113.0/24', 'reserved'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'), // includes 255.255.255.255
];

const IPV6_RANGES: Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'private'),
  range('100::/64', 'reserved'),
  range('2001::/23', 'reserved'),
  range('2001:db8::/32', 'reserved'),
  range('fc00::/7', 'private'), // unique local, includes fd00:ec2::254 (instance metadata)
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private'), // deprecated site-local
  range('ff00::/8', 'multicast'),
];

/** IPv6 prefixes that carry an IPv4 address, and where it sits. */
const IPV4_CARRIERS: Array<{ range: Range; shift: bigint }> = [
  { range: range('::ffff:0:0/96', 'reserved'), shift: 0n }, // IPv4-mapped
  { range: range('::/96', 'reserved'), shift: 0n }, // IPv4-compatible (deprecated)
  { range: range('64:ff9b::/96', 'reserved'), shift: 0n }, // NAT64
  { range: range('2002::/16', 'reserved'), shift: 80n }, // 6to4
];

function inRange(value: bigint, r: Range, bits: number): boolean {
  const shift = BigInt(bits - r.prefix);
  return value >> shift === r.base >> shift;
}

function classifyIPv4(value: bigint): SpecialAddressClass | undefined {
  return IPV4_RANGES.find(r => inRange(value, r, 32))?.cls;
}

/**
 * 4 or 6 when `host` is an IP address of that version, else 0: `net.isIP` without its IPv6
 * regular expression for names (an IPv6 address always has a colon), which is costly to compile.
 *
 * @internal
 */
export function ipVersion(host: string): 0 | 4 | 6 {
  if (host.includes(':')) return isIPv6(host) ? 6 : 0;
  return isIPv4(host) ? 4 : 0;
}

/**
 * Classifies an IP address (v4 or v6, with an optional `%zone`). Returns why it is special
 * (loopback, private, link-local, unspecified, multicast, reserved), or undefined for a public
 * unicast address. Anything that is not an IP address counts as `reserved`. IPv6 forms that
 * carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that IPv4 address.
 *
 * @internal
 */
export function classifyAddress(
  address: string,
): SpecialAddressClass | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = parseIPv4(bare);
  if (v4 !== undefined) {
    return classifyIPv4(v4);
  }
  const v6 = parseIPv6(bare);
  if (v6 === undefined) {
    return 'reserved';
  }
  const direct = IPV6_RANGES.find(r => inRange(v6, r, 128));
  if (direct) {
    return direct.cls;
  }
  for (const carrier of IPV4_CARRIERS) {
    if (inRange(v6, carrier.range, 128)) {
      return classifyIPv4((v6 >> carrier.shift) & 0xffffffffn);
    }
  }
  return undefined;
}
