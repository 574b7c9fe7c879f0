import { describe, expect, it } from "vitest";
import type { ServerEvent } from "../src/connection-events.ts";
import { UsageError } from "../src/errors.ts";
import { ServerConnection } from "../src/server-connection.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const bytes = (s: string) => enc.encode(s);
const text = (parts: Uint8Array | Uint8Array[]) =>
  (Array.isArray(parts) ? parts : [parts]).map((p) => dec.decode(p)).join("");

/** Drains every event available now. */
function drain(conn: ServerConnection): ServerEvent[] {
  const out: ServerEvent[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) out.push(ev);
  return out;
}

/** Answers the oldest request with a small body and returns the wire text. */
function answer(conn: ServerConnection, body = "ok", fields: [string, string][] = []): string {
  const head = conn.respond({ status: 200, fields }, { bodyLength: body.length });
  return (
    text(head) + (body.length > 0 ? text(conn.sendData(bytes(body))) : "") + text(conn.sendEnd())
  );
}

const GET = (target = "/", extra = "") => `GET ${target} HTTP/1.1\r\nHost: a\r\n${extra}\r\n`;

describe("ServerConnection: persistence (RFC 9112 §9.3)", () => {
  it("RFC 9112 §9.3: an HTTP/1.1 request persists by default; no Connection field is needed", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(GET()));
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["request", "end"]);
    const wire = answer(conn);
    expect(wire).toBe("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    expect(conn.state).toBe("open");
    expect(conn.closeReason).toBeNull();
  });

  it("RFC 9112 §9.6: a request with Connection: close gets a close response, then must-close", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(GET("/", "Connection: close\r\n") + GET("/next")));
    const evs = drain(conn);
    // §9.6: the server MUST NOT process further requests on that connection.
    expect(evs.map((e) => e.type)).toEqual(["request", "end"]);
    const wire = answer(conn);
    expect(wire).toContain("\r\nConnection: close\r\n");
    expect(conn.state).toBe("must-close");
    expect(conn.closeReason).toBe("connection-close");
    expect(() => conn.respond({ status: 200 })).toThrow(UsageError);
  });

  it("RFC 9112 §9.3: an HTTP/1.0 request without keep-alive ends persistence", () => {
    const conn = new ServerConnection();
    conn.receive(bytes("GET / HTTP/1.0\r\n\r\n"));
    drain(conn);
    const wire = answer(conn);
    expect(wire.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(wire).toContain("Connection: close");
    expect(conn.state).toBe("must-close");
    expect(conn.closeReason).toBe("http10-without-keep-alive");
  });

  it("RFC 9112 §9.3: HTTP/1.0 keep-alive is honoured and echoed", () => {
    const conn = new ServerConnection();
    conn.receive(bytes("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    drain(conn);
    const wire = answer(conn);
    expect(wire).toContain("Connection: keep-alive");
    expect(conn.state).toBe("open");
  });

  it("RFC 9112 §6.1, §6.3 item 8: a streamed response to HTTP/1.0 is close-delimited, never chunked", () => {
    const conn = new ServerConnection();
    conn.receive(bytes("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    drain(conn);
    const head = text(conn.respond({ status: 200 }, { bodyLength: null }));
    expect(head).not.toContain("chunked");
    expect(head).toContain("Connection: close");
    const body = text(conn.sendData(bytes("abc")));
    expect(body).toBe("abc");
    conn.sendEnd();
    expect(conn.state).toBe("must-close");
    expect(conn.closeReason).toBe("close-delimited-body");
  });

  it("RFC 9112 §7.1: a streamed response to HTTP/1.1 is chunked and keeps the connection", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(GET()));
    drain(conn);
    const head = text(conn.respond({ status: 200 }, { bodyLength: null }));
    expect(head).toContain("Transfer-Encoding: chunked");
    expect(text(conn.sendData(bytes("abc")))).toBe("3\r\nabc\r\n");
    expect(text(conn.sendEnd())).toBe("0\r\n\r\n");
    expect(conn.state).toBe("open");
  });
});

describe("ServerConnection: pipelining (RFC 9112 §9.3.2)", () => {
  it("RFC 9112 §9.3.2: pipelined requests are read in order and answered in order", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(GET("/1") + GET("/2") + GET("/3")));
    const evs = drain(conn);
    const ids = evs.filter((e) => e.type === "request").map((e) => e.id);
    expect(ids).toEqual([1, 2, 3]);
    expect(conn.pendingResponses).toBe(3);
    for (let i = 0; i < 3; i++) answer(conn, `r${i}`);
    expect(conn.pendingResponses).toBe(0);
    expect(conn.requestsAnswered).toBe(3);
  });

  it("RFC 9112 §9.3.2: read-ahead stops at maxPipelinedRequests until responses are sent", () => {
    const conn = new ServerConnection({ maxPipelinedRequests: 2 });
    conn.receive(bytes(GET("/1") + GET("/2") + GET("/3")));
    expect(drain(conn).filter((e) => e.type === "request")).toHaveLength(2);
    expect(conn.buffered).toBeGreaterThan(0);
    answer(conn);
    const more = drain(conn);
    expect(more.map((e) => e.type)).toEqual(["request", "end"]);
    expect(more[0]?.type === "request" && more[0].head.target).toBe("/3");
  });

  it("RFC 9112 §9.6: a close response drops later pipelined requests unanswered", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(GET("/1") + GET("/2")));
    drain(conn);
    const wire = answer(conn, "bye", [["Connection", "close"]]);
    expect(wire.match(/Connection: close/g)).toHaveLength(1);
    expect(conn.state).toBe("must-close");
    expect(() => answer(conn)).toThrow(UsageError);
  });
});

describe("ServerConnection: policies", () => {
  it("RFC 9112 §9.6: the last response before maxRequests says Connection: close", () => {
    const conn = new ServerConnection({ maxRequests: 2 });
    conn.receive(bytes(GET("/1")));
    drain(conn);
    expect(answer(conn)).not.toContain("Connection: close");
    conn.receive(bytes(GET("/2") + GET("/3")));
    expect(drain(conn).filter((e) => e.type === "request")).toHaveLength(1);
    expect(answer(conn)).toContain("Connection: close");
    expect(conn.closeReason).toBe("max-requests");
    expect(conn.state).toBe("must-close");
  });

  it("Keep-Alive: timeout and the requests left are advertised on persistent responses", () => {
    const conn = new ServerConnection({
      maxRequests: 3,
      advertiseKeepAlive: { timeoutSeconds: 5 },
    });
    conn.receive(bytes(GET()));
    drain(conn);
    expect(answer(conn)).toContain("Keep-Alive: timeout=5, max=2\r\n");
  });

  it("RFC 9112 §9.6: graceful shutdown while idle closes at once", () => {
    const conn = new ServerConnection();
    conn.closeAfterCurrent("shutdown");
    expect(conn.state).toBe("must-close");
  });

  it("RFC 9112 §9.6: graceful shutdown with requests pending marks the last response close", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(GET("/1") + GET("/2")));
    drain(conn);
    conn.closeAfterCurrent("shutdown");
    expect(answer(conn)).not.toContain("Connection: close");
    expect(answer(conn)).toContain("Connection: close");
    expect(conn.state).toBe("must-close");
    expect(conn.closeReason).toBe("shutdown");
  });
});

describe("ServerConnection: errors, half-close, 100-continue, upgrade", () => {
  it("RFC 9112 §9.6: a protocol error is answered in order with its status, then close", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(`${GET("/ok")}GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n`));
    const evs = drain(conn);
    const err = evs.find((e) => e.type === "error");
    expect(err?.type === "error" && err.error.status).toBe(400);
    expect(err?.id).toBe(2);
    answer(conn);
    const wire = answer(conn, "bad request");
    expect(wire).toContain("Connection: close");
    expect(conn.state).toBe("must-close");
    expect(conn.closeReason).toBe("protocol-error");
  });

  it("RFC 9112 §9.6: a client that half-closes after its request still gets the response", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(GET()));
    conn.receiveEnd();
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["request", "end", "peer-closed"]);
    expect(conn.state).toBe("closing");
    const wire = answer(conn);
    expect(wire.startsWith("HTTP/1.1 200 OK")).toBe(true);
    expect(conn.state).toBe("must-close");
  });

  it("RFC 9110 §10.1.1: 100 Continue may precede the final response", () => {
    const conn = new ServerConnection();
    conn.receive(
      bytes("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
    );
    const [req] = drain(conn);
    expect(req?.type === "request" && req.expectContinue).toBe(true);
    expect(text(conn.sendInformational(100))).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    conn.receive(bytes("abc"));
    expect(drain(conn).map((e) => e.type)).toEqual(["data", "end"]);
    answer(conn);
    expect(conn.state).toBe("open");
  });

  it("RFC 9110 §10.1.1: a final response without 100 before the body arrives closes the connection", () => {
    const conn = new ServerConnection();
    conn.receive(
      bytes("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
    );
    drain(conn);
    expect(answer(conn, "no")).toContain("Connection: close");
    expect(conn.closeReason).toBe("unread-body");
  });

  it("RFC 9110 §15.2: no 1xx response goes to an HTTP/1.0 client", () => {
    const conn = new ServerConnection();
    conn.receive(bytes("GET / HTTP/1.0\r\n\r\n"));
    drain(conn);
    expect(() => conn.sendInformational(103, [["Link", "</a>"]])).toThrow(UsageError);
  });

  it("RFC 9110 §7.8: a 101 switches protocols and hands over the bytes that followed", () => {
    const conn = new ServerConnection();
    conn.receive(
      bytes("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\nRAW"),
    );
    expect(drain(conn).map((e) => e.type)).toEqual(["request", "end"]);
    const head = text(
      conn.respond({
        status: 101,
        fields: [
          ["Upgrade", "x"],
          ["Connection", "upgrade"],
        ],
      }),
    );
    expect(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n")).toBe(true);
    expect(conn.state).toBe("switched");
    expect(text(conn.takeRest())).toBe("RAW");
  });

  it("RFC 9110 §7.8: a refused upgrade goes on with HTTP", () => {
    const conn = new ServerConnection();
    conn.receive(
      bytes(`GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n${GET("/2")}`),
    );
    expect(drain(conn).map((e) => e.type)).toEqual(["request", "end"]);
    answer(conn);
    const more = drain(conn);
    expect(more[0]?.type === "request" && more[0].head.target).toBe("/2");
  });

  it("usage: a response with no request pending is refused", () => {
    const conn = new ServerConnection();
    expect(() => conn.respond({ status: 200 })).toThrow(UsageError);
  });
});
