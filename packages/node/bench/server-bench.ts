/**
 * Server throughput on Node: the shared server section
 * (packages/conformance/bench-kit/server-section.ts — wrk -t1 -c50,
 * keep-alive and pipelined ×10, interleaved rounds) over Tether's two
 * server styles, node:http and a raw node:net fixed-response server.
 */
import {
  formatServerSection,
  type ServerGoal,
  type ServerModeResult,
  type ServerSpec,
  serverSection,
} from "../../conformance/bench-kit/server-section.ts";
import { startChild } from "./child.ts";

export type { ServerModeResult };

/** Servers measured, in table order; `ours` are Tether's. */
export const SERVERS: readonly ServerSpec[] = [
  { kind: "tether-handler", label: "tether serve({ handler })", ours: true },
  { kind: "tether-fetch", label: "tether serve({ fetch })", ours: true },
  { kind: "node-http", label: "node:http", short: "node:http", ours: false },
  {
    kind: "raw-net",
    label: "raw node:net fixed response (ceiling)",
    short: "raw net",
    ours: false,
  },
];

/** Issue #4's goals, for the better of our two servers. */
const GOALS: readonly ServerGoal[] = [
  { mode: "keep-alive", peer: "node-http", metric: "rate", goal: 2 },
  // CPU per request at most half of node:http's.
  { mode: "keep-alive", peer: "node-http", metric: "cpu", goal: 2 },
  { mode: "keep-alive", peer: "raw-net", metric: "rate", goal: 0.7 },
  { mode: "pipelined-10", peer: "node-http", metric: "rate", goal: 3 },
];

/** Settings of the server section. */
export interface ServerBenchOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmSeconds: number;
  /** Warm up again before the pipelined rounds (the servers are warm from keep-alive). */
  readonly warmEachMode: boolean;
  readonly connections: number;
  /** Node flags for Tether's server processes (profiling). */
  readonly tetherFlags: readonly string[];
  readonly log: (text: string) => void;
}

/** Runs both modes against servers started once. */
export function serverBench(options: ServerBenchOptions): Promise<ServerModeResult[]> {
  return serverSection({
    ...options,
    servers: SERVERS,
    goals: GOALS,
    goalsApplyTo: "best",
    start: async (server, cpu) => {
      const { child, ready } = await startChild("server-child.ts", [server.kind], {
        cpu,
        nodeFlags: server.ours ? options.tetherFlags : [],
      });
      return { child, port: Number(ready.port) };
    },
  });
}

/** The printed tables of the server section. */
export function formatServer(results: readonly ServerModeResult[]): string {
  return formatServerSection(results, SERVERS, "best");
}
