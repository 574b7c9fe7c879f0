/** Runs strategies in-process on Node, with a fast link, for the tests. */
import { createClient, nodeSocketLayer, serve } from "@tether/node";
import { type RunSettings, runStrategy } from "../src/lab.ts";
import { linkParameters } from "../src/link-model.ts";
import type { LinkRecord } from "../src/relay.ts";
import type { StrategyRun } from "../src/results.ts";
import { type StrategyId, strategy } from "../src/strategies.ts";

export const node = { name: "node", layer: nodeSocketLayer, serve, createClient } as const;

export interface TestRun {
  readonly images?: number;
  readonly imageSize?: number;
  readonly rttMs?: number;
  readonly connections?: number;
  readonly pipelineDepth?: number;
  readonly dropAfter?: number;
  readonly serverIdleTimeoutMs?: number;
  readonly imagesWithPage?: readonly string[];
  /** `--tls`: the link adds this TLS version's handshake to every new connection. */
  readonly tls?: "1.2" | "1.3";
}

/** One page load with `id`; small and fast unless told otherwise. */
export function run(id: StrategyId, t: TestRun = {}): Promise<StrategyRun> {
  const settings: RunSettings = {
    link: linkParameters({
      rttMs: t.rttMs ?? 10,
      bandwidthMbps: 100,
      initialWindow: 10,
      maxWindow: 44,
      tls: t.tls,
    }),
    images: t.images ?? 6,
    imageSize: t.imageSize ?? 20_000,
    serverIdleTimeoutMs: t.serverIdleTimeoutMs,
    dropAfter: t.dropAfter,
    ...(t.imagesWithPage !== undefined ? { load: { imagesWithPage: t.imagesWithPage } } : {}),
  };
  const s = strategy(id, { connections: t.connections ?? 6, pipelineDepth: t.pipelineDepth ?? 6 });
  return runStrategy(node, s, settings);
}

/** Requests each connection carried, as the link saw them. */
export function perConnection(r: StrategyRun): number[] {
  return r.links.map((l) => l.requests.length);
}

/** The most connections open at once, from the client's own events. */
export function maxOpenAtOnce(r: StrategyRun): number {
  let open = 0;
  let max = 0;
  for (const { event } of r.load.events) {
    if (event.type === "connection-opened") max = Math.max(max, ++open);
    if (event.type === "connection-closed") open--;
  }
  return max;
}

/** Every image arrived whole, with a 200. */
export function allImagesArrived(r: StrategyRun, size: number): boolean {
  const images = r.load.requests.filter((q) => q.kind === "image");
  return (
    images.length > 0 &&
    images.every((q) => q.error === null && q.status === 200 && q.bytes === size)
  );
}

/** The link's requests in the order they reached it, with their connection. */
export function wireAttempts(
  r: StrategyRun,
): { link: LinkRecord; target: string; fate: string; arrivedAt: number }[] {
  return r.links
    .flatMap((link) =>
      link.requests.map((q) => ({ link, target: q.target, fate: q.fate, arrivedAt: q.arrivedAt })),
    )
    .sort((a, b) => a.arrivedAt - b.arrivedAt);
}
