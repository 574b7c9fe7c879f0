/**
 * The Bun socket layer over real loopback sockets: @tether/conformance's
 * socket-layer cases (the RawSocket contract, IPv4 and IPv6), then the Bun
 * behaviours the layer has to smooth over (partial writes through its
 * scratch buffer, corked writes, `drain` without a pending write, `close` called
 * synchronously, fresh read buffers, a throwing handler).
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

test("writes of one turn are corked but keep their order: small ones, a large one, small again, then FIN", () =>
  scoped(bunSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    const socket = client.socket;
    const large = pattern(100 * 1024);
    expect(socket?.write([text("a"), text("b")])).toBe(true);
    expect(socket?.write([text("c")])).toBe(true);
    socket?.write([large]); // 16 KiB or more: sent at once, after "abc"
    expect(socket?.write([text("z")])).toBe(true);
    socket?.shutdownWrite(); // "z" leaves before the FIN
    await server.saw("end");
    const bytes = server.bytes();
    expect(bytes.length).toBe(large.length + 4);
    expect(new TextDecoder().decode(bytes.subarray(0, 3))).toBe("abc");
    expect(bytes.subarray(3, 3 + large.length)).toEqual(large);
    expect(bytes[bytes.length - 1]).toBe("z".charCodeAt(0));
  }));

test("close() right after small writes sends them before the FIN", () =>
  scoped(bunSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    client.socket?.write([text("last "), text("words")]);
    client.socket?.close();
    await server.saw("end");
    expect(server.text()).toBe("last words");
  }));

test("Bun fact: each read comes in a fresh ArrayBuffer of its own, never written again", async () => {
  // 200 reads, each of a byte of its own (the next is sent once the last has
  // arrived, so each is a read of its own). Every buffer Bun handed over is
  // kept: had Bun reused one, later reads would show in it.
  const reads = 200;
  const kept: Uint8Array[] = [];
  let arrived: () => void = () => {};
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      binaryType: "uint8array",
      data(_socket, bytes: Uint8Array) {
        kept.push(bytes);
        arrived();
      },
    },
  });
  const client = await Bun.connect({
    hostname: "127.0.0.1",
    port: listener.port,
    socket: { data() {} },
  });
  try {
    for (let i = 0; i < reads; i++) {
      const received = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      expect(client.write(new Uint8Array(100).fill(i))).toBe(100);
      await received;
    }
    const all = new Uint8Array(kept.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const bytes of kept) {
      all.set(bytes, at);
      at += bytes.length;
    }
    expect(all.length).toBe(reads * 100);
    expect(all.every((byte, i) => byte === Math.floor(i / 100))).toBe(true);
    expect(new Set(kept.map((b) => b.buffer)).size).toBe(kept.length);
    for (const bytes of kept) {
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
    }
  } finally {
    client.end();
    listener.stop(true);
  }
});

test("hands reads over without copies, as buffers it never reuses (reusesReadBuffers: false)", () =>
  scoped(bunSocketLayer, async (scope) => {
    expect(bunSocketLayer.reusesReadBuffers).toBe(false);
    const { listener, accepted } = await scope.listen("127.0.0.1");
    const client = scope.connect("127.0.0.1", listener.port);
    await client.saw("open");
    const words = ["alpha", "bravo", "charlie", "delta", "echo"];
    let sent = 0;
    for (const word of words) {
      client.socket?.write([text(word)]);
      sent += word.length;
      const server = await acceptedAt(accepted, 0);
      await server.until((s) => s.received === sent);
    }
    // The recorder kept the very buffers `data` got: all still intact.
    const server = await acceptedAt(accepted, 0);
    expect(server.text()).toBe(words.join(""));
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

test("decodeLatin1: every octet becomes the code point of the same value, at any offset", () => {
  const decode = bunSocketLayer.decodeLatin1;
  expect(decode).toBeDefined();
  if (decode === undefined) return;
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = decode(all, 0, 256);
  expect(text.length).toBe(256);
  for (let i = 0; i < 256; i++) expect(text.charCodeAt(i)).toBe(i);
  // A view into a larger buffer: offsets are the view's, not the buffer's.
  const view = new Uint8Array(all.buffer, 100, 50);
  expect(decode(view, 10, 20)).toBe(String.fromCharCode(...all.subarray(110, 120)));
  expect(decode(view, 5, 5)).toBe("");
});
