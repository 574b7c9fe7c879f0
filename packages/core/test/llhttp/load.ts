/**
 * Loads the converted llhttp cases and counts the cases of the markdown
 * files they came from. Reaches Node's `fs` through `process.getBuiltinModule`
 * (core has no `@types/node`); test code only.
 */
import type { CasesFile } from "./case-types.ts";

interface FsModule {
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: "utf8"): string;
}

interface NodeProcess {
  getBuiltinModule(id: string): unknown;
}

const fs = (globalThis as unknown as { process: NodeProcess }).process.getBuiltinModule(
  "node:fs",
) as FsModule;

const FIXTURES = new URL("../fixtures/llhttp/", import.meta.url);

function read(relative: string): string {
  return fs.readFileSync(new URL(relative, FIXTURES).pathname, "utf8");
}

/** The converted cases (test/fixtures/llhttp/cases.json). */
export function loadCases(): CasesFile {
  return JSON.parse(read("cases.json")) as CasesFile;
}

/** Number of ```log blocks (one per case) in every markdown file of the suite. */
export function countMarkdownCases(): number {
  let n = 0;
  for (const dir of ["request", "response"]) {
    for (const name of fs.readdirSync(new URL(`${dir}/`, FIXTURES).pathname)) {
      if (!name.endsWith(".md")) continue;
      n += read(`${dir}/${name}`)
        .split("\n")
        .filter((line) => /^```log\s*$/.test(line)).length;
    }
  }
  return n;
}

/** A latin1 string (one character per octet) as octets. */
export function octets(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
