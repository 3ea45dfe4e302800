/**
 * --help texts: what each command does and examples, written here; the option lists with their
 * defaults are written from the commands' schemas (cli/options.ts).
 */
import { optionList } from '../util/option-help.js';
import { SERVE_OPTIONS } from '../service/settings.js';
import { DIFF_OPTIONS, DIGEST_OPTIONS, DOT_OPTIONS, MERGE_OPTIONS, REPORT_OPTIONS, WORK_OPTIONS } from './options.js';

export const MAIN_HELP = `flowdigest - exact digests of AWS VPC flow logs

Many flow records become one row per conversation (account, interface, addresses,
ports with the ephemeral side zeroed, protocol, action), with packets and bytes
summed exactly. The output is itself a valid flow-log file.

Usage:
  flowdigest <command> [options]

Commands:
  digest   Digest flow-log files, directories, s3:// buckets or stdin
  merge    Merge digests into the digest of their union
  dot      Draw a digest as a DOT graph (or SVG), with filters, collapsing, clusters
  diff     Edges added, removed or changed between two digests
  report   Talkers, rejected traffic, exposed services, probes, what is new
  serve    HTTP service that creates, stores and serves digests of time windows
  work     Cluster worker: takes digest jobs from Redis (see digest --redis)

Run 'flowdigest <command> --help' for a command's options and examples.

Examples:
  flowdigest digest ./AWSLogs -o digest.log
  flowdigest digest s3://my-flow-logs --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z
  flowdigest digest logs/*.log.gz --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z
  flowdigest merge monday.log tuesday.log -o week.log
  flowdigest serve --logs ./AWSLogs --store ./digests
`;

export const DIGEST_HELP = `flowdigest digest - digest VPC flow logs

Usage:
  flowdigest digest [INPUT...] [options]

INPUT is a file, a directory (walked for *.log.gz, *.log, *.gz and *.parquet), an
S3 URL s3://BUCKET[/PREFIX], or - for stdin (the default when no INPUT is given and
stdin is not a terminal). gzip, Parquet and CloudWatch Logs JSON (subscription
payloads, Firehose objects, NDJSON with a message field) are told by content; a
file or s3:// object named exactly is read whatever its name. Each object may
start with a header line naming its fields (custom formats, versions 2-8, in any
order), and a later valid header switches the format from the next line; without
one, --fields (default v2) holds. A first line of lowercase
words that names an unknown field, a field twice, or lacks srcaddr and dstaddr
fails the object. A FIFO (<(zcat a.gz)) is read as a stream; in a directory,
links are followed, each directory once, and broken links are passed over.

In S3, PREFIX is what comes before AWSLogs/ (or a narrower prefix inside it).
Objects must carry AWS delivery names, in the default or Hive layout, with or
without hourly partitions; size-0 objects and other names are passed over and
counted. With --start/--end, --account or --region only the matching account,
region, day and hour folders are listed, keeping objects stamped from 15 min
before --start to 10 min after --end (a file stamped T holds records ending in
[T, T+5 min); the rest is slack for late delivery). Credentials come from the
AWS SDK's default chain (env, ~/.aws, SSO, instance or container roles).

Only records with log-status OK are digested. NODATA and SKIPDATA records are
counted; malformed records are counted and the first few shown as file:line:
among them lines over 1 MiB (skipped without being held), lines that are not
valid UTF-8, and records whose start is after their end.

Options:
${optionList(DIGEST_OPTIONS, 'options')}

Cluster options (the run is planned here and done by flowdigest work processes):
${optionList(DIGEST_OPTIONS, 'cluster')}

S3 options (also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION, AWS_MAX_ATTEMPTS):
${optionList(DIGEST_OPTIONS, 's3')}
  With an endpoint override, request checksums are sent and response checksums are
  checked only when required, unless AWS_REQUEST_CHECKSUM_CALCULATION or
  AWS_RESPONSE_CHECKSUM_VALIDATION say otherwise. Requests are tried up to 5 times.

Exit status: 0 on success; 1 when the run fails (a corrupt object, a malformed
record with --strict, or a digest larger than --max-memory) or digested nothing
(every record malformed, no object matched, every object passed over; the reason
is one line on stderr, and --allow-empty exits 0); 2 on a usage error.

Environment:
  AWS_REGION, AWS_PROFILE, ...  the AWS SDK's default credential and region chain (S3);
                                AWS_PROFILE is what --profile sets
  AWS_ENDPOINT_URL_S3           an S3-compatible endpoint (as --endpoint)
  FLOWDIGEST_FIELDS             the format of header-less objects (as --fields)
  FLOWDIGEST_NO_WASM=1          parse in JavaScript only, not the WebAssembly kernel
                                (same results, slower; for comparison or odd platforms)

Examples:
  flowdigest digest fixtures/sample -o digest.log
  flowdigest digest ./AWSLogs --account 123456789012 --region us-east-1 \\
      --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z -f ndjson
  zcat big.log.gz | flowdigest digest - --strict > digest.log
  flowdigest digest s3://my-flow-logs/vpc --region eu-west-1 \\
      --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z -o s3://my-digests/16h.log.gz
  flowdigest digest s3://logs --endpoint http://localhost:9000 --path-style
`;

export const MERGE_HELP = `flowdigest merge - merge digests

Usage:
  flowdigest merge DIGEST... [options]

Merges text, NDJSON or binary partial digests (gzip allowed) into exactly the
digest of the union of their inputs. NDJSON and partials keep record counts and
sum the stats; a text digest counts each row as one record. A malformed row of a
text digest (e.g. start after end) is skipped and counted in the summary with its
file:line, as dot and diff do; an NDJSON row that does not parse fails the merge.

Options:
${optionList(MERGE_OPTIONS, 'options')}

S3 options, for an s3:// output (see flowdigest digest --help):
${optionList(MERGE_OPTIONS, 's3')}

Examples:
  flowdigest merge monday.log tuesday.log -o both.log
  flowdigest merge a.ndjson b.ndjson.gz -f ndjson
  flowdigest merge day1.fdp day2.fdp -f partial -o days.fdp
  flowdigest merge monday.log tuesday.log -o s3://my-digests/both.log.gz
`;

export const DOT_HELP = `flowdigest dot - draw a digest as a graph

Usage:
  flowdigest dot [INPUT...] [options]

INPUT is a text or NDJSON digest, a raw flow-log file, or DOT written by
flowdigest (gzip allowed), or - for stdin (the default when stdin is not a
terminal). Several inputs are merged. The output is a DOT digraph with one edge
per digest row, carrying go-vpcflow's attributes (govpc_accountID, govpc_eniID,
govpc_srcPort, govpc_dstPort, govpc_protocol, govpc_packets, govpc_bytes,
govpc_start, govpc_end) plus govpc_action and govpc_records, whatever --labels
says. Every distinct address is its own node, quoted and escaped; the output is
valid DOT for any input and the same bytes for the same input. Pipe it into
Graphviz (dot -Tsvg), or use -f svg or -f html.

The default look is for people: an edge reads 'https · 1.2 GB · 68 flows'
(service names only where the port is unambiguous, else tcp/8080), REJECT is red
and dashed, width grows with log(bytes); a node shows its address (IPv6
shortened) and, without --cluster, its account in small type when it has one;
internet is a dashed oval and a collapsed range a folder; a legend explains it.
--labels go prints go-vpcflow's look exactly as before (a label line per
govpc_* field, green/red, plain nodes, no legend).

-f html writes one self-contained page that works offline: the SVG with pan and
zoom, a search box that highlights addresses, a click on an edge shows all its
fields, and a table of the top talkers. Data in it is escaped, and its Content
Security Policy runs only its own scripts and loads nothing.

Views run in this order: filters, then collapsing, then --top.

Options:
${optionList(DOT_OPTIONS)}

Rendering SVG or HTML takes about 0.5 s for 2,000 edges and grows faster than the
edges: a graph over 5,000 edges is refused as SVG or HTML before any work starts
(FD_ERR_GRAPH_LIMIT); narrow it with --top or filters, or write DOT, which has no
limit. SVG and HTML titles name the window, the filters and the cut.

Examples:
  flowdigest dot digest.log --top 20 -o top.svg
  flowdigest dot digest.log --top 200 --collapse-external -o top.html
  flowdigest dot digest.log --top 20 --labels go > go-vpcflow.dot
  flowdigest digest ./AWSLogs -f dot | dot -Tsvg > all.svg
  flowdigest dot digest.log --collapse-external --cluster account --action REJECT
  flowdigest dot digest.log --collapse 10.1.0.0/16,10.2.0.0/16 --port 443
`;

export const REPORT_HELP = `flowdigest report - answers for security teams

Usage:
  flowdigest report INPUT... [--baseline INPUT]... [options]

INPUT is a digest (text, NDJSON or a binary partial) or flow logs (files,
directories, s3:// URLs, - for stdin), which are digested on the way with the
selection options below. Several inputs are merged; the report reads the rows once.

Sections (docs/report.md documents each and the JSON form):
  totals     records, rows, packets and bytes, overall and per action
  talkers    top sources by bytes, with their distinct destinations
  listeners  top destinations by bytes, with their distinct sources
  rejected   top sources and top (service port, protocol) by REJECT records
  exposed    internal (address, port, protocol) that ACCEPTed external sources
  probes     external sources by distinct (host, service port) pairs touched
  new        with --baseline: (src, dst, service port, protocol) absent from it
  traffic    by flow-direction and pkt-src/dst-aws-service, when the digest's key
             holds them (--key +flow-direction,pkt-src-aws-service,pkt-dst-aws-service)

Internal addresses are RFC 1918, 100.64.0.0/10, loopback, link-local, fc00::/7
and fe80::/10, plus --internal. A row's service port is the one the ephemeral
rule kept (the lower port of the original record): a service on a high port
talking to a client on a lower one is listed under the client's port.

Options:
${optionList(REPORT_OPTIONS, 'options')}

Selection of flow-log inputs (as digest; not applied to digests):
${optionList(REPORT_OPTIONS, 'selection')}

S3 options (see flowdigest digest --help):
${optionList(REPORT_OPTIONS, 's3')}

Examples:
  flowdigest report digest.ndjson
  flowdigest report ./AWSLogs --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z -f json
  flowdigest report today.ndjson --baseline yesterday.ndjson -o report.html
  flowdigest report digest.ndjson --action REJECT --top 25
  flowdigest report ./AWSLogs --key +flow-direction,pkt-src-aws-service,pkt-dst-aws-service
`;

export const DIFF_HELP = `flowdigest diff - what changed between two digests

Usage:
  flowdigest diff PREVIOUS NEXT [options]

PREVIOUS and NEXT are text or NDJSON digests, raw flow logs, or DOT written by
flowdigest (gzip allowed); one of them may be - for stdin. An edge is identified
by account, interface, source and destination address, ports, protocol and
action; packets, bytes and times are not part of its identity. PREVIOUS is held
in memory as a compact table; NEXT is streamed.

Output (in this order: removed, added, changed):
  dot      edges marked govpc_diff="REMOVED" (red, dashed), "ADDED" (green) or
           "CHANGED" (amber, with govpc_packetsDelta, govpc_bytesDelta,
           govpc_startDelta, govpc_endDelta; the label says '4.2 MB (+3.2 MB)'),
           only the nodes they touch, and a legend. With --labels go: orange
           dashed, blue and grey, go-vpcflow's labels, no legend (as before)
  svg      the same graph, rendered in-process
  html     the interactive page (see flowdigest dot --help), its table listing
           the biggest differences
  text     '- ', '+ ' or '~ ' before a digest line; '~' lines end with the deltas
  ndjson   one object per edge with "diff" (and "delta"), then a summary line

Options:
${optionList(DIFF_OPTIONS)}

Examples:
  flowdigest diff monday.log tuesday.log -o changes.dot
  flowdigest diff monday.log tuesday.log --changed -o changes.html
  flowdigest diff monday.ndjson tuesday.ndjson -f text --changed
  flowdigest digest ./today -f ndjson | flowdigest diff yesterday.ndjson - -f ndjson
`;

export const SERVE_HELP = `flowdigest serve - the digest service

Usage:
  flowdigest serve [--port N] [--logs DIR|s3://BUCKET[/PREFIX]] [--store DIR|s3://BUCKET[/PREFIX]] [options]

An HTTP API compatible with vpcflow-digesterd: POST /?start=&stop= queues the
digest of a window (202, or 409 if stored or in progress); GET /?start=&stop=
serves it (200, 204 while in progress, 404 if never asked for), as text (gzip
when the client accepts it), or &format=ndjson|dot|svg|stats. Times are RFC 3339
and are truncated to the minute before they are checked; the digest ID is a
UUIDv5 of the UTC instants, so offsets do not matter. A job digests exactly the
records whose end is in [start, stop). Also: POST /{topic}/{event} (the worker),
GET /graph, GET /diff, GET /healthz, GET /metrics (Prometheus), GET /openapi.yaml.

With no configuration it serves the bundled sample (windows on 2026-01-15 from
16:20 to 16:50 UTC) and keeps digests and markers in ./.flowdigest. Logs are JSON
lines on stdout. Only closed windows are digested: a window whose stop plus the
delivery lag is not yet past is refused with 400. SIGTERM or SIGINT: every route
answers 503 "stopping" (the port stays open) while running jobs get the grace
period; queued jobs are released (their markers cleared); a job cut short leaves
its marker, which expires, so asking again later makes it.

Without tokens the service listens on loopback only: another --host is refused
unless --insecure-no-auth is given. With --tokens (or FLOWDIGEST_TOKEN) every
route but /healthz and /openapi.yaml needs "Authorization: Bearer TOKEN" with
its scope: read (GET /, /graph, /diff), write (POST /), worker (the worker
route), metrics (/metrics). 401 for a missing or unknown token, 403 for the
wrong scope, 429 (Retry-After) after repeated failures from one address.

Every option but --profile (the SDK reads AWS_PROFILE) has an environment
variable; flags win over variables, and the FLOWDIGEST_* variables over the Go
service's. A FLOWDIGEST_* variable and a Go one that disagree, a region for a
location that is not in S3, or a misspelt FLOWDIGEST_* variable stop the start
with a message naming it. Every option is listed in docs/options.md.

Options (flag, variable, Go service's variable):
${optionList(SERVE_OPTIONS, 'options', true)}

Audit trail (Flipt's event shape; on when a sink is given). Each event is fsynced to the
spool before the request that caused it is answered, then delivered to every sink at least
once (receivers drop repeats by id); a SIGKILL loses none. A full spool answers 503 to writes.
${optionList(SERVE_OPTIONS, 'audit', true)}

${optionList(SERVE_OPTIONS, 'help')}

  FLOWDIGEST_TOKEN         One token (16+ characters) with every scope; the HTTP queue
                           sends it. Tokens are never logged.
  USE_IAM                  Accepted (true or false) for the Go service's sake; credentials
                           always come from the AWS SDK's chain (env, ~/.aws, SSO, roles).
  DUR is 250ms, 90s, 5m, 2h or 7d. The Go service's *_ROLE variables are refused: give
  roles to the SDK (AWS_PROFILE with role_arn, or AWS_ROLE_ARN + web identity).

Examples:
  flowdigest serve
  curl -X POST 'localhost:8080/?start=2026-01-15T16:00:00Z&stop=2026-01-15T17:00:00Z'
  curl --compressed 'localhost:8080/?start=2026-01-15T16:00:00Z&stop=2026-01-15T17:00:00Z'
  curl 'localhost:8080/graph?start=2026-01-15T16:00:00Z&stop=2026-01-15T17:00:00Z&top=20&format=svg' > top.svg
  flowdigest serve --port 9000 --logs s3://my-flow-logs --store s3://my-digests/v1 --jobs 2
  printf %s "$TOKEN" | sha256sum      # the "sha256" of a tokens-file entry
  flowdigest serve --host 0.0.0.0 --tokens /etc/flowdigest/tokens.json --retention 30d
  FLOWDIGEST_AUDIT_WEBHOOK_SECRET=... flowdigest serve --audit-log audit.ndjson \\
    --audit-webhook https://siem.example/flowdigest --audit-events 'digest:*,auth:denied'
  curl -H "Authorization: Bearer $TOKEN" 'host:8080/?start=2026-01-15T16:00:00Z&stop=2026-01-15T17:00:00Z'
  PORT=8080 VPC_FLOW_LOGS_BUCKET=my-flow-logs DIGEST_STORAGE_BUCKET=my-digests \\
    DIGEST_PROGRESS_BUCKET=my-progress DIGEST_PROGRESS_TIMEOUT=100000 \\
    STREAM_APPLIANCE_ENDPOINT=127.0.0.1:8080 flowdigest serve
`;

export const WORK_HELP = `flowdigest work - a cluster worker

Usage:
  flowdigest work --redis URL --store DIR|s3://BUCKET/PREFIX [options]

Takes scan and merge jobs from Redis (BullMQ) until SIGTERM or SIGINT. A scan job
digests its objects on this process's threads and stores the partial in DIR; a merge
job merges its scan jobs' partials. Start any number, on any machines that reach the
inputs (S3, or the same paths on a shared filesystem) and the store. A worker that dies
mid-job is replaced: once its lock expires, another worker re-runs the job.

Options:
${optionList(WORK_OPTIONS, 'options', true)}

S3 options, for s3:// inputs and stores (see flowdigest digest --help):
${optionList(WORK_OPTIONS, 's3')}

Examples:
  flowdigest work --redis redis://10.0.0.5:6379 --store /mnt/shared/flowdigest
  flowdigest digest /mnt/shared/AWSLogs --redis redis://10.0.0.5:6379 \\
      --store /mnt/shared/flowdigest -o digest.log
`;
