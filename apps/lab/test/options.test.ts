/** The command line (options.ts). */
import { describe, expect, it } from "vitest";
import { LabUsageError, parseOptions } from "../src/options.ts";
import { STRATEGY_IDS } from "../src/strategies.ts";

describe("options", () => {
  it("defaults: 50 ms, 10 Mbit/s, 20 images of 30 kB, 6 connections, every strategy, node", () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({
      rttMs: 50,
      bandwidthMbps: 10,
      images: 20,
      imageSize: 30_000,
      connections: 6,
      runtime: "node",
      out: "out/connection-lab.html",
      serverIdleTimeoutMs: undefined,
      dropAfter: undefined,
    });
    expect(o.strategies).toEqual(STRATEGY_IDS);
  });

  it("reads every option, with `--name value` and `--name=value`", () => {
    const o = parseOptions([
      "--rtt",
      "80",
      "--bandwidth=2.5",
      "--images",
      "5",
      "--image-size",
      "12k",
      "--connections",
      "4",
      "--pipeline-depth",
      "3",
      "--initial-window",
      "4",
      "--max-window",
      "20",
      "--runtime",
      "deno",
      "--out",
      "x.html",
      "--server-idle-timeout",
      "30",
      "--drop-after",
      "3",
      "--only",
      "pipelined,serial-new",
    ]);
    expect(o).toMatchObject({
      rttMs: 80,
      bandwidthMbps: 2.5,
      images: 5,
      imageSize: 12_000,
      connections: 4,
      pipelineDepth: 3,
      initialWindow: 4,
      maxWindow: 20,
      runtime: "deno",
      out: "x.html",
      serverIdleTimeoutMs: 30,
      dropAfter: 3,
      strategies: ["serial-new", "pipelined"],
    });
  });

  it("--tls adds a TLS 1.3 handshake by default; --tls=1.2 and --tls 1.2 pick TLS 1.2", () => {
    expect(parseOptions([]).tls).toBeUndefined();
    expect(parseOptions(["--tls"]).tls).toBe("1.3");
    expect(parseOptions(["--tls", "--rtt", "20"])).toMatchObject({ tls: "1.3", rttMs: 20 });
    expect(parseOptions(["--tls=1.2"]).tls).toBe("1.2");
    expect(parseOptions(["--tls", "1.2"]).tls).toBe("1.2");
    expect(() => parseOptions(["--tls=1.1"])).toThrow(LabUsageError);
  });

  it("the entry's runtime is the default", () => {
    expect(parseOptions([], "bun").runtime).toBe("bun");
  });

  for (const bad of [
    ["--rtt"],
    ["--rtt", "-1"],
    ["--images", "0"],
    ["--images", "1.5"],
    ["--image-size", "lots"],
    ["--runtime", "java"],
    ["--only", "carrier-pigeon"],
    ["--frobnicate"],
    ["--initial-window", "50"],
  ]) {
    it(`refuses ${bad.join(" ")}`, () => {
      expect(() => parseOptions(bad)).toThrow(LabUsageError);
    });
  }
});
