/**
 * `pnpm demo --runtime node|bun|deno`: the Node entry runs the lab itself or
 * re-executes the matching entry under the real runtime. A small run on
 * each, end to end through the command line.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LAB = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(LAB, "node_modules/.bin/tsx");
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tether-lab-cli-"));
});

afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

function demo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ["src/main-node.ts", ...args],
      { cwd: LAB, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("the demo command on every runtime", () => {
  for (const runtime of ["node", "bun", "deno"] as const) {
    it(`--runtime ${runtime}: prints the parameters, the table and the report path`, async () => {
      const out = join(dir, `${runtime}.html`);
      const r = await demo([
        "--runtime",
        runtime,
        "--rtt",
        "5",
        "--images",
        "3",
        "--image-size",
        "5k",
        "--only",
        "serial-new,persistent-serial,pipelined",
        "--out",
        out,
      ]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Tether connection lab — ${runtime} `);
      expect(r.stdout).toMatch(/link: +RTT 5 ms/);
      expect(r.stdout).toMatch(/1\. serial, new connection each +\d+ ms +\d+ ms +4 +1\.0 /);
      expect(r.stdout).toMatch(/3\. one persistent connection, serial +\d+ ms +\d+ ms +1 +4\.0 /);
      expect(r.stdout).toContain(`report: ${out}`);
      expect(existsSync(out)).toBe(true);
      expect(await readFile(out, "utf8")).toContain('<svg class="waterfall"');
    });
  }

  it("a usage error exits with status 2 and the usage", async () => {
    const r = await demo(["--images", "none"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("usage: pnpm demo");
  });
});
