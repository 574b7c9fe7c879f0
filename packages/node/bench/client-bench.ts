/**
 * Client throughput: each client, in its own process pinned to core 1, makes
 * a batch of GETs (20k, 50 in flight) against one fast origin on core 0, in
 * interleaved rounds. CPU time per request is the client process's own.
 */
import { type ChildProcess, startChild } from "./child.ts";
import { type Origin, startOrigin } from "./origin.ts";
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

/** Clients measured, in table order. */
export const CLIENTS = [
  { kind: "tether-fetch", label: "tether fetch() (6 connections)", ours: true },
  { kind: "tether-request", label: "tether request() (6 connections)", ours: true },
  { kind: "undici-pool", label: "undici 7 Pool, 6 connections", ours: false },
  { kind: "undici-pipelined", label: "undici 7 Pool, 6 connections, pipelining 10", ours: false },
  { kind: "global-fetch", label: "Node global fetch", ours: false },
] as const;

/** Goals for our `fetch()` against each peer (rate ratio). */
const GOALS: Readonly<Record<string, number>> = {
  "undici-pool": 1.3,
  "undici-pipelined": 1.5,
  "global-fetch": 3,
};

/** Settings of the client section. */
export interface ClientBenchOptions {
  readonly rounds: number;
  readonly requests: number;
  readonly warmRequests: number;
  readonly concurrency: number;
  readonly origin: "nginx" | "raw-net";
  readonly tetherFlags: readonly string[];
  readonly log: (text: string) => void;
}

/** The section's outcome. */
export interface ClientResult {
  readonly origin: string;
  readonly runs: readonly Run[];
  readonly comparisons: Readonly<Record<string, Comparison>>;
  readonly targets: readonly Target[];
}

const ORIGIN_CPU = 0;
const CLIENT_CPU = 1;

interface RunReply {
  readonly type: string;
  readonly count: number;
  readonly wallNs: number;
  readonly cpuNs: number;
  readonly errors: number;
}

/** Runs every client against one origin. */
export async function clientBench(options: ClientBenchOptions): Promise<ClientResult> {
  let origin: Origin | null = null;
  const children: ChildProcess[] = [];
  try {
    origin = await startOrigin(options.origin, ORIGIN_CPU);
    options.log(`  origin: ${origin.description}`);
    const contenders: RoundContender[] = [];
    for (const c of CLIENTS) {
      const { child } = await startChild("client-child.ts", [c.kind, origin.url], {
        cpu: CLIENT_CPU,
        nodeFlags: c.ours ? options.tetherFlags : [],
      });
      children.push(child);
      const batch = (count: number) =>
        child.call<RunReply>({ type: "run", count, concurrency: options.concurrency });
      contenders.push({
        name: c.kind,
        warm: async () => {
          await batch(options.warmRequests);
        },
        round: async () => {
          const r = await batch(options.requests);
          return { slice: slice(r.count, r.wallNs, r.cpuNs), extra: { errors: r.errors } };
        },
      });
    }
    options.log(
      `  ${options.rounds} rounds × ${options.requests} GETs, ${options.concurrency} in flight`,
    );
    const runs = await interleave(contenders, options.rounds, options.log);
    return evaluate(origin.description, runs);
  } finally {
    for (const child of children) await child.stop();
    await origin?.stop();
  }
}

function evaluate(origin: string, runs: readonly Run[]): ClientResult {
  const by = (kind: string): Run => runs.find((r) => r.name === kind) as Run;
  const comparisons: Record<string, Comparison> = {};
  for (const ours of CLIENTS.filter((c) => c.ours)) {
    for (const peer of CLIENTS.filter((c) => !c.ours)) {
      comparisons[`${ours.kind}/${peer.kind}`] = compare(by(ours.kind), by(peer.kind));
    }
  }
  const targets = Object.entries(GOALS).map(([peer, goal]) =>
    target(
      "client",
      `tether fetch() req/s vs ${peer}`,
      (comparisons[`tether-fetch/${peer}`] as Comparison).rate.median,
      goal,
    ),
  );
  return { origin, runs, comparisons, targets };
}

/** The printed table of the client section. */
export function formatClient(r: ClientResult, requests: number, concurrency: number): string {
  const out: string[] = [];
  out.push(`\n### Client, ${requests} GETs, ${concurrency} in flight, against ${r.origin}\n`);
  const rows = CLIENTS.map((c) => {
    const run = r.runs.find((x) => x.name === c.kind) as Run;
    const errors = run.extras.reduce((n, e) => n + e.errors, 0);
    const ratio = (ours: string): string => {
      if (c.ours) return "";
      const x = r.comparisons[`${ours}/${c.kind}`] as Comparison;
      return `${x.rate.median.toFixed(2)}× / ${x.cpu.median.toFixed(2)}×`;
    };
    return [
      c.label,
      `${kilo(run.rate.median)} ${spread(run.rate)}`,
      (run.cpuNsPerMessage.median / 1000).toFixed(1),
      String(errors),
      ratio("tether-fetch"),
      ratio("tether-request"),
    ];
  });
  out.push(
    table(
      [
        "client",
        "req/s",
        "client CPU µs/req",
        "errors",
        "tether fetch() vs this (rate / CPU)",
        "tether request() vs this (rate / CPU)",
      ],
      rows,
    ),
  );
  out.push(
    "req/s: median over rounds ± half the interquartile range. Ratios: median of per-round " +
      "ratios; rate = ours ÷ peer, CPU = peer's CPU per request ÷ ours (above 1: we spend less).",
  );
  out.push("Targets:");
  for (const t of r.targets) out.push(formatTarget(t));
  return out.join("\n");
}
