import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBodyEncoder } from "../src/body-encoder.ts";
import { Fields } from "../src/fields.ts";
import {
  CHUNKED,
  CLOSE,
  concat,
  LENGTH,
  latin1,
  NONE,
  TUNNEL,
  usageCode,
} from "./outgoing-helpers.ts";

/** A reference chunked decoder (RFC 9112 §7.1), independent of the parser. */
function decodeChunked(wire: Uint8Array): { body: Uint8Array; trailers: string[]; rest: number } {
  const text = latin1(wire);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const eol = text.indexOf("\r\n", at);
    if (eol === -1) throw new Error("no chunk-size line");
    const sizeText = text.slice(at, eol);
    if (!/^[0-9a-f]+$/.test(sizeText)) throw new Error(`bad chunk-size ${sizeText}`);
    const size = Number.parseInt(sizeText, 16);
    at = eol + 2;
    if (size === 0) break;
    parts.push(wire.subarray(at, at + size));
    at += size;
    if (text.slice(at, at + 2) !== "\r\n") throw new Error("missing CRLF after chunk-data");
    at += 2;
  }
  const trailers: string[] = [];
  for (;;) {
    const eol = text.indexOf("\r\n", at);
    if (eol === -1) throw new Error("unterminated trailer section");
    const line = text.slice(at, eol);
    at = eol + 2;
    if (line === "") break;
    trailers.push(line);
  }
  return { body: concat(parts), trailers, rest: wire.length - at };
}

describe("BodyEncoder", () => {
  it("RFC 9112 §7.1: chunked gives [size-line, data, CRLF] without copying data", () => {
    const enc = createBodyEncoder(CHUNKED);
    const data = new Uint8Array(300).fill(0x61);
    const out = enc.encode(data);
    expect(out).toHaveLength(3);
    expect(latin1(out[0]!)).toBe("12c\r\n");
    expect(out[1]).toBe(data);
    expect(latin1(out[2]!)).toBe("\r\n");
    expect(enc.bytesEncoded).toBe(300);
  });

  it("RFC 9112 §7.1: an empty chunk produces nothing (a zero-size chunk would end the body)", () => {
    const enc = createBodyEncoder(CHUNKED);
    expect(enc.encode(new Uint8Array(0))).toEqual([]);
    expect(latin1(concat(enc.finish()))).toBe("0\r\n\r\n");
  });

  it("RFC 9112 §7.1.2: finish writes last-chunk, the trailer section and CRLF", () => {
    const enc = createBodyEncoder(CHUNKED);
    const out = enc.finish([
      ["Server-Timing", "total;dur=12"],
      ["X-Checksum", "abc"],
    ]);
    expect(latin1(concat(out))).toBe("0\r\nServer-Timing: total;dur=12\r\nX-Checksum: abc\r\n\r\n");
    expect(enc.finished).toBe(true);
  });

  it("RFC 9110 §6.5.1: refuses framing, routing and connection fields as trailers", () => {
    for (const name of ["Content-Length", "transfer-encoding", "Host", "Trailer", "Connection"]) {
      const enc = createBodyEncoder(CHUNKED);
      expect(usageCode(() => enc.finish([[name, "1"]]))).toBe("INVALID_OUTGOING_FIELD");
      expect(enc.finished).toBe(false);
    }
  });

  it("RFC 9110 §5.5: refuses invalid trailer values", () => {
    const enc = createBodyEncoder(CHUNKED);
    expect(usageCode(() => enc.finish([["X", "a\r\nb"]]))).toBe("INVALID_OUTGOING_FIELD");
  });

  it("RFC 9112 §7.1.2: trailers need chunked framing", () => {
    for (const framing of [LENGTH(0), NONE, CLOSE]) {
      const enc = createBodyEncoder(framing);
      expect(usageCode(() => enc.finish([["X", "1"]]))).toBe("TRAILERS_NOT_ALLOWED");
      expect(enc.finish(new Fields())).toEqual([]);
    }
  });

  it("RFC 9110 §8.6: more octets than Content-Length is refused, state unchanged", () => {
    const enc = createBodyEncoder(LENGTH(4));
    expect(enc.encode(new Uint8Array(3))).toHaveLength(1);
    expect(usageCode(() => enc.encode(new Uint8Array(2)))).toBe("BODY_LENGTH_MISMATCH");
    expect(enc.bytesEncoded).toBe(3);
    expect(enc.encode(new Uint8Array(1))).toHaveLength(1);
    expect(enc.finish()).toEqual([]);
  });

  it("RFC 9110 §8.6: fewer octets than Content-Length is refused at finish", () => {
    const enc = createBodyEncoder(LENGTH(4));
    enc.encode(new Uint8Array(3));
    expect(usageCode(() => enc.finish())).toBe("BODY_LENGTH_MISMATCH");
    expect(enc.finished).toBe(false);
  });

  it("RFC 9112 §6.3 item 1: a message without body refuses body octets", () => {
    const enc = createBodyEncoder(NONE);
    expect(enc.encode(new Uint8Array(0))).toEqual([]);
    expect(usageCode(() => enc.encode(new Uint8Array(1)))).toBe("BODY_NOT_ALLOWED");
  });

  it("RFC 9112 §6.3 item 8: close and tunnel framing pass data through unchanged", () => {
    for (const framing of [CLOSE, TUNNEL]) {
      const enc = createBodyEncoder(framing);
      const data = new Uint8Array([1, 2, 3]);
      expect(enc.encode(data)).toEqual([data]);
      expect(enc.encode(data)[0]).toBe(data);
      expect(enc.finish()).toEqual([]);
    }
  });

  it("nothing is accepted after finish", () => {
    const enc = createBodyEncoder(CHUNKED);
    enc.finish();
    expect(usageCode(() => enc.encode(new Uint8Array(1)))).toBe("INVALID_STATE");
    expect(usageCode(() => enc.finish())).toBe("INVALID_STATE");
  });

  it("property: chunked encoding then reference decoding gives back the body and trailers", () => {
    const trailer = fc.tuple(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/),
      fc.stringMatching(/^[!-~]([ -~]{0,10}[!-~])?$/),
    );
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }),
        fc.array(trailer, { maxLength: 3 }),
        (chunks, trailers) => {
          const usable = trailers.filter(
            ([n]) =>
              ![
                "content-length",
                "transfer-encoding",
                "trailer",
                "host",
                "connection",
                "keep-alive",
                "te",
                "upgrade",
              ].includes(n.toLowerCase()),
          );
          const enc = createBodyEncoder(CHUNKED);
          const wire: Uint8Array[] = [];
          for (const chunk of chunks) wire.push(...enc.encode(chunk));
          wire.push(...enc.finish(usable));
          const decoded = decodeChunked(concat(wire));
          expect(decoded.body).toEqual(concat(chunks));
          expect(decoded.trailers).toEqual(usable.map(([n, v]) => `${n}: ${v}`));
          expect(decoded.rest).toBe(0);
          expect(enc.bytesEncoded).toBe(decoded.body.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: Content-Length framing accepts exactly the declared number of octets", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { maxLength: 8 }), fc.nat(200), (sizes, declared) => {
        const enc = createBodyEncoder(LENGTH(declared));
        let sent = 0;
        for (const size of sizes) {
          const code = usageCode(() => enc.encode(new Uint8Array(size)));
          if (sent + size > declared && size > 0) expect(code).toBe("BODY_LENGTH_MISMATCH");
          else {
            expect(code).toBe("no error");
            sent += size;
          }
        }
        expect(usageCode(() => enc.finish())).toBe(
          sent === declared ? "no error" : "BODY_LENGTH_MISMATCH",
        );
      }),
      { numRuns: 300 },
    );
  });
});
