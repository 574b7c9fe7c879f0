/**
 * Gathering the report's inputs from the tree: each bench's
 * `bench/results/latest.json`, the current source fingerprints (to tell
 * stale results) and the pinned versions of the peer libraries.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { codeState, REPO_ROOT } from "../bench-kit/cli.ts";
import { BENCHES, type BenchFile, type Inputs } from "./benches.ts";
import { CAPTURED, type CapturedFile, type CapturedSpec } from "./captured.ts";
import { obj, str } from "./read.ts";

/** The source sets the benches fingerprint, by the names they record. */
const SOURCES: Readonly<Record<string, string>> = {
  core: "packages/core/src",
  adapterKit: "packages/adapter-kit/src",
  node: "packages/node/src",
  bun: "packages/bun/src",
  deno: "packages/deno/src",
};

/** Peer libraries, and a package whose dependency each is. */
const LIBRARIES: Readonly<Record<string, string>> = {
  undici: "packages/node/node_modules/undici/package.json",
  "http-parser-js": "packages/core/node_modules/http-parser-js/package.json",
};

/** Reads one bench's results file. */
export function readBenchFile(id: BenchFile["id"], root = REPO_ROOT): BenchFile {
  const file = `packages/${id}/bench/results/latest.json`;
  const command = `pnpm --filter @tether/${id} bench`;
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, file), "utf8");
  } catch {
    return { id, file, command, json: undefined, problem: null };
  }
  try {
    return { id, file, command, json: JSON.parse(text) as unknown, problem: null };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { id, file, command, json: null, problem: `${file} is not valid JSON (${why})` };
  }
}

/** Reads a captured bench's results file. */
export function readCapturedFile(spec: CapturedSpec, root = REPO_ROOT): CapturedFile {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, spec.file), "utf8");
  } catch {
    return { spec, json: undefined, problem: null };
  }
  try {
    return { spec, json: JSON.parse(text) as unknown, problem: null };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { spec, json: null, problem: `${spec.file} is not valid JSON (${why})` };
  }
}

/** Current fingerprints of every source set (as the benches compute them). */
export function currentFingerprints(): Record<string, string> {
  const sha = obj(codeState(SOURCES).sha256) ?? {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(sha)) {
    const s = str(value);
    if (s !== null) out[name] = s;
  }
  return out;
}

/** Installed versions of the peer libraries (pinned by the lockfile). */
export function libraryVersions(root = REPO_ROOT): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, file] of Object.entries(LIBRARIES)) {
    try {
      const version = str(obj(JSON.parse(fs.readFileSync(path.join(root, file), "utf8")))?.version);
      if (version !== null) out[name] = version;
    } catch {
      // Not installed: the report simply does not name its version.
    }
  }
  return out;
}

/** Everything the report needs, from the tree as it is now. */
export function gatherInputs(): Inputs {
  return {
    files: BENCHES.map((b) => readBenchFile(b.id)),
    captured: CAPTURED.map((c) => readCapturedFile(c)),
    fingerprints: currentFingerprints(),
    libraries: libraryVersions(),
  };
}
