/**
 * An adapter's whole benchmark run: the command line, the packages it needs,
 * the server and client sections (and any the adapter adds), the closing
 * targets and `bench/results/latest.json`. Each adapter's `bench/run.ts`
 * supplies only what is its own: the contenders and goals, how a child
 * process starts under its runtime, and the runtime's name and version.
 */
import * as os from "node:os";
import * as path from "node:path";
import { machineCpu, stealPercent } from "../../core/bench/cpu-steal.ts";
import {
  type BenchArgs,
  closingLines,
  codeState,
  machine,
  parseBenchArgs,
  writeResults,
} from "./cli.ts";
import {
  type ClientGoal,
  type ClientResult,
  type ClientSpec,
  clientSection,
  formatClientSection,
} from "./client-section.ts";
import { PIPELINED_FETCH, WIDE_FETCH } from "./gets.ts";
import { type Origin, startNginx } from "./nginx.ts";
import { type ChildMessage, type ChildProcess, pinning } from "./processes.ts";
import type { Target } from "./rounds.ts";
import {
  formatServerSection,
  type ServerGoal,
  type ServerMode,
  type ServerModeResult,
  type ServerSpec,
  serverSection,
} from "./server-section.ts";
import { ensureDebianPackages } from "./wrk.ts";

/** Tether's two server styles, first in every adapter's server table. */
export const TETHER_SERVERS: readonly ServerSpec[] = [
  { kind: "tether-handler", label: "tether serve({ handler })", ours: true },
  { kind: "tether-fetch", label: "tether serve({ fetch })", ours: true },
];

/** Tether's two client APIs (6 connections each), first in every adapter's client table. */
export const TETHER_CLIENTS: readonly ClientSpec[] = [
  { kind: "tether-fetch", label: "tether fetch() (6 connections)", ours: true },
  { kind: "tether-request", label: "tether request() (6 connections)", ours: true },
];

/** A contender of the runtime's own, as it appears in the tables. */
export interface PeerSpec {
  readonly kind: string;
  readonly label: string;
  /** The column heading of comparisons against it. */
  readonly short?: string;
}

/**
 * Tether's socket layer alone writing the fixed response (layer-server.ts):
 * what the adapter costs between the ceiling and Tether's servers. Every
 * runtime's server child answers this kind with `listenLayerFixed`.
 */
export const LAYER_SERVER: ServerSpec = {
  kind: "tether-layer",
  label: "tether socket layer alone, fixed response",
  short: "socket layer",
  ours: false,
};

/**
 * The server table: Tether's two styles, the runtime's own server, a raw
 * fixed-response server of the runtime as the ceiling, and Tether's socket
 * layer writing the same fixed response ({@link LAYER_SERVER}).
 */
export function serverContenders(own: PeerSpec, ceiling: PeerSpec): readonly ServerSpec[] {
  return [...TETHER_SERVERS, { ...own, ours: false }, { ...ceiling, ours: false }, LAYER_SERVER];
}

/** The client table: Tether's two APIs, then the runtime's own clients. */
export function clientContenders(...own: readonly PeerSpec[]): readonly ClientSpec[] {
  return [...TETHER_CLIENTS, ...own.map(({ kind, label }) => ({ kind, label, ours: false }))];
}

/**
 * The client table of a runtime whose own `fetch` opens a connection per
 * request in flight: Tether's two APIs on the default pool, Tether's
 * `fetch()` on as many connections as the runtime's ({@link WIDE_FETCH}),
 * then the runtime's own clients.
 */
export function clientContendersWide(...own: readonly PeerSpec[]): readonly ClientSpec[] {
  const [fetch, request, ...peers] = clientContenders(...own);
  return [fetch, request, WIDE_FETCH, ...peers].filter((c): c is ClientSpec => c !== undefined);
}

/**
 * The client table of a runtime whose peers include a pipelining pool:
 * Tether's two APIs on the default pool, Tether's `fetch()` pipelining
 * like that peer ({@link PIPELINED_FETCH}), then the runtime's own clients.
 */
export function clientContendersPipelined(...own: readonly PeerSpec[]): readonly ClientSpec[] {
  const [fetch, request, ...peers] = clientContenders(...own);
  return [fetch, request, PIPELINED_FETCH, ...peers].filter(
    (c): c is ClientSpec => c !== undefined,
  );
}

/** Ratio goals by metric: `rate` (ours ÷ peer) and `cpu` (peer's CPU per request ÷ ours). */
export interface MetricGoals {
  readonly rate?: number;
  readonly cpu?: number;
}

/** Server goals against one `peer`, by mode then metric, in the order given. */
export function serverGoalsVs(
  peer: string,
  byMode: Partial<Record<ServerMode, MetricGoals>>,
): ServerGoal[] {
  const goals: ServerGoal[] = [];
  for (const [mode, metrics] of Object.entries(byMode) as [ServerMode, MetricGoals][]) {
    for (const [metric, goal] of Object.entries(metrics) as ["rate" | "cpu", number][])
      goals.push({ mode, peer, metric, goal });
  }
  return goals;
}

/** Client goals of our clients (by kind) against one `peer`, then by metric, in the order given. */
export function clientGoalsVs(
  peer: string,
  byOurs: Readonly<Record<string, MetricGoals>>,
): ClientGoal[] {
  const goals: ClientGoal[] = [];
  for (const [ours, metrics] of Object.entries(byOurs)) {
    for (const [metric, goal] of Object.entries(metrics) as ["rate" | "cpu", number][])
      goals.push({ ours, peer, metric, goal });
  }
  return goals;
}

/** Settings of the server section (see server-section.ts). */
export interface ServerSettings {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmSeconds: number;
  readonly warmRequests?: number;
  readonly warmEachMode: boolean;
}

/** Settings of the client section (see client-section.ts). */
export interface ClientSettings {
  readonly rounds: number;
  readonly requests: number;
  readonly warmRequests: number;
}

/** Settings of every section; extra sections' settings are the adapter's. */
export interface BenchSettings {
  readonly [section: string]: unknown;
  readonly server: ServerSettings;
  readonly client: ClientSettings;
}

/** A section beyond server and client, run after them. */
export interface ExtraSection {
  readonly name: string;
  readonly run: (context: {
    readonly quick: boolean;
    readonly rounds: number | null;
    readonly log: (text: string) => void;
  }) => Promise<{
    /** Goes to the results file under the section's name. */
    readonly result: unknown;
    /** The printed table. */
    readonly table: string;
    readonly targets: readonly Target[];
  }>;
}

/** Everything an adapter's benchmark says about itself. */
export interface AdapterBench<O extends string> {
  /** `node`, `bun` or `deno`: the key of the version in the results and of `packages/<name>/src`. */
  readonly name: string;
  /** The adapter's `bench/` directory (results go to its `results/`). */
  readonly benchDir: string;
  readonly argv: readonly string[];
  /** The usage text before its `sections:` line. */
  readonly usage: string;
  /** The first is the default; "nginx" is the kit's, any other {@link rawOriginDescription}. */
  readonly origins: readonly [O, ...O[]];
  readonly full: BenchSettings;
  readonly quick: BenchSettings;
  readonly servers: readonly ServerSpec[];
  readonly serverGoals: readonly ServerGoal[];
  readonly goalsApplyTo: "best" | "each";
  readonly clients: readonly ClientSpec[];
  readonly clientGoals: readonly ClientGoal[];
  readonly extraSections?: readonly ExtraSection[];
  /**
   * Starts `bench/<file> args…` under the runtime, pinned to `cpu`, and waits
   * for its `ready`; `profileDir` is non-null only for ours under `--profile`.
   * The kit starts `server-child.ts KIND` (replying `ready` with its `port`)
   * and `client-child.ts KIND ORIGIN` (see gets.ts).
   */
  readonly startChild: (
    file: string,
    args: readonly string[],
    cpu: number,
    profileDir: string | null,
  ) => Promise<{ child: ChildProcess; ready: ChildMessage }>;
  /**
   * What the raw origin is: any origin but "nginx" is the server child of
   * that kind (the raw fixed-response server of the server section).
   */
  readonly rawOriginDescription: string;
  /** The runtime for the closing line (`label`) and the results (`version`). */
  readonly runtime: () => { readonly label: string; readonly version: unknown };
  /** Before any section (after the arguments are parsed). */
  readonly prepare?: (args: BenchArgs<string, O>) => void;
  /** After the tables are printed. */
  readonly afterTables?: (args: BenchArgs<string, O>, log: (text: string) => void) => void;
}

/** An origin that is one of the adapter's own children (its raw fixed-response server). */
export async function childOrigin(
  description: string,
  started: Promise<{ child: ChildProcess; ready: ChildMessage }>,
): Promise<Origin> {
  const { child, ready } = await started;
  return {
    description,
    url: `http://127.0.0.1:${Number(ready.port)}`,
    stop: () => child.stop(),
  };
}

/** Runs the sections the command line asks for, prints the tables and writes the results. */
export async function runBench<O extends string>(bench: AdapterBench<O>): Promise<void> {
  const startedAt = performance.now();
  const cpuAtStart = machineCpu();
  const extras = bench.extraSections ?? [];
  const sections = ["server", "client", ...extras.map((e) => e.name)];
  const usage = `${bench.usage}\nsections: ${sections.join(", ")}`;
  const args = parseBenchArgs(bench.argv, { sections, origins: bench.origins, usage });
  if (args === null) {
    console.log(usage);
    return;
  }
  const log = (text: string): void => console.error(text);
  const settings = args.quick ? bench.quick : bench.full;
  const roundsOf = (n: number): number => args.rounds ?? n;
  const profileIf = (ours: boolean): string | null => (ours ? args.profileDir : null);
  bench.prepare?.(args);

  const needed: Record<string, string> = {};
  if (args.sections.includes("server")) needed.wrk = "wrk";
  if (args.sections.includes("client") && args.origin === "nginx") needed.nginx = "nginx";
  const installed = ensureDebianPackages(needed);
  if (!pinning()) log("taskset not found or one core: processes are not pinned");

  const out: string[] = [];
  const targets: Target[] = [];
  let server: ServerModeResult[] | null = null;
  let client: ClientResult | null = null;

  if (args.sections.includes("server")) {
    log("server section (wrk):");
    const s = settings.server;
    server = await serverSection({
      ...s,
      rounds: roundsOf(s.rounds),
      connections: 50,
      servers: bench.servers,
      goals: bench.serverGoals,
      goalsApplyTo: bench.goalsApplyTo,
      log,
      start: async (spec, cpu) => {
        const profileDir = profileIf(spec.ours);
        const { child, ready } = await bench.startChild(
          "server-child.ts",
          [spec.kind],
          cpu,
          profileDir,
        );
        return { child, port: Number(ready.port) };
      },
    });
    out.push(formatServerSection(server, bench.servers, bench.goalsApplyTo));
    for (const r of server) targets.push(...r.targets);
  }
  if (args.sections.includes("client")) {
    log("client section:");
    const c = settings.client;
    client = await clientSection({
      ...c,
      rounds: roundsOf(c.rounds),
      concurrency: 50,
      clients: bench.clients,
      goals: bench.clientGoals,
      log,
      startOrigin: (cpu) =>
        args.origin === "nginx"
          ? startNginx(cpu)
          : childOrigin(
              bench.rawOriginDescription,
              bench.startChild("server-child.ts", [args.origin], cpu, null),
            ),
      start: async (spec, origin, cpu) => {
        const profileDir = profileIf(spec.ours);
        return (await bench.startChild("client-child.ts", [spec.kind, origin], cpu, profileDir))
          .child;
      },
    });
    out.push(formatClientSection(client, bench.clients, c.requests, 50));
    targets.push(...client.targets);
  }
  const extraResults: Record<string, unknown> = {};
  for (const extra of extras) {
    if (!args.sections.includes(extra.name)) {
      extraResults[extra.name] = null;
      continue;
    }
    log(`${extra.name} section:`);
    const done = await extra.run({ quick: args.quick, rounds: args.rounds, log });
    extraResults[extra.name] = done.result;
    out.push(done.table);
    targets.push(...done.targets);
  }

  const elapsed = (performance.now() - startedAt) / 1000;
  const steal = stealPercent(cpuAtStart, machineCpu());
  const runtime = bench.runtime();
  out.push(...closingLines(targets, runtime.label, elapsed, steal));
  console.log(out.join("\n"));
  bench.afterTables?.(args, log);

  const file = writeResults(path.join(bench.benchDir, "results"), {
    date: new Date().toISOString(),
    [bench.name]: runtime.version,
    cpu: machine(),
    loadAverageAtEnd: os.loadavg(),
    cpuStealPercent: steal,
    quick: args.quick,
    pinned: pinning(),
    installed,
    settings: { ...settings, rounds: args.rounds, origin: args.origin },
    profiled: args.profileDir,
    server,
    client,
    ...extraResults,
    targets,
    code: codeState({
      core: "packages/core/src",
      adapterKit: "packages/adapter-kit/src",
      [bench.name]: `packages/${bench.name}/src`,
    }),
    elapsedSeconds: Number(elapsed.toFixed(1)),
  });
  log(`wrote ${file} (${elapsed.toFixed(1)} s)`);
}
