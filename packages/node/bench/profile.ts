/**
 * Profiles one contender under load, alone (no interleaving), with
 * `node --cpu-prof`, and prints the functions with the most self time,
 * each mapped back to its source file:
 *
 *   npx tsx bench/profile.ts tether-handler              # server, keep-alive, wrk -c50
 *   npx tsx bench/profile.ts tether-handler --pipelined  # server, pipelining depth 10
 *   npx tsx bench/profile.ts tether-fetch --client       # client, against nginx
 *   options: --seconds N (default 6), --top N (default 40), --dir DIR (default a temp dir),
 *            --no-inlining (V8 inlines nothing: small functions show up on their own)
 *
 * The summary is core's profile-summary.ts, run on the main thread's
 * profile; this script only adds the source file of each bundle line.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadClient, loadServer, profileOption } from "../../conformance/bench-kit/profile-load.ts";
import { ensureDebianPackages } from "../../conformance/bench-kit/wrk.ts";
import { BENCH_DIR, keepBundlesIn, PACKAGE_DIR, startChild } from "./child.ts";
import { startOrigin } from "./origin.ts";

const argv = process.argv.slice(2);
const kind = argv[0];
if (kind === undefined || kind.startsWith("--")) {
  throw new Error("usage: tsx bench/profile.ts KIND [--pipelined] [--client] [--seconds N]");
}
const flag = (name: string): boolean => argv.includes(name);
const option = profileOption(argv);
const seconds = Number(option("--seconds", "6"));
const top = option("--top", "40");
const dir = path.resolve(option("--dir", fs.mkdtempSync(path.join(os.tmpdir(), "tether-prof-"))));
const client = flag("--client");
keepBundlesIn(path.join(dir, "bundles"));
// --no-inlining: see small functions that are otherwise folded into their callers.
const flags = [
  "--cpu-prof",
  `--cpu-prof-dir=${dir}`,
  ...(flag("--no-inlining") ? ["--max-inlined-bytecode-size=0"] : []),
];

let bundle: string;
if (client) {
  ensureDebianPackages({ nginx: "nginx" });
  const origin = await startOrigin("nginx", 0);
  try {
    const { child } = await startChild("client-child.ts", [kind, origin.url], {
      cpu: 1,
      nodeFlags: flags,
    });
    const done = await loadClient(child, seconds);
    await child.stop();
    process.stderr.write(`${done}\n`);
  } finally {
    await origin.stop();
  }
  bundle = path.join(dir, "bundles", "client-child.mjs");
} else {
  ensureDebianPackages({ wrk: "wrk" });
  const { child, ready } = await startChild("server-child.ts", [kind], {
    cpu: 1,
    nodeFlags: flags,
  });
  const done = await loadServer(Number(ready.port), seconds, flag("--pipelined"));
  await child.stop();
  process.stderr.write(`${done}\n`);
  bundle = path.join(dir, "bundles", "server-child.mjs");
}

const profile = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".0.001.cpuprofile"))
  .map((f) => path.join(dir, f))
  .sort()
  .at(-1);
if (profile === undefined) throw new Error(`no profile written in ${dir}`);
const summary = execFileSync(
  process.execPath,
  [
    "--import",
    "tsx",
    path.join(PACKAGE_DIR, "..", "core", "bench", "profile-summary.ts"),
    profile,
    "--top",
    top,
  ],
  { encoding: "utf8", cwd: BENCH_DIR },
);

// Bundle line → source file, from esbuild's `// path/to/file.ts` markers.
const marks: { line: number; file: string }[] = [];
fs.readFileSync(bundle, "utf8")
  .split("\n")
  .forEach((text, i) => {
    const m = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text.trim());
    if (m !== null) marks.push({ line: i + 1, file: (m[1] as string).replace(/^(\.\.\/)+/, "") });
  });
const sourceOf = (line: number): string => {
  let file = "?";
  for (const m of marks) {
    if (m.line > line) break;
    file = m.file;
  }
  return file.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "");
};
const base = path.basename(bundle);
const mapped = summary.replace(
  new RegExp(`\\S*${base.replace(".", "\\.")}:(\\d+)`, "g"),
  (_all, line: string) => `${sourceOf(Number(line))} (bundle line ${line})`,
);
process.stdout.write(`${mapped}\nprofile: ${profile}\nbundle: ${bundle}\n`);
