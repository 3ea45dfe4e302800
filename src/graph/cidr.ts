/**
 * IP addresses and CIDR ranges (IPv4 and IPv6) for the graph views: filtering by range, folding
 * addresses into prefix nodes, and telling private from public addresses.
 */
import { InvalidOptionError } from '../errors.js';

/** A parsed address: family and value (32 or 128 bits). */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** A CIDR range such as `10.0.0.0/8` or `fc00::/7`, with host bits zero. */
export interface Cidr {
  family: 4 | 6;
  /** Network address (host bits zero). */
  base: bigint;
  /** Prefix length. */
  bits: number;
  /** Canonical text, e.g. `10.0.0.0/8`, `2600:1f18::/64`. */
  text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXGROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parse an IPv4 or IPv6 address; null when `s` is not one (e.g. `-`). Leading zeros in IPv4 are refused. */
export function parseIp(s: string): IpAddress | null {
  if (s.includes(':')) {
    const v = parseIpv6(s);
    return v === null ? null : { family: 6, value: v };
  }
  const v = parseIpv4(s);
  return v === null ? null : { family: 4, value: BigInt(v) };
}

function parseIpv4(s: string): number | null {
  const m = IPV4.exec(s);
  if (m === null) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i];
    if (part.length > 1 && part[0] === '0') return null; // 010 could mean octal: not ours to guess
    const n = Number(part);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

function parseIpv6(s: string): bigint | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
        const v4 = parseIpv4(item);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (HEXGROUP.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || tail === null) return null;
  const n = head.length + tail.length;
  if (halves.length === 2 ? n > 7 : n !== 8) return null;
  const all = [...head, ...new Array<number>(8 - n).fill(0), ...tail];
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(g);
  return v;
}

/** An address in canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  let bestAt = -1,
    bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  return bestAt < 0 ? hex(g) : `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

const WIDTH = { 4: 32, 6: 128 } as const;

function mask(family: 4 | 6, bits: number): bigint {
  const w = BigInt(WIDTH[family]);
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(bits))) - 1n);
}

/**
 * Parse a CIDR such as `10.0.0.0/8` or `fc00::/7`. Throws {@link InvalidOptionError} naming
 * `option` when `value` is not one, or when host bits are set (suggesting the network).
 */
export function parseCidr(option: string, value: string): Cidr {
  const slash = value.lastIndexOf('/');
  const ip = slash > 0 ? parseIp(value.slice(0, slash)) : null;
  const bitsText = value.slice(slash + 1);
  if (ip === null || !/^\d{1,3}$/.test(bitsText) || Number(bitsText) > WIDTH[ip.family]) {
    throw new InvalidOptionError(option, 'is not a CIDR range (e.g. 10.0.0.0/8 or fc00::/7)', value);
  }
  const bits = Number(bitsText);
  const base = ip.value & mask(ip.family, bits);
  const text = `${formatIp({ family: ip.family, value: base })}/${bits}`;
  if (base !== ip.value) throw new InvalidOptionError(option, `has host bits set (did you mean ${text}?)`, value);
  return { family: ip.family, base, bits, text };
}

/** Whether `ip` lies in `cidr`. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return ip.family === cidr.family && (ip.value & mask(cidr.family, cidr.bits)) === cidr.base;
}

/** Whether every address of `inner` lies in `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.family === outer.family &&
    inner.bits >= outer.bits &&
    (inner.base & mask(outer.family, outer.bits)) === outer.base
  );
}

/** The `bits`-long network that holds `ip`. */
export function networkOf(ip: IpAddress, bits: number): Cidr {
  const b = Math.min(bits, WIDTH[ip.family]);
  const base = ip.value & mask(ip.family, b);
  return { family: ip.family, base, bits: b, text: `${formatIp({ family: ip.family, value: base })}/${b}` };
}

/** RFC 1918 and RFC 4193 ranges: what `--collapse-external` keeps as internal by default. */
export const PRIVATE_RANGES: readonly Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'].map((c) =>
  parseCidr('PRIVATE_RANGES', c),
);
