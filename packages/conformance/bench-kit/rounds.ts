/**
 * Interleaved rounds for load tests that run in other processes. The
 * machines are noisy (the same loop runs 1.6–1.9× faster in some minutes),
 * so contenders take turns in many short rounds, the order rotating every
 * round, and ratios are taken round by round before the median.
 *
 * The statistics and per-round ratios are core's parser-benchmark harness
 * (packages/core/bench/harness.ts), imported, not copied; only the loop is
 * asynchronous here, because a round is a wrk run or a batch of requests.
 */
import {
  type ContenderRun,
  perRoundCpuRatios,
  perRoundRatios,
  type Slice,
  type Stats,
  stats,
} from "../../core/bench/harness.ts";

export { type ContenderRun, perRoundCpuRatios, perRoundRatios, type Slice, type Stats, stats };

/** Facts about a round besides its rate and CPU time. */
export interface RoundExtra {
  /** Failed requests (socket errors, unexpected statuses). */
  readonly errors: number;
  /** The load generator's CPU time over wall time (1 = one core), when known. */
  readonly loadCpuShare?: number;
}

/** One round's outcome. */
export interface Round {
  readonly slice: Slice;
  readonly extra: RoundExtra;
}

/** A contender in an interleaved section. */
export interface RoundContender {
  readonly name: string;
  /** Not reported: JIT warm-up, connection set-up. */
  warm(): Promise<void>;
  round(): Promise<Round>;
}

/** A contender's rounds, with core's summary. */
export interface Run extends ContenderRun {
  readonly extras: readonly RoundExtra[];
}

/** A {@link Slice} from a count, the wall time and the CPU time spent on it. */
export function slice(messages: number, wallNs: number, cpuNs: number): Slice {
  return {
    messages,
    wallNs,
    cpuNs,
    rate: (messages * 1e9) / wallNs,
    cpuNsPerMessage: cpuNs / messages,
  };
}

/** Runs every contender `rounds` times, interleaved, after one warm-up each. */
export async function interleave(
  contenders: readonly RoundContender[],
  rounds: number,
  log: (text: string) => void,
): Promise<Run[]> {
  for (const c of contenders) await c.warm();
  const n = contenders.length;
  const got: Round[][] = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const line: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = (r + k) % n;
      const c = contenders[i] as RoundContender;
      const round = await c.round();
      (got[i] as Round[]).push(round);
      line.push(`${c.name} ${Math.round(round.slice.rate / 100) / 10}k`);
    }
    log(`    round ${r + 1}/${rounds}: ${line.join(", ")}`);
  }
  return contenders.map((c, i) => {
    const own = got[i] as Round[];
    const slices = own.map((x) => x.slice);
    return {
      name: c.name,
      slices,
      extras: own.map((x) => x.extra),
      rate: stats(slices.map((s) => s.rate)),
      cpuNsPerMessage: stats(slices.map((s) => s.cpuNsPerMessage)),
    };
  });
}

/** `a` against `b`, round by round. */
export interface Comparison {
  /** `a`'s rate over `b`'s, per round. */
  readonly rate: Stats;
  /** `b`'s CPU time per request over `a`'s, per round (above 1: `a` is cheaper). */
  readonly cpu: Stats;
}

/** Compares two runs of the same section. */
export function compare(a: ContenderRun, b: ContenderRun): Comparison {
  return { rate: stats(perRoundRatios(a, b)), cpu: stats(perRoundCpuRatios(a, b)) };
}

/** Half the interquartile range as a percentage of the median. */
export function spread(s: Stats): string {
  return `±${(((s.p75 - s.p25) / 2 / s.median) * 100).toFixed(0)}%`;
}

/** `12.3k` */
export function kilo(rate: number): string {
  return `${(rate / 1000).toFixed(1)}k`;
}

/**
 * `a`'s per-round ratios to `b`, for printing: `rate 0.91 0.88 …; CPU 1.02 0.97 …`
 * (rate = a ÷ b, CPU = b's CPU per request ÷ a's).
 */
export function perRound(a: ContenderRun, b: ContenderRun): string {
  const list = (xs: readonly number[]): string => xs.map((x) => x.toFixed(2)).join(" ");
  return `rate ${list(perRoundRatios(a, b))}; CPU ${list(perRoundCpuRatios(a, b))}`;
}

/** A Markdown table with padded columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** A target checked against a measured ratio. */
export interface Target {
  readonly section: string;
  readonly what: string;
  readonly ratio: number;
  /** The goal: at least this ratio (ratios are oriented so that higher is better). */
  readonly goal: number;
  readonly met: boolean;
}

/** Builds a {@link Target}. */
export function target(section: string, what: string, ratio: number, goal: number): Target {
  return { section, what, ratio, goal, met: ratio >= goal };
}

/** `label: 2.31× (goal ≥ 2×): met` */
export function formatTarget(t: Target): string {
  return `  ${t.what}: ${t.ratio.toFixed(2)}× (goal ≥ ${t.goal}×): ${t.met ? "met" : "NOT MET"}`;
}
