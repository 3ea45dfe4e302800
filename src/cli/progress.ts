/**
 * The progress line on a TTY: objects, stored bytes, lines/s and ETA, redrawn at most 5 times a
 * second on one line of stderr and erased when done.
 */
import type { Progress } from '../engine/progress.js';
import { count, duration, mb, rate } from './format.js';

export class ProgressLine {
  // -Infinity, not 0: performance.now() starts near 0 in a new thread, which would swallow the first draw.
  private last = Number.NEGATIVE_INFINITY;
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
    this.draw(p);
  };

  private draw(p: Progress): void {
    // The terminal's width now (a resize shows at the next redraw); a stream that is not a terminal
    // has none, and gets the whole line.
    const width = this.out.columns ?? Number.POSITIVE_INFINITY;
    this.out.write(`\r${render(this.label, p, width)}\x1b[K`);
    this.drawn = true;
  }

  /** Erase the line. */
  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

/**
 * One progress line, e.g. `digest: 5/16 objects  38.2/107.0 MB  1.20M lines/s  ETA 3.1s`, that
 * fits in `width` columns (one is left free, so the cursor never wraps): the parts that matter
 * least go first (rate, bytes, label, counts), so a narrow terminal still shows the ETA or the
 * stage, and only a terminal too narrow for that cuts the last form short.
 */
export function render(label: string, p: Progress, width = Number.POSITIVE_INFINITY): string {
  const room = Math.max(0, width - 1);
  const forms = lineForms(label, p);
  return forms.find((line) => line.length <= room) ?? forms[forms.length - 1].slice(0, room);
}

/** The line's forms, from the fullest to the barest. */
function lineForms(label: string, p: Progress): string[] {
  const total = p.listingDone ? `${p.objectsListed}` : `${p.objectsListed}+`;
  const done = `${count(p.objectsDone)}/${total}`;
  const objects = `${done} objects`;
  const bytes = `${mb(p.storedBytesDone).replace(' MB', '')}/${mb(p.storedBytesListed)}`;
  if (p.stage !== 'scanning') {
    const stage = p.stage === 'sorting' ? "sorting the workers' tables" : 'merging them range by range';
    const lines = `${count(p.lines)} lines`;
    return [
      `${label}: ${objects}  ${bytes}  ${lines}, ${stage}`,
      `${label}: ${objects}  ${lines}, ${stage}`,
      `${label}: ${objects}, ${stage}`,
      `${label}: ${p.stage}`,
      p.stage,
    ];
  }
  const speed = rate(p.lines, p.elapsed, 'lines');
  const left = p.storedBytesListed - p.storedBytesDone;
  const eta =
    p.listingDone && p.storedBytesDone > 0
      ? duration((left / p.storedBytesDone) * p.elapsed)
      : p.listingDone
        ? '?'
        : 'listing';
  return [
    `${label}: ${objects}  ${bytes}  ${speed}  ETA ${eta}`,
    `${label}: ${objects}  ${bytes}  ETA ${eta}`,
    `${label}: ${objects}  ETA ${eta}`,
    `${done}  ETA ${eta}`,
    `ETA ${eta}`,
  ];
}
