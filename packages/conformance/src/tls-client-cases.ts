/**
 * TLS cases of the client (issue #9): `createClient()` to `https://`
 * origins trusting a custom CA, verification failures as typed errors
 * (unknown CA, default trust store, wrong name), SNI and ALPN, reuse and
 * resumption of TLS connections, http and https kept apart, and client
 * certificates. Peers that must see what the client sent (SNI, ALPN, a
 * client certificate) are `node:tls` servers (tls-raw-peer.ts), which
 * Node, Bun and Deno all provide.
 */
import assert from "node:assert/strict";
import { rejection, text } from "./client-kit.ts";
import type { ConformanceCase } from "./server-cases.ts";
import { type TlsUnderTest, withTlsServer } from "./tls-kit.ts";
import { withRawPeer } from "./tls-raw-peer.ts";

/** The client's TLS cases, first of {@link tlsCases} (tls-cases.ts). */
export const tlsClientCases: ConformanceCase<TlsUnderTest>[] = [
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
];
