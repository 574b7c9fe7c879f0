import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyFieldValue, isToken } from "../src/outgoing-syntax.ts";
import { serializeRequestHead, serializeResponseHead } from "../src/serializer.ts";
import { LENGTH, latin1, NONE, usageCode } from "./outgoing-helpers.ts";

describe("outgoing field validation (RFC 9110 §5.1, §5.5)", () => {
  const send = (name: string, value: string) =>
    usageCode(() => serializeResponseHead({ status: 200, fields: [[name, value]] }, LENGTH(0)));

  it("RFC 9110 §5.5: refuses CR, LF and NUL in values (response splitting)", () => {
    for (const value of ["a\r\nSet-Cookie: x=1", "a\rb", "a\nb", "a\0b"]) {
      expect(send("X", value)).toBe("INVALID_OUTGOING_FIELD");
    }
  });

  it("RFC 9110 §5.5: refuses other CTLs, DEL and code points above U+00FF", () => {
    for (const value of ["a\x01b", "a\x1fb", "a\x7fb", "a€b", "😀"]) {
      expect(send("X", value)).toBe("INVALID_OUTGOING_FIELD");
    }
  });

  it("RFC 9110 §5.5: refuses leading or trailing whitespace (it would be stripped as OWS)", () => {
    for (const value of [" a", "a ", "\ta", "a\t", " "]) {
      expect(send("X", value)).toBe("INVALID_OUTGOING_FIELD");
    }
  });

  it("RFC 9110 §5.5: accepts HTAB and SP inside, obs-text and the empty value", () => {
    for (const value of ["a\tb", "a b", "caf\u00e9", "\u0080\u00ff", ""]) {
      expect(send("X", value)).toBe("no error");
    }
  });

  it("RFC 9110 §5.5: obs-text goes out as single octets, not UTF-8", () => {
    const bytes = serializeResponseHead({ status: 200, fields: [["X", "caf\u00e9"]] }, LENGTH(0));
    const text = latin1(bytes);
    expect(text).toBe("HTTP/1.1 200 OK\r\nX: caf\u00e9\r\nContent-Length: 0\r\n\r\n");
    expect(bytes.length).toBe(text.length);
    expect(bytes[bytes.indexOf(0x66) + 1]).toBe(0xe9);
  });

  it("RFC 9110 §5.1: refuses names that are not tokens", () => {
    for (const name of ["", "A B", "A:", "A\r\n", "Ä", "(x)", "a/b", "a@b"]) {
      expect(send(name, "v")).toBe("INVALID_OUTGOING_FIELD");
    }
  });

  it("refuses non-string names and values from untyped callers with a UsageError", () => {
    expect(send(42 as unknown as string, "v")).toBe("INVALID_OUTGOING_FIELD");
    expect(send("X", undefined as unknown as string)).toBe("INVALID_OUTGOING_FIELD");
    const nope = 7 as unknown as string;
    expect(usageCode(() => serializeRequestHead({ method: nope, target: "/" }, NONE))).toBe(
      "INVALID_OUTGOING_START_LINE",
    );
    expect(usageCode(() => serializeRequestHead({ method: "GET", target: nope }, NONE))).toBe(
      "INVALID_OUTGOING_START_LINE",
    );
    expect(usageCode(() => serializeResponseHead({ status: 200, reason: nope }, NONE))).toBe(
      "INVALID_OUTGOING_START_LINE",
    );
  });

  // Reference grammars, written independently of the implementation.
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const FIELD_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
  const interesting = fc.constantFrom(
    ...'\0\t\n\r \x01\x1f!"(),/:;<=>?@[\\]{}\x7f\x80\u00e9\u00ff\u0100€aZ09-_~'.split(""),
  );
  const text = fc.oneof(
    fc.string({ unit: interesting, maxLength: 8 }),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: "binary", maxLength: 8 }),
  );

  it("property: a name is accepted exactly when it is a token (RFC 9110 §5.6.2)", () => {
    fc.assert(
      fc.property(text, (name) => {
        expect(isToken(name)).toBe(TOKEN.test(name));
        expect(send(name, "v") === "no error").toBe(TOKEN.test(name));
      }),
      { numRuns: 1000 },
    );
  });

  it("property: a value is accepted exactly when it matches field-value (RFC 9110 §5.5)", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(classifyFieldValue(value) !== 0).toBe(FIELD_VALUE.test(value));
        expect(send("X", value) === "no error").toBe(FIELD_VALUE.test(value));
      }),
      { numRuns: 1000 },
    );
  });
});
