/**
 * Interleaved measurement. The machines are noisy (the same loop runs
 * 1.6–1.9× faster in some minutes than in others), so contenders take turns
 * in many short slices, the order rotating every round, and a contender's
 * ratio to a peer is taken within each round before the median is taken.
 */
import type { BenchCase } from "./cases.ts";
import type { Contender, Runner } from "./contenders/types.ts";
import { nowNs, proc } from "./node.ts";

/** How long to measure. */
export interface HarnessOptions {
  /** Measured rounds; each round gives every contender one slice. */
  readonly rounds: number;
  /** Length of one slice, in milliseconds. */
  readonly sliceMs: number;
  /** Warm-up per contender and case, in milliseconds (interleaved, not reported). */
  readonly warmupMs: number;
}

/** One timed slice of one contender. */
export interface Slice {
  readonly messages: number;
  readonly wallNs: number;
  readonly cpuNs: number;
  /** Messages per wall-clock second. */
  readonly rate: number;
  /** CPU time (user + system, all threads) per message, in nanoseconds. */
  readonly cpuNsPerMessage: number;
}

/** Summary of a list of numbers. */
export interface Stats {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

/** A contender's slices on one case. */
export interface ContenderRun {
  readonly name: string;
  readonly slices: Slice[];
  readonly rate: Stats;
  readonly cpuNsPerMessage: Stats;
}

/** Aim for timing checks about every millisecond inside a slice. */
const BATCH_NS = 1_000_000;

/** Linear-interpolated quantile of an unsorted list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Median, quartiles and range. */
export function stats(values: readonly number[]): Stats {
  return {
    median: quantile(values, 0.5),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Global sink so no contender's work can be optimised away. */
let sink = 0;

/** Runs `runner` for about `sliceNs`, in batches of `batch` iterations. */
function timeSlice(runner: Runner, batch: number, sliceNs: number, perIteration: number): Slice {
  let iterations = 0;
  const cpu0 = proc.cpuUsage();
  const t0 = nowNs();
  let t = t0;
  do {
    runner.run(batch);
    iterations += batch;
    t = nowNs();
  } while (Number(t - t0) < sliceNs);
  const cpu = proc.cpuUsage(cpu0);
  sink ^= runner.sink();
  const wallNs = Number(t - t0);
  const cpuNs = (cpu.user + cpu.system) * 1000;
  const messages = iterations * perIteration;
  return {
    messages,
    wallNs,
    cpuNs,
    rate: (messages * 1e9) / wallNs,
    cpuNsPerMessage: cpuNs / messages,
  };
}

/** Grows the batch until one batch takes about {@link BATCH_NS}. */
function calibrate(runner: Runner): number {
  let batch = 1;
  for (;;) {
    const t0 = nowNs();
    runner.run(batch);
    const ns = Number(nowNs() - t0);
    if (ns >= BATCH_NS || batch >= 1 << 20) {
      return Math.max(1, Math.round((batch * BATCH_NS) / Math.max(ns, 1)));
    }
    batch *= ns < BATCH_NS / 8 ? 8 : 2;
  }
}

/** Measures every contender on one case, interleaved. */
export function measure(
  c: BenchCase,
  contenders: readonly Contender[],
  options: HarnessOptions,
): ContenderRun[] {
  const runners = contenders.map((x) => x.runner(c));
  const n = runners.length;
  const batches = runners.map(() => 1);

  // Warm-up in three interleaved passes; recalibrate after each so the batch
  // size reflects optimised code.
  const warmPassNs = (options.warmupMs * 1e6) / 3;
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < n; i++) {
      const runner = runners[i] as Runner;
      timeSlice(runner, batches[i] as number, warmPassNs, c.messages);
      batches[i] = calibrate(runner);
    }
  }

  const slices: Slice[][] = runners.map(() => []);
  const sliceNs = options.sliceMs * 1e6;
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < n; k++) {
      const i = (round + k) % n;
      const slice = timeSlice(runners[i] as Runner, batches[i] as number, sliceNs, c.messages);
      (slices[i] as Slice[]).push(slice);
    }
  }

  return contenders.map((x, i) => {
    const own = slices[i] as Slice[];
    return {
      name: x.name,
      slices: own,
      rate: stats(own.map((s) => s.rate)),
      cpuNsPerMessage: stats(own.map((s) => s.cpuNsPerMessage)),
    };
  });
}

/** `a`'s rate over `b`'s, round by round (slices of the same round are adjacent in time). */
export function perRoundRatios(a: ContenderRun, b: ContenderRun): number[] {
  const out: number[] = [];
  const rounds = Math.min(a.slices.length, b.slices.length);
  for (let r = 0; r < rounds; r++) {
    out.push((a.slices[r] as Slice).rate / (b.slices[r] as Slice).rate);
  }
  return out;
}

/**
 * `a`'s CPU efficiency over `b`'s, round by round: `b`'s CPU time per message
 * over `a`'s (above 1 when `a` needs less CPU per message).
 */
export function perRoundCpuRatios(a: ContenderRun, b: ContenderRun): number[] {
  const out: number[] = [];
  const rounds = Math.min(a.slices.length, b.slices.length);
  for (let r = 0; r < rounds; r++) {
    out.push((b.slices[r] as Slice).cpuNsPerMessage / (a.slices[r] as Slice).cpuNsPerMessage);
  }
  return out;
}

/** The accumulated sink (print it so the work stays observable). */
export function sinkValue(): number {
  return sink;
}
