/**
 * The node:net socket layer over real loopback sockets, IPv4 and IPv6.
 * Every wait is for an event, bounded by the test timeout; nothing sleeps.
 */
import {
  type RawListener,
  type RawSocket,
  type SocketHandlers,
  TlsFailure,
} from "@tether/adapter-kit";
import { afterEach, describe, expect, it } from "vitest";
import { nodeSocketLayer } from "../src/index.ts";

type EventName = "open" | "data" | "end" | "drain" | "close";

/** Handlers that record what happened and let a test wait for it. */
class Recorder implements SocketHandlers {
  /** Event names in order, consecutive `data` collapsed into one. */
  readonly events: EventName[] = [];
  socket: RawSocket | undefined;
  received = 0;
  chunks: Uint8Array[] = [];
  error: Error | undefined;
  drains = 0;
  private waiters: Array<() => void> = [];

  open(socket: RawSocket): void {
    this.socket = socket;
    this.record("open");
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

  keepBytes = true;

  /** The received bytes as text. */
  text(): string {
    return Buffer.concat(this.chunks).toString("latin1");
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

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

const listeners: RawListener[] = [];
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const listener of listeners.splice(0)) await listener.close();
});

/** Listens on `host`; each accepted connection gets the next recorder from `accepted`. */
async function listen(
  host: string,
  onAccept: (server: Recorder) => void = () => {},
): Promise<{ listener: RawListener; accepted: Recorder[] }> {
  const accepted: Recorder[] = [];
  const listener = await nodeSocketLayer.listen({ hostname: host, port: 0 }, () => {
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
function connect(host: string, port: number): Recorder {
  const client = new Recorder();
  nodeSocketLayer.connect({ hostname: host, port }, client);
  void client.saw("open").then(() => {
    if (client.socket) sockets.push(client.socket);
  });
  return client;
}

describe.each(["127.0.0.1", "::1"])("nodeSocketLayer on %s", (host) => {
  it("listen on port 0 reports the real port and the bound address", async () => {
    const { listener, accepted } = await listen(host);
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.hostname).toBe(host);
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    expect(server.socket?.remoteAddress).toBe(host);
    expect(server.socket?.remotePort).toBe(client.socket?.localPort);
    expect(server.socket?.localPort).toBe(listener.port);
    expect(client.socket?.remotePort).toBe(listener.port);
  });

  it("reports open, data, end, close in that order on both ends", async () => {
    const { listener, accepted } = await listen(host, (server) => {
      void server.saw("end").then(() => {
        server.socket?.write([text("wor"), text("ld")]);
        server.socket?.shutdownWrite();
      });
    });
    const client = connect(host, listener.port);
    await client.saw("open");
    expect(client.socket?.write([text("hello")])).toBe(true);
    client.socket?.shutdownWrite();
    await client.saw("close");
    const server = accepted[0] as Recorder;
    await server.saw("close");
    expect(server.events).toEqual(["open", "data", "end", "close"]);
    expect(server.text()).toBe("hello");
    expect(server.error).toBeUndefined();
    expect(client.events).toEqual(["open", "data", "end", "close"]);
    expect(client.text()).toBe("world");
    expect(client.error).toBeUndefined();
  });

  it("RFC 9112 §9.6: after shutdownWrite the peer can still send and we still read", async () => {
    const { listener, accepted } = await listen(host);
    const client = connect(host, listener.port);
    await client.saw("open");
    client.socket?.write([text("GET / HTTP/1.1\r\n\r\n")]);
    client.socket?.shutdownWrite();
    await accepted[0]?.saw("end");
    const server = accepted[0] as Recorder;
    expect(server.text()).toBe("GET / HTTP/1.1\r\n\r\n");
    // The server answers in two parts, the second only after the client has
    // read the first: the half-closed client is still reading.
    server.socket?.write([text("first;")]);
    await client.until((c) => c.received === 6);
    server.socket?.write([text("second")]);
    await client.until((c) => c.received === 12);
    expect(client.events).toEqual(["open", "data"]);
    server.socket?.shutdownWrite();
    await client.saw("close");
    await server.saw("close");
    expect(client.text()).toBe("first;second");
    expect(client.events).toEqual(["open", "data", "end", "close"]);
    expect(client.error).toBeUndefined();
    expect(server.error).toBeUndefined();
  });

  it("back-pressure: write() returns false against a paused peer, drain follows its resume", async () => {
    const { listener, accepted } = await listen(host, (server) => {
      server.keepBytes = false;
      server.socket?.pauseRead();
    });
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    // Small chunks, below Node's 16 KiB high-water mark, so write() only says
    // false once the kernel's buffers are full too.
    const chunk = new Uint8Array(4096).fill(0x61);
    const cap = 64 * 1024 * 1024;
    let written = 0;
    let ok = true;
    while (ok && written < cap) {
      ok = client.socket?.write([chunk]) ?? false;
      written += chunk.length;
      // Let libuv flush between writes, as a real sender would.
      if (written % (256 * 1024) === 0) await new Promise((r) => setImmediate(r));
    }
    expect(ok).toBe(false);
    expect(written).toBeLessThan(cap);
    expect(server.received).toBe(0);
    server.socket?.resumeRead();
    await client.until((c) => c.drains > 0);
    await server.until((s) => s.received === written);
    expect(server.received).toBe(written);
  });

  it("close(true) resets: the peer sees ECONNRESET", async () => {
    const { listener, accepted } = await listen(host);
    const client = connect(host, listener.port);
    await client.saw("open");
    client.socket?.write([text("x")]);
    await accepted[0]?.saw("data");
    const server = accepted[0] as Recorder;
    server.socket?.close(true);
    await server.saw("close");
    expect(server.error).toBeUndefined();
    await client.saw("close");
    expect(client.events).toEqual(["open", "close"]);
    expect((client.error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNRESET");
  });

  it("close() without reset is an orderly close: the peer sees end, no error", async () => {
    const { listener, accepted } = await listen(host, (server) => server.socket?.close());
    const client = connect(host, listener.port);
    await client.saw("end");
    client.socket?.shutdownWrite();
    await client.saw("close");
    await accepted[0]?.saw("close");
    expect(client.events).toEqual(["open", "end", "close"]);
    expect(client.error).toBeUndefined();
  });

  it("connecting to a closed port reports close(error) and never open", async () => {
    const { listener } = await listen(host);
    const port = listener.port;
    await listener.close();
    const client = connect(host, port);
    await client.saw("close");
    expect(client.events).toEqual(["close"]);
    expect((client.error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNREFUSED");
  });

  it("RawListener.close stops accepting but leaves open sockets alone", async () => {
    const { listener, accepted } = await listen(host);
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    await listener.close();
    const late = connect(host, listener.port);
    await late.saw("close");
    expect(late.events).toEqual(["close"]);
    // The accepted connection still works both ways.
    client.socket?.write([text("ping")]);
    await accepted[0]?.until((s) => s.received === 4);
    accepted[0]?.socket?.write([text("pong")]);
    await client.until((c) => c.received === 4);
    expect(client.text()).toBe("pong");
  });
});

it("accepts a bracketed IPv6 literal, as found in URLs", async () => {
  const { listener, accepted } = await listen("[::1]");
  expect(listener.hostname).toBe("::1");
  const client = connect("[::1]", listener.port);
  await client.saw("open");
  await accepted[0]?.saw("open");
  expect(accepted[0]?.socket?.remoteAddress).toBe("::1");
});

it("reports a refused TLS connect as close(error) without open — a transport error, not a TlsFailure", async () => {
  const client = new Recorder();
  nodeSocketLayer.connect({ hostname: "127.0.0.1", port: 1, tls: {} }, client);
  await client.saw("close");
  expect(client.events).toEqual(["close"]);
  expect(client.error).toBeInstanceOf(Error);
  expect(client.error).not.toBeInstanceOf(TlsFailure);
});

it("reports a failed TLS handshake (a plain-TCP peer) as close(TlsFailure) without open", async () => {
  // Whatever a plain server answers, it is not a TLS record.
  const { listener } = await listen("127.0.0.1", (server) => {
    server.socket?.write([text("HTTP/1.1 400 Bad Request\r\n\r\n")]);
  });
  const client = new Recorder();
  nodeSocketLayer.connect({ hostname: "127.0.0.1", port: listener.port, tls: {} }, client);
  await client.saw("close");
  expect(client.events).toEqual(["close"]);
  expect(client.error).toBeInstanceOf(TlsFailure);
});

it("is named for its runtime", () => {
  expect(nodeSocketLayer.runtime).toBe("node");
});
