/**
 * Server throughput: wrk against each server, in rounds of `wrk -t1 -c50`,
 * keep-alive and pipelined ×10, interleaved. Each server runs in its own
 * process pinned to core 1 and wrk on core 0; the server's CPU time per
 * request is read in the server process around each round.
 */
import { type ChildProcess, startChild } from "./child.ts";
import {
  type Comparison,
  compare,
  formatTarget,
  interleave,
  kilo,
  type RoundContender,
  type Run,
  slice,
  spread,
  type Target,
  table,
  target,
} from "./rounds.ts";
import { runWrk } from "./wrk.ts";

/** Servers measured, in table order; `ours` are Tether's. */
export const SERVERS = [
  { kind: "tether-handler", label: "tether serve({ handler })", ours: true },
  { kind: "tether-fetch", label: "tether serve({ fetch })", ours: true },
  { kind: "node-http", label: "node:http", ours: false },
  { kind: "raw-net", label: "raw node:net fixed response (ceiling)", ours: false },
] as const;

/** Settings of the server section. */
export interface ServerBenchOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmSeconds: number;
  /** Warm up again before the pipelined rounds (the servers are warm from keep-alive). */
  readonly warmEachMode: boolean;
  readonly connections: number;
  /** Node flags for Tether's server processes (profiling). */
  readonly tetherFlags: readonly string[];
  readonly log: (text: string) => void;
}

/** One mode's outcome. */
export interface ServerModeResult {
  readonly mode: "keep-alive" | "pipelined-10";
  readonly runs: readonly Run[];
  /** `ours` against each peer: `${ours}/${peer}` → comparison. */
  readonly comparisons: Readonly<Record<string, Comparison>>;
  readonly targets: readonly Target[];
}

const SERVER_CPU = 1;
const WRK_CPU = 0;

/** Runs both modes against servers started once. */
export async function serverBench(options: ServerBenchOptions): Promise<ServerModeResult[]> {
  const started: { kind: string; child: ChildProcess; port: number }[] = [];
  try {
    for (const s of SERVERS) {
      const flags = s.ours ? options.tetherFlags : [];
      const { child, ready } = await startChild("server-child.ts", [s.kind], {
        cpu: SERVER_CPU,
        nodeFlags: flags,
      });
      started.push({ kind: s.kind, child, port: Number(ready.port) });
    }
    const results: ServerModeResult[] = [];
    for (const mode of ["keep-alive", "pipelined-10"] as const) {
      options.log(`  ${mode}: ${options.rounds} rounds × ${options.seconds} s per server`);
      const warm = mode === "keep-alive" || options.warmEachMode;
      const contenders = started.map((s) => wrkContender(s, mode, options, warm));
      const runs = await interleave(contenders, options.rounds, options.log);
      results.push(evaluate(mode, runs));
    }
    return results;
  } finally {
    for (const s of started) await s.child.stop();
  }
}

function wrkContender(
  server: { kind: string; child: ChildProcess; port: number },
  mode: "keep-alive" | "pipelined-10",
  options: ServerBenchOptions,
  warm: boolean,
): RoundContender {
  const url = `http://127.0.0.1:${server.port}/`;
  const script = mode === "pipelined-10" ? "pipeline.lua" : undefined;
  const wrk = (seconds: number) =>
    runWrk({
      url,
      connections: options.connections,
      seconds,
      cpu: WRK_CPU,
      ...(script === undefined ? {} : { script }),
    });
  const cpu = async (): Promise<number> =>
    Number((await server.child.call<{ type: string; cpu: number }>({ type: "cpu" })).cpu);
  return {
    name: server.kind,
    warm: async () => {
      if (warm) await wrk(options.warmSeconds);
    },
    round: async () => {
      const before = await cpu();
      const result = await wrk(options.seconds);
      const spent = (await cpu()) - before;
      return {
        slice: slice(result.requests, result.seconds * 1e9, spent * 1000),
        extra: { errors: result.errors, loadCpuShare: result.wrkCpuMicros / 1e6 / result.seconds },
      };
    },
  };
}

function evaluate(mode: "keep-alive" | "pipelined-10", runs: readonly Run[]): ServerModeResult {
  const by = (kind: string): Run => runs.find((r) => r.name === kind) as Run;
  const comparisons: Record<string, Comparison> = {};
  for (const ours of SERVERS.filter((s) => s.ours)) {
    for (const peer of SERVERS.filter((s) => !s.ours)) {
      comparisons[`${ours.kind}/${peer.kind}`] = compare(by(ours.kind), by(peer.kind));
    }
  }
  // The targets apply to the better of our two servers (by rate against node:http).
  const best = SERVERS.filter((s) => s.ours)
    .map((s) => s.kind)
    .reduce((a, b) =>
      (comparisons[`${a}/node-http`] as Comparison).rate.median >=
      (comparisons[`${b}/node-http`] as Comparison).rate.median
        ? a
        : b,
    );
  const vsHttp = comparisons[`${best}/node-http`] as Comparison;
  const vsRaw = comparisons[`${best}/raw-net`] as Comparison;
  const section = `server ${mode}`;
  const targets =
    mode === "keep-alive"
      ? [
          target(section, `${best} req/s vs node:http`, vsHttp.rate.median, 2),
          target(
            section,
            `${best} CPU/request: node:http's over ours (≤ half ⇔ ≥ 2×)`,
            vsHttp.cpu.median,
            2,
          ),
          target(section, `${best} req/s vs raw node:net`, vsRaw.rate.median, 0.7),
        ]
      : [target(section, `${best} req/s vs node:http`, vsHttp.rate.median, 3)];
  return { mode, runs, comparisons, targets };
}

/** The printed tables of the server section. */
export function formatServer(results: readonly ServerModeResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `\n### Server, ${r.mode === "keep-alive" ? "keep-alive" : "pipelining depth 10"} ` +
        "(wrk -t1 -c50, small response)\n",
    );
    const rows = SERVERS.map((s) => {
      const run = r.runs.find((x) => x.name === s.kind) as Run;
      const wrkShare = run.extras.map((e) => e.loadCpuShare ?? Number.NaN).sort((a, b) => a - b);
      const wrkMedian = wrkShare[Math.floor(wrkShare.length / 2)] ?? Number.NaN;
      const errors = run.extras.reduce((n, e) => n + e.errors, 0);
      const ratio = (peer: string): string => {
        if (!s.ours) return "";
        const c = r.comparisons[`${s.kind}/${peer}`] as Comparison;
        return `${c.rate.median.toFixed(2)}× / ${c.cpu.median.toFixed(2)}×`;
      };
      return [
        s.label,
        `${kilo(run.rate.median)} ${spread(run.rate)}`,
        (run.cpuNsPerMessage.median / 1000).toFixed(1),
        Number.isNaN(wrkMedian) ? "?" : `${Math.round(wrkMedian * 100)}%`,
        String(errors),
        ratio("node-http"),
        ratio("raw-net"),
      ];
    });
    out.push(
      table(
        [
          "server",
          "req/s",
          "server CPU µs/req",
          "wrk CPU",
          "errors",
          "vs node:http (rate / CPU)",
          "vs raw net (rate / CPU)",
        ],
        rows,
      ),
    );
    out.push(
      "req/s: median over rounds ± half the interquartile range. Ratios: median of per-round " +
        "ratios; rate = ours ÷ peer, CPU = peer's CPU per request ÷ ours (above 1: we spend less). " +
        "wrk CPU near 100%: wrk is the limit, compare CPU per request.",
    );
    out.push("Targets (the better of our two servers):");
    for (const t of r.targets) out.push(formatTarget(t));
  }
  return out.join("\n");
}
