/**
 * TLS on every runtime (issue #9): `serve({ tls })`, `createClient()` to
 * `https://` origins, verification failures as typed errors, SNI and ALPN,
 * reuse of TLS connections, http and https kept apart, CONNECT tunnels
 * through the example proxy, the example `get` against an https server,
 * and a graceful close over TLS. Certificates are made at test time with
 * `openssl` (tls-certs.ts). Peers that must see what the client sent (SNI,
 * ALPN, a client certificate) are `node:tls` servers, which Node, Bun and
 * Deno all provide.
 */
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import type {
  CreateClient,
  RawHandler,
  Serve,
  SocketLayer,
  TetherServer,
} from "@tether/adapter-kit";
import { type ExampleRuntime, runExample } from "@tether/example-shared";
import { rejection, text } from "./client-kit.ts";
import type { ConformanceCase } from "./server-cases.ts";
import type { TestCertificates } from "./tls-certs.ts";
import { withRawPeer } from "./tls-raw-peer.ts";
import { tlsReplayCases } from "./tls-replay-cases.ts";

/** What a runtime gives the TLS suite. */
export interface TlsUnderTest {
  readonly runtime: string;
  readonly serve: Serve;
  readonly createClient: CreateClient;
  readonly socketLayer: SocketLayer;
  /** Made once for the suite (makeTestCertificates). */
  readonly certs: TestCertificates;
  /** The runtime resumes TLS sessions, so the resumption case checks it. */
  readonly resumesSessions?: boolean;
}

/** A handler answering `hello <target>` on every request. */
const hello: RawHandler = (ex) => {
  ex.respond(200, [["content-type", "text/plain"]], `hello ${ex.head.target}`);
};

/** Runs `body` against `serve({ tls })` on 127.0.0.1 with `identity`, then closes it. */
async function withTlsServer(
  t: TlsUnderTest,
  identity: { cert: string; key: string },
  body: (server: TetherServer, origin: string) => Promise<void>,
): Promise<void> {
  const server = await t.serve({
    hostname: "127.0.0.1",
    port: 0,
    handler: hello,
    tls: { cert: identity.cert, key: identity.key },
  });
  try {
    await body(server, `https://localhost:${server.port}`);
  } finally {
    await server.close();
  }
}

/** The example app of this runtime, in process; its output lines are collected. */
function exampleRuntime(t: TlsUnderTest, lines: string[], codes: number[]): ExampleRuntime {
  return {
    serve: t.serve,
    createClient: t.createClient,
    socketLayer: t.socketLayer,
    print: (line) => lines.push(line),
    printError: (line) => lines.push(`stderr: ${line}`),
    exit: (code) => codes.push(code),
  };
}

/** The TLS cases; core's scenarios replayed over TLS (tls-replay-cases.ts) come last. */
export const tlsCases: ConformanceCase<TlsUnderTest>[] = [
  {
    name: "issue #9: serve({ tls }) serves https, and the client trusts a custom CA (request and fetch)",
    run: (t) =>
      withTlsServer(t, t.certs.server, async (server, origin) => {
        assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          const r = await c.request({ url: `${origin}/a?b=1` });
          assert.equal(r.status, 200);
          assert.equal(text(r.body), "hello /a?b=1");
          const w = await c.fetch(`${origin}/web`);
          assert.equal(await w.text(), "hello /web");
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "issue #9: an IP-literal origin is verified against the certificate's IP address",
    run: (t) =>
      withTlsServer(t, t.certs.server, async (server) => {
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          const r = await c.request({ url: `https://127.0.0.1:${server.port}/ip` });
          assert.equal(text(r.body), "hello /ip");
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "issue #9: a certificate from an unknown CA fails with TLS_FAILED, once (no retry)",
    run: (t) =>
      withTlsServer(t, t.certs.stranger, async (_server, origin) => {
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          const e = await rejection(c.request({ url: `${origin}/` }));
          assert.equal(e.code, "TLS_FAILED", e.message);
          assert.equal(e.attempts.count, 1);
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "issue #9: verification is on by default — the system store does not trust the test CA",
    run: (t) =>
      withTlsServer(t, t.certs.server, async (_server, origin) => {
        const c = t.createClient();
        try {
          const e = await rejection(c.request({ url: `${origin}/` }));
          assert.equal(e.code, "TLS_FAILED", e.message);
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "issue #9: a certificate for another name fails with TLS_FAILED (hostname verification)",
    run: (t) =>
      withTlsServer(t, t.certs.nameless, async (_server, origin) => {
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          const e = await rejection(c.request({ url: `${origin}/` }));
          assert.equal(e.code, "TLS_FAILED", e.message);
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "issue #9: rejectUnauthorized: false accepts an untrusted certificate (tests only)",
    runtimes: ["node", "bun"],
    why: "Deno.connectTls/startTls cannot skip chain verification per connection (only --unsafely-ignore-certificate-errors, for the whole process); on Deno the option skips the name check alone",
    run: (t) =>
      withTlsServer(t, t.certs.stranger, async (_server, origin) => {
        const c = t.createClient({ tls: { rejectUnauthorized: false } });
        try {
          const r = await c.request({ url: `${origin}/x` });
          assert.equal(text(r.body), "hello /x");
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "RFC 6066 §3: SNI names the host and never an IP literal; ALPN offers http/1.1 only (RFC 7301)",
    run: (t) =>
      withRawPeer(t.certs, {}, async (peer) => {
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          await c.request({ url: `https://localhost:${peer.port}/` });
          await c.request({ url: `https://127.0.0.1:${peer.port}/` });
        } finally {
          await c.close();
        }
        const [byName, byIp] = peer.seen;
        assert.equal(byName?.servername, "localhost");
        assert.ok(!byIp?.servername, `no SNI for an IP literal, got ${String(byIp?.servername)}`);
        assert.equal(byName?.alpn, "http/1.1");
        assert.equal(byIp?.alpn, "http/1.1");
      }),
  },
  {
    name: "issue #9: sequential requests reuse one TLS connection (keep-alive)",
    run: (t) =>
      withTlsServer(t, t.certs.server, async (server, origin) => {
        let accepted = 0;
        server.on((e) => {
          if (e.type === "connection-opened") accepted++;
        });
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          const a = await c.request({ url: `${origin}/1` });
          const b = await c.request({ url: `${origin}/2` });
          const d = await c.request({ url: `${origin}/3` });
          assert.deepEqual([a.reused, b.reused, d.reused], [false, true, true]);
          assert.equal(d.connection, a.connection);
          assert.equal(c.stats().connectionsOpened, 1);
          assert.equal(accepted, 1);
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "RFC 9110 §4.3.2: http and https to the same host and port never share a connection",
    run: (t) =>
      withRawPeer(t.certs, {}, async (peer) => {
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          const plain = `http://localhost:${peer.port}`;
          const secure = `https://localhost:${peer.port}`;
          const a = await c.request({ url: `${plain}/a` });
          const b = await c.request({ url: `${secure}/b` });
          const d = await c.request({ url: `${plain}/c` });
          const e = await c.request({ url: `${secure}/d` });
          assert.deepEqual(
            [a, b, d, e].map((r) => text(r.body)),
            ["http", "https", "http", "https"],
          );
          assert.notEqual(b.connection, a.connection);
          assert.equal(d.connection, a.connection);
          assert.equal(e.connection, b.connection);
          assert.equal(c.stats().connectionsOpened, 2);
          assert.deepEqual(
            peer.seen.map((s) => s.scheme),
            ["http", "https"],
          );
        } finally {
          await c.close();
        }
      }),
  },
  {
    name: "issue #9: a refused https connection is CONNECT_FAILED (the transport's failure, retried), not TLS_FAILED",
    run: async (t) => {
      const c = t.createClient({ tls: { ca: t.certs.ca.cert }, maxAttempts: 2 });
      try {
        const e = await rejection(c.request({ url: "https://127.0.0.1:1/" }));
        const code = e.code === "RETRIES_EXHAUSTED" ? e.cause?.code : e.code;
        assert.equal(code, "CONNECT_FAILED", e.message);
        assert.equal(e.attempts.count, 2);
      } finally {
        await c.close();
      }
    },
  },
  {
    name: "issue #9: a new connection to a server seen before resumes its TLS session (where the runtime offers it)",
    run: (t) =>
      withRawPeer(t.certs, { close: true }, async (peer) => {
        const c = t.createClient({ tls: { ca: t.certs.ca.cert } });
        try {
          // Each answer says `Connection: close`: every request opens a connection.
          for (const path of ["/1", "/2", "/3"]) {
            const r = await c.request({ url: `https://localhost:${peer.port}${path}` });
            assert.equal(r.reused, false);
          }
        } finally {
          await c.close();
        }
        assert.equal(peer.seen.length, 3);
        assert.equal(peer.seen[0]?.resumed, false);
        if (t.resumesSessions === true) {
          assert.deepEqual(
            peer.seen.slice(1).map((s) => s.resumed),
            [true, true],
          );
        }
      }),
  },
  {
    name: "issue #9: a client certificate is presented to a server that asks for one (mutual TLS)",
    run: (t) =>
      withRawPeer(t.certs, { requestCert: true }, async (peer) => {
        const c = t.createClient({
          tls: { ca: t.certs.ca.cert, cert: t.certs.client.cert, key: t.certs.client.key },
        });
        try {
          await c.request({ url: `https://localhost:${peer.port}/` });
        } finally {
          await c.close();
        }
        assert.equal(peer.seen[0]?.clientCert, "Tether Test Client");
      }),
  },
  {
    name: "issue #9: https through the example proxy's CONNECT tunnel, kept alive and reused",
    run: (t) =>
      withTlsServer(t, t.certs.server, async (server, origin) => {
        let accepted = 0;
        server.on((e) => {
          if (e.type === "connection-opened") accepted++;
        });
        const lines: string[] = [];
        const proxy = await runExample(exampleRuntime(t, lines, []), [
          "proxy",
          "--port",
          "0",
          "--upstream",
          "http://127.0.0.1:9",
        ]);
        assert.ok(proxy !== null, lines.join("\n"));
        const c = t.createClient({ proxy: proxy.url, tls: { ca: t.certs.ca.cert } });
        try {
          const a = await c.request({ url: `${origin}/a` });
          const b = await c.request({ url: `${origin}/b` });
          assert.equal(text(a.body), "hello /a");
          assert.equal(text(b.body), "hello /b");
          assert.equal(b.reused, true);
          assert.equal(b.connection, a.connection);
          assert.equal(c.stats().connectionsOpened, 1);
          assert.equal(accepted, 1);
        } finally {
          await c.close();
          await proxy.close();
        }
      }),
  },
  {
    name: "RFC 9110 §9.3.6: a proxy refusing CONNECT (407) fails with PROXY_CONNECT_FAILED and its status",
    run: async (t) => {
      const server = net.createServer((s) => {
        s.on("error", () => {});
        s.once("data", () => {
          s.end(
            'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="t"\r\nContent-Length: 0\r\n\r\n',
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as net.AddressInfo).port;
      const c = t.createClient({ proxy: `http://127.0.0.1:${port}`, tls: { ca: t.certs.ca.cert } });
      try {
        const e = await rejection(c.request({ url: "https://localhost:1/" }));
        assert.equal(e.code, "PROXY_CONNECT_FAILED", e.message);
        assert.equal(e.status, 407);
        assert.equal(e.attempts.count, 1);
      } finally {
        await c.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  },
  {
    name: "issue #9: the example serve --tls-cert/--tls-key prints https://, and get --ca fetches from it",
    run: async (t) => {
      const lines: string[] = [];
      const codes: number[] = [];
      const rt = exampleRuntime(t, lines, codes);
      const s = await runExample(rt, [
        "serve",
        "--port",
        "0",
        "--tls-cert",
        t.certs.server.certFile,
        "--tls-key",
        t.certs.server.keyFile,
      ]);
      assert.ok(s !== null, lines.join("\n"));
      try {
        assert.match(lines[0] ?? "", /^listening on https:\/\/127\.0\.0\.1:\d+$/);
        const port = Number(s.url.split(":").at(-1));
        const url = `https://localhost:${port}/bytes/100`;
        await runExample(rt, ["get", url, `${url}?again`, "--serial", "--ca", t.certs.ca.certFile]);
        assert.deepEqual(codes, [0], lines.join("\n"));
        const [a, b, summary] = lines.slice(1).map((l) => JSON.parse(l));
        assert.equal(a.status, 200);
        assert.equal(a.bodyBytes, 100);
        assert.equal(b.reused, true);
        assert.equal(summary.summary.connectionsOpened, 1);
      } finally {
        await s.close();
      }
    },
  },
  {
    name: "RFC 9112 §9.6: over TLS, a client that half-closes after its request still gets the response",
    run: (t) =>
      withTlsServer(t, t.certs.server, async (server) => {
        const socket = tls.connect({
          host: "127.0.0.1",
          port: server.port,
          servername: "localhost",
          ca: t.certs.ca.cert,
          allowHalfOpen: true,
        } as tls.ConnectionOptions);
        const received = await new Promise<string>((resolve, reject) => {
          let out = "";
          socket.on("secureConnect", () => {
            socket.end("GET /half HTTP/1.1\r\nHost: t\r\n\r\n");
          });
          socket.on("data", (d: Uint8Array) => {
            out += new TextDecoder().decode(d);
          });
          socket.on("error", reject);
          socket.on("close", () => resolve(out));
        });
        assert.match(received, /^HTTP\/1\.1 200 /);
        assert.match(received, /hello \/half$/);
      }),
  },
  {
    name: "RFC 9112 §9.6: server.close() ends an idle TLS keep-alive connection cleanly (close_notify, then FIN)",
    run: (t) =>
      withTlsServer(t, t.certs.server, async (server) => {
        const socket = tls.connect({
          host: "127.0.0.1",
          port: server.port,
          servername: "localhost",
          ca: t.certs.ca.cert,
        });
        const ended = new Promise<string>((resolve, reject) => {
          let out = "";
          socket.on("data", (d: Uint8Array) => {
            out += new TextDecoder().decode(d);
            if (out.includes("hello /idle")) void server.close();
          });
          socket.on("end", () => resolve(out));
          socket.on("error", reject);
        });
        socket.on("secureConnect", () => socket.write("GET /idle HTTP/1.1\r\nHost: t\r\n\r\n"));
        const out = await ended;
        socket.destroy();
        assert.match(out, /hello \/idle$/);
      }),
  },
  ...tlsReplayCases,
];
