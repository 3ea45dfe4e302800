/**
 * DOT escaping, in two steps so the streaming writer and the graphlib-dot path agree byte for byte:
 *
 * 1. {@link escapeContent}: a raw string (an address, an account) becomes DOT string content by
 *    doubling backslashes. Graphviz's lexer keeps `\\` as is and only turns `\"` into `"`, so an
 *    undoubled trailing backslash would swallow the closing quote (graphlib-dot's bug).
 * 2. {@link dotId}: content becomes an ID token: bare when it is an ASCII name and not a DOT
 *    keyword, otherwise quoted with `"` escaped.
 */

/** graphlib-dot's test for IDs it writes without quotes (letters, `_`, digits, U+0080-U+00FF). */
export const GRAPHLIB_BARE_ID = /^[a-zA-Z\u0080-\u00ff_][a-zA-Z\u0080-\u00ff_0-9]*$/;

/**
 * IDs we leave bare: ASCII only. Graphviz takes bare UTF-8 too, but graphlib-dot's own reader
 * rejects the bare `é` its writer prints.
 */
export const BARE_ID = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

/** Whether `content` can be written without quotes. */
export function isBare(content: string): boolean {
  return BARE_ID.test(content) && !isKeyword(content);
}

/** DOT keywords (case-insensitive): as IDs they must be quoted. */
export const DOT_KEYWORDS: ReadonlySet<string> = new Set(['node', 'edge', 'graph', 'digraph', 'subgraph', 'strict']);

/** Whether `s` is a DOT keyword in any letter case. */
export function isKeyword(s: string): boolean {
  return s.length <= 8 && DOT_KEYWORDS.has(s.toLowerCase());
}

/** Raw text as DOT string content: backslashes doubled; newlines and returns escaped so every statement stays on one line. */
export function escapeContent(raw: string): string {
  return /[\\\n\r]/.test(raw) ? raw.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : raw;
}

/** DOT content (see {@link escapeContent}) as an ID token; an {@link htmlLabel} as `<...>`. */
export function dotId(content: string): string {
  if (content.charCodeAt(0) === 0) return `<${content.slice(1)}>`;
  // Numbers and `-` (most attribute values) can never be bare: skip the pattern test.
  const c = content.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45) && isBare(content)) return content;
  return `"${content.includes('"') ? content.replace(/"/g, '\\"') : content}"`;
}

/**
 * Inverse of {@link dotId} ∘ {@link escapeContent} for a quoted token's inside: `\\` → `\`,
 * `\"` → `"`, `\n` → newline, `\r` → return. Other backslash pairs are kept as they are.
 */
export function unescapeQuoted(inner: string): string {
  if (!inner.includes('\\')) return inner;
  return inner.replace(/\\([\\"nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/**
 * Marks `html` (an HTML-like label body, already escaped by {@link escapeHtmlText}) so the
 * writers print it as `<html>` instead of a quoted string. The mark is a NUL, which no digest
 * string holds (NUL separates the key fields).
 */
export function htmlLabel(html: string): string {
  return `\0${html}`;
}

/**
 * Raw text for the inside of an HTML-like label: `&`, `<`, `>`, `"` as entities, and control
 * characters (which Graphviz's XML parser refuses) shown as `\xNN`.
 */
export function escapeHtmlText(raw: string): string {
  return raw.replace(/[&<>"\x00-\x1f\x7f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}
