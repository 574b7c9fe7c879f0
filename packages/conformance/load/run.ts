/**
 * The load scripts' command line (run with Node and tsx; see the `load` and
 * `soak` scripts of @tether/node):
 *
 *     run.ts connections [--runtime node|bun|deno|all] [--connections 10000]
 *     run.ts soak [--runtime node|bun|deno|all] [--minutes 3 | --seconds N]
 *
 * `--client-runtime` runs the load client on another runtime than the
 * server (default: the same); `--workers pipeliner,staller` runs only some
 * of the soak's workers (see soak-role.ts).
 *
 * Prints a summary per runtime and the full report as JSON; exits 1 if any
 * run failed its checks.
 */
import type { LoadRuntimeName } from "./index.ts";
import { arg } from "./ipc.ts";
import { type ConnectionsReport, runConnections, runSoak, type SoakReport } from "./orchestrate.ts";

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const command = args[0] ?? "";
const which = arg(args, "runtime", "node");
const clientArg = arg(args, "client-runtime", "");
const clientRuntime = clientArg === "" ? {} : { clientRuntime: clientArg as LoadRuntimeName };
const runtimes: LoadRuntimeName[] =
  which === "all" ? ["node", "bun", "deno"] : [which as LoadRuntimeName];

function connectionsSummary(r: ConnectionsReport): string {
  return [
    `${r.runtime}: ${r.connected}/${r.requested} connections in ${r.elapsedMs} ms,`,
    `client errors ${r.clientErrors}, server open ${r.serverOpen}, closed by server ${r.closedByServer},`,
    `per connection: rss ${r.rssPerConnection} B, heap ${r.heapPerConnection} B, external ${r.externalPerConnection} B;`,
    `server rss ${(r.baseline.memory.rss / MiB).toFixed(1)} → ${(r.loaded.memory.rss / MiB).toFixed(1)} MiB,`,
    `timers ${r.baseline.timers} → ${r.loaded.timers} → ${r.after.timers}, fds ${r.baseline.fds} → ${r.loaded.fds} → ${r.after.fds};`,
    r.ok ? "OK" : `FAILED ${JSON.stringify(r.firstErrors)}`,
  ].join(" ");
}

function soakSummary(r: SoakReport): string {
  const t = r.tally as Record<string, unknown>;
  const counts = Object.entries(t)
    .filter(([k, v]) => typeof v === "number" && k !== "type")
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    `${r.runtime}: soak ${r.seconds} s — ${counts};`,
    `server requests ${r.after.requests - r.baseline.requests}, connections ${r.after.opened - r.baseline.opened};`,
    `open ${r.baseline.open} / ${r.end.open} / ${r.after.open} (baseline / end of load / settled),`,
    `timers ${r.baseline.timers} / ${r.end.timers} / ${r.after.timers}, fds ${r.baseline.fds} / ${r.end.fds} / ${r.after.fds},`,
    `heap ${(r.baseline.memory.heapUsed / MiB).toFixed(2)} / ${(r.end.memory.heapUsed / MiB).toFixed(2)} / ${(r.after.memory.heapUsed / MiB).toFixed(2)} MiB,`,
    `rss ${(r.baseline.memory.rss / MiB).toFixed(1)} / ${(r.end.memory.rss / MiB).toFixed(1)} / ${(r.after.memory.rss / MiB).toFixed(1)} MiB;`,
    r.ok ? "OK" : `FAILED: ${r.problems.join("; ")} ${JSON.stringify(r.tally.firstErrors)}`,
  ].join(" ");
}

let failed = false;
const reports: unknown[] = [];
for (const runtime of runtimes) {
  if (command === "connections") {
    const r = await runConnections({
      runtime,
      ...clientRuntime,
      connections: Number(arg(args, "connections", "10000")),
    });
    console.log(connectionsSummary(r));
    failed ||= !r.ok;
    reports.push(r);
  } else if (command === "soak") {
    const minutes = Number(arg(args, "minutes", "3"));
    const seconds = Number(arg(args, "seconds", String(minutes * 60)));
    const workers = arg(args, "workers", "all");
    const r = await runSoak({ runtime, ...clientRuntime, seconds, workers });
    console.log(soakSummary(r));
    failed ||= !r.ok;
    reports.push(r);
  } else {
    console.error("usage: run.ts connections|soak [--runtime node|bun|deno|all] …");
    process.exit(2);
  }
}
if (process.env.LOAD_REPORT_JSON !== undefined) console.log(JSON.stringify(reports, null, 2));
process.exit(failed ? 1 : 0);
