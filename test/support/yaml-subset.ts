/**
 * A reader for the YAML subset src/service/yaml.ts writes (block maps and lists, `- ` items
 * that open a map, JSON-quoted or plain scalars, `|-` literal blocks, `[]` and `{}`), so a test
 * can check the committed api.yaml reads back as the OpenAPI object. Anything else throws.
 */
type Line = { indent: number; text: string; no: number };

const KEY = /^("(?:[^"\\]|\\.)*"|[A-Za-z_$][A-Za-z0-9_.$-]*):(?: (.*))?$/;

function scalar(text: string, no: number): unknown {
  if (text.startsWith('"')) return JSON.parse(text);
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^[[{&*!|>'%@`#]/.test(text) || /: | #/.test(text)) throw new Error(`line ${no}: unsupported scalar ${text}`);
  return text;
}

export function readYaml(source: string): unknown {
  const lines: Line[] = source.split('\n').map((raw, i) => ({ indent: raw.length - raw.trimStart().length, text: raw.trim(), no: i + 1 }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  let i = 0;

  function block(indent: number): unknown {
    if (lines[i].text.startsWith('- ')) return list(indent);
    return map(indent);
  }

  function list(indent: number): unknown[] {
    const out: unknown[] = [];
    while (i < lines.length && lines[i].indent === indent && lines[i].text.startsWith('- ')) {
      const rest = lines[i].text.slice(2);
      if (KEY.test(rest)) {
        // A map that starts on the dash line: read it as if the dash were indentation.
        lines[i] = { indent: indent + 2, text: rest, no: lines[i].no };
        out.push(map(indent + 2));
      } else {
        out.push(scalar(rest, lines[i].no));
        i++;
      }
    }
    return out;
  }

  function map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (i < lines.length && lines[i].indent === indent && !lines[i].text.startsWith('- ')) {
      const m = KEY.exec(lines[i].text);
      if (m === null) throw new Error(`line ${lines[i].no}: expected key: value`);
      const key = m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1];
      const rest = m[2];
      const at = lines[i];
      i++;
      if (rest === undefined || rest === '') {
        if (i >= lines.length || lines[i].indent <= indent) throw new Error(`line ${at.no}: empty value`);
        out[key] = block(lines[i].indent);
      } else if (rest === '|-') {
        const parts: string[] = [];
        while (i < lines.length && lines[i].indent > indent) {
          parts.push(source.split('\n')[lines[i].no - 1].slice(indent + 2));
          i++;
        }
        out[key] = parts.join('\n');
      } else {
        out[key] = scalar(rest, at.no);
      }
    }
    if (i < lines.length && lines[i].indent > indent) throw new Error(`line ${lines[i].no}: unexpected indentation`);
    return out;
  }

  const value = block(0);
  if (i !== lines.length) throw new Error(`line ${lines[i].no}: unexpected content`);
  return value;
}
