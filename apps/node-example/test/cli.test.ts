/**
 * The example app end to end, as a user runs it: `serve` in a child
 * process, then `get` against it, checking the contract in
 * apps/example-shared/README.md.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "..");
const tsx = join(dir, "node_modules", ".bin", "tsx");
let server: ChildProcess;
let base = "";

function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve) => {
    execFile(tsx, ["src/main.ts", ...args], { cwd: dir, timeout: 20_000 }, (error, stdout) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, lines: stdout.trim().split("\n").filter(Boolean) });
    });
  });
}

beforeAll(async () => {
  server = spawn(tsx, ["src/main.ts", "serve", "--port", "0", "--host", "127.0.0.1"], { cwd: dir });
  let out = "";
  server.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  while (!out.includes("\n")) await once(server.stdout as NodeJS.ReadableStream, "data");
  const first = out.split("\n")[0] as string;
  expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
  base = first.slice("listening on ".length);
}, 30_000);

afterAll(() => {
  server.kill();
});

describe("node-example CLI", () => {
  it("get prints one JSON line per URL in input order, then a summary, exit 0", async () => {
    const { code, lines } = await run([
      "get",
      `${base}/bytes/1000`,
      `${base}/chunked/5000`,
      `${base}/echo?x=1`,
      "--connections",
      "1",
    ]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(4);
    const [a, b, c, summary] = lines.map((l) => JSON.parse(l));
    expect(a.url).toBe(`${base}/bytes/1000`);
    expect(a.status).toBe(200);
    expect(a.bodyBytes).toBe(1000);
    expect(a.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.bodyBytes).toBe(5000);
    expect(c.status).toBe(200);
    expect(summary.summary.requests).toBe(3);
    expect(summary.summary.connectionsOpened).toBe(1);
    expect(summary.summary.reused).toBe(2);
  }, 30_000);

  it("get --serial reuses one connection and reports reuse per line", async () => {
    const { lines } = await run(["get", `${base}/bytes/10`, `${base}/bytes/20`, "--serial"]);
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a.reused).toBe(false);
    expect(b.reused).toBe(true);
    expect(b.connection).toBe(a.connection);
  }, 30_000);

  it("get reports a typed error and exits 1 when the origin refuses", async () => {
    const { code, lines } = await run(["get", "http://127.0.0.1:1/x", "--retries", "0"]);
    expect(code).toBe(1);
    const line = JSON.parse(lines[0] as string);
    expect(line.error.code).toMatch(/CONNECT_FAILED|RETRIES_EXHAUSTED/);
  }, 30_000);
});
