/** Option lists for `--help` and tables for docs/options.md, written from an option schema. */
import { defaultOf, describeType, flagOf, type OptionSchema, type OptionSpec } from './option-schema.js';

const COLUMN = 27;
const WIDTH = 96;

/** How the flag reads: `-o, --output FILE`, `    --strict`, or the spec's own `usage`. */
export function usageOf(key: string, spec: OptionSpec): string {
  const flag = flagOf(key, spec);
  const long = spec.usage ?? `--${flag}${spec.type === 'boolean' ? '' : ` ${spec.arg ?? 'VALUE'}`}`;
  return spec.short === undefined ? `    ${long}` : `-${spec.short}, ${long}`;
}

function withDefault(line: string, tag: string | undefined): string[] {
  if (tag === undefined) return [line];
  const t = `[default: ${tag}]`;
  if (line.length + 2 + t.length <= WIDTH) return [line + ' '.repeat(WIDTH - line.length - t.length) + t];
  return [line, ' '.repeat(Math.max(2, WIDTH - t.length)) + t];
}

/**
 * The help lines of the options in `group` (all of them when undefined), in schema order.
 * `variables`: list each option's variables after its flag (serve's layout).
 */
export function optionList(schema: OptionSchema, group?: string, variables = false): string {
  const out: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    if (flagOf(key, spec) === undefined) continue;
    if (group !== undefined && (spec.group ?? 'options') !== group) continue;
    const head = `  ${usageOf(key, spec)}`;
    const help = spec.help.split('\n');
    const lines: string[] = [];
    const vars = [spec.env, ...(spec.aliases ?? [])].filter((v) => v !== undefined);
    if (variables && vars.length > 0) {
      lines.push(`${head.padEnd(COLUMN - 1)} ${vars.join(', ')}`);
      for (const h of help) lines.push(`${' '.repeat(COLUMN)}${h}`);
    } else if (head.length <= COLUMN - 1) {
      lines.push(`${head.padEnd(COLUMN)}${help[0]}`);
      for (const h of help.slice(1)) lines.push(`${' '.repeat(COLUMN)}${h}`);
    } else {
      lines.push(head);
      for (const h of help) lines.push(`${' '.repeat(COLUMN)}${h}`);
    }
    const last = lines.pop()!;
    lines.push(...withDefault(last, defaultOf(spec)));
    out.push(...lines);
  }
  return out.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** A Markdown table of a schema: flag, variables, value, default and the help and doc text. */
export function optionTable(schema: OptionSchema, library?: string): string {
  const rows = [
    library === undefined
      ? '| Flag | Variables | Value | Default | Description |'
      : '| Option | Value | Default | Description |',
    library === undefined ? '|---|---|---|---|---|' : '|---|---|---|---|',
  ];
  for (const [key, spec] of Object.entries(schema)) {
    const flag = flagOf(key, spec);
    const value = cell(describeType(spec));
    const dflt = cell(defaultOf(spec) ?? '');
    const text = cell([spec.help, spec.doc].filter((s) => s !== undefined).join(' '));
    if (library !== undefined) rows.push(`| \`${library}.${key}\` | ${value} | ${dflt} | ${text} |`);
    else {
      if (flag === undefined) continue;
      const flags = `${spec.short === undefined ? '' : `\`-${spec.short}\`, `}\`${cell(spec.usage ?? `--${flag}`)}\``;
      const vars = [spec.env, ...(spec.aliases ?? [])]
        .filter((v) => v !== undefined)
        .map((v) => `\`${v}\``)
        .join(', ');
      rows.push(`| ${flags} | ${vars} | ${value} | ${dflt} | ${text} |`);
    }
  }
  return rows.join('\n');
}
