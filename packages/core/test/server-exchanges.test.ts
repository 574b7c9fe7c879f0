/**
 * The pending exchanges of a server connection (server-exchanges.ts):
 * however requests and answers interleave, responses are matched to
 * requests strictly in order (RFC 9112 §9.3.2) and the count of pending
 * responses is exact — also over long pipelined runs whose queue never
 * empties (its used part is cut off as it goes), and when an answer ends
 * persistence with pipelined requests behind it: they are dropped (RFC 9112
 * §9.6), whether or not earlier ones were taken from the same list.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerConnection } from "../src/server-connection.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const GET = (n: number) => `GET /${n} HTTP/1.1\r\nHost: a\r\n\r\n`;

/** Reads every request now readable; returns their targets. */
function readAll(conn: ServerConnection): string[] {
  const out: string[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) {
    if (ev.type === "request") out.push(ev.head.target);
  }
  return out;
}

/** Answers the oldest pending request with its own target as the body; `close` adds `Connection: close`. */
function answer(conn: ServerConnection, target: string, close = false): string {
  const fields: [string, string][] = close ? [["Connection", "close"]] : [];
  const head = dec.decode(conn.respond({ status: 200, fields }, { bodyLength: target.length }));
  const body = conn
    .sendData(enc.encode(target))
    .map((b) => dec.decode(b))
    .join("");
  conn.sendEnd();
  return head + body;
}

describe("pending exchanges (RFC 9112 §9.3.2)", () => {
  it("RFC 9112 §9.3.2: 200 pipelined requests read 4 at a time are answered in order, the queue never emptying", () => {
    const conn = new ServerConnection({ maxPipelinedRequests: 4 });
    conn.receive(enc.encode(Array.from({ length: 200 }, (_, i) => GET(i)).join("")));
    const read: string[] = readAll(conn);
    expect(read.length).toBe(4);
    let answered = 0;
    while (answered < 200) {
      expect(conn.pendingResponses).toBe(read.length - answered);
      const wire = answer(conn, read[answered] as string);
      expect(wire.endsWith(`\r\n\r\n/${answered}`)).toBe(true);
      answered++;
      read.push(...readAll(conn));
    }
    expect(read).toEqual(Array.from({ length: 200 }, (_, i) => `/${i}`));
    expect(conn.pendingResponses).toBe(0);
    expect(conn.requestsAnswered).toBe(200);
  });

  it("RFC 9112 §9.3.2: a pipelined request's own facts (version, close) apply once it becomes the oldest", () => {
    const conn = new ServerConnection();
    conn.receive(
      enc.encode(
        `${GET(0)}GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
      ),
    );
    expect(readAll(conn)).toEqual(["/0", "/1", "/2"]);
    const first = answer(conn, "/0");
    expect(first).not.toMatch(/Connection:/i);
    // RFC 9112 §9.3 / Appendix C.2.2: the 1.0 client's keep-alive is echoed.
    expect(answer(conn, "/1")).toMatch(/\r\nConnection: keep-alive\r\n/i);
    // RFC 9112 §9.6: the request that said close gets the last response.
    expect(answer(conn, "/2")).toMatch(/\r\nConnection: close\r\n/i);
    expect(conn.pendingResponses).toBe(0);
    expect(conn.requestsAnswered).toBe(3);
  });

  it("RFC 9112 §9.3.2: a body read after its response was sent keeps its request's id; the next request is new", () => {
    const conn = new ServerConnection();
    conn.receive(enc.encode("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab"));
    const ids: string[] = [];
    const drain = () => {
      for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) {
        ids.push(`${ev.type}:${"id" in ev ? ev.id : "-"}`);
      }
    };
    drain();
    answer(conn, "/a");
    expect(conn.pendingResponses).toBe(0);
    conn.receive(enc.encode(`cd${GET(1)}`));
    drain();
    expect(ids).toEqual(["request:1", "data:1", "data:1", "end:1", "request:2", "end:2"]);
    expect(conn.pendingResponses).toBe(1);
    expect(answer(conn, "/1").endsWith("\r\n\r\n/1")).toBe(true);
    expect(conn.pendingResponses).toBe(0);
    expect(conn.requestsAnswered).toBe(2);
  });

  it("property: any interleaving of arrivals and answers keeps order and the pending count", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 6 })), { maxLength: 120 }),
        (limit, steps) => {
          const conn = new ServerConnection({ maxPipelinedRequests: limit });
          let sent = 0;
          let answered = 0;
          const read: string[] = [];
          for (const step of steps) {
            if (step > 0) {
              let text = "";
              for (let i = 0; i < step; i++) text += GET(sent++);
              conn.receive(enc.encode(text));
            } else if (read.length > answered) {
              answer(conn, read[answered] as string);
              answered++;
            }
            read.push(...readAll(conn));
            expect(conn.pendingResponses).toBe(read.length - answered);
            expect(conn.pendingResponses).toBeLessThanOrEqual(limit);
          }
          expect(read).toEqual(Array.from({ length: read.length }, (_, i) => `/${i}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("RFC 9112 §9.6: the answer that ends persistence drops the requests read after it", () => {
    const conn = new ServerConnection();
    conn.receive(
      enc.encode(`${GET(0)}GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n${GET(2)}`),
    );
    expect(readAll(conn)).toEqual(["/0", "/1"]);
    answer(conn, "/0");
    expect(answer(conn, "/1")).toContain("Connection: close");
    expect(conn.pendingResponses).toBe(0);
    expect(conn.state).toBe("must-close");
  });
});

describe("pending exchanges: dropped behind a closing answer (RFC 9112 §9.6)", () => {
  it("RFC 9112 §9.6: a Connection: close answer drops the pipelined requests behind it", () => {
    const conn = new ServerConnection({ maxPipelinedRequests: 8 });
    conn.receive(enc.encode([0, 1, 2, 3].map(GET).join("")));
    expect(readAll(conn)).toEqual(["/0", "/1", "/2", "/3"]);
    expect(conn.pendingResponses).toBe(4);
    const head = dec.decode(
      conn.respond({ status: 200, fields: [["Connection", "close"]] }, { bodyLength: 2 }),
    );
    expect(head).toContain("Connection: close");
    expect(conn.pendingResponses).toBe(1); // its own body is still to be sent
    conn.sendData(enc.encode("/0"));
    conn.sendEnd();
    expect(conn.pendingResponses).toBe(0);
    expect(conn.state).toBe("must-close");
    expect(readAll(conn)).toEqual([]);
  });

  it("property: after any number of answers from a long queue, a closing answer leaves one pending, then none", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        (limit, answeredFirst) => {
          const total = 80;
          const conn = new ServerConnection({ maxPipelinedRequests: limit });
          conn.receive(enc.encode(Array.from({ length: total }, (_, i) => GET(i)).join("")));
          const read = readAll(conn);
          let answered = 0;
          while (answered < answeredFirst) {
            answer(conn, read[answered] as string);
            answered++;
            read.push(...readAll(conn));
            expect(conn.pendingResponses).toBe(read.length - answered);
          }
          const behind = conn.pendingResponses - 1;
          expect(behind).toBe(Math.min(limit, total - answered) - 1);
          answer(conn, read[answered] as string, true);
          expect(conn.pendingResponses).toBe(0);
          expect(conn.state).toBe("must-close");
          expect(conn.requestsAnswered).toBe(answered + 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
