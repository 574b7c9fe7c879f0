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
  SocketLayer,
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
  /**
   * Reads a text file (`--tls-cert`, `--tls-key`, `--ca`); default
   * `node:fs/promises`, which Node, Bun and Deno all provide.
   */
  readTextFile?(path: string): Promise<string>;
  /**
   * The runtime's socket layer: with it, `proxy` accepts CONNECT and tunnels
   * bytes (RFC 9110 §9.3.6); without it, CONNECT gets 501.
   */
  socketLayer?: SocketLayer;
}

/** A server (`serve`) or proxy (`proxy`) left running. */
export interface RunningExample {
  /** `http://host:port` (`https://` with `--tls-cert`), as printed. */
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
  const readText = runtime.readTextFile ?? readTextFile;
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
        const files = command.tls;
        const tls =
          files === undefined
            ? undefined
            : { cert: await readText(files.certFile), key: await readText(files.keyFile) };
        const server = await runtime.serve({
          hostname: command.host,
          port: command.port,
          handler,
          onError: report,
          keepAliveTimeoutMs: command.keepAliveTimeoutMs,
          maxRequestsPerConnection: command.maxRequests,
          advertiseKeepAlive: command.advertiseKeepAlive,
          maxConnectionsPerClient: command.maxConnectionsPerClient,
          ...(tls !== undefined ? { tls } : {}),
        });
        return announce(runtime, server, () => server.close(), tls !== undefined);
      }
      case "proxy": {
        const client = runtime.createClient();
        const layer = runtime.socketLayer;
        const handler: RawHandler = (exchange) => {
          forward(exchange, client, command.upstream, layer).catch(report);
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
        const ca = command.caFile === undefined ? undefined : await readText(command.caFile);
        const client = runtime.createClient({
          connectionsPerOrigin: command.connections,
          pipelining: command.pipelining,
          maxAttempts: command.retries === undefined ? undefined : command.retries + 1,
          http10: command.http10,
          proxy: command.proxy,
          ...(ca !== undefined ? { tls: { ca } } : {}),
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

/** Prints the first line, `listening on http://HOST:PORT` (`https://` with TLS). */
function announce(
  runtime: ExampleRuntime,
  server: TetherServer,
  close: () => Promise<void>,
  tls = false,
): RunningExample {
  const url = httpOrigin(server.hostname, server.port, tls);
  runtime.print(`listening on ${url}`);
  return { url, close };
}

/** `http://host:port` (`https://` for TLS), with an IPv6 literal in brackets (RFC 3986 §3.2.2). */
export function httpOrigin(hostname: string, port: number, tls = false): string {
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  return `${tls ? "https" : "http"}://${host}:${port}`;
}

/** The runtime-neutral file reader: `node:fs/promises`, present on Node, Bun and Deno. */
async function readTextFile(path: string): Promise<string> {
  // A computed specifier: this package is typed for the Web platform only.
  const specifier = "node:fs/promises";
  const fs = (await import(specifier)) as {
    readFile(path: string, encoding: "utf8"): Promise<string>;
  };
  return fs.readFile(path, "utf8");
}
