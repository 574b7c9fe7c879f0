/**
 * `createClient()` for any runtime: core's {@link ClientPool} (which
 * connection, reuse, pipelining, retries) over a runtime's
 * {@link SocketLayer}, with a Web `fetch()` and a low-level `request()`.
 * Every decision is the pool's; this file moves bytes, time and events.
 */
import {
  ClientPool,
  type Origin,
  originKey,
  type PoolEvent,
  type PoolRequest,
  RequestError,
  type SocketAction,
} from "@tether/core";
import type {
  ClientOptions,
  ClientRequestOptions,
  ClientResponse,
  ClientStats,
  ConnectionEvent,
  CreateClient,
  TetherClient,
} from "./api.ts";
import { ClientExchange } from "./client-exchange.ts";
import { simpleFetch } from "./client-fetch.ts";
import { DeadlineTimer, now } from "./clock.ts";
import { Listeners } from "./listeners.ts";
import {
  type ClientTlsOptions,
  type RawSocket,
  type SocketHandlers,
  type SocketLayer,
  TlsFailure,
} from "./socket-layer.ts";
import { toBytes } from "./web.ts";

/** Builds the `createClient()` of a runtime from its socket layer. */
export function createClientFactory(layer: SocketLayer): CreateClient {
  return (options?: ClientOptions) => new Client(layer, options ?? {});
}

/** Parses `http://host:port` (or takes an {@link Origin}) for the proxy option. */
function originOf(url: URL): Origin {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`unsupported scheme ${url.protocol} (http: and https: only)`);
  }
  const scheme = url.protocol === "https:" ? "https" : "http";
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === "" ? (scheme === "https" ? 443 : 80) : Number(url.port);
  return { scheme, host, port };
}

class Client implements TetherClient {
  private readonly layer: SocketLayer;
  private readonly pool: ClientPool;
  /** For `https` origins and tunnels. */
  private readonly tls: ClientTlsOptions;
  /** Sockets whose `start-tls` handshake is under way. */
  private readonly securing = new Set<number>();
  private readonly sockets = new Map<number, RawSocket>();
  private readonly exchanges = new Map<number, ClientExchange>();
  private readonly events = new Listeners<ConnectionEvent>();
  private readonly timer = new DeadlineTimer((t) => {
    this.pool.tick(t);
    this.run();
  }, false);
  private readonly counters = {
    requests: 0,
    connectionsOpened: 0,
    reused: 0,
    retried: 0,
    pipelined: 0,
  };
  /** Requests assigned to each connection and not yet settled (to count pipelining). */
  private readonly activeOn = new Map<number, number>();
  /** The connection each request is on, once known. */
  private readonly connectionOf = new Map<number, number>();
  private running = false;
  private again = false;
  private closing: (() => void)[] | null = null;

  constructor(layer: SocketLayer, options: ClientOptions) {
    this.layer = layer;
    const { proxy, tls, ...rest } = options;
    this.tls = tls ?? {};
    this.pool = new ClientPool({
      ...rest,
      ...(layer.decodeLatin1 !== undefined ? { decodeLatin1: layer.decodeLatin1 } : {}),
      ...(proxy !== undefined
        ? { proxy: typeof proxy === "string" ? originOf(new URL(proxy)) : proxy }
        : {}),
    });
  }

  on(listener: (event: ConnectionEvent) => void): () => void {
    return this.events.add(listener);
  }

  stats(): ClientStats {
    return { ...this.counters };
  }

  async request(options: ClientRequestOptions): Promise<ClientResponse> {
    const url = new URL(options.url);
    const body = options.body === undefined || options.body === null ? null : toBytes(options.body);
    const ex = this.start(
      {
        origin: originOf(url),
        method: options.method ?? "GET",
        target: options.target ?? `${url.pathname}${url.search}`,
        fields: [...(options.headers ?? [])],
        body,
      },
      false,
    );
    return ex.whole();
  }

  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const simple = simpleFetch(input, init);
    if (simple !== null) {
      const ex = this.start(
        {
          origin: originOf(simple.url),
          method: simple.method,
          target: `${simple.url.pathname}${simple.url.search}`,
          fields: simple.fields,
          body: simple.body,
        },
        true,
      );
      simple.signal?.addEventListener("abort", () => this.cancel(ex.id), { once: true });
      return ex.webResponse();
    }
    const request = new Request(input, init);
    const url = new URL(request.url);
    const fields: [string, string][] = [];
    request.headers.forEach((value, name) => {
      fields.push([name, value]);
    });
    // The body is read whole first: a known length, and a replayable body
    // that the pool's retry rules may send again (RFC 9112 §9.3.1).
    const body = request.body === null ? null : new Uint8Array(await request.arrayBuffer());
    const ex = this.start(
      {
        origin: originOf(url),
        method: request.method,
        target: `${url.pathname}${url.search}`,
        fields,
        body,
      },
      true,
    );
    request.signal.addEventListener("abort", () => this.cancel(ex.id), { once: true });
    return ex.webResponse();
  }

  close(): Promise<void> {
    if (this.closing === null) this.closing = [];
    const done = new Promise<void>((resolve) => this.closing?.push(resolve));
    this.maybeFinishClose();
    return done;
  }

  /** Cancels a request (its promise rejects with `CANCELLED`). */
  cancel(id: number): void {
    this.pool.cancel(id, now());
    this.run();
  }

  /** A response body stream has room again: read from the socket again. */
  resumeReading(connection: number): void {
    this.sockets.get(connection)?.resumeRead();
  }

  /** A response body stream is full: stop reading from its socket. */
  pauseReading(connection: number): void {
    this.sockets.get(connection)?.pauseRead();
  }

  // --- internals -------------------------------------------------------------------

  private start(req: PoolRequest, web: boolean): ClientExchange {
    if (this.closing !== null) throw new RequestError("CANCELLED", "the client is closed");
    const id = this.pool.request(req, now());
    const ex = new ClientExchange(this, id, req.method, web);
    this.exchanges.set(id, ex);
    this.counters.requests++;
    this.run();
    return ex;
  }

  private run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        for (const a of this.pool.takeActions()) this.execute(a);
        for (const ev of this.pool.takeEvents()) this.deliver(ev);
      } while (this.again);
    } finally {
      this.running = false;
    }
    // Pending requests keep the process alive; idle pooled sockets do not.
    this.timer.arm(this.pool.nextDeadline(), this.exchanges.size > 0);
    this.maybeFinishClose();
  }

  private execute(a: SocketAction): void {
    switch (a.type) {
      case "connect":
        this.connect(a.socket, a.origin);
        break;
      case "write":
        this.sockets.get(a.socket)?.write(a.data);
        break;
      case "shutdown-write":
        this.sockets.get(a.socket)?.shutdownWrite();
        break;
      case "close": {
        const s = this.sockets.get(a.socket);
        this.sockets.delete(a.socket);
        s?.close();
        break;
      }
      case "pause-read":
        this.sockets.get(a.socket)?.pauseRead();
        break;
      case "resume-read":
        this.sockets.get(a.socket)?.resumeRead();
        break;
      case "start-tls":
        this.startTls(a.socket, a.origin);
        break;
    }
  }

  /** The CONNECT tunnel is up: TLS through it, as the origin's client. */
  private startTls(id: number, origin: Origin): void {
    const socket = this.sockets.get(id);
    if (socket === undefined) return;
    if (socket.startTls === undefined) {
      // The layer cannot: a failed connect, and the socket goes.
      this.sockets.delete(id);
      socket.close();
      const message = `the ${this.layer.runtime} socket layer cannot start TLS on a connection`;
      this.pool.connectFailed(id, message, now(), "tls");
      return;
    }
    this.securing.add(id);
    const target = { hostname: origin.host, port: origin.port, tls: this.tls };
    socket.startTls(target, () => {
      if (!this.securing.delete(id)) return;
      this.pool.tlsEstablished(id, now());
      this.run();
    });
  }

  private connect(id: number, origin: Origin): void {
    let opened = false;
    let ended = false;
    const copy = this.layer.reusesReadBuffers;
    const handlers: SocketHandlers = {
      open: (socket) => {
        opened = true;
        this.sockets.set(id, socket);
        this.pool.connected(id, now());
        this.run();
      },
      data: (bytes) => {
        this.pool.received(id, copy ? bytes.slice() : bytes, now());
        this.run();
      },
      end: () => {
        ended = true;
        this.pool.peerEnded(id, now());
        this.run();
      },
      drain: () => {},
      close: (error) => {
        const ours = !this.sockets.has(id);
        this.sockets.delete(id);
        this.activeOn.delete(id);
        const securing = this.securing.delete(id);
        if (!opened || (securing && !ours)) {
          // A TLS failure is not retried (TLS_FAILED); anything else is a failed connect.
          const kind = error instanceof TlsFailure ? "tls" : "transport";
          this.pool.connectFailed(id, error?.message ?? "connection failed", now(), kind);
        } else if (!ours && (error !== undefined || !ended)) {
          this.pool.reset(id, error?.message ?? "connection reset", now());
        } else if (!ours) this.pool.peerEnded(id, now());
        this.run();
      },
    };
    this.layer.connect(
      {
        hostname: origin.host,
        port: origin.port,
        ...(origin.scheme === "https" ? { tls: this.tls } : {}),
      },
      handlers,
    );
  }

  private deliver(ev: PoolEvent): void {
    switch (ev.type) {
      case "response": {
        const ex = this.exchanges.get(ev.id);
        if (ev.reused) this.counters.reused++;
        if (!this.connectionOf.has(ev.id)) this.assign(ev.id, ev.connection);
        ex?.response(ev.head, ev.connection, ev.reused, ev.attempts.count);
        break;
      }
      case "informational":
        break;
      case "data":
        this.exchanges.get(ev.id)?.data(ev.data);
        break;
      case "end":
        this.exchanges.get(ev.id)?.end(ev.trailers);
        this.settled(ev.id);
        break;
      case "error":
        this.exchanges.get(ev.id)?.fail(ev.error);
        this.settled(ev.id);
        break;
      case "switched":
        // Upgrades are not offered through fetch()/request(): hand back and close.
        this.exchanges.get(ev.id)?.fail(new RequestError("PROTOCOL_ERROR", "protocol switch"));
        this.exchanges.delete(ev.id);
        this.sockets.get(ev.connection)?.close();
        this.sockets.delete(ev.connection);
        break;
      case "request-retried":
        this.counters.retried++;
        this.emit({
          type: "request-retried",
          request: ev.id,
          attempt: ev.attempt,
          reason: ev.reason,
        });
        break;
      case "connection-opened": {
        this.counters.connectionsOpened++;
        const tunnel = ev.tunnel;
        this.emit({
          type: "connection-opened",
          connection: ev.connection,
          origin:
            tunnel === undefined
              ? originKey(ev.origin)
              : `${originKey(tunnel)} via ${originKey(ev.origin)}`,
        });
        break;
      }
      case "connection-reused":
        if ((this.activeOn.get(ev.connection) ?? 0) > 0) this.counters.pipelined++;
        this.assign(ev.id, ev.connection);
        this.emit({ type: "connection-reused", connection: ev.connection, request: ev.id });
        break;
      case "connection-closed":
        this.emit({ type: "connection-closed", connection: ev.connection, reason: ev.reason });
        break;
      case "request-queued":
        break;
    }
  }

  private assign(id: number, connection: number): void {
    const previous = this.connectionOf.get(id);
    if (previous !== undefined) this.release(previous);
    this.connectionOf.set(id, connection);
    this.activeOn.set(connection, (this.activeOn.get(connection) ?? 0) + 1);
  }

  private release(connection: number): void {
    const n = (this.activeOn.get(connection) ?? 1) - 1;
    if (n > 0) this.activeOn.set(connection, n);
    else this.activeOn.delete(connection);
  }

  private settled(id: number): void {
    this.exchanges.delete(id);
    const connection = this.connectionOf.get(id);
    this.connectionOf.delete(id);
    if (connection !== undefined) this.release(connection);
  }

  private emit(event: ConnectionEvent): void {
    if (this.events.active) this.events.emit(event);
  }

  private maybeFinishClose(): void {
    if (this.closing === null || this.exchanges.size > 0) return;
    this.pool.close(now());
    for (const a of this.pool.takeActions()) this.execute(a);
    this.pool.takeEvents();
    this.timer.clear();
    for (const resolve of this.closing.splice(0)) resolve();
  }
}
