/**
 * Test helpers: handlers that record what a socket reports and let a test
 * wait for it, and listen/connect wrappers that clean up after each test.
 * Every wait is for an event, bounded by the test timeout; nothing sleeps.
 */
import type { RawListener, RawSocket, SocketHandlers } from "@tether/adapter-kit";
import { bunSocketLayer } from "../src/index.ts";

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
  /** Keep a copy of every received buffer (off for bulk transfers). */
  keepBytes = true;
  /** The buffers exactly as Bun handed them over (for checks on their type). */
  lastData: Uint8Array | undefined;
  private waiters: Array<() => void> = [];

  open(socket: RawSocket): void {
    this.socket = socket;
    this.record("open");
  }
  data(bytes: Uint8Array): void {
    this.received += bytes.length;
    this.lastData = bytes;
    // The layer declares reusesReadBuffers: keep copies, as adapter-kit does.
    if (this.keepBytes) this.chunks.push(bytes.slice());
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

  /** The received bytes. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** The received bytes as text. */
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

  protected record(name: EventName): void {
    this.events.push(name);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The `code` of a runtime error (ECONNRESET, ECONNREFUSED…). */
export const codeOf = (error: Error | undefined): string | undefined =>
  (error as { code?: string } | undefined)?.code;

const listeners: RawListener[] = [];
const sockets: RawSocket[] = [];

/** Closes every socket and listener the helpers opened (for `afterEach`). */
export async function cleanUp(): Promise<void> {
  for (const socket of sockets.splice(0)) socket.close();
  for (const listener of listeners.splice(0)) await listener.close();
}

/** Listens on `host`; `onAccept` sees each accepted connection's recorder once open. */
export async function listen(
  host: string,
  onAccept: (server: Recorder) => void = () => {},
): Promise<{ listener: RawListener; accepted: Recorder[] }> {
  const accepted: Recorder[] = [];
  const listener = await bunSocketLayer.listen({ hostname: host, port: 0 }, () => {
    const recorder = new Recorder();
    const open = recorder.open.bind(recorder);
    recorder.open = (socket) => {
      sockets.push(socket);
      open(socket);
      onAccept(recorder);
    };
    accepted.push(recorder);
    return recorder;
  });
  listeners.push(listener);
  return { listener, accepted };
}

/** Connects a recorder to `host:port`. */
export function connect(host: string, port: number, client = new Recorder()): Recorder {
  bunSocketLayer.connect({ hostname: host, port }, client);
  void client.saw("open").then(() => {
    if (client.socket) sockets.push(client.socket);
  });
  return client;
}

/** `length` bytes of a pattern that shows any loss, duplication or reordering. */
export function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + (i >>> 12)) & 0xff;
  return out;
}
