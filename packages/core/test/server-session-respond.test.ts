/**
 * `ServerSession.respond(head, now, { body })`: a whole answer in one call —
 * head, body and end in one write action.
 */
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { ServerSession } from "../src/server-session.ts";
import { bytes, GET } from "./server-harness.ts";

const dec = new TextDecoder("latin1");

function session(request: string): ServerSession {
  const s = new ServerSession(1, 0);
  s.received(bytes(request), 0);
  s.takeEvents();
  return s;
}

function wire(s: ServerSession): string[] {
  return s
    .takeActions()
    .map((a) => (a.type === "write" ? a.data.map((b) => dec.decode(b)).join("") : a.type));
}

describe("ServerSession.respond with a whole body", () => {
  it("RFC 9112 §6.2: head and body go out in one write, framed by Content-Length", () => {
    const s = session(GET());
    s.respond({ status: 200, fields: [["Content-Type", "text/plain"]] }, 0, {
      body: bytes("hello"),
    });
    expect(wire(s)).toEqual([
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
    ]);
    expect(s.sendingBody).toBe(false);
    expect(s.requestsAnswered).toBe(1);
  });

  it("RFC 9112 §9.3.2: pipelined answers, each head with its body, in order and intact", () => {
    const s = new ServerSession(1, 0);
    s.received(bytes(GET("/1") + GET("/2") + GET("/3")), 0);
    s.takeEvents();
    const sent: string[] = [];
    for (const n of ["one", "two", "three"]) {
      s.respond({ status: 200 }, 0, { body: bytes(n) });
      sent.push(wire(s).join(""));
    }
    expect(sent).toEqual(
      ["one", "two", "three"].map(
        (n) => `HTTP/1.1 200 OK\r\nContent-Length: ${n.length}\r\n\r\n${n}`,
      ),
    );
  });

  it("RFC 9112 §6.3 item 1: the answer to HEAD is the head alone", () => {
    const s = session("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    s.respond({ status: 200 }, 0, { body: bytes("hello") });
    expect(wire(s)).toEqual(["HTTP/1.1 200 OK\r\n\r\n"]);
    expect(s.requestsAnswered).toBe(1);
  });

  it("RFC 9110 §15.3.5: a 204 refuses a body, and the request stays unanswered", () => {
    const s = session(GET());
    expect(() => s.respond({ status: 204 }, 0, { body: bytes("x") })).toThrow(UsageError);
    expect(s.takeActions()).toEqual([]);
    s.respond({ status: 204 }, 0, { body: new Uint8Array(0) });
    expect(wire(s)).toEqual(["HTTP/1.1 204 No Content\r\n\r\n"]);
  });

  it("RFC 9112 §9.6: the last answer says Connection: close in the same write", () => {
    const s = session(GET("/", "Connection: close\r\n"));
    s.respond({ status: 200 }, 0, { body: bytes("ok") });
    const writes = wire(s).filter((w) => w.startsWith("HTTP/"));
    expect(writes).toEqual(["HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"]);
    s.writable(0);
    expect(wire(s)).toEqual(["shutdown-write"]);
  });
});
