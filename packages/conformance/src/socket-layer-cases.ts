/**
 * The RawSocket/RawListener contract every runtime's socket layer keeps,
 * over real loopback sockets, IPv4 and IPv6. Each adapter registers these
 * cases with its own runner and keeps only what is specific to its runtime
 * (Bun's partial writes through its scratch buffer, Deno's write queue …)
 * in its own test file. Cases whose behaviour differs by runtime name the
 * runtimes they hold on in `runtimes`; harnesses ask `skipReason` and
 * register the rest as skipped. Every wait is for an event or a loop turn;
 * nothing sleeps for a fixed time, and every case closes what it opened.
 */
import assert from "node:assert/strict";
import { type SocketLayer, TlsFailure } from "@tether/adapter-kit";
import type { ConformanceCase } from "./server-cases.ts";
import { acceptedAt, codeOf, macrotask, scoped, text } from "./socket-recorder.ts";

/** The cases that run once per loopback address. */
function perHost(host: string): ConformanceCase<SocketLayer>[] {
  return [
    {
      name: `on ${host}: listen on port 0 reports the real port and the bound address`,
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener, accepted } = await scope.listen(host);
          assert.ok(listener.port > 0);
          assert.equal(listener.hostname, host);
          const client = scope.connect(host, listener.port);
          await client.saw("open");
          const server = await acceptedAt(accepted, 0);
          await server.saw("open");
          assert.equal(server.socket?.remoteAddress, host);
          assert.equal(server.socket?.remotePort, client.socket?.localPort);
          assert.equal(server.socket?.localPort, listener.port);
          assert.equal(client.socket?.remotePort, listener.port);
          assert.equal(client.socket?.remoteAddress, host);
        }),
    },
    {
      name: `on ${host}: reports open, data, end, close in that order on both ends`,
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener, accepted } = await scope.listen(host, (server) => {
            void server.saw("end").then(() => {
              server.socket?.write([text("wor"), text("ld")]);
              server.socket?.shutdownWrite();
            });
          });
          const client = scope.connect(host, listener.port);
          await client.saw("open");
          assert.equal(client.socket?.write([text("hello")]), true);
          client.socket?.shutdownWrite();
          // Both sides half-closed: each socket closes by itself. (Bun closes a
          // shut-down socket on the peer's FIN without calling `end`; the layer
          // reports the FIN all the same.)
          await client.saw("close");
          const server = await acceptedAt(accepted, 0);
          await server.saw("close");
          assert.deepEqual(server.events, ["open", "data", "end", "close"]);
          assert.equal(server.text(), "hello");
          assert.equal(server.error, undefined);
          assert.deepEqual(client.events, ["open", "data", "end", "close"]);
          assert.equal(client.text(), "world");
          assert.equal(client.error, undefined);
        }),
    },
    {
      name: `on ${host}: RFC 9112 §9.6: after shutdownWrite the peer can still send and we still read`,
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener, accepted } = await scope.listen(host);
          const client = scope.connect(host, listener.port);
          await client.saw("open");
          client.socket?.write([text("GET / HTTP/1.1\r\n\r\n")]);
          client.socket?.shutdownWrite();
          const server = await acceptedAt(accepted, 0);
          await server.saw("end");
          assert.equal(server.text(), "GET / HTTP/1.1\r\n\r\n");
          // The server answers in two parts, the second only after the client has
          // read the first: the half-closed client is still reading, and the
          // server, whose peer has ended, is still writing (allowHalfOpen).
          server.socket?.write([text("first;")]);
          await client.until((c) => c.received === 6);
          server.socket?.write([text("second")]);
          await client.until((c) => c.received === 12);
          assert.deepEqual(client.events, ["open", "data"]);
          server.socket?.shutdownWrite();
          await client.saw("close");
          await server.saw("close");
          assert.equal(client.text(), "first;second");
          assert.deepEqual(client.events, ["open", "data", "end", "close"]);
          assert.deepEqual(server.events, ["open", "data", "end", "close"]);
          assert.equal(client.error, undefined);
          assert.equal(server.error, undefined);
        }),
    },
    {
      name: `on ${host}: back-pressure: write() returns false against a paused peer, drain follows its resume`,

      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener, accepted } = await scope.listen(host, (server) => {
            server.keepBytes = false;
            server.socket?.pauseRead();
          });
          const client = scope.connect(host, listener.port);
          await client.saw("open");
          const server = await acceptedAt(accepted, 0);
          await server.saw("open");
          // 4 KiB at a time (below Node's 16 KiB high-water mark and Deno's
          // 64 KiB queue mark), letting the writer run every 32 KiB as a real
          // sender would: write() only says false once the kernel's buffers
          // are full too. (Bun's partial writes: bun's own tests.)
          const chunk = new Uint8Array(4096).fill(0x61);
          const cap = 64 * 1024 * 1024;
          let written = 0;
          let ok = true;
          while (ok && written < cap) {
            ok = client.socket?.write([chunk]) ?? false;
            written += chunk.length;
            if (written % (32 * 1024) === 0) await macrotask();
          }
          assert.equal(ok, false);
          assert.ok(written < cap);
          assert.equal(server.received, 0, "a paused socket delivers nothing");
          assert.equal(client.drains, 0);
          server.socket?.resumeRead();
          await client.until((c) => c.drains > 0);
          await server.until((s) => s.received === written);
          assert.equal(server.received, written);
          assert.equal(client.drains, 1);
        }),
    },
    {
      name: `on ${host}: coalesced writes keep their order across many small buffers`,
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener, accepted } = await scope.listen(host);
          const client = scope.connect(host, listener.port);
          await client.saw("open");
          const parts: string[] = [];
          for (let i = 0; i < 2000; i++) parts.push(`${i},`);
          for (let i = 0; i < parts.length; i += 3) {
            client.socket?.write(parts.slice(i, i + 3).map(text));
          }
          const expected = parts.join("");
          const server = await acceptedAt(accepted, 0);
          await server.until((s) => s.received === expected.length);
          assert.equal(server.text(), expected);
        }),
    },
    {
      name: `on ${host}: close(true) resets: the peer sees ECONNRESET`,
      runtimes: ["node", "bun"],
      why: "Deno has no SO_LINGER: its close(true) is a FIN, covered by deno's own test",
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { client } = await scope.resetByServer(host);
          await client.saw("close");
          assert.deepEqual(client.events, ["open", "close"]);
          assert.equal(codeOf(client.error), "ECONNRESET");
        }),
    },
    {
      name: `on ${host}: close() without reset is an orderly close: the peer sees end, no error`,
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener, accepted } = await scope.listen(host, (server) =>
            server.socket?.close(),
          );
          const client = scope.connect(host, listener.port);
          await client.saw("end");
          client.socket?.shutdownWrite();
          await client.saw("close");
          const server = await acceptedAt(accepted, 0);
          await server.saw("close");
          // No `drain` either: Bun calls its drain handler with nothing
          // pending, and the layer does not pass that on.
          assert.deepEqual(client.events, ["open", "end", "close"]);
          assert.equal(client.error, undefined);
          assert.deepEqual(server.events, ["open", "close"]);
        }),
    },
    {
      name: `on ${host}: connecting to a closed port reports close(error) and never open`,
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener } = await scope.listen(host);
          const port = listener.port;
          await listener.close();
          const client = scope.connect(host, port);
          await client.saw("close");
          assert.deepEqual(client.events, ["close"]);
          assert.equal(codeOf(client.error), "ECONNREFUSED");
        }),
    },
    {
      name: `on ${host}: RawListener.close stops accepting but leaves open sockets alone`,
      run: (layer) =>
        scoped(layer, async (scope) => {
          const { listener, accepted } = await scope.listen(host);
          const client = scope.connect(host, listener.port);
          await client.saw("open");
          const server = await acceptedAt(accepted, 0);
          await server.saw("open");
          await listener.close();
          await listener.close(); // twice is harmless
          const late = scope.connect(host, listener.port);
          await late.saw("close");
          assert.deepEqual(late.events, ["close"]);
          // The accepted connection still works both ways.
          client.socket?.write([text("ping")]);
          await server.until((s) => s.received === 4);
          server.socket?.write([text("pong")]);
          await client.until((c) => c.received === 4);
          assert.equal(client.text(), "pong");
        }),
    },
  ];
}

/**
 * The socket-layer contract cases: run each with the runtime's
 * `SocketLayer` (see the module comment).
 */
export const socketLayerCases: ConformanceCase<SocketLayer>[] = [
  ...perHost("127.0.0.1"),
  ...perHost("::1"),
  {
    name: "accepts a bracketed IPv6 literal, as found in URLs",
    run: (layer) =>
      scoped(layer, async (scope) => {
        const { listener, accepted } = await scope.listen("[::1]");
        assert.equal(listener.hostname, "::1");
        const client = scope.connect("[::1]", listener.port);
        await client.saw("open");
        const server = await acceptedAt(accepted, 0);
        await server.saw("open");
        assert.equal(server.socket?.remoteAddress, "::1");
      }),
  },
  {
    name: "listening on a port in use rejects with EADDRINUSE",
    run: (layer) =>
      scoped(layer, async (scope) => {
        const { listener } = await scope.listen("127.0.0.1");
        await assert.rejects(
          layer.listen({ hostname: "127.0.0.1", port: listener.port }, () => {
            throw new Error("never accepts");
          }),
          (error: Error) => codeOf(error) === "EADDRINUSE",
        );
      }),
  },
  {
    name: "reports a refused TLS connect as close(error) without open — a transport error, not a TlsFailure",
    run: (layer) =>
      scoped(layer, async (scope) => {
        const client = scope.recorder();
        layer.connect({ hostname: "127.0.0.1", port: 1, tls: {} }, client);
        await client.saw("close");
        assert.deepEqual(client.events, ["close"]);
        assert.ok(client.error instanceof Error);
        assert.ok(!(client.error instanceof TlsFailure));
      }),
  },
];
