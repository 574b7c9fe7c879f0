import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { Fields } from "../src/fields.ts";
import {
  type CloseReason,
  clientIdleDeadline,
  connectionTokens,
  formatKeepAlive,
  type IdleDeadlineInput,
  type KeepAliveHint,
  messageAllowsPersistence,
  type PersistenceContext,
  type PersistenceMessage,
  parseKeepAlive,
} from "../src/keep-alive.ts";
import type { BodyFraming, HttpVersion } from "../src/message.ts";

const LENGTH: BodyFraming = { kind: "length", length: 0 };

function message(
  version: HttpVersion,
  fields: [string, string][] = [],
  framing: BodyFraming = LENGTH,
): PersistenceMessage {
  return { version, fields: Fields.from(fields), framing };
}

describe("connectionTokens (RFC 9110 §7.6.1)", () => {
  it("RFC 9110 §7.6.1: lower-cased options of every Connection line", () => {
    const fields = Fields.from([
      ["Connection", "Keep-Alive, X-Foo"],
      ["connection", " UPGRADE ,, "],
      ["Other", "close"],
    ]);
    expect(connectionTokens(fields)).toEqual(new Set(["keep-alive", "x-foo", "upgrade"]));
  });

  it("RFC 9110 §7.6.1: no Connection field gives the empty set", () => {
    expect(connectionTokens(new Fields()).size).toBe(0);
  });
});

describe("messageAllowsPersistence", () => {
  const REQUEST: PersistenceContext = { kind: "request" };
  const RESPONSE: PersistenceContext = { kind: "response" };
  const cases: [string, PersistenceMessage, PersistenceContext, CloseReason | null][] = [
    ["RFC 9112 §9.3 item 2: HTTP/1.1 persists by default", message("1.1"), REQUEST, null],
    [
      "RFC 9112 §9.3 item 1: Connection: close ends persistence",
      message("1.1", [["Connection", "close"]]),
      REQUEST,
      "connection-close",
    ],
    [
      "RFC 9112 §9.6: close among other options, any case, second line",
      message("1.1", [
        ["Connection", "upgrade"],
        ["CONNECTION", "x, Close"],
      ]),
      RESPONSE,
      "connection-close",
    ],
    [
      "RFC 9112 §9.3 item 4: HTTP/1.0 without keep-alive closes",
      message("1.0"),
      REQUEST,
      "http10-without-keep-alive",
    ],
    [
      "RFC 9112 §9.3 item 3: HTTP/1.0 with keep-alive persists",
      message("1.0", [["Connection", "Keep-Alive"]]),
      REQUEST,
      null,
    ],
    [
      "RFC 9112 §9.3 item 3: HTTP/1.0 response with keep-alive persists",
      message("1.0", [["Connection", "keep-alive"]]),
      RESPONSE,
      null,
    ],
    [
      "RFC 9112 §9.3 item 3: a proxy does not honor keep-alive on a 1.0 request",
      message("1.0", [["Connection", "keep-alive"]]),
      { kind: "request", proxy: true },
      "http10-without-keep-alive",
    ],
    [
      "RFC 9112 §9.3 item 3: a proxy honors keep-alive on a 1.0 response",
      message("1.0", [["Connection", "keep-alive"]]),
      { kind: "response", proxy: true },
      null,
    ],
    [
      "RFC 9112 §9.3: close wins over keep-alive",
      message("1.0", [["Connection", "keep-alive, close"]]),
      REQUEST,
      "connection-close",
    ],
    [
      "RFC 9112 §9.3: a 1.1 response to our 1.0 request must carry keep-alive",
      message("1.1"),
      { kind: "response", requestVersion: "1.0" },
      "http10-without-keep-alive",
    ],
    [
      "RFC 9112 §9.3: a 1.1 response to our 1.0 keep-alive request echoing keep-alive persists",
      message("1.1", [["Connection", "keep-alive"]]),
      { kind: "response", requestVersion: "1.0" },
      null,
    ],
    [
      "RFC 9112 §6.3 item 8, §9.3: a close-delimited body ends persistence",
      message("1.1", [], { kind: "close" }),
      RESPONSE,
      "close-delimited-body",
    ],
    [
      "RFC 9112 §6.3 item 8: close-delimited beats keep-alive in 1.0",
      message("1.0", [["Connection", "keep-alive"]], { kind: "close" }),
      RESPONSE,
      "close-delimited-body",
    ],
    [
      "RFC 9112 §6.3 item 3: a response with Transfer-Encoding and Content-Length ends persistence",
      message(
        "1.1",
        [
          ["Transfer-Encoding", "chunked"],
          ["Content-Length", "5"],
        ],
        { kind: "chunked" },
      ),
      RESPONSE,
      "framing-conflict",
    ],
    [
      "RFC 9112 §6.1: the server closes after a request with both TE and CL",
      message(
        "1.1",
        [
          ["content-length", "5"],
          ["transfer-encoding", "chunked"],
        ],
        { kind: "chunked" },
      ),
      REQUEST,
      "framing-conflict",
    ],
    [
      "RFC 9110 §7.8: a protocol switch ends HTTP on the connection",
      message("1.1", [["Connection", "upgrade"]], { kind: "tunnel" }),
      RESPONSE,
      "switched-protocol",
    ],
    [
      "RFC 9112 §9.3: chunked and none framings are self-delimiting",
      message("1.1", [], { kind: "chunked" }),
      RESPONSE,
      null,
    ],
  ];
  for (const [name, msg, context, reason] of cases) {
    it(name, () => {
      expect(messageAllowsPersistence(msg, context)).toEqual({
        persistent: reason === null,
        reason,
      });
    });
  }

  it("property: persistent exactly when reason is null", () => {
    const token = fc.constantFrom("close", "keep-alive", "Keep-Alive", "CLOSE", "upgrade", "x");
    const framing = fc.constantFrom<BodyFraming>(
      { kind: "none" },
      { kind: "length", length: 3 },
      { kind: "chunked" },
      { kind: "close" },
      { kind: "tunnel" },
    );
    fc.assert(
      fc.property(
        fc.constantFrom<HttpVersion>("1.0", "1.1"),
        fc.array(token, { maxLength: 3 }),
        framing,
        fc.constantFrom<"request" | "response">("request", "response"),
        (version, tokens, framing, kind) => {
          const fields: [string, string][] =
            tokens.length === 0 ? [] : [["Connection", tokens.join(", ")]];
          const result = messageAllowsPersistence(message(version, fields, framing), { kind });
          expect(result.persistent).toBe(result.reason === null);
          const lower = tokens.map((t) => t.toLowerCase());
          if (lower.includes("close")) expect(result.persistent).toBe(false);
          if (framing.kind === "close" || framing.kind === "tunnel") {
            expect(result.persistent).toBe(false);
          }
          if (version === "1.0" && !lower.includes("keep-alive")) {
            expect(result.persistent).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("parseKeepAlive (RFC 2068 §19.7.1.1, legacy hint)", () => {
  const cases: [string | undefined, KeepAliveHint | null][] = [
    [undefined, null],
    ["", null],
    ["timeout=5, max=100", { timeoutSeconds: 5, max: 100 }],
    ["timeout=5", { timeoutSeconds: 5 }],
    ["max=7", { max: 7 }],
    ["Timeout=5,MAX=3", { timeoutSeconds: 5, max: 3 }],
    ["  timeout = 15 ,  max = 2  ", { timeoutSeconds: 15, max: 2 }],
    ['timeout="5", max="9"', { timeoutSeconds: 5, max: 9 }],
    ["timeout=5; max=100", { timeoutSeconds: 5, max: 100 }],
    ["foo=bar, timeout=5, baz", { timeoutSeconds: 5 }],
    ["timeout=-1, max=10", { max: 10 }],
    ["timeout=1.5", null],
    ["timeout=abc, max=", null],
    ["timeout=0", { timeoutSeconds: 0 }],
    ["timeout=9999999999999999999", null],
    ["timeout=5, timeout=1", { timeoutSeconds: 5 }],
    ["timeout=x, timeout=3", { timeoutSeconds: 3 }],
    ["timeout", null],
    ["300", null],
  ];
  for (const [value, expected] of cases) {
    it(`parses ${JSON.stringify(value)}`, () => {
      expect(parseKeepAlive(value)).toEqual(expected);
    });
  }

  it("property: never throws, and numbers are non-negative safe integers", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const hint = parseKeepAlive(value);
        for (const n of [hint?.timeoutSeconds, hint?.max]) {
          if (n !== undefined) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatKeepAlive", () => {
  it("writes timeout then max", () => {
    expect(formatKeepAlive({ timeoutSeconds: 5, max: 100 })).toBe("timeout=5, max=100");
    expect(formatKeepAlive({ timeoutSeconds: 5 })).toBe("timeout=5");
    expect(formatKeepAlive({ max: 1 })).toBe("max=1");
    expect(formatKeepAlive({})).toBe("");
  });

  it("rounds seconds down", () => {
    expect(formatKeepAlive({ timeoutSeconds: 4.9 })).toBe("timeout=4");
  });

  it("refuses negative and non-finite numbers", () => {
    for (const hint of [
      { timeoutSeconds: -1 },
      { max: Number.NaN },
      { timeoutSeconds: Infinity },
    ]) {
      expect(() => formatKeepAlive(hint)).toThrow(UsageError);
    }
  });

  it("property: parse(format(hint)) gives the hint back", () => {
    const n = fc.integer({ min: 0, max: 1_000_000 });
    fc.assert(
      fc.property(fc.option(n, { nil: undefined }), fc.option(n, { nil: undefined }), (t, m) => {
        const hint: { timeoutSeconds?: number; max?: number } = {};
        if (t !== undefined) hint.timeoutSeconds = t;
        if (m !== undefined) hint.max = m;
        expect(parseKeepAlive(formatKeepAlive(hint))).toEqual(
          t === undefined && m === undefined ? null : hint,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("clientIdleDeadline", () => {
  const NOW = 1_000_000;
  const cases: [string, Omit<IdleDeadlineInput, "now">, number][] = [
    ["no hint: our idle timeout", { ourIdleTimeoutMs: 4000, hint: null }, NOW + 4000],
    [
      "hint without timeout: our idle timeout",
      { ourIdleTimeoutMs: 4000, hint: { max: 5 } },
      NOW + 4000,
    ],
    [
      "server hint shorter: hint minus margin",
      { ourIdleTimeoutMs: 30_000, hint: { timeoutSeconds: 5 }, safetyMarginMs: 1000 },
      NOW + 4000,
    ],
    [
      "server hint longer: ours",
      { ourIdleTimeoutMs: 3000, hint: { timeoutSeconds: 60 }, safetyMarginMs: 1000 },
      NOW + 3000,
    ],
    [
      "default margin is 1000 ms",
      { ourIdleTimeoutMs: 30_000, hint: { timeoutSeconds: 5 } },
      NOW + 4000,
    ],
    [
      "hint equal to the margin: do not reuse",
      { ourIdleTimeoutMs: 30_000, hint: { timeoutSeconds: 2 }, safetyMarginMs: 2000 },
      NOW,
    ],
    [
      "hint below the margin: do not reuse",
      { ourIdleTimeoutMs: 30_000, hint: { timeoutSeconds: 1 }, safetyMarginMs: 2000 },
      NOW,
    ],
    [
      "hint of zero: do not reuse",
      { ourIdleTimeoutMs: 30_000, hint: { timeoutSeconds: 0 }, safetyMarginMs: 0 },
      NOW,
    ],
    [
      "infinite own timeout: the hint decides",
      { ourIdleTimeoutMs: Infinity, hint: { timeoutSeconds: 10 }, safetyMarginMs: 500 },
      NOW + 9500,
    ],
    [
      "infinite own timeout, no hint: forever",
      { ourIdleTimeoutMs: Infinity, hint: null },
      Infinity,
    ],
    ["own timeout zero: do not reuse", { ourIdleTimeoutMs: 0, hint: null }, NOW],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      expect(clientIdleDeadline({ now: NOW, ...input })).toBe(expected);
    });
  }

  it("property: never later than our timeout, nor than the hint minus margin", () => {
    fc.assert(
      fc.property(
        fc.nat(1e9),
        fc.nat(600_000),
        fc.option(fc.nat(600), { nil: undefined }),
        fc.nat(5000),
        (now, ours, timeout, margin) => {
          const hint = timeout === undefined ? null : { timeoutSeconds: timeout };
          const d = clientIdleDeadline({
            now,
            ourIdleTimeoutMs: ours,
            hint,
            safetyMarginMs: margin,
          });
          expect(d).toBeGreaterThanOrEqual(now);
          expect(d).toBeLessThanOrEqual(now + ours);
          if (timeout !== undefined) {
            expect(d).toBeLessThanOrEqual(Math.max(now, now + timeout * 1000 - margin));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
