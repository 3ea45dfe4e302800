/**
 * Every command's options, written once: parsing (cli/parse.ts), the option lists of `--help`
 * (cli/help.ts) and docs/options.md (`npm run docs:options`) come from here.
 *
 * Adding an option is one entry in its command's schema below (and reading
 * `values.<key>` in the command); see docs/options.md, "Adding an option".
 */
import { DIGEST_FORMATS } from '../digest/write.js';
import { DIGESTER_OPTIONS } from '../engine/options.js';
import { GRAPH_VIEW_OPTIONS } from '../graph/options.js';
import { SERVE_OPTIONS } from '../service/settings.js';
import type { OptionSchema } from '../util/option-schema.js';

const GRAPH_FORMATS = ['dot', 'svg', 'html'] as const;
const DIFF_FORMATS = ['dot', 'svg', 'html', 'text', 'ndjson'] as const;
const LABEL_STYLES = ['human', 'go', 'none'] as const;

const OUTPUT_HELP = 'Write here instead of stdout (atomically; gzip if FILE ends in .gz)';
const output = (s3: boolean) =>
  ({
    type: 'string',
    short: 'o',
    arg: 'FILE',
    help: s3 ? `${OUTPUT_HELP};\ns3://BUCKET/KEY uploads, leaving no object if the run fails` : OUTPUT_HELP,
  }) as const;
const quiet = { type: 'boolean', short: 'q', help: 'No summary on stderr' } as const;
// Shown as its negation: the default is a durable -o file (fsync, rename, fsync the directory).
const fsync = {
  type: 'boolean',
  usage: '--no-fsync',
  help: 'Scratch output: skip the fsync of FILE and its directory (still\natomic, but a power cut can leave FILE empty or missing)',
  defaultText: 'fsync',
} as const;
const help = { type: 'boolean', short: 'h', help: 'This help' } as const;

/** `--endpoint`, `--path-style`, `--s3-region`, `--profile`: how s3:// inputs and outputs reach S3. */
export const S3_OPTIONS = {
  endpoint: {
    type: 'string',
    arg: 'URL',
    group: 's3',
    secret: true,
    help: 'S3-compatible endpoint, e.g. http://localhost:9000',
    defaultText: 'AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else AWS',
  },
  pathStyle: { type: 'boolean', group: 's3', help: 'Address buckets as URL/BUCKET/KEY (MinIO, s3rver, ...)' },
  s3Region: {
    type: 'string',
    arg: 'R',
    group: 's3',
    help: 'Region to sign for',
    defaultText: 'AWS_REGION or profile, else us-east-1',
  },
  profile: {
    type: 'string',
    arg: 'NAME',
    group: 's3',
    help: "Credentials and region of this profile of ~/.aws (the SDK's chain\nfor it: keys, SSO, role_arn, credential_process); never logged",
    defaultText: 'AWS_PROFILE, else default',
  },
} as const satisfies OptionSchema;

const { threads, prefetchConcurrency, prefetchBytes, maxMemory } = DIGESTER_OPTIONS;

/** `flowdigest digest`. */
export const DIGEST_OPTIONS = {
  output: output(true),
  format: {
    type: 'choice',
    choices: [...DIGEST_FORMATS, ...GRAPH_FORMATS],
    short: 'f',
    arg: 'FMT',
    help: 'text (a v2 flow-log file), ndjson (rows with record counts,\nthen a stats line) or partial (compact binary with the stats,\nfor flowdigest merge); dot, svg or html draw the digest as a\ngraph (see flowdigest dot --help)',
    default: 'text',
  },
  fsync,
  workers: threads,
  start: {
    type: 'time',
    arg: 'TIME',
    help: 'Keep records whose end >= TIME (RFC 3339, with seconds\nand an offset: 2026-01-15T16:00:00Z)',
  },
  end: { type: 'time', arg: 'TIME', help: 'Keep records whose end <  TIME (RFC 3339)' },
  account: { type: 'list', arg: 'A,B', help: 'Keep these account IDs (by AWS key path, else by record)' },
  region: { type: 'list', arg: 'R,S', help: 'Keep these regions (by AWS key path, else by record)' },
  fields: {
    type: 'string',
    arg: 'LIST',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: AWS's LogFormat syntax, shown as typed.
    help: "Format of objects without a header line (CloudWatch Logs,\nFirehose): a preset (v2 v3 v4 v5 v7 v8 tgw), names split by\nspaces or commas, or the flow log's LogFormat string pasted\nas is ('${version} ${account-id} ...'); a header still wins",
    defaultText: 'FLOWDIGEST_FIELDS, else v2',
  },
  key: {
    type: 'string',
    arg: 'LIST',
    help: "Conversation key: fields replacing the default, or +LIST to add\n(+pkt-srcaddr,flow-direction); the text digest's header names\nthem, then packets bytes start end log-status",
    defaultText: "v2's; a Transit Gateway format's own",
  },
  allowEmpty: { type: 'boolean', help: 'Exit 0 when nothing was digested (an empty window)' },
  cidr: GRAPH_VIEW_OPTIONS.cidrs,
  port: GRAPH_VIEW_OPTIONS.ports,
  // A list here (ACCEPT,REJECT, any case); one choice as a query parameter.
  action: { ...GRAPH_VIEW_OPTIONS.actions, type: 'list' },
  strict: { type: 'boolean', help: 'Fail on the first malformed record' },
  skipBadObjects: { type: 'boolean', help: 'Skip and list corrupt or unreadable objects instead of failing' },
  prefetch: prefetchConcurrency,
  prefetchBytes,
  maxMemory,
  progress: {
    type: 'boolean',
    usage: '--[no-]progress',
    help: 'Progress line on stderr',
    defaultText: 'when a terminal',
  },
  quiet,
  help,
  redis: {
    type: 'string',
    arg: 'URL',
    group: 'cluster',
    help: 'redis://host:port[/db] that the workers consume; a lost\nconnection is retried for 30 s, then the run fails (exit 1)',
  },
  store: {
    type: 'string',
    arg: 'DIR|s3://B/P',
    group: 'cluster',
    help: 'Where partials go: a directory every worker shares (NFS, ...)\nor an S3 prefix',
  },
  jobBytes: {
    type: 'size',
    arg: 'SZ',
    group: 'cluster',
    help: 'Stored bytes per scan job',
    default: 256 * 1024 * 1024,
  },
  mergeJobs: {
    type: 'int',
    min: 1,
    max: 1024,
    arg: 'N',
    group: 'cluster',
    help: 'Ranges, each merged by its own job (splitters from a sample)',
    defaultText: 'one per 4 scan jobs, at most 32',
  },
  ...S3_OPTIONS,
} as const satisfies OptionSchema;

/** `flowdigest merge`. */
export const MERGE_OPTIONS = {
  output: output(true),
  format: {
    type: 'choice',
    choices: DIGEST_FORMATS,
    short: 'f',
    arg: 'FMT',
    help: 'text, ndjson or partial (binary, for later merges)',
    default: 'text',
  },
  strict: { type: 'boolean', help: 'Fail on the first malformed row instead of skipping it' },
  fsync,
  quiet,
  help,
  ...S3_OPTIONS,
} as const satisfies OptionSchema;

const labels = {
  type: 'choice',
  choices: LABEL_STYLES,
  arg: 'STYLE',
  help: "human, go (go-vpcflow's govpc_* lines) or none (no edge\nlabels)",
  default: 'human',
} as const;
const graphFormatDefault = 'svg or html if FILE ends in .svg or .html, else dot';

/** `flowdigest dot`. */
export const DOT_OPTIONS = {
  output: output(false),
  format: {
    type: 'choice',
    choices: GRAPH_FORMATS,
    short: 'f',
    arg: 'FMT',
    help: 'dot; svg rendered in-process (no Graphviz install needed);\nor html, the interactive page',
    defaultText: graphFormatDefault,
  },
  top: GRAPH_VIEW_OPTIONS.top,
  topRejected: GRAPH_VIEW_OPTIONS.topRejected,
  cidr: GRAPH_VIEW_OPTIONS.cidrs,
  account: GRAPH_VIEW_OPTIONS.accounts,
  eni: GRAPH_VIEW_OPTIONS.enis,
  port: GRAPH_VIEW_OPTIONS.ports,
  // A list here (ACCEPT,REJECT, any case); one choice as a query parameter.
  action: { ...GRAPH_VIEW_OPTIONS.actions, type: 'list' },
  collapseExternal: GRAPH_VIEW_OPTIONS.collapseExternal,
  internal: GRAPH_VIEW_OPTIONS.internal,
  collapse: GRAPH_VIEW_OPTIONS.collapse,
  cluster: GRAPH_VIEW_OPTIONS.cluster,
  subnetPrefix: GRAPH_VIEW_OPTIONS.subnetPrefix,
  // Shown as its negation: the default is on.
  penwidth: {
    ...GRAPH_VIEW_OPTIONS.penwidth,
    usage: '--no-penwidth',
    help: 'Do not scale edge width with bytes',
    default: undefined,
  },
  labels,
  legend: {
    type: 'boolean',
    usage: '--no-legend',
    help: 'No legend cluster',
    defaultText: 'legend, except --labels go',
  },
  strict: { type: 'boolean', help: 'Fail on the first malformed record of a raw flow log' },
  quiet,
  help,
} as const satisfies OptionSchema;

/** `flowdigest diff`. */
export const DIFF_OPTIONS = {
  output: output(false),
  format: {
    type: 'choice',
    choices: DIFF_FORMATS,
    short: 'f',
    arg: 'FMT',
    help: 'dot, svg, html, text or ndjson',
    defaultText: graphFormatDefault,
  },
  changed: { type: 'boolean', help: 'Also list edges in both whose packets, bytes, start or end differ' },
  labels: { ...labels, help: 'human, go or none, as for flowdigest dot' },
  legend: { type: 'boolean', usage: '--no-legend', help: 'No legend cluster' },
  strict: DOT_OPTIONS.strict,
  quiet,
  help,
} as const satisfies OptionSchema;

/** `flowdigest work`. */
export const WORK_OPTIONS = {
  redis: {
    type: 'string',
    arg: 'URL',
    env: 'FLOWDIGEST_REDIS',
    help: 'redis://[user:password@]host[:port][/db]',
  },
  store: {
    type: 'string',
    arg: 'DIR|s3://B/P',
    env: 'FLOWDIGEST_STORE',
    help: "Partials: a shared directory or an S3 prefix, the planner's too",
  },
  concurrency: {
    type: 'int',
    min: 1,
    max: 64,
    short: 'c',
    arg: 'N',
    help: 'Jobs at once; each uses all the worker threads',
    default: 1,
  },
  workers: threads,
  lockMs: {
    type: 'int',
    min: 1000,
    arg: 'MS',
    help: "A job's lock; a dead worker's job re-runs after about this",
    default: 30_000,
  },
  graceMs: {
    type: 'int',
    min: 1,
    arg: 'MS',
    help: 'On SIGTERM, time for running jobs to finish before they go\nback to the queue',
    default: 30_000,
  },
  expireHours: {
    type: 'int',
    min: 1,
    max: 24 * 365,
    arg: 'H',
    help: 'Remove the partials of runs abandoned by their planner\n(nothing written for H hours)',
    default: 24,
  },
  quiet: { ...quiet, help: 'No job log on stderr' },
  help,
  ...S3_OPTIONS,
} as const satisfies OptionSchema;

/** `flowdigest report`. */
export const REPORT_OPTIONS = {
  output: output(true),
  format: {
    type: 'choice',
    choices: ['text', 'json', 'html'],
    short: 'f',
    arg: 'FMT',
    help: 'text (tables within 100 columns), json (the documented\ninterface) or html (the tables, then the graph)',
    defaultText: 'json or html if FILE ends so, else text',
  },
  baseline: {
    type: 'list',
    multiple: true,
    arg: 'INPUT',
    help: "The earlier period (repeat for several); adds 'new'",
  },
  top: { type: 'int', min: 1, max: 1_000_000, arg: 'N', help: 'Entries per list', default: 10 },
  graphTop: {
    type: 'int',
    min: 1,
    max: 2500,
    arg: 'N',
    help: 'Edges of the HTML graph by bytes, plus as many REJECT\nedges by records (2 x 2500 is the graph limit)',
    default: 60,
  },
  internal: GRAPH_VIEW_OPTIONS.internal,
  cidr: { ...GRAPH_VIEW_OPTIONS.cidrs, help: 'Keep rows with an endpoint in one of these ranges' },
  port: { ...GRAPH_VIEW_OPTIONS.ports, help: 'Keep rows whose source or destination port is one of these' },
  action: { ...GRAPH_VIEW_OPTIONS.actions, type: 'list', help: 'Keep ACCEPT or REJECT rows' },
  start: { ...DIGEST_OPTIONS.start, group: 'selection' },
  end: { ...DIGEST_OPTIONS.end, group: 'selection' },
  account: { ...DIGEST_OPTIONS.account, group: 'selection' },
  region: { ...DIGEST_OPTIONS.region, group: 'selection' },
  fields: { ...DIGEST_OPTIONS.fields, group: 'selection' },
  key: {
    ...DIGEST_OPTIONS.key,
    group: 'selection',
    help: 'Conversation key of flow-log inputs, as digest --key;\n+flow-direction,pkt-src-aws-service,pkt-dst-aws-service\nadds the traffic section',
  },
  strict: { ...DIGEST_OPTIONS.strict, group: 'selection' },
  skipBadObjects: { ...DIGEST_OPTIONS.skipBadObjects, group: 'selection' },
  workers: { ...threads, group: 'selection' },
  maxMemory: { ...maxMemory, group: 'selection' },
  quiet,
  help,
  ...S3_OPTIONS,
} as const satisfies OptionSchema;

/** Every command's schema, by command name: for parsing, help, docs and "an option of another command". */
export const COMMAND_OPTIONS: Readonly<Record<string, OptionSchema>> = {
  digest: DIGEST_OPTIONS,
  merge: MERGE_OPTIONS,
  dot: DOT_OPTIONS,
  diff: DIFF_OPTIONS,
  report: REPORT_OPTIONS,
  serve: SERVE_OPTIONS,
  work: WORK_OPTIONS,
};
