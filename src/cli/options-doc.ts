/**
 * docs/options.md, written from the option schemas (`npm run docs:options`). A test compares
 * the committed file with {@link optionsReference}, so an option changed in a schema and not in
 * the docs fails the suite.
 */
import { AUDITOR_OPTIONS } from '../audit/options.js';
import { COLLECT_CLI_OPTIONS } from '../collect/cli.js';
import { COLLECTOR_OPTIONS } from '../collect/options.js';
import { DIGESTER_OPTIONS } from '../engine/options.js';
import { GRAPH_VIEW_OPTIONS } from '../graph/options.js';
import { SERVE_OPTIONS, SERVICE_LIBRARY_OPTIONS } from '../service/settings.js';
import { optionTable } from '../util/option-help.js';
import type { OptionSchema } from '../util/option-schema.js';
import { COMMAND_OPTIONS } from './options.js';

/** createService's numeric options: the settings that set them, by their library names, and the library's own. */
const SERVICE_NUMERIC: OptionSchema = {
  progressTimeout: SERVE_OPTIONS.progressTimeout,
  maxWindow: SERVE_OPTIONS.maxWindow,
  jobs: SERVE_OPTIONS.jobs,
  maxQueued: SERVE_OPTIONS.maxQueued,
  requestTimeout: SERVE_OPTIONS.requestTimeout,
  deliveryLag: SERVE_OPTIONS.deliveryLag,
  retention: SERVE_OPTIONS.retention,
  ...SERVICE_LIBRARY_OPTIONS,
};

const INTRO = `# Options reference

<!-- Written by \`npm run docs:options\` from the option schemas; do not edit by hand.
     test/options-doc.test.ts fails when this file and the schemas differ. -->

Every option of every command, of the collector's CLI and of the libraries is written once, in a
schema next to the code that uses it. The command line's parsing, the environment's reading,
\`--help\`'s option lists, the libraries' validation, the service's query-parameter schemas and
this page all come from those schemas:

| Schema | File | Used by |
|---|---|---|
| \`DIGEST_OPTIONS\`, \`MERGE_OPTIONS\`, \`DOT_OPTIONS\`, \`DIFF_OPTIONS\`, \`WORK_OPTIONS\`, \`S3_OPTIONS\` | src/cli/options.ts | the commands, their \`--help\` |
| \`SERVE_OPTIONS\` | src/service/settings.ts | \`serve\`'s flags and variables, \`createService\`'s checks |
| \`DIGESTER_OPTIONS\` | src/engine/options.ts | \`createDigester\`, \`--workers\`, \`--prefetch\`, \`--prefetch-bytes\`, \`--max-memory\` |
| \`AUDITOR_OPTIONS\` | src/audit/options.ts | \`createAuditor\`, \`--audit-spool-max\`, \`--audit-batch\`, \`--audit-flush\` |
| \`GRAPH_VIEW_OPTIONS\` | src/graph/options.ts | \`applyView\`, \`dot\`'s view flags, \`GET /graph\`'s parameters |
| \`COLLECTOR_OPTIONS\`, \`COLLECT_CLI_OPTIONS\` | src/collect/options.ts, src/collect/cli.ts | \`collector()\` and its CLI |

## Values

- **Integers** are decimal digits within the bounds shown; an integer outside them is refused
  with the bounds in the message (\`--jobs '65' must be an integer from 1 to 64\`).
- **Sizes** are \`64MB\`, \`512KiB\`, \`1.5g\` or plain bytes; units are binary whatever the spelling.
- **Durations** are \`250ms\`, \`90s\`, \`5m\`, \`2h\`, \`7d\`, \`1h30m\`, or plain milliseconds.
- **Lists** are comma-separated, with no empty item.
- **Times** are RFC 3339 with seconds and an offset: \`2026-01-15T16:00:00Z\`.
- **Booleans** on the command line are flags (\`--strict\`; \`--no-progress\` turns one off); in a
  variable, \`true\`/\`1\`/\`yes\` or \`false\`/\`0\`/\`no\`.

For \`serve\`, a flag wins over its \`FLOWDIGEST_*\` variable, which wins over the Go service's
variable; a \`FLOWDIGEST_*\` variable and a Go one that disagree stop the start. \`work\` reads
\`FLOWDIGEST_REDIS\` and \`FLOWDIGEST_STORE\` when the flags are absent.

An option that exists on another command says so: \`flowdigest digest --top 5\` answers
\`unknown option --top for digest; --top is an option of dot\`.

## Errors

An option's error carries its subject as fields, and its message is composed from them:
\`option\` (the flag, variable or library option as the caller spelt it), \`value\` (what was given;
never set for a secret such as \`--endpoint\` or the webhook secret) and \`reason\`. The CLI shows
\`flowdigest: OPTION 'VALUE' REASON\` and exits 2; the service's configuration throws a
\`ConfigError\` with the same fields; the HTTP layer answers 400 naming the query parameter. No
code reads a message's text to find its subject.

## Why a hand-written schema

The schemas are plain objects checked by TypeScript (\`as const satisfies OptionSchema\`), not zod
or TypeBox. What varies between options here is command-line and environment metadata (flags,
short flags, variable aliases, value names, help layout, defaults in words) that neither library
models, and the value grammars (sizes, durations, RFC 3339 times) would be custom code in either.
The parsers are one small module (src/util/parse.ts), the service already speaks JSON Schema
(\`jsonSchemaOf\` writes a parameter's schema for fastify), and the engine's install gains no
runtime dependency.

## Adding an option

One entry in the command's schema, then read the value:

\`\`\`ts
// src/cli/options.ts, in DIGEST_OPTIONS:
fields: { type: 'list', arg: 'F,...', help: 'Write only these fields' },
// src/cli/commands/digest.ts:
if (values.fields !== undefined) run.fields = values.fields; // string[], already checked
\`\`\`

The key is the option's name in code; the flag is the key in kebab-case (\`allowEmpty\` →
\`--allow-empty\`) unless \`flag\` says otherwise. \`type\` picks the parser (\`int\`, \`size\`,
\`duration\` with \`min\`/\`max\`; \`list\`; \`choice\` with \`choices\`; \`time\`; \`string\`; \`boolean\`,
which also accepts \`--no-FLAG\`). \`short\`, \`env\`, \`aliases\`, \`arg\` (the value's name in help),
\`default\` or \`defaultText\`, \`group\` (the help section), \`secret\` (never echoed) and \`doc\` (more
text for this page) are optional. An option that sets a library option spreads the library's
spec (\`workers: DIGESTER_OPTIONS.threads\`), so its bounds and default stay the library's. A new
command adds its schema to \`COMMAND_OPTIONS\`, which makes its flags known to the "option of
another command" message. Then run \`npm run docs:options\` and commit this page.
`;

/** The whole of docs/options.md. */
export function optionsReference(): string {
  const parts = [INTRO];
  for (const [command, schema] of Object.entries(COMMAND_OPTIONS)) {
    parts.push(`## flowdigest ${command}\n\n${optionTable(schema)}\n`);
  }
  parts.push(
    "## The collector's CLI\n\nWhat `collector(streams).cli(argv)` reads (see docs/collect.md).\n\n" +
      `${optionTable(COLLECT_CLI_OPTIONS)}\n`,
  );
  parts.push(
    '## Library options\n\nChecked when the object is built; a wrong one throws `InvalidOptionError` naming it.\n',
  );
  for (const [title, schema, prefix] of [
    ['`createDigester(options)` (flowdigest)', DIGESTER_OPTIONS, 'options'],
    ['`createService(options)` (flowdigest/service)', SERVICE_NUMERIC, 'options'],
    ['`createAuditor(options)` (flowdigest/audit)', AUDITOR_OPTIONS, 'options'],
    ['`collector(streams, options)` (flowdigest/collect)', COLLECTOR_OPTIONS, 'options'],
    ['`applyView(digest, options)` (flowdigest/graph), and `GET /graph`', GRAPH_VIEW_OPTIONS, 'options'],
  ] as const) {
    parts.push(`### ${title}\n\n${optionTable(schema, prefix)}\n`);
  }
  return parts.join('\n');
}
