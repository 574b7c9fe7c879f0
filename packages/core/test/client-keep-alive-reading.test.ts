import { describe, expect, it } from "vitest";
import { ClientConnection } from "../src/client-connection.ts";

const enc = new TextEncoder();

/** Sends one GET and feeds `response` to the connection; returns what it decided. */
function exchange(conn: ClientConnection, response: string) {
  conn.request({ method: "GET", target: "/", fields: [["Host", "a"]] });
  conn.receive(enc.encode(response));
  while (conn.nextEvent() !== null) {
    // drain
  }
  return { close: conn.lastResponseClose, hint: conn.lastResponseHint, kept: conn.keepAliveHint };
}

describe("ClientConnection: Connection and Keep-Alive read in one pass (RFC 9112 §9.3)", () => {
  it("RFC 9112 §9.3: each response's Keep-Alive hint, repeated or changed, is the one reported", () => {
    const conn = new ClientConnection();
    const ka = (v: string) =>
      `HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\nKeep-Alive: ${v}\r\nContent-Length: 0\r\n\r\n`;
    expect(exchange(conn, ka("timeout=5")).hint).toEqual({ timeoutSeconds: 5 });
    expect(exchange(conn, ka("timeout=5")).hint).toEqual({ timeoutSeconds: 5 });
    expect(exchange(conn, ka("timeout=7, max=3")).hint).toEqual({ timeoutSeconds: 7, max: 3 });
    const none = exchange(conn, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    expect(none.hint).toBeNull();
    expect(none.kept).toEqual({ timeoutSeconds: 7, max: 3 });
    expect(exchange(conn, ka("timeout=5")).hint).toEqual({ timeoutSeconds: 5 });
  });

  it("RFC 9110 §5.3: two Keep-Alive lines are read as their combined value", () => {
    const conn = new ClientConnection();
    const r = exchange(
      conn,
      "HTTP/1.1 200 OK\r\nkeep-alive: timeout=4\r\nKEEP-ALIVE: max=2\r\nContent-Length: 0\r\n\r\n",
    );
    expect(r.hint).toEqual({ timeoutSeconds: 4, max: 2 });
  });

  it("RFC 9110 §7.6.1: `Connection: keep-alive, CLOSE` on a response ends persistence", () => {
    const conn = new ClientConnection();
    const r = exchange(
      conn,
      "HTTP/1.1 200 OK\r\nConnection: keep-alive, CLOSE\r\nContent-Length: 0\r\n\r\n",
    );
    expect(r.close).toBe("connection-close");
  });

  it("RFC 9112 §6.1, §6.3: Transfer-Encoding after Content-Length ends persistence", () => {
    const conn = new ClientConnection();
    const r = exchange(
      conn,
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    expect(r.close).toBe("framing-conflict");
  });
});
