/**
 * Profiles one Deno contender under load, alone (no interleaving), and
 * prints the functions with the most self time (core's
 * profile-summary.ts, run on the profile profiler.ts wrote):
 *
 *   pnpm bench:profile tether-handler              # server, keep-alive, wrk -c50
 *   pnpm bench:profile tether-handler --pipelined  # server, pipelining depth 10
 *   pnpm bench:profile tether-fetch --client       # client, against nginx
 *   options: --seconds N (default 6), --top N (default 40), --dir DIR (default a temp dir)
 *
 * Shares are of every sample, idle included (listed as `(idle)`).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { startNginx } from "../../conformance/bench-kit/nginx.ts";
import { loadClient, loadServer, profileOption } from "../../conformance/bench-kit/profile-load.ts";
import { ensureDebianPackages } from "../../conformance/bench-kit/wrk.ts";
import { BENCH_DIR, CHILD_FLAGS, startDenoChild } from "./deno-child.ts";

const argv = Deno.args;
const kind = argv[0];
if (kind === undefined || kind.startsWith("--")) {
  throw new Error("usage: pnpm bench:profile KIND [--pipelined] [--client] [--seconds N]");
}
const option = profileOption(argv);
const seconds = Number(option("--seconds", "6"));
const top = option("--top", "40");
const dir = path.resolve(option("--dir", Deno.makeTempDirSync({ prefix: "tether-deno-prof-" })));
Deno.mkdirSync(dir, { recursive: true });
Deno.env.set("DENO_NO_UPDATE_CHECK", "1");
const before = new Set([...Deno.readDirSync(dir)].map((e) => e.name));

if (argv.includes("--client")) {
  ensureDebianPackages({ nginx: "nginx" });
  const origin = await startNginx(0);
  try {
    const { child } = await startDenoChild("client-child.ts", [kind, origin.url], {
      cpu: 1,
      profileDir: dir,
    });
    const done = await loadClient(child, seconds);
    await child.stop();
    console.error(done);
  } finally {
    await origin.stop();
  }
} else {
  ensureDebianPackages({ wrk: "wrk" });
  const { child, ready } = await startDenoChild("server-child.ts", [kind], {
    cpu: 1,
    profileDir: dir,
  });
  const done = await loadServer(Number(ready.port), seconds, argv.includes("--pipelined"));
  await child.stop();
  console.error(done);
}

const profile = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((name) => name.endsWith(".cpuprofile") && !before.has(name))
  .map((name) => path.join(dir, name))[0];
if (profile === undefined) throw new Error(`no profile written in ${dir}`);
const summary = execFileSync(
  Deno.execPath(),
  [
    "run",
    ...CHILD_FLAGS,
    "--allow-read",
    path.join(BENCH_DIR, "..", "..", "core", "bench", "profile-summary.ts"),
    profile,
    "--top",
    top,
  ],
  { encoding: "utf8", cwd: BENCH_DIR },
);
console.log(`${summary}\nprofile: ${profile}`);
