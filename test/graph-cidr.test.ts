// Addresses and CIDR ranges: IPv4 and IPv6 parsing, canonical text, containment, option errors.
import { expect, it } from 'vitest';
import { cidrContains, formatIp, parseCidr, parseIp, PRIVATE_RANGES } from '../dist/graph/index.js';
import { InvalidOptionError } from '../dist/index.js';

it('parses IPv4 and IPv6 (with ::, embedded IPv4) and refuses the rest', () => {
  expect(parseIp('10.0.0.255')).toEqual({ family: 4, value: 0x0a0000ffn });
  expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
  expect(parseIp('::ffff:1.2.3.4')).toEqual({ family: 6, value: 0xffff01020304n });
  expect(parseIp('2600:1f18:0:0:0:0:0:1')).toEqual(parseIp('2600:1f18::1'));
  for (const bad of [
    '-',
    '',
    '1.2.3',
    '01.2.3.4',
    '256.1.1.1',
    '1.2.3.4.5',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    'node',
    '1:2:3:4:5:6:7::8',
  ]) {
    expect(parseIp(bad), bad).toBeNull();
  }
});

it('prints canonical addresses (RFC 5952 for IPv6)', () => {
  const f = (s: string) => formatIp(parseIp(s)!);
  expect(f('2001:DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
  expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
  expect(f('0:0:0:0:0:0:0:0')).toBe('::');
  expect(f('fc00::')).toBe('fc00::');
  expect(f('192.168.1.7')).toBe('192.168.1.7');
});

it('parses ranges and tests membership', () => {
  expect(parseCidr('x', '2600:1F18::/32').text).toBe('2600:1f18::/32');
  expect(parseCidr('x', '0.0.0.0/0').bits).toBe(0);
  const private4 = (s: string) => PRIVATE_RANGES.some((c) => cidrContains(c, parseIp(s)!));
  expect(['10.1.2.3', '172.31.255.255', '192.168.0.1', 'fd12::1'].every(private4)).toBe(true);
  expect(['172.32.0.1', '11.0.0.1', '100.64.0.1', '2600::1', '::ffff:10.0.0.1'].some(private4)).toBe(false);
});

it('names the option and the value in errors', () => {
  expect(() => parseCidr('--cidr', '10.0.0.0')).toThrow(InvalidOptionError);
  expect(() => parseCidr('--cidr', '10.0.0.0/33')).toThrow(
    "--cidr '10.0.0.0/33' is not a CIDR range (e.g. 10.0.0.0/8 or fc00::/7)",
  );
  expect(() => parseCidr('--cidr', 'fc00::1/7')).toThrow(
    "--cidr 'fc00::1/7' has host bits set (did you mean fc00::/7?)",
  );
  expect(() => parseCidr('--cidr', '::/129')).toThrow(/is not a CIDR range/);
});
