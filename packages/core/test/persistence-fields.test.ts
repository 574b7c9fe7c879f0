import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fields } from "../src/fields.ts";
import {
  type CloseReason,
  decidePersistence,
  messageAllowsPersistence,
  type PersistenceContext,
} from "../src/keep-alive.ts";
import type { BodyFraming, HttpVersion } from "../src/message.ts";
import { PersistenceFields, readPersistenceFields } from "../src/persistence-fields.ts";

const LENGTH: BodyFraming = { kind: "length", length: 0 };

function read(raw: string[]): PersistenceFields {
  return readPersistenceFields(new Fields(raw), new PersistenceFields());
}

function reason(
  version: HttpVersion,
  raw: string[],
  context: PersistenceContext = { kind: "response" },
  framing: BodyFraming = LENGTH,
): CloseReason | null {
  return messageAllowsPersistence({ version, fields: new Fields(raw), framing }, context).reason;
}

/** The decision as it was made before the one-pass reader: by Fields.has / Fields.tokens. */
function referenceReason(
  version: HttpVersion,
  fields: Fields,
  framing: BodyFraming,
  context: PersistenceContext,
): CloseReason | null {
  if (framing.kind === "tunnel") return "switched-protocol";
  if (fields.has("transfer-encoding") && fields.has("content-length")) return "framing-conflict";
  if (framing.kind === "close") return "close-delimited-body";
  const tokens = fields.tokens("connection");
  if (tokens.includes("close")) return "connection-close";
  const keepAlive = tokens.includes("keep-alive");
  if (version === "1.0") {
    if (!keepAlive || (context.kind === "request" && context.proxy === true)) {
      return "http10-without-keep-alive";
    }
    return null;
  }
  if (context.kind === "response" && context.requestVersion === "1.0" && !keepAlive) {
    return "http10-without-keep-alive";
  }
  return null;
}

describe("readPersistenceFields: Connection options without a token list (RFC 9110 §7.6.1)", () => {
  it("RFC 9110 §7.6.1: `Connection: Keep-Alive` is keep-alive (options are case-insensitive)", () => {
    const r = read(["connection", "Keep-Alive"]);
    expect([r.keepAlive, r.close]).toEqual([true, false]);
    expect(reason("1.0", ["CONNECTION", "KEEP-ALIVE"])).toBeNull();
  });

  it("RFC 9110 §7.6.1: `Connection: CLOSE` is close", () => {
    expect(read(["Connection", "CLOSE"]).close).toBe(true);
    expect(reason("1.1", ["Connection", "CLOSE"])).toBe("connection-close");
  });

  it("RFC 9110 §5.6.1: optional whitespace around a single option", () => {
    expect(read(["Connection", " \tkeep-alive \t"]).keepAlive).toBe(true);
    expect(read(["Connection", "  close"]).close).toBe(true);
  });

  it("RFC 9112 §9.3: `Connection: close , keep-alive` — close wins", () => {
    const r = read(["Connection", "close , keep-alive"]);
    expect([r.close, r.keepAlive]).toEqual([true, true]);
    expect(reason("1.0", ["Connection", "close , keep-alive"])).toBe("connection-close");
    expect(reason("1.1", ["Connection", "close , keep-alive"])).toBe("connection-close");
  });

  it("RFC 9110 §7.6.1: `Connection: keep-alive, Upgrade` lists keep-alive", () => {
    const r = read(["Connection", "keep-alive, Upgrade"]);
    expect([r.keepAlive, r.close]).toEqual([true, false]);
    expect(reason("1.0", ["Connection", "keep-alive, Upgrade"])).toBeNull();
  });

  it("RFC 9110 §7.8: `Connection: Upgrade` lists upgrade, any case, any line, with OWS", () => {
    expect(read(["Connection", "Upgrade"]).upgrade).toBe(true);
    expect(read(["Connection", "keep-alive , UPGRADE\t"]).upgrade).toBe(true);
    expect(read(["Connection", "close", "connection", "upgrade"]).upgrade).toBe(true);
    expect(read(["Connection", "\u00a0upgrade"]).upgrade).toBe(true); // general path: trim()
    expect(read(["Connection", "upgraded, keep-alive"]).upgrade).toBe(false);
    expect(read(["Upgrade", "websocket"]).upgrade).toBe(false);
    expect(read(["Connection", "keep-alive"]).upgrade).toBe(false);
    // A reused reader forgets the previous message's option.
    const into = new PersistenceFields();
    readPersistenceFields(new Fields(["Connection", "upgrade"]), into);
    expect(readPersistenceFields(new Fields(["Connection", "close"]), into).upgrade).toBe(false);
  });

  it("RFC 9110 §5.3: options from two Connection field lines are combined", () => {
    const r = read(["Connection", "Upgrade", "Host", "a", "connection", "keep-alive"]);
    expect(r.keepAlive).toBe(true);
    expect(reason("1.1", ["Connection", "keep-alive", "connection", "close"])).toBe(
      "connection-close",
    );
  });

  it("RFC 9110 §5.6.1: an empty Connection value or empty elements list nothing", () => {
    const r = read(["Connection", "", "Connection", " , ,"]);
    expect([r.close, r.keepAlive]).toEqual([false, false]);
    expect(reason("1.0", ["Connection", ""])).toBe("http10-without-keep-alive");
    expect(reason("1.1", ["Connection", ""])).toBeNull();
  });

  it("RFC 9110 §7.6.1: options that merely contain `close` or `keep-alive` are other options", () => {
    const r = read(["Connection", "closed, keep-alive2, xclose, keep alive"]);
    expect([r.close, r.keepAlive]).toEqual([false, false]);
  });

  it("RFC 9112 §9.3: HTTP/1.0 needs keep-alive, HTTP/1.1 persists by default", () => {
    expect(reason("1.0", [])).toBe("http10-without-keep-alive");
    expect(reason("1.1", [])).toBeNull();
    expect(reason("1.0", ["Connection", "keep-alive"])).toBeNull();
    expect(reason("1.1", [], { kind: "response", requestVersion: "1.0" })).toBe(
      "http10-without-keep-alive",
    );
    expect(
      reason("1.1", ["Connection", "Keep-Alive"], { kind: "response", requestVersion: "1.0" }),
    ).toBeNull();
  });

  it("RFC 9112 §6.1, §6.3: Transfer-Encoding with Content-Length ends persistence, any name case", () => {
    expect(reason("1.1", ["TRANSFER-ENCODING", "chunked", "content-LENGTH", "0"])).toBe(
      "framing-conflict",
    );
    const close: BodyFraming = { kind: "close" };
    expect(reason("1.1", ["Transfer-Encoding", "x", "Content-Length", "1"], undefined, close)).toBe(
      "framing-conflict",
    );
  });

  it("RFC 9110 §5.3: Keep-Alive value is the combined value of every line", () => {
    const one = new Fields(["Keep-Alive", "timeout=5"]);
    expect(readPersistenceFields(one, new PersistenceFields()).keepAliveValue(one)).toBe(
      "timeout=5",
    );
    const two = new Fields(["keep-alive", "timeout=5", "Host", "h", "KEEP-ALIVE", "max=3"]);
    expect(readPersistenceFields(two, new PersistenceFields()).keepAliveValue(two)).toBe(
      "timeout=5, max=3",
    );
    const none = new Fields(["Connection", "keep-alive"]);
    expect(readPersistenceFields(none, new PersistenceFields()).keepAliveValue(none)).toBe(
      undefined,
    );
  });

  it("RFC 9112 §9.3: same decision as the token-list reading, for any fields (property)", () => {
    const piece = fc.constantFrom(
      "close",
      "keep-alive",
      "Keep-Alive",
      "CLOSE",
      "upgrade",
      "UpGrade",
      "upgrade2",
      "x",
      "",
      " ",
      "\t",
      ",",
      "\u212Aeep-alive", // Kelvin sign: lower-cases to "k" — taken on the general path
      "\u00a0close",
      "\r",
      "\x7f",
      "İ",
    );
    const value = fc.array(piece, { maxLength: 6 }).map((a) => a.join(""));
    const name = fc.constantFrom(
      "Connection",
      "connection",
      "CONNECTION",
      "Keep-Alive",
      "Transfer-Encoding",
      "content-length",
      "Host",
      "Connectio",
      "TRANSFER-ENCODING",
      "Content-Length",
      "KEEP-ALIVE",
    );
    const line = fc.tuple(name, value);
    const framing = fc.constantFrom<BodyFraming>(
      LENGTH,
      { kind: "chunked" },
      { kind: "close" },
      { kind: "none" },
      { kind: "tunnel" },
    );
    const context = fc.constantFrom<PersistenceContext>(
      { kind: "request" },
      { kind: "request", proxy: true },
      { kind: "response" },
      { kind: "response", requestVersion: "1.0" },
    );
    fc.assert(
      fc.property(
        fc.constantFrom<HttpVersion>("1.0", "1.1"),
        fc.array(line, { maxLength: 5 }),
        framing,
        context,
        (version, lines, fr, ctx) => {
          const fields = new Fields(lines.flat());
          const into = new PersistenceFields();
          const got = decidePersistence({ version, fields, framing: fr }, ctx, into);
          expect(got.reason).toBe(referenceReason(version, fields, fr, ctx));
          expect(into.keepAliveValue(fields)).toBe(fields.get("keep-alive"));
          expect(into.upgrade).toBe(
            fields.has("connection") && fields.hasToken("connection", "upgrade"),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
