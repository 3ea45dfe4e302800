/**
 * A byte stream (stdin by default) cut into blocks of whole lines, so a stream of any length
 * goes through the pool in bounded pieces. Lines are split with split2: this path is not the hot
 * one (objects from files and S3 go to workers whole), and split2 handles the edge cases.
 */
import type { Readable } from 'node:stream';
import split2 from 'split2';
import { V2_FIELDS } from '../format/fields.js';
import { parseHeader } from '../format/layout.js';
import { inflateIfGzip } from './gunzip.js';
import type { ListContext, ObjectRef, ObjectSource } from './source.js';

/** Bytes of lines per block handed to a worker. */
export const STREAM_BLOCK_BYTES = 4 * 1024 * 1024;

export class StreamSource implements ObjectSource {
  readonly description: string;
  private readonly blocks = new WeakMap<ObjectRef, Uint8Array>();

  /**
   * @param input the stream (gzip detected by magic bytes) @param name its name in messages
   * @param blockBytes bytes of lines per block handed to a worker (default 4 MiB)
   */
  constructor(private readonly input: Readable, name = '-', private readonly blockBytes = STREAM_BLOCK_BYTES) {
    this.description = name;
  }

  async *list(ctx: ListContext): AsyncIterable<ObjectRef> {
    const text = await inflateIfGzip(this.input);
    const lines = text.pipe(split2());
    ctx.signal.addEventListener('abort', () => lines.destroy(), { once: true });
    let block: string[] = [];
    let blockBytes = 0, lineNo = 0, blockFirstLine = 0;
    let fields: string[] | undefined;
    let sawFirst = false;
    const flush = (): ObjectRef => {
      const data = Buffer.from(block.join('\n') + '\n', 'utf8');
      const ref: ObjectRef = { key: this.description, size: data.length, listedWithData: true };
      // The first block finds its own header; later ones are told the layout and line offset.
      if (blockFirstLine > 0) { ref.fields = fields ?? [...V2_FIELDS]; ref.firstLine = blockFirstLine; }
      this.blocks.set(ref, data);
      block = []; blockBytes = 0; blockFirstLine = lineNo;
      return ref;
    };
    for await (const line of lines as AsyncIterable<string>) {
      lineNo++;
      if (!sawFirst && line.trim() !== '') {
        sawFirst = true;
        fields = parseHeader(line.replace(/\r$/, ''))?.fields.slice();
      }
      block.push(line);
      blockBytes += line.length + 1;
      if (blockBytes >= this.blockBytes) yield flush();
    }
    ctx.signal.throwIfAborted();
    if (block.length > 0 || blockFirstLine === 0) yield flush();
  }

  async read(ref: ObjectRef): Promise<Uint8Array> {
    const data = this.blocks.get(ref);
    if (data === undefined) throw new Error(`block of ${ref.key} was already read`);
    this.blocks.delete(ref);
    return data;
  }
}
