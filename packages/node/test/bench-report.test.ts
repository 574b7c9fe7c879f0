/**
 * The benchmark report's renderer (packages/conformance/bench-report, issue
 * #8): tables, ratios, missing and stale sections, and well-formed SVG, from
 * small fixture results files. It lives here because this package's vitest
 * runs under turbo's test task; the renderer itself runs on Node only.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type BenchFile,
  buildReport,
  type Inputs,
} from "../../conformance/bench-report/benches.ts";
import { CAPTURED } from "../../conformance/bench-report/captured.ts";
import { bytes, grouped, sig, xml } from "../../conformance/bench-report/format.ts";
import { readBenchFile } from "../../conformance/bench-report/inputs.ts";
import { label, roleOf } from "../../conformance/bench-report/model.ts";
import { renderReport } from "../../conformance/bench-report/render.ts";
import { niceStep } from "../../conformance/bench-report/svg.ts";
import { parseMachineCpu, stealPercent } from "../../core/bench/cpu-steal.ts";

const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../conformance/bench-report/test/fixtures",
);

function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
}

function file(id: BenchFile["id"], json: unknown): BenchFile {
  return {
    id,
    file: `packages/${id}/bench/results/latest.json`,
    command: `pnpm --filter @tether/${id} bench`,
    json,
    problem: null,
  };
}

/** Fixtures for core and node; bun and deno have no results file. */
function inputs(fingerprints: Record<string, string> = CURRENT): Inputs {
  return {
    files: [file("core", fixture("parser.json")), file("node", fixture("adapter.json"))],
    fingerprints,
    libraries: { undici: "7.30.2", "http-parser-js": "0.5.10" },
  };
}

/** The fingerprints the fixtures were "measured" on. */
const CURRENT = { core: "c0c0c0c0c0c0", adapterKit: "a1a1a1a1a1a1", node: "dededededede" };

function readme(i: Inputs = inputs()): string {
  return renderReport(i).get("README.md") as string;
}

/** The Markdown between a `### title` heading and the next heading. */
function section(md: string, bench: string, title: string): string {
  const start = md.indexOf(`## ${bench}`);
  const at = md.indexOf(`### ${title}\n`, start);
  expect(at).toBeGreaterThan(-1);
  const end = md.indexOf("\n#", at + 4);
  return md.slice(at, end === -1 ? undefined : end);
}

/**
 * A small well-formedness check: one root element, every tag closed in
 * order, attribute values quoted, only XML's predefined entities, no
 * comments, CDATA or processing instructions to hide anything in.
 */
function checkXml(text: string): void {
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  while (token.lastIndex < text.length) {
    const start = token.lastIndex;
    const m = token.exec(text);
    if (m === null)
      throw new Error(`not well-formed at ${start}: ${text.slice(start, start + 40)}`);
    const [, close, name, attrs, selfClose, content] = m;
    const entities = (content ?? attrs ?? "").match(/&[^;\s]*;?/g) ?? [];
    for (const e of entities) {
      if (!/^&(amp|lt|gt|quot|apos);$/.test(e)) throw new Error(`bad entity ${e} at ${start}`);
    }
    if (content !== undefined) {
      if (stack.length === 0 && content.trim() !== "") throw new Error("text outside the root");
      continue;
    }
    if (close === "/") {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element at ${start}`);
    } else {
      if (stack.length === 0) roots++;
      if (selfClose !== "/") stack.push(name as string);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(", ")}`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

describe("bench report: numbers", () => {
  it("formats numbers the same in every locale", () => {
    expect(grouped(1234567.4)).toBe("1,234,567");
    expect(sig(0.6586)).toBe("0.659");
    expect(sig(25.01)).toBe("25.0");
    expect(sig(110.67)).toBe("111");
    expect(sig(40781.5)).toBe("40,782");
    expect(bytes(8589934592)).toBe("8.0 GiB");
  });

  it("names our pipelined fetch() as ours, with its pipelining depth, in the client table", () => {
    expect(roleOf("tether-fetch-pipelined")).toBe("ours");
    expect(roleOf("tether-layer")).toBe("baseline");
    expect(label("tether-fetch-pipelined", "client")).toBe("Tether fetch(), pipelining 10");
  });

  it("picks grid steps of 1, 2 or 5 × 10ⁿ", () => {
    expect(niceStep(10473)).toBe(5000);
    expect(niceStep(580)).toBe(200);
    expect(niceStep(0)).toBe(1);
  });
});

describe("bench report: tables and ratios", () => {
  it("renders a server row with rate and CPU (µs) medians, quartiles and both ratios", () => {
    const s = section(readme(), "Node adapter", "Server, keep-alive");
    expect(s).toContain(
      "| **Tether serve({ handler })** | 40,000 (38,000–42,000) | 25.0 (24.0–26.0) | 0.70× / 0.68× | 0.40× / 0.38× |",
    );
    expect(s).toContain("| node:http | 57,000 (55,000–59,000) | 17.0 (16.5–17.5) |  |  |");
    expect(s).toContain("| vs node:http | vs raw node:net (ceiling) |");
    expect(s).toContain("- ❌ not met: tether-handler req/s vs node:http = 0.70× (goal ≥ 2×)");
    expect(s).toContain("- ✅ met: tether-handler req/s vs raw net = 0.40× (goal ≥ 0.3×)");
    expect(s).toContain(
      "![Node adapter (@tether/node): Server, keep-alive](node-server-keep-alive.svg)",
    );
  });

  it("takes memory ratios as the peer's median over ours (above 1: Tether is smaller)", () => {
    const report = buildReport(inputs());
    const memory = report.benches[1]?.sections.find((s) => s.id === "node-memory");
    expect(memory?.peers).toEqual(["node-http"]);
    expect(memory?.ratios).toEqual([
      { ours: "tether-handler", peer: "node-http", values: [0.5, 1.5] },
    ]);
    const s = section(readme(), "Node adapter", "Memory per idle connection");
    expect(s).toContain(
      "| **Tether serve({ handler })** | 4,000 (3,900–4,100) | 12,000 (11,000–13,000) | 0.50× / 1.50× |",
    );
    expect(s).toContain("raw node:net (floor)");
  });

  it("renders the parser's case with its per-round ratios and goal", () => {
    const s = section(readme(), "Parser", "Parser, small-get");
    expect(s).toContain(
      "| **Tether MessageParser** | 1,500,000 (1,400,000–1,600,000) | 0.660 (0.620–0.700) | 2.50× / 2.45× |",
    );
    expect(s).toContain("- ✅ met: Tether messages/s vs llhttp = 2.50× (goal ≥ 1.5×)");
  });

  it("sums up every target and records the machine, versions, date and code", () => {
    const md = readme();
    expect(md).toContain(
      "2 of 3 targets met. Ratios are oriented so that above 1× means Tether is ahead. 8 of 11 sections were not measured.",
    );
    expect(md).toContain("- CPU: Test CPU <fast> & cheap (2 logical cores)");
    expect(md).toContain("- Memory: 8.0 GiB");
    expect(md).toContain("- OS: Linux 6.1.0 (x64)");
    expect(md).toContain(
      "- Versions: Node v20.20.2, llhttp 9.3.1, wrk 4.1.0, nginx 1.22.1, undici 7.30.2, http-parser-js 0.5.10",
    );
    expect(md).toContain(
      "| Node adapter (@tether/node) | 2026-11-27 18:00 UTC | Node v20.20.2 | full | server 7 rounds × 2 s; client 6 rounds × 20000 requests; memory 3 round(s) × 5000 connections | 0.50 0.75 1.00 | not recorded | `0123456789ab`, current |",
    );
    expect(md).toContain("this machine has 2 logical cores");
  });

  it("shows the CPU the host stole during a run, and flags a run from 5% on", () => {
    const stolen = (percent: number): Inputs => ({
      ...inputs(),
      files: [
        file("core", { ...(fixture("parser.json") as object), cpuStealPercent: 0.4 }),
        file("node", { ...(fixture("adapter.json") as object), cpuStealPercent: percent }),
      ],
    });
    const quiet = readme(stolen(4.9));
    expect(quiet).toContain("| 0.4% |");
    expect(quiet).toContain("| 4.9% |");
    expect(quiet).not.toContain("CPU stolen:**");
    const md = readme(stolen(17.5));
    expect(md).toContain("| 17.5% |");
    expect(section(md, "Node adapter", "Server, keep-alive")).toContain(
      "> ⚠️ **CPU stolen:** the host took 17.5% of this machine's CPU time during the run",
    );
    expect(section(md, "Parser", "Parser, small-get")).not.toContain("CPU stolen:**");
  });
});

describe("bench report: CPU stolen by the host (/proc/stat)", () => {
  const line = (steal: number, idle = 500) =>
    `cpu  100 5 50 ${idle} 10 0 3 ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n`;

  it("reads the machine's line: the eight counters before guest time, steal the eighth", () => {
    expect(parseMachineCpu(line(32))).toEqual({ total: 700, steal: 32 });
  });

  it("reads nothing from what is not a /proc/stat cpu line", () => {
    expect(parseMachineCpu("")).toBeNull();
    expect(parseMachineCpu("cpu0 1 2 3 4 5 6 7 8\n")).toBeNull();
    expect(parseMachineCpu("cpu 1 2 3\n")).toBeNull();
    expect(parseMachineCpu("cpu 1 2 3 4 5 6 x 8\n")).toBeNull();
  });

  it("gives the stolen share of all CPU time between two readings, in percent", () => {
    const before = parseMachineCpu(line(32));
    const after = parseMachineCpu(line(32 + 150, 500 + 850));
    expect(stealPercent(before, after)).toBe(15);
    expect(stealPercent(before, before)).toBeNull();
    expect(stealPercent(null, after)).toBeNull();
  });
});

describe("bench report: missing and stale results", () => {
  it("says a skipped section was not measured, and draws no chart for it", () => {
    const files = renderReport(inputs());
    expect(section(files.get("README.md") as string, "Node adapter", "Client")).toContain(
      "_not measured: the last run skipped the client section._",
    );
    expect(files.has("node-client.svg")).toBe(false);
    expect(files.has("node-server-keep-alive.svg")).toBe(true);
  });

  it("names the missing results file and its command in each of that bench's sections", () => {
    const md = readme();
    const s = section(md, "Bun adapter", "Server, keep-alive");
    expect(s).toContain(
      "packages/bun/bench/results/latest.json is missing: run `pnpm --filter @tether/bun bench`",
    );
    expect(section(md, "Deno adapter", "Client")).toContain("latest.json is missing");
    expect([...renderReport(inputs()).keys()].some((k) => k.startsWith("bun-"))).toBe(false);
  });

  it("reads a missing file as missing and a corrupt one as a problem, without throwing", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-report-"));
    try {
      expect(readBenchFile("deno", root).json).toBeUndefined();
      fs.mkdirSync(path.join(root, "packages/deno/bench/results"), { recursive: true });
      fs.writeFileSync(path.join(root, "packages/deno/bench/results/latest.json"), "{ truncated");
      const corrupt = readBenchFile("deno", root);
      expect(corrupt.problem).toMatch(/is not valid JSON/);
      const md = readme({ ...inputs(), files: [...inputs().files, corrupt] });
      expect(section(md, "Deno adapter", "Client")).toContain("is not valid JSON");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("says when only Tether was measured (no peers, no ratios)", () => {
    const parser = fixture("parser.json") as {
      cases: { contenders: object; tetherRatios: object }[];
    };
    const only = parser.cases[0] as { contenders: Record<string, unknown>; tetherRatios: object };
    only.contenders = { tether: only.contenders.tether };
    only.tetherRatios = {};
    const md = readme({
      ...inputs(),
      files: [file("core", parser), file("node", fixture("adapter.json"))],
    });
    expect(section(md, "Parser", "Parser, small-get")).toContain(
      "_Only Tether was measured in the last run: no peers to compare with._",
    );
  });

  it("survives results of an unexpected shape", () => {
    const odd: Inputs = {
      ...inputs(),
      files: [file("core", { cases: [{ name: "x", contenders: 3 }] }), file("node", [1, 2])],
    };
    const md = readme(odd);
    expect(md).toContain("packages/node/bench/results/latest.json is not a results object");
    expect(md).not.toMatch(/NaN|undefined/);
  });

  it("marks every section of a bench stale when its sources changed since the run", () => {
    const md = readme(inputs({ ...CURRENT, node: "ffffffffffff" }));
    for (const title of ["Server, keep-alive", "Memory per idle connection"]) {
      expect(section(md, "Node adapter", title)).toContain(
        "> ⚠️ **Stale:** sources changed since this was measured: `node` (dededededede, now ffffffffffff). Re-run `pnpm --filter @tether/node bench`.",
      );
    }
    expect(section(md, "Parser", "Parser, small-get")).not.toContain("Stale");
    expect(md).toContain("`0123456789ab`, **stale**");
    expect(readme()).not.toContain("Stale");
  });
});

describe("bench report: benches that only print tables (TLS)", () => {
  const spec = CAPTURED[0] as (typeof CAPTURED)[number];
  const output =
    "TLS benchmark\n\nClient:\n| contender | requests/s |\n|---|---:|\n| tether | 5 |\n";

  it("shows the captured tables, each after a blank line, with the run's facts", () => {
    const json = {
      date: "2026-11-27T18:10:00.000Z",
      node: "v20.20.2",
      quick: false,
      arguments: "defaults",
      loadAverageAtEnd: [1, 1, 1],
      code: { commit: "abc", changed: [], sha256: CURRENT },
      output,
    };
    const md = readme({ ...inputs(), captured: [{ spec, json, problem: null }] });
    const at = md.indexOf("## TLS on Node");
    expect(md.slice(at)).toContain(
      "Client:\n\n| contender | requests/s |\n|---|---:|\n| tether | 5 |\n",
    );
    expect(md).toContain(
      "| TLS on Node (@tether/node) | 2026-11-27 18:10 UTC | Node v20.20.2 | full | defaults | 1.00 1.00 1.00 | not recorded | `abc`, current |",
    );
  });

  it("names the runtime a Bun or Deno TLS bench ran on", () => {
    const bun = CAPTURED.find((c) => c.id === "bun-tls");
    const deno = CAPTURED.find((c) => c.id === "deno-tls");
    expect(bun?.runtime).toBe("bun");
    expect(deno?.runtime).toBe("deno");
    const json = {
      date: "2026-11-27T18:10:00.000Z",
      node: "v20.20.2",
      runtime: "Bun 1.3.0",
      quick: true,
      arguments: "--quick",
      loadAverageAtEnd: [1, 1, 1],
      code: { commit: "abc", changed: [], sha256: CURRENT },
      output,
    };
    const md = readme({
      ...inputs(),
      captured: [{ spec: bun as (typeof CAPTURED)[number], json, problem: null }],
    });
    expect(md).toContain("| TLS on Bun (@tether/bun) | 2026-11-27 18:10 UTC | Bun 1.3.0 |");
  });

  it("says so when the captured file is missing", () => {
    const md = readme({ ...inputs(), captured: [{ spec, json: undefined, problem: null }] });
    expect(md).toContain(
      "_packages/node/bench/results/tls.json is missing: run `pnpm bench:report`",
    );
  });
});

describe("bench report: charts", () => {
  it("writes well-formed SVG with labels, values and ratio annotations", () => {
    const files = renderReport(inputs());
    const charts = [...files].filter(([name]) => name.endsWith(".svg"));
    // No pipelined-10 results in the fixture, no client section, no bun or deno file.
    expect(charts.map(([name]) => name).sort()).toEqual([
      "core-parser-small-get.svg",
      "node-memory.svg",
      "node-server-keep-alive.svg",
    ]);
    for (const [name, svg] of charts) {
      expect(() => checkXml(svg), name).not.toThrow();
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    }
    const server = files.get("node-server-keep-alive.svg") as string;
    expect(server.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(server).toContain(">Tether serve({ handler })</text>");
    expect(server).toContain(">40,000</text>");
    expect(server).toContain(">25.0 µs</text>");
    expect(server).toContain(">0.70× node:http · 0.40× raw net</text>");
  });

  it("escapes text for XML, and the checker catches what is not well-formed", () => {
    expect(xml(`a<b & "c"`)).toBe("a&lt;b &amp; &quot;c&quot;");
    expect(() => checkXml("<svg><g></svg></g>")).toThrow();
    expect(() => checkXml("<svg>a & b</svg>")).toThrow();
    expect(() => checkXml("<svg/><svg/>")).toThrow();
    expect(() => checkXml('<svg x="1"><text>ok &amp; fine</text></svg>')).not.toThrow();
  });

  it("gives the same bytes for the same inputs", () => {
    expect(renderReport(inputs())).toEqual(renderReport(inputs()));
  });
});
