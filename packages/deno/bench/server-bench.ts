/**
 * Server throughput on Deno: the shared server section
 * (packages/conformance/bench-kit/server-section.ts — wrk -t1 -c50,
 * keep-alive and pipelined ×10, interleaved rounds) over Tether's two
 * server styles, Deno.serve and a raw Deno.listen fixed-response server,
 * each a Deno process.
 */
import {
  formatServerSection,
  type ServerGoal,
  type ServerModeResult,
  type ServerSpec,
  serverSection,
} from "../../conformance/bench-kit/server-section.ts";
import { startDenoChild } from "./deno-child.ts";

export type { ServerModeResult };

/** Servers measured, in table order; `ours` are Tether's. */
export const SERVERS: readonly ServerSpec[] = [
  { kind: "tether-handler", label: "tether serve({ handler })", ours: true },
  { kind: "tether-fetch", label: "tether serve({ fetch })", ours: true },
  { kind: "deno-serve", label: "Deno.serve", short: "Deno.serve", ours: false },
  {
    kind: "raw-deno",
    label: "raw Deno.listen fixed response (ceiling)",
    short: "raw Deno.listen",
    ours: false,
  },
];

/** Issue #6's goals, for each of our two servers. */
const GOALS: readonly ServerGoal[] = [
  { mode: "keep-alive", peer: "deno-serve", metric: "rate", goal: 0.8 },
  { mode: "pipelined-10", peer: "deno-serve", metric: "rate", goal: 2 },
];

/** Settings of the server section. */
export interface ServerBenchOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmSeconds: number;
  /** Warm up again before the pipelined rounds (the servers are warm from keep-alive). */
  readonly warmEachMode: boolean;
  readonly connections: number;
  /** Profile Tether's server processes into this directory, or null. */
  readonly profileDir: string | null;
  readonly log: (text: string) => void;
}

/** Runs both modes against servers started once. */
export function serverBench(options: ServerBenchOptions): Promise<ServerModeResult[]> {
  return serverSection({
    ...options,
    servers: SERVERS,
    goals: GOALS,
    goalsApplyTo: "each",
    start: async (server, cpu) => {
      const { child, ready } = await startDenoChild("server-child.ts", [server.kind], {
        cpu,
        profileDir: server.ours ? options.profileDir : null,
      });
      return { child, port: Number(ready.port) };
    },
  });
}

/** The printed tables of the server section. */
export function formatServer(results: readonly ServerModeResult[]): string {
  return formatServerSection(results, SERVERS, "each");
}
