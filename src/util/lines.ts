/**
 * Lines of a byte stream, found as bytes in linear time with bounded memory: a line is handed
 * over as a view of the chunk that holds it (copied only when it spans chunks), and a line longer
 * than the limit is never held: it is dropped as it streams by and reported as `null`, so a
 * caller can fail or count it at its line number. Its bytes are left undecoded, so the caller
 * decides what invalid UTF-8 means (string decoders would turn it into U+FFFD silently).
 */

const NL = 10,
  CR = 13;

/**
 * Call `onLine` for each line of `stream` (without its `\n` or `\r\n`), with its 1-based number;
 * `null` for a line of more than `maxBytes` bytes before its newline. A last line without a newline counts when it
 * is not empty. `onLine` may throw to stop.
 */
export async function forEachLine(
  stream: AsyncIterable<Uint8Array>,
  maxBytes: number,
  onLine: (line: Buffer | null, lineNo: number) => void,
): Promise<void> {
  let parts: Buffer[] = [],
    held = 0,
    over = false,
    lineNo = 0;
  const emit = (last: Buffer) => {
    lineNo++;
    if (over) {
      onLine(null, lineNo);
      over = false;
      return;
    }
    let line = parts.length === 0 ? last : Buffer.concat([...parts, last]);
    parts = [];
    held = 0;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    onLine(line, lineNo);
  };
  for await (const data of stream) {
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let p = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, p);
      const end = nl < 0 ? chunk.length : nl;
      // The limit counts every byte before the newline, a CR included, as the scanner does.
      if (!over && held + (end - p) > maxBytes) {
        over = true;
        parts = [];
        held = 0;
      }
      if (nl < 0) {
        if (!over && end > p) {
          parts.push(chunk.subarray(p, end));
          held += end - p;
        }
        break;
      }
      emit(chunk.subarray(p, end));
      p = nl + 1;
    }
  }
  if (over || held > 0) emit(Buffer.alloc(0));
}
