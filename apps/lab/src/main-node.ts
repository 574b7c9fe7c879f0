/**
 * The lab's Node entry (`pnpm demo`). With `--runtime bun` or `--runtime
 * deno` it runs the matching entry under that runtime instead, so the
 * command is the same whichever runtime runs the lab.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createClient, nodeSocketLayer, serve } from "@tether/node";
import { writeTextFile } from "./files.ts";
import { runLab } from "./lab.ts";

const argv = process.argv.slice(2);

/** The value of `--runtime`, when given. */
function requestedRuntime(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--runtime") return args[i + 1];
    if (a.startsWith("--runtime=")) return a.slice("--runtime=".length);
  }
  return undefined;
}

/** `node_modules/.bin/NAME` of this package, or of the workspace root. */
function binary(name: string): string {
  for (const dir of ["../node_modules/.bin/", "../../../node_modules/.bin/"]) {
    const path = fileURLToPath(new URL(`${dir}${name}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  return name;
}

function reexec(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: "inherit",
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
    });
    child.on("error", (error) => {
      process.stderr.write(`error: could not start ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal !== null ? 1 : 0)));
  });
}

const runtime = requestedRuntime(argv);
const entry = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));
if (runtime === "bun") {
  process.exitCode = await reexec(binary("bun"), [entry("main-bun.ts"), ...argv]);
} else if (runtime === "deno") {
  process.exitCode = await reexec(binary("deno"), [
    "run",
    "--no-lock",
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-write",
    entry("main-deno.ts"),
    ...argv,
  ]);
} else {
  process.exitCode = await runLab(
    {
      name: "node",
      version: `node ${process.version}`,
      layer: nodeSocketLayer,
      serve,
      createClient,
      print: (line) => process.stdout.write(`${line}\n`),
      writeFile: writeTextFile,
    },
    argv,
  );
}
