/**
 * Coverage feedback from V8's block coverage (the inspector's precise
 * coverage), restricted to core's src/. Taking coverage costs about 2 ms, so
 * the campaign measures a batch of inputs at once and bisects only a batch
 * that reached new blocks, to find the inputs worth keeping.
 */
import { Session } from "node:inspector";

interface Range {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}
interface ScriptCoverage {
  readonly url: string;
  readonly functions: readonly { readonly ranges: readonly Range[] }[];
}

/** Block coverage of core's sources, as a growing set of covered blocks. */
export class Coverage {
  private readonly session = new Session();
  private readonly seen = new Set<string>();

  constructor() {
    this.session.connect();
    this.post("Profiler.enable");
    this.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
    this.take();
  }

  /** Blocks covered so far. */
  get size(): number {
    return this.seen.size;
  }

  // The in-thread inspector session answers synchronously.
  private post(method: string, params: object = {}): unknown {
    let result: unknown;
    let error: Error | null = null;
    this.session.post(method, params, (err, res) => {
      error = err;
      result = res;
    });
    if (error !== null) throw error;
    return result;
  }

  /** Blocks executed since the last take (counters reset). */
  take(): string[] {
    const r = this.post("Profiler.takePreciseCoverage") as { result: ScriptCoverage[] };
    const out: string[] = [];
    for (const script of r.result) {
      const at = script.url.indexOf("/packages/core/src/");
      if (at === -1) continue;
      const file = script.url.slice(at + 19);
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          if (range.count > 0) out.push(`${file}:${range.startOffset}-${range.endOffset}`);
        }
      }
    }
    return out;
  }

  /** Of `blocks`, those not seen before (not recorded). */
  fresh(blocks: readonly string[]): string[] {
    return blocks.filter((b) => !this.seen.has(b));
  }

  /** Records blocks as seen. */
  add(blocks: readonly string[]): void {
    for (const b of blocks) this.seen.add(b);
  }

  /**
   * Runs `inputs` (by index, through `run`) and returns the indices of those
   * that reach blocks not seen before, recording them: halves that reach
   * nothing new are dropped, the others are split again. `known`: the fresh
   * blocks of the whole set, when it was just run.
   */
  bisect(
    indices: readonly number[],
    run: (i: number) => void,
    known?: readonly string[],
  ): number[] {
    let fresh = known;
    if (fresh === undefined) {
      this.take();
      for (const i of indices) run(i);
      fresh = this.fresh(this.take());
    }
    if (fresh.length === 0) return [];
    if (indices.length === 1) {
      this.add(fresh);
      return [...indices];
    }
    const mid = indices.length >> 1;
    const kept = [
      ...this.bisect(indices.slice(0, mid), run),
      ...this.bisect(indices.slice(mid), run),
    ];
    // Blocks reached only by running inputs together (none in practice): keep them seen.
    this.add(fresh);
    return kept;
  }

  /** Stops collecting. */
  close(): void {
    this.post("Profiler.stopPreciseCoverage");
    this.session.disconnect();
  }
}
