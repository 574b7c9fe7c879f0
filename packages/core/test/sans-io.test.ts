/**
 * Core is sans-I/O: bytes in, bytes and events out, time passed in as a
 * number. This test reads every source file and fails on anything that would
 * tie core to a runtime: imports of other modules than core's own, sockets,
 * timers, `process`, `Buffer`, or the `Bun`/`Deno` globals.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "src");
const files = readdirSync(SRC, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".ts"));

const FORBIDDEN: [RegExp, string][] = [
  [/\bfrom\s+["'](?!\.\.?\/)[^"']+["']/, "imports a module outside core"],
  [/\bimport\s*\(/, "uses a dynamic import"],
  [/\brequire\s*\(/, "uses require()"],
  [
    /\b(setTimeout|setInterval|setImmediate|queueMicrotask|clearTimeout|clearInterval)\s*\(/,
    "uses a timer",
  ],
  [/\b(Date\.now|performance\.now)\s*\(/, "reads the clock (time must be passed in)"],
  [/\bprocess\./, "uses process"],
  [/\bBuffer\b/, "uses Buffer (core uses Uint8Array)"],
  [/\b(Bun|Deno)\./, "uses a runtime global"],
  [/\bfetch\s*\(/, "does I/O"],
];

/** Source text without comments, so that prose may name what code may not use. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("core is sans-I/O", () => {
  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    it(`${file} uses no sockets, timers, clocks or runtime globals`, () => {
      const text = code(readFileSync(join(SRC, file), "utf8"));
      const problems = FORBIDDEN.filter(([re]) => re.test(text)).map(([, why]) => why);
      expect(problems).toEqual([]);
    });
  }
});
