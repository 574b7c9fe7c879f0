/**
 * The client section of an adapter's benchmark: each client, in its own
 * process pinned to core 1, makes a batch of GETs (20k, 50 in flight)
 * against one fast origin on core 0, in interleaved rounds. CPU time per
 * request is the client process's own. Client processes answer
 * `{ type: "run", count, concurrency }` (see gets.ts).
 *
 * The adapter names its clients (ours and the runtime's own), starts them
 * and the origin, and states its goals; everything else is shared.
 */
import type { Origin } from "./nginx.ts";
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

/** A client measured, in table order. */
export interface ClientSpec {
  /** Passed to the adapter's `start`; names the client in results. */
  readonly kind: string;
  readonly label: string;
  readonly ours: boolean;
}

/** A goal for `ours` against `peer`. */
export interface ClientGoal {
  readonly ours: string;
  readonly peer: string;
  /** `rate` (the default): our req/s over the peer's; `cpu`: the peer's CPU per request over ours. */
  readonly metric?: "rate" | "cpu";
  readonly goal: number;
}

/** Settings of the client section. */
export interface ClientSectionOptions {
  readonly rounds: number;
  readonly requests: number;
  readonly warmRequests: number;
  readonly concurrency: number;
  readonly clients: readonly ClientSpec[];
  /** Starts the origin pinned to `cpu`. */
  readonly startOrigin: (cpu: number) => Promise<Origin>;
  /** Starts one client process pinned to `cpu`, loading `origin` (`http://host:port`). */
  readonly start: (client: ClientSpec, origin: string, cpu: number) => Promise<ChildProcess>;
  readonly goals: readonly ClientGoal[];
  readonly log: (text: string) => void;
}

/** The section's outcome. */
export interface ClientResult {
  readonly origin: string;
  readonly runs: readonly Run[];
  /** `ours` against each peer: `${ours}/${peer}` → comparison. */
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
export async function clientSection(options: ClientSectionOptions): Promise<ClientResult> {
  let origin: Origin | null = null;
  const children: ChildProcess[] = [];
  try {
    origin = await options.startOrigin(ORIGIN_CPU);
    options.log(`  origin: ${origin.description}`);
    const contenders: RoundContender[] = [];
    for (const c of options.clients) {
      const child = await options.start(c, origin.url, CLIENT_CPU);
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
    return evaluate(origin.description, runs, options);
  } finally {
    for (const child of children) await child.stop();
    await origin?.stop();
  }
}

function evaluate(origin: string, runs: readonly Run[], options: ClientSectionOptions) {
  const by = (kind: string): Run => runs.find((r) => r.name === kind) as Run;
  const comparisons: Record<string, Comparison> = {};
  for (const ours of options.clients.filter((c) => c.ours)) {
    for (const peer of options.clients.filter((c) => !c.ours)) {
      comparisons[`${ours.kind}/${peer.kind}`] = compare(by(ours.kind), by(peer.kind));
    }
  }
  const targets = options.goals.map((g) => {
    const c = comparisons[`${g.ours}/${g.peer}`] as Comparison;
    return g.metric === "cpu"
      ? target("client", `${g.ours} CPU/request: ${g.peer}'s over ours`, c.cpu.median, g.goal)
      : target("client", `${g.ours} req/s vs ${g.peer}`, c.rate.median, g.goal);
  });
  return { origin, runs, comparisons, targets } satisfies ClientResult;
}

/** The printed table of the client section. */
export function formatClientSection(
  r: ClientResult,
  clients: readonly ClientSpec[],
  requests: number,
  concurrency: number,
): string {
  const ours = clients.filter((c) => c.ours);
  const out: string[] = [];
  out.push(`\n### Client, ${requests} GETs, ${concurrency} in flight, against ${r.origin}\n`);
  const rows = clients.map((c) => {
    const run = r.runs.find((x) => x.name === c.kind) as Run;
    const errors = run.extras.reduce((n, e) => n + e.errors, 0);
    const ratio = (o: string): string => {
      if (c.ours) return "";
      const x = r.comparisons[`${o}/${c.kind}`] as Comparison;
      return `${x.rate.median.toFixed(2)}× / ${x.cpu.median.toFixed(2)}×`;
    };
    return [
      c.label,
      `${kilo(run.rate.median)} ${spread(run.rate)}`,
      (run.cpuNsPerMessage.median / 1000).toFixed(1),
      String(errors),
      ...ours.map((o) => ratio(o.kind)),
    ];
  });
  out.push(
    table(
      [
        "client",
        "req/s",
        "client CPU µs/req",
        "errors",
        ...ours.map((o) => `${o.label} vs this (rate / CPU)`),
      ],
      rows,
    ),
  );
  out.push(
    "req/s: median over rounds ± half the interquartile range. Ratios: median of per-round " +
      "ratios; rate = ours ÷ peer, CPU = peer's CPU per request ÷ ours (above 1: we spend less).",
  );
  const byKind = (kind: string): Run => r.runs.find((x) => x.name === kind) as Run;
  out.push("Per-round ratios:");
  for (const o of ours) {
    for (const p of clients.filter((c) => !c.ours)) {
      out.push(`  ${o.kind} / ${p.kind}: ${perRound(byKind(o.kind), byKind(p.kind))}`);
    }
  }
  out.push("Targets:");
  for (const t of r.targets) out.push(formatTarget(t));
  return out.join("\n");
}
