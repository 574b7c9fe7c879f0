/**
 * Runs the fuzzing campaign (campaign.ts) from the command line:
 *
 *     pnpm fuzz                 # 5 minutes
 *     pnpm fuzz --minutes 30
 *     pnpm fuzz --quick         # about 15 s, without coverage feedback (add --coverage)
 *     pnpm fuzz --seed 42 --no-coverage
 *
 * New crashes are written to fuzz/crashes/ (replayed by
 * test/fuzz-regressions.test.ts); the exit code is 1 when there are any.
 */
import { runCampaign } from "./campaign.ts";
import { Coverage } from "./coverage.ts";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const quick = process.argv.includes("--quick");
const minutes = Number(option("--minutes") ?? 5);
if (!quick && !(minutes > 0)) throw new Error("--minutes must be a positive number");
const durationMs = quick ? 15_000 : minutes * 60_000;
const seed = Number(option("--seed") ?? Date.now() % 2 ** 31);
// Coverage pays off once the easy blocks are found; a quick run spends its time on throughput.
const withCoverage =
  process.argv.includes("--coverage") || !(quick || process.argv.includes("--no-coverage"));
const coverage = withCoverage ? new Coverage() : null;
const log = (line: string) => process.stdout.write(`${line}\n`);

log(
  `fuzzing core for ${durationMs / 1000} s (seed ${seed}, ${coverage === null ? "no coverage" : "block coverage"})`,
);
const r = runCampaign({ durationMs, seed, coverage, log });
coverage?.close();

const rate = Math.round(r.inputs / (r.ms / 1000));
log(
  `\n${r.inputs} inputs in ${(r.ms / 1000).toFixed(1)} s: ${rate} inputs/s; corpus ${r.corpus} seeds, ` +
    `pool ${r.pool}, ${r.blocks} blocks covered, ${r.behaviours} behaviours`,
);
const known = [...r.hits].filter(([, n]) => n > 0);
if (known.length > 0) {
  log("violations hit (signature: hits):");
  for (const [sig, n] of known) log(`  ${sig}: ${n}`);
}
if (r.findings.length > 0) {
  log(`${r.findings.length} new crash(es) written:`);
  for (const f of r.findings) log(`  ${f.path}`);
  process.exitCode = 1;
} else {
  log("no new crash");
}
