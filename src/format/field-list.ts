/**
 * A flow log's format as the user knows it: `--fields`, `fields` in the library,
 * `FLOWDIGEST_FIELDS`, `serve --fields`. Accepts a preset name (`v5`, `tgw`, ...), field names
 * separated by spaces or commas, or AWS's LogFormat string (`${version} ${account-id} ...`)
 * pasted as it is.
 */
import { InvalidOptionError } from '../errors.js';
import { suggest } from '../util/suggest.js';
import { FIELD_PRESETS, KNOWN_FIELDS } from './fields.js';
import { HEADER_REQUIRED_FIELDS } from './layout.js';

const KNOWN_LIST = [...KNOWN_FIELDS];

/**
 * The field names `text` gives, in order. Throws an InvalidOptionError naming `option` when it is
 * empty, names an unknown field (with a did-you-mean) or one twice, or lacks srcaddr/dstaddr.
 */
export function parseFieldList(text: string | readonly string[], option = 'options.fields'): string[] {
  const raw = typeof text === 'string' ? text.trim() : '';
  if (typeof text === 'string' && FIELD_PRESETS[raw] !== undefined) return [...FIELD_PRESETS[raw]];
  const names =
    typeof text === 'string'
      ? raw
          .split(/[\s,]+/)
          .filter((t) => t.length > 0)
          .map((t) => t.replace(/^\$\{(.*)\}$/, '$1'))
      : [...text];
  if (names.length === 0)
    throw new InvalidOptionError(option, `is empty: name the fields, or a preset (${presetList()})`);
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || !KNOWN_FIELDS.has(name)) {
      const near = suggest(String(name), [...KNOWN_LIST, ...Object.keys(FIELD_PRESETS)]);
      throw new InvalidOptionError(
        option,
        `names the unknown field '${String(name).slice(0, 40)}'${near}; presets: ${presetList()}`,
      );
    }
    if (seen.has(name)) throw new InvalidOptionError(option, `names the field '${name}' twice`);
    seen.add(name);
  }
  const missing = HEADER_REQUIRED_FIELDS.filter((f) => !seen.has(f));
  if (missing.length > 0)
    throw new InvalidOptionError(
      option,
      `lacks ${missing.map((f) => `'${f}'`).join(' and ')}, needed to form a conversation`,
    );
  return names;
}

function presetList(): string {
  return Object.keys(FIELD_PRESETS).join(', ');
}
