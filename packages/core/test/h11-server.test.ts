/**
 * h11's connection cases for the server role (python-hyper/h11, MIT
 * licence; see h11/source.ts), run on a ServerConnection. Cases where h11
 * behaves otherwise say so, with the RFC section Tether follows.
 */
import { describe, expect, it } from "vitest";
import { ServerConnection } from "../src/server-connection.ts";
import { CLOSE_CASES, NOT_A_REQUEST } from "./h11/close-cases.ts";
import { runScript, serverEvent } from "./h11/run.ts";
import { SERVER_CASES } from "./h11/server-cases.ts";
import { bytes } from "./parser-helpers.ts";

const known = (d: string | undefined) => (d === undefined ? "" : " [known difference from h11]");

describe("h11 port: ServerConnection", () => {
  for (const c of [...SERVER_CASES, ...CLOSE_CASES]) {
    it(`${c.rfc}: ${c.title}${known(c.difference)} (h11 ${c.from})`, () => runScript("server", c));
  }

  it("RFC 9112 §9.5: a fresh server connection is idle: no event before any octet (h11 test_connection.py::test_idle_receive_nothing)", () => {
    const conn = new ServerConnection();
    expect(conn.nextEvent()).toBeNull();
    expect(conn.state).toBe("open");
  });

  for (const [name, octets] of NOT_A_REQUEST) {
    it(`RFC 9112 §3: ${name} as the first octets is a 400 at once, before any LF (h11 test_connection.py::test_early_detection_of_invalid_request)`, () => {
      const conn = new ServerConnection();
      conn.receive(bytes(octets));
      const seen: string[] = [];
      for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent())
        seen.push(serverEvent(ev));
      expect(seen).toEqual(["error INVALID_REQUEST_LINE 400"]);
      expect(conn.state).toBe("closing"); // the 400 is owed, then the connection closes
    });
  }
});
