/**
 * h11's client-role and writer cases (python-hyper/h11, MIT licence; see
 * h11/source.ts), run on a ClientConnection and the serializer. Cases where
 * h11 behaves otherwise say so, with the RFC section Tether follows.
 */
import { describe, expect, it } from "vitest";
import { ClientConnection } from "../src/client-connection.ts";
import { serializeRequestHead, serializeResponseHead } from "../src/serializer.ts";
import { CLIENT_CASES, WRITER_CASES, type WriterCase } from "./h11/client-cases.ts";
import { NOT_A_RESPONSE } from "./h11/close-cases.ts";
import { clientEvent, runScript } from "./h11/run.ts";
import { bytes, text } from "./parser-helpers.ts";

const known = (d: string | undefined) => (d === undefined ? "" : " [known difference from h11]");

function write(c: WriterCase): Uint8Array {
  if (c.request !== undefined) return serializeRequestHead(c.request, c.framing);
  if (c.response !== undefined) return serializeResponseHead(c.response, c.framing);
  throw new Error("a writer case needs a request or a response");
}

describe("h11 port: ClientConnection", () => {
  for (const c of CLIENT_CASES) {
    it(`${c.rfc}: ${c.title}${known(c.difference)} (h11 ${c.from})`, () => runScript("client", c));
  }

  it("RFC 9112 §9.5: a fresh client connection is idle: no event before any octet (h11 test_connection.py::test_idle_receive_nothing)", () => {
    const conn = new ClientConnection();
    expect(conn.nextEvent()).toBeNull();
  });

  for (const [name, octets] of NOT_A_RESPONSE) {
    it(`RFC 9112 §4: ${name} as the first octets of a response gives no response event (h11 test_connection.py::test_early_detection_of_invalid_response)`, () => {
      const conn = new ClientConnection();
      conn.request({ method: "GET", target: "/", fields: [["Host", "a"]] });
      conn.receive(bytes(octets));
      const seen: string[] = [];
      for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent())
        seen.push(clientEvent(ev));
      conn.receiveEnd();
      for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent())
        seen.push(clientEvent(ev));
      expect(seen.some((e) => e.startsWith("response") || e.startsWith("end"))).toBe(false);
      expect(seen.some((e) => e.startsWith("error "))).toBe(true);
      expect(conn.state).toBe("must-close");
    });
  }
});

describe("h11 port: serializer", () => {
  for (const c of WRITER_CASES) {
    it(`${c.rfc}: ${c.title}${known(c.difference)} (h11 ${c.from})`, () => {
      if (c.throws !== undefined) {
        expect(() => write(c)).toThrow(expect.objectContaining({ code: c.throws }));
      } else {
        expect(text(write(c))).toBe(c.wire);
      }
    });
  }
});
