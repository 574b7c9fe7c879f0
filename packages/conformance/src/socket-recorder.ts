/**
 * Test helpers for any runtime's socket layer: handlers that record what a
 * socket reports and let a test wait for it, and a scope that closes every
 * listener and socket a test opened and waits until they are gone (so
 * Deno's op and resource sanitizers can stay on). Every wait is for an
 * event or a loop turn; nothing sleeps for a fixed time.
 */
import assert from "node:assert/strict";
import type { RawListener, RawSocket, SocketHandlers, SocketLayer } from "@tether/adapter-kit";

/** What a {@link SocketRecorder} records. */
export type SocketEventName = "open" | "data" | "end" | "drain" | "close";

/** Handlers that record what happened and let a test wait for it. */
export class SocketRecorder implements SocketHandlers {
  /** Event names in order, consecutive `data` collapsed into one. */
  readonly events: SocketEventName[] = [];
  /** The socket, once open. */
  socket: RawSocket | undefined;
  /** Bytes received so far. */
  received = 0;
  /** The received buffers (copies where the layer reuses its read buffers). */
  chunks: Uint8Array[] = [];
  /** The error `close` reported, if any. */
  error: Error | undefined;
  /** How many times `drain` was reported. */
  drains = 0;
  /** Keep the received buffers, for `text()` and `bytes()` (off for bulk transfers). */
  keepBytes = true;
  /** The last buffer exactly as the layer handed it over (for checks on its type). */
  lastData: Uint8Array | undefined;
  /** Called right after `open` is recorded. */
  onOpen: (recorder: SocketRecorder) => void = () => {};
  private waiters: Array<() => void> = [];

  /** @param copyReads copy each read before keeping it (for layers that reuse read buffers). */
  constructor(private readonly copyReads = false) {}

  open(socket: RawSocket): void {
    this.socket = socket;
    this.record("open");
    this.onOpen(this);
  }
  data(bytes: Uint8Array): void {
    this.received += bytes.length;
    this.lastData = bytes;
    if (this.keepBytes) this.chunks.push(this.copyReads ? bytes.slice() : bytes);
    if (this.events.at(-1) !== "data") this.record("data");
    else this.wake();
  }
  end(): void {
    this.record("end");
  }
  drain(): void {
    this.drains++;
    this.record("drain");
  }
  close(error?: Error): void {
    this.error = error;
    this.record("close");
  }

  /** The received bytes, concatenated. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** The received bytes as text (the WHATWG "latin1" label is windows-1252; the cases send ASCII). */
  text(): string {
    return new TextDecoder("latin1").decode(this.bytes());
  }

  /** Resolves once `condition` holds (checked after every event). */
  until(condition: (r: this) => boolean): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (condition(this)) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  /** Resolves once `name` has happened. */
  saw(name: SocketEventName): Promise<void> {
    return this.until((r) => r.events.includes(name));
  }

  private record(name: SocketEventName): void {
    this.events.push(name);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** Everything one test opened on a socket layer, closed and awaited at its end. */
export class SocketScope {
  private readonly listeners: RawListener[] = [];
  private readonly recorders: SocketRecorder[] = [];

  constructor(readonly layer: SocketLayer) {}

  /** A recorder that this scope closes at its end (for `layer.connect` with options of your own). */
  recorder(): SocketRecorder {
    const recorder = new SocketRecorder(this.layer.reusesReadBuffers);
    this.recorders.push(recorder);
    return recorder;
  }

  /** Listens on `host`; each accepted connection gets a recorder, in `accepted`. */
  async listen(
    host: string,
    onAccept: (server: SocketRecorder) => void = () => {},
  ): Promise<{ listener: RawListener; accepted: SocketRecorder[] }> {
    const accepted: SocketRecorder[] = [];
    const listener = await this.layer.listen({ hostname: host, port: 0 }, () => {
      const recorder = this.recorder();
      recorder.onOpen = onAccept;
      accepted.push(recorder);
      return recorder;
    });
    this.listeners.push(listener);
    return { listener, accepted };
  }

  /** Connects a recorder to `host:port`. */
  connect(host: string, port: number): SocketRecorder {
    const client = this.recorder();
    this.layer.connect({ hostname: host, port }, client);
    return client;
  }

  /**
   * Listens on `host` and connects one client; resolves once both ends are
   * open. `onAccept` sees each accepted connection's recorder once open.
   */
  async pair(
    host: string,
    onAccept: (server: SocketRecorder) => void = () => {},
  ): Promise<{
    listener: RawListener;
    accepted: SocketRecorder[];
    client: SocketRecorder;
    server: SocketRecorder;
  }> {
    const { listener, accepted } = await this.listen(host, onAccept);
    const client = this.connect(host, listener.port);
    await client.saw("open");
    const server = await acceptedAt(accepted, 0);
    await server.saw("open");
    return { listener, accepted, client, server };
  }

  /**
   * A connected pair on `host` whose server, once it has read a byte from
   * the client, closes with `close(true)`; resolves once the server has
   * reported its own `close`, without an error. What the client sees is
   * the runtime's to say.
   */
  async resetByServer(host: string): Promise<{ client: SocketRecorder; server: SocketRecorder }> {
    const { client, server } = await this.pair(host);
    client.socket?.write([text("x")]);
    await server.saw("data");
    server.socket?.close(true);
    await server.saw("close");
    assert.equal(server.error, undefined);
    return { client, server };
  }

  /** Closes listeners and sockets, then waits until every socket reported `close`. */
  async close(): Promise<void> {
    for (const listener of this.listeners.splice(0)) await listener.close();
    // A connect still in flight ends in `open` or `close`: wait for either.
    for (const r of this.recorders) await r.until((x) => x.events.length > 0);
    for (const r of this.recorders) r.socket?.close();
    for (const r of this.recorders.splice(0)) await r.saw("close");
  }
}

/** Runs `body` with a fresh {@link SocketScope} on `layer`, which is always closed. */
export async function scoped(
  layer: SocketLayer,
  body: (scope: SocketScope) => Promise<void>,
): Promise<void> {
  const scope = new SocketScope(layer);
  try {
    await body(scope);
  } finally {
    await scope.close();
  }
}

/** Resolves with `list[index]` once the listener has accepted that many connections. */
export async function acceptedAt(
  list: readonly SocketRecorder[],
  index: number,
): Promise<SocketRecorder> {
  while (list.length <= index) await macrotask();
  return list[index] as SocketRecorder;
}

/** Lets pending I/O callbacks run (no fixed delay). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The bytes of a latin1/ASCII string. */
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `length` bytes of a pattern that shows any loss, duplication or reordering. */
export function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + (i >>> 12)) & 0xff;
  return out;
}

/** The `code` of a runtime error (ECONNRESET, ECONNREFUSED… — Deno's errors carry them too). */
export function codeOf(error: Error | undefined): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
