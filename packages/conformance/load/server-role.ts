/**
 * The server process of the load scripts: a Tether server with the example
 * routes on 127.0.0.1, which counts its own connections from its events and
 * answers the orchestrator's `stats` and `close` commands (see ipc.ts).
 */
import type { ServeOptions, TetherServer } from "@tether/adapter-kit";
import { route } from "@tether/example-shared";
import {
  activeResources,
  collectGarbage,
  installTimerCensus,
  liveTimers,
  memory,
  openFds,
} from "./census.ts";
import type { LoadRuntime } from "./index.ts";
import { arg, listen, tell } from "./ipc.ts";

/** The server's options for each load mode. */
export const SERVER_OPTIONS: Record<string, Omit<ServeOptions, "handler" | "fetch">> = {
  // Connections are opened, answered once, then held idle while measured.
  connections: { keepAliveTimeoutMs: 600_000 },
  // Short timers, so that idle, head and body timeouts fire often.
  soak: {
    keepAliveTimeoutMs: 1000,
    headersTimeoutMs: 1500,
    bodyTimeoutMs: 1500,
    maxPipelinedRequests: 16,
    advertiseKeepAlive: true,
  },
};

/** Counts kept by the server process. */
interface Counts {
  opened: number;
  closed: number;
  refused: number;
  requests: number;
  handlerErrors: number;
  closeReasons: Record<string, number>;
}

/** Runs the server process until `close` (or stdin ends). */
export async function serverRole(runtime: LoadRuntime, args: readonly string[]): Promise<void> {
  installTimerCensus();
  const mode = arg(args, "mode", "soak");
  const counts: Counts = {
    opened: 0,
    closed: 0,
    refused: 0,
    requests: 0,
    handlerErrors: 0,
    closeReasons: {},
  };
  const server: TetherServer = await runtime.serve({
    hostname: "127.0.0.1",
    port: 0,
    ...SERVER_OPTIONS[mode],
    handler: (ex) => {
      counts.requests++;
      return route(ex);
    },
    onError: () => {
      counts.handlerErrors++;
    },
  });
  server.on((e) => {
    if (e.type === "connection-opened") counts.opened++;
    else if (e.type === "connection-closed") {
      counts.closed++;
      counts.closeReasons[e.reason] = (counts.closeReasons[e.reason] ?? 0) + 1;
    } else if (e.type === "connection-refused") counts.refused++;
  });
  let closing = false;
  listen(async (command) => {
    if (command === "stats") {
      const collected = collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 20));
      collectGarbage();
      tell({
        type: "stats",
        ...counts,
        closeReasons: { ...counts.closeReasons },
        open: counts.opened - counts.closed,
        timers: liveTimers(),
        fds: openFds(),
        memory: memory(),
        collected,
        resources: activeResources(),
      });
    } else if ((command === "close" || command === "eof") && !closing) {
      closing = true;
      await server.close();
      tell({ type: "closed" });
      process.exit(0);
    }
  });
  tell({ type: "ready", port: server.port, pid: process.pid, runtime: runtime.name, mode });
}
