/**
 * Server conformance: black-box cases over raw TCP against a Tether server
 * running the example app's routes. Every adapter runs this same list
 * (vitest on Node, `bun test`, `deno test`); each case names the rule of
 * RFC 9112 / RFC 9110 it checks.
 */
import assert from "node:assert/strict";
import type {
  installQuickResponse,
  QuickResponse,
  Serve,
  ServeOptions,
  TetherServer,
} from "@tether/adapter-kit";
import { route } from "@tether/example-shared";
import { sleep } from "./client-kit.ts";
import { RawClient } from "./raw-client.ts";
import { webAnswerCases } from "./web-answer-cases.ts";
import { webHeadCases } from "./web-head-cases.ts";

/** What a runtime gives the suite. */
export interface ServerUnderTest {
  readonly runtime: string;
  readonly serve: Serve;
}

/**
 * A server under test with the adapter's other exports that the cases
 * check: its `QuickResponse` and `installQuickResponse` (the kit's own, and
 * answering on the wire as a `Response` does).
 */
export interface AdapterUnderTest extends ServerUnderTest {
  readonly QuickResponse: typeof QuickResponse;
  readonly installQuickResponse: typeof installQuickResponse;
}

/** One conformance case. */
export interface ConformanceCase<T> {
  readonly name: string;
  run(target: T): Promise<void>;
  /**
   * The runtimes this case can run on; every runtime when absent. Harnesses
   * ask `skipReason` and register a case they cannot run as skipped, with
   * the reason in its name — never silently left out.
   */
  readonly runtimes?: readonly string[];
  /** Why the case is limited to `runtimes`. */
  readonly why?: string;
  /** A program the case runs (an absolute path). */
  readonly program?: string;
}

/** Runs `body` against a fresh server on 127.0.0.1 with the example routes, then closes it. */
async function withServer(
  t: ServerUnderTest,
  options: Omit<ServeOptions, "handler" | "fetch">,
  body: (server: TetherServer) => Promise<void>,
): Promise<void> {
  const server = await t.serve({
    hostname: "127.0.0.1",
    port: 0,
    ...options,
    handler: (ex) => route(ex),
  });
  try {
    await body(server);
  } finally {
    await closeWithin(server);
  }
}

/** Closes `server` gracefully, waiting for it at most `ms` milliseconds. */
export async function closeWithin(server: TetherServer, ms = 3000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([server.close(), limit]);
  clearTimeout(timer);
}

/** A GET request of `path` with Host `t` and the `extra` field lines. */
export const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

/** The cases. */
export const serverCases: ConformanceCase<AdapterUnderTest>[] = [
  {
    name: "RFC 9112 §9.3: HTTP/1.1 persists — two requests on one connection",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/bytes/10"));
        const [first] = await c.responses(1);
        assert.equal(first?.status, 200);
        assert.equal(first?.body.length, 10);
        await c.send(GET("/echo"));
        const all = await c.responses(2);
        assert.equal(all.length, 2);
        assert.equal(c.end, "open");
        c.destroy();
      }),
  },
  {
    name: "RFC 9112 §9.3.2: pipelined requests are answered in order",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/delay/30") + GET("/bytes/3") + GET("/echo?n=3"));
        const rs = await c.responses(3);
        assert.deepEqual(
          rs.map((r) => r.body.slice(0, 2)),
          ["ok", "\x00\x01", '{"'],
        );
        assert.equal(JSON.parse(rs[2]?.body ?? "{}").target, "/echo?n=3");
        c.destroy();
      }),
  },
  {
    name: "RFC 9112 §9.3: HTTP/1.0 without keep-alive — response, then the server closes",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send("GET /echo HTTP/1.0\r\n\r\n");
        const [r] = await c.responses(1);
        assert.equal(r?.status, 200);
        assert.equal(JSON.parse(r?.body ?? "{}").version, "1.0");
        assert.equal(await c.closed(), "fin");
      }),
  },
  {
    name: "RFC 9112 §9.3: HTTP/1.0 keep-alive is negotiated and echoed",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send("GET /bytes/5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const [r] = await c.responses(1);
        assert.match(r?.header("connection") ?? "", /keep-alive/i);
        await c.send("GET /bytes/6 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const rs = await c.responses(2);
        assert.equal(rs[1]?.body.length, 6);
        assert.equal(c.end, "open");
        c.destroy();
      }),
  },
  {
    name: "RFC 9112 §9.6: Connection: close — answered with close, then FIN",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/echo", "Connection: close\r\n") + GET("/never"));
        assert.equal(await c.closed(), "fin");
        const rs = await c.responses(2, 100);
        assert.equal(rs.length, 1);
        assert.match(rs[0]?.header("connection") ?? "", /close/);
      }),
  },
  {
    name: "RFC 9112 §9.6: a half-closed client still receives its full response",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/bytes/100000"));
        await c.finish();
        const [r] = await c.responses(1);
        assert.equal(r?.body.length, 100000);
        assert.equal(await c.closed(), "fin");
      }),
  },
  {
    name: "RFC 9112 §7.1: a chunked request body is de-framed",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(
          "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
        );
        const [r] = await c.responses(1);
        assert.equal(JSON.parse(r?.body ?? "{}").body, "hello world");
        c.destroy();
      }),
  },
  {
    name: "RFC 9112 §7.1: /chunked/N is sent chunked with exactly N bytes",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/chunked/70000"));
        const [r] = await c.responses(1);
        assert.match(r?.header("transfer-encoding") ?? "", /chunked/);
        assert.equal(r?.body.length, 70000);
        assert.equal(r?.body.charCodeAt(69999), 69999 % 256);
        c.destroy();
      }),
  },
  {
    name: "RFC 9110 §10.1.1: Expect: 100-continue gets 100 Continue, then the final response",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(
          "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
        );
        await c.until((x) => x.text().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        await c.send("data");
        const rs = await c.responses(2);
        assert.equal(rs[0]?.status, 100);
        assert.equal(JSON.parse(rs[1]?.body ?? "{}").body, "data");
        c.destroy();
      }),
  },
  ...(
    [
      [
        "RFC 9112 §5.2: obs-fold in a request is rejected with 400",
        `${GET("/", "X: a\r\n b\r\n")}`,
        400,
      ],
      [
        "RFC 9112 §5.1: whitespace before the colon is rejected with 400",
        GET("/", "X : a\r\n"),
        400,
      ],
      ["RFC 9112 §3.2: a request without Host is rejected with 400", "GET / HTTP/1.1\r\n\r\n", 400],
      [
        "RFC 9112 §6.1: Content-Length with Transfer-Encoding is rejected with 400",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
      ],
      [
        "RFC 9112 §6.1: an unknown transfer coding gets 501",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        501,
      ],
      [
        "RFC 9110 §15.6.6: HTTP/2.0 in a request-line gets 505",
        "GET / HTTP/2.0\r\nHost: t\r\n\r\n",
        505,
      ],
      ["RFC 9112 §3: a request-line over the limit gets 414", GET(`/${"a".repeat(20000)}`), 414],
      [
        "RFC 6585 §5: too many header fields get 431",
        GET("/", Array.from({ length: 300 }, (_, i) => `X-${i}: v\r\n`).join("")),
        431,
      ],
      ["RFC 9112 §2.2: a bare CR is rejected with 400", GET("/", "X: a\rb\r\n"), 400],
    ] as const
  ).map(
    ([name, bytes, status]): ConformanceCase<ServerUnderTest> => ({
      name: `${name}, then a graceful close`,
      run: (t) =>
        withServer(t, {}, async (s) => {
          const c = new RawClient(s.port);
          await c.send(bytes);
          const [r] = await c.responses(1);
          assert.equal(r?.status, status);
          assert.match(r?.header("connection") ?? "", /close/);
          assert.equal(await c.closed(), "fin");
        }),
    }),
  ),
  {
    name: "contract: an 8000-octet request-line, 4 KiB field values and 100 fields are served",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        const target = `/echo?${"q".repeat(8000 - "GET /echo? HTTP/1.1".length)}`;
        const fields = Array.from(
          { length: 99 },
          (_, i) => `X-F${i}: ${"v".repeat(i === 0 ? 4096 : 10)}\r\n`,
        );
        await c.send(`GET ${target} HTTP/1.1\r\nHost: t\r\n${fields.join("")}\r\n`);
        const [r] = await c.responses(1);
        assert.equal(r?.status, 200);
        const echo = JSON.parse(r?.body ?? "{}");
        assert.equal(echo.target, target);
        assert.equal(echo.headers.length, 100);
        c.destroy();
      }),
  },
  {
    name: "contract: a 1 MiB request body is received whole",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        const body = "x".repeat(1024 * 1024);
        await c.send(
          `POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
        const [r] = await c.responses(1, 10000);
        assert.equal(JSON.parse(r?.body ?? "{}").body.length, body.length);
        c.destroy();
      }),
  },
  {
    name: "RFC 9112 §9.5: an idle keep-alive connection is closed after the timeout",
    run: (t) =>
      withServer(t, { keepAliveTimeoutMs: 150 }, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/bytes/1"));
        await c.responses(1);
        assert.equal(await c.closed(2000), "fin");
      }),
  },
  {
    name: "RFC 9112 §9.6: the last response before maxRequestsPerConnection says close",
    run: (t) =>
      withServer(t, { maxRequestsPerConnection: 2, advertiseKeepAlive: true }, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/bytes/1") + GET("/bytes/2") + GET("/bytes/3"));
        assert.equal(await c.closed(), "fin");
        const rs = await c.responses(3, 100);
        assert.equal(rs.length, 2);
        assert.match(rs[0]?.header("keep-alive") ?? "", /timeout=\d+, max=1/);
        assert.match(rs[1]?.header("connection") ?? "", /close/);
      }),
  },
  {
    name: "graceful close: a 413 sent before the body is read reaches the client (no reset)",
    run: (t) =>
      withServer(t, { limits: { maxBodyBytes: 1000 } }, async (s) => {
        const c = new RawClient(s.port);
        await c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n");
        await c.send("x".repeat(300000)).catch(() => {});
        const [r] = await c.responses(1);
        assert.equal(r?.status, 413);
        assert.notEqual(await c.closed(), "reset");
      }),
  },
  {
    name: "RFC 9110 §9.3.2: HEAD gets the GET head with Content-Length and no body",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(`HEAD /bytes/1234 HTTP/1.1\r\nHost: t\r\n\r\n${GET("/bytes/2")}`);
        await c.until((x) => x.text().split("HTTP/1.1 200").length === 3);
        const text = c.text();
        assert.match(
          text,
          /^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 1234\r\n\r\nHTTP\/1\.1 200/i,
        );
        c.destroy();
      }),
  },
  {
    name: "per-client cap: connections beyond maxConnectionsPerClient are refused",
    run: (t) =>
      withServer(t, { maxConnectionsPerClient: 2 }, async (s) => {
        const a = new RawClient(s.port);
        const b = new RawClient(s.port);
        await a.send(GET("/bytes/1"));
        await b.send(GET("/bytes/1"));
        await a.responses(1);
        await b.responses(1);
        const c = new RawClient(s.port);
        await c.send(GET("/bytes/1")).catch(() => {});
        assert.notEqual(await c.closed(), "open");
        assert.equal(c.bytes, 0);
        a.destroy();
        b.destroy();
      }),
  },
  {
    name: "graceful shutdown: an in-flight request completes with Connection: close",
    run: (t) =>
      withServer(t, {}, async (s) => {
        const c = new RawClient(s.port);
        await c.send(GET("/delay/200"));
        await sleep(50);
        const closing = s.close();
        const [r] = await c.responses(1);
        assert.equal(r?.body, "ok");
        assert.match(r?.header("connection") ?? "", /close/);
        await closing;
      }),
  },
  ...webHeadCases,
  ...webAnswerCases,
];
