/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script,
 * no external asset) with the parameters, the table, and one waterfall per
 * strategy — one lane per connection, one bar per request attempt, split
 * into its phases (queued, connect, TLS handshake with `--tls`, wait,
 * receive), retries marked. Every
 * waterfall shares one time scale, so they compare at a glance.
 */
import type { Bar, Interval, StrategyRun } from "./results.ts";
import { ms, tableRows } from "./table.ts";

/** What the report shows besides the runs. */
export interface ReportInfo {
  readonly runtime: string;
  /** The parameter lines printed with the run. */
  readonly parameters: readonly string[];
  readonly generatedAt: Date;
}

const GUTTER = 170;
const CHART = 780;
const RIGHT = 60;
const ROW = 14;
const BAR = 9;
const LANE_GAP = 5;
const AXIS = 22;

/** Renders the report. */
export function renderReport(runs: readonly StrategyRun[], info: ReportInfo): string {
  const maxT = Math.max(1, ...runs.map(runEnd));
  const rows = tableRows(runs);
  const [header = [], ...body] = rows;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tether connection lab</title>
<style>${CSS}</style>
</head>
<body>
<h1>Tether connection lab</h1>
<p class="meta">Runtime: ${esc(info.runtime)} · ${esc(info.generatedAt.toISOString())}</p>
<pre class="params">${esc(info.parameters.join("\n"))}</pre>
<table class="results">
<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
<tbody>
${body.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n")}
</tbody>
</table>
${runs.some((r) => r.summary.tlsRtts > 0) ? LEGEND.replace("<!--tls-->", TLS_LEGEND) : LEGEND}
${runs.map((run) => section(run, maxT)).join("\n")}
</body>
</html>
`;
}

function runEnd(run: StrategyRun): number {
  let end = run.summary.totalMs;
  for (const b of run.bars) end = Math.max(end, b.receive?.to ?? b.wait.to);
  return end;
}

function section(run: StrategyRun, maxT: number): string {
  const s = run.summary;
  const retries = Object.entries(s.retryReasons)
    .map(([reason, n]) => `${n} × ${reason}`)
    .join(", ");
  return `<section class="strategy" id="${run.strategy.id}">
<h2>${esc(run.strategy.title)}</h2>
<p>${esc(run.strategy.summary)}</p>
<p class="facts">total <b>${ms(s.totalMs)}</b> · first image ${s.firstImageMs === null ? "—" : ms(s.firstImageMs)} · ${s.connectionsOpened} connection${s.connectionsOpened === 1 ? "" : "s"} · ${s.requestsPerConnection.toFixed(1)} requests per connection · ${s.setupRtts} set-up round trips · ${s.imagesOk}/${s.images} images${s.retries > 0 ? ` · ${s.retries} retries (${esc(retries)})` : ""}${s.failures > 0 ? ` · <span class="bad">${s.failures} failed</span>` : ""}</p>
${waterfall(run, maxT)}
</section>`;
}

/** The SVG: lanes top to bottom in the order connections were opened. */
function waterfall(run: StrategyRun, maxT: number): string {
  const x = (t: number): number => GUTTER + (Math.max(0, t) / maxT) * CHART;
  const lanes = new Map<number, Bar[]>();
  for (const b of run.bars) {
    const lane = lanes.get(b.lane) ?? [];
    lane.push(b);
    lanes.set(b.lane, lane);
  }
  const parts: string[] = [];
  let y = AXIS;
  let laneNo = 0;
  for (const [lane, bars] of [...lanes.entries()].sort((a, b) => a[0] - b[0])) {
    const height = bars.length * ROW;
    parts.push(
      `<g class="lane" data-connection="${lane}">`,
      `<rect class="lane-bg${laneNo % 2 === 1 ? " odd" : ""}" x="0" y="${y - 2}" width="${GUTTER + CHART + RIGHT}" height="${height + 4}"/>`,
      `<text class="lane-label" x="6" y="${y + ROW - 4}">conn ${lane}</text>`,
    );
    bars.forEach((bar, i) => {
      parts.push(requestBar(bar, y + i * ROW, x));
    });
    parts.push("</g>");
    y += height + LANE_GAP;
    laneNo++;
  }
  const height = y + 4;
  return `<svg class="waterfall" xmlns="http://www.w3.org/2000/svg" width="${GUTTER + CHART + RIGHT}" height="${height}" viewBox="0 0 ${GUTTER + CHART + RIGHT} ${height}" role="img" aria-label="waterfall of ${esc(run.strategy.title)}" data-strategy="${run.strategy.id}" data-requests="${run.bars.length}">
${axis(maxT, height, x)}
${parts.join("\n")}
</svg>`;
}

function requestBar(bar: Bar, top: number, x: (t: number) => number): string {
  const y = top + (ROW - BAR) / 2;
  const mid = top + ROW / 2;
  const rect = (cls: string, i: Interval): string =>
    `<rect class="${cls}" x="${x(i.from).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, x(i.to) - x(i.from)).toFixed(1)}" height="${BAR}"/>`;
  const lost = bar.outcome !== "ok";
  const pieces: string[] = [];
  if (bar.queued !== null) {
    pieces.push(
      `<line class="queued" x1="${x(bar.queued.from).toFixed(1)}" x2="${x(bar.queued.to).toFixed(1)}" y1="${mid}" y2="${mid}"/>`,
    );
  }
  if (bar.connect !== null) pieces.push(rect("connect", bar.connect));
  if (bar.tls !== null) pieces.push(rect("tls", bar.tls));
  pieces.push(rect(lost ? "lost" : "wait", bar.wait));
  if (bar.receive !== null) pieces.push(rect("receive", bar.receive));
  const end = bar.receive?.to ?? bar.wait.to;
  const marks: string[] = [];
  if (bar.attempt > 1) marks.push(`↻ retry ${bar.attempt - 1}`);
  if (lost) marks.push(`✕ ${bar.outcome}`);
  if (bar.gaveUp !== null) marks.push(`— given up (${bar.gaveUp.split(":")[0]})`);
  if (marks.length > 0) {
    pieces.push(
      `<text class="mark" x="${(x(end) + 4).toFixed(1)}" y="${top + ROW - 4}">${esc(marks.join(" "))}</text>`,
    );
  }
  const title = [
    `${bar.target} — attempt ${bar.attempt} on connection ${bar.lane}`,
    bar.queued !== null ? `queued ${ms(bar.queued.to - bar.queued.from)}` : null,
    bar.connect !== null ? `connect ${ms(bar.connect.to - bar.connect.from)}` : null,
    bar.tls !== null ? `TLS handshake ${ms(bar.tls.to - bar.tls.from)}` : null,
    `${lost ? `no response (${bar.outcome})` : "wait"} ${ms(bar.wait.to - bar.wait.from)}`,
    bar.receive !== null ? `receive ${ms(bar.receive.to - bar.receive.from)}` : null,
    bar.gaveUp !== null ? `the client gave up: ${bar.gaveUp}` : null,
  ]
    .filter((s) => s !== null)
    .join(" · ");
  const cls = `request${bar.attempt > 1 ? " retry" : ""}${lost ? " failed" : ""}`;
  return `<g class="${cls}" data-target="${esc(bar.target)}" data-attempt="${bar.attempt}"><title>${esc(title)}</title><text class="target" x="${GUTTER - 6}" y="${top + ROW - 4}">${esc(bar.target)}</text>${pieces.join("")}</g>`;
}

function axis(maxT: number, height: number, x: (t: number) => number): string {
  const step = niceStep(maxT / 8);
  const out: string[] = ['<g class="axis">'];
  for (let t = 0; t <= maxT + 1e-9; t += step) {
    const px = x(t).toFixed(1);
    out.push(
      `<line x1="${px}" x2="${px}" y1="${AXIS - 6}" y2="${height}"/>`,
      `<text x="${px}" y="${AXIS - 9}">${t >= 1000 && step >= 100 ? `${(t / 1000).toFixed(step >= 1000 ? 0 : 1)} s` : `${Math.round(t)} ms`}</text>`,
    );
  }
  out.push("</g>");
  return out.join("\n");
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function esc(s: string): string {
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const LEGEND = `<div class="legend">
<svg width="660" height="16" viewBox="0 0 660 16" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">
<line class="queued" x1="2" x2="30" y1="8" y2="8"/><text x="36" y="12">queued</text>
<rect class="connect" x="100" y="3" width="28" height="9"/><text x="134" y="12">connect (handshake)</text>
<rect class="wait" x="262" y="3" width="28" height="9"/><text x="296" y="12">wait</text>
<rect class="receive" x="340" y="3" width="28" height="9"/><text x="374" y="12">receive</text>
<rect class="lost" x="432" y="3" width="28" height="9"/><text x="466" y="12">lost</text>
<!--tls-->
</svg>
<p>One lane per connection, in the order they opened; one bar per request attempt, its phases as the link saw them. Hover a bar for its numbers.</p>
</div>`;

/** The legend's entry for the TLS handshake (runs with `--tls` only). */
const TLS_LEGEND = `<rect class="tls" x="510" y="3" width="28" height="9"/><text x="544" y="12">TLS handshake</text>`;

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; max-width: 1060px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 2px; }
p { margin: 4px 0; }
.meta { color: #666; }
.params { background: #f6f6f6; padding: 8px 10px; font-size: 12px; white-space: pre-wrap; }
table.results { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 12px 0; }
table.results th, table.results td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
table.results th:first-child, table.results td:first-child { text-align: left; }
.facts { color: #444; font-size: 13px; }
.bad { color: #c62828; font-weight: bold; }
.legend { font-size: 12px; color: #444; }
svg text { font: 10px system-ui, sans-serif; fill: #333; }
.axis line { stroke: #e4e4e4; }
.axis text { text-anchor: middle; fill: #777; }
.lane-bg { fill: #fafafa; }
.lane-bg.odd { fill: #f0f3f7; }
.lane-label { font-weight: bold; fill: #555; }
.target { text-anchor: end; fill: #666; }
.queued { stroke: #9e9e9e; stroke-width: 1.5; }
.connect { fill: #f29e38; }
.tls { fill: #9c5fd0; }
.wait { fill: #7cc47f; }
.receive { fill: #3f7fd9; }
.lost { fill: #ef9a9a; stroke: #c62828; stroke-width: 1; }
.retry .target { fill: #c62828; font-weight: bold; }
.mark { fill: #c62828; font-weight: bold; }
`;
