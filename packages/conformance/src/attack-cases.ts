/**
 * Attacks on a server (issue #8): slow headers, slow bodies, header floods,
 * an oversized request-line, a connection flood from one address and a
 * pipelining flood from a client that never reads. Each case runs one
 * attack over raw TCP against a Tether server with short limits, checks
 * that a limit cuts it off with the right status or close, and — while the
 * attack is under way — that a well-behaved client on another address
 * (127.0.0.2, so the per-client cap never applies to it) is served
 * promptly. Every case is bounded (well under 3 s).
 *
 * What the defences are, and where a limit is not the server's:
 *
 * | attack                     | limit                                   | outcome checked                          |
 * |----------------------------|-----------------------------------------|------------------------------------------|
 * | slow headers               | `headersTimeoutMs`                      | 408, `Connection: close`, FIN (RFC 9110 §15.5.9) |
 * | slow body (silence)        | `bodyTimeoutMs`                         | the connection is closed, no response    |
 * | header flood               | `limits.maxFields`, `maxHeaderBytes`, `maxFieldLine` | 431 and FIN (RFC 6585 §5)   |
 * | huge request-line          | `limits.maxRequestLine`                 | 414 and close (RFC 9112 §3)              |
 * | another protocol (TLS)     | the method, judged octet by octet       | 400 at once, no timer waited for, close (RFC 9112 §3) |
 * | truncated or malformed body | the parser, `limits.maxBodyBytes`      | one answer (400/413, close), not held    |
 * | connection flood           | `maxConnectionsPerClient`               | the excess is closed unanswered          |
 * | connections reset at once  | the accept loop                         | it keeps accepting                       |
 * | pipelining flood           | `maxPipelinedRequests`, write back-pressure | reading stops: requests read and memory stay bounded |
 *
 * A body trickled one octet at a time just faster than `bodyTimeoutMs` is
 * not cut off by it (it bounds silence, not pace); such a peer holds one
 * connection slot, and `maxConnectionsPerClient` bounds how many one address
 * holds. A client that never reads keeps its connection until it goes away:
 * no option bounds how long a server waits for its writes to drain while
 * the connection is otherwise open (`linger.drainTimeoutMs` applies only
 * once a close has begun) — the buffering is what the case bounds.
 */
import assert from "node:assert/strict";
import net from "node:net";
import type { RawHandler, ServeOptions, TetherServer } from "@tether/adapter-kit";
import { route } from "@tether/example-shared";
import { sleep } from "./client-kit.ts";
import { parseResponses, RawClient } from "./raw-client.ts";
import { type ConformanceCase, closeWithin, GET, type ServerUnderTest } from "./server-cases.ts";

/** The well-behaved client's address: never the attacker's (127.0.0.1). */
export const PROBE_ADDRESS = "127.0.0.2";

/**
 * A well-behaved client's answer must come within this (ms), attack or not.
 * A server that an attack stalls never answers, so the bound tells a stall
 * from a delay with room to spare: on a loaded 2-core machine (the whole
 * test command runs the three runtimes' suites at once) working off 300
 * resets alone has taken most of a second.
 */
const PROMPT_MS = 2000;

/** A server with the example routes and a count of the requests its handler received. */
interface Target {
  readonly server: TetherServer;
  /** Requests handed to the handler so far. */
  handled(): number;
}

/** Runs `body` against a fresh server on 127.0.0.1, then closes it (waiting 3 s at most). */
async function withServer(
  t: ServerUnderTest,
  options: Omit<ServeOptions, "handler" | "fetch">,
  body: (target: Target) => Promise<void>,
): Promise<void> {
  let handled = 0;
  const handler: RawHandler = (ex) => {
    handled++;
    return route(ex);
  };
  const server = await t.serve({ hostname: "127.0.0.1", port: 0, ...options, handler });
  try {
    await body({ server, handled: () => handled });
  } finally {
    await closeWithin(server);
  }
}

/**
 * A well-behaved client: a fresh connection from {@link PROBE_ADDRESS}, one
 * `GET /bytes/100`. Resolves with the time the complete answer took (ms);
 * fails unless it is a 200 with the 100 octets within {@link PROMPT_MS}.
 */
export async function probe(port: number): Promise<number> {
  const started = performance.now();
  const socket = net.connect({ port, host: "127.0.0.1", localAddress: PROBE_ADDRESS });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  try {
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROMPT_MS);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      socket.on("connect", () => socket.write(GET("/bytes/100")));
      socket.on("data", (b: Buffer) => {
        chunks.push(b);
        if (parseResponses(Buffer.concat(chunks).toString("latin1")).length > 0) done(true);
      });
      socket.on("error", () => done(false));
      socket.on("close", () => done(false));
    });
    const elapsed = performance.now() - started;
    assert.ok(answered, `the well-behaved client got no answer within ${PROMPT_MS} ms`);
    const [r] = parseResponses(Buffer.concat(chunks).toString("latin1"));
    assert.equal(r?.status, 200);
    assert.equal(r?.body.length, 100);
    return elapsed;
  } finally {
    socket.destroy();
  }
}

/** Sends `bytes` one octet every `everyMs` until all are sent or the server answers or closes. */
async function trickle(c: RawClient, bytes: string, everyMs: number): Promise<void> {
  for (let i = 0; i < bytes.length; i++) {
    if (c.end !== "open" || c.bytes > 0) return;
    await c.send(bytes[i] as string).catch(() => {});
    await sleep(everyMs);
  }
}

/** A raw client that writes everything at once and never reads (its kernel window closes). */
class DeafClient {
  readonly socket: net.Socket;
  ended = false;

  constructor(port: number) {
    this.socket = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    this.socket.setNoDelay(true);
    this.socket.pause();
    this.socket.on("error", () => {
      this.ended = true;
    });
    this.socket.on("close", () => {
      this.ended = true;
    });
  }

  write(data: string): void {
    this.socket.write(Buffer.from(data, "latin1"));
  }
}

/** Server memory, the part an unbounded buffer would grow: RSS (octets). */
function rss(): number {
  return process.memoryUsage().rss;
}

/** An oversized head with its status (RFC 9112 §3, RFC 6585 §5): the attack and what must stop it. */
const FLOODS: readonly (readonly [name: string, bytes: () => string, status: number])[] = [
  [
    "header flood: 5000 field lines (maxFields 128) get 431",
    () => GET("/", Array.from({ length: 5000 }, (_, i) => `X-F${i}: v\r\n`).join("")),
    431,
  ],
  [
    "header flood: 100 field lines of 8000 octets (maxHeaderBytes 64 KiB) get 431",
    () =>
      GET("/", Array.from({ length: 100 }, (_, i) => `X-F${i}: ${"v".repeat(8000)}\r\n`).join("")),
    431,
  ],
  [
    "header flood: one 200 000-octet field line (maxFieldLine 8192) gets 431",
    () => GET("/", `X-Big: ${"v".repeat(200_000)}\r\n`),
    431,
  ],
  [
    "huge request-line: a 100 000-octet target (maxRequestLine 8192) gets 414",
    () => GET(`/${"a".repeat(100_000)}`),
    414,
  ],
];

/** The cases. */
export const attackCases: ConformanceCase<ServerUnderTest>[] = [
  {
    name: "attack: slow headers (10 clients trickling a head) — 408 and close after headersTimeoutMs, others served meanwhile",
    run: (t) =>
      withServer(t, { headersTimeoutMs: 300 }, async ({ server }) => {
        const head = GET("/bytes/10", `X-Pad: ${"p".repeat(200)}\r\n`);
        const started = performance.now();
        const attackers = Array.from({ length: 10 }, () => new RawClient(server.port));
        const trickling = attackers.map((c) => trickle(c, head, 10));
        await sleep(60);
        await probe(server.port);
        for (const c of attackers) {
          assert.equal(await c.closed(2000), "fin");
          const [r] = await c.responses(1, 100);
          assert.equal(r?.status, 408);
          assert.match(r?.header("connection") ?? "", /close/);
        }
        const elapsed = performance.now() - started;
        assert.ok(elapsed >= 290 && elapsed < 1500, `cut off after ${elapsed} ms`);
        await Promise.all(trickling);
        for (const c of attackers) c.destroy();
      }),
  },
  {
    name: "attack: slow body (a body that stops arriving) — closed after bodyTimeoutMs, others served meanwhile",
    run: (t) =>
      withServer(t, { bodyTimeoutMs: 300 }, async ({ server, handled }) => {
        const started = performance.now();
        const attackers = Array.from({ length: 5 }, () => new RawClient(server.port));
        for (const c of attackers) {
          await c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n0123456789");
        }
        await sleep(60);
        await probe(server.port);
        for (const c of attackers) {
          assert.notEqual(await c.closed(2000), "open");
          // The exchange is lost: no response, the connection just ends.
          assert.equal(c.bytes, 0);
        }
        const elapsed = performance.now() - started;
        assert.ok(elapsed >= 290 && elapsed < 1500, `cut off after ${elapsed} ms`);
        assert.equal(handled(), 5 + 1);
      }),
  },
  ...FLOODS.map(
    ([name, bytes, status]): ConformanceCase<ServerUnderTest> => ({
      name: `attack: ${name} and FIN, others served meanwhile`,
      run: (t) =>
        withServer(t, {}, async ({ server, handled }) => {
          const attackers = Array.from({ length: 5 }, () => new RawClient(server.port));
          const payload = bytes();
          const sending = attackers.map((c) => c.send(payload).catch(() => {}));
          await probe(server.port);
          await Promise.all(sending);
          for (const c of attackers) {
            const [r] = await c.responses(1, 2000);
            assert.equal(r?.status, status);
            assert.match(r?.header("connection") ?? "", /close/);
            assert.equal(await c.closed(2000), "fin");
          }
          // Only the probe reached the application.
          assert.equal(handled(), 1);
        }),
    }),
  ),
  {
    name: "attack: an endless request-line (2 MiB, no CRLF) gets 414 and is cut off, others served meanwhile",
    run: (t) =>
      withServer(t, {}, async ({ server, handled }) => {
        const c = new RawClient(server.port);
        const sending = c.send(`GET /${"a".repeat(2 * 1024 * 1024)}`).catch(() => {});
        await probe(server.port);
        const [r] = await c.responses(1, 2000);
        assert.equal(r?.status, 414);
        // Past the linger budget the rest of the flood may be met with a reset: its own doing.
        assert.notEqual(await c.closed(2000), "open");
        await sending;
        assert.equal(handled(), 1);
      }),
  },
  {
    name: "attack: the first octets of a TLS ClientHello (no LF yet) on the cleartext port get 400 at once (RFC 9112 §3), not after headersTimeoutMs, and the connection closes",
    run: (t) =>
      withServer(t, { headersTimeoutMs: 60_000 }, async ({ server, handled }) => {
        const c = new RawClient(server.port);
        // A ClientHello's record and handshake headers (RFC 8446 §5.1, §4.1.2): no LF anywhere.
        const hello = Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03]);
        await c.send(hello);
        const [r] = await c.responses(1, 2000);
        assert.equal(r?.status, 400);
        assert.equal(r?.header("connection"), "close");
        assert.notEqual(await c.closed(2000), "open");
        await probe(server.port);
        assert.equal(handled(), 1);
      }),
  },
  ...(
    [
      [
        "a body cut short by the client's FIN",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n0123456789",
        true,
        400,
      ],
      [
        "a chunked body that turns malformed",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n",
        false,
        400,
      ],
      [
        "a chunked body that outgrows maxBodyBytes (1000)",
        `POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${`100\r\n${"x".repeat(256)}\r\n`.repeat(6)}`,
        false,
        413,
      ],
    ] as const
  ).map(
    ([what, bytes, fin, status]): ConformanceCase<ServerUnderTest> => ({
      name: `attack: ${what} — one answer (${status}, close) and the connection is not held, others served meanwhile`,
      run: (t) =>
        withServer(t, { limits: { maxBodyBytes: 1000 } }, async ({ server }) => {
          const closed: string[] = [];
          server.on((e) => {
            if (e.type === "connection-closed") closed.push(e.reason);
          });
          const c = new RawClient(server.port);
          await c.send(bytes);
          if (fin) await c.finish();
          await probe(server.port);
          assert.notEqual(await c.closed(2000), "open");
          const rs = await c.responses(2, 100);
          assert.deepEqual(
            rs.map((r) => [r.status, r.header("connection")]),
            [[status, "close"]],
          );
          await sleep(50);
          assert.ok(closed.includes("protocol-error"), `closed: ${closed.join(", ")}`);
        }),
    }),
  ),
  {
    name: "attack: connection flood — 60 connections from one address, maxConnectionsPerClient 20: the excess closed unanswered, others served meanwhile",
    run: (t) =>
      withServer(t, { maxConnectionsPerClient: 20 }, async ({ server }) => {
        const refused: string[] = [];
        server.on((e) => {
          if (e.type === "connection-refused") refused.push(e.reason);
        });
        const flood: RawClient[] = [];
        for (let i = 0; i < 60; i++) flood.push(new RawClient(server.port));
        // Admitted connections are held open (each sends a request and idles); the rest are closed.
        await Promise.all(flood.map((c) => c.send(GET("/bytes/1")).catch(() => {})));
        await probe(server.port);
        await Promise.all(flood.map((c) => c.until((x) => x.bytes > 0 || x.end !== "open", 2000)));
        const served = flood.filter((c) => c.bytes > 0);
        const cut = flood.filter((c) => c.bytes === 0);
        assert.equal(served.length, 20);
        assert.equal(cut.length, 40);
        for (const c of cut) assert.notEqual(c.end, "open");
        for (const c of served) assert.equal(c.end, "open");
        assert.equal(refused.length, 40);
        assert.ok(refused.every((r) => r === "too-many-connections-from-client"));
        // Slots come back when the admitted connections go.
        for (const c of served) c.destroy();
        await sleep(100);
        const again = new RawClient(server.port);
        await again.send(GET("/bytes/1"));
        const [r] = await again.responses(1, 2000);
        assert.equal(r?.status, 200);
        again.destroy();
      }),
  },
  {
    name: "attack: 300 connections reset as soon as they open — the accept loop keeps up, others served meanwhile",
    run: (t) =>
      withServer(t, { maxConnectionsPerClient: 1000 }, async ({ server }) => {
        let connected = 0;
        const gone: Promise<void>[] = [];
        for (let i = 0; i < 300; i++) {
          const s = net.connect({ port: server.port, host: "127.0.0.1" });
          s.on("error", () => {});
          // Written and reset at once, before the server may have accepted them.
          s.on("connect", () => {
            connected++;
            s.write("GET / HTTP/1.1\r\n");
            if (typeof s.resetAndDestroy === "function") s.resetAndDestroy();
            else s.destroy();
          });
          gone.push(new Promise((resolve) => s.on("close", () => resolve())));
        }
        await Promise.all(gone);
        assert.ok(connected > 0);
        await probe(server.port);
      }),
  },
  {
    name: "attack: pipelining flood — 10 000 pipelined GETs from a client that never reads: reading stops, memory bounded, others served meanwhile",
    run: (t) =>
      withServer(t, { maxPipelinedRequests: 16 }, async ({ server, handled }) => {
        const before = rss();
        const deaf = new DeafClient(server.port);
        // 10 000 requests, 16 KiB each answered: 160 MiB if the server kept on answering.
        deaf.write(GET("/bytes/16384").repeat(10_000));
        await sleep(500);
        const early = handled();
        await probe(server.port);
        await sleep(500);
        const late = handled();
        const grown = rss() - before;
        // The probe accounts for one; the rest stopped once the window closed.
        assert.ok(late - 1 <= early, `still reading: ${early} then ${late} requests handled`);
        assert.ok(late < 2000, `${late} of 10 000 pipelined requests were read`);
        assert.ok(grown < 64 * 1024 * 1024, `server memory grew by ${grown} octets`);
        deaf.socket.destroy();
      }),
  },
];
