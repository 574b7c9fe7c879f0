/**
 * Client throughput on Node: the shared client section
 * (packages/conformance/bench-kit/client-section.ts — 20k GETs, 50 in
 * flight, interleaved rounds against one fast origin) over Tether's
 * `fetch()` and `request()`, undici 7 and Node's global fetch.
 */
import {
  type ClientGoal,
  type ClientResult,
  type ClientSpec,
  clientSection,
  formatClientSection,
} from "../../conformance/bench-kit/client-section.ts";
import { startChild } from "./child.ts";
import { startOrigin } from "./origin.ts";

export type { ClientResult };

/** Clients measured, in table order. */
export const CLIENTS: readonly ClientSpec[] = [
  { kind: "tether-fetch", label: "tether fetch() (6 connections)", ours: true },
  { kind: "tether-request", label: "tether request() (6 connections)", ours: true },
  { kind: "undici-pool", label: "undici 7 Pool, 6 connections", ours: false },
  { kind: "undici-pipelined", label: "undici 7 Pool, 6 connections, pipelining 10", ours: false },
  { kind: "global-fetch", label: "Node global fetch", ours: false },
];

/** Issue #4's goals for our `fetch()` (rate ratio). */
const GOALS: readonly ClientGoal[] = [
  { ours: "tether-fetch", peer: "undici-pool", goal: 1.3 },
  { ours: "tether-fetch", peer: "undici-pipelined", goal: 1.5 },
  { ours: "tether-fetch", peer: "global-fetch", goal: 3 },
];

/** Settings of the client section. */
export interface ClientBenchOptions {
  readonly rounds: number;
  readonly requests: number;
  readonly warmRequests: number;
  readonly concurrency: number;
  readonly origin: "nginx" | "raw-net";
  readonly tetherFlags: readonly string[];
  readonly log: (text: string) => void;
}

/** Runs every client against one origin. */
export function clientBench(options: ClientBenchOptions): Promise<ClientResult> {
  return clientSection({
    ...options,
    clients: CLIENTS,
    goals: GOALS,
    startOrigin: (cpu) => startOrigin(options.origin, cpu),
    start: async (client, origin, cpu) => {
      const { child } = await startChild("client-child.ts", [client.kind, origin], {
        cpu,
        nodeFlags: client.ours ? options.tetherFlags : [],
      });
      return child;
    },
  });
}

/** The printed table of the client section. */
export function formatClient(r: ClientResult, requests: number, concurrency: number): string {
  return formatClientSection(r, CLIENTS, requests, concurrency);
}
