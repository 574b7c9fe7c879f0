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
import { ensureDebianPackages, runWrk } from "../../conformance/bench-kit/wrk.ts";
import { BENCH_DIR, CHILD_FLAGS, startDenoChild } from "./deno-child.ts";

const argv = Deno.args;
const kind = argv[0];
if (kind === undefined || kind.startsWith("--")) {
  throw new Error("usage: pnpm bench:profile KIND [--pipelined] [--client] [--seconds N]");
}
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : (argv[i + 1] ?? fallback);
};
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
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < seconds * 1000) {
      await child.call({ type: "run", count: 5000, concurrency: 50 });
      n += 5000;
    }
    await child.stop();
    console.error(`${n} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await origin.stop();
  }
} else {
  ensureDebianPackages({ wrk: "wrk" });
  const { child, ready } = await startDenoChild("server-child.ts", [kind], {
    cpu: 1,
    profileDir: dir,
  });
  const result = await runWrk({
    url: `http://127.0.0.1:${Number(ready.port)}/`,
    connections: 50,
    seconds,
    cpu: 0,
    ...(argv.includes("--pipelined") ? { script: "pipeline.lua" } : {}),
  });
  await child.stop();
  console.error(`${result.requests} requests in ${result.seconds} s`);
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
