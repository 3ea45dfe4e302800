/** `flowdigest merge`: digests → the digest of their union. */
import { Digest } from '../../digest/digest.js';
import { digestKind, readDigest } from '../../digest/read.js';
import { createDigester } from '../../engine/digester.js';
import { type DigestFormat, writeDigest } from '../../digest/write.js';
import { parse, UsageError } from '../args.js';
import { MERGE_OPTIONS } from '../options.js';
import { MERGE_HELP } from '../help.js';
import { withOutput } from '../output.js';
import { checkS3Urls, s3Options } from '../s3-options.js';
import { summary } from '../summary.js';

export async function mergeCommand(argv: string[], signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parse('merge', argv, MERGE_OPTIONS);
  if (values.help) {
    process.stdout.write(MERGE_HELP);
    return 0;
  }
  const format = (values.format ?? MERGE_OPTIONS.format.default) as DigestFormat;
  if (positionals.length === 0) throw new UsageError('name at least one DIGEST to merge', 'merge');
  checkS3Urls([], values.output, 'merge');
  const s3 = s3Options(values, 'merge');
  const began = performance.now();
  // A text digest is a flow log, and the digest of digests is their merge: text files go through
  // the engine (parallel scan, sort and format). A malformed row is skipped and counted in the
  // summary, as dot and diff do; --strict fails on it. NDJSON (record counts), partials and
  // stdin are read here and merged in; an NDJSON row that does not parse always fails.
  const text: string[] = [],
    other: string[] = [];
  for (const path of positionals) (path !== '-' && (await digestKind(path)) === 'text' ? text : other).push(path);
  const digester = createDigester();
  try {
    const strict = values.strict ?? false;
    const parts: Digest[] =
      text.length > 0 ? [await digester.digest(text, { strict, signal, keyFromHeader: true })] : [];
    for (const path of other) parts.push(await readDigest(path === '-' ? process.stdin : path, path, { strict }));
    // Digests from the engine and partials are sorted runs: merged as such, without a hash table.
    const merged = parts.length === 1 ? parts[0] : Digest.mergeSorted(parts);
    await withOutput(values.output, (out) => writeDigest(merged, out, format), {
      signal,
      s3,
      fsync: values.fsync !== false,
    });
    if (!values.quiet) process.stderr.write(summary('merge', merged, (performance.now() - began) / 1000));
    return 0;
  } finally {
    await digester.close();
  }
}
