/**
 * Memory per idle keep-alive connection: a fresh server process per round
 * (`--expose-gc`), a warm-up (connections served once and closed, so that
 * each server's code is compiled before the baseline and JIT code is not
 * counted per connection; then a set of connections left open), then heapUsed
 * and RSS after GC before and after `count` more connections, each idle
 * after one request. The delta over `count` is the cost per connection.
 * Each reading is taken once the connections have sat idle {@link IDLE_MS}
 * (every server alike): the steady state of an idle keep-alive connection,
 * not the moment its response went out. Loopback only, bounded by `count`.
 *
 * The steady state also means V8's young generation (the nursery for new
 * objects) is back to its smallest size. Opening thousands of connections
 * that all survive makes V8 double the nursery (up to 2 × 16 MiB on 64-bit
 * Node), and the pages it touched stay resident until V8 sees the process
 * idle and releases them (its memory reducer does this within ~30 s; a full
 * GC does it once the allocation rate has dropped). Those tens of MiB belong
 * to the process, not to the connections: a reading taken before the
 * release counted them as up to ~3 KB per connection, varying from round to
 * round and by where the baseline caught the nursery. So every server's
 * readings wait (GC, one more second idle, again) until the young
 * generation is released, see {@link settledMemory}; what it still holds
 * then (at most 2 MiB) is left out of both RSS readings.
 */
import type { ChildProcess } from "../../conformance/bench-kit/processes.ts";
import {
  formatTarget,
  type Stats,
  stats,
  type Target,
  table,
  target,
} from "../../conformance/bench-kit/rounds.ts";
import { startChild } from "./child.ts";

/**
 * How long the connections sit idle before each reading: longer than our
 * servers' idle compaction (`compactIdleAfterMs`, 1 s by default) with room
 * for timer slack, far below the servers' idle timeouts (2 min here).
 */
export const IDLE_MS = 2000;

/** V8's smallest young generation (two 1 MiB semi-spaces) and then some: "released" below this. */
const YOUNG_GENERATION_RELEASED = 2 * 1024 * 1024;

/** Longest wait for the release (V8's memory reducer acts within ~30 s of idleness). */
const SETTLE_LIMIT_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Servers measured, in table order. */
export const MEMORY_SERVERS = [
  { kind: "tether-handler", label: "tether serve({ handler })", ours: true },
  { kind: "tether-fetch", label: "tether serve({ fetch })", ours: true },
  { kind: "node-http", label: "node:http", ours: false },
  { kind: "raw-net", label: "raw node:net (floor)", ours: false },
] as const;

/** Settings of the memory section. */
export interface MemoryBenchOptions {
  readonly rounds: number;
  /** Idle connections measured. */
  readonly connections: number;
  /** Connections opened (and kept) before the baseline reading. */
  readonly warmConnections: number;
  /** Connections opened, served once and closed before those (the warm-up). */
  readonly churnConnections: number;
  readonly log: (text: string) => void;
}

/** One server's per-connection costs over the rounds. */
export interface MemoryRun {
  readonly name: string;
  /** Bytes per connection, one value per round. */
  readonly heapPerConnection: readonly number[];
  readonly rssPerConnection: readonly number[];
  readonly heap: Stats;
  readonly rss: Stats;
}

/** The section's outcome. */
export interface MemoryResult {
  readonly connections: number;
  readonly runs: readonly MemoryRun[];
  readonly targets: readonly Target[];
}

interface MemoryReply {
  readonly type: string;
  readonly heapUsed: number;
  readonly rss: number;
  /** Resident bytes of V8's young generation. */
  readonly youngGeneration: number;
  readonly open: number;
}

/**
 * The server's memory once its connections have sat idle {@link IDLE_MS}
 * and V8 has released the young generation's pages: GC readings one second
 * apart until the young generation is back to its smallest (the same
 * procedure for every server; it takes ~5–8 s).
 */
async function settledMemory(kind: string, child: ChildProcess): Promise<MemoryReply> {
  await sleep(IDLE_MS);
  const start = Date.now();
  for (;;) {
    const m = await child.call<MemoryReply>({ type: "memory" });
    if (m.youngGeneration <= YOUNG_GENERATION_RELEASED) return m;
    if (Date.now() - start > SETTLE_LIMIT_MS) {
      throw new Error(
        `${kind}: V8's young generation still holds ${m.youngGeneration} bytes after ` +
          `${SETTLE_LIMIT_MS / 1000} s idle; the reading would count it per connection`,
      );
    }
    await sleep(1000);
  }
}

/** Measures one server once, in a fresh process. */
async function measureOnce(
  kind: string,
  loader: ChildProcess,
  options: MemoryBenchOptions,
): Promise<{ heap: number; rss: number }> {
  const { child, ready } = await startChild("server-child.ts", [kind], {
    cpu: null,
    nodeFlags: ["--expose-gc"],
  });
  try {
    const port = Number(ready.port);
    // The same warm-up for every server: connections served and closed
    // (compiling each server's accept, request and close paths), then the
    // kept warm connections. One-time costs (JIT code, feedback) then stay
    // out of the per-connection figure, which is what each further idle
    // connection costs.
    await loader.call({ type: "churn", port, count: options.churnConnections });
    await loader.call({ type: "open", port, count: options.warmConnections });
    const before = await settledMemory(kind, child);
    await loader.call({ type: "open", port, count: options.connections });
    const after = await settledMemory(kind, child);
    const expected = options.warmConnections + options.connections;
    if (after.open !== expected) {
      throw new Error(`${kind}: ${after.open} connections open, expected ${expected}`);
    }
    // What the released young generation still holds (0–2 MiB: whichever
    // semi-space pages V8 touched since) is short-lived objects, the
    // process's: left out of both RSS readings alike.
    const rss = (m: MemoryReply): number => m.rss - m.youngGeneration;
    return {
      heap: (after.heapUsed - before.heapUsed) / options.connections,
      rss: (rss(after) - rss(before)) / options.connections,
    };
  } finally {
    await loader.call({ type: "close" });
    await child.stop();
  }
}

/** Runs the memory section, servers interleaved round by round. */
export async function memoryBench(options: MemoryBenchOptions): Promise<MemoryResult> {
  const { child: loader } = await startChild("idle-loader.ts", [], { cpu: null });
  const heaps: number[][] = MEMORY_SERVERS.map(() => []);
  const rsss: number[][] = MEMORY_SERVERS.map(() => []);
  try {
    const n = MEMORY_SERVERS.length;
    for (let r = 0; r < options.rounds; r++) {
      const line: string[] = [];
      for (let k = 0; k < n; k++) {
        const i = (r + k) % n;
        const s = MEMORY_SERVERS[i] as (typeof MEMORY_SERVERS)[number];
        const m = await measureOnce(s.kind, loader, options);
        (heaps[i] as number[]).push(m.heap);
        (rsss[i] as number[]).push(m.rss);
        line.push(`${s.kind} ${Math.round(m.heap)} B heap, ${Math.round(m.rss)} B RSS`);
      }
      options.log(`    round ${r + 1}/${options.rounds}: ${line.join("; ")}`);
    }
  } finally {
    await loader.stop();
  }
  const runs = MEMORY_SERVERS.map((s, i) => ({
    name: s.kind,
    heapPerConnection: heaps[i] as number[],
    rssPerConnection: rsss[i] as number[],
    heap: stats(heaps[i] as number[]),
    rss: stats(rsss[i] as number[]),
  }));
  const by = (kind: string): MemoryRun => runs.find((x) => x.name === kind) as MemoryRun;
  const http = by("node-http");
  const targets: Target[] = [];
  for (const ours of MEMORY_SERVERS.filter((s) => s.ours)) {
    const r = by(ours.kind);
    targets.push(
      target(
        "memory",
        `${ours.kind} heap per connection: node:http's over ours (≤ half ⇔ ≥ 2×)`,
        http.heap.median / r.heap.median,
        2,
      ),
      target(
        "memory",
        `${ours.kind} RSS per connection: node:http's over ours (≤ half ⇔ ≥ 2×)`,
        http.rss.median / r.rss.median,
        2,
      ),
    );
  }
  return { connections: options.connections, runs, targets };
}

/** The printed table of the memory section. */
export function formatMemory(r: MemoryResult): string {
  const out: string[] = [];
  out.push(
    `\n### Memory per idle keep-alive connection (${r.connections} connections, one request ` +
      `each, idle ${IDLE_MS / 1000} s, after GC; RSS once V8 has released its young generation, less what that still holds)\n`,
  );
  const http = r.runs.find((x) => x.name === "node-http") as MemoryRun;
  const bytes = (n: number): string => Math.round(n).toLocaleString("en-US");
  const range = (s: Stats): string => `${bytes(s.min)}–${bytes(s.max)}`;
  out.push(
    table(
      ["server", "heapUsed B/conn", "(range)", "RSS B/conn", "(range)", "÷ node:http heap / RSS"],
      MEMORY_SERVERS.map((s) => {
        const run = r.runs.find((x) => x.name === s.kind) as MemoryRun;
        return [
          s.label,
          bytes(run.heap.median),
          range(run.heap),
          bytes(run.rss.median),
          range(run.rss),
          `${(run.heap.median / http.heap.median).toFixed(2)} / ${(run.rss.median / http.rss.median).toFixed(2)}`,
        ];
      }),
    ),
  );
  out.push("Median over rounds (a fresh server process per round). Targets (both of our servers):");
  for (const t of r.targets) out.push(formatTarget(t));
  return out.join("\n");
}
