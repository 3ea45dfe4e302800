/**
 * Service tests' helpers: an in-process service on loopback port 0 with its log lines
 * captured, and a flow-log source whose reads can be held back (to observe 204, queue limits
 * and shutdown) or made to fail.
 */
import type { ObjectRef, ObjectSource, ListContext } from '../../dist/index.js';
import type { Logger, Service, ServiceOptions } from '../../dist/service/index.js';
import { createService } from '../../dist/service/index.js';
import { FileSource } from '../../dist/index.js';

export interface Started {
  service: Service;
  url: string;
  logs: Record<string, unknown>[];
  close(graceMs?: number): Promise<void>;
}

/** A logger that keeps every line. */
export function memoryLogger(lines: Record<string, unknown>[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, msg, ...fields });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export async function startService(options: ServiceOptions): Promise<Started> {
  const logs: Record<string, unknown>[] = [];
  const service = createService({ logger: memoryLogger(logs), digester: { threads: 1 }, ...options });
  const { url } = await service.listen(0, '127.0.0.1');
  return { service, url, logs, close: (grace = 5000) => service.close(grace) };
}

/** A FileSource whose reads wait while the gate is closed, or fail while `failing`. */
export class GatedSource implements ObjectSource {
  readonly description: string;
  private readonly inner: FileSource;
  private waiting: (() => void)[] = [];
  private closed = false;
  failing = false;
  /** Reads started (including waiting ones). */
  reads = 0;

  constructor(path: string) {
    this.inner = new FileSource(path);
    this.description = `gated ${path}`;
  }

  close(): void {
    this.closed = true;
  }
  open(): void {
    this.closed = false;
    for (const w of this.waiting.splice(0)) w();
  }

  list(ctx: ListContext): AsyncIterable<ObjectRef> {
    return this.inner.list(ctx);
  }

  async read(ref: ObjectRef, signal: AbortSignal): Promise<Uint8Array> {
    this.reads++;
    if (this.closed) {
      await new Promise<void>((resolve, reject) => {
        this.waiting.push(resolve);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (this.failing) throw new Error(`${ref.key}: injected read failure`);
    return this.inner.read(ref, signal);
  }
}
