/**
 * A request body that breaks the protocol (RFC 9112 §7.1 chunk syntax)
 * fails the handler's body read with the typed ProtocolError, and the
 * client gets exactly one response for that request — the error's status
 * (RFC 9110 §15.5) — whatever the handler then tries to answer; the
 * connection closes after it (RFC 9112 §9.6).
 */
import { ProtocolError } from "@tether/core";
import { describe, expect, it } from "vitest";
import { exchange } from "./server-harness.ts";

const BAD_CHUNKED =
  "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n";
const statusLines = (wire: string) => wire.match(/HTTP\/1\.1 \d{3} /g) ?? [];

describe("serve(): a protocol error in the request body", () => {
  it("RFC 9112 §7.1 / RFC 9110 §15.5.1: a handler that catches the body error and answers 200 sends nothing: one 400 goes out", async () => {
    let caught: unknown;
    const wire = await exchange(
      {
        handler: async (ex) => {
          try {
            await ex.body();
          } catch (error) {
            caught = error;
          }
          ex.respond(200, [], "ok anyway");
        },
      },
      BAD_CHUNKED,
    );
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).status).toBe(400);
    expect(statusLines(wire)).toEqual(["HTTP/1.1 400 "]);
    expect(wire).toContain("\r\nConnection: close\r\n");
    expect(wire).not.toContain("ok anyway");
  });

  it("RFC 9112 §9.6: a fetch handler that catches the body error and answers gets one 400 out, then the close", async () => {
    const wire = await exchange(
      {
        fetch: async (req) => {
          try {
            await req.text();
          } catch {
            // ignored on purpose: answer as if nothing happened
          }
          return new Response("ok anyway");
        },
      },
      BAD_CHUNKED,
    );
    expect(statusLines(wire)).toEqual(["HTTP/1.1 400 "]);
    expect(wire).not.toContain("ok anyway");
  });

  it("RFC 9112 §9.6: a handler that lets the body error escape still yields one answer", async () => {
    const wire = await exchange({ handler: async (ex) => void (await ex.body()) }, BAD_CHUNKED);
    expect(statusLines(wire)).toEqual(["HTTP/1.1 400 "]);
  });
});
