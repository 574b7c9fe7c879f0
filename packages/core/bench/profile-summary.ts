/**
 * Summarises V8 CPU profiles: the functions with the most self time, and
 * their inclusive time. For profiling the parser inside the benchmark:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run.ts --case browser-get
 *   npx tsx bench/profile-summary.ts /tmp/prof/*.cpuprofile [--top 30] [--only src/] [--within run@contenders/tether.ts]
 *
 * `--only TEXT` lists only functions whose name or location contains TEXT.
 * `--within NAME[@FILE]` keeps only samples taken inside a function named
 * NAME (in a script whose URL contains FILE), e.g. the contender's timed loop
 * `run@contenders/tether.ts`, so start-up and reporting drop out and the
 * percentages are shares of that function's time. Otherwise they are
 * shares of every sample (idle and GC included; both are listed). Run node
 * with `--no-turbo-inlining` to see small functions that are otherwise
 * folded into their callers.
 */
import { fs, proc } from "./node.ts";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface Row {
  readonly key: string;
  self: number;
  total: number;
}

function keyOf(frame: CallFrame): string {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return name;
  const file = frame.url.replace(/^file:\/\//, "").replace(/^.*\/packages\/core\//, "");
  const short = file.replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, "");
  return `${name}  ${short}:${frame.lineNumber + 1}`;
}

/** A function to restrict the samples to: its name, and text its script URL contains. */
interface Within {
  readonly name: string;
  readonly file: string;
}

function summarise(profile: Profile, rows: Map<string, Row>, within: Within | null): number {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const row = (key: string): Row => {
    let r = rows.get(key);
    if (r === undefined) {
      r = { key, self: 0, total: 0 };
      rows.set(key, r);
    }
    return r;
  };
  let time = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's delta is the time since the previous one; charge it to the sample.
    const dt = profile.timeDeltas[i] ?? 0;
    let id: number | undefined = profile.samples[i] as number;
    const node = byId.get(id);
    if (node === undefined) continue;
    if (within !== null) {
      let inside = false;
      for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
        const frame = (byId.get(up) as ProfileNode).callFrame;
        if (frame.functionName === within.name && frame.url.includes(within.file)) {
          inside = true;
          break;
        }
      }
      if (!inside) continue;
    }
    row(keyOf(node.callFrame)).self += dt;
    const seen = new Set<string>();
    for (; id !== undefined; id = parent.get(id)) {
      const key = keyOf((byId.get(id) as ProfileNode).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      row(key).total += dt;
    }
    time += dt;
  }
  return time;
}

function main(argv: readonly string[]): void {
  let top = 25;
  let only: string | null = null;
  let within: Within | null = null;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--top") top = Number(argv[++i]);
    else if (arg === "--only") only = argv[++i] ?? null;
    else if (arg === "--within") {
      const [name = "", file = ""] = (argv[++i] ?? "").split("@");
      within = { name, file };
    } else files.push(arg);
  }
  if (files.length === 0) {
    throw new Error(
      "usage: profile-summary.ts FILE.cpuprofile… [--top N] [--only TEXT] [--within NAME[@FILE]]",
    );
  }
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
    const rows = new Map<string, Row>();
    const time = summarise(profile, rows, within);
    const list = [...rows.values()]
      .filter((r) => only === null || r.key.includes(only))
      .sort((a, b) => b.self - a.self)
      .slice(0, top);
    const scope = within === null ? "" : ` inside ${within.name}()`;
    proc.stdout.write(`\n${file}: ${(time / 1e6).toFixed(2)} s sampled${scope}\n`);
    proc.stdout.write("  self%  total%  function  location\n");
    for (const r of list) {
      const self = ((r.self / time) * 100).toFixed(1).padStart(5);
      const total = ((r.total / time) * 100).toFixed(1).padStart(6);
      proc.stdout.write(`  ${self}  ${total}  ${r.key}\n`);
    }
  }
}

main(proc.argv.slice(2));
