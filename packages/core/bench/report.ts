/**
 * Turning measurements into the printed tables and the JSON results file.
 */
import type { BenchCase } from "./cases.ts";
import {
  type ContenderRun,
  perRoundCpuRatios,
  perRoundRatios,
  type Stats,
  stats,
} from "./harness.ts";

/** Tether's goals against each peer on the targeted cases (median per-round ratio). */
export const TARGETS: Readonly<Record<string, number>> = { llhttp: 1.5, "http-parser-js": 3 };

/** Tether against one peer on one case. */
export interface Ratio {
  readonly peer: string;
  /** Tether's rate over the peer's, per round. */
  readonly perRound: Stats;
  /** Median rate over median rate. */
  readonly ofMedians: number;
  /** The peer's CPU time per message over Tether's, per round. */
  readonly cpuPerRound: Stats;
  /** The goal, when the case is targeted. */
  readonly target: number | null;
  /** Whether the per-round median reaches the goal; `null` when there is none. */
  readonly met: boolean | null;
}

/** Everything measured on one case. */
export interface CaseResult {
  readonly c: BenchCase;
  readonly runs: readonly ContenderRun[];
  /** Empty when Tether was not measured. */
  readonly ratios: readonly Ratio[];
}

/** Ratios of Tether against every other contender. */
export function ratiosFor(c: BenchCase, runs: readonly ContenderRun[]): Ratio[] {
  const tether = runs.find((r) => r.name === "tether");
  if (tether === undefined) return [];
  return runs
    .filter((r) => r !== tether)
    .map((peer) => {
      const perRound = stats(perRoundRatios(tether, peer));
      const target = c.targeted ? (TARGETS[peer.name] ?? null) : null;
      return {
        peer: peer.name,
        perRound,
        ofMedians: tether.rate.median / peer.rate.median,
        cpuPerRound: stats(perRoundCpuRatios(tether, peer)),
        target,
        met: target === null ? null : perRound.median >= target,
      };
    });
}

function rate(r: number): string {
  return `${Math.round(r / 1000).toLocaleString("en-US")}k`;
}

/** Half the interquartile range as a percentage of the median. */
function spread(s: Stats): string {
  return `±${(((s.p75 - s.p25) / 2 / s.median) * 100).toFixed(0)}%`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

const PEERS = ["llhttp", "http-parser-js"] as const;
const COLUMNS = ["tether", ...PEERS] as const;

/** The printed report. */
export function formatReport(results: readonly CaseResult[], tetherMissing: string | null): string {
  const out: string[] = [];
  const cell = (r: CaseResult, name: string, f: (run: ContenderRun) => string): string => {
    const run = r.runs.find((x) => x.name === name);
    return run === undefined ? "n/a" : f(run);
  };
  const ratioCell = (r: CaseResult, peer: string): string => {
    const ratio = r.ratios.find((x) => x.peer === peer);
    if (ratio === undefined) return "n/a";
    const mark = ratio.met === null ? "" : ratio.met ? " ✓" : " ✗";
    return `${ratio.perRound.median.toFixed(2)}× (${ratio.ofMedians.toFixed(2)}×)${mark}`;
  };

  out.push(
    table(
      ["case", ...COLUMNS.map((n) => `${n} msg/s`), ...PEERS.map((p) => `ratio vs ${p}`)],
      results.map((r) => [
        r.c.description,
        ...COLUMNS.map((n) => cell(r, n, (run) => `${rate(run.rate.median)} ${spread(run.rate)}`)),
        ...PEERS.map((p) => ratioCell(r, p)),
      ]),
    ),
  );
  out.push(
    "msg/s: median over rounds, ± half the interquartile range. Ratio: median of per-round " +
      "ratios (ratio of medians in parentheses); ✓/✗ = target met/not met.",
  );
  out.push("");
  out.push(
    table(
      ["case", ...COLUMNS.map((n) => `${n} CPU ns/msg`), ...PEERS.map((p) => `CPU ratio vs ${p}`)],
      results.map((r) => [
        r.c.description,
        ...COLUMNS.map((n) => cell(r, n, (run) => run.cpuNsPerMessage.median.toFixed(0))),
        ...PEERS.map((p) => {
          const ratio = r.ratios.find((x) => x.peer === p);
          return ratio === undefined ? "n/a" : `${ratio.cpuPerRound.median.toFixed(2)}×`;
        }),
      ]),
    ),
  );
  out.push(
    "CPU ns/msg: median over rounds of (user + system CPU time) / messages, all threads. " +
      "CPU ratio: median of per-round (peer CPU/msg ÷ tether CPU/msg); steadier than msg/s " +
      "when other processes compete for the cores.",
  );
  out.push("");

  out.push("Targets (median per-round ratio, targeted cases):");
  if (tetherMissing !== null) {
    out.push(`  tether parser not available (${tetherMissing})`);
  } else {
    for (const r of results) {
      for (const ratio of r.ratios) {
        if (ratio.target === null || ratio.met === null) continue;
        out.push(
          `  ${r.c.name.padEnd(12)} vs ${ratio.peer.padEnd(15)} ${ratio.perRound.median.toFixed(2)}× ` +
            `(goal ≥ ${ratio.target}×): ${ratio.met ? "met" : "NOT MET"}`,
        );
      }
    }
    if (!results.some((r) => r.c.targeted)) out.push("  (no targeted case was run)");
  }
  return out.join("\n");
}

/** The JSON results document. */
export function resultsJson(
  results: readonly CaseResult[],
  meta: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...meta,
    cases: results.map((r) => ({
      name: r.c.name,
      description: r.c.description,
      kind: r.c.kind,
      bytesPerIteration: r.c.input.length,
      messagesPerIteration: r.c.messages,
      targeted: r.c.targeted,
      contenders: Object.fromEntries(
        r.runs.map((run) => [
          run.name,
          {
            messagesPerSecond: run.rate,
            cpuNsPerMessage: run.cpuNsPerMessage,
            slices: run.slices.map((s) => ({
              rate: Math.round(s.rate),
              cpuNsPerMessage: Math.round(s.cpuNsPerMessage),
            })),
          },
        ]),
      ),
      tetherRatios: Object.fromEntries(
        r.ratios.map((x) => [
          x.peer,
          {
            perRound: x.perRound,
            ofMedians: x.ofMedians,
            cpuPerRound: x.cpuPerRound,
            target: x.target,
            met: x.met,
          },
        ]),
      ),
    })),
  };
}
