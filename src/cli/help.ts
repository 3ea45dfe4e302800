/** --help texts: what each command does, its options with defaults, and examples. */

export const MAIN_HELP = `flowdigest - exact digests of AWS VPC flow logs

Many flow records become one row per conversation (account, interface, addresses,
ports with the ephemeral side zeroed, protocol, action), with packets and bytes
summed exactly. The output is itself a valid flow-log file.

Usage:
  flowdigest <command> [options]

Commands:
  digest   Digest flow-log files, directories or stdin
  merge    Merge digests into the digest of their union

Run 'flowdigest <command> --help' for a command's options and examples.

Examples:
  flowdigest digest ./AWSLogs -o digest.log
  flowdigest digest logs/*.log.gz --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z
  flowdigest merge monday.log tuesday.log -o week.log
`;

export const DIGEST_HELP = `flowdigest digest - digest VPC flow logs

Usage:
  flowdigest digest [INPUT...] [options]

INPUT is a file, a directory (walked for *.log.gz, *.log and *.gz), or - for
stdin (the default when no INPUT is given and stdin is not a terminal). gzip is
detected by its magic bytes. Each object may start with a header line naming its
fields (custom formats, versions 2-8, in any order); without one, the default
version 2 order holds.

Only records with log-status OK are digested. NODATA and SKIPDATA records are
counted; malformed records are counted and the first few shown as file:line.

Options:
  -o, --output FILE        Write here instead of stdout (atomically; gzip if FILE ends in .gz)
  -f, --format FMT         text (a v2 flow-log file) or ndjson (rows with record counts,
                           then a stats line)                          [default: text]
  -w, --workers N          Worker threads                  [default: available cores]
      --start TIME         Keep records whose end >= TIME (RFC 3339)
      --end TIME           Keep records whose end <  TIME (RFC 3339)
      --account A,B        Keep these account IDs (by AWS key path, else by record)
      --region R,S         Keep these regions (by AWS key path, else by record)
      --strict             Fail on the first malformed record
      --skip-bad-objects   Skip and list corrupt or unreadable objects instead of failing
      --prefetch N         Objects read ahead at once                  [default: 8]
      --prefetch-bytes SZ  Stored bytes held in flight, e.g. 64MB      [default: 64MB]
      --[no-]progress      Progress line on stderr          [default: when a terminal]
  -q, --quiet              No summary on stderr
  -h, --help               This help

Exit status: 0 on success; 1 when the run fails (a corrupt object, or a malformed
record with --strict); 2 on a usage error.

Examples:
  flowdigest digest fixtures/sample -o digest.log
  flowdigest digest ./AWSLogs --account 123456789012 --region us-east-1 \\
      --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z -f ndjson
  zcat big.log.gz | flowdigest digest - --strict > digest.log
`;

export const MERGE_HELP = `flowdigest merge - merge digests

Usage:
  flowdigest merge DIGEST... [options]

Merges text or NDJSON digests (gzip allowed) into exactly the digest of the
union of their inputs. NDJSON keeps record counts and sums the stats; a text
digest counts each row as one record.

Options:
  -o, --output FILE   Write here instead of stdout (atomically; gzip if FILE ends in .gz)
  -f, --format FMT    text or ndjson                                  [default: text]
  -q, --quiet         No summary on stderr
  -h, --help          This help

Examples:
  flowdigest merge monday.log tuesday.log -o both.log
  flowdigest merge a.ndjson b.ndjson.gz -f ndjson
`;
