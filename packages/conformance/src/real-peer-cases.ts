/**
 * Real peers: Tether's server (`serve` of the adapter under test, with the
 * example app's routes) driven by clients that other people wrote — the
 * `node:http` client with a keep-alive Agent, undici's Pool, the runtime's
 * global `fetch`, and the `curl` program. Each case checks what such a
 * client shows (a reused socket, curl's "Re-using existing connection")
 * against what the server saw (connection ids and request numbers).
 *
 * A case may run only where its peer does: `runtimes` lists them (every
 * runtime when absent) and `program` names a binary it needs. Harnesses ask
 * {@link skipReason} and register the case as skipped, with the reason in
 * its name — never silently left out.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import type { RequestInfo, ServeOptions, TetherServer } from "@tether/adapter-kit";
import { route } from "@tether/example-shared";
import { pattern, readBody } from "./http-peer.ts";
import type { ConformanceCase, ServerUnderTest } from "./server-cases.ts";

/** A real-peer case: see the module comment. */
export type RealPeerCase = ConformanceCase<ServerUnderTest>;

/** Why `c` cannot run on `runtime` (the harness then skips it, saying so), or `null`. */
export function skipReason<T>(c: ConformanceCase<T>, runtime: string): string | null {
  if (c.runtimes !== undefined && !c.runtimes.includes(runtime)) {
    return `needs ${c.runtimes.join(" or ")}${c.why === undefined ? "" : ` (${c.why})`}`;
  }
  if (c.program !== undefined && !existsSync(c.program)) return `${c.program} is not installed`;
  return null;
}

const CURL = "/usr/bin/curl";

/** What our server saw of each request. */
interface Seen {
  readonly target: string;
  readonly connection: number;
  readonly requestNumber: number;
  readonly at: number;
}

/** Runs `body` against a fresh Tether server with the example routes, recording each request. */
async function withTether(
  t: ServerUnderTest,
  options: Omit<ServeOptions, "handler" | "fetch">,
  body: (server: TetherServer, seen: readonly Seen[], opened: () => number) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = await t.serve({
    hostname: "127.0.0.1",
    port: 0,
    ...options,
    handler: (ex) => {
      const info: RequestInfo = ex.info;
      seen.push({
        target: ex.head.target,
        connection: info.connection,
        requestNumber: info.requestNumber,
        at: performance.now(),
      });
      return route(ex);
    },
  });
  const off = server.on((e) => {
    if (e.type === "connection-opened") connections++;
  });
  try {
    await body(server, seen, () => connections);
  } finally {
    off();
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 3000))]);
  }
}

/** All requests arrived on one connection, numbered 1, 2, 3… */
function oneConnection(seen: readonly Seen[], count: number): void {
  assert.equal(seen.length, count);
  assert.equal(new Set(seen.map((s) => s.connection)).size, 1);
  assert.deepEqual(
    seen.map((s) => s.requestNumber),
    seen.map((_, i) => i + 1),
  );
}

/** A `node:http` request through `agent`; resolves with the body and whether the socket was reused. */
function nodeRequest(
  url: string,
  agent: http.Agent,
  options: http.RequestOptions & { body?: (string | Uint8Array)[] } = {},
): Promise<{ status: number; body: Buffer; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, ...options }, (res) => {
      readBody(res).then(
        (body) => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }),
        reject,
      );
    });
    req.on("error", reject);
    for (const part of options.body ?? []) req.write(part);
    req.end();
  });
}

/** Runs curl; resolves with its stdout and stderr (rejects on a non-zero exit). */
function curl(args: string[], input?: Uint8Array): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      CURL,
      args,
      { encoding: "latin1", maxBuffer: 64 * 1024 * 1024, timeout: 8000 },
      (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** curl -v says so when a second URL goes on the first one's connection (wording varies by version). */
const CURL_REUSED = /Re-?using existing connection/i;

const text = (b: Uint8Array) => new TextDecoder().decode(b);

export const realPeerCases: RealPeerCase[] = [
  {
    name: "node:http keep-alive Agent: sequential requests reuse one socket (req.reusedSocket)",
    run: (t) =>
      withTether(t, {}, async (s, seen) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const rs = [];
          for (const n of [1000, 20000, 3])
            rs.push(await nodeRequest(`${s.url}/bytes/${n}`, agent));
          assert.deepEqual(
            rs.map((r) => r.reused),
            [false, true, true],
          );
          assert.deepEqual(new Uint8Array(rs[1]?.body ?? []), pattern(20000));
          oneConnection(seen, 3);
        } finally {
          agent.destroy();
        }
      }),
  },
  {
    name: "node:http keep-alive Agent: Content-Length and chunked request bodies on a reused socket",
    run: (t) =>
      withTether(t, {}, async (s, seen) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const a = await nodeRequest(`${s.url}/echo`, agent, {
            method: "POST",
            headers: { "Content-Length": "5" },
            body: ["hello"],
          });
          // No Content-Length: node:http sends the parts chunked.
          const b = await nodeRequest(`${s.url}/echo`, agent, {
            method: "POST",
            body: ["chunked ", "body"],
          });
          assert.equal(JSON.parse(text(a.body)).body, "hello");
          const echo = JSON.parse(text(b.body));
          assert.equal(echo.body, "chunked body");
          assert.ok(
            (echo.headers as [string, string][]).some(
              ([n, v]) => n.toLowerCase() === "transfer-encoding" && v === "chunked",
            ),
          );
          assert.equal(b.reused, true);
          oneConnection(seen, 2);
        } finally {
          agent.destroy();
        }
      }),
  },
  {
    name: "undici Pool: requests share one connection; pipelining: 4 is answered in order",
    runtimes: ["node", "deno"],
    why: "Bun's built-in undici module replaces the npm package and lacks Pool.request",
    run: (t) =>
      withTether(t, {}, async (s, seen, opened) => {
        const { Pool } = await import("undici");
        const serial = new Pool(s.url, { connections: 1 });
        try {
          for (const n of [10, 70000]) {
            const r = await serial.request({ path: `/bytes/${n}`, method: "GET" });
            assert.equal(r.statusCode, 200);
            assert.equal((await r.body.arrayBuffer()).byteLength, n);
          }
        } finally {
          await serial.close();
        }
        oneConnection(seen, 2);
        const piped = new Pool(s.url, { connections: 1, pipelining: 4 });
        try {
          // Pipelining starts once the connection is up: one request first.
          await (await piped.request({ path: "/bytes/1", method: "GET" })).body.arrayBuffer();
          const paths = ["/delay/40", "/bytes/3", "/echo?n=3", "/chunked/5000"];
          // undici's own count of requests written and not yet answered.
          let running = 0;
          const sample = setInterval(() => {
            running = Math.max(running, piped.stats.running);
          }, 1);
          const bodies = await Promise.all(
            paths.map(async (path) => {
              // undici holds the pipeline behind a "blocking" request (every non-HEAD one by default).
              const r = await piped.request({ path, method: "GET", blocking: false });
              return Buffer.from(await r.body.arrayBuffer());
            }),
          ).finally(() => clearInterval(sample));
          assert.equal(text(bodies[0] ?? Buffer.alloc(0)), "ok");
          assert.equal(bodies[1]?.length, 3);
          assert.equal(JSON.parse(text(bodies[2] ?? Buffer.alloc(0))).target, "/echo?n=3");
          assert.equal(bodies[3]?.length, 5000);
          assert.ok(running > 1, `undici had ${running} request(s) in flight at most`);
          const piped5 = seen.slice(2);
          assert.equal(new Set(piped5.map((x) => x.connection)).size, 1);
          assert.deepEqual(
            piped5.map((x) => [x.target, x.requestNumber]),
            ["/bytes/1", ...paths].map((p, i) => [p, i + 1]),
          );
        } finally {
          await piped.close();
        }
        assert.equal(opened(), 2);
      }),
  },
  {
    name: "global fetch: keep-alive connections are reused; bodies in both directions",
    run: (t) =>
      withTether(t, {}, async (s, seen, opened) => {
        const a = await fetch(`${s.url}/bytes/100`);
        assert.equal((await a.arrayBuffer()).byteLength, 100);
        const b = await fetch(`${s.url}/echo`, { method: "POST", body: "fetched" });
        assert.equal(((await b.json()) as { body: string }).body, "fetched");
        const c = await fetch(`${s.url}/chunked/${5 * 1024 * 1024}`);
        assert.equal((await c.arrayBuffer()).byteLength, 5 * 1024 * 1024);
        const d = await fetch(`${s.url}/bytes/7`);
        assert.equal((await d.arrayBuffer()).byteLength, 7);
        // Node's fetch (undici) sends a request on a second connection while it
        // still counts the previous one as running, then alternates: one or two
        // connections, each carrying several requests.
        assert.equal(seen.length, 4);
        assert.ok(opened() <= 2, `${opened()} connections`);
        assert.ok(
          seen.some((x) => x.requestNumber > 1),
          "no connection carried a second request",
        );
      }),
  },
  {
    name: 'curl: two URLs in one run reuse one connection ("Re-using existing connection")',
    program: CURL,
    run: (t) =>
      withTether(t, {}, async (s, seen) => {
        const out = await curl(["-sv", `${s.url}/bytes/5`, `${s.url}/echo?x=1`]);
        assert.match(out.stderr, CURL_REUSED);
        assert.ok(out.stdout.startsWith("\x00\x01\x02\x03\x04{"), JSON.stringify(out.stdout));
        assert.equal(JSON.parse(out.stdout.slice(5)).target, "/echo?x=1");
        oneConnection(seen, 2);
      }),
  },
  {
    name: "curl --http1.0 with Connection: keep-alive: the server agrees and curl reuses the connection",
    program: CURL,
    run: (t) =>
      withTether(t, {}, async (s, seen) => {
        const out = await curl([
          "-sv",
          "--http1.0",
          "-H",
          "Connection: keep-alive",
          `${s.url}/bytes/3`,
          `${s.url}/bytes/4`,
        ]);
        assert.match(out.stderr, /< Connection: keep-alive/i);
        assert.match(out.stderr, CURL_REUSED);
        assert.equal(out.stdout.length, 7);
        oneConnection(seen, 2);
      }),
  },
  {
    name: "curl: a 2 MiB upload with Expect: 100-continue gets 100 Continue, then 200",
    program: CURL,
    run: (t) =>
      withTether(t, {}, async (s) => {
        const size = 2 * 1024 * 1024;
        const out = await curl(
          [
            "-sv",
            "-H",
            "Expect: 100-continue",
            "--data-binary",
            "@-",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{size_upload}",
            `${s.url}/echo`,
          ],
          pattern(size),
        );
        assert.match(out.stderr, /< HTTP\/1\.1 100 Continue/);
        assert.equal(out.stdout, `200 ${size}`);
      }),
  },
];
