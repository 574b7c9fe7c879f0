/**
 * The client child's side of the client section: `count` GETs with
 * `concurrency` in flight, on request from the parent, timed in the child
 * with its own CPU time. Each adapter's client child supplies only the
 * function that makes one GET.
 */
import { cpuMicros, serveParent } from "./processes.ts";

/** Makes one GET and reads its body whole; resolves true on a 200. */
export type Get = () => Promise<boolean>;

/** What one batch took. */
export interface GetsResult {
  readonly [key: string]: number;
  readonly count: number;
  readonly wallNs: number;
  /** This process's CPU time (every thread), in nanoseconds. */
  readonly cpuNs: number;
  /** Rejected GETs and GETs that were not a 200. */
  readonly errors: number;
}

/** `count` GETs, `concurrency` at a time. */
export async function runGets(get: Get, count: number, concurrency: number): Promise<GetsResult> {
  let started = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      try {
        if (!(await get())) errors++;
      } catch {
        errors++;
      }
    }
  };
  const cpu0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = cpuMicros() - cpu0;
  return { count, wallNs, cpuNs: cpu * 1000, errors };
}

/** Announces `ready` and answers `{ type: "run", count, concurrency }` with {@link runGets}. */
export function serveGets(get: Get): void {
  serveParent({ pid: process.pid }, async (message) => {
    if (message.type !== "run") throw new Error(`unknown message ${message.type}`);
    return runGets(get, Number(message.count), Number(message.concurrency));
  });
}
