/**
 * The benchmark report (issue #8): runs every package's benchmark, one at a
 * time, then writes `docs/benchmarks/README.md` and its SVG charts from the
 * results files.
 *
 *   pnpm bench:report                 # every bench (full settings), then the report
 *   pnpm bench:report --quick         # every bench with --quick, then the report
 *   pnpm bench:render                 # only the report, from the existing results
 *   pnpm bench:report --dry-run       # print the commands it would run
 *   … run.ts --render-only --out DIR  # somewhere else than docs/benchmarks
 *
 * Each bench runs as its package's own `bench` script (the command in its
 * package.json), so this file knows no bench's flags; then the benches that
 * only print their tables (captured.ts: Node's TLS bench) run with their
 * output recorded. A bench that fails does not stop the others; its
 * sections then show as stale or missing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../bench-kit/cli.ts";
import { BENCHES } from "./benches.ts";
import { runCaptured, scriptPath } from "./capture.ts";
import { CAPTURED } from "./captured.ts";
import { gatherInputs } from "./inputs.ts";
import { obj, str } from "./read.ts";
import { renderReport } from "./render.ts";

const USAGE = "usage: run.ts [--quick] [--render-only | --dry-run] [--out DIR]";

interface Args {
  readonly quick: boolean;
  readonly renderOnly: boolean;
  /** Print the commands that would run, run nothing, write nothing. */
  readonly dryRun: boolean;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): Args | null {
  let quick = false;
  let renderOnly = false;
  let dryRun = false;
  let out = path.join(REPO_ROOT, "docs/benchmarks");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--render-only") renderOnly = true;
    else if (arg === "--dry-run") dryRun = true;
    else if (arg === "--out") out = path.resolve(argv[++i] ?? "");
    else if (arg === "--help" || arg === "-h") return null;
    else if (arg !== "--") throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return { quick, renderOnly, dryRun, out };
}

/** A package's `bench` script (from its package.json), with `--quick` when asked; null if none. */
function benchCommand(id: string, quick: boolean): string | null {
  const file = path.join(REPO_ROOT, "packages", id, "package.json");
  const script = str(obj(obj(JSON.parse(fs.readFileSync(file, "utf8")))?.scripts)?.bench);
  return script === null ? null : quick ? `${script} --quick` : script;
}

/** Runs one package's `bench` script the way pnpm would; true when it succeeded. */
function runBench(id: string, quick: boolean): boolean {
  const dir = path.join(REPO_ROOT, "packages", id);
  const command = benchCommand(id, quick);
  if (command === null) {
    console.error(`bench:report: packages/${id} has no bench script`);
    return false;
  }
  console.error(`\n=== packages/${id}: ${command}`);
  const result = spawnSync("sh", ["-c", command], {
    cwd: dir,
    stdio: "inherit",
    env: { ...process.env, PATH: scriptPath(dir) },
  });
  if (result.status !== 0) {
    console.error(`bench:report: packages/${id} bench failed (${result.status ?? result.signal})`);
    return false;
  }
  return true;
}

/**
 * Lets Biome pad the Markdown tables (the repository's formatter checks
 * Markdown, and counts display widths of µ, ×, ✅ … its own way). The text
 * goes through standard input, so `--out` may be outside the repository.
 */
function formatMarkdown(text: string): string {
  const biome = path.join(REPO_ROOT, "node_modules/.bin/biome");
  const r = spawnSync(biome, ["format", "--stdin-file-path=docs/benchmarks/README.md"], {
    cwd: REPO_ROOT,
    input: text,
    encoding: "utf8",
  });
  if (r.status === 0 && r.stdout !== "") return r.stdout;
  console.error(`bench:report: biome could not format the README (left unpadded):\n${r.stderr}`);
  return text;
}

/** Writes the report's files, removing charts of sections that no longer have one. */
function writeReport(out: string): void {
  const files = renderReport(gatherInputs());
  fs.mkdirSync(out, { recursive: true });
  for (const name of fs.readdirSync(out)) {
    if (name.endsWith(".svg") && !files.has(name)) fs.rmSync(path.join(out, name));
  }
  for (const [name, text] of files) {
    fs.writeFileSync(path.join(out, name), name.endsWith(".md") ? formatMarkdown(text) : text);
  }
  console.error(`bench:report: wrote ${files.size} file(s) to ${path.relative(REPO_ROOT, out)}/`);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args === null) {
    console.log(USAGE);
    return;
  }
  if (args.dryRun) {
    for (const b of BENCHES) console.log(`packages/${b.id}: ${benchCommand(b.id, args.quick)}`);
    for (const c of CAPTURED) {
      console.log(
        `${c.dir}: ${args.quick ? `${c.command} ${c.quickArgs}` : c.command} > ${c.file}`,
      );
    }
    console.log(`then: the report in ${path.relative(REPO_ROOT, args.out)}/`);
    return;
  }
  const failed: string[] = [];
  if (!args.renderOnly) {
    // One at a time: the benches pin their processes to the machine's cores.
    for (const b of BENCHES) if (!runBench(b.id, args.quick)) failed.push(b.id);
    for (const c of CAPTURED) if (!runCaptured(c, args.quick)) failed.push(c.id);
  }
  writeReport(args.out);
  if (failed.length > 0) {
    console.error(
      `bench:report: failed: ${failed.join(", ")} (their sections are stale or missing)`,
    );
    process.exitCode = 1;
  }
}

main();
