/**
 * `collector(...).cli(argv)`: selection (`-i`, `-t`, `-a`, OR'ed), the window (`-s/-e`, or `-d`
 * ending now; else each checkpoint), `--list`, `--dry-run`, `--concurrency`. Exit 0 when every
 * stream succeeded, 1 when any failed (each one reported), 2 for a usage error.
 */
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { readValues, tokenize } from '../util/argv.js';
import { optionList } from '../util/option-help.js';
import { flagNames, type OptionSchema, type OptionValues } from '../util/option-schema.js';
import { suggest } from '../util/suggest.js';
import { FlowdigestError, InvalidOptionError } from '../errors.js';
import { floorSecond } from './checkpoint.js';
import { COLLECTOR_OPTIONS } from './options.js';
import type { RunOptions, RunReport } from './run-types.js';
import type { StreamResult } from './run.js';
import { selectStreams } from './select.js';
import type { StreamDefinition, Window } from './types.js';

/** The collector CLI's options, written once: parsing, the help's option lists and docs/options.md come from here. */
export const COLLECT_CLI_OPTIONS = {
  id: {
    type: 'list',
    multiple: true,
    short: 'i',
    arg: 'ID',
    group: 'selection',
    help: 'a stream by ID (repeat, or ID,ID)',
  },
  tag: {
    type: 'list',
    multiple: true,
    short: 't',
    arg: 'TAG',
    group: 'selection',
    help: 'every stream with the tag (repeat, or TAG,TAG)',
  },
  all: { type: 'boolean', short: 'a', group: 'selection', help: 'every stream' },
  list: {
    type: 'boolean',
    group: 'selection',
    help: 'print the streams (ID, tags, source, destination) and exit',
  },
  start: {
    type: 'time',
    short: 's',
    arg: 'TIME',
    group: 'window',
    help: 'with -e: collect [START, END), RFC 3339 (2026-01-15T16:00:00Z);',
  },
  end: {
    type: 'time',
    short: 'e',
    arg: 'TIME',
    group: 'window',
    help: 'checkpoints are neither read nor moved (backfill)',
  },
  duration: {
    type: 'duration',
    min: 1000,
    short: 'd',
    arg: 'D',
    group: 'window',
    help: 'collect the last D ending now (90s, 15m, 1h, 2d, 1h30m)',
  },
  dryRun: { type: 'boolean', help: "print each stream's window and destination; collect nothing" },
  concurrency: { ...COLLECTOR_OPTIONS.concurrency, flag: 'concurrency', arg: 'N', help: 'streams at once' },
  help: { type: 'boolean', short: 'h', help: 'this text' },
} as const satisfies OptionSchema;

function help(program: string): string {
  return `Usage: ${program} [selection] [window] [options]

Collect audit logs from the streams this program defines into object storage.

Selection (OR'ed; at least one unless --list):
${optionList(COLLECT_CLI_OPTIONS, 'selection')}

Window (default: each stream continues from its checkpoint to now minus its safety lag):
${optionList(COLLECT_CLI_OPTIONS, 'window')}

Options:
${optionList(COLLECT_CLI_OPTIONS, 'options')}

Logs are JSON lines on stderr (stream, page, records, bytes, retries). Exit status: 0 all
streams succeeded, 1 a stream failed (all failures are listed), 2 usage error.

Examples:
  ${program} -t hourly                 what a scheduler runs every hour
  ${program} -i slack-audit -d 24h     the last day again, checkpoint untouched
  ${program} --list -t daily
`;
}

type Values = OptionValues<typeof COLLECT_CLI_OPTIONS>;

/** Read `argv` by the schema; an option's fault is a usage error with the same fields. */
function parse(argv: readonly string[]): { values: Values; positionals: string[] } {
  try {
    const tokens = tokenize(COLLECT_CLI_OPTIONS, argv, (flag) => {
      throw new UsageError(`unknown option ${flag}${suggest(flag, flagNames(COLLECT_CLI_OPTIONS))}`, undefined, {
        option: flag,
        reason: 'is not an option',
      });
    });
    if (tokens.given.get('help')?.raw === true) return { values: { help: true }, positionals: tokens.positionals };
    return { values: readValues(COLLECT_CLI_OPTIONS, tokens).values, positionals: tokens.positionals };
  } catch (err) {
    if (err instanceof InvalidOptionError) throw UsageError.of(err);
    throw err;
  }
}

function windowFrom(v: Values, now: () => Date): Window | undefined {
  if (v.duration !== undefined) {
    if (v.start !== undefined || v.end !== undefined) throw new UsageError('-d cannot be combined with -s/-e');
    const end = floorSecond(now().getTime());
    return { start: new Date(end.getTime() - v.duration), end };
  }
  if (v.start === undefined && v.end === undefined) return undefined;
  if (v.start === undefined || v.end === undefined) throw new UsageError('-s and -e go together (or use -d DURATION)');
  if (!(v.start < v.end))
    throw new UsageError(`-s ${v.start.toISOString()} must be before -e ${v.end.toISOString()}`, undefined, {
      option: '-s',
      reason: 'must be before -e',
    });
  return { start: v.start, end: v.end };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return `${rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n')}\n`;
}

function summary(r: StreamResult): string {
  const w =
    r.windows.map((x) => `${x.start.toISOString()}..${x.end.toISOString()}`).join(', ') ||
    'nothing to collect yet (inside the safety lag)';
  if (!r.ok) return `FAILED  ${r.id}: ${r.error?.message ?? 'unknown error'}`;
  return `ok      ${r.id}: ${r.objects} objects, ${r.records} records, ${r.bytes} bytes, ${r.retries} retries; ${w}`;
}

/** The CLI over a collector's streams and its run function. */
export async function runCli(
  streams: readonly StreamDefinition[],
  run: (o: RunOptions) => Promise<RunReport>,
  argv: readonly string[],
  now: () => Date,
): Promise<number> {
  const program = basename(process.argv[1] ?? 'collector');
  const out = (s: string) => process.stdout.write(s);
  const exit = (code: number) => {
    process.exitCode = code;
    return code;
  };
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  try {
    const { values: v, positionals } = parse(argv);
    if (v.help) {
      out(help(program));
      return exit(0);
    }
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument '${positionals[0]}' (select streams with -i ID or -t TAG)`);
    const selection = { ids: v.id ?? [], tags: v.tag ?? [], all: v.all ?? false };
    if (v.list) {
      const none = selection.ids.length === 0 && selection.tags.length === 0 && !selection.all;
      const shown = none ? [...streams] : selectStreams(streams, selection);
      out(
        table([
          ['ID', 'TAGS', 'SOURCE', 'DESTINATION'],
          ...shown.map((s) => [
            s.id,
            (s.tags ?? []).join(',') || '-',
            s.source.description ?? 'custom source',
            s.destination.location,
          ]),
        ]),
      );
      return exit(0);
    }
    const window = windowFrom(v, now);
    const concurrency = v.concurrency;
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const report = await run({
      ...selection,
      window,
      dryRun: v.dryRun ?? false,
      concurrency,
      signal: controller.signal,
    });
    if (v.dryRun) {
      out(
        table([
          ['ID', 'WINDOW', 'FROM', 'DESTINATION'],
          ...report.streams.map((r, i) => {
            const s = streams.find((x) => x.id === r.id) ?? streams[i];
            const w = r.ok
              ? r.windows.map((x) => `${x.start.toISOString()}/${x.end.toISOString()}`).join(' then ') ||
                '(inside the safety lag)'
              : `error: ${r.error?.message}`;
            return [r.id, w, r.checkpointed ? 'checkpoint' : 'arguments', s.destination.location];
          }),
        ]),
      );
    } else {
      out(`${report.streams.map(summary).join('\n')}\n`);
    }
    const failed = report.streams.filter((r) => !r.ok);
    if (failed.length > 0) {
      process.stderr.write(
        `${program}: ${failed.length} of ${report.streams.length} streams failed: ${failed.map((r) => r.id).join(', ')}\n`,
      );
      return exit(1);
    }
    return exit(0);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InvalidOptionError) {
      process.stderr.write(`${program}: ${err.message}\nRun '${program} --help' for usage.\n`);
      return exit(2);
    }
    process.stderr.write(
      `${program}: ${err instanceof FlowdigestError ? err.message : String((err as Error)?.stack ?? err)}\n`,
    );
    return exit(1);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
