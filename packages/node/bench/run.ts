/**
 * @tether/node benchmarks (issue #4): servers under wrk, clients against one
 * fast origin, and memory per idle keep-alive connection, each against
 * Node's own and undici, interleaved in short rounds (the machines are
 * noisy: only per-round ratios and CPU time per request mean much).
 *
 *   pnpm bench                         # everything (about 6 minutes)
 *   pnpm bench --quick                 # smoke run (< 1 minute)
 *   pnpm bench --only server,client    # some sections (server, client, memory)
 *   pnpm bench --rounds 9              # rounds per section
 *   pnpm bench --origin raw-net        # clients against node:net instead of nginx
 *   pnpm bench --profile /tmp/prof     # --cpu-prof in Tether's server and client processes
 *                                      # (the bundles they ran are kept in /tmp/prof/bundles)
 *
 * Needs wrk (and nginx for the client section); both are installed with
 * apt-get when missing. Results: tables on stdout, bench/results/latest.json.
 * Summarise a profile with packages/core/bench/profile-summary.ts.
 */
import * as os from "node:os";
import * as path from "node:path";
import {
  type BenchArgs,
  closingLines,
  codeState,
  machine,
  parseBenchArgs,
  writeResults,
} from "../../conformance/bench-kit/cli.ts";
import { pinning } from "../../conformance/bench-kit/processes.ts";
import type { Target } from "../../conformance/bench-kit/rounds.ts";
import { ensureDebianPackages } from "../../conformance/bench-kit/wrk.ts";
import { BENCH_DIR, keepBundlesIn, removeBundles } from "./child.ts";
import { type ClientResult, clientBench, formatClient } from "./client-bench.ts";
import { formatMemory, type MemoryResult, memoryBench } from "./memory-bench.ts";
import { formatServer, type ServerModeResult, serverBench } from "./server-bench.ts";

const SECTIONS = ["server", "client", "memory"] as const;
type Section = (typeof SECTIONS)[number];
const ORIGINS = ["nginx", "raw-net"] as const;

const FULL = {
  server: { rounds: 7, seconds: 2, warmSeconds: 1, warmEachMode: true },
  client: { rounds: 6, requests: 20_000, warmRequests: 2_000 },
  memory: { rounds: 3, connections: 5_000, warmConnections: 100 },
};
const QUICK = {
  server: { rounds: 2, seconds: 1, warmSeconds: 1, warmEachMode: false },
  client: { rounds: 2, requests: 1_000, warmRequests: 300 },
  memory: { rounds: 1, connections: 1_000, warmConnections: 50 },
};

const USAGE = `usage: tsx bench/run.ts [--quick] [--only SECTION[,SECTION…]] [--rounds N]
                        [--origin nginx|raw-net] [--profile DIR]
sections: ${SECTIONS.join(", ")}`;

async function main(): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const args: BenchArgs<Section, (typeof ORIGINS)[number]> | null = parseBenchArgs(
    process.argv.slice(2),
    { sections: SECTIONS, origins: ORIGINS, usage: USAGE },
  );
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
    args.profileDir === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${args.profileDir}`];
  if (args.profileDir !== null) keepBundlesIn(path.join(args.profileDir, "bundles"));

  const needed: Record<string, string> = {};
  if (args.sections.includes("server")) needed.wrk = "wrk";
  if (args.sections.includes("client") && args.origin === "nginx") needed.nginx = "nginx";
  const installed = ensureDebianPackages(needed);
  if (!pinning()) log("taskset not found or one core: processes are not pinned");

  const out: string[] = [];
  const targets: Target[] = [];
  let server: ServerModeResult[] | null = null;
  let client: ClientResult | null = null;
  let memory: MemoryResult | null = null;

  if (args.sections.includes("server")) {
    log("server section (wrk):");
    const s = settings.server;
    server = await serverBench({
      ...s,
      rounds: roundsOf(s.rounds),
      connections: 50,
      tetherFlags,
      log,
    });
    out.push(formatServer(server));
    for (const r of server) targets.push(...r.targets);
  }
  if (args.sections.includes("client")) {
    log("client section:");
    const c = settings.client;
    client = await clientBench({
      ...c,
      rounds: roundsOf(c.rounds),
      concurrency: 50,
      origin: args.origin,
      tetherFlags,
      log,
    });
    out.push(formatClient(client, c.requests, 50));
    targets.push(...client.targets);
  }
  if (args.sections.includes("memory")) {
    log("memory section:");
    const m = settings.memory;
    memory = await memoryBench({ ...m, rounds: roundsOf(m.rounds), log });
    out.push(formatMemory(memory));
    targets.push(...memory.targets);
  }

  const elapsed = Number(process.hrtime.bigint() - startedAt) / 1e9;
  out.push(...closingLines(targets, `Node ${process.version}`, elapsed));
  process.stdout.write(`${out.join("\n")}\n`);

  const file = writeResults(path.join(BENCH_DIR, "results"), {
    date: new Date().toISOString(),
    node: process.version,
    cpu: machine(),
    loadAverageAtEnd: os.loadavg(),
    quick: args.quick,
    pinned: pinning(),
    installed,
    settings: { ...settings, rounds: args.rounds, origin: args.origin },
    profiled: args.profileDir,
    server,
    client,
    memory,
    targets,
    code: codeState({
      core: "packages/core/src",
      adapterKit: "packages/adapter-kit/src",
      node: "packages/node/src",
    }),
    elapsedSeconds: Number(elapsed.toFixed(1)),
  });
  log(`wrote ${file} (${elapsed.toFixed(1)} s)`);
}

main()
  .catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(removeBundles);
