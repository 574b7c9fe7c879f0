/**
 * `docs/benchmarks/README.md`: the summary of targets, the machine and
 * versions, each run's facts, then per bench and section a chart, a table
 * and the section's targets.
 */

import { STEAL_WARNING_PERCENT } from "../../core/bench/cpu-steal.ts";
import { bytes, cell, sig, times, when } from "./format.ts";
import { type Bench, type Environment, label, type Report, type Section } from "./model.ts";

/** The chart file of a section (relative to the README). */
export function chartFile(section: Section): string {
  return `${section.id}.svg`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map(() => " --- ").join("|")}|`, ...rows.map(line)];
}

function status(met: boolean): string {
  return met ? "✅ met" : "❌ not met";
}

function summary(report: Report): string[] {
  const rows: string[][] = [];
  for (const bench of report.benches) {
    for (const s of bench.sections) {
      for (const g of s.goals) {
        rows.push([
          `${bench.title}, ${s.title}`,
          g.what,
          `≥ ${g.goal}×`,
          times(g.ratio),
          status(g.met),
        ]);
      }
    }
  }
  const sections = report.benches.flatMap((b) => b.sections);
  const missing = sections.filter((s) => s.missing !== null).length;
  const stale = report.benches.filter((b) => (b.code?.stale.length ?? 0) > 0).map((b) => b.title);
  const notes = [
    ...(missing === 0 ? [] : [`${missing} of ${sections.length} sections were not measured.`]),
    ...(stale.length === 0 ? [] : [`Stale (code changed since the run): ${stale.join(", ")}.`]),
  ];
  if (rows.length === 0) return ["No targets were measured.", ...notes];
  const met = rows.filter((r) => r[4] === status(true)).length;
  return [
    [
      `${met} of ${rows.length} targets met. Ratios are oriented so that above 1× means Tether is ahead.`,
      ...notes,
    ].join(" "),
    "",
    ...table(["Where", "Target", "Goal", "Measured", "Status"], rows),
  ];
}

function environment(env: Environment): string[] {
  const versions = Object.entries(env.versions).map(([k, v]) => `${k} ${v}`);
  return [
    `- CPU: ${env.cpu ?? "not recorded"}${env.cores === null ? "" : ` (${env.cores} logical cores)`}`,
    `- Memory: ${env.memoryBytes === null ? "not recorded" : bytes(env.memoryBytes)}`,
    `- OS: ${env.os ?? "not recorded"}`,
    `- Versions: ${versions.length === 0 ? "not recorded" : versions.join(", ")}`,
  ];
}

function codeText(bench: Bench): string {
  const c = bench.code;
  if (c === null) return "not recorded";
  const parts = [c.commit === null ? "commit not recorded" : `\`${c.commit}\``];
  if (c.uncommitted > 0) parts.push(`${c.uncommitted} uncommitted file(s)`);
  parts.push(c.stale.length === 0 ? "current" : "**stale**");
  return parts.join(", ");
}

function runs(report: Report): string[] {
  const rows = report.benches.map((b) =>
    b.problem !== null
      ? [b.title, "—", "—", "—", "—", "—", "—", b.problem]
      : [
          b.title,
          b.date === null ? "not recorded" : when(b.date),
          b.runtime ?? "not recorded",
          b.quick === true ? "quick (smoke)" : b.quick === false ? "full" : "not recorded",
          b.settings ?? "not recorded",
          b.loadAverage === null
            ? "not recorded"
            : b.loadAverage.map((x) => x.toFixed(2)).join(" "),
          b.steal === null ? "not recorded" : `${b.steal}%`,
          codeText(b),
        ],
  );
  return table(
    [
      "Bench",
      "Date",
      "Runtime",
      "Mode",
      "Settings",
      "Load average at end (1/5/15 min)",
      "CPU stolen by the host",
      "Code",
    ],
    rows,
  );
}

/** The warning lines of a bench, shown at the top of each of its sections. */
function warnings(bench: Bench): string[] {
  const out: string[] = [];
  const stale = bench.code?.stale ?? [];
  if (stale.length > 0) {
    const which = stale
      .map((s) => `\`${s.name}\` (${s.recorded}, now ${s.current ?? "unknown"})`)
      .join(", ");
    out.push(
      `> ⚠️ **Stale:** sources changed since this was measured: ${which}. Re-run \`${bench.command}\`.`,
    );
  }
  if (bench.steal !== null && bench.steal >= STEAL_WARNING_PERCENT) {
    out.push(
      `> ⚠️ **CPU stolen:** the host took ${bench.steal}% of this machine's CPU time during the run (\`/proc/stat\` steal): rates are lower than on a quiet host, ratios less reliable.`,
    );
  }
  if (bench.quick === true) {
    out.push(`> ⚠️ Quick (smoke) run: few, short rounds; the figures are indicative only.`);
  }
  // One paragraph per warning (a blank quoted line between them).
  return out.flatMap((line, i) => (i === 0 ? [line] : [">", line]));
}

function sectionTable(section: Section): string[] {
  const header = [
    "Contender",
    ...section.metrics.map((m) => `${m.name}, median (p25–p75)`),
    ...section.peers.map((p) => `vs ${label(p, section.context)}`),
  ];
  const rows = section.rows.map((row) => [
    row.role === "ours" ? `**${row.label}**` : row.label,
    ...row.values.map((v) =>
      v === null ? "not measured" : `${sig(v.median)} (${sig(v.p25)}–${sig(v.p75)})`,
    ),
    ...section.peers.map((peer) => {
      const r = section.ratios.find((x) => x.ours === row.kind && x.peer === peer);
      if (r === undefined) return "";
      return r.values.map((v) => (v === null ? "—" : times(v))).join(" / ");
    }),
  ]);
  return table(header, rows);
}

function sectionText(bench: Bench, section: Section, level: string): string[] {
  const out = [`${level} ${section.title}`, ""];
  if (section.missing !== null) return [...out, `_${section.missing}._`, ""];
  const warn = warnings(bench);
  if (warn.length > 0) out.push(...warn, "");
  out.push(
    section.description,
    "",
    `![${bench.title}: ${section.title}](${chartFile(section)})`,
    "",
  );
  out.push(...sectionTable(section), "");
  if (section.rows.every((r) => r.role === "ours")) {
    out.push("_Only Tether was measured in the last run: no peers to compare with._", "");
  }
  if (section.peers.length > 0) {
    out.push(
      `Ratio cells: ${section.metrics.map((m) => m.name).join(" / ")}, ${section.ratioBasis}; above 1× means Tether is ahead (for costs, the peer's over ours).`,
      "",
    );
  }
  if (section.goals.length > 0) {
    for (const g of section.goals) {
      out.push(`- ${status(g.met)}: ${g.what} = ${times(g.ratio)} (goal ≥ ${g.goal}×)`);
    }
    out.push("");
  }
  return out;
}

/**
 * A bench's own printed tables, under its warnings: a blank line is put
 * before each table so that a caption line above it stays a paragraph.
 */
function verbatim(bench: Bench): string[] {
  const out = [...warnings(bench)];
  if (out.length > 0) out.push("");
  out.push(`As printed by \`${bench.command}\`:`, "");
  let previous = "";
  for (const line of (bench.verbatim ?? "").split("\n")) {
    if (line.startsWith("|") && previous.trim() !== "" && !previous.startsWith("|")) out.push("");
    out.push(line);
    previous = line;
  }
  out.push("");
  return out;
}

const REPRODUCE = [
  "## How to reproduce",
  "",
  "On a quiet machine (the benches pin the server and the load generator to",
  "separate cores with `taskset` when there are two or more; wrk and nginx are",
  "installed with apt-get when missing):",
  "",
  "```sh",
  "pnpm install",
  "pnpm bench:report            # every bench, one after another, then this report",
  "pnpm bench:report --quick    # the same with smoke settings (a few minutes)",
  "pnpm bench:render            # only re-render from the existing results files",
  "```",
  "",
  "Each bench can also run alone (`pnpm --filter @tether/<package> bench`, see",
  "each package's `bench/run.ts` for options); it writes",
  "`packages/<package>/bench/results/latest.json`, which this report reads. The",
  "Node adapter's TLS bench (`packages/node/bench/tls.ts`) prints its tables only;",
  "`pnpm bench:report` records them in `packages/node/bench/results/tls.json`. The",
  "renderer lives in `packages/conformance/bench-report/`.",
  "",
];

/** The whole README. */
export function renderMarkdown(report: Report): string {
  const cores = report.environment.cores;
  const out: string[] = [
    "# Benchmarks",
    "",
    "Where Tether stands against each runtime's own HTTP server and client (node:http,",
    "Bun.serve, Deno.serve, their fetch), undici, and the llhttp and http-parser-js parsers.",
    "Generated by `pnpm bench:report` from each package's `bench/results/latest.json`; do not",
    "edit by hand.",
    "",
    "## Summary",
    "",
    ...summary(report),
    "",
    "## Machine and versions",
    "",
    ...environment(report.environment),
    "",
    "## Runs",
    "",
    ...runs(report),
    "",
    `Load average: ${cores === null ? "compare it with the number of cores" : `this machine has ${cores} logical cores`}; a load average near or above that during a run means other work shared the CPU, which lowers absolute rates. Contenders run in interleaved rounds, so the ratios suffer less than the rates; CPU time per request is the most stable figure. CPU stolen by the host (the \`steal\` column of \`/proc/stat\` over the run) is time the machine's hypervisor gave to other guests: no process in the machine shows it, but every rate drops with it; from ${STEAL_WARNING_PERCENT}% on, a run is flagged.`,
    "",
  ];
  for (const bench of report.benches) {
    out.push(`## ${bench.title}`, "");
    if (bench.problem !== null) out.push(`_${bench.problem}._`, "");
    if (bench.verbatim !== null) out.push(...verbatim(bench));
    for (const section of bench.sections) out.push(...sectionText(bench, section, "###"));
  }
  out.push(...REPRODUCE);
  return `${out.join("\n").trimEnd()}\n`;
}
