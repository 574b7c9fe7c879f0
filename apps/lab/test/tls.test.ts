/**
 * `--tls` (issue #9): every new connection also pays a TLS handshake on the
 * emulated link — its round trips counted in the set-up cost, drawn as
 * their own waterfall segment, printed with the parameters. Counts and
 * causal order from what the link recorded, never measured durations.
 */
import { describe, expect, it } from "vitest";
import { linkParameters } from "../src/link-model.ts";
import { parseOptions } from "../src/options.ts";
import { renderReport } from "../src/report.ts";
import { parameterLines, tableLines, tableRows } from "../src/table.ts";
import { allImagesArrived, run } from "./helpers.ts";

const N = 4;
const SIZE = 20_000;

describe("--tls: the TLS handshake on every new connection", () => {
  for (const [version, rtts] of [
    ["1.3", 1],
    ["1.2", 2],
  ] as const) {
    it(`TLS ${version}: each connection's first byte waits ${rtts} more RTT after TCP's handshake, and the request leaves after it`, async () => {
      const r = await run("serial-new", { images: N, tls: version });
      expect(r.links).toHaveLength(N + 1);
      for (const link of r.links) {
        expect(link.tlsRtts).toBe(rtts);
        // Recorded from the link's own schedule: TCP's RTT, then the TLS ones.
        const rtt = (link.establishedAt - link.acceptedAt) as number;
        expect(link.tlsDoneAt).toBeCloseTo(link.establishedAt + rtts * rtt, 6);
        expect(link.requests[0]?.leftAt).toBeGreaterThanOrEqual(link.tlsDoneAt as number);
      }
      expect(allImagesArrived(r, SIZE)).toBe(true);
      // One TCP round trip and `rtts` TLS ones per connection, plus slow-start rounds.
      const slowStart = r.links.reduce((n, l) => n + l.slowStartRounds, 0);
      expect(r.summary.tlsRtts).toBe((N + 1) * rtts);
      expect(r.summary.setupRtts).toBe((N + 1) * (1 + rtts) + slowStart);
    });
  }

  it("the waterfall has a TLS segment on the first request of each connection only, after connect", async () => {
    const r = await run("persistent-serial", { images: N, tls: "1.3" });
    expect(r.links).toHaveLength(1);
    const [first, ...rest] = r.bars;
    expect(first?.tls).not.toBeNull();
    expect(first?.tls?.from).toBe(first?.connect?.to);
    expect(first?.wait.from).toBeGreaterThanOrEqual(first?.tls?.to as number);
    for (const b of rest) expect(b.tls).toBeNull();
    const html = renderReport([r], {
      runtime: "node (test)",
      parameters: ["link: test"],
      generatedAt: new Date(0),
    });
    expect(html.match(/<rect class="tls"/g)).toHaveLength(2); // the bar and the legend
    expect(html).toContain("TLS handshake");
  });

  it("without --tls: no TLS segment, no TLS column, no TLS legend", async () => {
    const r = await run("persistent-serial", { images: 2 });
    expect(r.links[0]?.tlsDoneAt).toBeNull();
    expect(r.bars.every((b) => b.tls === null)).toBe(true);
    expect(r.summary.tlsRtts).toBe(0);
    expect(tableRows([r])[0]).not.toContain("of which TLS");
    const html = renderReport([r], { runtime: "t", parameters: [], generatedAt: new Date(0) });
    expect(html).not.toContain('class="tls"');
  });

  it("the table counts TLS round trips in their own column; persistence saves them per connection not opened", async () => {
    const serial = await run("serial-new", { images: N, tls: "1.2" });
    const persistent = await run("persistent-serial", { images: N, tls: "1.2" });
    const [header, ...rows] = tableRows([serial, persistent]);
    const col = header?.indexOf("of which TLS") ?? -1;
    expect(col).toBeGreaterThan(0);
    expect(rows.map((row) => row[col])).toEqual([String((N + 1) * 2), "2"]);
    expect(tableLines([serial, persistent])[0]).toContain("of which TLS");
  });

  it("the parameters say which handshake is added", () => {
    const o = parseOptions(["--tls=1.2"]);
    const lines = parameterLines(o, linkParameters(o), 1000);
    expect(lines.join("\n")).toContain("TLS 1.2: then 2 more RTTs (TLS handshake");
    expect(
      parameterLines(parseOptions([]), linkParameters(parseOptions([])), 1000).join("\n"),
    ).not.toContain("TLS");
  });
});
