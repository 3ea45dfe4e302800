/**
 * The progress line on a TTY: objects, stored bytes, lines/s and ETA, redrawn at most 5 times a
 * second on one line of stderr and erased when done.
 */
import type { Progress } from '../engine/progress.js';
import { count, duration, mb, rate } from './format.js';

export class ProgressLine {
  private last = 0;
  private drawn = false;
  private stage = 'scanning';

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
  ) {}

  update = (p: Progress): void => {
    const now = performance.now();
    // A new stage always shows, however soon after the last redraw.
    if (now - this.last < 200 && p.stage === this.stage) return;
    this.stage = p.stage;
    this.last = now;
    this.draw(render(this.label, p));
  };

  private draw(line: string): void {
    const width = this.out.columns ?? 100;
    this.out.write(`\r${line.slice(0, width - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Erase the line. */
  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** One progress line, e.g. `digest: 5/16 objects  38.2/107.0 MB  1.20M lines/s  ETA 3.1s`. */
export function render(label: string, p: Progress): string {
  const total = p.listingDone ? `${p.objectsListed}` : `${p.objectsListed}+`;
  const objects = `${count(p.objectsDone)}/${total} objects`;
  const bytes = `${mb(p.storedBytesDone).replace(' MB', '')}/${mb(p.storedBytesListed)}`;
  const speed = rate(p.lines, p.elapsed, 'lines');
  const left = p.storedBytesListed - p.storedBytesDone;
  if (p.stage !== 'scanning')
    return `${label}: ${objects}  ${bytes}  ${count(p.lines)} lines, ${p.stage === 'sorting' ? "sorting the workers' tables" : 'merging them range by range'}`;
  const eta =
    p.listingDone && p.storedBytesDone > 0
      ? duration((left / p.storedBytesDone) * p.elapsed)
      : p.listingDone
        ? '?'
        : 'listing';
  return `${label}: ${objects}  ${bytes}  ${speed}  ETA ${eta}`;
}
