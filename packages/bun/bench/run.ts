/**
 * @tether/bun benchmarks (issue #5): servers under wrk and clients against
 * one fast origin, each against Bun's own (Bun.serve, a raw Bun.listen
 * server, Bun's fetch), interleaved in short rounds (the machines are noisy:
 * only per-round ratios and CPU time per request mean much). Everything but
 * the contenders is the shared bench kit's (packages/conformance/bench-kit:
 * rounds, wrk and its pipelining script, nginx, child processes, tables).
 *
 *   pnpm bench                         # everything (about 4 minutes)
 *   pnpm bench --quick                 # smoke run (< 1 minute)
 *   pnpm bench --only server           # one section (server, client)
 *   pnpm bench --rounds 9              # rounds per section
 *   pnpm bench --origin raw-listen     # clients against the raw Bun.listen server, not nginx
 *   pnpm bench --profile /tmp/prof     # bun --cpu-prof (and --cpu-prof-md) in Tether's processes
 *   bun bench/profile.ts tether-handler  # one contender alone, profiled (see profile.ts)
 *
 * Servers and clients run under Bun (this process's own binary), each in its
 * own process pinned to core 1, with wrk or the origin on core 0; CPU time is
 * the whole process's (every thread: JIT, GC, Bun's HTTP client). Needs wrk
 * (and nginx for the client section); both are installed with apt-get when
 * missing. Results: tables on stdout, bench/results/latest.json.
 */
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BenchArgs,
  closingLines,
  codeState,
  machine,
  parseBenchArgs,
  writeResults,
} from "../../conformance/bench-kit/cli.ts";
import {
  type ClientGoal,
  type ClientResult,
  type ClientSpec,
  clientSection,
  formatClientSection,
} from "../../conformance/bench-kit/client-section.ts";
import { type Origin, startNginx } from "../../conformance/bench-kit/nginx.ts";
import {
  type ChildMessage,
  type ChildProcess,
  pinned,
  pinning,
  startProcess,
} from "../../conformance/bench-kit/processes.ts";
import type { Target } from "../../conformance/bench-kit/rounds.ts";
import {
  formatServerSection,
  type ServerGoal,
  type ServerModeResult,
  type ServerSpec,
  serverSection,
} from "../../conformance/bench-kit/server-section.ts";
import { ensureDebianPackages } from "../../conformance/bench-kit/wrk.ts";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = path.dirname(BENCH_DIR);

/** Servers measured, in table order; `ours` are Tether's. */
const SERVERS: readonly ServerSpec[] = [
  { kind: "tether-handler", label: "tether serve({ handler })", ours: true },
  { kind: "tether-fetch", label: "tether serve({ fetch })", ours: true },
  { kind: "bun-serve", label: "Bun.serve({ fetch })", short: "Bun.serve", ours: false },
  {
    kind: "raw-listen",
    label: "raw Bun.listen fixed response (ceiling)",
    short: "raw Bun.listen",
    ours: false,
  },
];

/**
 * Issue #5's server goals, for each of our servers. Each is also checked on
 * CPU per request (Bun.serve's over ours), which a busy machine disturbs
 * far less than requests per second.
 */
const SERVER_GOALS: readonly ServerGoal[] = [
  { mode: "keep-alive", peer: "bun-serve", metric: "rate", goal: 0.8 },
  { mode: "keep-alive", peer: "bun-serve", metric: "cpu", goal: 0.8 },
  { mode: "pipelined-10", peer: "bun-serve", metric: "rate", goal: 2 },
  { mode: "pipelined-10", peer: "bun-serve", metric: "cpu", goal: 2 },
];

/** Clients measured, in table order. */
const CLIENTS: readonly ClientSpec[] = [
  { kind: "tether-fetch", label: "tether fetch() (6 connections)", ours: true },
  { kind: "tether-request", label: "tether request() (6 connections)", ours: true },
  { kind: "bun-fetch", label: "Bun fetch (its own pool)", ours: false },
];

/** Issue #5's client goals, on rate and (as for the servers) on CPU per request. */
const CLIENT_GOALS: readonly ClientGoal[] = [
  { ours: "tether-fetch", peer: "bun-fetch", goal: 0.8 },
  { ours: "tether-fetch", peer: "bun-fetch", metric: "cpu", goal: 0.8 },
  { ours: "tether-request", peer: "bun-fetch", goal: 0.8 },
  { ours: "tether-request", peer: "bun-fetch", metric: "cpu", goal: 0.8 },
];

const SECTIONS = ["server", "client"] as const;
type Section = (typeof SECTIONS)[number];
const ORIGINS = ["nginx", "raw-listen"] as const;
type OriginKind = (typeof ORIGINS)[number];

// Bun's JIT (JavaScriptCore) needs some 20k requests of warm-up before CPU
// per request settles; on a busy machine that takes more than a second.
const FULL = {
  server: { rounds: 7, seconds: 2, warmSeconds: 2, warmRequests: 30_000, warmEachMode: true },
  client: { rounds: 6, requests: 20_000, warmRequests: 20_000 },
};
const QUICK = {
  server: { rounds: 2, seconds: 1, warmSeconds: 1, warmRequests: 10_000, warmEachMode: false },
  client: { rounds: 2, requests: 2_000, warmRequests: 5_000 },
};

const USAGE = `usage: bun bench/run.ts [--quick] [--only SECTION[,SECTION…]] [--rounds N]
                        [--origin ${ORIGINS.join("|")}] [--profile DIR]
sections: ${SECTIONS.join(", ")}`;

/** The Bun binary the children run under: this one, or the package's. */
const BUN =
  process.versions.bun === undefined
    ? path.join(PACKAGE_DIR, "node_modules", ".bin", "bun")
    : process.execPath;

/** Starts `bun [flags] bench/<file> args…` pinned to `cpu` and waits for `ready`. */
function startBunChild(
  file: string,
  args: readonly string[],
  cpu: number,
  flags: readonly string[],
): Promise<{ child: ChildProcess; ready: ChildMessage }> {
  const argv = pinned(cpu, [BUN, ...flags, path.join(BENCH_DIR, file), ...args]);
  return startProcess(argv, { cwd: PACKAGE_DIR, label: `bun ${file} ${args.join(" ")}` });
}

/** The origin of the client section, pinned to `cpu`. */
async function startOrigin(kind: OriginKind, cpu: number): Promise<Origin> {
  if (kind === "nginx") return startNginx(cpu);
  const { child, ready } = await startBunChild("server-child.ts", ["raw-listen"], cpu, []);
  return {
    description: "raw Bun.listen server writing a fixed response",
    url: `http://127.0.0.1:${Number(ready.port)}`,
    stop: () => child.stop(),
  };
}

async function main(): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const args: BenchArgs<Section, OriginKind> | null = parseBenchArgs(process.argv.slice(2), {
    sections: SECTIONS,
    origins: ORIGINS,
    usage: USAGE,
  });
  if (args === null) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = (text: string): void => {
    process.stderr.write(`${text}\n`);
  };
  const settings = args.quick ? QUICK : FULL;
  const roundsOf = (n: number): number => args.rounds ?? n;
  const tetherFlags =
    args.profileDir === null
      ? []
      : ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${args.profileDir}`];

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
      servers: SERVERS,
      goals: SERVER_GOALS,
      goalsApplyTo: "each",
      log,
      start: async (spec, cpu) => {
        const flags = spec.ours ? tetherFlags : [];
        const { child, ready } = await startBunChild("server-child.ts", [spec.kind], cpu, flags);
        return { child, port: Number(ready.port) };
      },
    });
    out.push(formatServerSection(server, SERVERS, "each"));
    for (const r of server) targets.push(...r.targets);
  }
  if (args.sections.includes("client")) {
    log("client section:");
    const c = settings.client;
    client = await clientSection({
      ...c,
      rounds: roundsOf(c.rounds),
      concurrency: 50,
      clients: CLIENTS,
      goals: CLIENT_GOALS,
      log,
      startOrigin: (cpu) => startOrigin(args.origin, cpu),
      start: async (spec, origin, cpu) => {
        const flags = spec.ours ? tetherFlags : [];
        return (await startBunChild("client-child.ts", [spec.kind, origin], cpu, flags)).child;
      },
    });
    out.push(formatClientSection(client, CLIENTS, c.requests, 50));
    targets.push(...client.targets);
  }

  const elapsed = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const bunVersion = execFileSync(BUN, ["--version"], { encoding: "utf8" }).trim();
  out.push(...closingLines(targets, `Bun ${bunVersion}`, elapsed));
  process.stdout.write(`${out.join("\n")}\n`);

  const file = writeResults(path.join(BENCH_DIR, "results"), {
    date: new Date().toISOString(),
    bun: bunVersion,
    cpu: machine(),
    loadAverageAtEnd: os.loadavg(),
    quick: args.quick,
    pinned: pinning(),
    installed,
    settings: { ...settings, rounds: args.rounds, origin: args.origin },
    profiled: args.profileDir,
    server,
    client,
    targets,
    code: codeState({
      core: "packages/core/src",
      adapterKit: "packages/adapter-kit/src",
      bun: "packages/bun/src",
    }),
    elapsedSeconds: Number(elapsed.toFixed(1)),
  });
  log(`wrote ${file} (${elapsed.toFixed(1)} s)`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
