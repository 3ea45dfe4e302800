/** Destination prefixes: '' or ending in '/', no empty, '.' or '..' segments, no control characters. */
import { InvalidOptionError } from '../../errors.js';

/** Check a prefix; `name` is the option for the error. */
export function checkPrefix(prefix: unknown, name: string): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') throw new InvalidOptionError(name, 'must be a string');
  // Control characters cannot travel in listings and are almost always quoting mistakes.
  if (/[\u0000-\u001f\u007f\\]/.test(prefix))
    throw new InvalidOptionError(name, 'must not contain control characters or backslashes');
  const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const segments = p.slice(0, -1).split('/');
  if (p.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidOptionError(name, `'${prefix}' must be relative, with no empty, '.' or '..' segments`);
  }
  return p;
}
