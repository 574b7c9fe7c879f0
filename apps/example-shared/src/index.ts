/**
 * The example app, written once for every runtime. Each runtime's app is a
 * few lines that hand {@link runExample} its `serve`, `createClient`, a way
 * to print a line and a way to exit (see README.md for the contract).
 *
 * @packageDocumentation
 */
import type {
  ClientOptions,
  RawHandler,
  ServeOptions,
  TetherClient,
  TetherServer,
} from "@tether/adapter-kit";
import { CliUsageError, type Command, parseArguments, USAGE } from "./cli.ts";
import { runGet } from "./get.ts";
import { forward } from "./proxy.ts";
import { route } from "./routes.ts";

export type { Command, GetCommand, ProxyCommand, ServeCommand } from "./cli.ts";
export { CliUsageError, parseArguments, USAGE } from "./cli.ts";
export { formatError, formatResponse, formatSummary, runGet } from "./get.ts";
export { forward } from "./proxy.ts";
export { originFormOf, pathOf, route } from "./routes.ts";

/** What a runtime gives the example app. */
export interface ExampleRuntime {
  /** The runtime adapter's `serve()`. */
  serve(options: ServeOptions): TetherServer | Promise<TetherServer>;
  /** The runtime adapter's `createClient()`. */
  createClient(options?: ClientOptions): TetherClient;
  /** Writes one line to standard output. */
  print(line: string): void;
  /** Ends the process with this status. */
  exit(code: number): void;
  /** Writes one line to standard error; default `console.error`. */
  printError?(line: string): void;
}

/** A server (`serve`) or proxy (`proxy`) left running. */
export interface RunningExample {
  /** `http://host:port`, as printed. */
  readonly url: string;
  /** Stops it gracefully (and the proxy's upstream client). */
  close(): Promise<void>;
}

/**
 * Runs the command line `argv` (the arguments after the program name).
 * `serve` and `proxy` resolve once listening, with the running server;
 * `get`, `help` and usage errors end by calling `exit` (0, 1, or 2 for a
 * usage error) and resolve with `null`.
 */
export async function runExample(
  runtime: ExampleRuntime,
  argv: readonly string[],
): Promise<RunningExample | null> {
  const printError = runtime.printError ?? ((line: string) => console.error(line));
  let command: Command;
  try {
    command = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    printError(`error: ${error.message}`);
    printError(USAGE);
    runtime.exit(2);
    return null;
  }
  const report = (error: unknown): void => {
    printError(
      `handler error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  };
  try {
    switch (command.kind) {
      case "help":
        runtime.print(USAGE);
        runtime.exit(0);
        return null;
      case "serve": {
        const handler: RawHandler = (exchange) => {
          route(exchange).catch(report);
        };
        const server = await runtime.serve({
          hostname: command.host,
          port: command.port,
          handler,
          onError: report,
          keepAliveTimeoutMs: command.keepAliveTimeoutMs,
          maxRequestsPerConnection: command.maxRequests,
          advertiseKeepAlive: command.advertiseKeepAlive,
          maxConnectionsPerClient: command.maxConnectionsPerClient,
        });
        return announce(runtime, server, () => server.close());
      }
      case "proxy": {
        const client = runtime.createClient();
        const handler: RawHandler = (exchange) => {
          forward(exchange, client, command.upstream).catch(report);
        };
        const server = await runtime.serve({
          hostname: command.host,
          port: command.port,
          handler,
          onError: report,
        });
        return announce(runtime, server, async () => {
          await server.close();
          await client.close();
        });
      }
      case "get": {
        const client = runtime.createClient({
          connectionsPerOrigin: command.connections,
          pipelining: command.pipelining,
          maxAttempts: command.retries === undefined ? undefined : command.retries + 1,
          http10: command.http10,
          proxy: command.proxy,
        });
        let status: number;
        try {
          status = await runGet(client, command, (line) => runtime.print(line));
        } finally {
          await client.close();
        }
        runtime.exit(status);
        return null;
      }
    }
  } catch (error) {
    // Cannot listen, cannot connect at all…: say so and fail.
    printError(`error: ${error instanceof Error ? error.message : String(error)}`);
    runtime.exit(1);
    return null;
  }
}

/** Prints the first line, `listening on http://HOST:PORT`. */
function announce(
  runtime: ExampleRuntime,
  server: TetherServer,
  close: () => Promise<void>,
): RunningExample {
  const url = httpOrigin(server.hostname, server.port);
  runtime.print(`listening on ${url}`);
  return { url, close };
}

/** `http://host:port`, with an IPv6 literal in brackets (RFC 3986 §3.2.2). */
export function httpOrigin(hostname: string, port: number): string {
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  return `http://${host}:${port}`;
}
