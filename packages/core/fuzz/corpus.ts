/**
 * The seed corpus (fuzz/corpus/: one raw input per file, `req-*` for
 * requests, `res-*` for responses) and the crashes (fuzz/crashes/: one JSON
 * file per distinct violation, with the input and the case that reproduces
 * it). Node only.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FuzzCase, InputKind } from "./cases.ts";
import { escaped, latin1, octets, type Violation } from "./violation.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
/** fuzz/corpus/ */
export const CORPUS_DIR = join(HERE, "corpus");
/** fuzz/crashes/ */
export const CRASHES_DIR = join(HERE, "crashes");

/** One seed. */
export interface Seed {
  readonly name: string;
  readonly kind: InputKind;
  readonly bytes: Uint8Array;
}

/** A recorded crash, as stored in fuzz/crashes/*.json. */
export interface Crash {
  readonly signature: string;
  readonly oracle: Violation["oracle"];
  readonly target: Violation["target"];
  readonly kind: InputKind;
  readonly message: string;
  readonly expected: string;
  readonly got: string;
  /** The input, escaped for reading (\r, \n, \xNN). */
  readonly escaped: string;
  /** The input as a latin1 string (one code unit per octet). */
  readonly input: string;
  readonly case: FuzzCase;
}

/** The kind of a corpus file, from its name. */
export function kindOf(name: string): InputKind {
  return name.startsWith("res-") ? "response" : "request";
}

/** Every seed in fuzz/corpus/, by name. */
export function loadCorpus(): Seed[] {
  return readdirSync(CORPUS_DIR)
    .filter((n) => n.startsWith("req-") || n.startsWith("res-"))
    .sort()
    .map((name) => ({
      name,
      kind: kindOf(name),
      bytes: new Uint8Array(readFileSync(join(CORPUS_DIR, name))),
    }));
}

/** Every recorded crash, with its file name. */
export function loadCrashes(): (Crash & { readonly file: string })[] {
  let names: string[];
  try {
    names = readdirSync(CRASHES_DIR);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(join(CRASHES_DIR, file), "utf8")) as Crash),
    }));
}

/** The bytes of a crash. */
export function crashInput(c: Crash): Uint8Array {
  return octets(c.input);
}

/** A short stable hash (FNV-1a) of a string, for file names. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Writes a crash file; returns its path. */
export function saveCrash(
  v: Violation,
  kind: InputKind,
  input: Uint8Array,
  fuzzCase: FuzzCase,
): string {
  mkdirSync(CRASHES_DIR, { recursive: true });
  const crash: Crash = {
    signature: v.signature,
    oracle: v.oracle,
    target: v.target,
    kind,
    message: v.message,
    expected: v.expected,
    got: v.got.slice(0, 4000),
    escaped: escaped(input),
    input: latin1(input),
    case: fuzzCase,
  };
  const path = join(CRASHES_DIR, `${v.oracle}-${v.target}-${hash(v.signature)}.json`);
  writeFileSync(path, `${JSON.stringify(crash, null, 2)}\n`);
  // Lay the file out as the repository's formatter does, so that `biome ci` stays clean.
  const biome = join(HERE, "..", "..", "..", "node_modules", ".bin", "biome");
  if (existsSync(biome)) {
    try {
      execFileSync(biome, ["format", "--write", path], { stdio: "ignore" });
    } catch {
      // formatting is a nicety
    }
  }
  return path;
}
