import { FormatError } from '../errors.js';
import { KNOWN_FIELDS, ROLE_BY_FIELD, ROLE_COUNT, Role, V2_FIELDS } from './fields.js';
import { nearest } from '../util/suggest.js';

/** How one object's columns map to roles: from its header line, or the default v2 order. */
export interface Layout {
  /** Field names in column order. */
  readonly fields: readonly string[];
  /** Role of each column (see {@link Role}). */
  readonly roles: Int8Array;
  /** Column index of each role, or -1 where the format lacks it. */
  readonly columnOf: Int16Array;
}

const HEADER_TOKEN = /^[a-z][a-z0-9-]*$/;

/** Build a layout from field names (checked by {@link parseHeader} when they come from a header). Later duplicates are ignored. */
export function layoutFromFields(fields: readonly string[]): Layout {
  const roles = new Int8Array(fields.length);
  const columnOf = new Int16Array(ROLE_COUNT).fill(-1);
  fields.forEach((name, col) => {
    const role = ROLE_BY_FIELD[name];
    if (role !== undefined && columnOf[role] === -1) {
      roles[col] = role;
      columnOf[role] = col;
    }
  });
  return { fields: [...fields], roles, columnOf };
}

/** The layout of header-less input: the version 2 default order. */
export const DEFAULT_LAYOUT: Layout = layoutFromFields(V2_FIELDS);

/** Fields a header must name: a conversation needs its two ends to form a key. */
export const HEADER_REQUIRED_FIELDS = ['srcaddr', 'dstaddr'] as const;

/**
 * If `line` looks like a header (every token a lowercase field-like name), its layout; else null.
 * Data lines never qualify: their first token is a version number, an address or an ID with
 * digits and dots. A line that looks like a header but names an unknown field, names one twice,
 * or lacks {@link HEADER_REQUIRED_FIELDS} throws a {@link FormatError} naming `key`: read with
 * the wrong layout, every record would be malformed or, worse, digested into wrong rows.
 */
export function parseHeader(line: string, key = 'input', lineNo = 1): Layout | null {
  const tokens = headerTokens(line);
  if (tokens === null) return null;
  const problem = headerProblem(tokens);
  if (problem !== null)
    throw new FormatError(`${key}:${lineNo}: looks like a header but ${problem.reason}`, {
      key,
      line: lineNo,
      field: problem.field,
    });
  return layoutFromFields(tokens);
}

/** The tokens of a line that looks like a header (every one a lowercase field-like name), else null. */
export function headerTokens(line: string): string[] | null {
  const tokens = line.split(' ');
  return tokens.every((t) => HEADER_TOKEN.test(t)) ? tokens : null;
}

/** What is wrong with a header's field names, or null when it is a valid header. */
export function headerProblem(tokens: readonly string[]): { reason: string; field: string } | null {
  const seen = new Set<string>();
  for (const t of tokens) {
    if (!KNOWN_FIELDS.has(t)) return { reason: `names the unknown field '${clip(t)}'${nearField(t)}`, field: t };
    if (seen.has(t)) return { reason: `names the field '${t}' twice`, field: t };
    seen.add(t);
  }
  const missing = HEADER_REQUIRED_FIELDS.filter((f) => !seen.has(f));
  if (missing.length > 0)
    return {
      reason: `lacks ${missing.map((f) => `'${f}'`).join(' and ')}, needed to form a digest key`,
      field: missing[0],
    };
  return null;
}

const FIELD_NAMES = [...KNOWN_FIELDS];

function nearField(name: string): string {
  const near = nearest(name, FIELD_NAMES);
  return near !== undefined && near.distance <= 2 ? ` (did you mean '${near.best}'?)` : '';
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** True when the layout has the role's column. */
export function hasRole(layout: Layout, role: number): boolean {
  return layout.columnOf[role] !== -1;
}

export { Role };
