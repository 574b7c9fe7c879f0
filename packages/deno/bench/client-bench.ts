/**
 * Client throughput on Deno: the shared client section
 * (packages/conformance/bench-kit/client-section.ts — 20k GETs, 50 in
 * flight, interleaved rounds, against one fast origin on the other core)
 * over Tether's `fetch()` and `request()` and Deno's own `fetch`, each a
 * Deno process. The origin is the kit's nginx, or, with
 * `--origin raw-deno`, the raw Deno.listen server of the server section.
 */
import {
  type ClientGoal,
  type ClientResult,
  type ClientSpec,
  clientSection,
  formatClientSection,
} from "../../conformance/bench-kit/client-section.ts";
import { type Origin, startNginx } from "../../conformance/bench-kit/nginx.ts";
import { startDenoChild } from "./deno-child.ts";

export type { ClientResult };

/** Where the clients send their requests. */
export type OriginKind = "nginx" | "raw-deno";

/** Clients measured, in table order. */
export const CLIENTS: readonly ClientSpec[] = [
  { kind: "tether-fetch", label: "tether fetch() (6 connections)", ours: true },
  { kind: "tether-request", label: "tether request() (6 connections)", ours: true },
  { kind: "deno-fetch", label: "Deno fetch", ours: false },
];

/** Issue #6's goal, for both of our APIs. */
const GOALS: readonly ClientGoal[] = [
  { ours: "tether-fetch", peer: "deno-fetch", goal: 1.2 },
  { ours: "tether-request", peer: "deno-fetch", goal: 1.2 },
];

/** Settings of the client section. */
export interface ClientBenchOptions {
  readonly rounds: number;
  readonly requests: number;
  readonly warmRequests: number;
  readonly concurrency: number;
  readonly origin: OriginKind;
  /** Profile Tether's client processes into this directory, or null. */
  readonly profileDir: string | null;
  readonly log: (text: string) => void;
}

/** Starts the raw Deno.listen fixed-response server as the origin. */
async function startRawDeno(cpu: number): Promise<Origin> {
  const { child, ready } = await startDenoChild("server-child.ts", ["raw-deno"], { cpu });
  return {
    description: "raw Deno.listen server writing a fixed response",
    url: `http://127.0.0.1:${Number(ready.port)}`,
    stop: () => child.stop(),
  };
}

/** Runs every client against one origin. */
export function clientBench(options: ClientBenchOptions): Promise<ClientResult> {
  return clientSection({
    ...options,
    clients: CLIENTS,
    goals: GOALS,
    startOrigin: options.origin === "nginx" ? startNginx : startRawDeno,
    start: async (client, origin, cpu) => {
      const { child } = await startDenoChild("client-child.ts", [client.kind, origin], {
        cpu,
        profileDir: client.ours ? options.profileDir : null,
      });
      return child;
    },
  });
}

/** The printed table of the client section. */
export function formatClient(r: ClientResult, requests: number, concurrency: number): string {
  return formatClientSection(r, CLIENTS, requests, concurrency);
}
