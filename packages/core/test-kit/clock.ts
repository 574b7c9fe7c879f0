/**
 * A virtual clock with a task queue: the simulated network's only notion of
 * time. Tasks run in order of their time, and in the order they were
 * scheduled when times are equal, so every run of a scenario is the same.
 */

/** A scheduled task; `cancel()` keeps it from running. */
export interface ClockTask {
  readonly at: number;
  cancel(): void;
}

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** See the module comment. Time is in milliseconds and starts at 0. */
export class VirtualClock {
  private current = 0;
  private seq = 0;
  /** A binary min-heap on (at, seq). */
  private readonly heap: Entry[] = [];
  private executed = 0;

  /** The current virtual time. */
  get now(): number {
    return this.current;
  }

  /** Tasks waiting (cancelled ones included until they surface). */
  get pending(): number {
    return this.heap.length;
  }

  /** Tasks run so far. */
  get steps(): number {
    return this.executed;
  }

  /** Runs `run` at time `at` (now, if `at` is in the past). */
  schedule(at: number, run: () => void): ClockTask {
    const entry: Entry = { at: Math.max(at, this.current), seq: this.seq++, run, cancelled: false };
    this.push(entry);
    return {
      at: entry.at,
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Runs `run` after `ms` milliseconds. */
  after(ms: number, run: () => void): ClockTask {
    return this.schedule(this.current + ms, run);
  }

  /** The time of the next task that will run, or `null`. */
  nextAt(): number | null {
    this.dropCancelled();
    return this.heap[0]?.at ?? null;
  }

  /** Runs the next task (moving time forward to it). False when none is left. */
  step(): boolean {
    this.dropCancelled();
    const entry = this.pop();
    if (entry === undefined) return false;
    this.current = entry.at;
    this.executed++;
    entry.run();
    return true;
  }

  /**
   * Runs tasks until none is left, the next one is later than `until`, or
   * `maxSteps` ran (then it throws: a scenario that never settles is a bug).
   * Time ends at `until` when given.
   */
  run(options: { until?: number; maxSteps?: number } = {}): void {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxSteps = options.maxSteps ?? 1_000_000;
    let n = 0;
    for (;;) {
      const next = this.nextAt();
      if (next === null || next > until) break;
      if (n++ >= maxSteps) throw new Error(`VirtualClock: more than ${maxSteps} steps`);
      this.step();
    }
    if (until !== Number.POSITIVE_INFINITY && until > this.current) this.current = until;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && (this.heap[0] as Entry).cancelled) this.pop();
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Entry, h[parent] as Entry)) break;
      [h[i], h[parent]] = [h[parent] as Entry, h[i] as Entry];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Entry, h[m] as Entry)) m = l;
      if (r < h.length && before(h[r] as Entry, h[m] as Entry)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Entry, h[i] as Entry];
      i = m;
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
