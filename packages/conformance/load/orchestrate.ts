/**
 * The load orchestrator: starts the server under test and its load client
 * as two processes of the chosen runtime (each runtime's
 * `packages/<runtime>/load/entry.ts`), drives them over the line protocol of
 * ipc.ts, and reports.
 *
 * - {@link runConnections}: N concurrent keep-alive connections, each one
 *   request then idle; the server's memory per connection; no errors.
 * - {@link runSoak}: a warm-up, a baseline, the mixed soak of soak-role.ts,
 *   then the server's open connections, timers, file descriptors and memory
 *   (after GC) compared with the baseline.
 */
import { fileURLToPath } from "node:url";
import type { LoadRuntimeName } from "./index.ts";
import { Child, type Message } from "./ipc.ts";

const PACKAGES = fileURLToPath(new URL("../../", import.meta.url));

/** Starts `packages/<runtime>/load/entry.ts <role> …args` under that runtime. */
export function spawnRole(runtime: LoadRuntimeName, role: string, args: readonly string[]): Child {
  const dir = `${PACKAGES}${runtime}`;
  const entry = `${dir}/load/entry.ts`;
  const name = `${runtime} ${role}`;
  switch (runtime) {
    case "node":
      return new Child(
        name,
        process.execPath,
        ["--expose-gc", "--import", "tsx", entry, role, ...args],
        dir,
      );
    case "bun":
      return new Child(name, `${dir}/node_modules/.bin/bun`, [entry, role, ...args], dir);
    case "deno":
      return new Child(
        name,
        `${dir}/node_modules/.bin/deno`,
        ["run", "-A", "--no-lock", "--no-check", "--v8-flags=--expose-gc", entry, role, ...args],
        dir,
      );
  }
}

/** What the server process reports (server-role.ts). */
export interface ServerStats {
  readonly opened: number;
  readonly closed: number;
  readonly refused: number;
  readonly requests: number;
  readonly handlerErrors: number;
  readonly closeReasons: Record<string, number>;
  readonly open: number;
  readonly timers: number;
  readonly fds: number;
  readonly memory: {
    readonly rss: number;
    readonly heapUsed: number;
    readonly external: number;
    readonly arrayBuffers: number;
  };
  readonly collected: boolean;
  readonly resources: Record<string, number>;
}

async function stats(server: Child): Promise<ServerStats> {
  return (await server.ask("stats", "stats")) as unknown as ServerStats;
}

/** Polls the server until `settled` holds or `ms` pass; returns the last stats. */
async function settle(
  server: Child,
  settled: (s: ServerStats) => boolean,
  ms: number,
): Promise<ServerStats> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await stats(server);
    if (settled(s) || Date.now() > deadline) return s;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function startServer(runtime: LoadRuntimeName, mode: string): Promise<[Child, number]> {
  const server = spawnRole(runtime, "server", ["--mode", mode]);
  const ready = await server.next("ready", 30_000);
  return [server, ready.port as number];
}

async function stopAll(...children: Child[]): Promise<void> {
  for (const c of children) {
    if (c.exited === undefined) c.send("close");
  }
  await Promise.all(children.map((c) => c.stop()));
}

/** Options of {@link runConnections}. */
export interface ConnectionsOptions {
  readonly runtime: LoadRuntimeName;
  /** The runtime of the load client. Default: the server's. */
  readonly clientRuntime?: LoadRuntimeName;
  readonly connections: number;
  /** Loopback source addresses to spread the connections over. Default: enough for 200 each. */
  readonly addresses?: number;
  /** Connections opened at once. Default 250. */
  readonly batch?: number;
}

/** The outcome of {@link runConnections}. */
export interface ConnectionsReport {
  readonly runtime: LoadRuntimeName;
  readonly requested: number;
  readonly connected: number;
  readonly clientErrors: number;
  readonly firstErrors: readonly string[];
  readonly elapsedMs: number;
  /** The server's own count of open connections, with all of them idle. */
  readonly serverOpen: number;
  readonly closedByServer: number;
  readonly refused: number;
  /** Server memory per connection (after GC), octets. */
  readonly rssPerConnection: number;
  readonly heapPerConnection: number;
  readonly externalPerConnection: number;
  readonly baseline: ServerStats;
  readonly loaded: ServerStats;
  /** After the client closed everything. */
  readonly after: ServerStats;
  readonly ok: boolean;
}

/** N concurrent keep-alive connections against a server of `runtime`. */
export async function runConnections(options: ConnectionsOptions): Promise<ConnectionsReport> {
  const n = options.connections;
  const addresses = options.addresses ?? Math.min(250, Math.max(1, Math.ceil(n / 200)));
  const [server, port] = await startServer(options.runtime, "connections");
  const children = [server];
  try {
    const baseline = await stats(server);
    const client = spawnRole(options.clientRuntime ?? options.runtime, "connections-client", [
      "--port",
      String(port),
      "--connections",
      String(n),
      "--addresses",
      String(addresses),
      "--batch",
      String(options.batch ?? 250),
    ]);
    children.push(client);
    const connected = (await client.next("connected", 300_000)) as Message & {
      connected: number;
      errors: number;
      firstErrors: string[];
      elapsedMs: number;
    };
    const loaded = await settle(server, (s) => s.open >= connected.connected, 5000);
    const check = (await client.ask("check", "check")) as Message & { closedByServer: number };
    client.send("close");
    await client.stop();
    const after = await settle(server, (s) => s.open === 0 && s.timers <= baseline.timers, 20_000);
    const per = (f: (s: ServerStats) => number) =>
      Math.round((f(loaded) - f(baseline)) / Math.max(1, connected.connected));
    return {
      runtime: options.runtime,
      requested: n,
      connected: connected.connected,
      clientErrors: connected.errors,
      firstErrors: connected.firstErrors,
      elapsedMs: connected.elapsedMs,
      serverOpen: loaded.open,
      closedByServer: check.closedByServer,
      refused: loaded.refused,
      rssPerConnection: per((s) => s.memory.rss),
      heapPerConnection: per((s) => s.memory.heapUsed),
      externalPerConnection: per((s) => s.memory.external + s.memory.arrayBuffers),
      baseline,
      loaded,
      after,
      ok:
        connected.connected === n &&
        connected.errors === 0 &&
        loaded.open === n &&
        check.closedByServer === 0 &&
        loaded.refused === 0 &&
        after.open === 0,
    };
  } finally {
    await stopAll(...children);
  }
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly runtime: LoadRuntimeName;
  /** The runtime of the load client. Default: the server's. */
  readonly clientRuntime?: LoadRuntimeName;
  readonly seconds: number;
  /** The warm-up before the baseline is taken. Default 3 s. */
  readonly warmupSeconds?: number;
  /** Only these soak workers (soak-role.ts), comma-separated. Default all. */
  readonly workers?: string;
  /** Heap growth (after GC) tolerated between baseline and the end. Default 4 MiB. */
  readonly heapSlack?: number;
}

/** What the soak client counted (soak-role.ts). */
export type SoakTally = Message & { errors: number; firstErrors: string[] };

/** The outcome of {@link runSoak}. */
export interface SoakReport {
  readonly runtime: LoadRuntimeName;
  readonly seconds: number;
  readonly tally: SoakTally;
  readonly baseline: ServerStats;
  /** Right after the load stopped (before the timers ran out). */
  readonly end: ServerStats;
  /** Once settled. */
  readonly after: ServerStats;
  readonly heapGrowth: number;
  readonly rssGrowth: number;
  readonly ok: boolean;
  readonly problems: readonly string[];
}

async function soakClient(
  runtime: LoadRuntimeName,
  port: number,
  seconds: number,
  workers = "all",
) {
  const client = spawnRole(runtime, "soak-client", [
    "--port",
    String(port),
    "--seconds",
    String(seconds),
    "--workers",
    workers,
  ]);
  try {
    return (await client.next("done", (seconds + 60) * 1000)) as SoakTally;
  } finally {
    await stopAll(client);
  }
}

/** A mixed soak against a server of `runtime`, then the leak checks. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const [server, port] = await startServer(options.runtime, "soak");
  try {
    const quiet = (s: ServerStats) => s.open === 0;
    const clientRuntime = options.clientRuntime ?? options.runtime;
    await soakClient(clientRuntime, port, options.warmupSeconds ?? 3, options.workers);
    const baseline = await settle(server, quiet, 20_000);
    const tally = await soakClient(clientRuntime, port, options.seconds, options.workers);
    const end = await stats(server);
    const after = await settle(
      server,
      (s) => quiet(s) && s.timers <= baseline.timers && s.fds <= baseline.fds,
      20_000,
    );
    const heapGrowth = after.memory.heapUsed - baseline.memory.heapUsed;
    const rssGrowth = after.memory.rss - baseline.memory.rss;
    const problems: string[] = [];
    if (tally.errors > 0) problems.push(`${tally.errors} client-side errors`);
    if (after.open !== 0) problems.push(`${after.open} connections still open`);
    if (after.timers > baseline.timers) {
      problems.push(`timers: ${baseline.timers} before, ${after.timers} after`);
    }
    if (after.fds > baseline.fds) problems.push(`fds: ${baseline.fds} before, ${after.fds} after`);
    if (heapGrowth > (options.heapSlack ?? 4 * 1024 * 1024)) {
      problems.push(`heap grew by ${heapGrowth} octets`);
    }
    return {
      runtime: options.runtime,
      seconds: options.seconds,
      tally,
      baseline,
      end,
      after,
      heapGrowth,
      rssGrowth,
      ok: problems.length === 0,
      problems,
    };
  } finally {
    await stopAll(server);
  }
}
