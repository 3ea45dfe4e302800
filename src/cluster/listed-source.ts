/** An {@link ObjectSource} over objects already listed elsewhere (by a cluster run's planner). */
import type { ListContext, ObjectRef, ObjectSource } from '../sources/source.js';

export class ListedSource implements ObjectSource {
  readonly description: string;

  constructor(
    private readonly inner: ObjectSource,
    private readonly refs: readonly ObjectRef[],
  ) {
    this.description = inner.description;
  }

  async *list(ctx: ListContext): AsyncIterable<ObjectRef> {
    for (const ref of this.refs) {
      if (ctx.signal.aborted) return;
      yield ref;
    }
  }

  read(ref: ObjectRef, signal: AbortSignal): Promise<Uint8Array> {
    return this.inner.read(ref, signal);
  }
}
