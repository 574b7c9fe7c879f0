/**
 * The server section of an adapter's benchmark: wrk against each server, in
 * rounds of `wrk -t1 -c50`, keep-alive and pipelined ×10, interleaved. Each
 * server runs in its own process pinned to core 1 and wrk on core 0; the
 * server's CPU time per request is read in the server process around each
 * round (it answers `{ type: "cpu" }` with `{ cpu: microseconds }`).
 *
 * The adapter names its servers (ours and the runtime's own), starts them,
 * and states its goals; everything else is shared.
 */
import type { ChildProcess } from "./processes.ts";
import {
  type Comparison,
  compare,
  formatTarget,
  interleave,
  kilo,
  perRound,
  type RoundContender,
  type Run,
  slice,
  spread,
  type Target,
  table,
  target,
} from "./rounds.ts";
import { runWrk } from "./wrk.ts";

/** A server measured, in table order. */
export interface ServerSpec {
  /** Passed to the adapter's `start`; names the server in results. */
  readonly kind: string;
  readonly label: string;
  /** Short name for column headers (peers only). */
  readonly short?: string;
  /** Tether's (compared against every peer) or a peer. */
  readonly ours: boolean;
}

/** The two load shapes. */
export type ServerMode = "keep-alive" | "pipelined-10";

/** A goal for our servers against one peer. */
export interface ServerGoal {
  readonly mode: ServerMode;
  /** The peer's kind. */
  readonly peer: string;
  /** `rate`: our req/s over the peer's; `cpu`: the peer's CPU per request over ours. */
  readonly metric: "rate" | "cpu";
  /** At least this ratio. */
  readonly goal: number;
}

/** A started server: its control channel and port on 127.0.0.1. */
export interface StartedServer {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Settings of the server section. */
export interface ServerSectionOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmSeconds: number;
  /**
   * Repeat the warm-up run (at most {@link MAX_WARM_RUNS} times) until the
   * server has answered this many requests: a JIT warms up by requests, not
   * seconds, and a busy machine serves few per second.
   */
  readonly warmRequests?: number;
  /** Warm up again before the pipelined rounds (the servers are warm from keep-alive). */
  readonly warmEachMode: boolean;
  readonly connections: number;
  readonly servers: readonly ServerSpec[];
  /** Starts one server pinned to `cpu`. */
  readonly start: (server: ServerSpec, cpu: number) => Promise<StartedServer>;
  readonly goals: readonly ServerGoal[];
  /**
   * `best`: the goals apply to the better of our servers (by rate against the
   * first peer); `each`: to every one of ours.
   */
  readonly goalsApplyTo: "best" | "each";
  readonly log: (text: string) => void;
}

/** One mode's outcome. */
export interface ServerModeResult {
  readonly mode: ServerMode;
  readonly runs: readonly Run[];
  /** `ours` against each peer: `${ours}/${peer}` → comparison. */
  readonly comparisons: Readonly<Record<string, Comparison>>;
  readonly targets: readonly Target[];
}

const SERVER_CPU = 1;
const WRK_CPU = 0;
/** Bounds the warm-up of {@link ServerSectionOptions.warmRequests}. */
const MAX_WARM_RUNS = 4;

/** Runs both modes against servers started once. */
export async function serverSection(options: ServerSectionOptions): Promise<ServerModeResult[]> {
  const started: { kind: string; server: StartedServer }[] = [];
  try {
    for (const s of options.servers) {
      started.push({ kind: s.kind, server: await options.start(s, SERVER_CPU) });
    }
    const results: ServerModeResult[] = [];
    for (const mode of ["keep-alive", "pipelined-10"] as const) {
      options.log(`  ${mode}: ${options.rounds} rounds × ${options.seconds} s per server`);
      const warm = mode === "keep-alive" || options.warmEachMode;
      const contenders = started.map((s) => wrkContender(s.kind, s.server, mode, options, warm));
      const runs = await interleave(contenders, options.rounds, options.log);
      results.push(evaluate(mode, runs, options));
    }
    return results;
  } finally {
    for (const s of started) await s.server.child.stop();
  }
}

function wrkContender(
  kind: string,
  server: StartedServer,
  mode: ServerMode,
  options: ServerSectionOptions,
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
    name: kind,
    warm: async () => {
      if (!warm) return;
      let served = 0;
      for (let run = 0; run < MAX_WARM_RUNS; run++) {
        served += (await wrk(options.warmSeconds)).requests;
        if (served >= (options.warmRequests ?? 0)) break;
      }
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

function labelOf(servers: readonly ServerSpec[], kind: string): string {
  const s = servers.find((x) => x.kind === kind);
  return s === undefined ? kind : (s.short ?? s.label);
}

function evaluate(mode: ServerMode, runs: readonly Run[], options: ServerSectionOptions) {
  const servers = options.servers;
  const by = (kind: string): Run => runs.find((r) => r.name === kind) as Run;
  const ours = servers.filter((s) => s.ours).map((s) => s.kind);
  const peers = servers.filter((s) => !s.ours).map((s) => s.kind);
  const comparisons: Record<string, Comparison> = {};
  for (const o of ours) {
    for (const p of peers) comparisons[`${o}/${p}`] = compare(by(o), by(p));
  }
  const reference = peers[0] as string;
  const rated = (o: string): number => (comparisons[`${o}/${reference}`] as Comparison).rate.median;
  const judged =
    options.goalsApplyTo === "each"
      ? ours
      : [ours.reduce((a, b) => (rated(a) >= rated(b) ? a : b))];
  const section = `server ${mode}`;
  const targets: Target[] = [];
  for (const o of judged) {
    for (const g of options.goals.filter((x) => x.mode === mode)) {
      const c = comparisons[`${o}/${g.peer}`] as Comparison;
      const peer = labelOf(servers, g.peer);
      targets.push(
        g.metric === "rate"
          ? target(section, `${o} req/s vs ${peer}`, c.rate.median, g.goal)
          : target(section, `${o} CPU/request: ${peer}'s over ours`, c.cpu.median, g.goal),
      );
    }
  }
  return { mode, runs, comparisons, targets } satisfies ServerModeResult;
}

/** The printed tables of the server section. */
export function formatServerSection(
  results: readonly ServerModeResult[],
  servers: readonly ServerSpec[],
  goalsApplyTo: "best" | "each",
): string {
  const peers = servers.filter((s) => !s.ours);
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `\n### Server, ${r.mode === "keep-alive" ? "keep-alive" : "pipelining depth 10"} ` +
        "(wrk -t1 -c50, small response)\n",
    );
    const rows = servers.map((s) => {
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
        ...peers.map((p) => ratio(p.kind)),
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
          ...peers.map((p) => `vs ${p.short ?? p.label} (rate / CPU)`),
        ],
        rows,
      ),
    );
    out.push(
      "req/s: median over rounds ± half the interquartile range. Ratios: median of per-round " +
        "ratios; rate = ours ÷ peer, CPU = peer's CPU per request ÷ ours (above 1: we spend less). " +
        "wrk CPU near 100%: wrk is the limit, compare CPU per request.",
    );
    const byKind = (kind: string): Run => r.runs.find((x) => x.name === kind) as Run;
    out.push("Per-round ratios:");
    for (const o of servers.filter((s) => s.ours)) {
      for (const p of peers) {
        out.push(`  ${o.kind} / ${p.kind}: ${perRound(byKind(o.kind), byKind(p.kind))}`);
      }
    }
    out.push(goalsApplyTo === "best" ? "Targets (the better of our servers):" : "Targets:");
    for (const t of r.targets) out.push(formatTarget(t));
  }
  return out.join("\n");
}
