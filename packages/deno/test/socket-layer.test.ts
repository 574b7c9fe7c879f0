/**
 * The Deno socket layer over real loopback sockets: @tether/conformance's
 * socket-layer cases (the RawSocket contract, IPv4 and IPv6, as on Node and
 * Bun), then what is Deno's own: its write queue over partial writes, its
 * close() (a FIN, no SO_LINGER), refusal of a TLS identity
 * that is no PEM (test/tls.test.ts has TLS), and the Deno facts the layer is
 * built on. Every wait is for an event; nothing sleeps. Deno's op and
 * resource sanitizers are on: each test closes what it opened and waits
 * until the read and write loops have stopped.
 *
 * Run with `--allow-net` and no other permission (see the first test).
 */
import assert from "node:assert/strict";
import {
  codeOf,
  macrotask,
  pattern,
  type SocketScope,
  scoped as scopedOn,
  skipReason,
  socketLayerCases,
  text,
} from "@tether/conformance";
import { denoSocketLayer } from "../src/index.ts";
// The layer's head decoder against core's portable one (run with these tests, under --allow-net).
import "./latin1.test.ts";

Deno.test.sanitizer({ ops: true, resources: true });

Deno.test("the adapter runs with --allow-net and no other permission", () => {
  assert.equal(Deno.permissions.querySync({ name: "net" }).state, "granted");
  for (const name of ["read", "write", "env", "run", "sys", "ffi", "import"] as const) {
    assert.notEqual(Deno.permissions.querySync({ name }).state, "granted", name);
  }
});

for (const c of socketLayerCases) {
  const why = skipReason(c, "deno");
  Deno.test({
    name: `denoSocketLayer ${why === null ? c.name : `${c.name} — skipped on deno: ${why}`}`,
    ignore: why !== null,
    fn: () => c.run(denoSocketLayer),
  });
}

/** Runs `body` with a fresh scope on the Deno layer, which is always closed. */
const scoped = (body: (scope: SocketScope) => Promise<void>) => scopedOn(denoSocketLayer, body);

for (const host of ["127.0.0.1", "::1"]) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`denoSocketLayer on ${host}: ${name}`, fn);

  test("partial writes: one 16 MiB buffer to a paused peer arrives whole and in order", () =>
    scoped(async (scope) => {
      const { client, server } = await scope.pair(host, (s) => s.socket?.pauseRead());
      const sent = pattern(16 * 1024 * 1024);
      // Far more than the kernel takes at once (see "Deno facts" below): the
      // writer must loop over Deno's partial writes.
      assert.equal(client.socket?.write([sent]), false);
      server.socket?.resumeRead();
      await client.saw("drain");
      await server.until((s) => s.received === sent.length);
      // The chunks were kept, not copied: had the layer reused a read buffer,
      // earlier chunks would now hold later bytes.
      assert.deepEqual(server.bytes(), sent);
    }));

  test("close() without reset flushes what was queued, then closes: the peer sees data, end", () =>
    scoped(async (scope) => {
      const body = pattern(1000);
      const { listener } = await scope.listen(host, (server) => {
        server.socket?.write([body]);
        server.socket?.close();
      });
      const client = scope.connect(host, listener.port);
      await client.saw("end");
      assert.deepEqual(client.bytes(), body);
      client.socket?.shutdownWrite();
      await client.saw("close");
      assert.deepEqual(client.events, ["open", "data", "end", "close"]);
      assert.equal(client.error, undefined);
    }));

  test("close(true) is Deno's close(): the peer sees FIN, then RST once it sends more", () =>
    scoped(async (scope) => {
      const { client } = await scope.resetByServer(host);
      // Deno has no SO_LINGER: its close() is shutdown(SHUT_WR) + close(2), a FIN…
      await client.saw("end");
      // …and what the client sends next meets the kernel's RST.
      for (let i = 0; i < 100 && !client.events.includes("close"); i++) {
        client.socket?.write([text("more")]);
        await macrotask();
      }
      await client.saw("close");
      assert.deepEqual(client.events, ["open", "end", "close"]);
      assert.ok(["EPIPE", "ECONNRESET"].includes(codeOf(client.error) ?? ""), codeOf(client.error));
    }));
}

Deno.test("refuses to listen with TLS with an identity that is no PEM", async () => {
  await assert.rejects(
    denoSocketLayer.listen({ hostname: "127.0.0.1", port: 0, tls: { cert: "", key: "" } }, () => {
      throw new Error("never accepts");
    }),
  );
});

Deno.test("is named for its runtime and hands over read buffers it never reuses", () => {
  assert.equal(denoSocketLayer.runtime, "deno");
  assert.equal(denoSocketLayer.reusesReadBuffers, false);
});

// --- Deno facts the layer is built on ------------------------------------------------

Deno.test("Deno fact: Conn.write() may write only part of a large buffer", async () => {
  await withRawPair(async (a, b) => {
    // Nobody reads at b: the write stops when the kernel's buffers are full.
    const n = await a.write(new Uint8Array(64 * 1024 * 1024));
    assert.ok(n > 0 && n < 64 * 1024 * 1024, `wrote ${n}`);
    void b;
  });
});

Deno.test("Deno fact: closeWrite() half-closes — the peer reads null, then can still answer", async () => {
  await withRawPair(async (a, b) => {
    await a.write(text("req"));
    await a.closeWrite();
    const buffer = new Uint8Array(16);
    assert.equal(await b.read(buffer), 3);
    assert.equal(await b.read(buffer), null);
    await b.write(text("answer"));
    assert.equal(await a.read(buffer), 6);
  });
});

Deno.test("Deno fact: close() interrupts a pending read (Interrupted, not an error to report)", async () => {
  await withRawPair(async (a) => {
    const pending = a.read(new Uint8Array(16));
    a.close();
    await assert.rejects(pending, Deno.errors.Interrupted);
  });
});

/** A raw connected Deno.TcpConn pair on 127.0.0.1, closed afterwards. */
async function withRawPair(body: (a: Deno.TcpConn, b: Deno.TcpConn) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = listener.accept();
  const a = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const b = await accepting;
  listener.close();
  try {
    await body(a, b);
  } finally {
    for (const conn of [a, b]) {
      try {
        conn.close();
      } catch {
        // closed by the test
      }
    }
  }
}
