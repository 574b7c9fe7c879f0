/**
 * Sections from the results files: the adapters' server modes, clients and
 * memory (written by packages/conformance/bench-kit) and the parser's cases
 * (written by packages/core/bench/run.ts).
 */
import {
  type Context,
  type Goal,
  label,
  type Metric,
  type Ratio,
  type Row,
  roleOf,
  type Section,
} from "./model.ts";
import {
  arr,
  num,
  obj,
  type Stat,
  scaleStat,
  stat,
  str,
  type TargetRecord,
  targets,
} from "./read.ts";

/** A metric: column header `name`, chart `title`, `unit` after values, which way is `better`. */
function metric(name: string, title: string, unit: string, better: Metric["better"]): Metric {
  return { name, title, unit, better };
}

const RATE = metric("requests/s", "Requests per second", "", "higher");
const CPU = metric("CPU µs/request", "CPU time per request (µs)", " µs", "lower");
const PARSE_RATE = metric("messages/s", "Messages parsed per second", "", "higher");
const PARSE_CPU = metric("CPU µs/message", "CPU time per message (µs)", " µs", "lower");
const HEAP = metric("heap B/connection", "Heap per idle connection (bytes)", " B", "lower");
const RSS = metric("RSS B/connection", "RSS per idle connection (bytes)", " B", "lower");

const MODES: Readonly<Record<string, string>> = {
  "keep-alive": "wrk -t1 -c50, one request at a time per keep-alive connection",
  "pipelined-10": "wrk -t1 -c50 with 10 requests pipelined per connection",
};

/** A section with no rows, saying why. */
export function missingSection(id: string, title: string, context: Context, why: string): Section {
  return {
    id,
    title,
    description: "",
    context,
    metrics: [],
    rows: [],
    peers: [],
    ratios: [],
    ratioBasis: "",
    goals: [],
    missing: why,
  };
}

function goalsOf(records: readonly TargetRecord[]): Goal[] {
  return records.map(({ what, ratio, goal, met }) => ({ what, ratio, goal, met }));
}

/** A row per named entry of `o.runs`, with the values `values` reads from it. */
function runRows(
  o: Record<string, unknown>,
  context: Context,
  values: (run: Record<string, unknown>) => (Stat | null)[],
): Row[] {
  const rows: Row[] = [];
  for (const run of arr(o.runs)) {
    const r = obj(run);
    const kind = str(r?.name);
    if (r === null || kind === null) continue;
    rows.push({ kind, label: label(kind, context), role: roleOf(kind), values: values(r) });
  }
  return rows;
}

/** Rows and ratios of an interleaved section: `runs` with rate and CPU, `comparisons` `a/b`. */
function rateAndCpu(
  o: Record<string, unknown>,
  context: Context,
): {
  rows: Row[];
  peers: string[];
  ratios: Ratio[];
} {
  const rows = runRows(o, context, (r) => [stat(r.rate), scaleStat(stat(r.cpuNsPerMessage), 1e-3)]);
  const peers: string[] = [];
  const ratios: Ratio[] = [];
  for (const [key, value] of Object.entries(obj(o.comparisons) ?? {})) {
    const [ours, peer] = key.split("/");
    const c = obj(value);
    if (ours === undefined || peer === undefined || c === null) continue;
    if (!peers.includes(peer)) peers.push(peer);
    ratios.push({
      ours,
      peer,
      values: [stat(c.rate)?.median ?? null, stat(c.cpu)?.median ?? null],
    });
  }
  return { rows, peers, ratios };
}

/** How the ratios of interleaved rounds are taken. */
const INTERLEAVED = "median of per-round ratios (interleaved rounds)";

/** The section of `context` that the last run skipped. */
function skippedSection(id: string, title: string, context: Context): Section {
  return missingSection(
    id,
    title,
    context,
    `not measured: the last run skipped the ${context} section`,
  );
}

/** A requests/s and CPU section of interleaved rounds, from its results `o`. */
function interleavedSection(
  id: string,
  title: string,
  context: Context,
  description: string,
  o: Record<string, unknown>,
): Section {
  return {
    id,
    title,
    description,
    context,
    metrics: [RATE, CPU],
    ...rateAndCpu(o, context),
    ratioBasis: INTERLEAVED,
    goals: goalsOf(targets(o.targets)),
    missing: null,
  };
}

/** The server sections of an adapter's results (`server` array, one entry per mode). */
export function serverSections(bench: string, server: unknown): Section[] {
  const byMode = new Map<string, Record<string, unknown>>();
  for (const entry of arr(server)) {
    const o = obj(entry);
    const mode = str(o?.mode);
    if (o !== null && mode !== null) byMode.set(mode, o);
  }
  const modes = [...new Set([...Object.keys(MODES), ...byMode.keys()])];
  return modes.map((mode) => {
    const id = `${bench}-server-${mode}`;
    const title = `Server, ${mode}`;
    const o = byMode.get(mode);
    if (o === undefined) {
      return server === null || server === undefined
        ? skippedSection(id, title, "server")
        : missingSection(id, title, "server", `not measured: no ${mode} results in the file`);
    }
    return interleavedSection(
      id,
      title,
      "server",
      `${MODES[mode] ?? mode}; the server alone on one core, wrk on the other. CPU is the server process's.`,
      o,
    );
  });
}

/** The client section of an adapter's results. */
export function clientSection(bench: string, client: unknown): Section {
  const id = `${bench}-client`;
  const title = "Client";
  const o = obj(client);
  if (o === null) return skippedSection(id, title, "client");
  const origin = str(o.origin) ?? "one origin";
  return interleavedSection(
    id,
    title,
    "client",
    `GETs, 50 in flight, against ${origin}. CPU is the client process's.`,
    o,
  );
}

/** The memory section of the Node adapter's results. */
export function memorySection(bench: string, memory: unknown): Section {
  const id = `${bench}-memory`;
  const title = "Memory per idle connection";
  const o = obj(memory);
  if (o === null) return skippedSection(id, title, "memory");
  const rows = runRows(o, "memory", (r) => [stat(r.heap), stat(r.rss)]);
  const ours = rows.filter((r) => r.role === "ours");
  const peers = rows.filter((r) => r.role === "peer");
  const ratios: Ratio[] = [];
  for (const a of ours) {
    for (const b of peers) {
      ratios.push({
        ours: a.kind,
        peer: b.kind,
        values: a.values.map((v, i) => {
          const p = b.values[i];
          return v === null || p === null || p === undefined || v.median <= 0
            ? null
            : p.median / v.median;
        }),
      });
    }
  }
  const connections = num(o.connections);
  return {
    id,
    title,
    description:
      `${connections ?? "Many"} idle keep-alive connections held open; heap and RSS growth divided by the number of connections. ` +
      "Every server is first warmed by connections served and closed; each reading waits until V8 has shrunk its young generation back " +
      "(GC once a second) and leaves out the young generation's resident pages, a process-wide nursery that is not per connection. Same procedure for every server.",
    context: "memory",
    metrics: [HEAP, RSS],
    rows,
    peers: peers.map((p) => p.kind),
    ratios,
    ratioBasis: "the peer's median over ours",
    goals: goalsOf(targets(o.targets)),
    missing: null,
  };
}

/** One section per case of the parser's results. */
export function parserSections(cases: unknown): Section[] {
  const out: Section[] = [];
  for (const item of arr(cases)) {
    const c = obj(item);
    const name = str(c?.name);
    if (c === null || name === null) continue;
    const rows: Row[] = [];
    for (const [kind, value] of Object.entries(obj(c.contenders) ?? {})) {
      const v = obj(value);
      rows.push({
        kind,
        label: label(kind, "parser"),
        role: roleOf(kind),
        values: [stat(v?.messagesPerSecond), scaleStat(stat(v?.cpuNsPerMessage), 1e-3)],
      });
    }
    const peers: string[] = [];
    const ratios: Ratio[] = [];
    const goals: Goal[] = [];
    for (const [peer, value] of Object.entries(obj(c.tetherRatios) ?? {})) {
      const r = obj(value);
      if (r === null) continue;
      peers.push(peer);
      const rate = stat(r.perRound)?.median ?? null;
      ratios.push({ ours: "tether", peer, values: [rate, stat(r.cpuPerRound)?.median ?? null] });
      const goal = num(r.target);
      if (goal !== null && rate !== null) {
        goals.push({ what: `Tether messages/s vs ${peer}`, ratio: rate, goal, met: rate >= goal });
      }
    }
    const description = str(c.description) ?? name;
    const bytes = num(c.bytesPerIteration);
    const messages = num(c.messagesPerIteration);
    out.push({
      id: `core-parser-${name}`,
      title: `Parser, ${name}`,
      description: `${description}${bytes !== null && messages !== null ? `: ${messages} message(s), ${bytes} bytes per iteration` : ""}; one process, contenders interleaved.`,
      context: "parser",
      metrics: [PARSE_RATE, PARSE_CPU],
      rows,
      peers,
      ratios,
      ratioBasis: INTERLEAVED,
      goals,
      missing: null,
    });
  }
  return out;
}
