/**
 * `serve()` for any runtime: core's {@link ServerPolicy} (admission,
 * per-connection policy, graceful shutdown) over a runtime's
 * {@link SocketLayer}, with a Web-standard or a low-level handler.
 */
import {
  IntrusiveList,
  installLatin1Writer,
  type RequestHead,
  ServerPolicy,
  type ServerSession,
} from "@tether/core";
import type {
  ConnectionEvent,
  FetchHandler,
  RawExchange,
  RawHandler,
  RawResponseWriter,
  RequestInfo,
  Serve,
  ServeOptions,
  TetherServer,
} from "./api.ts";
import { wholeMs as now } from "./clock.ts";
import { DeadlineQueue } from "./deadline-queue.ts";
import { PEEK } from "./held-content.ts";
import { Listeners } from "./listeners.ts";
import { encodeText } from "./response-writer.ts";
import { type DriverHost, ServerConnectionDriver } from "./server-connection-driver.ts";
import type { ServerExchange } from "./server-exchange.ts";
import type { SocketHandlers, SocketLayer } from "./socket-layer.ts";

/** Bodies larger than this are refused with 413 unless `limits.maxBodyBytes` says otherwise. */
const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

/** Builds the `serve()` of a runtime from its socket layer. */
export function createServe(layer: SocketLayer): Serve {
  // Outgoing heads are written by the runtime's native encoder when it has one.
  if (layer.encodeLatin1 !== undefined) installLatin1Writer(layer.encodeLatin1);
  return async (options: ServeOptions): Promise<TetherServer> => {
    const server = new Server(layer, options);
    await server.listen();
    return server;
  };
}

class Server implements TetherServer, DriverHost {
  readonly events = new Listeners<ConnectionEvent>();
  readonly deadlines = new DeadlineQueue<ServerConnectionDriver>();
  readonly copyReads: boolean;
  private readonly layer: SocketLayer;
  private readonly options: ServeOptions;
  private readonly policy: ServerPolicy;
  private readonly drivers = new IntrusiveList<ServerConnectionDriver>();
  private readonly handle: (ex: ServerExchange) => void;
  /**
   * Tells `onError` of a Web answer that failed after the handler gave it (a
   * body stream that failed, a declared Content-Length its content does not
   * meet; see web-answer.ts). One function for the server's life.
   */
  private readonly report = (error: unknown): void => {
    this.options.onError?.(error);
  };
  private listener: { hostname: string; port: number; close(): Promise<void> } | null = null;
  private drainedWaiters: (() => void)[] = [];
  private fallbackHost = "localhost";

  constructor(layer: SocketLayer, options: ServeOptions) {
    if ((options.fetch === undefined) === (options.handler === undefined)) {
      throw new TypeError("serve() needs exactly one of `fetch` and `handler`");
    }
    this.layer = layer;
    this.options = options;
    this.copyReads = layer.reusesReadBuffers;
    this.policy = new ServerPolicy({
      ...(options.keepAliveTimeoutMs !== undefined
        ? { keepAliveTimeoutMs: options.keepAliveTimeoutMs }
        : {}),
      ...(options.advertiseKeepAlive !== undefined
        ? { advertiseKeepAlive: options.advertiseKeepAlive }
        : {}),
      ...(options.maxRequestsPerConnection !== undefined
        ? { maxRequestsPerConnection: options.maxRequestsPerConnection }
        : {}),
      ...(options.headersTimeoutMs !== undefined
        ? { headersTimeoutMs: options.headersTimeoutMs }
        : {}),
      ...(options.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: options.bodyTimeoutMs } : {}),
      ...(options.maxConnectionsPerClient !== undefined
        ? { maxConnectionsPerClient: options.maxConnectionsPerClient }
        : {}),
      ...(options.maxPipelinedRequests !== undefined
        ? { maxPipelinedRequests: options.maxPipelinedRequests }
        : {}),
      ...(options.compactIdleAfterMs !== undefined
        ? { compactIdleAfterMs: options.compactIdleAfterMs }
        : {}),
      limits: { maxBodyBytes: DEFAULT_MAX_BODY, ...options.limits },
      ...(layer.decodeLatin1 !== undefined ? { decodeLatin1: layer.decodeLatin1 } : {}),
    });
    this.handle =
      options.fetch !== undefined
        ? this.fetchHandler(options.fetch)
        : this.rawHandler(options.handler as RawHandler);
  }

  get hostname(): string {
    return this.listener?.hostname ?? "";
  }

  get port(): number {
    return this.listener?.port ?? 0;
  }

  /**
   * Where a client on this machine reaches the server. Bound to every
   * interface (`0.0.0.0`, `::`), that is the loopback address of the same
   * family: the unspecified address names no host to connect to
   * (RFC 1122 §3.2.1.3, RFC 4291 §2.5.2). {@link hostname} keeps the
   * address bound.
   */
  get url(): string {
    const h = connectableHost(this.hostname);
    return `${this.options.tls !== undefined ? "https" : "http"}://${h}:${this.port}`;
  }

  async listen(): Promise<void> {
    const tls = this.options.tls;
    this.listener = await this.layer.listen(
      {
        hostname: this.options.hostname ?? "0.0.0.0",
        port: this.options.port ?? 0,
        ...(tls !== undefined ? { tls } : {}),
      },
      () => {
        const driver = new ServerConnectionDriver(this);
        this.drivers.add(driver);
        return driver;
      },
    );
    this.fallbackHost = `${connectableHost(this.hostname)}:${this.port}`;
  }

  on(listener: (event: ConnectionEvent) => void): () => void {
    return this.events.add(listener);
  }

  async close(): Promise<void> {
    const listener = this.listener;
    const stopped = listener?.close();
    // Every session is told; each driver then carries out what its session wants now.
    this.policy.shutdown(now());
    for (const driver of [...this.drivers]) driver.run();
    if (this.drivers.size > 0) {
      await new Promise<void>((resolve) => this.drainedWaiters.push(resolve));
    }
    await stopped;
  }

  // --- DriverHost -----------------------------------------------------------------

  admit(address: string, _driver: ServerConnectionDriver): ServerSession | string {
    const result = this.policy.accept(address, now());
    if (!result.accept) return result.reason;
    return result.session;
  }

  dispatch(exchange: ServerExchange): void {
    this.handle(exchange);
  }

  closed(driver: ServerConnectionDriver): void {
    this.drivers.delete(driver);
    if (this.drivers.size === 0) for (const w of this.drainedWaiters.splice(0)) w();
  }

  // --- handlers --------------------------------------------------------------------

  private fetchHandler(fetch: FetchHandler): (ex: ServerExchange) => void {
    return (ex) => {
      let response: Response | Promise<Response>;
      try {
        const request = ex.webRequest(this.fallbackHost);
        response = fetch(request, ex.infoOnce());
      } catch (error) {
        this.failed(ex, error);
        return;
      }
      if (response instanceof Response) ex.respondWeb(response, this.report);
      else if (isThenable(response)) {
        if (PEEK !== undefined && response instanceof Promise) {
          // An async handler that gave its answer without waiting for
          // anything: its promise is fulfilled already, and where the
          // runtime shows it (`Bun.peek`) the answer is taken now, with no
          // closures and no microtask turn before the write.
          if (PEEK.status(response) === "fulfilled") {
            this.answer(ex, PEEK(response));
            return;
          }
        }
        response.then(
          (r) => this.answer(ex, r),
          (error: unknown) => this.failed(ex, error),
        );
      } else this.answer(ex, response);
    };
  }

  /**
   * Answers with what a fetch handler gave: a `Response` (or one from
   * another realm or library: an object with a status, headers and a body),
   * or else a 500 (RFC 9110 §15.6.1) and `onError` with a TypeError — never
   * an exception out of the server.
   */
  private answer(ex: ServerExchange, value: unknown): void {
    if (value instanceof Response || isResponseLike(value))
      ex.respondWeb(value as Response, this.report);
    else {
      const got = value === null ? "null" : typeof value;
      this.failed(ex, new TypeError(`fetch handler gave ${got}, not a Response`));
    }
  }

  private rawHandler(handler: RawHandler): (ex: ServerExchange) => void {
    return (ex) => {
      try {
        const done = handler(new RawView(ex));
        if (done instanceof Promise) done.catch((error: unknown) => this.failed(ex, error));
      } catch (error) {
        this.failed(ex, error);
      }
    };
  }

  private failed(ex: ServerExchange, error: unknown): void {
    this.options.onError?.(error);
    ex.fail();
  }
}

/** Whether `value` has a `then` method (a promise or another thenable). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Whether `value` looks like a Fetch `Response` made outside this realm (e.g. undici's own class). */
function isResponseLike(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Partial<Record<"status" | "statusText" | "headers" | "body", unknown>>;
  const headers = r.headers as { forEach?: unknown } | null | undefined;
  return (
    typeof r.status === "number" &&
    typeof r.statusText === "string" &&
    typeof headers === "object" &&
    headers !== null &&
    typeof headers.forEach === "function" &&
    "body" in r
  );
}

/** A host for URLs to a server bound to `hostname` (IPv6 literals bracketed). */
function connectableHost(hostname: string): string {
  const bare =
    hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  if (bare === "0.0.0.0") return "127.0.0.1";
  if (bare === "::" || bare === "::0" || bare === "0:0:0:0:0:0:0:0") return "[::1]";
  return bare.includes(":") ? `[${bare}]` : bare;
}

/**
 * What a low-level handler sees of an exchange: one small object per
 * request, its methods on the prototype, its signal made only when read.
 */
class RawView implements RawExchange {
  private readonly ex: ServerExchange;

  constructor(ex: ServerExchange) {
    this.ex = ex;
  }

  get head(): RequestHead {
    return this.ex.head;
  }

  get info(): RequestInfo {
    return this.ex.info;
  }

  get signal(): AbortSignal {
    return this.ex.signal;
  }

  body(): Promise<Uint8Array> {
    return this.ex.body();
  }

  respond(
    status: number,
    fields?: Iterable<readonly [string, string]>,
    body?: Uint8Array | string,
  ): void {
    this.ex.respond(status, fields, typeof body === "string" ? encodeText(body) : body);
  }

  stream(
    status: number,
    fields?: Iterable<readonly [string, string]>,
    bodyLength?: number | null,
  ): RawResponseWriter {
    return this.ex.streamAnswer(status, fields, bodyLength);
  }

  takeOver(
    status: number,
    fields: Iterable<readonly [string, string]> | undefined,
    handlers: SocketHandlers,
  ): void {
    this.ex.takeOver(status, fields, handlers);
  }
}
