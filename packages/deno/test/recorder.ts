/**
 * Test helpers for the Deno socket layer: handlers that record what
 * happened and let a test wait for it, and a scope that closes every
 * listener and socket a test opened and waits until they are gone (so
 * Deno's op and resource sanitizers can stay on).
 */
import type { RawListener, RawSocket, SocketHandlers } from "@tether/adapter-kit";
import { denoSocketLayer } from "../src/index.ts";

export type EventName = "open" | "data" | "end" | "drain" | "close";

/** Handlers that record what happened and let a test wait for it. */
export class Recorder implements SocketHandlers {
  /** Event names in order, consecutive `data` collapsed into one. */
  readonly events: EventName[] = [];
  socket: RawSocket | undefined;
  received = 0;
  chunks: Uint8Array[] = [];
  error: Error | undefined;
  drains = 0;
  /** Keep the received buffers (for `text()` and `bytes()`). */
  keepBytes = true;
  /** Called right after `open` is recorded. */
  onOpen: (recorder: Recorder) => void = () => {};
  private waiters: Array<() => void> = [];

  open(socket: RawSocket): void {
    this.socket = socket;
    this.record("open");
    this.onOpen(this);
  }
  data(bytes: Uint8Array): void {
    this.received += bytes.length;
    if (this.keepBytes) this.chunks.push(bytes);
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

  /** The received bytes as latin1 text. */
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
  saw(name: EventName): Promise<void> {
    return this.until((r) => r.events.includes(name));
  }

  private record(name: EventName): void {
    this.events.push(name);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** Everything one test opened, closed and awaited at its end. */
export class Scope {
  private readonly listeners: RawListener[] = [];
  private readonly recorders: Recorder[] = [];

  /** Listens on `host`; each accepted connection gets a recorder, in `accepted`. */
  async listen(
    host: string,
    onAccept: (server: Recorder) => void = () => {},
  ): Promise<{ listener: RawListener; accepted: Recorder[] }> {
    const accepted: Recorder[] = [];
    const listener = await denoSocketLayer.listen({ hostname: host, port: 0 }, () => {
      const recorder = new Recorder();
      recorder.onOpen = onAccept;
      accepted.push(recorder);
      this.recorders.push(recorder);
      return recorder;
    });
    this.listeners.push(listener);
    return { listener, accepted };
  }

  /** Connects a recorder to `host:port`. */
  connect(host: string, port: number): Recorder {
    const client = new Recorder();
    this.recorders.push(client);
    denoSocketLayer.connect({ hostname: host, port }, client);
    return client;
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

/** Runs `body` with a fresh {@link Scope}, which is always closed. */
export async function scoped(body: (scope: Scope) => Promise<void>): Promise<void> {
  const scope = new Scope();
  try {
    await body(scope);
  } finally {
    await scope.close();
  }
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `length` bytes where byte i is i mod 251 (a prime, so no power-of-two period). */
export function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 251;
  return bytes;
}

/** The error's `code` (Deno's errors carry Node-style codes such as ECONNREFUSED). */
export function codeOf(error: Error | undefined): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
