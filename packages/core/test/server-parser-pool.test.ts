/**
 * Idle connections give their request parser back to a pool shared by the
 * sessions of one server (parser-pool.ts): between two messages a parser
 * holds nothing of its own (RFC 9112 §9.3: each message on a persistent
 * connection is framed on its own). These tests pin when it is given back,
 * and that a parser reused by another connection parses exactly as a
 * fresh one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ServerEvent } from "../src/connection-events.ts";
import { ParserPool } from "../src/parser-pool.ts";
import { ServerConnection } from "../src/server-connection.ts";
import { ServerPolicy } from "../src/server-policy.ts";
import { bytes, eventLine, GET } from "./server-harness.ts";

function drain(conn: ServerConnection): ServerEvent[] {
  const out: ServerEvent[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) out.push(ev);
  return out;
}

/** What a test compares: event types, ids, targets, body text, error codes. */
function summary(events: readonly ServerEvent[]): string[] {
  return events.map(eventLine);
}

function pooled(pool: ParserPool): ServerConnection {
  return new ServerConnection({ parserPool: pool });
}

const newPool = () => new ParserPool({ kind: "request" });

describe("ServerConnection with a parser pool", () => {
  it("RFC 9112 §2.2: a parser that skipped empty lines before a request-line is not given back (the count is the connection's)", () => {
    const pool = newPool();
    const conn = pooled(pool);
    // Empty lines after a request, in the same read, before the next
    // request-line: the parser keeps counting them for this connection only.
    conn.receive(bytes(`${GET("/1")}\r\n\r\n`));
    drain(conn);
    conn.respond({ status: 204 });
    expect(pool.size).toBe(0);
    const other = pooled(pool);
    other.receive(bytes(GET("/other")));
    expect(summary(drain(other))).toEqual(["request 1 GET /other", "end 1"]);
    // The first connection's count went on where it stopped: the limit of
    // empty lines is per connection, not reset by an exchange of parsers.
    conn.receive(bytes("\r\n".repeat(20)));
    expect(summary(drain(conn))).toEqual(["error 2 INVALID_REQUEST_LINE"]);
  });

  it("RFC 9112 §9.3: a connection idle between requests gives its parser back", () => {
    const pool = newPool();
    const conn = pooled(pool);
    expect(pool.size).toBe(0);
    conn.receive(bytes(GET("/1")));
    expect(summary(drain(conn))).toEqual(["request 1 GET /1", "end 1"]);
    expect(pool.size).toBe(1);
    conn.respond({ status: 204 });
    conn.receive(bytes(GET("/2")));
    expect(pool.size).toBe(0);
    expect(summary(drain(conn))).toEqual(["request 2 GET /2", "end 2"]);
    expect(pool.size).toBe(1);
  });

  it("RFC 9112 §9.3: a half-read head or body keeps the parser", () => {
    const pool = newPool();
    const conn = pooled(pool);
    conn.receive(bytes("GET / HTTP/1.1\r\nHo"));
    drain(conn);
    expect(pool.size).toBe(0);
    expect(conn.headInProgress).toBe(true);
    conn.receive(bytes("st: a\r\nContent-Length: 4\r\n\r\nab"));
    drain(conn);
    expect(pool.size).toBe(0);
    conn.receive(bytes("cd"));
    expect(summary(drain(conn)).at(-1)).toBe("end 1");
    expect(pool.size).toBe(1);
  });

  it("RFC 9112 §2.2: empty lines before a request are counted with the parser kept", () => {
    const pool = newPool();
    const conn = pooled(pool);
    conn.receive(bytes("\r\n"));
    drain(conn);
    expect(pool.size).toBe(0); // the empty-line count lives in the parser
    conn.receive(bytes(GET()));
    expect(summary(drain(conn))).toEqual(["request 1 GET /", "end 1"]);
  });

  it("RFC 9112 §9.6: the peer's FIN on an idle connection is still seen", () => {
    const pool = newPool();
    const conn = pooled(pool);
    conn.receive(bytes(GET()));
    drain(conn);
    conn.respond({ status: 204 });
    conn.receiveEnd();
    expect(summary(drain(conn))).toEqual(["peer-closed"]);
    expect(conn.state).toBe("must-close");
  });

  it("property: connections sharing one pool parse any interleaving as connections of their own", () => {
    const message = fc.oneof(
      fc.constantFrom(GET("/a"), GET("/b", "X: 1\r\n")),
      fc.constant("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz"),
      fc.constant(
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
      ),
      fc.constant("\r\n"),
      fc.constant("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"),
    );
    // Each step: which connection gets the next piece, and the piece.
    const script = fc.array(fc.record({ conn: fc.nat(2), text: message, cut: fc.nat(60) }), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(script, (steps) => {
        const pool = newPool();
        const shared = [pooled(pool), pooled(pool), pooled(pool)];
        const own = [new ServerConnection(), new ServerConnection(), new ServerConnection()];
        const got: string[][] = [[], [], []];
        const want: string[][] = [[], [], []];
        for (const step of steps) {
          const b = bytes(step.text);
          const at = Math.min(step.cut, b.length);
          for (const piece of [b.subarray(0, at), b.subarray(at)]) {
            for (const [list, out] of [
              [shared, got],
              [own, want],
            ] as const) {
              const conn = list[step.conn] as ServerConnection;
              conn.receive(piece);
              for (const ev of drain(conn)) {
                (out[step.conn] as string[]).push(...summary([ev]));
                // Answer at once, so the connection goes on reading.
                if (ev.type === "end" && conn.pendingResponses > 0 && conn.state === "open") {
                  conn.respond({ status: 204 });
                }
              }
            }
          }
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ServerPolicy: one parser pool for all its sessions", () => {
  it("RFC 9112 §9.3: idle keep-alive sessions of one server share the pool", () => {
    const policy = new ServerPolicy({ maxConnectionsPerClient: 10 });
    const sessions = [1, 2, 3].map(() => {
      const r = policy.accept("192.0.2.1", 0);
      if (!r.accept) throw new Error("refused");
      return r.session;
    });
    for (const s of sessions) {
      s.received(bytes(GET()), 1);
      s.takeEvents();
      s.respond({ status: 200 }, 1, { body: bytes("ok") });
      expect(s.takeActions().map((a) => a.type)).toEqual(["write"]);
      s.writable(2);
    }
    expect(sessions.map((s) => s.requestsAnswered)).toEqual([1, 1, 1]);
    expect(sessions.every((s) => s.state === "open")).toBe(true);
  });
});
