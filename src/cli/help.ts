/** --help texts: what each command does, its options with defaults, and examples. */

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

INPUT is a file, a directory (walked for *.log.gz, *.log and *.gz), an S3 URL
s3://BUCKET[/PREFIX], or - for stdin (the default when no INPUT is given and
stdin is not a terminal). gzip is detected by its magic bytes. Each object may
start with a header line naming its fields (custom formats, versions 2-8, in any
order); without one, the default version 2 order holds. A first line of lowercase
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
  -o, --output FILE        Write here instead of stdout (atomically; gzip if FILE ends in .gz);
                           s3://BUCKET/KEY uploads, leaving no object if the run fails
  -f, --format FMT         text (a v2 flow-log file), ndjson (rows with record counts,
                           then a stats line) or partial (compact binary with the stats,
                           for flowdigest merge); dot, svg or html draw the digest as a
                           graph (see flowdigest dot --help)           [default: text]
  -w, --workers N          Worker threads                  [default: available cores]
      --start TIME         Keep records whose end >= TIME (RFC 3339, with seconds
                           and an offset: 2026-01-15T16:00:00Z)
      --end TIME           Keep records whose end <  TIME (RFC 3339)
      --account A,B        Keep these account IDs (by AWS key path, else by record)
      --region R,S         Keep these regions (by AWS key path, else by record)
      --cidr CIDR,...      Keep rows with an endpoint in one of these ranges
      --port P,...         Keep rows whose source or destination port is one of these
                           (ports after the ephemeral rule, as the rows show them)
      --action A           Keep ACCEPT or REJECT rows
                           (these three filter the finished rows, as dot does)
      --strict             Fail on the first malformed record
      --skip-bad-objects   Skip and list corrupt or unreadable objects instead of failing
      --prefetch N         Objects read ahead at once                  [default: 8]
      --prefetch-bytes SZ  Stored bytes held in flight, e.g. 64MB      [default: 32MB]
      --max-memory SZ      Memory the digest's tables may take, e.g. 2GB; a digest that
                           needs more fails, naming this limit (nothing spills to disk).
                           About 180 bytes a row (each row is held once).
                                       [default: half the machine's memory, at most 16GB]
      --[no-]progress      Progress line on stderr          [default: when a terminal]
  -q, --quiet              No summary on stderr
  -h, --help               This help

Cluster options (the run is planned here and done by flowdigest work processes):
      --redis URL          redis://host:port[/db] that the workers consume
      --store DIR|s3://B/P Where partials go: a directory every worker shares (NFS, ...)
                           or an S3 prefix
      --job-bytes SZ       Stored bytes per scan job                   [default: 256MB]
      --merge-jobs N       Ranges, each merged by its own job (splitters from a sample)
                                       [default: one per 4 scan jobs, at most 32]

S3 options (also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION, AWS_MAX_ATTEMPTS):
      --endpoint URL       S3-compatible endpoint, e.g. http://localhost:9000
                           [default: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else AWS]
      --path-style         Address buckets as URL/BUCKET/KEY (MinIO, s3rver, ...)
      --s3-region R        Region to sign for     [default: AWS_REGION or profile, else us-east-1]
  With an endpoint override, request checksums are sent and response checksums are
  checked only when required, unless AWS_REQUEST_CHECKSUM_CALCULATION or
  AWS_RESPONSE_CHECKSUM_VALIDATION say otherwise. Requests are tried up to 5 times.

Exit status: 0 on success; 1 when the run fails (a corrupt object, a malformed
record with --strict, or a digest larger than --max-memory); 2 on a usage error.

Environment:
  AWS_REGION, AWS_PROFILE, ...  the AWS SDK's default credential and region chain (S3)
  AWS_ENDPOINT_URL_S3           an S3-compatible endpoint (as --endpoint)
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
  -o, --output FILE   Write here instead of stdout (atomically; gzip if FILE ends in .gz);
                      s3://BUCKET/KEY uploads, leaving no object if the run fails
  -f, --format FMT    text, ndjson or partial (binary, for later merges) [default: text]
      --strict        Fail on the first malformed row instead of skipping it
  -q, --quiet         No summary on stderr
  -h, --help          This help
      --endpoint URL  S3-compatible endpoint for an s3:// output (see digest --help)
      --path-style    Address buckets as URL/BUCKET/KEY
      --s3-region R   Region to sign for

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
  -o, --output FILE        Write here instead of stdout (atomically; gzip if FILE ends in .gz)
  -f, --format FMT         dot; svg rendered in-process (no Graphviz install needed);
                           or html, the interactive page
                                 [default: svg or html if FILE ends in .svg or .html, else dot]
      --top N              Keep the N edges with the most bytes, and beside them the
                           N REJECT edges with the most records (probes that a cut by
                           bytes drops); the summary says how many of each
      --top-rejected M     With --top: keep M REJECT edges instead (0: none)
      --cidr CIDR,...      Keep edges with an endpoint in one of these ranges
      --account A,...      Keep edges of these accounts
      --eni ENI,...        Keep edges of these interfaces
      --port P,...         Keep edges whose source or destination port is one of these
      --action A           Keep ACCEPT or REJECT edges
      --collapse-external  Fold addresses outside 10/8, 172.16/12, 192.168/16, fc00::/7
                           (and --internal) into one node, internet
      --internal CIDR,...  More ranges to treat as internal
      --collapse CIDR,...  Fold each range's addresses into one node named after it
                           (the longest matching range wins)
      Edges that collapsing makes identical merge: packets and bytes add up.
      --cluster BY         Box internal nodes by account (addresses seen in exactly
                           one account) or subnet
      --subnet-prefix N    IPv4 prefix length of a subnet cluster (IPv6: /64)  [default: 24]
      --no-penwidth        Do not scale edge width with bytes
      --labels STYLE       human, go (go-vpcflow's govpc_* lines) or none (no edge
                           labels)                                   [default: human]
      --no-legend          No legend cluster            [default: legend, except --labels go]
      --strict             Fail on the first malformed record of a raw flow log
  -q, --quiet              No summary on stderr
  -h, --help               This help

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

Internal addresses are RFC 1918, 100.64.0.0/10, loopback, link-local, fc00::/7
and fe80::/10, plus --internal. A row's service port is the one the ephemeral
rule kept (the lower port of the original record): a service on a high port
talking to a client on a lower one is listed under the client's port.

Options:
  -o, --output FILE        Write here instead of stdout (atomically; gzip if FILE ends in .gz)
  -f, --format FMT         text (tables within 100 columns), json (the documented
                           interface) or html (the tables, then the graph)
                           [default: json or html if FILE ends so, else text]
      --baseline INPUT     The earlier period (repeat for several); adds 'new'
      --top N              Entries per list                               [default: 10]
      --graph-top N        Edges of the HTML graph by bytes, plus as many REJECT
                           edges by records; at most 2500                 [default: 60]
      --internal CIDR,...  More ranges to treat as internal
      --cidr CIDR,...      Keep rows with an endpoint in one of these ranges
      --port P,...         Keep rows whose source or destination port is one of these
      --action A           Keep ACCEPT or REJECT rows
  Selection of flow-log inputs (as digest; not applied to NDJSON digests):
      --start TIME, --end TIME, --account ID,..., --region R,...
      --strict             Fail on the first malformed record
      --skip-bad-objects   Skip unreadable objects (counted) instead of failing
  -w, --workers N          Scan threads for flow-log inputs   [default: CPU count]
      --max-memory SIZE    Memory limit of the digest tables
  -q, --quiet              No summary on stderr
  -h, --help               This help

Examples:
  flowdigest report digest.ndjson
  flowdigest report ./AWSLogs --start 2026-01-15T16:00:00Z --end 2026-01-15T17:00:00Z -f json
  flowdigest report today.ndjson --baseline yesterday.ndjson -o report.html
  flowdigest report digest.ndjson --action REJECT --top 25
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
  -o, --output FILE   Write here instead of stdout (atomically; gzip if FILE ends in .gz)
  -f, --format FMT    dot, svg, html, text or ndjson
                                 [default: svg or html if FILE ends in .svg or .html, else dot]
      --changed       Also list edges in both whose packets, bytes, start or end differ
      --labels STYLE  human, go or none, as for flowdigest dot      [default: human]
      --no-legend     No legend cluster
      --strict        Fail on the first malformed record of a raw flow log
  -q, --quiet         No summary on stderr
  -h, --help          This help

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

Every option has an environment variable; flags win over variables, and the
FLOWDIGEST_* variables over the Go service's. A FLOWDIGEST_* variable and a Go
one that disagree, a region for a location that is not in S3, or a misspelt
FLOWDIGEST_* variable stop the start with a message naming it.

Options (flag, variable, Go service's variable):
  --port N                 PORT, FLOWDIGEST_PORT                            [default: 8080]
                           Port to listen on (0: any free port)
  --host ADDR              FLOWDIGEST_HOST                              [default: 127.0.0.1]
                           Address to listen on (0.0.0.0: every interface)
  --logs DIR|s3://B[/P]    FLOWDIGEST_LOGS, VPC_FLOW_LOGS_BUCKET (a bucket name)
                           Flow logs: a directory in the AWS layout, or S3  [default: the sample]
  --logs-region R          FLOWDIGEST_LOGS_REGION, VPC_FLOW_LOGS_BUCKET_REGION
  --store DIR|s3://B[/P]   FLOWDIGEST_STORE, DIGEST_STORAGE_BUCKET (a bucket name)
                           Where digests are stored                   [default: ./.flowdigest]
  --store-region R         FLOWDIGEST_STORE_REGION, DIGEST_STORAGE_BUCKET_REGION
  --markers DIR|s3://B[/P] FLOWDIGEST_MARKERS, DIGEST_PROGRESS_BUCKET (a bucket name)
                           Where in-progress markers are kept          [default: STORE/markers]
  --markers-region R       FLOWDIGEST_MARKERS_REGION, DIGEST_PROGRESS_BUCKET_REGION
  --progress-timeout DUR   FLOWDIGEST_PROGRESS_TIMEOUT, DIGEST_PROGRESS_TIMEOUT       [default: 2m]
                           A marker not refreshed for this long means its worker died; running
                           jobs refresh theirs every third of it (plain numbers are ms)
  --queue Q                FLOWDIGEST_QUEUE, STREAM_APPLIANCE_ENDPOINT            [default: memory]
                           memory (in-process), self (POST to this service's own worker
                           route), or an event bus: http(s)://HOST[:PORT][/PATH] or HOST:PORT
  --redis URL              FLOWDIGEST_REDIS                                         [default: none]
                           Redis shared by every service process on it: markers are claimed
                           atomically (one job per window across processes) and window jobs
                           go to BullMQ, where each process runs its share. Not with --queue
  --topic NAME             FLOWDIGEST_TOPIC, STREAM_APPLIANCE_TOPIC         [default: digest-queue]
                           The HTTP queue POSTs jobs to QUEUE/NAME/digest
  --accounts A,B           FLOWDIGEST_ACCOUNTS, VPC_FLOW_LOGS_SCAN_ACCOUNTS        [default: all]
  --regions R,S            FLOWDIGEST_REGIONS, VPC_FLOW_LOGS_SCAN_REGIONS          [default: all]
  --prefetch N             FLOWDIGEST_PREFETCH, VPC_MAX_CONCURRENT_PREFETCH           [default: 8]
  --prefetch-bytes SIZE    FLOWDIGEST_PREFETCH_BYTES, VPC_MAX_BYTES_PREFETCH       [default: 32MB]
  --workers N              FLOWDIGEST_WORKERS         Threads of the one pool all jobs share
                                                                     [default: available cores]
  --jobs N                 FLOWDIGEST_JOBS            Jobs digesting at once          [default: 1]
  --max-queued N           FLOWDIGEST_MAX_QUEUED      Jobs waiting; more get 503 with
                                                      Retry-After                    [default: 16]
  --max-window DUR         FLOWDIGEST_MAX_WINDOW      Longest window                  [default: 7d]
  --request-timeout DUR    FLOWDIGEST_REQUEST_TIMEOUT Time to receive a request (then 408);
                                                      idle sockets close after twice it
                                                                                     [default: 30s]
  --grace DUR              FLOWDIGEST_GRACE           How long running jobs may finish on
                                                      SIGTERM/SIGINT                 [default: 30s]
  --skip-bad-objects       FLOWDIGEST_SKIP_BAD_OBJECTS  Skip unreadable objects (listed in the
                                                      stats) instead of failing the job
  --log-level L            FLOWDIGEST_LOG_LEVEL       debug, info, warn, error, silent [default: info]
  --endpoint URL           FLOWDIGEST_ENDPOINT        S3-compatible endpoint (AWS_ENDPOINT_URL_S3
                                                      works too)
  --path-style             FLOWDIGEST_PATH_STYLE      Address buckets as URL/BUCKET/KEY
  --tokens FILE            FLOWDIGEST_TOKENS_FILE     Bearer tokens with scopes, a JSON array:
                           [{"name": "ci", "sha256": "<sha256sum of the token>",
                             "scopes": ["read", "write", "worker", "metrics"]}]
                           ("token": "..." instead of sha256 works, with a warning)
  --insecure-no-auth       FLOWDIGEST_INSECURE_NO_AUTH  Listen beyond loopback without tokens
  --retention DUR          FLOWDIGEST_RETENTION       Delete digests this long after they were
                                                      stored (at start-up, then periodically)
                                                                                   [default: keep]
  --delivery-lag DUR       FLOWDIGEST_DELIVERY_LAG    How long after its stop a window's logs
                                                      may still arrive              [default: 10m]

Audit trail (Flipt's event shape; on when a sink is given). Each event is fsynced to the
spool before the request that caused it is answered, then delivered to every sink at least
once (receivers drop repeats by id); a SIGKILL loses none. A full spool answers 503 to writes.
  --audit-events LIST      FLOWDIGEST_AUDIT_EVENTS    noun:verb pairs, * wildcards [default: *:*]
                           digest:requested|created|failed|read, graph:read, diff:read,
                           report:read, auth:denied
  --audit-log FILE|-       FLOWDIGEST_AUDIT_LOG       JSON lines to a file (- for stdout)
  --audit-webhook URL      FLOWDIGEST_AUDIT_WEBHOOK   POST JSON arrays, signed with
                           X-Flowdigest-Signature: sha256=<HMAC-SHA256 of the body>; retried
                           on network errors, 5xx and 429; other 4xx go to a dead-letter file
  --audit-webhook-secret S FLOWDIGEST_AUDIT_WEBHOOK_SECRET  The signing secret (prefer the
                           variable: a flag shows in ps)
  --audit-webhook-max-retry DUR  FLOWDIGEST_AUDIT_WEBHOOK_MAX_RETRY
                           How long one batch is retried in place          [default: 60s]
  --audit-store DIR|s3://B[/P]   FLOWDIGEST_AUDIT_STORE  NDJSON objects, all or nothing
  --audit-spool DIR        FLOWDIGEST_AUDIT_SPOOL     The spool (required with an S3 store)
                                                             [default: STORE/audit-spool]
  --audit-spool-max SIZE   FLOWDIGEST_AUDIT_SPOOL_MAX  Undelivered events held   [default: 64MB]
  --audit-batch N          FLOWDIGEST_AUDIT_BATCH     Events per batch at most       [default: 100]
  --audit-flush DUR        FLOWDIGEST_AUDIT_FLUSH     Send a smaller batch after       [default: 1s]

  -h, --help               This help

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
      --redis URL          redis://[user:password@]host[:port][/db] (or FLOWDIGEST_REDIS)
      --store DIR|s3://B/P Partials: a shared directory or an S3 prefix, the planner's too
                           (or FLOWDIGEST_STORE)
  -c, --concurrency N      Jobs at once; each uses all the worker threads   [default: 1]
  -w, --workers N          Worker threads                  [default: available cores]
      --lock-ms MS         A job's lock; a dead worker's job re-runs after about this
                                                                   [default: 30000]
      --grace-ms MS        On SIGTERM, time for running jobs to finish before they go
                           back to the queue                       [default: 30000]
      --expire-hours H     Remove the partials of runs abandoned by their planner
                           (nothing written for H hours)                  [default: 24]
  -q, --quiet              No job log on stderr
  -h, --help               This help
      --endpoint URL, --path-style, --s3-region R   for s3:// inputs (see digest --help)

Examples:
  flowdigest work --redis redis://10.0.0.5:6379 --store /mnt/shared/flowdigest
  flowdigest digest /mnt/shared/AWSLogs --redis redis://10.0.0.5:6379 \\
      --store /mnt/shared/flowdigest -o digest.log
`;
