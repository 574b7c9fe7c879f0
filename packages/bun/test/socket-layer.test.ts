/**
 * The Bun socket layer over real loopback sockets: @tether/conformance's
 * socket-layer cases (the RawSocket contract, IPv4 and IPv6), then the Bun
 * behaviours the layer has to smooth over (partial writes through its
 * scratch buffer, `drain` without a pending write, `close` called
 * synchronously, reused read buffers, a throwing handler).
 * Every wait is for an event, bounded by the test timeout; nothing sleeps.
 */
import { describe, expect, test } from "bun:test";
import {
  acceptedAt,
  codeOf,
  pattern,
  type SocketRecorder,
  scoped,
  skipReason,
  socketLayerCases,
  text,
} from "@tether/conformance";
import { bunSocketLayer } from "../src/index.ts";

describe("bunSocketLayer", () => {
  for (const c of socketLayerCases) {
    const why = skipReason(c, "bun");
    if (why === null) test(c.name, () => c.run(bunSocketLayer));
    else test.skip(`${c.name} — skipped on bun: ${why}`, () => {});
  }
});

/** Pauses an accepted connection's reading as soon as it is open. */
const pause = (server: SocketRecorder): void => server.socket?.pauseRead();

describe.each(["127.0.0.1", "::1"])("bunSocketLayer on %s", (host) => {
  test("a partial write is queued: write() says false, drain follows the peer's resume, bytes arrive in order", () =>
    scoped(bunSocketLayer, async (scope) => {
      const { client, server } = await scope.pair(host, pause);
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
    }));

  test("coalesced small writes that the kernel takes only in part keep their bytes and order", () =>
    scoped(bunSocketLayer, async (scope) => {
      const { listener, client, server } = await scope.pair(host, pause);
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
      const other = scope.connect(host, listener.port);
      await other.saw("open");
      other.socket?.write([new Uint8Array(8000).fill(1), new Uint8Array(8000).fill(2)]);
      server.socket?.resumeRead();
      await client.saw("drain");
      await server.until((s) => s.received === at);
      expect(server.bytes()).toEqual(stream.subarray(0, at));
    }));

  test("shutdownWrite while bytes are queued sends the FIN after them", () =>
    scoped(bunSocketLayer, async (scope) => {
      const { client, server } = await scope.pair(host, pause);
      const stream = pattern(24 * 1024 * 1024);
      expect(client.socket?.write([stream])).toBe(false);
      client.socket?.shutdownWrite();
      server.socket?.resumeRead();
      await server.saw("end");
      expect(server.received).toBe(stream.length);
      expect(server.bytes()).toEqual(stream);
      expect(server.events).toEqual(["open", "data", "end"]);
    }));

  test("close() reports close after the call returns, never inside it", () =>
    scoped(bunSocketLayer, async (scope) => {
      const { listener, accepted } = await scope.listen(host);
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      const server = await acceptedAt(accepted, 0);
      await server.saw("open");
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
    }));

  test("pauseRead holds back data and the peer's FIN until resumeRead", () =>
    scoped(bunSocketLayer, async (scope) => {
      const { listener, accepted } = await scope.listen(host, (server) => {
        if (accepted.length === 1) server.socket?.pauseRead();
      });
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      const server = await acceptedAt(accepted, 0);
      await server.saw("open");
      client.socket?.write([text("held")]);
      client.socket?.shutdownWrite();
      // The client's FIN has left once the server's reply to it arrives… but the
      // paused server cannot reply. Let a second connection's round trip pass
      // instead, which takes the same loop turns.
      const probe = scope.connect(host, listener.port);
      await probe.saw("open");
      const probed = await acceptedAt(accepted, 1);
      await probed.saw("open");
      probe.socket?.write([text("ping")]);
      await probed.until((s) => s.received === 4);
      expect(server.events).toEqual(["open"]);
      server.socket?.resumeRead();
      await server.saw("end");
      expect(server.events).toEqual(["open", "data", "end"]);
      expect(server.text()).toBe("held");
    }));
});

test("hands each read over as a plain Uint8Array, so adapter-kit's slice() is a real copy", () =>
  scoped(bunSocketLayer, async (scope) => {
    const { listener, accepted } = await scope.listen("127.0.0.1");
    const client = scope.connect("127.0.0.1", listener.port);
    await client.saw("open");
    client.socket?.write([text("abc")]);
    const server = await acceptedAt(accepted, 0);
    await server.until((s) => s.received === 3);
    const bytes = server.lastData as Uint8Array;
    // A Node Buffer's slice() is a view; Uint8Array's is a copy.
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(bunSocketLayer.reusesReadBuffers).toBe(true);
  }));

test("a handler that throws resets the connection and is reported with close(error)", () =>
  scoped(bunSocketLayer, async (scope) => {
    const { listener, accepted } = await scope.listen("127.0.0.1", (server) => {
      server.data = () => {
        throw new Error("bug in a data handler");
      };
    });
    const client = scope.connect("127.0.0.1", listener.port);
    await client.saw("open");
    client.socket?.write([text("boom")]);
    const server = await acceptedAt(accepted, 0);
    await server.saw("close");
    expect(server.error?.message).toBe("bug in a data handler");
    await client.saw("close");
    expect(codeOf(client.error)).toBe("ECONNRESET");
  }));

test("is named for its runtime", () => {
  expect(bunSocketLayer.runtime).toBe("bun");
});
