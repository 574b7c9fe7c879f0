/**
 * The count of pending exchanges (server-exchanges.ts keeps it as exchanges
 * come and go, and takes the pipelined ones by an index) when an answer
 * ends persistence with pipelined requests behind it: they are dropped
 * (RFC 9112 §9.6), whether or not earlier ones were taken from the same
 * list, and the count says so at once.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerConnection } from "../src/server-connection.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const GET = (n: number) => `GET /${n} HTTP/1.1\r\nHost: a\r\n\r\n`;

function readAll(conn: ServerConnection): string[] {
  const out: string[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) {
    if (ev.type === "request") out.push(ev.head.target);
  }
  return out;
}

/** Answers the oldest request with its target as the body; `close` adds `Connection: close`. */
function answer(conn: ServerConnection, target: string, close = false): string {
  const fields: [string, string][] = close ? [["Connection", "close"]] : [];
  const head = dec.decode(conn.respond({ status: 200, fields }, { bodyLength: target.length }));
  conn.sendData(enc.encode(target));
  conn.sendEnd();
  return head;
}

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
