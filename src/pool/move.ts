/**
 * Piscina's `move()` for a worker's reply, without importing Piscina's main entry in the worker
 * (18-20 ms of CPU per worker at start-up, measured, for this one function).
 *
 * Piscina transfers a reply's buffers only when the reply is "movable": an object with its
 * `Piscina.transferable` and `Piscina.valueOf` symbols (global, `Symbol.for`) that Piscina's own
 * `markMovable` has marked with a module-private symbol. Piscina's worker loop has loaded that
 * module (`dist/common.js`) before it loads ours, so requiring the same file by its path is a
 * cache hit. Should it not be loaded (another Piscina, or a caller outside a Piscina worker),
 * `Piscina.move` itself is used, as before.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const kTransferable = Symbol.for('Piscina.transferable');
const kValue = Symbol.for('Piscina.valueOf');

type Mark = (value: object) => void;

let mark: Mark | undefined;

function marker(): Mark {
  if (mark !== undefined) return mark;
  const require = createRequire(import.meta.url);
  const main = require.resolve('piscina');
  const common = join(dirname(main), 'common.js');
  const loaded = require.cache[common]?.exports as { markMovable?: Mark } | undefined;
  if (typeof loaded?.markMovable === 'function') {
    mark = loaded.markMovable;
  } else {
    // Piscina.move of an object that already carries both symbols only marks it.
    const { Piscina } = require('piscina') as typeof import('piscina');
    mark = (value) => {
      Piscina.move(value as never);
    };
  }
  return mark;
}

/** `value` as a reply whose `transfer` buffers are moved to the main thread, not copied. */
export function moveReply<T>(value: T, transfer: readonly ArrayBuffer[]): T {
  const movable = { [kTransferable]: [...transfer], [kValue]: value };
  marker()(movable);
  return movable as unknown as T;
}
