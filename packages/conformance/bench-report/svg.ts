/**
 * Hand-written SVG charts: for each section, one horizontal bar chart per
 * metric (requests/s, CPU per request, …), Tether's bars in blue, peers in
 * grey, baselines (raw servers doing no HTTP work) in light grey; the bar is
 * the median, the whisker p25–p75, and Tether's bars carry their ratios to
 * the peers. Plain SVG 1.1 with no scripts, styles or external fonts, so
 * GitHub renders it as an image.
 */
import { grouped, sig, times, xml } from "./format.ts";
import { type Metric, type Role, type Section, shortLabel } from "./model.ts";

const MIN_WIDTH = 720;
/** Rough width of a character of 11–12 px Helvetica, to size the canvas to its text. */
const CHAR = 6.4;
const LABEL_END = 220;
const BAR_START = 230;
const BAR_WIDTH = 320;
const VALUE_X = BAR_START + BAR_WIDTH + 10;
const RATIO_X = VALUE_X + 76;
const ROW = 26;
const BAR = 16;
const FONT = "Helvetica, Arial, sans-serif";

const FILL: Readonly<Record<Role, string>> = {
  ours: "#2b6cb0",
  peer: "#718096",
  baseline: "#cbd5e0",
};

/** A step of 1, 2 or 5 × 10ⁿ giving two to four grid lines past zero up to `max`. */
export function niceStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (raw <= m * power) return m * power;
  return 10 * power;
}

function text(
  x: number,
  y: number,
  content: string,
  attrs: Readonly<Record<string, string | number>> = {},
): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xml(String(v))}"`)
    .join("");
  return `<text x="${x}" y="${y}"${extra}>${xml(content)}</text>`;
}

function round(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** The ratio annotation of one of our rows for metric `m`: `0.71× node:http · 0.40× raw net`. */
function annotation(section: Section, kind: string, m: number): string {
  return section.ratios
    .filter((r) => r.ours === kind && r.values[m] !== null && r.values[m] !== undefined)
    .map((r) => `${times(r.values[m] as number)} ${shortLabel(r.peer)}`)
    .join(" · ");
}

/** One metric's panel starting at `top`; returns its elements, height and width. */
function panel(
  section: Section,
  m: number,
  top: number,
): { body: string[]; height: number; width: number } {
  const metric = section.metrics[m] as Metric;
  const body: string[] = [];
  body.push(
    `<text x="${BAR_START}" y="${top + 14}"><tspan font-size="14" font-weight="bold">${xml(metric.title)}</tspan>` +
      `<tspan font-size="11" fill="#4a5568"> · ${metric.better} is better</tspan></text>`,
  );
  const values = section.rows.map((r) => r.values[m] ?? null);
  let width = RATIO_X;
  const max = Math.max(0, ...values.map((v) => (v === null ? 0 : Math.max(v.median, v.p75))));
  const step = niceStep(max);
  const scaleMax = max > 0 ? max : step;
  const x = (v: number): number => BAR_START + (v / scaleMax) * BAR_WIDTH;
  const barsTop = top + 24;
  const barsHeight = section.rows.length * ROW;
  for (let k = 0; k * step <= scaleMax * 1.0001; k++) {
    const t = Number((k * step).toPrecision(12));
    const gx = round(x(t));
    body.push(
      `<line x1="${gx}" y1="${barsTop}" x2="${gx}" y2="${barsTop + barsHeight}" stroke="#e2e8f0" stroke-width="1"/>`,
      text(x(t), barsTop + barsHeight + 13, Number.isInteger(t) ? grouped(t) : String(t), {
        "font-size": 10,
        fill: "#4a5568",
        "text-anchor": "middle",
      }),
    );
  }
  section.rows.forEach((row, i) => {
    const y = barsTop + i * ROW;
    const mid = y + ROW / 2;
    body.push(
      text(LABEL_END, mid + 4, row.label, {
        "font-size": 12,
        "text-anchor": "end",
        "font-weight": row.role === "ours" ? "bold" : "normal",
      }),
    );
    const v = values[i];
    if (v === null || v === undefined) {
      body.push(text(BAR_START + 4, mid + 4, "not measured", { "font-size": 11, fill: "#a0aec0" }));
      return;
    }
    const w = Math.max(1, x(v.median) - BAR_START);
    body.push(
      `<rect x="${BAR_START}" y="${round(mid - BAR / 2)}" width="${round(w)}" height="${BAR}" fill="${FILL[row.role]}"/>`,
    );
    const [x1, x2] = [round(x(v.p25)), round(x(v.p75))];
    body.push(
      `<path d="M${x1} ${mid}H${x2}M${x1} ${mid - 4}V${mid + 4}M${x2} ${mid - 4}V${mid + 4}" stroke="#1a202c" stroke-width="1.2" fill="none"/>`,
      text(VALUE_X, mid + 4, `${sig(v.median)}${metric.unit}`, { "font-size": 12 }),
    );
    const note = row.role === "ours" ? annotation(section, row.kind, m) : "";
    if (note !== "") {
      body.push(text(RATIO_X, mid + 4, note, { "font-size": 11, fill: FILL.ours }));
      width = Math.max(width, RATIO_X + note.length * CHAR);
    }
  });
  return { body, height: 24 + barsHeight + 22, width };
}

/** The chart of a section with rows; `heading` goes above it (e.g. the bench's title). */
export function sectionChart(section: Section, heading: string): string {
  const body: string[] = [
    text(16, 24, `${heading}: ${section.title}`, { "font-size": 16, "font-weight": "bold" }),
  ];
  const title = `${heading}: ${section.title}`;
  let top = 40;
  let width = Math.max(MIN_WIDTH, 16 + title.length * CHAR * 1.35);
  for (let m = 0; m < section.metrics.length; m++) {
    const p = panel(section, m, top);
    body.push(...p.body);
    top += p.height + 12;
    width = Math.max(width, p.width);
  }
  const legend = [
    "Bars: medians; whiskers: p25–p75 of the rounds.",
    `Ratios on Tether's bars (${section.ratioBasis}): above 1× means Tether is ahead.`,
  ];
  legend.forEach((line, i) => {
    body.push(text(16, top + 4 + i * 15, line, { "font-size": 11, fill: "#4a5568" }));
  });
  const height = top + 4 + legend.length * 15;
  width = Math.ceil(Math.max(width, 16 + Math.max(...legend.map((l) => l.length)) * CHAR) + 16);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="${FONT}">`,
    `<title>${xml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}
