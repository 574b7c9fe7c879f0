/**
 * Client conformance: black-box cases of Tether's own client
 * (`createClient()` → `request()` / `fetch()`) against real peers — a
 * `node:http` server that behaves, and {@link ScriptServer}s that play core's
 * test-kit scripts over real TCP and misbehave — plus core's pool scenarios
 * replayed over real sockets (scenario-replay.ts). Every adapter runs this
 * same list; each case names the rule it checks.
 */
import assert from "node:assert/strict";
import { ALL_SCENARIOS, type Scenario } from "@tether/core/test-kit";
import { assertBytes, type ClientUnderTest, sleep, text, withClient } from "./client-kit.ts";
import { scriptCases } from "./client-script-cases.ts";
import { pattern, readBody, withHttpPeer, writeAll } from "./http-peer.ts";
import { replayIssue, replayScenario } from "./scenario-replay.ts";
import type { ConformanceCase } from "./server-cases.ts";

export type { ClientUnderTest } from "./client-kit.ts";

/** Cases against a `node:http` server. */
const httpCases: ConformanceCase<ClientUnderTest>[] = [
  {
    name: "RFC 9112 §9.3: keep-alive — sequential requests reuse one connection (reused, connection, stats())",
    run: (t) =>
      withHttpPeer(
        (_req, res) => {
          res.end("hello");
        },
        (peer) =>
          withClient(t, {}, async (c) => {
            const a = await c.request({ url: `${peer.url}/a` });
            const b = await c.request({ url: `${peer.url}/b` });
            const d = await c.request({ url: `${peer.url}/c` });
            assert.deepEqual([a.reused, b.reused, d.reused], [false, true, true]);
            assert.equal(text(d.body), "hello");
            assert.equal(b.connection, a.connection);
            assert.equal(d.connection, a.connection);
            const s = c.stats();
            assert.equal(s.requests, 3);
            assert.equal(s.connectionsOpened, 1);
            assert.equal(s.reused, 2);
            assert.equal(s.retried, 0);
            assert.equal(peer.sockets, 1);
          }),
      ),
  },
  {
    name: "RFC 9112 §9.4: parallel connections are capped by connectionsPerOrigin; the rest wait and reuse",
    run: (t) =>
      withHttpPeer(
        async (req, res) => {
          await sleep(30);
          res.end(req.url);
        },
        (peer) =>
          withClient(t, { connectionsPerOrigin: 2 }, async (c) => {
            const paths = [0, 1, 2, 3, 4, 5].map((i) => `/r${i}`);
            const rs = await Promise.all(paths.map((p) => c.request({ url: `${peer.url}${p}` })));
            assert.deepEqual(
              rs.map((r) => text(r.body)),
              paths,
            );
            assert.equal(peer.maxOpen, 2);
            assert.equal(peer.sockets, 2);
            assert.equal(c.stats().connectionsOpened, 2);
            assert.equal(c.stats().reused, 4);
            assert.equal(new Set(rs.map((r) => r.connection)).size, 2);
          }),
      ),
  },
  {
    name: "RFC 9112 §9.3: HTTP/1.0 (http10: true) asks for keep-alive, and reuses the connection exactly when it is granted",
    run: (t) =>
      withHttpPeer(
        (_req, res) => {
          // node:http keeps an HTTP/1.0 connection only with an explicit
          // Content-Length (Node, Deno); Bun's never does.
          res.setHeader("Content-Length", 3);
          res.end("ten");
        },
        (peer) =>
          withClient(t, { http10: true }, async (c) => {
            const a = await c.request({ url: `${peer.url}/a` });
            const b = await c.request({ url: `${peer.url}/b` });
            assert.equal(text(b.body), "ten");
            assert.deepEqual(
              peer.requests.map((r) => [r.version, r.headers.connection]),
              [
                ["1.0", "keep-alive"],
                ["1.0", "keep-alive"],
              ],
            );
            const granted = /keep-alive/i.test(a.fields.get("connection") ?? "");
            assert.equal(b.reused, granted);
            assert.equal(c.stats().connectionsOpened, granted ? 1 : 2);
            assert.equal(peer.sockets, granted ? 1 : 2);
          }),
      ),
  },
  {
    name: "RFC 9112 §6.3: Content-Length and chunked response bodies are read whole, on one connection",
    run: (t) =>
      withHttpPeer(
        async (req, res) => {
          if (req.url === "/length") {
            res.setHeader("Content-Length", 70000);
            res.end(pattern(70000));
            return;
          }
          for (let i = 0; i < 5; i++) await writeAll(res, pattern(20000, i * 20000));
          res.end();
        },
        (peer) =>
          withClient(t, {}, async (c) => {
            const a = await c.request({ url: `${peer.url}/length` });
            const b = await c.request({ url: `${peer.url}/chunked` });
            assert.equal(a.fields.get("content-length"), "70000");
            assertBytes(a.body, pattern(70000));
            assert.match(b.fields.get("transfer-encoding") ?? "", /chunked/);
            assertBytes(b.body, pattern(100000));
            assert.equal(b.reused, true);
          }),
      ),
  },
  {
    name: "RFC 9110 §9.3.2: HEAD — Content-Length announced, no body read, the connection stays usable",
    run: (t) =>
      withHttpPeer(
        (req, res) => {
          res.setHeader("Content-Length", 1234);
          res.end(req.method === "HEAD" ? undefined : pattern(1234));
        },
        (peer) =>
          withClient(t, {}, async (c) => {
            const h = await c.request({ url: `${peer.url}/x`, method: "HEAD" });
            assert.equal(h.status, 200);
            assert.equal(h.fields.get("content-length"), "1234");
            assert.equal(h.body.length, 0);
            const g = await c.request({ url: `${peer.url}/x` });
            assert.equal(g.reused, true);
            assertBytes(g.body, pattern(1234));
            const f = await c.fetch(`${peer.url}/x`, { method: "HEAD" });
            assert.equal(f.body, null);
            assert.equal(f.headers.get("content-length"), "1234");
            assert.equal(peer.sockets, 1);
          }),
      ),
  },
  {
    name: "RFC 9112 §6.2: POST bodies (text, bytes, 1 MiB) arrive whole with Content-Length",
    run: (t) =>
      withHttpPeer(
        async (req, res) => {
          const body = await readBody(req);
          res.end(
            `${req.method} ${req.headers["content-length"]} ${body.length} ${body[body.length - 1]}`,
          );
        },
        (peer) =>
          withClient(t, {}, async (c) => {
            const a = await c.request({ url: `${peer.url}/p`, method: "POST", body: "héllo" });
            assert.equal(text(a.body), "POST 6 6 111");
            const big = pattern(1024 * 1024);
            const b = await c.request({ url: `${peer.url}/p`, method: "PUT", body: big });
            assert.equal(text(b.body), `PUT ${big.length} ${big.length} 255`);
            const f = await c.fetch(`${peer.url}/p`, {
              method: "POST",
              body: new Uint8Array([1, 2, 3]),
            });
            assert.equal(await f.text(), "POST 3 3 3");
            assert.equal(peer.sockets, 1);
          }),
      ),
  },
  {
    name: "fetch(): a 5 MiB body streams — the response resolves at the head and the body flows before the server finishes",
    run: (t) => {
      const total = 5 * 1024 * 1024;
      const piece = 64 * 1024;
      let opened: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        opened = resolve;
      });
      return withHttpPeer(
        async (_req, res) => {
          res.setHeader("Content-Length", total);
          // 1 MiB, then wait until the client has read some: no whole-body buffering.
          for (let at = 0; at < total; at += piece) {
            if (at === 1024 * 1024) await gate;
            await writeAll(res, pattern(piece, at));
          }
          res.end();
        },
        (peer) =>
          withClient(t, {}, async (c) => {
            const res = await c.fetch(`${peer.url}/big`);
            assert.equal(res.status, 200);
            assert.equal(res.headers.get("content-length"), String(total));
            const reader = (res.body as ReadableStream<Uint8Array>).getReader();
            let received = 0;
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              for (let i = 0; i < value.length; i++) {
                if (value[i] !== ((received + i) & 0xff)) assert.fail(`byte ${received + i}`);
              }
              received += value.length;
              opened();
            }
            assert.equal(received, total);
          }),
      );
    },
  },
];

/** Scenarios of core's pool replayed over real sockets (see scenario-replay.ts). */
const RACES: Readonly<Record<string, readonly string[]>> = {
  // The request sent at 102 ms meets the server's idle close at ~102 ms: sent in the close's turn.
  "stale-connection race: a GET on a reused connection closed by the server is retried and the user never sees it":
    ["b"],
  "retry rules: a POST already written is never sent twice, even in the stale-connection race": [
    "p",
  ],
  "retry rules: a POST with an Idempotency-Key is retried": ["p"],
};

const replayCases: ConformanceCase<ClientUnderTest>[] = ALL_SCENARIOS.filter(
  (s) => replayIssue(s) === null,
).map((s: Scenario) => ({
  name: `scenario over real sockets: ${s.name}`,
  run: async (t) => {
    const racing = RACES[s.name];
    const diffs = await replayScenario(
      s,
      t.createClient,
      racing === undefined ? {} : { atServerClose: racing },
    );
    assert.deepEqual(diffs, [], diffs.join("\n"));
  },
}));

/** Scenarios that real sockets cannot replay, and why (for reports; they run on the simulated network). */
export function scenariosNotReplayed(): { name: string; why: string }[] {
  const out: { name: string; why: string }[] = [];
  for (const s of ALL_SCENARIOS) {
    const why = replayIssue(s);
    if (why !== null) out.push({ name: s.name, why });
  }
  return out;
}

/** The cases. */
export const clientCases: ConformanceCase<ClientUnderTest>[] = [
  ...httpCases,
  ...scriptCases,
  ...replayCases,
];
