/**
 * A YAML emitter for plain data (objects, arrays, strings, numbers, booleans): enough for the
 * OpenAPI document, with no dependency. Strings that could read as anything else are quoted
 * as JSON strings, which YAML reads the same way; multi-line strings become literal blocks.
 */

const PLAIN = /^[A-Za-z][A-Za-z0-9 _.,;()'/`=|-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_.$-]*$/;

function scalar(v: unknown): string {
  if (typeof v === 'string') {
    return PLAIN.test(v) && !v.endsWith(' ') && !RESERVED.test(v) && !/: | #/.test(v) ? v : JSON.stringify(v);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  throw new TypeError(`cannot write ${typeof v} as YAML`);
}

function key(k: string): string {
  return PLAIN_KEY.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k);
}

function isBlock(v: unknown): boolean {
  return (Array.isArray(v) && v.length > 0) || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0);
}

function emit(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isBlock(item)) {
        const inner: string[] = [];
        emit(item, `${indent}  `, inner);
        // The first line of the item goes on the dash line.
        out.push(`${indent}- ${inner[0].trimStart()}`, ...inner.slice(1));
      } else {
        out.push(`${indent}- ${inline(item, indent)}`);
      }
    }
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
    if (isBlock(item)) {
      out.push(`${indent}${key(k)}:`);
      emit(item, `${indent}  `, out);
    } else {
      out.push(`${indent}${key(k)}: ${inline(item, indent)}`);
    }
  }
}

function inline(v: unknown, indent: string): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  if (typeof v === 'string' && v.includes('\n') && !/[ \t]\n|[ \t]$|^\s/.test(v)) {
    return `|-\n${v.split('\n').map((l) => `${indent}  ${l}`).join('\n')}`;
  }
  return scalar(v);
}

/** `value` as a YAML document. */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  emit(value, '', out);
  return `${out.join('\n')}\n`;
}
