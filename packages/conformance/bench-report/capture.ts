/**
 * Running a bench whose tables go to standard output and recording them
 * (see captured.ts): the output is echoed and kept, with the facts that tie
 * it to the machine and the code.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { machineCpu, stealPercent } from "../../core/bench/cpu-steal.ts";
import { codeState, machineFacts, REPO_ROOT } from "../bench-kit/cli.ts";
import type { CapturedSpec } from "./captured.ts";

/** `PATH` with a package's and the root's `node_modules/.bin` first, as pnpm runs scripts. */
export function scriptPath(dir: string): string {
  const bins = [path.join(dir, "node_modules/.bin"), path.join(REPO_ROOT, "node_modules/.bin")];
  return [...bins, process.env.PATH ?? ""].join(path.delimiter);
}

/** `Bun 1.x`, `Deno 2.x` or `Node v20.x` for the runtime `spec` runs on. */
function runtimeVersion(spec: CapturedSpec, dir: string): string {
  if (spec.runtime === "node") return `Node ${process.version}`;
  const r = spawnSync(spec.runtime, ["--version"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PATH: scriptPath(dir), DENO_NO_UPDATE_CHECK: "1" },
  });
  const first = (r.stdout ?? "").trim().split("\n")[0] ?? "";
  const version = first.replace(/^deno\s+/, "").split(" ")[0] ?? "";
  return `${spec.runtime === "bun" ? "Bun" : "Deno"} ${version === "" ? "(unknown)" : version}`;
}

/** Runs `spec` and writes its captured results; true when it succeeded. */
export function runCaptured(spec: CapturedSpec, quick: boolean): boolean {
  const dir = path.join(REPO_ROOT, spec.dir);
  const command = quick ? `${spec.command} ${spec.quickArgs}` : spec.command;
  console.error(`\n=== ${spec.dir}: ${command}`);
  const cpuAtStart = machineCpu();
  const result = spawnSync("sh", ["-c", command], {
    cwd: dir,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, PATH: scriptPath(dir) },
  });
  process.stdout.write(result.stdout ?? "");
  if (result.status !== 0) {
    console.error(`bench:report: ${command} failed (${result.status ?? result.signal})`);
    return false;
  }
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    runtime: runtimeVersion(spec, dir),
    quick,
    arguments: quick ? spec.quickArgs : "defaults",
    loadAverageAtEnd: os.loadavg(),
    cpuStealPercent: stealPercent(cpuAtStart, machineCpu()),
    machine: machineFacts(),
    code: codeState(spec.sources),
    output: result.stdout,
  };
  const file = path.join(REPO_ROOT, spec.file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return true;
}
