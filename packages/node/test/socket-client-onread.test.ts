/**
 * Dialled plain-TCP sockets read through `net.connect`'s `onread` (one
 * shared 64 KiB buffer, each read copied out): what that must not change.
 * Reads larger than the buffer arrive whole, two sockets never see each
 * other's octets, pauseRead() holds a slow reader's data back, `end` and
 * `close` arrive as before, and a handler that throws leaves the socket
 * reading, as a `data` listener does. Real loopback sockets; every wait is
 * for an event or a loop turn, nothing sleeps.
 */
import type { RawSocket, SocketHandlers } from "@tether/adapter-kit";
import { macrotask, pattern, type SocketRecorder, scoped, text } from "@tether/conformance";
import { expect, it } from "vitest";
import { nodeSocketLayer } from "../src/index.ts";

/** Whether two octet arrays are equal (Buffer#equals: vitest's deep equality is slow on megabytes). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** Writes `bytes` in 16 KiB pieces, waiting for `drain` whenever write() says so. */
async function writeAll(
  socket: RawSocket | undefined,
  peer: SocketRecorder,
  bytes: Uint8Array,
): Promise<void> {
  for (let at = 0; at < bytes.length; at += 16 * 1024) {
    const drains = peer.drains;
    if (socket?.write([bytes.subarray(at, at + 16 * 1024)]) === false) {
      await peer.until((r) => r.drains > drains);
    }
  }
}

it("a dialled socket hands each read over as octets of its own (a plain Uint8Array, not Node's Buffer); accepted ones keep Node's Buffer", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    server.socket?.write([text("to client")]);
    client.socket?.write([text("to server")]);
    await client.until((c) => c.received === 9);
    await server.until((s) => s.received === 9);
    // The type shows which path read it: onread (copied out) or `data`.
    expect(client.lastData?.constructor).toBe(Uint8Array);
    expect(Buffer.isBuffer(server.lastData)).toBe(true);
    expect(client.text()).toBe("to client");
  }));

it("a 1 MiB response (16 times the shared read buffer) arrives whole and byte-exact, then end and close", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    const sent = pattern(1024 * 1024);
    await writeAll(server.socket, server, sent);
    server.socket?.shutdownWrite();
    await client.saw("end");
    expect(client.received).toBe(sent.length);
    expect(same(client.bytes(), sent)).toBe(true);
    // No read handed on is a view of the shared buffer: each owns its memory.
    for (const chunk of client.chunks) {
      expect(chunk.byteOffset).toBe(0);
      expect(chunk.buffer.byteLength).toBe(chunk.length);
    }
    expect(new Set(client.chunks.map((c) => c.buffer)).size).toBe(client.chunks.length);
    client.socket?.shutdownWrite();
    await client.saw("close");
    expect(client.events).toEqual(["open", "data", "end", "close"]);
    expect(client.error).toBeUndefined();
  }));

it("two dialled sockets reading at once never see each other's octets (the read buffer is shared)", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const a = await scope.pair("127.0.0.1");
    const b = await scope.pair("127.0.0.1");
    const size = 512 * 1024;
    const forA = new Uint8Array(size).fill(0x41);
    const forB = pattern(size);
    // Interleaved 8 KiB writes, so both clients' reads alternate in the loop.
    for (let at = 0; at < size; at += 8 * 1024) {
      a.server.socket?.write([forA.subarray(at, at + 8 * 1024)]);
      b.server.socket?.write([forB.subarray(at, at + 8 * 1024)]);
      if (at % (64 * 1024) === 0) await macrotask();
    }
    a.server.socket?.shutdownWrite();
    b.server.socket?.shutdownWrite();
    await a.client.saw("end");
    await b.client.saw("end");
    expect(same(a.client.bytes(), forA)).toBe(true);
    expect(same(b.client.bytes(), forB)).toBe(true);
  }));

it("pauseRead() holds a slow reader's data back (the sender's writes back up, nothing is read while paused); resumed piece by piece, every octet arrives in order", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    client.socket?.pauseRead();
    const chunk = pattern(16 * 1024);
    const cap = 64 * 1024 * 1024;
    let written = 0;
    let ok = true;
    while (ok && written < cap) {
      ok = server.socket?.write([chunk]) ?? false;
      written += chunk.length;
      if (written % (256 * 1024) === 0) await macrotask();
    }
    // The sender is held back long before the cap: the paused reader does
    // not read (memory stays bounded by the kernel's socket buffers).
    expect(ok).toBe(false);
    expect(written).toBeLessThan(cap);
    for (let i = 0; i < 5; i++) await macrotask();
    expect(client.received).toBe(0);
    // A slow consumer: it pauses after every read and resumes a loop turn later.
    let reads = 0;
    const slow = client.data.bind(client);
    client.data = (bytes) => {
      slow(bytes);
      reads++;
      client.socket?.pauseRead();
      setTimeout(() => client.socket?.resumeRead(), 0);
    };
    client.socket?.resumeRead();
    await server.saw("drain");
    server.socket?.shutdownWrite();
    await client.saw("end");
    expect(client.received).toBe(written);
    expect(reads).toBeGreaterThan(1);
    const got = client.bytes();
    let inOrder = true;
    for (let at = 0; at < written; at += chunk.length) {
      inOrder &&= same(got.subarray(at, at + chunk.length), chunk);
    }
    expect(inOrder).toBe(true);
  }));

it("pauseRead() before the peer's FIN holds `end` back until resumeRead(), after every octet", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    client.socket?.pauseRead();
    server.socket?.write([text("last words")]);
    server.socket?.shutdownWrite();
    for (let i = 0; i < 5; i++) await macrotask();
    expect(client.events).toEqual(["open"]);
    client.socket?.resumeRead();
    await client.saw("end");
    expect(client.text()).toBe("last words");
    expect(client.events).toEqual(["open", "data", "end"]);
  }));

it("a peer's reset reaches a dialled socket that was reading as close(ECONNRESET), after the data read before it", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    server.socket?.write([text("partial")]);
    await client.until((c) => c.received === 7);
    server.socket?.close(true);
    await client.saw("close");
    expect(client.text()).toBe("partial");
    expect(client.events).toEqual(["open", "data", "close"]);
    expect((client.error as { code?: string } | undefined)?.code).toBe("ECONNRESET");
  }));

/** Runs `body` with uncaught exceptions collected instead of failing the run; restores the runner's handlers. */
async function catchingUncaught(body: (thrown: unknown[]) => Promise<void>): Promise<void> {
  const saved = process.listeners("uncaughtException");
  const thrown: unknown[] = [];
  const collect = (error: unknown): void => {
    thrown.push(error);
  };
  process.removeAllListeners("uncaughtException");
  process.on("uncaughtException", collect);
  try {
    await body(thrown);
  } finally {
    process.off("uncaughtException", collect);
    for (const listener of saved) process.on("uncaughtException", listener);
  }
}

/** Handlers whose first `data` throws (after recording it). */
function throwingOnce(recorder: SocketRecorder): SocketHandlers {
  let thrown = false;
  const record = recorder.data.bind(recorder);
  recorder.data = (bytes) => {
    record(bytes);
    if (!thrown) {
      thrown = true;
      throw new Error("handler failed");
    }
  };
  return recorder;
}

it("a data handler that throws leaves the socket reading, dialled (onread) as accepted (`data` listener): later data, end and close still arrive", () =>
  catchingUncaught((thrown) =>
    scoped(nodeSocketLayer, async (scope) => {
      const { client, server } = await scope.pair("127.0.0.1");
      throwingOnce(client);
      throwingOnce(server);
      server.socket?.write([text("one")]);
      client.socket?.write([text("one")]);
      await client.until((c) => c.received === 3);
      await server.until((s) => s.received === 3);
      await macrotask();
      expect(thrown.map((e) => (e as Error).message)).toEqual(["handler failed", "handler failed"]);
      server.socket?.write([text("two")]);
      client.socket?.write([text("two")]);
      await client.until((c) => c.received === 6);
      await server.until((s) => s.received === 6);
      server.socket?.shutdownWrite();
      client.socket?.shutdownWrite();
      await client.saw("close");
      await server.saw("close");
      expect(client.text()).toBe("onetwo");
      expect(server.text()).toBe("onetwo");
      expect(client.events).toEqual(["open", "data", "end", "close"]);
      expect(server.events).toEqual(["open", "data", "end", "close"]);
      expect(client.error).toBeUndefined();
    }),
  ));
