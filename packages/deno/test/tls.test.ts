/**
 * TLS on Deno (issue #9): the conformance kit's TLS cases under real Deno
 * (`Deno.connectTls`/`Deno.startTls`/`Deno.listenTls`), then what is
 * Deno's own: failures told from transport failures, OpenSSL-style codes
 * for rustls' verdicts, a custom servername, IPv6, `rejectUnauthorized:
 * false` skipping only the name check, and clients failing the handshake
 * never reaching the server's application.
 *
 * Certificates are made at test time with `openssl` (the conformance kit's
 * tls-certs.ts), so this file runs with `--allow-run=openssl`,
 * `--allow-read`, `--allow-write` and `--allow-env` besides `--allow-net`;
 * the adapter itself reads no file (cert and key are passed as PEM text),
 * which socket-layer.test.ts checks under `--allow-net` alone. Deno's op
 * and resource sanitizers are on.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import {
  type ConnectOptions,
  type RawHandler,
  type RawSocket,
  TlsFailure,
} from "@tether/adapter-kit";
import { dialOutcome, makeTestCertificates, skipReason, tlsCases } from "@tether/conformance";
import { createClient, denoSocketLayer, serve } from "../src/index.ts";

Deno.test.sanitizer({ ops: true, resources: true });

const certs = makeTestCertificates();
// Removed once every test of this file has run (Deno has no afterAll).
globalThis.addEventListener("unload", () => certs.remove());

for (const c of tlsCases) {
  const why = skipReason(c, "deno");
  Deno.test({
    name: why === null ? c.name : `${c.name} — skipped on deno: ${why}`,
    ignore: why !== null,
    fn: () =>
      c.run({
        runtime: "deno",
        serve,
        createClient,
        socketLayer: denoSocketLayer,
        certs,
        // Deno offers no TLS session resumption (src/tls.ts).
        resumesSessions: false,
      }),
  });
}

/** What a connect reported: open, then close with this error (or none). */
const dial = (options: ConnectOptions) => dialOutcome(denoSocketLayer, options);

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const hello: RawHandler = (ex) => ex.respond(200, [], `hello ${ex.head.target}`);

/** Runs `body` against `serve({ tls })` on `hostname` with `identity`, counting accepted connections. */
async function withServer(
  identity: { cert: string; key: string },
  body: (port: number, accepted: () => number) => Promise<void>,
  hostname = "127.0.0.1",
): Promise<void> {
  const server = await serve({ hostname, port: 0, handler: hello, tls: identity });
  let accepted = 0;
  server.on((e) => {
    if (e.type === "connection-opened") accepted++;
  });
  try {
    await body(server.port, () => accepted);
  } finally {
    await server.close();
  }
}

Deno.test("denoSocketLayer TLS: a plain-TCP peer answering in HTTP fails the handshake: close(TlsFailure), never open", async () => {
  const plain = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const answered = (async () => {
    const conn = await plain.accept();
    await conn.write(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n"));
    conn.close();
  })();
  try {
    const { opened, error } = await dial({ hostname: "127.0.0.1", port: plain.addr.port, tls: {} });
    assert.equal(opened, false);
    assert.ok(error instanceof TlsFailure, String(error));
  } finally {
    await answered;
    plain.close();
  }
});

Deno.test("denoSocketLayer TLS: a refused connection is close(error) without open, and not a TlsFailure", async () => {
  const { opened, error } = await dial({ hostname: "127.0.0.1", port: 1, tls: {} });
  assert.equal(opened, false);
  assert.ok(error instanceof Error);
  assert.ok(!(error instanceof TlsFailure), String(error));
});

Deno.test("denoSocketLayer TLS: rustls' verdicts carry Node's codes (unknown issuer, wrong name)", () =>
  withServer(certs.stranger, async (port) => {
    const unknown = await dial({ hostname: "localhost", port, tls: { ca: certs.ca.cert } });
    assert.ok(unknown.error instanceof TlsFailure);
    assert.equal(unknown.error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  }).then(() =>
    withServer(certs.nameless, async (port) => {
      const other = await dial({ hostname: "localhost", port, tls: { ca: certs.ca.cert } });
      assert.ok(other.error instanceof TlsFailure);
      assert.equal(other.error.code, "ERR_TLS_CERT_ALTNAME_INVALID");
    }),
  ));

Deno.test("denoSocketLayer TLS: a custom servername is the name verified (dialling an IP literal)", () =>
  withServer(certs.nameless, async (port) => {
    const tls = { ca: certs.ca.cert, servername: "other.test" };
    const { opened, error } = await dial({ hostname: "127.0.0.1", port, tls });
    assert.equal(error, undefined);
    assert.equal(opened, true);
  }));

Deno.test("denoSocketLayer TLS: https over IPv6 ([::1], verified against the certificate's IP)", () =>
  withServer(
    certs.server,
    async (port) => {
      const c = createClient({ tls: { ca: certs.ca.cert } });
      try {
        const r = await c.request({ url: `https://[::1]:${port}/v6` });
        assert.equal(text(r.body), "hello /v6");
      } finally {
        await c.close();
      }
    },
    "::1",
  ));

Deno.test("denoSocketLayer TLS: rejectUnauthorized: false skips the name check only (Deno verifies the chain)", () =>
  withServer(certs.nameless, async (port) => {
    const c = createClient({ tls: { ca: certs.ca.cert, rejectUnauthorized: false } });
    try {
      const r = await c.request({ url: `https://localhost:${port}/any-name` });
      assert.equal(text(r.body), "hello /any-name");
    } finally {
      await c.close();
    }
  }).then(() =>
    withServer(certs.stranger, async (port) => {
      const c = createClient({ tls: { rejectUnauthorized: false } });
      try {
        const e = await c.request({ url: `https://localhost:${port}/` }).then(
          () => null,
          (error: { code?: string }) => error,
        );
        assert.equal(e?.code, "TLS_FAILED");
      } finally {
        await c.close();
      }
    }),
  ));

Deno.test("denoSocketLayer TLS: a client certificate with a custom servername is refused up front (Deno.startTls takes none)", async () => {
  const { opened, error } = await dial({
    hostname: "127.0.0.1",
    port: 1,
    tls: { servername: "other.test", cert: certs.client.cert, key: certs.client.key },
  });
  assert.equal(opened, false);
  assert.ok(error instanceof TlsFailure);
  assert.equal(error.code, "TLS_CLIENT_CERT_UNSUPPORTED");
});

Deno.test("denoSocketLayer TLS: a client failing the handshake never reaches the server, which goes on serving", () =>
  withServer(certs.server, async (port, accepted) => {
    const refused = await dial({ hostname: "localhost", port, tls: {} }); // the system store: untrusted
    assert.ok(refused.error instanceof TlsFailure);
    const c = createClient({ tls: { ca: certs.ca.cert } });
    try {
      const r = await c.request({ url: `https://localhost:${port}/after` });
      assert.equal(text(r.body), "hello /after");
    } finally {
      await c.close();
    }
    assert.equal(accepted(), 1);
  }));

Deno.test("denoSocketLayer TLS: a peer closing without close_notify is `end`, not a failure (RFC 9112 §9.8), as on Node", async () => {
  const server = tls.createServer({ cert: certs.server.cert, key: certs.server.key }, (s) => {
    s.on("error", () => {});
    // destroy(): FIN with no close_notify alert before it.
    s.write("bye", () => s.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const seen = await new Promise<{ events: string[]; error: Error | undefined }>((resolve) => {
      const events: string[] = [];
      let socket: RawSocket | undefined;
      denoSocketLayer.connect(
        { hostname: "localhost", port, tls: { ca: certs.ca.cert } },
        {
          open: (s) => {
            socket = s;
            events.push("open");
          },
          data: (bytes) => events.push(`data ${text(bytes)}`),
          end: () => {
            events.push("end");
            socket?.close();
          },
          drain: () => {},
          close: (error) => {
            events.push("close");
            resolve({ events, error });
          },
        },
      );
    });
    assert.deepEqual(seen.events, ["open", "data bye", "end", "close"]);
    assert.equal(seen.error, undefined);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

Deno.test("denoSocketLayer TLS: server.close() does not wait for a client that never finishes its handshake", async () => {
  const server = await serve({ hostname: "127.0.0.1", port: 0, handler: hello, tls: certs.server });
  let accepted = 0;
  server.on((e) => {
    if (e.type === "connection-opened") accepted++;
  });
  // TCP only: the server waits for a ClientHello that never comes.
  const silent = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await server.close();
  // The layer gave up on the handshake (no op is left pending: the sanitizers
  // check it). Deno itself keeps the TCP connection under a TlsConn closed
  // mid-handshake until the handshake can end (denoland/deno#14547): it goes
  // once this client goes.
  silent.close();
  assert.equal(accepted, 0);
});
