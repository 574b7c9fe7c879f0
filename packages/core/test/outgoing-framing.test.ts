import { describe, expect, it } from "vitest";
import type { UsageErrorCode } from "../src/errors.ts";
import type { BodyFraming } from "../src/message.ts";
import { chooseFraming, type FramingInput } from "../src/outgoing-framing.ts";
import { CHUNKED, CLOSE, LENGTH, NONE, TUNNEL, usageCode } from "./outgoing-helpers.ts";

describe("chooseFraming", () => {
  const cases: [string, FramingInput, BodyFraming | UsageErrorCode][] = [
    ["RFC 9112 §6.3 item 6: request without body → none", { kind: "request", method: "GET" }, NONE],
    [
      "RFC 9110 §8.6: empty GET body → no Content-Length",
      { kind: "request", method: "GET", bodyLength: 0 },
      NONE,
    ],
    [
      "RFC 9110 §8.6: empty POST body → Content-Length: 0",
      { kind: "request", method: "POST", bodyLength: 0 },
      LENGTH(0),
    ],
    [
      "RFC 9112 §6.2: known request length → length",
      { kind: "request", method: "PUT", bodyLength: 42 },
      LENGTH(42),
    ],
    [
      "RFC 9112 §6.1: unknown request length in 1.1 → chunked",
      { kind: "request", method: "POST", bodyLength: null },
      CHUNKED,
    ],
    [
      "RFC 9112 §6.1: unknown request length in 1.0 → BODY_LENGTH_REQUIRED",
      { kind: "request", version: "1.0", method: "POST", bodyLength: null },
      "BODY_LENGTH_REQUIRED",
    ],
    [
      "RFC 9110 §9.3.8: TRACE with content → BODY_NOT_ALLOWED",
      { kind: "request", method: "TRACE", bodyLength: 3 },
      "BODY_NOT_ALLOWED",
    ],
    ["RFC 9112 §6.3 item 1: 204 → none", { kind: "response", status: 204, bodyLength: 0 }, NONE],
    ["RFC 9112 §6.3 item 1: 304 → none", { kind: "response", status: 304 }, NONE],
    ["RFC 9112 §6.3 item 1: 103 → none", { kind: "response", status: 103 }, NONE],
    ["RFC 9110 §7.8: 101 → tunnel", { kind: "response", status: 101 }, TUNNEL],
    [
      "RFC 9112 §6.3 item 1: 204 with content → BODY_NOT_ALLOWED",
      { kind: "response", status: 204, bodyLength: 5 },
      "BODY_NOT_ALLOWED",
    ],
    [
      "RFC 9112 §6.3 item 1: 304 with unknown length → BODY_NOT_ALLOWED",
      { kind: "response", status: 304, bodyLength: null },
      "BODY_NOT_ALLOWED",
    ],
    [
      "RFC 9112 §6.3 item 1: response to HEAD → none, whatever the length",
      { kind: "response", status: 200, method: "HEAD", bodyLength: 1234 },
      NONE,
    ],
    [
      "RFC 9112 §6.3 item 1: isHeadResponse → none",
      { kind: "response", status: 200, isHeadResponse: true, bodyLength: null },
      NONE,
    ],
    [
      "RFC 9112 §6.3 item 2: 2xx to CONNECT → tunnel",
      { kind: "response", status: 200, method: "CONNECT" },
      TUNNEL,
    ],
    [
      "RFC 9112 §6.3 item 2: 407 to CONNECT is an ordinary response",
      { kind: "response", status: 407, method: "CONNECT", bodyLength: 0 },
      LENGTH(0),
    ],
    [
      "RFC 9112 §6.3 item 6: known response length → length",
      { kind: "response", status: 200, bodyLength: 13 },
      LENGTH(13),
    ],
    [
      "RFC 9112 §6.3 item 8: a response without body still says Content-Length: 0",
      { kind: "response", status: 200 },
      LENGTH(0),
    ],
    [
      "RFC 9112 §6.1: unknown response length, 1.1 to 1.1 → chunked",
      { kind: "response", status: 200, bodyLength: null },
      CHUNKED,
    ],
    [
      "RFC 9112 §6.1: unknown response length to a 1.0 request → close",
      { kind: "response", status: 200, requestVersion: "1.0", bodyLength: null },
      CLOSE,
    ],
    [
      "RFC 9112 §6.3 item 8: unknown length in a 1.0 response → close",
      { kind: "response", version: "1.0", status: 200, bodyLength: null },
      CLOSE,
    ],
    [
      "RFC 9110 §15: status outside 100–599 → INVALID_OUTGOING_START_LINE",
      { kind: "response", status: 600 },
      "INVALID_OUTGOING_START_LINE",
    ],
    [
      "negative body length → BODY_LENGTH_MISMATCH",
      { kind: "request", method: "POST", bodyLength: -1 },
      "BODY_LENGTH_MISMATCH",
    ],
    [
      "fractional body length → BODY_LENGTH_MISMATCH",
      { kind: "response", status: 200, bodyLength: 1.5 },
      "BODY_LENGTH_MISMATCH",
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      if (typeof expected === "string")
        expect(usageCode(() => chooseFraming(input))).toBe(expected);
      else expect(chooseFraming(input)).toEqual(expected);
    });
  }
});

describe("chooseFraming: length framings", () => {
  it("RFC 9112 §6.2: the same length gives the same frozen framing; another length its own", () => {
    const a = chooseFraming({ kind: "response", status: 200, bodyLength: 13 });
    const b = chooseFraming({ kind: "response", status: 200, bodyLength: 13 });
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    const c = chooseFraming({ kind: "response", status: 200, bodyLength: 14 });
    expect(c).toEqual({ kind: "length", length: 14 });
    expect(a).toEqual({ kind: "length", length: 13 });
    expect(chooseFraming({ kind: "request", method: "POST", bodyLength: 0 })).toEqual({
      kind: "length",
      length: 0,
    });
  });
});
