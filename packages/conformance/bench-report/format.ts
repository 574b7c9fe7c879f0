/**
 * Number formatting for the report, independent of the locale (the output
 * must be byte-identical on every machine for the same inputs).
 */

/** `1234567` → `1,234,567` (rounded to an integer). */
export function grouped(x: number): string {
  const n = Math.round(x);
  const digits = String(Math.abs(n));
  const parts: string[] = [];
  for (let end = digits.length; end > 0; end -= 3)
    parts.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${n < 0 ? "-" : ""}${parts.join(",")}`;
}

/**
 * Three significant digits, grouped from 1000 up: `0.659`, `25.0`, `111`,
 * `40,782`.
 */
export function sig(x: number): string {
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1000) return grouped(x);
  const decimals = Math.max(0, 2 - Math.floor(Math.log10(abs)));
  return x.toFixed(Math.min(decimals, 6));
}

/** A ratio: `0.71×`. */
export function times(x: number): string {
  return `${x.toFixed(2)}×`;
}

/** A byte count in binary units: `25.3 GiB`. */
export function bytes(x: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = x;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? String(Math.round(v)) : v.toFixed(1)} ${units[i]}`;
}

/** `2026-11-27T17:09:39.370Z` → `2026-11-27 17:09 UTC` (unchanged when not an ISO date). */
export function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m === null ? iso : `${m[1]} ${m[2]} UTC`;
}

/** Escapes text for XML/SVG content and attribute values. */
export function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** Escapes a Markdown table cell (pipes and line breaks). */
export function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
