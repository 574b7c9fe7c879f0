/**
 * Per-request objects the server no longer makes: a repeated text body is
 * encoded once, a complete answer is kept without a closure, and the
 * response queue holds one exchange without an array. Each must still
 * give the same bytes, in request order (RFC 9112 §9.3.2).
 */
import { describe, expect, it } from "vitest";
import type { RawExchange } from "../src/api.ts";
import { encodeText } from "../src/response-writer.ts";
import { exchange } from "./server-harness.ts";

const dec = new TextDecoder();

describe("encodeText", () => {
  it("gives the same octets for a repeated text, and fresh ones for a new text", () => {
    const a = encodeText("Hello, World!");
    const b = encodeText("Hello, World!");
    expect(dec.decode(a)).toBe("Hello, World!");
    expect(b).toEqual(a);
    const c = encodeText("other");
    expect(dec.decode(c)).toBe("other");
    expect(dec.decode(a)).toBe("Hello, World!");
    expect(dec.decode(encodeText("Hello, World!"))).toBe("Hello, World!");
  });

  it("encodes non-ASCII and long texts as UTF-8, then short ASCII again", () => {
    expect([...encodeText("é")]).toEqual([0xc3, 0xa9]);
    expect(dec.decode(encodeText("x".repeat(100)))).toBe("x".repeat(100));
    expect(dec.decode(encodeText(""))).toBe("");
    expect(dec.decode(encodeText("abc"))).toBe("abc");
    expect([...encodeText("é")]).toEqual([0xc3, 0xa9]);
  });
});

describe("answers without per-request objects", () => {
  it("RFC 9112 §9.3.2: pipelined answers given out of order go out in request order", async () => {
    const waiting: (() => void)[] = [];
    const handler = (ex: RawExchange): void => {
      const n = ex.head.target;
      const answer = () => ex.respond(200, [["content-type", "text/plain"]], `body ${n}`);
      // The first request's handler answers last.
      if (n === "/1") waiting.push(answer);
      else {
        answer();
        if (n === "/3") for (const w of waiting.splice(0)) w();
      }
    };
    const seen = await exchange(
      { handler },
      "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    const bodies = seen.match(/body \/\d/g);
    expect(bodies).toEqual(["body /1", "body /2", "body /3"]);
  });

  it("a second answer to the same request is ignored (the first one's body goes out)", async () => {
    const seen = await exchange(
      {
        handler: (ex) => {
          ex.respond(200, [], "first");
          ex.respond(500, [], "second");
        },
      },
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    expect(seen).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seen.endsWith("\r\n\r\nfirst")).toBe(true);
    expect(seen).not.toContain("second");
  });
});
