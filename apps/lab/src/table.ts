/**
 * The printed side of a run: the model's parameters and the table of
 * results, as lines of text (the same rows appear in the HTML report).
 */
import type { LinkParameters } from "./link-model.ts";
import type { LabOptions } from "./options.ts";
import type { StrategyRun } from "./results.ts";

/** `1234 ms`. */
export function ms(t: number): string {
  return `${Math.round(t)} ms`;
}

/** `652.3 kB` (1 kB = 1000 bytes). */
export function kb(bytes: number): string {
  return bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} kB`;
}

/** The lines describing the link, the page and the faults (printed with every run). */
export function parameterLines(o: LabOptions, p: LinkParameters, htmlBytes: number): string[] {
  const mbit = (p.bytesPerMs * 8 * 1000) / 1_000_000;
  const faults: string[] = [];
  if (o.serverIdleTimeoutMs !== undefined) {
    faults.push(`the server closes connections idle for ${ms(o.serverIdleTimeoutMs)}`);
  }
  if (o.dropAfter !== undefined) {
    faults.push(
      `the server side drops each connection, unannounced, after ${o.dropAfter} requests`,
    );
  }
  return [
    `link:       RTT ${ms(p.rttMs)} (${ms(p.rttMs / 2)} each way), ${mbit} Mbit/s per direction shared by all connections, MSS ${p.mss} B`,
    "            a new connection waits 1 RTT (handshake) before its first byte",
    ...(o.tls === undefined
      ? []
      : [
          `            TLS ${o.tls}: then ${p.tlsRtts} more RTT${p.tlsRtts === 1 ? "" : "s"} (TLS handshake, full: no session resumption) before its first request byte`,
        ]),
    `            slow start: initial window ${p.initialWindow} segments (${kb(p.initialWindow * p.mss)}), ×2 per busy round trip, cap ${p.maxWindow} segments (${kb(p.maxWindow * p.mss)})`,
    "            a reused connection keeps its window",
    `page:       1 HTML document (${kb(htmlBytes)}) + ${o.images} images × ${kb(o.imageSize)}; the page first, then all its images at once`,
    `faults:     ${faults.length === 0 ? "none" : faults.join("; ")}`,
  ];
}

/** The header and cells of the results table. */
export function tableRows(runs: readonly StrategyRun[]): string[][] {
  const base = runs.find((r) => r.strategy.id === "serial-new")?.summary.totalMs;
  const showRetries = runs.some((r) => r.summary.retries > 0 || r.summary.failures > 0);
  const showTls = runs.some((r) => r.summary.tlsRtts > 0);
  const header = [
    "strategy",
    "total",
    "first image",
    "connections",
    "req/conn",
    "bytes",
    "set-up RTTs",
    ...(showTls ? ["of which TLS"] : []),
    ...(base !== undefined ? ["vs 1."] : []),
    ...(showRetries ? ["retries", "failed"] : []),
  ];
  const rows = runs.map((r) => {
    const s = r.summary;
    return [
      r.strategy.title,
      ms(s.totalMs),
      s.firstImageMs === null ? "—" : ms(s.firstImageMs),
      String(s.connectionsOpened),
      s.requestsPerConnection.toFixed(1),
      kb(s.bytes),
      String(s.setupRtts),
      ...(showTls ? [String(s.tlsRtts)] : []),
      ...(base !== undefined ? [`${(base / Math.max(1, s.totalMs)).toFixed(1)}×`] : []),
      ...(showRetries ? [String(s.retries), String(s.failures)] : []),
    ];
  });
  return [header, ...rows];
}

/** The results table as aligned text lines (first column left, the others right). */
export function tableLines(runs: readonly StrategyRun[]): string[] {
  const rows = tableRows(runs);
  const widths = (rows[0] as string[]).map((_, c) =>
    Math.max(...rows.map((row) => (row[c] as string).length)),
  );
  const line = (row: string[]): string =>
    row
      .map((cell, c) =>
        c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number),
      )
      .join("  ");
  const [header, ...body] = rows;
  return [line(header as string[]), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(line)];
}
