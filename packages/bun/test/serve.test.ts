/**
 * `serve()` on Bun end to end: back-pressure under Bun's `drain` with a slow
 * reader, a half-closed reader, and real HTTP peers — Bun's own `fetch` and
 * the `curl` binary — reusing one keep-alive connection.
 */
import { afterEach, describe, expect, it } from "bun:test";
import {
  type ConnectionEvent,
  createServe,
  type RawSocket,
  type SocketHandlers,
  type SocketLayer,
  type TetherServer,
} from "@tether/adapter-kit";
import type { Socket } from "bun";
import { bunSocketLayer, serve } from "../src/index.ts";

const servers: TetherServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** What the counting layer saw. */
interface WriteStats {
  refused: number;
  drains: number;
  /** Resolves at the first write() the layer answered with false. */
  readonly blocked: Promise<void>;
}

/** {@link bunSocketLayer} with its writes and drains counted, to see back-pressure happen. */
function countingLayer(): { layer: SocketLayer; stats: WriteStats } {
  let onBlocked = (): void => {};
  const stats: WriteStats = {
    refused: 0,
    drains: 0,
    blocked: new Promise<void>((resolve) => {
      onBlocked = resolve;
    }),
  };
  const wrapSocket = (inner: RawSocket): RawSocket => ({
    write(chunks) {
      const ok = inner.write(chunks);
      if (!ok) {
        stats.refused++;
        onBlocked();
      }
      return ok;
    },
    shutdownWrite: () => inner.shutdownWrite(),
    close: (reset) => inner.close(reset),
    pauseRead: () => inner.pauseRead(),
    resumeRead: () => inner.resumeRead(),
    get remoteAddress() {
      return inner.remoteAddress;
    },
    get remotePort() {
      return inner.remotePort;
    },
    get localPort() {
      return inner.localPort;
    },
  });
  const wrapHandlers = (h: SocketHandlers): SocketHandlers => ({
    open: (socket) => h.open(wrapSocket(socket)),
    data: (bytes) => h.data(bytes),
    end: () => h.end(),
    drain: () => {
      stats.drains++;
      h.drain();
    },
    close: (error) => h.close(error),
  });
  const layer: SocketLayer = {
    runtime: "bun",
    reusesReadBuffers: bunSocketLayer.reusesReadBuffers,
    listen: (options, accept) => bunSocketLayer.listen(options, () => wrapHandlers(accept())),
    connect: (options, handlers) => bunSocketLayer.connect(options, wrapHandlers(handlers)),
  };
  return { layer, stats };
}

const FIVE_MIB = 5 * 1024 * 1024;

/** Byte i of the body is i mod 256, sent as 64 KiB pieces with Content-Length. */
async function startBulkServer(layer: SocketLayer): Promise<TetherServer> {
  const server = await createServe(layer)({
    hostname: "127.0.0.1",
    port: 0,
    handler: async (ex) => {
      await ex.body();
      const writer = ex.stream(200, [["content-type", "application/octet-stream"]], FIVE_MIB);
      const piece = new Uint8Array(64 * 1024);
      for (let i = 0; i < piece.length; i++) piece[i] = i & 0xff;
      for (let sent = 0; sent < FIVE_MIB; sent += piece.length) await writer.write(piece);
      writer.end();
    },
  });
  servers.push(server);
  return server;
}

/** A reader, on Bun's own sockets, that takes one read per macrotask. */
class SlowReader {
  readonly chunks: Uint8Array[] = [];
  received = 0;
  ended = false;
  closed = false;
  error: Error | undefined;
  socket!: Socket<undefined>;
  private waiters: (() => void)[] = [];

  async connect(port: number): Promise<void> {
    this.socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      allowHalfOpen: true,
      socket: {
        binaryType: "uint8array",
        data: (socket, bytes) => {
          this.chunks.push(bytes);
          this.received += bytes.length;
          // Slow: one read, then a pause until the next macrotask.
          socket.pause();
          setTimeout(() => socket.resume(), 0);
          this.wake();
        },
        end: () => {
          this.ended = true;
          this.wake();
        },
        close: (_socket, error) => {
          this.closed = true;
          this.error = error;
          this.wake();
        },
      },
    });
  }

  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (done()) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  /** The response head (as text) and body. */
  response(): { head: string; body: Uint8Array } {
    const all = new Uint8Array(this.received);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    const text = new TextDecoder("latin1").decode(all.subarray(0, 4096));
    const headEnd = text.indexOf("\r\n\r\n") + 4;
    return { head: text.slice(0, headEnd), body: all.subarray(headEnd) };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** The body is byte i = i mod 256 throughout. */
function intact(body: Uint8Array): boolean {
  for (let i = 0; i < body.length; i++) if (body[i] !== (i & 0xff)) return false;
  return true;
}

describe("back-pressure under Bun's drain", () => {
  it("a 5 MiB response to a slow reader arrives intact after write() said false", async () => {
    const { layer, stats } = countingLayer();
    const server = await startBulkServer(layer);
    const reader = new SlowReader();
    await reader.connect(server.port);
    reader.socket.pause(); // read nothing until the server is blocked
    reader.socket.write("GET /bulk HTTP/1.1\r\nHost: t\r\n\r\n");
    await stats.blocked;
    reader.socket.resume();
    await reader.until(
      () => reader.received > FIVE_MIB && reader.response().body.length >= FIVE_MIB,
    );
    const { head, body } = reader.response();
    expect(head).toStartWith("HTTP/1.1 200 OK\r\n");
    expect(head.toLowerCase()).toContain(`content-length: ${FIVE_MIB}\r\n`);
    expect(body.length).toBe(FIVE_MIB);
    expect(intact(body)).toBe(true);
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.drains).toBeGreaterThan(0);
    expect(reader.closed).toBe(false); // keep-alive
    reader.socket.end();
  }, 20000);

  it("RFC 9112 §9.6: a half-closed slow reader receives all 5 MiB, then the server closes", async () => {
    const { layer, stats } = countingLayer();
    const server = await startBulkServer(layer);
    const events: ConnectionEvent[] = [];
    server.on((e) => events.push(e));
    const reader = new SlowReader();
    await reader.connect(server.port);
    reader.socket.pause();
    reader.socket.write("GET /bulk HTTP/1.1\r\nHost: t\r\n\r\n");
    reader.socket.shutdown(); // FIN: nothing more from us, but keep reading
    await stats.blocked;
    reader.socket.resume();
    await reader.until(() => reader.closed);
    const { head, body } = reader.response();
    expect(head).toStartWith("HTTP/1.1 200 OK\r\n");
    expect(body.length).toBe(FIVE_MIB);
    expect(intact(body)).toBe(true);
    expect(reader.error).toBeUndefined(); // a FIN, not a reset
    expect(stats.refused).toBeGreaterThan(0);
    expect(events.map((e) => e.type)).toEqual(["connection-opened", "connection-closed"]);
  }, 20000);
});

/** A server with a Web `fetch` handler that tells which connection and request it saw. */
async function startInfoServer(): Promise<{ server: TetherServer; opened: () => number }> {
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request, info) =>
      Response.json({
        path: new URL(request.url).pathname,
        method: request.method,
        body: await request.text(),
        connection: info.connection,
        requestNumber: info.requestNumber,
      }),
  });
  servers.push(server);
  let opened = 0;
  server.on((e) => {
    if (e.type === "connection-opened") opened++;
  });
  return { server, opened: () => opened };
}

describe("real peers", () => {
  it("Bun's fetch reuses one keep-alive connection for consecutive requests", async () => {
    const { server, opened } = await startInfoServer();
    const first = await (await fetch(`${server.url}/one`)).json();
    const second = await (
      await fetch(`${server.url}/two`, { method: "POST", body: "hello from fetch" })
    ).json();
    expect(first).toMatchObject({ path: "/one", method: "GET", body: "", requestNumber: 1 });
    expect(second).toMatchObject({
      path: "/two",
      method: "POST",
      body: "hello from fetch",
      requestNumber: 2,
      connection: first.connection,
    });
    expect(opened()).toBe(1);
  });

  it("curl fetches two URLs over one reused connection", async () => {
    const { server, opened } = await startInfoServer();
    const curl = Bun.spawn(["/usr/bin/curl", "-sv", `${server.url}/a`, `${server.url}/b`], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(curl.stdout).text(),
      new Response(curl.stderr).text(),
      curl.exited,
    ]);
    expect(code).toBe(0);
    expect(err).toMatch(/Re-?using existing connection/);
    const answers = out
      .split("}")
      .filter((s) => s.trim() !== "")
      .map((s) => JSON.parse(`${s}}`));
    expect(answers.map((a) => [a.path, a.requestNumber])).toEqual([
      ["/a", 1],
      ["/b", 2],
    ]);
    expect(opened()).toBe(1);
  });
});
