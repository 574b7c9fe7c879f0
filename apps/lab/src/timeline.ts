/**
 * Callbacks at absolute times on the monotonic clock, run in time order
 * (ties in the order they were added) from one re-armed timer. The relay
 * schedules every delayed byte through one of these.
 */

/** Milliseconds on the monotonic clock (the same clock as the client's and server's). */
export const clock: () => number = () => performance.now();

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/** A queue of timed callbacks. */
export class Timeline {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedAt = Number.POSITIVE_INFINITY;

  /** Runs `run` at time `at` (at once, on a later tick, when `at` has passed). */
  at(at: number, run: () => void): void {
    push(this.heap, { at, seq: this.seq++, run });
    this.arm();
  }

  /** Callbacks still waiting. */
  get pending(): number {
    return this.heap.length;
  }

  /** Forgets every waiting callback. */
  clear(): void {
    this.heap.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    const first = this.heap[0];
    if (first === undefined || first.at >= this.armedAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = first.at;
    this.timer = setTimeout(this.fire, Math.max(0, first.at - clock()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = clock();
    // setTimeout may fire a little early (it rounds); anything due within
    // half a millisecond runs now rather than costing another timer.
    while (this.heap.length > 0 && (this.heap[0] as Entry).at <= now + 0.5) {
      (pop(this.heap) as Entry).run();
    }
    this.arm();
  };
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function push(heap: Entry[], e: Entry): void {
  heap.push(e);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i] as Entry, heap[parent] as Entry)) break;
    [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
    i = parent;
  }
}

function pop(heap: Entry[]): Entry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last !== undefined) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l] as Entry, heap[m] as Entry)) m = l;
      if (r < heap.length && before(heap[r] as Entry, heap[m] as Entry)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m] as Entry, heap[i] as Entry];
      i = m;
    }
  }
  return top;
}
