/**
 * The Deno socket layer over real loopback sockets, IPv4 and IPv6, mirroring
 * packages/node/test/socket-layer.test.ts. Every wait is for an event;
 * nothing sleeps. Deno's op and resource sanitizers are on: each test closes
 * what it opened and waits until the read and write loops have stopped.
 *
 * Run with `--allow-net` and no other permission (see the first test).
 */
import assert from "node:assert/strict";
import { denoSocketLayer } from "../src/index.ts";
import { codeOf, pattern, Recorder, scoped, text } from "./recorder.ts";

Deno.test.sanitizer({ ops: true, resources: true });

Deno.test("the adapter runs with --allow-net and no other permission", () => {
  assert.equal(Deno.permissions.querySync({ name: "net" }).state, "granted");
  for (const name of ["read", "write", "env", "run", "sys", "ffi", "import"] as const) {
    assert.notEqual(Deno.permissions.querySync({ name }).state, "granted", name);
  }
});

for (const host of ["127.0.0.1", "::1"]) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`denoSocketLayer on ${host}: ${name}`, fn);

  test("listen on port 0 reports the real port and the bound address", () =>
    scoped(async (scope) => {
      const { listener, accepted } = await scope.listen(host);
      assert.ok(listener.port > 0);
      assert.equal(listener.hostname, host);
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      await until(accepted, 1);
      const server = accepted[0] as Recorder;
      assert.equal(server.socket?.remoteAddress, host);
      assert.equal(server.socket?.remotePort, client.socket?.localPort);
      assert.equal(server.socket?.localPort, listener.port);
      assert.equal(client.socket?.remotePort, listener.port);
    }));

  test("reports open, data, end, close in that order on both ends", () =>
    scoped(async (scope) => {
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
      // Both sides half-closed: each socket closes by itself, as Node's do.
      await client.saw("close");
      await until(accepted, 1);
      const server = accepted[0] as Recorder;
      await server.saw("close");
      assert.deepEqual(server.events, ["open", "data", "end", "close"]);
      assert.equal(server.text(), "hello");
      assert.equal(server.error, undefined);
      assert.deepEqual(client.events, ["open", "data", "end", "close"]);
      assert.equal(client.text(), "world");
      assert.equal(client.error, undefined);
    }));

  test("RFC 9112 §9.6: after shutdownWrite (closeWrite) the peer can still send and we still read", () =>
    scoped(async (scope) => {
      const { listener, accepted } = await scope.listen(host);
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      client.socket?.write([text("GET / HTTP/1.1\r\n\r\n")]);
      client.socket?.shutdownWrite();
      await until(accepted, 1);
      const server = accepted[0] as Recorder;
      await server.saw("end");
      assert.equal(server.text(), "GET / HTTP/1.1\r\n\r\n");
      // The server answers in two parts, the second only after the client has
      // read the first: the half-closed client is still reading.
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
      assert.equal(client.error, undefined);
      assert.equal(server.error, undefined);
    }));

  test("back-pressure: write() returns false against a paused peer, drain follows its resume", () =>
    scoped(async (scope) => {
      const { listener, accepted } = await scope.listen(host, (server) => {
        server.keepBytes = false;
        server.socket?.pauseRead();
      });
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      await until(accepted, 1);
      const server = accepted[0] as Recorder;
      // 4 KiB at a time, letting the writer run every 32 KiB as a real
      // sender would, until the layer's queue passes its 64 KiB mark — which
      // only happens once the kernel's buffers are full too.
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
      assert.equal(client.drains, 1);
    }));

  test("partial writes: one 16 MiB buffer to a paused peer arrives whole and in order", () =>
    scoped(async (scope) => {
      const { listener, accepted } = await scope.listen(host, (server) =>
        server.socket?.pauseRead(),
      );
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      await until(accepted, 1);
      const server = accepted[0] as Recorder;
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

  test("coalesced writes keep their order across many small buffers", () =>
    scoped(async (scope) => {
      const { listener, accepted } = await scope.listen(host);
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      const parts: string[] = [];
      for (let i = 0; i < 2000; i++) parts.push(`${i},`);
      for (let i = 0; i < parts.length; i += 3) {
        client.socket?.write(parts.slice(i, i + 3).map(text));
      }
      const expected = parts.join("");
      await until(accepted, 1);
      await accepted[0]?.until((s) => s.received === expected.length);
      assert.equal(accepted[0]?.text(), expected);
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
      const { listener, accepted } = await scope.listen(host);
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      client.socket?.write([text("x")]);
      await until(accepted, 1);
      const server = accepted[0] as Recorder;
      await server.saw("data");
      server.socket?.close(true);
      await server.saw("close");
      assert.equal(server.error, undefined);
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

  test("connecting to a closed port reports close(error) and never open", () =>
    scoped(async (scope) => {
      const { listener } = await scope.listen(host);
      const port = listener.port;
      await listener.close();
      const client = scope.connect(host, port);
      await client.saw("close");
      assert.deepEqual(client.events, ["close"]);
      assert.equal(codeOf(client.error), "ECONNREFUSED");
    }));

  test("RawListener.close stops accepting but leaves open sockets alone", () =>
    scoped(async (scope) => {
      const { listener, accepted } = await scope.listen(host);
      const client = scope.connect(host, listener.port);
      await client.saw("open");
      await until(accepted, 1);
      await listener.close();
      const late = scope.connect(host, listener.port);
      await late.saw("close");
      assert.deepEqual(late.events, ["close"]);
      // The accepted connection still works both ways.
      client.socket?.write([text("ping")]);
      await accepted[0]?.until((s) => s.received === 4);
      accepted[0]?.socket?.write([text("pong")]);
      await client.until((c) => c.received === 4);
      assert.equal(client.text(), "pong");
    }));
}

Deno.test("accepts a bracketed IPv6 literal, as found in URLs", () =>
  scoped(async (scope) => {
    const { listener, accepted } = await scope.listen("[::1]");
    assert.equal(listener.hostname, "::1");
    const client = scope.connect("[::1]", listener.port);
    await client.saw("open");
    await until(accepted, 1);
    assert.equal(accepted[0]?.socket?.remoteAddress, "::1");
  }));

Deno.test("listening on a port in use rejects with AddrInUse", () =>
  scoped(async (scope) => {
    const { listener } = await scope.listen("127.0.0.1");
    await assert.rejects(
      denoSocketLayer.listen({ hostname: "127.0.0.1", port: listener.port }, () => {
        throw new Error("never accepts");
      }),
      (error: Error) => codeOf(error) === "EADDRINUSE",
    );
  }));

Deno.test("reports a TLS connect as close(error) without open", async () => {
  const client = new Recorder();
  denoSocketLayer.connect({ hostname: "127.0.0.1", port: 1, tls: {} }, client);
  await client.saw("close");
  assert.deepEqual(client.events, ["close"]);
  assert.match(client.error?.message ?? "", /TLS/);
});

Deno.test("refuses to listen with TLS (not supported yet)", async () => {
  await assert.rejects(
    denoSocketLayer.listen({ hostname: "127.0.0.1", port: 0, tls: { cert: "", key: "" } }, () => {
      throw new Error("never accepts");
    }),
    /TLS/,
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

/** Resolves once `list` holds `count` entries (accepted connections). */
async function until(list: readonly unknown[], count: number): Promise<void> {
  while (list.length < count) await macrotask();
}

/** Lets pending I/O callbacks run (no fixed delay). */
function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

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
