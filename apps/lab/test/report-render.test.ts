/**
 * The report rendered by a real browser: Debian's `chromium`, headless.
 * `pnpm test` installs it first when it is missing and it can
 * (scripts/ensure-chromium.sh); without it, these tests skip and say why.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../src/report.ts";
import type { StrategyRun } from "../src/results.ts";
import { run } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP_REASON =
  `${CHROMIUM} is absent and could not be installed (scripts/ensure-chromium.sh needs root and apt-get); ` +
  "the report was not rendered";

let dir = "";
let runs: StrategyRun[] = [];

/** Runs headless Chromium with the flags of a quiet, throwaway profile. */
function chromium(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${join(dir, "profile")}`,
        "--hide-scrollbars",
        ...args,
      ],
      { timeout: 45_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

/** Measures, in the browser, what each waterfall drew. */
const CHECK = `<script>
const result = [...document.querySelectorAll("svg.waterfall")].map((svg) => {
  const width = svg.viewBox.baseVal.width;
  const requests = [...svg.querySelectorAll("g.request")];
  const drawn = requests.filter((g) => {
    const rects = [...g.querySelectorAll("rect")].map((r) => r.getBBox());
    return rects.length > 0 && rects.every((b) => b.width >= 1 && b.height > 0 && b.x >= 0 && b.x + b.width <= width + 1);
  });
  const box = svg.getBoundingClientRect();
  return {
    strategy: svg.dataset.strategy,
    declared: Number(svg.dataset.requests),
    requests: requests.length,
    drawn: drawn.length,
    retries: svg.querySelectorAll("g.request.retry").length,
    lanes: svg.querySelectorAll("g.lane").length,
    width: box.width,
    height: box.height,
  };
});
const pre = document.createElement("pre");
pre.id = "render-check";
pre.textContent = JSON.stringify(result);
document.body.append(pre);
</script>`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tether-lab-render-"));
  runs = [
    await run("serial-new", { images: 4 }),
    await run("persistent-parallel", { images: 8 }),
    await run("persistent-serial", { images: 6, dropAfter: 3 }),
  ];
});

afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

describe("report rendered in headless Chromium", () => {
  it("draws every waterfall: one visible bar per request attempt, one lane per connection", async (ctx) => {
    if (!HAVE_CHROMIUM) ctx.skip(SKIP_REASON);
    const html = renderReport(runs, {
      runtime: "node (test)",
      parameters: ["test"],
      generatedAt: new Date(0),
    });
    const page = join(dir, "check.html");
    await writeFile(page, html.replace("</body>", `${CHECK}\n</body>`));
    const dom = await chromium(["--dump-dom", `file://${page}`]);
    const json = /<pre id="render-check">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
    expect(json, "the check script ran").toBeDefined();
    const result = JSON.parse(
      (json as string).replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&"),
    ) as {
      strategy: string;
      declared: number;
      requests: number;
      drawn: number;
      retries: number;
      lanes: number;
      width: number;
      height: number;
    }[];
    expect(result.map((r) => r.strategy)).toEqual(runs.map((r) => r.strategy.id));
    result.forEach((r, i) => {
      const expected = runs[i] as StrategyRun;
      const attempts = expected.links.reduce((n, l) => n + l.requests.length, 0);
      expect(r.requests).toBe(attempts);
      expect(r.declared).toBe(attempts);
      expect(r.drawn).toBe(attempts);
      expect(r.lanes).toBe(expected.links.length);
      expect(r.retries).toBe(expected.summary.retries);
      expect(r.width).toBeGreaterThan(500);
      expect(r.height).toBeGreaterThan(30);
    });
  });

  it("takes a screenshot (a PNG of the page's width)", async (ctx) => {
    if (!HAVE_CHROMIUM) ctx.skip(SKIP_REASON);
    const html = renderReport(runs, {
      runtime: "node (test)",
      parameters: ["test"],
      generatedAt: new Date(0),
    });
    const page = join(dir, "report.html");
    const png = join(dir, "report.png");
    await writeFile(page, html);
    await chromium([`--screenshot=${png}`, "--window-size=1100,1600", `file://${page}`]);
    const bytes = await readFile(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.readUInt32BE(16)).toBe(1100); // IHDR width
    expect(bytes.length).toBeGreaterThan(20_000); // not a blank page
  });
});
