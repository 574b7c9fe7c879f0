/**
 * From the results files (already read and parsed) to the {@link Report}:
 * which bench measured what, on which runtime and code, and whether that
 * code is still the current tree's.
 */
import { type CapturedFile, capturedBench } from "./captured.ts";
import type { Bench, CodeCheck, Environment, Report, Section } from "./model.ts";
import { arr, bool, num, obj, str, stringRecord } from "./read.ts";
import {
  clientSection,
  memorySection,
  missingSection,
  parserSections,
  serverSections,
} from "./sections.ts";

/** The benches, in report order. */
export const BENCHES = [
  { id: "core", title: "Parser (@tether/core)", runtime: "node" },
  { id: "node", title: "Node adapter (@tether/node)", runtime: "node" },
  { id: "bun", title: "Bun adapter (@tether/bun)", runtime: "bun" },
  { id: "deno", title: "Deno adapter (@tether/deno)", runtime: "deno" },
] as const;

/** A bench id. */
export type BenchId = (typeof BENCHES)[number]["id"];

/** One results file as found on disk. */
export interface BenchFile {
  readonly id: BenchId;
  /** Relative to the repository's root. */
  readonly file: string;
  /** How to run this bench alone. */
  readonly command: string;
  /** Parsed JSON; `undefined` when the file is missing. */
  readonly json: unknown;
  /** Why the file could not be used (unreadable, not JSON); null otherwise. */
  readonly problem: string | null;
}

/** What the report is made from. */
export interface Inputs {
  readonly files: readonly BenchFile[];
  /** Benches that only print tables (missing from the report when absent). */
  readonly captured?: readonly CapturedFile[];
  /** Current source fingerprints (`core`, `adapterKit`, `node`, `bun`, `deno`). */
  readonly fingerprints: Readonly<Record<string, string>>;
  /** Versions of libraries pinned in the workspace (`undici`, `http-parser-js`). */
  readonly libraries: Readonly<Record<string, string>>;
}

function runtimeOf(id: BenchId, o: Record<string, unknown>): string | null {
  if (id === "core" || id === "node") {
    const v = str(o.node);
    return v === null ? null : `Node ${v}`;
  }
  if (id === "bun") {
    const v = str(o.bun);
    return v === null ? null : `Bun ${v}`;
  }
  const d = obj(o.deno);
  const v = str(d?.deno) ?? str(o.deno);
  return v === null ? null : `Deno ${v}`;
}

function settingsOf(id: BenchId, o: Record<string, unknown>): string | null {
  if (id === "core") {
    const opt = obj(o.options);
    const rounds = num(opt?.rounds);
    const slice = num(opt?.sliceMs);
    return rounds === null || slice === null
      ? null
      : `${rounds} rounds × ${slice} ms per contender`;
  }
  const s = obj(o.settings);
  const parts: string[] = [];
  const server = obj(s?.server);
  if (server !== null) parts.push(`server ${num(server.rounds)} rounds × ${num(server.seconds)} s`);
  const client = obj(s?.client);
  if (client !== null) {
    parts.push(`client ${num(client.rounds)} rounds × ${num(client.requests)} requests`);
  }
  const memory = obj(s?.memory);
  if (memory !== null) {
    parts.push(`memory ${num(memory.rounds)} round(s) × ${num(memory.connections)} connections`);
  }
  return parts.length === 0 ? null : parts.join("; ");
}

function codeOf(
  id: BenchId,
  o: Record<string, unknown>,
  current: Readonly<Record<string, string>>,
): CodeCheck | null {
  const recorded: Record<string, string> =
    id === "core"
      ? str(o.coreSourceSha256) === null
        ? {}
        : { core: str(o.coreSourceSha256) as string }
      : stringRecord(obj(o.code)?.sha256);
  if (Object.keys(recorded).length === 0) return null;
  const code = obj(o.code);
  const commit = str(code?.commit);
  return {
    commit: commit === null || commit === "" ? null : commit.slice(0, 12),
    uncommitted: arr(code?.changed).length,
    stale: Object.entries(recorded)
      .filter(([name, sha]) => current[name] !== sha)
      .map(([name, sha]) => ({ name, recorded: sha, current: current[name] ?? null })),
  };
}

function sectionsOf(id: BenchId, o: Record<string, unknown> | null): Section[] {
  if (id === "core") {
    const cases = parserSections(o?.cases);
    return cases.length > 0
      ? cases
      : [missingSection("core-parser", "Parser", "parser", "not measured: no parser results")];
  }
  const sections = [...serverSections(id, o?.server ?? null), clientSection(id, o?.client)];
  if (id === "node") sections.push(memorySection(id, o?.memory));
  return sections;
}

/** One bench of the report from its file. */
export function benchOf(file: BenchFile, current: Readonly<Record<string, string>>): Bench {
  const meta = BENCHES.find((b) => b.id === file.id) ?? BENCHES[0];
  const o = obj(file.json);
  const problem =
    file.problem ??
    (file.json === undefined
      ? `${file.file} is missing: run \`${file.command}\``
      : o === null
        ? `${file.file} is not a results object`
        : null);
  const sections = sectionsOf(file.id, problem === null ? o : null);
  const load = arr(o?.loadAverageAtEnd)
    .map(num)
    .filter((x): x is number => x !== null);
  return {
    id: file.id,
    title: meta.title,
    file: file.file,
    command: file.command,
    date: problem === null ? str(o?.date) : null,
    problem,
    runtime: problem === null && o !== null ? runtimeOf(file.id, o) : null,
    quick: problem === null ? bool(o?.quick) : null,
    settings: problem === null && o !== null ? settingsOf(file.id, o) : null,
    loadAverage: load.length === 3 ? load : null,
    steal: problem === null ? num(o?.cpuStealPercent) : null,
    code: problem === null && o !== null ? codeOf(file.id, o, current) : null,
    verbatim: null,
    sections:
      problem === null
        ? sections
        : sections.map((s) =>
            s.missing === null ? s : missingSection(s.id, s.title, s.context, problem),
          ),
  };
}

/** Machine facts and versions, each from the first file that records it (bench order). */
export function environmentOf(inputs: Inputs): Environment {
  let cpu: string | null = null;
  let cores: number | null = null;
  let memoryBytes: number | null = null;
  let os: string | null = null;
  const versions: Record<string, string> = {};
  const set = (name: string, value: string | null): void => {
    if (value !== null && value !== "" && versions[name] === undefined) versions[name] = value;
  };
  for (const file of inputs.files) {
    const o = obj(file.json);
    if (o === null) continue;
    const machine = obj(o.machine);
    cpu ??= str(machine?.cpu);
    cores ??= num(machine?.cores);
    memoryBytes ??= num(machine?.memoryBytes);
    os ??= str(machine?.os);
    if (file.id === "core" || file.id === "node") set("Node", str(o.node));
    if (file.id === "bun") set("Bun", str(o.bun));
    if (file.id === "deno") {
      const d = obj(o.deno);
      set("Deno", str(d?.deno));
      set("V8 (Deno)", str(d?.v8));
    }
    for (const [name, version] of Object.entries(stringRecord(o.tools))) set(name, version);
  }
  // Older results files record only `2 × model`.
  for (const file of inputs.files) cpu ??= str(obj(file.json)?.cpu);
  for (const [name, version] of Object.entries(inputs.libraries)) set(name, version);
  return { cpu, cores, memoryBytes, os, versions };
}

/** The whole report. */
export function buildReport(inputs: Inputs): Report {
  const benches = BENCHES.map((b) => {
    const file = inputs.files.find((f) => f.id === b.id);
    return benchOf(
      file ?? {
        id: b.id,
        file: `packages/${b.id}/bench/results/latest.json`,
        command: `pnpm --filter @tether/${b.id} bench`,
        json: undefined,
        problem: null,
      },
      inputs.fingerprints,
    );
  });
  for (const c of inputs.captured ?? []) benches.push(capturedBench(c, inputs.fingerprints));
  return { environment: environmentOf(inputs), benches };
}
