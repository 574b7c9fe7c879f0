/**
 * The HTML report (report.ts): self-contained, well-formed SVG, one bar per
 * request attempt, retries marked. Rendering in a real browser is
 * report-render.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../src/report.ts";
import type { StrategyRun } from "../src/results.ts";
import { run } from "./helpers.ts";

let runs: StrategyRun[] = [];
let html = "";

beforeAll(async () => {
  runs = [
    await run("serial-new", { images: 3 }),
    await run("persistent-serial", { images: 6, dropAfter: 3 }),
  ];
  html = renderReport(runs, {
    runtime: "node (test)",
    parameters: ["link: test"],
    generatedAt: new Date(0),
  });
});

/** The `<svg class="waterfall">…</svg>` blocks. */
function waterfalls(doc: string): string[] {
  return [...doc.matchAll(/<svg class="waterfall"[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

/** Checks that start and end tags nest (the SVG is XML inside HTML). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self === "/") continue;
    if (close === "/") {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  return stack.length === 0;
}

describe("report", () => {
  it("is self-contained: no script, stylesheet link, or external reference", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(/i);
  });

  it("has one waterfall per strategy, each well-formed", () => {
    const svgs = waterfalls(html);
    expect(svgs).toHaveLength(runs.length);
    for (const svg of svgs) expect(balanced(svg)).toBe(true);
    expect(balanced(html.replace(/<!doctype html>/i, "").replace(/<meta[^>]*>/g, ""))).toBe(true);
  });

  it("draws one bar per request attempt, in one lane per connection", () => {
    waterfalls(html).forEach((svg, i) => {
      const r = runs[i] as StrategyRun;
      const attempts = r.links.reduce((n, l) => n + l.requests.length, 0);
      expect(svg.match(/<g class="request/g)).toHaveLength(attempts);
      expect(svg).toContain(`data-requests="${attempts}"`);
      expect(svg.match(/<g class="lane"/g)).toHaveLength(r.links.length);
    });
  });

  it("marks retries and lost attempts", () => {
    const [, faulted] = waterfalls(html);
    const r = runs[1] as StrategyRun;
    expect(r.summary.retries).toBeGreaterThan(0);
    expect(faulted?.match(/<g class="request retry/g)).toHaveLength(r.summary.retries);
    expect(faulted?.match(/class="lost"/g)).toHaveLength(r.summary.retries);
    expect(faulted).toContain("↻ retry 1");
  });

  it("shows the table and the parameters", () => {
    expect(html).toContain("link: test");
    expect(html).toContain("<th>set-up RTTs</th>");
    for (const r of runs) expect(html).toContain(r.strategy.title.replace("&", "&amp;"));
  });
});
