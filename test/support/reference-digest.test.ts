// Hand-computed cases for the reference digester: if these hold, it is a
// trustworthy oracle for the fast engine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceDigest, V2_HEADER } from './reference-digest.js';

const digest = (text: string, opts?: { start?: number; end?: number }) => referenceDigest([{ name: 't', text }], opts);
const body = (text: string): string[] => digest(text).text.split('\n').slice(1, -1);
// v2 record builder: only the fields a case cares about.
const rec = (
  src: string,
  dst: string,
  sp: string,
  dp: string,
  proto = '6',
  extra: Partial<Record<'pk' | 'by' | 'st' | 'en' | 'act' | 'status' | 'acct', string>> = {},
) =>
  `2 ${extra.acct ?? '111122223333'} eni-1 ${src} ${dst} ${sp} ${dp} ${proto} ${extra.pk ?? '1'} ${extra.by ?? '100'} ${extra.st ?? '10'} ${extra.en ?? '20'} ${extra.act ?? 'ACCEPT'} ${extra.status ?? 'OK'}`;

describe('referenceDigest', () => {
  it('zeroes the larger port, the source on a tie, and keeps both when one is 0 or -', () => {
    const out = body(
      [
        rec('a', 'b', '50000', '443'),
        rec('b', 'a', '443', '50000'),
        rec('c', 'd', '8080', '8080'),
        rec('e', 'f', '0', '0', '1'),
        rec('g', 'h', '0', '53', '17'),
        rec('i', 'j', '-', '443'),
        rec('k', 'l', '33000', '60000', '17'),
      ].join('\n'),
    );
    const ports = out.map((l) => l.split(' ').slice(3, 8).join(' '));
    expect(ports).toEqual([
      'a b 0 443 6',
      'b a 443 0 6',
      'c d 0 8080 6',
      'e f 0 0 1',
      'g h 0 53 17',
      'i j - 443 6',
      'k l 33000 0 17',
    ]);
  });

  it('folds flows that differ only in the ephemeral port, summing and spanning times', () => {
    const d = digest(
      [
        rec('a', 'b', '50000', '443', '6', { pk: '2', by: '300', st: '5', en: '30' }),
        rec('a', 'b', '50001', '443', '6', { pk: '3', by: '700', st: '8', en: '25' }),
      ].join('\n'),
    );
    expect(d.text).toBe(`${V2_HEADER}\n2 111122223333 eni-1 a b 0 443 6 5 1000 5 30 ACCEPT OK\n`);
    expect(d.ndjsonRows).toEqual([
      '{"account-id":"111122223333","interface-id":"eni-1","srcaddr":"a","dstaddr":"b","srcport":0,"dstport":443,"protocol":6,"packets":5,"bytes":1000,"start":5,"end":30,"action":"ACCEPT","records":2}',
    ]);
  });

  it('counts NODATA, SKIPDATA, malformed and blank lines (CRLF and a final newline are not blank)', () => {
    const d = digest(
      `${[
        '2 111122223333 eni-1 - - - - - - - 10 20 - NODATA',
        '2 111122223333 eni-1 - - - - - - - 10 20 - SKIPDATA',
        '2 111122223333 eni-1 a b 1 2 6 1 100 10 20 ACCEPT', // 13 fields
        rec('a', 'b', '1', '2', '6', { by: '12x' }),
        rec('a', 'b', '1', '2', '6', { status: 'ok' }),
        rec('a', 'b', '-1', '2'),
        rec('a', 'b', '1', '2').replace('ACCEPT ', 'ACCEPT  '), // double space = 15 tokens
        '',
        '\r',
        `${rec('a', 'b', '50000', '443')}\r`,
        rec('a', 'b', '50000', '443', '6', { pk: '-', by: '-' }),
      ].join('\n')}\n`,
    );
    expect(d.stats).toEqual({
      lines: 9,
      records: 9,
      digested: 2,
      nodata: 1,
      skipdata: 1,
      malformed: 5,
      blank: 2,
      filtered: 0,
      headers: 0,
    });
    expect(d.text.split('\n')[1]).toBe('2 111122223333 eni-1 a b 0 443 6 1 100 10 20 ACCEPT OK');
  });

  it('uses a header for field order; absent fields are - / null; no log-status means OK', () => {
    const custom =
      'version srcport dstport srcaddr dstaddr bytes packets end start action protocol\n5 50000 443 a b 700 3 20 10 ACCEPT 6\n5 51000 443 a b 300 2 25 12 ACCEPT 6\n';
    const v2 = `${V2_HEADER}\n${rec('a', 'b', '52000', '443', '6', { acct: '-' })}\n`;
    const d = referenceDigest([
      { name: 'c', text: custom },
      { name: 'v', text: v2 },
    ]);
    expect(d.stats.headers).toBe(2);
    expect(d.stats.digested).toBe(3);
    // Both rows have account "-"; the custom one has interface "-", which sorts before "eni-1".
    expect(d.text.split('\n').slice(1, -1)).toEqual([
      '2 - - a b 0 443 6 5 1000 10 25 ACCEPT OK',
      '2 - eni-1 a b 0 443 6 1 100 10 20 ACCEPT OK',
    ]);
    // A valid header after the first line (concatenated objects) is counted and applies from the
    // next line; a line that only looks like one is a malformed record.
    expect(digest(`${rec('a', 'b', '1', '2')}\n${V2_HEADER}\n`).stats).toMatchObject({ headers: 1, malformed: 0 });
    expect(digest(`${rec('a', 'b', '1', '2')}\nexported by splunk\n`).stats).toMatchObject({
      headers: 0,
      malformed: 1,
    });
  });

  it('prints - / null for packets or bytes only when no record in the run had them', () => {
    const d = digest('version srcaddr dstaddr bytes\n1 a b 5\n1 a c -\n');
    expect(d.text.split('\n').slice(1, -1)).toEqual(['2 - - a b - - - - 5 - - - OK', '2 - - a c - - - - 0 - - - OK']);
    expect(d.ndjsonRows[1]).toBe(
      '{"account-id":"-","interface-id":"-","srcaddr":"a","dstaddr":"c","srcport":null,"dstport":null,"protocol":null,"packets":null,"bytes":0,"start":null,"end":null,"action":"-","records":1}',
    );
  });

  it('keeps start <= end < window end and counts the rest (incl. null end) as filtered', () => {
    const text = ['100', '199', '200', '99', '-']
      .map((en) => rec(`a${en}`, 'b', '1', '2', '6', { en, st: '1' }))
      .join('\n');
    const d = digest(text, { start: 100, end: 200 });
    expect(d.stats).toMatchObject({ digested: 2, filtered: 3 });
    expect(d.rows.map((r) => r.end)).toEqual([100, 199]);
    // Malformed records are classified before the window; NODATA / SKIPDATA are selected by `end` too.
    expect(
      digest('2 1 e - - - - - - - 1 5 - NODATA\n2 1 e a b 1 2 6 1 1x 1 5 ACCEPT OK', { start: 100, end: 200 }).stats,
    ).toMatchObject({ nodata: 0, malformed: 1, filtered: 1 });
    expect(
      digest(
        '2 1 e - - - - - - - 1 150 - NODATA\n2 1 e - - - - - - - 1 150 - SKIPDATA\n2 1 e - - - - - - - 1 200 - SKIPDATA',
        { start: 100, end: 200 },
      ).stats,
    ).toMatchObject({ nodata: 1, skipdata: 1, filtered: 1 });
  });

  it('sums exactly beyond 2^53', () => {
    const big = '9007199254740993'; // 2^53 + 1
    const d = digest(
      [
        rec('a', 'b', '50000', '443', '6', { pk: big, by: big }),
        rec('a', 'b', '50001', '443', '6', { pk: big, by: '1' }),
      ].join('\n'),
    );
    expect(d.rows[0].packets).toBe(18014398509481986n);
    expect(d.text).toContain(' 18014398509481986 9007199254740994 ');
    expect(d.ndjsonRows[0]).toContain('"packets":18014398509481986,"bytes":9007199254740994,');
  });

  it('sorts null ports before 0 and strings by UTF-8 bytes, not UTF-16 or locale', () => {
    const rows = digest(
      [
        rec('a', 'b', '0', '0'),
        rec('a', 'b', '-', '-'),
        rec('a', 'b', '-', '7'),
        rec('Z', 'b', '1', '2'),
        rec('\uffff', 'b', '1', '2'),
        rec('\u{1f600}', 'b', '1', '2'),
        rec('é', 'b', '1', '2'),
        rec('z', 'b', '1', '2'),
      ].join('\n'),
    ).rows;
    expect(rows.map((r) => `${r.src}:${r.srcport}:${r.dstport}`)).toEqual([
      'Z:1:0',
      'a:null:null',
      'a:null:7',
      'a:0:0',
      'z:1:0',
      'é:1:0',
      '\uffff:1:0',
      '\u{1f600}:1:0',
    ]);
  });

  it('re-digesting the text output reproduces it exactly', () => {
    const line = fc
      .tuple(
        fc.constantFrom('111122223333', 'unknown'),
        fc.constantFrom('eni-1', 'eni-2'),
        fc.constantFrom('10.0.0.1', '2600:1f18::1', '-'),
        fc.constantFrom('10.0.0.2', '10.0.0.3'),
        fc.constantFrom('0', '22', '443', '8080', '50000', '-'),
        fc.constantFrom('0', '443', '8080', '61000', '-'),
        fc.constantFrom('1', '6', '17', '-'),
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        fc.nat(),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom('ACCEPT', 'REJECT'),
        fc.constantFrom('OK', 'OK', 'NODATA'),
      )
      .map(
        (f) =>
          `2 ${f.slice(0, 7).join(' ')} ${f[7]} ${f[8]} ${Math.min(f[9], f[10])} ${Math.max(f[9], f[10])} ${f[11]} ${f[12]}`,
      );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const once = digest(lines.join('\n')).text;
        expect(digest(once).text).toBe(once);
        // Order and splitting of inputs never matter.
        const half = Math.floor(lines.length / 2);
        expect(
          referenceDigest([
            { name: 'b', text: lines.slice(half).reverse().join('\n') },
            { name: 'a', text: lines.slice(0, half).join('\n') },
          ]).text,
        ).toBe(once);
      }),
      { numRuns: 200 },
    );
  });

  it('outputs only the header for an empty digest', () => {
    const d = digest('\n\n');
    expect(d.text).toBe(`${V2_HEADER}\n`);
    expect(d.stats).toMatchObject({ blank: 2, lines: 0 });
  });
});
