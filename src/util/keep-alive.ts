/**
 * Keeping the process alive while a promise waits on work Node does not count.
 *
 * Node exits when its event loop is empty, whatever promises are still pending. Some pending
 * work holds nothing in that loop: a WebAssembly compile runs on V8's own threads
 * (nodejs/node#36616). When it is all a command waits for (the graph's Graphviz module, once the
 * digest's workers are gone), a slow compile on a loaded machine left the loop empty, and the
 * CLI stopped with "stopped before finishing" (1 run in 100-200 of `report -f html`, measured).
 */

/** `promise`, with a referenced timer held until it settles so the process waits for it. */
export async function keptAlive<T>(promise: Promise<T>): Promise<T> {
  // Never fires: it only counts as pending work until cleared.
  const hold = setInterval(() => {}, 2 ** 30);
  try {
    return await promise;
  } finally {
    clearInterval(hold);
  }
}
