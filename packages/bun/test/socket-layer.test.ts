/**
 * The Bun socket layer over real loopback sockets, IPv4 and IPv6: the
 * RawSocket contract, and the Bun behaviours the layer has to smooth over
 * (partial writes, `drain` without a pending write, no `end` after our own
 * shutdown, `close` called synchronously, `connectError`).
 * Every wait is for an event, bounded by the test timeout; nothing sleeps.
 */
import { afterEach, describe, expect, it } from "bun:test";
import type { SocketHandlers } from "@tether/adapter-kit";
import { bunSocketLayer } from "../src/index.ts";
import { cleanUp, codeOf, connect, listen, pattern, Recorder, text } from "./recorder.ts";

afterEach(cleanUp);

describe.each(["127.0.0.1", "::1"])("bunSocketLayer on %s", (host) => {
  it("listen on port 0 reports the real port and the bound address", async () => {
    const { listener, accepted } = await listen(host);
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.hostname).toBe(host);
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    expect(server.socket?.remoteAddress).toBe(host);
    expect(server.socket?.remotePort).toBe(client.socket?.localPort as number);
    expect(server.socket?.localPort).toBe(listener.port);
    expect(client.socket?.remotePort).toBe(listener.port);
    expect(client.socket?.remoteAddress).toBe(host);
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
    // Bun closes a shut-down socket on the peer's FIN without calling `end`;
    // the layer reports the FIN all the same.
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
    // read the first: the half-closed client is still reading, and the
    // server, whose peer has ended, is still writing (allowHalfOpen).
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
    expect(server.events).toEqual(["open", "data", "end", "close"]);
    expect(client.error).toBeUndefined();
    expect(server.error).toBeUndefined();
  });

  it("a partial write is queued: write() says false, drain follows the peer's resume, bytes arrive in order", async () => {
    const { listener, accepted } = await listen(host, (server) => server.socket?.pauseRead());
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    // 32 MiB is more than loopback's socket buffers hold: Bun's write() takes
    // part of it and the layer queues the rest.
    const stream = pattern(32 * 1024 * 1024);
    const first = stream.subarray(0, 24 * 1024 * 1024);
    expect(client.socket?.write([first])).toBe(false);
    // While blocked, writes are queued behind it, in order, and say false too.
    expect(client.socket?.write([stream.subarray(first.length, first.length + 100)])).toBe(false);
    expect(
      client.socket?.write([
        stream.subarray(first.length + 100, first.length + 200),
        stream.subarray(first.length + 200),
      ]),
    ).toBe(false);
    expect(client.drains).toBe(0);
    expect(server.received).toBe(0);
    server.socket?.resumeRead();
    await client.saw("drain");
    await server.until((s) => s.received === stream.length);
    expect(client.drains).toBe(1);
    expect(server.bytes()).toEqual(stream);
  });

  it("coalesced small writes that the kernel takes only in part keep their bytes and order", async () => {
    const { listener, accepted } = await listen(host, (server) => server.socket?.pauseRead());
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    // Two-buffer writes of 12 KiB (under the 16 KiB coalescing limit) until
    // one is refused: that one went out through the shared scratch buffer in
    // part, and what was left must have been copied out of it.
    const piece = 12 * 1024;
    const stream = pattern(64 * 1024 * 1024);
    let at = 0;
    let ok = true;
    while (ok && at + piece <= stream.length) {
      ok =
        client.socket?.write([
          stream.subarray(at, at + 100),
          stream.subarray(at + 100, at + piece),
        ]) ?? false;
      at += piece;
    }
    expect(ok).toBe(false);
    // Overwrite the scratch buffer's contents through another socket's write.
    const other = connect(host, listener.port);
    await other.saw("open");
    other.socket?.write([new Uint8Array(8000).fill(1), new Uint8Array(8000).fill(2)]);
    server.socket?.resumeRead();
    await client.saw("drain");
    await server.until((s) => s.received === at);
    expect(server.bytes()).toEqual(stream.subarray(0, at));
  });

  it("shutdownWrite while bytes are queued sends the FIN after them", async () => {
    const { listener, accepted } = await listen(host, (server) => server.socket?.pauseRead());
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    const stream = pattern(24 * 1024 * 1024);
    expect(client.socket?.write([stream])).toBe(false);
    client.socket?.shutdownWrite();
    server.socket?.resumeRead();
    await server.saw("end");
    expect(server.received).toBe(stream.length);
    expect(server.bytes()).toEqual(stream);
    expect(server.events).toEqual(["open", "data", "end"]);
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
    expect(codeOf(client.error)).toBe("ECONNRESET");
  });

  it("close() without reset is an orderly close: the peer sees end, no error", async () => {
    const { listener, accepted } = await listen(host, (server) => server.socket?.close());
    const client = connect(host, listener.port);
    await client.saw("end");
    client.socket?.shutdownWrite();
    await client.saw("close");
    await accepted[0]?.saw("close");
    // No `drain` either: Bun calls its drain handler with nothing pending,
    // and the layer does not pass that on.
    expect(client.events).toEqual(["open", "end", "close"]);
    expect(client.error).toBeUndefined();
    expect(accepted[0]?.events).toEqual(["open", "close"]);
  });

  it("close() reports close after the call returns, never inside it", async () => {
    const { listener, accepted } = await listen(host);
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    server.socket?.close();
    expect(server.events).toEqual(["open"]); // Bun itself calls `close` synchronously
    await server.saw("close");
    expect(server.events).toEqual(["open", "close"]);
    // Nothing after close: writes are dropped quietly, pausing is harmless.
    expect(server.socket?.write([text("late")])).toBe(true);
    server.socket?.pauseRead();
    server.socket?.shutdownWrite();
    server.socket?.close(true);
    await client.saw("end");
    expect(server.events).toEqual(["open", "close"]);
  });

  it("pauseRead holds back data and the peer's FIN until resumeRead", async () => {
    const { listener, accepted } = await listen(host, (server) => {
      if (accepted.length === 1) server.socket?.pauseRead();
    });
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    const server = accepted[0] as Recorder;
    client.socket?.write([text("held")]);
    client.socket?.shutdownWrite();
    // The client's FIN has left once the server's reply to it arrives… but the
    // paused server cannot reply. Let a second connection's round trip pass
    // instead, which takes the same loop turns.
    const probe = connect(host, listener.port);
    await probe.saw("open");
    await accepted[1]?.saw("open");
    probe.socket?.write([text("ping")]);
    await accepted[1]?.until((s) => s.received === 4);
    expect(server.events).toEqual(["open"]);
    server.socket?.resumeRead();
    await server.saw("end");
    expect(server.events).toEqual(["open", "data", "end"]);
    expect(server.text()).toBe("held");
  });

  it("connecting to a closed port reports close(error) and never open", async () => {
    const { listener } = await listen(host);
    const port = listener.port;
    await listener.close();
    const client = connect(host, port);
    await client.saw("close");
    expect(client.events).toEqual(["close"]);
    expect(codeOf(client.error)).toBe("ECONNREFUSED");
  });

  it("RawListener.close stops accepting but leaves open sockets alone", async () => {
    const { listener, accepted } = await listen(host);
    const client = connect(host, listener.port);
    await client.saw("open");
    await accepted[0]?.saw("open");
    await listener.close();
    await listener.close(); // twice is harmless
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

it("hands each read over as a plain Uint8Array, so adapter-kit's slice() is a real copy", async () => {
  const { listener, accepted } = await listen("127.0.0.1");
  const client = connect("127.0.0.1", listener.port);
  await client.saw("open");
  client.socket?.write([text("abc")]);
  const server = accepted[0] as Recorder;
  await server.until((s) => s.received === 3);
  const bytes = server.lastData as Uint8Array;
  // A Node Buffer's slice() is a view; Uint8Array's is a copy.
  expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
  expect(bunSocketLayer.reusesReadBuffers).toBe(true);
});

it("a handler that throws resets the connection and is reported with close(error)", async () => {
  const { listener, accepted } = await listen("127.0.0.1", (server) => {
    server.data = () => {
      throw new Error("bug in a data handler");
    };
  });
  const client = connect("127.0.0.1", listener.port);
  await client.saw("open");
  client.socket?.write([text("boom")]);
  const server = accepted[0] as Recorder;
  await server.saw("close");
  expect(server.error?.message).toBe("bug in a data handler");
  await client.saw("close");
  expect(codeOf(client.error)).toBe("ECONNRESET");
});

it("listening on a port in use rejects", async () => {
  const { listener } = await listen("127.0.0.1");
  const accept = (): SocketHandlers => new Recorder();
  await expect(
    bunSocketLayer.listen({ hostname: "127.0.0.1", port: listener.port }, accept),
  ).rejects.toMatchObject({ code: "EADDRINUSE" });
});

it("accepts a bracketed IPv6 literal, as found in URLs", async () => {
  const { listener, accepted } = await listen("[::1]");
  expect(listener.hostname).toBe("::1");
  const client = connect("[::1]", listener.port);
  await client.saw("open");
  await accepted[0]?.saw("open");
  expect(accepted[0]?.socket?.remoteAddress).toBe("::1");
});

it("reports a refused TLS connect as close(error) without open (TLS itself: test/tls.test.ts)", async () => {
  const client = new Recorder();
  bunSocketLayer.connect({ hostname: "127.0.0.1", port: 1, tls: {} }, client);
  await client.saw("close");
  expect(client.events).toEqual(["close"]);
  expect(client.error).toBeInstanceOf(Error);
});

it("is named for its runtime", () => {
  expect(bunSocketLayer.runtime).toBe("bun");
});
