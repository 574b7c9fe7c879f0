import { describe, expect, it } from "vitest";
import { Fields } from "../src/fields.ts";
import type { BodyFraming } from "../src/message.ts";
import {
  serializeInformational,
  serializeRequestHead,
  serializeResponseHead,
} from "../src/serializer.ts";
import {
  CHUNKED,
  CLOSE,
  HOST,
  LENGTH,
  latin1,
  NONE,
  TUNNEL,
  usageCode,
} from "./outgoing-helpers.ts";

describe("serializeRequestHead", () => {
  it("RFC 9112 §3: request-line, fields in order, empty line", () => {
    const bytes = serializeRequestHead(
      { method: "GET", target: "/a?b=c", fields: [...HOST, ["Accept", "*/*"]] },
      NONE,
    );
    expect(latin1(bytes)).toBe("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n");
  });

  it("RFC 9112 §6.2: adds Content-Length for a known length", () => {
    const bytes = serializeRequestHead({ method: "POST", target: "/", fields: HOST }, LENGTH(5));
    expect(latin1(bytes)).toBe("POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\n");
  });

  it("RFC 9112 §6.1: adds Transfer-Encoding: chunked for an unknown length", () => {
    const bytes = serializeRequestHead({ method: "POST", target: "/", fields: HOST }, CHUNKED);
    expect(latin1(bytes)).toContain("\r\nTransfer-Encoding: chunked\r\n\r\n");
  });

  it("RFC 9112 §6.1: refuses chunked framing in an HTTP/1.0 request", () => {
    const head = { method: "POST", target: "/", version: "1.0" as const };
    expect(usageCode(() => serializeRequestHead(head, CHUNKED))).toBe("INVALID_OUTGOING_FIELD");
  });

  it("RFC 9112 §6.3 item 6: refuses close framing for a request", () => {
    const head = { method: "POST", target: "/", fields: HOST };
    expect(usageCode(() => serializeRequestHead(head, CLOSE))).toBe("BODY_LENGTH_REQUIRED");
  });

  it("RFC 9112 §2.3: HTTP/1.0 request-line, Host optional", () => {
    const bytes = serializeRequestHead({ method: "GET", target: "/", version: "1.0" }, NONE);
    expect(latin1(bytes)).toBe("GET / HTTP/1.0\r\n\r\n");
  });

  it("RFC 9112 §3.2: refuses an HTTP/1.1 request without Host", () => {
    expect(usageCode(() => serializeRequestHead({ method: "GET", target: "/" }, NONE))).toBe(
      "INVALID_OUTGOING_FIELD",
    );
  });

  it("RFC 9112 §3.2: refuses two Host fields (any case)", () => {
    const head = { method: "GET", target: "/", fields: [...HOST, ["HOST", "b"]] as const };
    expect(usageCode(() => serializeRequestHead(head, NONE))).toBe("INVALID_OUTGOING_FIELD");
  });

  it("RFC 9110 §9.1: refuses a method that is not a token", () => {
    for (const method of ["", "GE T", "GET\r\n", "GÉT", "(GET)"]) {
      expect(
        usageCode(() => serializeRequestHead({ method, target: "/", fields: HOST }, NONE)),
      ).toBe("INVALID_OUTGOING_START_LINE");
    }
  });

  it("RFC 9112 §3.2: refuses targets with SP, CTL, DEL or non-ASCII", () => {
    for (const target of ["", "/a b", "/a\r\nX: y", "/\x00", "/\x7f", "/é", "/\t"]) {
      expect(
        usageCode(() => serializeRequestHead({ method: "GET", target, fields: HOST }, NONE)),
      ).toBe("INVALID_OUTGOING_START_LINE");
    }
  });

  it("RFC 9112 §3.2.4: the asterisk-form is only for OPTIONS", () => {
    const ok = serializeRequestHead({ method: "OPTIONS", target: "*", fields: HOST }, NONE);
    expect(latin1(ok)).toMatch(/^OPTIONS \* HTTP\/1\.1\r\n/);
    expect(
      usageCode(() => serializeRequestHead({ method: "GET", target: "*", fields: HOST }, NONE)),
    ).toBe("INVALID_OUTGOING_START_LINE");
  });

  it("RFC 9112 §2.3: refuses a version other than 1.0 and 1.1", () => {
    const head = { method: "GET", target: "/", version: "2.0" as "1.1", fields: HOST };
    expect(usageCode(() => serializeRequestHead(head, NONE))).toBe("INVALID_OUTGOING_START_LINE");
  });

  it("RFC 9112 §6.3 item 6: a body-less request may carry Content-Length: 0 but no other", () => {
    const zero = {
      method: "GET",
      target: "/",
      fields: [...HOST, ["Content-Length", "0"]] as const,
    };
    expect(latin1(serializeRequestHead(zero, NONE))).toContain("Content-Length: 0\r\n\r\n");
    const five = {
      method: "GET",
      target: "/",
      fields: [...HOST, ["Content-Length", "5"]] as const,
    };
    expect(usageCode(() => serializeRequestHead(five, NONE))).toBe("INVALID_OUTGOING_FIELD");
  });
});

describe("serializeResponseHead", () => {
  it("RFC 9112 §4: status-line with the registered reason, then Content-Length", () => {
    const bytes = serializeResponseHead(
      { status: 200, fields: [["Content-Type", "text/plain"]] },
      LENGTH(13),
    );
    expect(latin1(bytes)).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n",
    );
  });

  it("accepts Fields and pairs alike", () => {
    const pairs: [string, string][] = [
      ["A", "1"],
      ["b", "2"],
      ["A", "3"],
    ];
    const fromPairs = serializeResponseHead({ status: 200, fields: pairs }, LENGTH(0));
    const fromFields = serializeResponseHead(
      { status: 200, fields: Fields.from(pairs) },
      LENGTH(0),
    );
    expect(latin1(fromPairs)).toBe(latin1(fromFields));
    expect(latin1(fromPairs)).toContain("A: 1\r\nb: 2\r\nA: 3\r\n");
  });

  it("RFC 9112 §4: a custom reason, an empty reason, an unregistered status", () => {
    expect(latin1(serializeResponseHead({ status: 404, reason: "Nope" }, LENGTH(0)))).toMatch(
      /^HTTP\/1\.1 404 Nope\r\n/,
    );
    expect(latin1(serializeResponseHead({ status: 200, reason: "" }, LENGTH(0)))).toMatch(
      /^HTTP\/1\.1 200 \r\n/,
    );
    expect(latin1(serializeResponseHead({ status: 599 }, LENGTH(0)))).toMatch(
      /^HTTP\/1\.1 599 \r\n/,
    );
  });

  it("RFC 9112 §4: a reason-phrase with CR, LF or NUL is refused; HTAB and obs-text are not", () => {
    for (const reason of ["a\rb", "a\nb", "a\0b", "a\x7fb", "€"]) {
      expect(usageCode(() => serializeResponseHead({ status: 200, reason }, LENGTH(0)))).toBe(
        "INVALID_OUTGOING_START_LINE",
      );
    }
    const bytes = serializeResponseHead({ status: 200, reason: "O\tK\u00e9" }, LENGTH(0));
    expect(Array.from(bytes.subarray(13, 17))).toEqual([0x4f, 0x09, 0x4b, 0xe9]);
  });

  it("RFC 9110 §15: status codes outside 100–599 are refused", () => {
    for (const status of [0, 99, 600, 1000, 200.5, Number.NaN]) {
      expect(usageCode(() => serializeResponseHead({ status }, LENGTH(0)))).toBe(
        "INVALID_OUTGOING_START_LINE",
      );
    }
  });

  it("RFC 9112 §2.3: an HTTP/1.0 response", () => {
    const bytes = serializeResponseHead({ status: 200, version: "1.0" }, LENGTH(2));
    expect(latin1(bytes)).toBe("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n");
  });

  it("RFC 9112 §6.1: adds Transfer-Encoding: chunked, appending to other codings", () => {
    expect(latin1(serializeResponseHead({ status: 200 }, CHUNKED))).toBe(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    const gzip = serializeResponseHead(
      { status: 200, fields: [["Transfer-Encoding", "gzip"]] },
      CHUNKED,
    );
    expect(latin1(gzip)).toBe(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    const given = serializeResponseHead(
      { status: 200, fields: [["transfer-encoding", "gzip, Chunked"]] },
      CHUNKED,
    );
    expect(latin1(given)).toBe("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\n\r\n");
  });

  it("RFC 9112 §6.1: chunked not last, or twice, is refused", () => {
    for (const te of ["chunked, gzip", "chunked, chunked"]) {
      const head = { status: 200, fields: [["Transfer-Encoding", te]] as const };
      expect(usageCode(() => serializeResponseHead(head, CHUNKED))).toBe("INVALID_OUTGOING_FIELD");
    }
  });

  it("RFC 9112 §6.1: chunked framing is refused in an HTTP/1.0 response", () => {
    expect(usageCode(() => serializeResponseHead({ status: 200, version: "1.0" }, CHUNKED))).toBe(
      "INVALID_OUTGOING_FIELD",
    );
  });

  it("RFC 9112 §6.2: a caller Content-Length equal to the length is kept, not repeated", () => {
    const bytes = serializeResponseHead(
      { status: 200, fields: [["content-length", "3"]] },
      LENGTH(3),
    );
    expect(latin1(bytes)).toBe("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n");
  });

  it("RFC 9112 §6.2: a caller Content-Length that contradicts the framing is refused", () => {
    const cases: [readonly (readonly [string, string])[], BodyFraming][] = [
      [[["Content-Length", "4"]], LENGTH(3)],
      [[["Content-Length", "3, 3"]], LENGTH(3)],
      [[["Content-Length", "+3"]], LENGTH(3)],
      [
        [
          ["Content-Length", "3"],
          ["Content-Length", "3"],
        ],
        LENGTH(3),
      ],
      [[["Content-Length", "3"]], CHUNKED],
      [[["Transfer-Encoding", "chunked"]], LENGTH(3)],
    ];
    for (const [fields, framing] of cases) {
      expect(usageCode(() => serializeResponseHead({ status: 200, fields }, framing))).toBe(
        "INVALID_OUTGOING_FIELD",
      );
    }
  });

  it("RFC 9112 §6.2: Content-Length with Transfer-Encoding is never sent", () => {
    const fields = [
      ["Content-Length", "3"],
      ["Transfer-Encoding", "chunked"],
    ] as const;
    for (const framing of [NONE, LENGTH(3), CHUNKED]) {
      expect(usageCode(() => serializeResponseHead({ status: 200, fields }, framing))).toBe(
        "INVALID_OUTGOING_FIELD",
      );
    }
  });

  it("RFC 9110 §8.6: a HEAD response keeps the Content-Length the caller gives", () => {
    const bytes = serializeResponseHead(
      { status: 200, fields: [["Content-Length", "1234"]] },
      NONE,
    );
    expect(latin1(bytes)).toBe("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
  });

  it("RFC 9110 §8.6: a 304 may carry Content-Length; none is added", () => {
    expect(latin1(serializeResponseHead({ status: 304 }, NONE))).toBe(
      "HTTP/1.1 304 Not Modified\r\n\r\n",
    );
    const kept = serializeResponseHead({ status: 304, fields: [["Content-Length", "9"]] }, NONE);
    expect(latin1(kept)).toContain("Content-Length: 9\r\n");
  });

  it("RFC 9110 §8.6, RFC 9112 §6.1: a 204 never carries Content-Length or Transfer-Encoding", () => {
    expect(latin1(serializeResponseHead({ status: 204 }, NONE))).toBe(
      "HTTP/1.1 204 No Content\r\n\r\n",
    );
    for (const field of [
      ["Content-Length", "0"],
      ["Transfer-Encoding", "chunked"],
    ] as const) {
      expect(usageCode(() => serializeResponseHead({ status: 204, fields: [field] }, NONE))).toBe(
        "INVALID_OUTGOING_FIELD",
      );
    }
  });

  it("RFC 9112 §6.3 item 1: body framing on 1xx, 204 or 304 is refused", () => {
    for (const status of [100, 204, 304]) {
      expect(usageCode(() => serializeResponseHead({ status }, LENGTH(0)))).toBe(
        "BODY_NOT_ALLOWED",
      );
    }
  });

  it("RFC 9112 §9.6: close framing adds Connection: close once", () => {
    expect(latin1(serializeResponseHead({ status: 200, version: "1.0" }, CLOSE))).toBe(
      "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n",
    );
    const given = serializeResponseHead({ status: 200, fields: [["Connection", "Close"]] }, CLOSE);
    expect(latin1(given)).toBe("HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n");
  });

  it("RFC 9112 §9.3: close framing with Connection: keep-alive or a length field is refused", () => {
    for (const field of [
      ["Connection", "keep-alive"],
      ["Content-Length", "3"],
      ["Transfer-Encoding", "gzip"],
    ] as const) {
      expect(usageCode(() => serializeResponseHead({ status: 200, fields: [field] }, CLOSE))).toBe(
        "INVALID_OUTGOING_FIELD",
      );
    }
  });

  it("RFC 9110 §7.8: a 101 needs Upgrade and Connection: upgrade, and no framing fields", () => {
    const fields: [string, string][] = [
      ["Connection", "Upgrade"],
      ["Upgrade", "websocket"],
    ];
    expect(latin1(serializeResponseHead({ status: 101, fields }, TUNNEL))).toBe(
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    );
    expect(
      usageCode(() => serializeResponseHead({ status: 101, fields: [fields[1]!] }, TUNNEL)),
    ).toBe("INVALID_OUTGOING_FIELD");
    expect(
      usageCode(() =>
        serializeResponseHead(
          { status: 101, fields: [...fields, ["Content-Length", "0"]] },
          TUNNEL,
        ),
      ),
    ).toBe("INVALID_OUTGOING_FIELD");
  });

  it("RFC 9110 §8.6: a 2xx to CONNECT carries no framing fields", () => {
    expect(latin1(serializeResponseHead({ status: 200 }, TUNNEL))).toBe("HTTP/1.1 200 OK\r\n\r\n");
    const head = { status: 200, fields: [["Content-Length", "0"]] as const };
    expect(usageCode(() => serializeResponseHead(head, TUNNEL))).toBe("INVALID_OUTGOING_FIELD");
    expect(usageCode(() => serializeResponseHead({ status: 404 }, TUNNEL))).toBe(
      "INVALID_OUTGOING_FIELD",
    );
  });
});

describe("serializeInformational (RFC 9110 §15.2)", () => {
  it("RFC 9110 §15.2.1: 100 Continue", () => {
    expect(latin1(serializeInformational(100))).toBe("HTTP/1.1 100 Continue\r\n\r\n");
  });

  it("RFC 8297 §2: 103 Early Hints with Link fields", () => {
    const bytes = serializeInformational(103, [
      ["Link", "</style.css>; rel=preload; as=style"],
      ["Link", "</script.js>; rel=preload; as=script"],
    ]);
    expect(latin1(bytes)).toBe(
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n" +
        "Link: </script.js>; rel=preload; as=script\r\n\r\n",
    );
  });

  it("RFC 9110 §15.2: only 1xx other than 101", () => {
    for (const status of [99, 101, 200]) {
      expect(usageCode(() => serializeInformational(status))).toBe("INVALID_OUTGOING_START_LINE");
    }
  });

  it("RFC 9110 §8.6: no Content-Length or Transfer-Encoding in a 1xx", () => {
    expect(usageCode(() => serializeInformational(100, [["Content-Length", "0"]]))).toBe(
      "INVALID_OUTGOING_FIELD",
    );
  });
});

describe("head buffers", () => {
  it("a head is never changed by later heads (slab regions are not reused)", () => {
    const first = serializeResponseHead({ status: 200, fields: [["X", "first"]] }, LENGTH(0));
    const before = latin1(first);
    for (let i = 0; i < 2000; i++) {
      serializeResponseHead({ status: 404, fields: [["Y", `value ${i}`]] }, LENGTH(i));
    }
    expect(latin1(first)).toBe(before);
  });

  it("a head larger than the slab share gets its own buffer", () => {
    const big = "v".repeat(8000);
    const bytes = serializeResponseHead({ status: 200, fields: [["X", big]] }, LENGTH(0));
    expect(latin1(bytes)).toBe(`HTTP/1.1 200 OK\r\nX: ${big}\r\nContent-Length: 0\r\n\r\n`);
  });
});
