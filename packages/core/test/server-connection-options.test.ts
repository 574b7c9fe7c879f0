/**
 * The Connection options a server connection reads from a request in one
 * pass with its persistence (`upgrade`, `close`, `keep-alive`), and the
 * persistence of its own responses, whose fields it reads only when they
 * carry a Connection or Transfer-Encoding line.
 */
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { ServerConnection } from "../src/server-connection.ts";

const dec = new TextDecoder("latin1");
/** Latin-1 octets of `s` (one per character). */
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => dec.decode(b);

/** A connection that has read one request with `extra` field lines, and its events. */
function withRequest(extra: string, version = "1.1"): ServerConnection {
  const conn = new ServerConnection();
  conn.receive(bytes(`GET /ws HTTP/${version}\r\nHost: a\r\n${extra}\r\n`));
  const types: string[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) types.push(ev.type);
  expect(types).toEqual(["request", "end"]);
  return conn;
}

const SWITCH = {
  status: 101,
  fields: [
    ["Connection", "upgrade"],
    ["Upgrade", "x"],
  ] as [string, string][],
};

describe("ServerConnection: the upgrade option of a request (RFC 9110 §7.8)", () => {
  for (const connection of [
    "Connection: upgrade\r\n",
    "Connection: UPGRADE\r\n",
    "connection: keep-alive , Upgrade\t\r\n",
    "Connection: keep-alive\r\nConnection: upgrade\r\n",
    "Connection: \u00a0upgrade\r\n", // read on the general path (String#trim)
  ]) {
    it(`RFC 9110 §7.8: ${JSON.stringify(connection)} lets a 101 answer`, () => {
      const conn = withRequest(`${connection}Upgrade: x\r\n`);
      expect(text(conn.respond(SWITCH))).toContain("101 Switching Protocols");
      expect(conn.state).toBe("switched");
    });
  }

  for (const connection of [
    "",
    "Connection: keep-alive\r\n",
    "Connection: upgraded\r\n",
    "Connection: up grade\r\n",
    "Upgrade-Connection: upgrade\r\n",
  ]) {
    it(`RFC 9110 §7.8: ${JSON.stringify(connection)} asks no switch: a 101 is refused`, () => {
      const conn = withRequest(`${connection}Upgrade: x\r\n`);
      expect(() => conn.respond(SWITCH)).toThrow(UsageError);
      // Refused before anything changed: the request still gets its answer.
      expect(text(conn.respond({ status: 200 }))).toContain("200 OK");
      expect(conn.state).toBe("open");
    });
  }

  it("RFC 9110 §7.6.1: `Connection: close, upgrade` lets a 101 answer (the switch closes HTTP anyway)", () => {
    const conn = withRequest("Connection: close, upgrade\r\nUpgrade: x\r\n");
    expect(text(conn.respond(SWITCH))).toContain("101 Switching Protocols");
    expect(conn.state).toBe("switched");
  });
});

describe("ServerConnection: persistence of our response (RFC 9112 §9.3)", () => {
  it("RFC 9112 §9.3: a close-delimited response with a Connection field ends persistence", () => {
    const conn = withRequest("Connection: keep-alive\r\n", "1.0");
    const head = text(
      conn.respond({ status: 200, fields: [["Connection", "x-option"]] }, { bodyLength: null }),
    );
    expect(head).toContain("Connection: close");
    conn.sendEnd();
    expect(conn.closeReason).toBe("close-delimited-body");
    expect(conn.state).toBe("must-close");
  });

  it("RFC 9112 §9.3: a close-delimited response without Connection field ends persistence", () => {
    const conn = withRequest("Connection: keep-alive\r\n", "1.0");
    const head = text(conn.respond({ status: 200 }, { bodyLength: null }));
    expect(head).toContain("Connection: close");
    conn.sendEnd();
    expect(conn.closeReason).toBe("close-delimited-body");
  });

  for (const [name, fields] of [
    ["no fields", []],
    ["other fields", [["Content-Type", "text/plain"]]],
    ["Connection: keep-alive", [["Connection", "keep-alive"]]],
  ] as [string, [string, string][]][]) {
    it(`RFC 9112 §9.3: a length-framed response with ${name} keeps an HTTP/1.1 connection`, () => {
      const conn = withRequest("");
      conn.respond({ status: 200, fields }, { bodyLength: 0 });
      expect(conn.closeReason).toBeNull();
      expect(conn.state).toBe("open");
    });
  }

  it("RFC 9112 §9.6: a response saying `Connection: close` ends persistence", () => {
    const conn = withRequest("");
    conn.respond({ status: 200, fields: [["Connection", "Close"]] }, { bodyLength: 0 });
    conn.sendEnd();
    expect(conn.closeReason).toBe("connection-close");
    expect(conn.state).toBe("must-close");
  });
});
