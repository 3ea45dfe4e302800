/** `flowdigest diff`: two digests → the edges added, removed (and changed) between them. */
import { DIFF_FORMATS, writeDiff } from '../../graph/diff-output.js';
import { diffInputs } from '../../graph/diff.js';
import type { DigestStats } from '../../digest/digest.js';
import type { DiffFormat } from '../../graph/types.js';
import { parse, UsageError } from '../args.js';
import { DIFF_OPTIONS } from '../options.js';
import { count } from '../format.js';
import { DIFF_HELP } from '../help.js';
import { withOutput } from '../output.js';
import { skippedNote } from '../summary.js';
import { graphFormat, labelFlags } from './dot.js';

export async function diffCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('diff', argv, DIFF_OPTIONS);
  if (values.help) {
    process.stdout.write(DIFF_HELP);
    return 0;
  }
  const format: DiffFormat = graphFormat(values.format as DiffFormat | undefined, values.output, DIFF_FORMATS, 'dot');
  const style = labelFlags(values);
  if (positionals.length !== 2)
    throw new UsageError(`name two digests, PREVIOUS and NEXT (got ${positionals.length})`, 'diff');
  const [previous, next] = positionals;
  if (previous === '-' && next === '-') throw new UsageError('stdin (-) can be named only once', 'diff');
  const began = performance.now();
  const diff = await diffInputs(previous === '-' ? process.stdin : previous, next === '-' ? process.stdin : next, {
    changed: values.changed ?? false,
    strict: values.strict ?? false,
  });
  await withOutput(values.output, (out) => writeDiff(diff, out, format, style));
  if (!values.quiet) {
    const changed = values.changed ? `, ${count(diff.changed.size)} changed` : '';
    process.stderr.write(
      `diff: ${count(diff.removed.size)} removed, ${count(diff.added.size)} added${changed}; ${count(diff.common)} in both ` +
        `(PREVIOUS ${count(diff.previousRows)} rows${skipped(diff.previousStats)}, NEXT ${count(diff.nextRows)}${skipped(diff.nextStats)}) ` +
        `in ${((performance.now() - began) / 1000).toFixed(2)} s\n`,
    );
  }
  return 0;
}

// Malformed records of a raw flow-log input are skipped (as by dot and merge) and counted here.
function skipped(stats: DigestStats | undefined): string {
  return stats === undefined ? '' : skippedNote(stats);
}
