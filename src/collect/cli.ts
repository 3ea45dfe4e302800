/**
 * `collector(...).cli(argv)`: selection (`-i`, `-t`, `-a`, OR'ed), the window (`-s/-e`, or `-d`
 * ending now; else each checkpoint), `--list`, `--dry-run`, `--concurrency`. Exit 0 when every
 * stream succeeded, 1 when any failed (each one reported), 2 for a usage error.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { parsePositiveInt, parseTime } from '../util/options.js';
import { suggest } from '../util/suggest.js';
import { FlowdigestError, InvalidOptionError } from '../errors.js';
import { floorSecond } from './checkpoint.js';
import type { RunOptions, RunReport } from './run-types.js';
import type { StreamResult } from './run.js';
import { selectStreams } from './select.js';
import type { StreamDefinition, Window } from './types.js';

const OPTIONS = {
  id: { type: 'string', short: 'i', multiple: true },
  tag: { type: 'string', short: 't', multiple: true },
  all: { type: 'boolean', short: 'a' },
  list: { type: 'boolean' },
  start: { type: 'string', short: 's' },
  end: { type: 'string', short: 'e' },
  duration: { type: 'string', short: 'd' },
  'dry-run': { type: 'boolean' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function help(program: string): string {
  return `Usage: ${program} [selection] [window] [options]

Collect audit logs from the streams this program defines into object storage.

Selection (OR'ed; at least one unless --list):
  -i, --id ID        a stream by ID (repeat, or ID,ID)
  -t, --tag TAG      every stream with the tag (repeat, or TAG,TAG)
  -a, --all          every stream
      --list         print the streams (ID, tags, source, destination) and exit

Window (default: each stream continues from its checkpoint to now minus its safety lag):
  -s, --start TIME   with -e: collect [START, END), RFC 3339 (2026-01-15T16:00:00Z);
  -e, --end TIME     checkpoints are neither read nor moved (backfill)
  -d, --duration D   collect the last D ending now (90s, 15m, 1h, 2d, 1h30m)

Options:
      --dry-run      print each stream's window and destination; collect nothing
      --concurrency N  streams at once (default 4)
  -h, --help         this text

Logs are JSON lines on stderr (stream, page, records, bytes, retries). Exit status: 0 all
streams succeeded, 1 a stream failed (all failures are listed), 2 usage error.

Examples:
  ${program} -t hourly                 what a scheduler runs every hour
  ${program} -i slack-audit -d 24h     the last day again, checkpoint untouched
  ${program} --list -t daily
`;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `1h30m`, `2d`, as milliseconds. */
export function parseDurationArg(option: string, value: string): number {
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  const total = parts.reduce((sum, m) => sum + Number(m[1]) * DURATION_UNITS[m[2]], 0);
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== value || total < 1000) {
    throw new UsageError(`${option} '${value}' is not a duration of a second or more (e.g. 90s, 15m, 1h30m, 2d)`);
  }
  return total;
}

const list = (values: string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message;
    const m = /Unknown option '(--?[^']+)'/.exec(msg);
    if (m) {
      const names = Object.entries(OPTIONS).flatMap(([long, o]) => [
        `--${long}`,
        ...('short' in o ? [`-${o.short}`] : []),
      ]);
      throw new UsageError(`unknown option ${m[1]}${suggest(m[1], names)}`);
    }
    throw new UsageError(msg.replace(/\. To specify a positional.*$/s, ''));
  }
}

function windowFrom(v: ReturnType<typeof parse>['values'], now: () => Date): Window | undefined {
  if (v.duration !== undefined) {
    if (v.start !== undefined || v.end !== undefined) throw new UsageError('-d cannot be combined with -s/-e');
    const end = floorSecond(now().getTime());
    return { start: new Date(end.getTime() - parseDurationArg('-d', v.duration)), end };
  }
  if (v.start === undefined && v.end === undefined) return undefined;
  if (v.start === undefined || v.end === undefined) throw new UsageError('-s and -e go together (or use -d DURATION)');
  const start = parseTime('-s', v.start);
  const end = parseTime('-e', v.end);
  if (!(start < end)) throw new UsageError(`-s ${v.start} must be before -e ${v.end}`);
  return { start, end };
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
    const selection = { ids: list(v.id), tags: list(v.tag), all: v.all ?? false };
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
    const concurrency = v.concurrency === undefined ? undefined : parsePositiveInt('--concurrency', v.concurrency);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const report = await run({
      ...selection,
      window,
      dryRun: v['dry-run'] ?? false,
      concurrency,
      signal: controller.signal,
    });
    if (v['dry-run']) {
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
