/**
 * TLS on every runtime (issue #9): `serve({ tls })`, `createClient()` to
 * `https://` origins (tls-client-cases.ts: verification failures as typed
 * errors, SNI and ALPN, reuse of TLS connections, http and https kept
 * apart), CONNECT tunnels through the example proxy, the example `get`
 * against an https server, half-close and a graceful close over TLS, then
 * core's scenarios over TLS (tls-replay-cases.ts). Certificates are made at
 * test time with `openssl` (tls-certs.ts).
 */
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { runExample } from "@tether/example-shared";
import { rejection, text } from "./client-kit.ts";
import type { ConformanceCase } from "./server-cases.ts";
import { tlsClientCases } from "./tls-client-cases.ts";
import { exampleRuntime, type TlsUnderTest, withTlsServer } from "./tls-kit.ts";
import { tlsReplayCases } from "./tls-replay-cases.ts";

export type { TlsUnderTest } from "./tls-kit.ts";

/**
 * The TLS cases: the client's (tls-client-cases.ts), then proxies, the
 * example app and closing over TLS; core's scenarios replayed over TLS
 * (tls-replay-cases.ts) come last.
 */
export const tlsCases: ConformanceCase<TlsUnderTest>[] = [
  ...tlsClientCases,
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
