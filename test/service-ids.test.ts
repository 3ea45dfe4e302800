// Windows and canonical digest IDs: RFC 3339 parsing with every field checked, truncation to
// the minute BEFORE validation, and one UUIDv5 per pair of UTC instants whatever the offset.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { digestId, parseWindow, WindowError } from '../dist/service/index.js';
import { parseRfc3339 } from '../dist/index.js';

const rules = { maxWindowMs: 7 * 86_400_000, notAfter: Date.parse('2026-06-01T00:00:00Z') };

function uuidv5(name: string, namespace: string): string {
  const h = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name)
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

it("is the UUIDv5 of START/STOP (UTC, minute precision) in flowdigest's namespace", () => {
  const ns = uuidv5('urn:flowdigest:digest-window', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');
  expect(digestId('2026-01-15T16:00:00Z', '2026-01-15T17:00:00Z')).toBe(
    uuidv5('2026-01-15T16:00:00Z/2026-01-15T17:00:00Z', ns),
  );
  // Pinned: stored digests are named by it, so it must never change.
  expect(digestId('2026-01-15T16:00:00Z', '2026-01-15T17:00:00Z')).toBe('3b60ee71-ddc0-56d2-b510-8730c1f3a72b');
});

it('gives one ID to one window whatever the offset, seconds or letter case', () => {
  const id = digestId('2026-01-15T16:00:00Z', '2026-01-15T17:00:00Z');
  for (const [a, b] of [
    ['2026-01-15T17:00:00+01:00', '2026-01-15T12:00:00-05:00'],
    ['2026-01-15t16:00:59.999z', '2026-01-15 17:00:30Z'],
    ['2026-01-16T01:30:00+09:30', '2026-01-15T17:00:00.000000001Z'],
  ])
    expect(digestId(a, b), `${a} ${b}`).toBe(id);
  expect(digestId(new Date('2026-01-15T16:00:10Z'), new Date('2026-01-15T17:00:00Z'))).toBe(id);
  expect(digestId('2026-01-15T16:01:00Z', '2026-01-15T17:00:00Z')).not.toBe(id);
});

it('truncates to the minute first, then validates', () => {
  const w = parseWindow('2026-01-15T16:20:59Z', '2026-01-15T16:21:00Z', rules);
  expect(w).toMatchObject({ start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:21:00Z' });
  expect(() => parseWindow('2026-01-15T16:20:10Z', '2026-01-15T16:20:50Z', rules)).toThrow(
    /^stop must be at least a minute after start once both are truncated/,
  );
  // Exactly the longest window passes; a minute more does not.
  expect(parseWindow('2026-01-01T00:00:00Z', '2026-01-08T00:00:59Z', rules).stop).toBe('2026-01-08T00:00:00Z');
  expect(() => parseWindow('2026-01-01T00:00:00Z', '2026-01-08T00:01:00Z', rules)).toThrow(
    /^stop is more than 7d after start/,
  );
});

it('refuses windows entirely in the future, but not one that reaches past now', () => {
  expect(() => parseWindow('2026-06-01T00:01:00Z', '2026-06-01T01:00:00Z', rules)).toThrow(
    /^start 2026-06-01T00:01:00Z is in the future/,
  );
  expect(parseWindow('2026-05-31T23:00:00Z', '2026-06-01T01:00:00Z', rules).id).toMatch(/^[0-9a-f-]{36}$/);
});

it('checks every field of the time and names the parameter', () => {
  for (const bad of [
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-15T24:00:00Z',
    '2026-01-15T23:60:00Z',
    '2026-01-15T23:00:60Z',
    '2026-01-15T16:00Z',
    '2026-01-15T16:00:00',
    '2026-01-15T16:00:00+24:00',
    '2026-01-15',
    ' 2026-01-15T16:00:00Z',
  ]) {
    expect(parseRfc3339(bad), bad).toBeUndefined();
  }
  expect(parseRfc3339('2028-02-29T00:00:00Z')).toBe(Date.parse('2028-02-29T00:00:00Z'));
  try {
    parseWindow('2026-01-15T16:00:00Z', 'later', rules, { start: 'next_start', stop: 'next_stop' });
    expect.unreachable();
  } catch (err) {
    expect(err).toBeInstanceOf(WindowError);
    expect((err as WindowError).parameter).toBe('next_stop');
    expect((err as Error).message).toBe("next_stop 'later' is not an RFC 3339 time (e.g. 2026-01-15T16:20:00Z)");
  }
});
