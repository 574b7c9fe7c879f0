/**
 * The public API every runtime adapter exposes, identical on Node, Bun and
 * Deno, so that code moves between runtimes by changing one import.
 */
import type {
  ConnectionCloseReason,
  Fields,
  Origin,
  ParserLimits,
  RequestHead,
} from "@tether/core";
import type { ClientTlsOptions, ServerTlsOptions, SocketHandlers } from "./socket-layer.ts";

/** A Web-standard handler, as for Bun.serve, Deno.serve and Hono. */
export type FetchHandler = (request: Request, info: RequestInfo) => Response | Promise<Response>;

/** Facts about the connection a request arrived on. */
export interface RequestInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Connection id, unique per server. */
  readonly connection: number;
  /** 1 for the first request on the connection, 2 for the next… */
  readonly requestNumber: number;
}

/**
 * The low-level handler, on core's own message types: no `Request` or
 * `Response` objects are built, for speed.
 */
export type RawHandler = (exchange: RawExchange) => void | Promise<void>;

/** One request and the means to answer it (low-level API). */
export interface RawExchange {
  readonly head: RequestHead;
  readonly info: RequestInfo;
  /**
   * Aborted when the connection closes before the response is complete.
   * Answers given after that are ignored.
   */
  readonly signal: AbortSignal;
  /** Resolves with the whole request body (empty when there is none). */
  body(): Promise<Uint8Array>;
  /** Answers with a complete body (string bodies are sent as UTF-8). */
  respond(
    status: number,
    fields?: Iterable<readonly [string, string]>,
    body?: Uint8Array | string,
  ): void;
  /**
   * Starts a streamed answer; write chunks, then `end()`. `bodyLength` is
   * the exact body size when known (sent as Content-Length), or `null` when
   * unknown (chunked for HTTP/1.1 clients, close-delimited for HTTP/1.0).
   */
  stream(
    status: number,
    fields?: Iterable<readonly [string, string]>,
    bodyLength?: number | null,
  ): RawResponseWriter;
  /**
   * Accepts a CONNECT with a 2xx (RFC 9110 §9.3.6: a tunnel) or an Upgrade
   * with 101 (§7.8), and takes the connection over once that answer is
   * written: `handlers.open` receives the raw socket, `handlers.data` first
   * gets any bytes the client sent past its request, then every later
   * event is theirs. From then on the server no longer manages the
   * connection — no timers, limits or graceful close, and `close()` does not
   * wait for it. Throws a TypeError for any other status or request.
   */
  takeOver(
    status: number,
    fields: Iterable<readonly [string, string]> | undefined,
    handlers: SocketHandlers,
  ): void;
}

/** A streamed response body (low-level API). */
export interface RawResponseWriter {
  /** Resolves when the chunk may be followed by another (back-pressure). */
  write(chunk: Uint8Array | string): Promise<void>;
  end(trailers?: Iterable<readonly [string, string]>): void;
}

/** Server policy, passed to core's server sessions. */
export interface ServerPolicyOptions {
  /** Idle time before a keep-alive connection is closed (ms). Default 5000. */
  readonly keepAliveTimeoutMs?: number;
  /** Send `Keep-Alive: timeout=N` on persistent responses. Default false. */
  readonly advertiseKeepAlive?: boolean;
  /** Requests per connection; the last response says `Connection: close`. */
  readonly maxRequestsPerConnection?: number;
  /** Time allowed to receive a request head (slow-header defence, ms). */
  readonly headersTimeoutMs?: number;
  /**
   * Longest silence allowed while a request body is read (slow-body
   * defence, ms): on expiry the connection is closed. Default Infinity (off).
   */
  readonly bodyTimeoutMs?: number;
  /** Open connections allowed per client address. */
  readonly maxConnectionsPerClient?: number;
  /** Pipelined requests read ahead of the response being written. */
  readonly maxPipelinedRequests?: number;
  /**
   * Idle time after which a keep-alive connection lets go of its
   * per-request state, keeping a small record that is rebuilt exactly when
   * its next byte comes (core's `ServerSession` idle compaction, ms).
   * Default 1000; `Infinity`: never.
   */
  readonly compactIdleAfterMs?: number;
}

/** Options of `serve()`. */
export interface ServeOptions extends ServerPolicyOptions {
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Default "0.0.0.0". */
  readonly hostname?: string;
  /** The Web-standard handler. Exactly one of `fetch` and `handler` is given. */
  readonly fetch?: FetchHandler;
  /** The low-level handler. */
  readonly handler?: RawHandler;
  /** Limits on what clients send (core's DEFAULT_LIMITS otherwise; bodies default to 64 MiB). */
  readonly limits?: Partial<ParserLimits>;
  /**
   * Called when a handler throws or rejects, or when a `fetch` handler's
   * `Response` fails before any of it was written (its body stream fails
   * first, or content in memory has a declared Content-Length that is
   * another length, RFC 9110 §8.6); the client gets a 500 (RFC 9110
   * §15.6.1). A body stream failing after the head went out cuts the
   * connection instead.
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Serve HTTPS with this certificate and key (PEM text). ALPN offers
   * `http/1.1` only; a graceful close sends close_notify before FIN where
   * the runtime allows it.
   */
  readonly tls?: ServerTlsOptions;
}

/** A running server. */
export interface TetherServer {
  /** The address bound, as given or resolved (`0.0.0.0` and `::` stay as they are). */
  readonly hostname: string;
  readonly port: number;
  /**
   * `http://host:port`, or `https://host:port` when serving TLS. The host is
   * one a local client can connect to: `127.0.0.1` when bound to `0.0.0.0`,
   * `[::1]` when bound to `::`, else the bound address (IPv6 bracketed).
   */
  readonly url: string;
  /**
   * Graceful shutdown: stop accepting, finish in-flight requests (their
   * last responses say `Connection: close`), close idle connections.
   */
  close(): Promise<void>;
  /** Observability: see {@link ConnectionEvent}. Returns an unsubscribe function. */
  on(listener: (event: ConnectionEvent) => void): () => void;
}

/** Options of `createClient()` (core's pool options). */
export interface ClientOptions {
  /** Parallel connections per origin. Default 6. */
  readonly connectionsPerOrigin?: number;
  /** Total connections. Default Infinity. */
  readonly maxConnections?: number;
  /** Pipelining depth per connection; 1 = off. Default 1. */
  readonly pipelining?: number;
  /** Attempts per request, first included. Default 3. */
  readonly maxAttempts?: number;
  /** Idle time after which a pooled connection is dropped (ms). Default 4000. */
  readonly idleTimeoutMs?: number;
  /** Margin kept below the server's `Keep-Alive: timeout` hint (ms). Default 1000. */
  readonly keepAliveSafetyMarginMs?: number;
  /** Requests per connection before it is retired. */
  readonly maxRequestsPerConnection?: number;
  /** Send HTTP/1.0 requests with `Connection: keep-alive`. */
  readonly http10?: boolean;
  /**
   * An HTTP proxy (`http://host:port`): `http:` requests go to it in
   * absolute-form; `https:` ones through a CONNECT tunnel per origin, kept
   * and reused like any persistent connection. A non-2xx answer to CONNECT
   * fails the request with `PROXY_CONNECT_FAILED` and the proxy's `status`.
   */
  readonly proxy?: string | Origin;
  /**
   * TLS for `https:` origins (and through tunnels): a custom CA, a client
   * certificate, or (for tests only) no verification. The certificate is
   * verified by default; a failed handshake fails the request with
   * `TLS_FAILED`, which is not retried. One client has one TLS setting, so
   * its connections never mix two (a pool key needs no TLS part).
   */
  readonly tls?: Omit<ClientTlsOptions, "servername">;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
}

/** A response from the low-level `request()`. */
export interface ClientResponse {
  readonly status: number;
  readonly reason: string;
  readonly version: "1.0" | "1.1";
  readonly fields: Fields;
  /** The whole body. */
  readonly body: Uint8Array;
  readonly trailers: Fields | null;
  /** Which connection served it, whether it was reused, and how many attempts it took. */
  readonly connection: number;
  readonly reused: boolean;
  readonly attempts: number;
}

/** Options of the low-level `request()`. */
export interface ClientRequestOptions {
  readonly url: string | URL;
  /**
   * The request-target to send instead of the URL's path and query, byte for
   * byte (a proxy forwarding what it received). Origin-form only.
   */
  readonly target?: string;
  readonly method?: string;
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: Uint8Array | string | null;
}

/** A pooled client. */
export interface TetherClient {
  /** Web-standard fetch with a streaming body. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Low-level request; resolves with the whole body. */
  request(options: ClientRequestOptions): Promise<ClientResponse>;
  /** Closes idle connections now and the others once their requests settle. */
  close(): Promise<void>;
  /** Observability: see {@link ConnectionEvent}. Returns an unsubscribe function. */
  on(listener: (event: ConnectionEvent) => void): () => void;
  /** Counters since the client was created. */
  stats(): ClientStats;
}

/** Counters of a client. */
export interface ClientStats {
  readonly requests: number;
  readonly connectionsOpened: number;
  readonly reused: number;
  readonly retried: number;
  readonly pipelined: number;
}

/** What a server or client reports about its connections and requests. */
export type ConnectionEvent =
  | {
      readonly type: "connection-opened";
      readonly connection: number;
      /** Client: `scheme://host:port`, with ` via scheme://proxy:port` through a tunnel. */
      readonly origin?: string;
    }
  | { readonly type: "connection-reused"; readonly connection: number; readonly request: number }
  | {
      readonly type: "connection-closed";
      readonly connection: number;
      readonly reason: ConnectionCloseReason;
    }
  | {
      readonly type: "request-retried";
      readonly request: number;
      readonly attempt: number;
      readonly reason: string;
    }
  | {
      readonly type: "connection-refused";
      readonly remoteAddress: string;
      readonly reason: string;
    };

/** Starts a server (the same on every runtime). */
export type Serve = (options: ServeOptions) => Promise<TetherServer>;

/** Creates a pooled client (the same on every runtime). */
export type CreateClient = (options?: ClientOptions) => TetherClient;
