/**
 * `createClient()` for any runtime: core's {@link ClientPool} (which
 * connection, reuse, pipelining, retries) over a runtime's
 * {@link SocketLayer}, with a Web `fetch()` and a low-level `request()`.
 * Every decision is the pool's; this file moves bytes, time and events.
 */
import {
  ClientPool,
  IdTable,
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
import { ClientExchange, type WebResponseKind } from "./client-exchange.ts";
import { simpleFetch } from "./client-fetch.ts";
import { ClientSockets } from "./client-sockets.ts";
import { PoolTimer } from "./client-timer.ts";
import { originOf, urlTarget } from "./client-url.ts";
import { now } from "./clock.ts";
import { Listeners } from "./listeners.ts";
import { RepeatedHeaders } from "./repeated-headers.ts";
import type { SocketLayer } from "./socket-layer.ts";
import { toBytes } from "./web.ts";

/** Builds the `createClient()` of a runtime from its socket layer. */
export function createClientFactory(layer: SocketLayer): CreateClient {
  return (options?: ClientOptions) => new Client(layer, options ?? {});
}

class Client implements TetherClient {
  private readonly pool: ClientPool;
  private readonly sockets: ClientSockets;
  /** Requests not yet settled, by id (core id-table.ts: not a `Map`, whose rebuilt tables keep requests alive). */
  private readonly exchanges = new IdTable<ClientExchange>();
  private readonly events = new Listeners<ConnectionEvent>();
  private readonly timer: PoolTimer;
  private readonly counters = {
    requests: 0,
    connectionsOpened: 0,
    reused: 0,
    retried: 0,
    pipelined: 0,
  };
  /**
   * Requests assigned to each connection and not yet settled (to count
   * pipelining; kept only when the pool may pipeline). A count that falls
   * to 0 stays until its socket is gone: a `Map` whose keys come and go on
   * every request keeps requests alive longer (core id-table.ts). The
   * connection each request is on is its exchange's `assignedTo`.
   */
  private readonly activeOn = new Map<number, number>();
  private readonly pipelining: boolean;
  /** Exchanges whose `fetch()` response is handed over at the end of this batch. */
  private readonly toPublish: ClientExchange[] = [];
  /**
   * The pool's actions and events of the batch being run: two lists kept
   * for the client's life and emptied after each batch (`run` never nests),
   * so a batch allocates no list.
   */
  private readonly actions: SocketAction[] = [];
  private readonly poolEvents: PoolEvent[] = [];
  /**
   * How `fetch()` responses are made: lazily on Node, where nothing reads a
   * `Response`'s internals and a native one is costly; native elsewhere,
   * where the runtime's own server (Bun.serve, Deno.serve) may be handed
   * one to send (client-response.ts).
   */
  private readonly webKind: WebResponseKind;
  /** Bun only: copying a `Headers` there is cheaper than appending (repeated-headers.ts). */
  readonly repeatedHeaders: RepeatedHeaders | null;
  private running = false;
  private again = false;
  private closing: (() => void)[] | null = null;

  constructor(layer: SocketLayer, options: ClientOptions) {
    this.webKind = layer.runtime === "node" ? "lazy" : "native";
    this.repeatedHeaders = layer.runtime === "bun" ? new RepeatedHeaders() : null;
    const { proxy, tls, ...rest } = options;
    this.pipelining = (options.pipelining ?? 1) > 1;
    this.pool = new ClientPool({
      ...rest,
      ...(layer.decodeLatin1 !== undefined ? { decodeLatin1: layer.decodeLatin1 } : {}),
      ...(proxy !== undefined
        ? { proxy: typeof proxy === "string" ? originOf(new URL(proxy)) : proxy }
        : {}),
    });
    this.timer = new PoolTimer(this.pool, (t) => {
      this.pool.tick(t);
      this.run();
    });
    this.sockets = new ClientSockets(
      layer,
      this.pool,
      tls ?? {},
      () => this.run(),
      (id) => this.activeOn.delete(id),
    );
  }

  on(listener: (event: ConnectionEvent) => void): () => void {
    return this.events.add(listener);
  }

  stats(): ClientStats {
    return { ...this.counters };
  }

  request(options: ClientRequestOptions): Promise<ClientResponse> {
    try {
      const url = urlTarget(options.url);
      const body =
        options.body === undefined || options.body === null ? null : toBytes(options.body);
      const ex = this.start(
        {
          origin: url.origin,
          method: options.method ?? "GET",
          target: options.target ?? url.target,
          fields: options.headers ?? [],
          body,
          // The whole body or an error: nothing is shown before the end, so a
          // response cut short may be fetched again (core retry.ts row 8).
          buffered: true,
        },
        null,
      );
      return ex.whole();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    try {
      const simple = simpleFetch(input, init);
      if (simple === null) return this.fetchRequest(new Request(input, init));
      const ex = this.start(
        {
          origin: simple.url.origin,
          method: simple.method,
          target: simple.url.target,
          fields: simple.fields,
          body: simple.body,
        },
        this.webKind,
      );
      const signal = simple.signal;
      if (signal !== null) this.cancelOnAbort(signal, ex.id);
      return ex.webResponse();
    } catch (e) {
      return Promise.reject(e);
    }
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

  /** Hands `exchange`'s `fetch()` response over once the current batch is delivered. */
  publishLater(exchange: ClientExchange): void {
    this.toPublish.push(exchange);
  }

  /** A response body stream has room again: read from the socket again. */
  resumeReading(connection: number): void {
    this.sockets.resumeReading(connection);
  }

  /** A response body stream is full: stop reading from its socket. */
  pauseReading(connection: number): void {
    this.sockets.pauseReading(connection);
  }

  // --- internals -------------------------------------------------------------------

  /** `fetch()` of a Web `Request` (anything {@link simpleFetch} does not take). */
  private async fetchRequest(request: Request): Promise<Response> {
    const url = urlTarget(request.url);
    const fields: [string, string][] = [];
    request.headers.forEach((value, name) => {
      fields.push([name, value]);
    });
    // The body is read whole first: a known length, and a replayable body
    // that the pool's retry rules may send again (RFC 9112 §9.3.1).
    const body = request.body === null ? null : new Uint8Array(await request.arrayBuffer());
    const ex = this.start(
      {
        origin: url.origin,
        method: request.method,
        target: url.target,
        fields,
        body,
      },
      this.webKind,
    );
    this.cancelOnAbort(request.signal, ex.id);
    return ex.webResponse();
  }

  /** Cancels request `id` when `signal` aborts. */
  private cancelOnAbort(signal: AbortSignal, id: number): void {
    signal.addEventListener("abort", () => this.cancel(id), { once: true });
  }

  private start(req: PoolRequest, web: WebResponseKind | null): ClientExchange {
    if (this.closing !== null) throw new RequestError("CANCELLED", "the client is closed");
    const id = this.pool.request(req, now());
    const ex = new ClientExchange(this, id, req.method, web);
    this.exchanges.set(ex);
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
      const actions = this.actions;
      const events = this.poolEvents;
      const publish = this.toPublish;
      do {
        this.again = false;
        this.pool.moveActionsTo(actions);
        for (let i = 0; i < actions.length; i++) this.sockets.execute(actions[i] as SocketAction);
        empty(actions);
        this.pool.moveEventsTo(events);
        for (let i = 0; i < events.length; i++) this.deliver(events[i] as PoolEvent);
        empty(events);
        // Publishing settles promises only: nothing is added to the list meanwhile.
        for (let i = 0; i < publish.length; i++) (publish[i] as ClientExchange).publish();
        empty(publish);
      } while (this.again);
    } finally {
      this.running = false;
      // After a throw, the rest of the batch is dropped, as before; exchanges
      // to publish are kept for the next run (publishing twice is a no-op).
      empty(this.actions);
      empty(this.poolEvents);
    }
    this.timer.arm(this.exchanges.size > 0);
    this.maybeFinishClose();
  }

  private deliver(ev: PoolEvent): void {
    switch (ev.type) {
      case "response": {
        const ex = this.exchanges.get(ev.id);
        if (ev.reused) this.counters.reused++;
        if (this.pipelining && ex !== undefined && ex.assignedTo === 0)
          this.assign(ex, ev.connection);
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
        this.sockets.drop(ev.connection);
        break;
      case "request-retried":
        this.counters.retried++;
        // A buffered request's cut response was never shown: it starts over.
        this.exchanges.get(ev.id)?.restart();
        if ((this.exchanges.get(ev.id)?.assignedTo ?? 0) !== 0) this.settled(ev.id, false);
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
        // `activeOn` is kept only when the pool may pipeline.
        if (this.pipelining && (this.activeOn.get(ev.connection) ?? 0) > 0) {
          this.counters.pipelined++;
        }
        this.assign(this.exchanges.get(ev.id), ev.connection);
        // Built only for a listener: most requests reuse a connection.
        if (this.events.active) {
          this.events.emit({
            type: "connection-reused",
            connection: ev.connection,
            request: ev.id,
          });
        }
        break;
      case "connection-closed":
        this.emit({ type: "connection-closed", connection: ev.connection, reason: ev.reason });
        break;
      case "request-queued":
        break;
    }
  }

  private assign(ex: ClientExchange | undefined, connection: number): void {
    if (!this.pipelining || ex === undefined) return;
    if (ex.assignedTo !== 0) this.release(ex.assignedTo);
    ex.assignedTo = connection;
    this.activeOn.set(connection, (this.activeOn.get(connection) ?? 0) + 1);
  }

  /** One request fewer on `connection` (a count of a socket already gone is not brought back). */
  private release(connection: number): void {
    const n = this.activeOn.get(connection);
    if (n !== undefined) this.activeOn.set(connection, n > 0 ? n - 1 : 0);
  }

  /** `id` is done (`gone`), or its attempt is: its connection no longer carries it. */
  private settled(id: number, gone = true): void {
    // Without pipelining nothing is kept per connection (see `assign`).
    const ex = this.pipelining ? this.exchanges.get(id) : undefined;
    if (gone) this.exchanges.delete(id);
    if (ex === undefined || ex.assignedTo === 0) return;
    const connection = ex.assignedTo;
    ex.assignedTo = 0;
    this.release(connection);
  }

  private emit(event: ConnectionEvent): void {
    if (this.events.active) this.events.emit(event);
  }

  private maybeFinishClose(): void {
    if (this.closing === null || this.exchanges.size > 0) return;
    this.pool.close(now());
    for (const a of this.pool.takeActions()) this.sockets.execute(a);
    this.pool.takeEvents();
    this.timer.clear();
    for (const resolve of this.closing.splice(0)) resolve();
  }
}

/** Empties a list kept for reuse: `pop()` keeps its storage, `length = 0` would give it up. */
function empty(list: unknown[]): void {
  while (list.length > 0) list.pop();
}
