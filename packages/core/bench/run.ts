/**
 * Core parser benchmark: Tether's MessageParser against Node's built-in
 * llhttp and the npm package http-parser-js, interleaved in one process.
 *
 *   pnpm bench                      # full run (~1 minute)
 *   pnpm bench --quick              # smoke test (a few seconds)
 *   pnpm bench --case browser-get   # one case (repeatable, or comma-separated)
 *   pnpm bench --rounds 31 --slice 200
 *   pnpm bench --only tether        # one contender (for profiling; no ratios)
 *
 * Profiling Tether alone (the main thread's profile is the `*.0.001.cpuprofile`):
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run.ts --case browser-get --only tether
 *   npx tsx bench/profile-summary.ts /tmp/prof/*.0.001.cpuprofile --within run@contenders/tether.ts
 *
 * Results: a table on stdout and bench/results/latest.json.
 */
import { type BenchCase, CASES } from "./cases.ts";
import { httpParserJs } from "./contenders/http-parser-js.ts";
import { llhttp } from "./contenders/llhttp.ts";
import { loadTether } from "./contenders/tether.ts";
import type { Contender } from "./contenders/types.ts";
import { machineCpu, stealLine, stealPercent } from "./cpu-steal.ts";
import { type HarnessOptions, measure, sinkValue } from "./harness.ts";
import { benchPath, cpuModel, fs, loadAverage, nowNs, proc, sourceFingerprint } from "./node.ts";
import { type CaseResult, formatReport, ratiosFor, resultsJson } from "./report.ts";
import { verifyCase } from "./verify.ts";

const FULL: HarnessOptions = { rounds: 21, sliceMs: 150, warmupMs: 450 };
const QUICK: HarnessOptions = { rounds: 5, sliceMs: 40, warmupMs: 120 };

const USAGE = `usage: tsx bench/run.ts [--quick] [--case NAME[,NAME…]]… [--rounds N] [--slice MS]
                        [--only CONTENDER[,CONTENDER…]]
cases: ${CASES.map((c) => c.name).join(", ")}
contenders: tether, llhttp, http-parser-js`;

interface Args {
  readonly options: HarnessOptions;
  readonly quick: boolean;
  readonly cases: readonly BenchCase[];
  /** Contender names to measure; empty for all. */
  readonly only: readonly string[];
}

/** The parsed command line, or `null` when only the usage was asked for. */
function parseArgs(argv: readonly string[]): Args | null {
  let quick = false;
  let rounds: number | undefined;
  let sliceMs: number | undefined;
  const names: string[] = [];
  const only: string[] = [];
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 1) {
      throw new Error(`${flag} needs a positive integer\n${USAGE}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--quick") quick = true;
    else if (arg === "--case") names.push(...(argv[++i] ?? "").split(","));
    else if (arg === "--only") only.push(...(argv[++i] ?? "").split(","));
    else if (arg === "--rounds") rounds = number(arg, argv[++i]);
    else if (arg === "--slice") sliceMs = number(arg, argv[++i]);
    else if (arg === "--help" || arg === "-h") return null;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const base = quick ? QUICK : FULL;
  const options = {
    rounds: rounds ?? base.rounds,
    sliceMs: sliceMs ?? base.sliceMs,
    warmupMs: base.warmupMs,
  };
  const cases =
    names.length === 0
      ? CASES
      : names.map((name) => {
          const c = CASES.find((x) => x.name === name);
          if (c === undefined) throw new Error(`unknown case ${JSON.stringify(name)}\n${USAGE}`);
          return c;
        });
  for (const name of only) {
    if (!["tether", "llhttp", "http-parser-js"].includes(name)) {
      throw new Error(`unknown contender ${JSON.stringify(name)}\n${USAGE}`);
    }
  }
  return { options, quick, cases, only };
}

async function main(): Promise<void> {
  const started = nowNs();
  const cpuAtStart = machineCpu();
  const args = parseArgs(proc.argv.slice(2));
  if (args === null) {
    proc.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = (text: string): void => {
    proc.stderr.write(`${text}\n`);
  };

  const tether = await loadTether();
  const tetherMissing = typeof tether === "string" ? tether : null;
  if (tetherMissing !== null) log(`tether parser not available: ${tetherMissing}`);
  // llhttp first: it is the reference for the cross-check.
  const all: Contender[] = [llhttp, httpParserJs];
  if (typeof tether !== "string") all.unshift(tether);
  if (args.only.includes("tether") && tetherMissing !== null) {
    throw new Error("--only tether, but the tether parser is not available");
  }

  // Every available contender is cross-checked, llhttp first as the reference.
  const reference = [llhttp, ...all.filter((x) => x !== llhttp)];
  for (const c of args.cases) verifyCase(c, reference);
  log(`verified: ${reference.map((x) => x.name).join(", ")} agree on ${args.cases.length} case(s)`);
  const contenders = args.only.length === 0 ? all : all.filter((x) => args.only.includes(x.name));

  const { rounds, sliceMs, warmupMs } = args.options;
  log(`${rounds} rounds × ${sliceMs} ms per contender, ${warmupMs} ms warm-up, order rotated`);
  const results: CaseResult[] = [];
  for (const c of args.cases) {
    const t0 = nowNs();
    const runs = measure(c, contenders, args.options);
    results.push({ c, runs, ratios: ratiosFor(c, runs) });
    log(`  ${c.name}: ${(Number(nowNs() - t0) / 1e9).toFixed(1)} s`);
  }

  const steal = stealPercent(cpuAtStart, machineCpu());
  proc.stdout.write(`\n${formatReport(results, tetherMissing)}\n\n${stealLine(steal)}\n`);

  const elapsed = Number(nowNs() - started) / 1e9;
  const json = resultsJson(results, {
    date: new Date().toISOString(),
    node: proc.version,
    platform: `${proc.platform} ${proc.arch}`,
    cpu: cpuModel(),
    quick: args.quick,
    contenders: contenders.map((x) => x.name),
    options: args.options,
    tether: tetherMissing === null ? "measured" : `not available: ${tetherMissing}`,
    coreSourceSha256: sourceFingerprint("../src"),
    loadAverageAtEnd: loadAverage(),
    cpuStealPercent: steal,
    elapsedSeconds: Number(elapsed.toFixed(1)),
    sink: sinkValue(),
  });
  const dir = benchPath("results");
  fs.mkdirSync(dir, { recursive: true });
  const file = benchPath("results", "latest.json");
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  log(`\nwrote ${file} (${elapsed.toFixed(1)} s total)`);
}

main().catch((e: unknown) => {
  proc.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  proc.exitCode = 1;
});
