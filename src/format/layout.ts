import { ROLE_BY_FIELD, ROLE_COUNT, Role, V2_FIELDS } from './fields.js';

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

/** Build a layout from field names. Later duplicates of a name are ignored. */
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

/**
 * If `line` is a header (every token a lowercase field-like name), its layout; else null.
 * Data lines never qualify: their first token is a version number.
 */
export function parseHeader(line: string): Layout | null {
  const tokens = line.split(' ');
  if (tokens.length === 0 || !tokens.every((t) => HEADER_TOKEN.test(t))) return null;
  return layoutFromFields(tokens);
}

/** True when the layout has the role's column. */
export function hasRole(layout: Layout, role: number): boolean {
  return layout.columnOf[role] !== -1;
}

export { Role };
