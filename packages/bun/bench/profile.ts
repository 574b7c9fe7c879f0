/**
 * Profiles one contender under load, alone (no interleaving), with
 * `bun --cpu-prof --cpu-prof-md`, and prints the functions that were on the
 * stack most often:
 *
 *   bun bench/profile.ts tether-handler               # server, keep-alive, wrk -c50
 *   bun bench/profile.ts tether-handler --pipelined   # server, pipelining depth 10
 *   bun bench/profile.ts tether-fetch --client        # client, against nginx
 *   bun bench/profile.ts tether-fetch --perf          # server: CPU µs/request by code kind
 *   options: --seconds N (default 8), --top N (default 40), --dir DIR (default a temp dir)
 *
 * Shares are of samples, not of sampled time: Bun's profiles carry no idle
 * node, so on a busy machine the time since the previous sample (often
 * several intervals) would land on whatever ran next. Bun's own Markdown
 * summary is written beside the profile.
 *
 * `--perf` (servers only) samples the server process with Linux `perf
 * record -e cpu-clock` instead, for the whole wrk run, and splits its CPU
 * per request (every thread's: JIT and GC threads too) by where it ran:
 * Bun's native code, JIT-compiled JavaScript, the kernel (the socket
 * calls), libc. The JavaScript profiler sees only
 * JavaScript frames; this split shows what it cannot, e.g. that the fetch
 * handler's keep-alive cost over the low-level handler is mostly Bun's
 * native code (the `Response` and what reads it), not Tether's JavaScript.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { startNginx } from "../../conformance/bench-kit/nginx.ts";
import { pinned, startProcess } from "../../conformance/bench-kit/processes.ts";
import { loadClient, loadServer, profileOption } from "../../conformance/bench-kit/profile-load.ts";
import { ensureDebianPackages } from "../../conformance/bench-kit/wrk.ts";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = path.dirname(BENCH_DIR);

const argv = process.argv.slice(2);
const kind = argv[0];
if (kind === undefined || kind.startsWith("--")) {
  throw new Error("usage: bun bench/profile.ts KIND [--pipelined] [--client] [--seconds N]");
}
const option = profileOption(argv);
const seconds = Number(option("--seconds", "8"));
const top = Number(option("--top", "40"));
const dir = path.resolve(option("--dir", fs.mkdtempSync(path.join(os.tmpdir(), "tether-prof-"))));
/** `perf record`'s sampling rate (samples per CPU second), for `--perf`. */
const PERF_HZ = 4000;
const flags = ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${dir}`];

function start(file: string, args: readonly string[], cpu: number, withFlags: boolean) {
  const command = [process.execPath, ...(withFlags ? flags : []), path.join(BENCH_DIR, file)];
  return startProcess(pinned(cpu, [...command, ...args]), { cwd: PACKAGE_DIR, label: file });
}

if (argv.includes("--perf")) {
  ensureDebianPackages({ wrk: "wrk", perf: "linux-perf" });
  const { child, ready } = await start("server-child.ts", [kind], 1, false);
  const data = path.join(dir, "perf.data");
  const perf = spawn(
    "perf",
    ["record", "-q", "-e", "cpu-clock", "-F", String(PERF_HZ), "-p", String(ready.pid)],
    ["-o", data, "--", "sleep", String(seconds)],
  );
  let done: string;
  try {
    done = await loadServer(Number(ready.port), seconds, argv.includes("--pipelined"));
    await perf;
  } finally {
    await child.stop();
  }
  process.stdout.write(`${done}\n${perfSplit(data, Number.parseInt(done, 10))}`);
  process.exit(0);
}

if (argv.includes("--client")) {
  ensureDebianPackages({ nginx: "nginx" });
  const origin = await startNginx(0);
  try {
    const { child } = await start("client-child.ts", [kind, origin.url], 1, true);
    const done = await loadClient(child, seconds);
    await child.stop();
    process.stderr.write(`${done}\n`);
  } finally {
    await origin.stop();
  }
} else {
  ensureDebianPackages({ wrk: "wrk" });
  const { child, ready } = await start("server-child.ts", [kind], 1, true);
  const done = await loadServer(Number(ready.port), seconds, argv.includes("--pipelined"));
  await child.stop();
  process.stderr.write(`${done}\n`);
}

/** Runs `command`; resolves when it exits. */
function spawn(command: string, ...args: readonly string[][]): Promise<void> {
  const proc = Bun.spawn([command, ...args.flat()], { stdout: "ignore", stderr: "inherit" });
  return proc.exited.then(() => undefined);
}

/** CPU µs per request by shared object (`perf report --sort dso`), for `requests` requests. */
function perfSplit(data: string, requests: number): string {
  const report = Bun.spawnSync(["perf", "report", "-i", data, "--sort", "dso", "-n", "--stdio"]);
  const rows: string[] = [];
  let total = 0;
  for (const line of report.stdout.toString().split("\n")) {
    const m = /^\s*[\d.]+%\s+(\d+)\s+(.+?)\s*$/.exec(line);
    if (m === null) continue;
    const us = (Number(m[1]) / PERF_HZ / requests) * 1e6;
    total += us;
    rows.push(`${us.toFixed(2).padStart(7)}  ${(m[2] as string).replace(/ tid \d+$/, "")}`);
  }
  return `CPU µs per request by where it ran (perf, ${PERF_HZ} Hz):\n${rows.join("\n")}\n${total.toFixed(2).padStart(7)}  total\n`;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}

const file = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".cpuprofile"))
  .map((f) => path.join(dir, f))
  .sort()
  .at(-1);
if (file === undefined) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as {
  nodes: ProfileNode[];
  samples: number[];
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const root = `${path.resolve(PACKAGE_DIR, "..")}/`;
const name = (n: ProfileNode): string => {
  const f = n.callFrame;
  const where = f.url.replace(/^file:\/\//, "").replace(root, "");
  return where === ""
    ? f.functionName || "(native)"
    : `${f.functionName || "(anonymous)"}  ${where}:${f.lineNumber + 1}`;
};
const self = new Map<string, number>();
const total = new Map<string, number>();
for (const id of profile.samples) {
  const leaf = byId.get(id) as ProfileNode;
  self.set(name(leaf), (self.get(name(leaf)) ?? 0) + 1);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const key = name(byId.get(at) as ProfileNode);
    if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + 1);
    seen.add(key);
  }
}
const count = profile.samples.length;
const pct = (x: number): string => ((x * 100) / count).toFixed(1).padStart(5);
const lines = [...self.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
  .map(([key, n]) => `${pct(n)}  ${pct(total.get(key) ?? 0)}  ${key}`);
process.stdout.write(
  `${count} samples; self% total% function (native code has no location)\n${lines.join("\n")}\n` +
    `profile: ${file} (Bun's Markdown summary beside it)\n`,
);
