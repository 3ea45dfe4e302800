// packets and bytes are summed exactly, far beyond 2^53 (17-20 digit values, sums past 2^64).
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { bodyLines, lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

it('sums 16-20 digit counts exactly, across objects', async () => {
  const values = [
    9007199254740993n,
    12345678901234567n,
    98765432109876543210n,
    18446744073709551615n,
    4503599627370496n,
    1n,
    999999999999999n,
  ];
  const texts = values.map((v, i) =>
    lines(rec({ packets: v, bytes: values[values.length - 1 - i], srcport: 50000 + i })),
  );
  const d = await digester.digest([memory(...texts)]);
  const sum = values.reduce((a, b) => a + b, 0n);
  const [row] = [...d.rows()];
  expect(row).toMatchObject({ packets: sum, bytes: sum, records: values.length });
  expect(bodyLines(digestToString(d))).toEqual([
    `2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 ${sum} ${sum} 1000 1060 ACCEPT OK`,
  ]);
  expect(digestToString(d, 'ndjson')).toContain(`"packets":${sum},"bytes":${sum},`);
});

it('carries exactly when many values just below 2^52 add up', async () => {
  const v = 2n ** 52n - 1n;
  const d = await digester.digest([memory(lines(...Array.from({ length: 9 }, () => rec({ packets: v, bytes: v }))))]);
  expect([...d.rows()][0]).toMatchObject({ packets: 9n * v, bytes: 9n * v });
});
