import { describe, expect, it } from "vitest";
import { ClientConnection } from "../src/client-connection.ts";
import type { ClientEvent } from "../src/connection-events.ts";
import { UsageError } from "../src/errors.ts";
import { Fields } from "../src/fields.ts";
import { prepareRequest } from "../src/request-preparation.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const bytes = (s: string) => enc.encode(s);
const text = (parts: Uint8Array | Uint8Array[]) =>
  (Array.isArray(parts) ? parts : [parts]).map((p) => dec.decode(p)).join("");

function drain(conn: ClientConnection): ClientEvent[] {
  const out: ClientEvent[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) out.push(ev);
  return out;
}

function get(conn: ClientConnection, target = "/", fields: [string, string][] = [["Host", "a"]]) {
  const { id, bytes: head } = conn.request({ method: "GET", target, fields });
  return { id, wire: text(head) };
}

const OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

describe("ClientConnection: persistence (RFC 9112 §9.3)", () => {
  it("RFC 9112 §9.3: an HTTP/1.1 response without close keeps the connection", () => {
    const conn = new ClientConnection();
    const { id, wire } = get(conn);
    expect(wire).toBe("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    conn.receive(bytes(OK));
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["response", "data", "end"]);
    const end = evs[2];
    expect(end?.type === "end" && end.persistent).toBe(true);
    expect(end?.type === "end" && end.id).toBe(id);
    expect(conn.state).toBe("open");
    expect(conn.canSend).toBe(true);
  });

  it("RFC 9112 §9.6: a response with Connection: close ends the connection after it", () => {
    const conn = new ClientConnection();
    get(conn);
    conn.receive(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
    const end = drain(conn).at(-1);
    expect(end?.type === "end" && end.persistent).toBe(false);
    expect(conn.state).toBe("must-close");
    expect(conn.closeReason).toBe("connection-close");
    expect(() => get(conn)).toThrow(UsageError);
  });

  it("RFC 9112 §9.6: our own Connection: close allows nothing to be sent after it", () => {
    const conn = new ClientConnection();
    get(conn, "/", [
      ["Host", "a"],
      ["Connection", "close"],
    ]);
    expect(conn.state).toBe("closing");
    expect(() => get(conn)).toThrow(UsageError);
    conn.receive(bytes(OK));
    drain(conn);
    expect(conn.state).toBe("must-close");
  });

  it("RFC 9112 §9.3: an HTTP/1.0 request asks for keep-alive and keeps it only if the response agrees", () => {
    const conn = new ClientConnection();
    const { bytes: head } = conn.request({ method: "GET", target: "/", version: "1.0" });
    expect(text(head)).toBe("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    conn.receive(bytes("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"));
    expect(drain(conn).at(-1)).toMatchObject({ type: "end", persistent: true });

    const other = new ClientConnection();
    other.request({ method: "GET", target: "/", version: "1.0" });
    other.receive(bytes("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    expect(drain(other).at(-1)).toMatchObject({ type: "end", persistent: false });
    expect(other.closeReason).toBe("http10-without-keep-alive");
  });

  it("RFC 9112 §9.3, Appendix C.2.2: a 1.1 answer that does not echo keep-alive to a 1.0 request is not trusted", () => {
    const conn = new ClientConnection();
    conn.request({ method: "GET", target: "/", version: "1.0" });
    conn.receive(bytes(OK));
    expect(drain(conn).at(-1)).toMatchObject({ type: "end", persistent: false });
  });

  it("RFC 9112 §6.3 item 8: a close-delimited response ends at EOF and ends persistence", () => {
    const conn = new ClientConnection();
    get(conn);
    conn.receive(bytes("HTTP/1.1 200 OK\r\n\r\nall of it"));
    conn.receiveEnd();
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["response", "data", "end"]);
    expect(conn.closeReason).toBe("close-delimited-body");
    expect(conn.state).toBe("must-close");
  });

  it("Keep-Alive: the server's hint is read from the response", () => {
    const conn = new ClientConnection();
    get(conn);
    conn.receive(
      bytes("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=99\r\nContent-Length: 0\r\n\r\n"),
    );
    drain(conn);
    expect(conn.keepAliveHint).toEqual({ timeoutSeconds: 5, max: 99 });
  });
});

describe("ClientConnection: framing per request (RFC 9112 §6.3)", () => {
  it("RFC 9112 §6.3 item 1: a HEAD response has no body despite its Content-Length", () => {
    const conn = new ClientConnection();
    conn.request({ method: "HEAD", target: "/", fields: [["Host", "a"]] });
    get(conn, "/next");
    conn.receive(bytes(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${OK}`));
    const evs = drain(conn);
    expect(evs.map((e) => `${e.type}:${"id" in e ? e.id : ""}`)).toEqual([
      "response:1",
      "end:1",
      "response:2",
      "data:2",
      "end:2",
    ]);
  });

  it("RFC 9112 §9.3.2: pipelined responses are matched to requests in order", () => {
    const conn = new ClientConnection();
    const ids = [get(conn, "/1").id, get(conn, "/2").id, get(conn, "/3").id];
    expect(conn.inFlightCount).toBe(3);
    conn.receive(bytes(OK + OK + OK));
    const ends = drain(conn).filter((e) => e.type === "end");
    expect(ends.map((e) => e.type === "end" && e.id)).toEqual(ids);
    expect(conn.responsesReceived).toBe(3);
  });

  it("RFC 9110 §15.2: interim responses are reported and do not end the exchange", () => {
    const conn = new ClientConnection();
    const { id } = conn.request(
      {
        method: "POST",
        target: "/",
        fields: [
          ["Host", "a"],
          ["Expect", "100-continue"],
        ],
      },
      { bodyLength: 2 },
    );
    conn.receive(bytes("HTTP/1.1 100 Continue\r\n\r\n"));
    expect(drain(conn)).toMatchObject([{ type: "informational", id }]);
    conn.sendData(bytes("hi"));
    conn.sendEnd();
    conn.receive(bytes(OK));
    expect(drain(conn).map((e) => e.type)).toEqual(["response", "data", "end"]);
    expect(conn.state).toBe("open");
  });

  it("an early final response before our body is complete ends persistence", () => {
    const conn = new ClientConnection();
    conn.request({ method: "POST", target: "/", fields: [["Host", "a"]] }, { bodyLength: 10 });
    conn.sendData(bytes("abc"));
    conn.receive(bytes("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n"));
    expect(drain(conn).at(-1)).toMatchObject({ type: "end", persistent: false });
    expect(conn.closeReason).toBe("aborted");
  });

  it("RFC 9112 §6.3 item 2: a 2xx answer to CONNECT switches to a tunnel", () => {
    const conn = new ClientConnection();
    conn.request({ method: "CONNECT", target: "a:443", fields: [["Host", "a:443"]] });
    conn.receive(bytes("HTTP/1.1 200 Connection Established\r\n\r\nTLS"));
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["response", "switched"]);
    const sw = evs[1];
    expect(sw?.type === "switched" && text(sw.rest)).toBe("TLS");
    expect(conn.state).toBe("switched");
  });
});

describe("ClientConnection: failures", () => {
  it("a peer close with requests in flight reports each unanswered exchange", () => {
    const conn = new ClientConnection();
    get(conn, "/1");
    get(conn, "/2");
    conn.receive(bytes(OK));
    conn.receiveEnd();
    const evs = drain(conn);
    const closed = evs.at(-1);
    expect(closed?.type).toBe("peer-closed");
    expect(closed?.type === "peer-closed" && closed.unanswered).toEqual([
      { id: 2, method: "GET", requestStarted: true, requestComplete: true, responseStarted: false },
    ]);
    expect(conn.state).toBe("must-close");
  });

  it("a peer close on an idle connection reports nothing unanswered", () => {
    const conn = new ClientConnection();
    conn.receiveEnd();
    expect(drain(conn)).toEqual([{ type: "peer-closed", unanswered: [] }]);
  });

  it("RFC 9112 §8: a response cut short is an error for its exchange", () => {
    const conn = new ClientConnection();
    get(conn);
    conn.receive(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    conn.receiveEnd();
    const err = drain(conn).at(-1);
    expect(err?.type).toBe("error");
    expect(err?.type === "error" && err.error.code).toBe("INCOMPLETE_MESSAGE");
    expect(err?.type === "error" && err.failed.map((f) => f.responseStarted)).toEqual([true]);
  });

  it("a response with no request in flight is an error (UNSOLICITED_RESPONSE)", () => {
    const conn = new ClientConnection();
    conn.receive(bytes("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n"));
    const err = drain(conn).at(-1);
    expect(err?.type === "error" && err.error.code).toBe("UNSOLICITED_RESPONSE");
    expect(conn.state).toBe("must-close");
  });
});

describe("ClientConnection: a request prepared once (prepareRequest, sendPrepared)", () => {
  it("writes the same octets as request(), on any connection of its kind", () => {
    const prepared = prepareRequest(
      { method: "GET", target: "/x", fields: [["Host", "a"]] },
      {},
      false,
    );
    const a = new ClientConnection();
    const b = new ClientConnection();
    expect(text(a.sendPrepared(prepared).bytes)).toBe(get(b, "/x").wire);
    // The same prepared head again, on another connection.
    const c = new ClientConnection();
    expect(text(c.sendPrepared(prepared).bytes)).toBe("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  });

  it("RFC 9112 §9.3: an HTTP/1.0 request is prepared with Connection: keep-alive, except to a proxy it persists on nothing", () => {
    const head = { method: "GET", target: "/", version: "1.0" as const, fields: [["Host", "a"]] };
    const direct = prepareRequest(
      { ...head, fields: Fields.from(head.fields as [string, string][]) },
      {},
      false,
    );
    expect(text(direct.bytes)).toContain("Connection: keep-alive\r\n");
    expect(direct.closeReason).toBeNull();
    const viaProxy = prepareRequest({ ...head, fields: [["Host", "a"]] }, {}, true);
    expect(viaProxy.closeReason).toBe("http10-without-keep-alive");
  });

  it("RFC 9112 §9.6: a prepared Connection: close ends persistence after that request", () => {
    const prepared = prepareRequest(
      {
        method: "GET",
        target: "/",
        fields: [
          ["Host", "a"],
          ["Connection", "close"],
        ],
      },
      {},
      false,
    );
    expect(prepared.closeReason).toBe("connection-close");
    const conn = new ClientConnection();
    conn.sendPrepared(prepared);
    expect(conn.canSend).toBe(false);
  });

  it("a head the serializer refuses fails when prepared (UsageError), never when sent", () => {
    expect(() => prepareRequest({ method: "G T", target: "/", fields: [] }, {}, false)).toThrow(
      UsageError,
    );
  });

  it("RFC 9112 §9.3: the last response's persistence and Keep-Alive hint are kept for the pool", () => {
    const conn = new ClientConnection();
    get(conn);
    conn.receive(
      bytes("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=9\r\nContent-Length: 0\r\n\r\n"),
    );
    drain(conn);
    expect(conn.lastResponseClose).toBeNull();
    expect(conn.lastResponseHint).toEqual({ timeoutSeconds: 5, max: 9 });
    get(conn);
    conn.receive(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
    drain(conn);
    expect(conn.lastResponseClose).toBe("connection-close");
    expect(conn.lastResponseHint).toBeNull();
  });
});
