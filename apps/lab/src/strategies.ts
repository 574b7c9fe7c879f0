/**
 * The six ways of loading a page that the lab compares. Each is nothing but
 * a set of client pool options: the browser-like loader (page-load.ts) asks
 * for the page, then for all its images at once, and the pool's caps decide
 * how they travel.
 *
 * | id                    | HTTP  | persistent          | parallel   | pipelined        |
 * |-----------------------|-------|---------------------|------------|------------------|
 * | `serial-new`          | 1.0   | no (`close`)        | 1          | no               |
 * | `parallel-new`        | 1.0   | no (`close`)        | cap (6)    | no               |
 * | `persistent-serial`   | 1.1   | yes                 | 1          | no               |
 * | `persistent-parallel` | 1.1   | yes                 | cap (6)    | no               |
 * | `pipelined`           | 1.1   | yes                 | 1          | yes, once proven |
 * | `http10-keep-alive`   | 1.0   | `Connection: keep-alive` | 1     | no (1.0)         |
 */
import type { ClientOptions } from "@tether/adapter-kit";

/** The strategies, in the order they are run and shown. */
export const STRATEGY_IDS = [
  "serial-new",
  "parallel-new",
  "persistent-serial",
  "persistent-parallel",
  "pipelined",
  "http10-keep-alive",
] as const;

/** One of {@link STRATEGY_IDS}. */
export type StrategyId = (typeof STRATEGY_IDS)[number];

/** What a strategy needs to know about the run. */
export interface StrategySettings {
  /** Connection cap of the parallel strategies. */
  readonly connections: number;
  /** Requests in flight on the pipelined connection. */
  readonly pipelineDepth: number;
}

/** A strategy: its name, the one-line idea, and the client options that make it. */
export interface Strategy {
  readonly id: StrategyId;
  readonly title: string;
  readonly summary: string;
  readonly client: ClientOptions;
}

/** The strategy named `id` for these settings. */
export function strategy(id: StrategyId, s: StrategySettings): Strategy {
  switch (id) {
    case "serial-new":
      return {
        id,
        title: "1. serial, new connection each",
        summary:
          "HTTP/1.0 without keep-alive: every request opens a connection, pays its handshake " +
          "and slow start, and the next waits for it to finish.",
        // The last request a connection may carry says `Connection: close`
        // (RFC 9112 §9.6); with a limit of 1, that is every request.
        client: { http10: true, maxRequestsPerConnection: 1, connectionsPerOrigin: 1 },
      };
    case "parallel-new":
      return {
        id,
        title: `2. parallel new connections (≤ ${s.connections})`,
        summary:
          `Still one request per connection, but up to ${s.connections} at a time: ` +
          "handshakes overlap, and every connection still starts slow.",
        client: {
          http10: true,
          maxRequestsPerConnection: 1,
          connectionsPerOrigin: s.connections,
        },
      };
    case "persistent-serial":
      return {
        id,
        title: "3. one persistent connection, serial",
        summary:
          "HTTP/1.1 keep-alive (RFC 9112 §9.3): one handshake, a window that stays open, " +
          "but one round trip per request.",
        client: { connectionsPerOrigin: 1 },
      };
    case "persistent-parallel":
      return {
        id,
        title: `4. persistent and parallel (≤ ${s.connections})`,
        summary:
          `What browsers do: a pool of up to ${s.connections} persistent connections, ` +
          "each reused for request after request.",
        client: { connectionsPerOrigin: s.connections },
      };
    case "pipelined":
      return {
        id,
        title: `5. pipelined (depth ${s.pipelineDepth})`,
        summary:
          "One persistent connection; once a response has proved it persistent, requests are " +
          "sent without waiting for the answers before them (RFC 9112 §9.3.2).",
        client: { connectionsPerOrigin: 1, pipelining: s.pipelineDepth },
      };
    case "http10-keep-alive":
      return {
        id,
        title: "6. HTTP/1.0 keep-alive",
        summary:
          "HTTP/1.0 requests asking for `Connection: keep-alive` (RFC 9112 §9.3, appendix C.2.2): " +
          "persistent like 3., never pipelined.",
        client: { http10: true, connectionsPerOrigin: 1 },
      };
  }
}
