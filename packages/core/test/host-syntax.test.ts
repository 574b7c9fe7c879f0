/**
 * Host and authority syntax (RFC 9112 §3.2, §3.2.3; RFC 3986 §3.2.2, §3.2.3),
 * checked against a regular-expression reading of the reg-name grammar. The
 * scanner tests the common octets four at a time, so the properties use
 * hosts of every length around that stride.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAuthorityForm, isValidHost, scanUriHost } from "../src/host.ts";

// RFC 3986 §3.2.2: reg-name = *( unreserved / pct-encoded / sub-delims )
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const PORT = /^[0-9]*$/;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Octets near the reg-name alphabet's edges, plus the other classes. */
const OCTETS = "azAZ09-._~!$&'()*+,;=%:/@[]?#\"<>\\^`{|}\x00\x7f\x80\xff";
const hostText = fc
  .array(fc.constantFrom(...OCTETS, "%41", "%4g", "a", "b", "1", "."), {
    maxLength: 14,
  })
  .map((parts) => parts.join(""));

/** What RFC 9112 §3.2 accepts for a Host value without an IP-literal. */
function referenceHost(v: string): boolean {
  const colon = v.indexOf(":");
  const host = colon === -1 ? v : v.slice(0, colon);
  return REG_NAME.test(host) && (colon === -1 || PORT.test(v.slice(colon + 1)));
}

describe("Host syntax (RFC 9112 §3.2, RFC 3986 §3.2.2)", () => {
  it("RFC 3986 §3.2.2: reg-name hosts of each length are accepted, one bad octet anywhere rejects", () => {
    for (let n = 1; n <= 12; n++) {
      const name = "ab-1.cd9~".repeat(2).slice(0, n);
      expect(isValidHost(ascii(name), 0, n)).toBe(true);
      for (let at = 0; at < n; at++) {
        for (const bad of ["/", "@", "[", " ", "\x7f", "\x80"]) {
          const v = name.slice(0, at) + bad + name.slice(at + 1);
          expect(isValidHost(ascii(v), 0, n), JSON.stringify(v)).toBe(false);
        }
      }
    }
  });

  it("RFC 9112 §3.2: isValidHost agrees with the reg-name grammar (no IP-literal)", () => {
    fc.assert(
      fc.property(hostText, (v) => {
        if (v.startsWith("[")) return;
        // The value sits inside a larger buffer, as in a head.
        const b = ascii(`\x00${v}\r`);
        expect(isValidHost(b, 1, 1 + v.length)).toBe(referenceHost(v));
      }),
      { numRuns: 1000 },
    );
  });

  it("RFC 3986 §3.2.2: scanUriHost stops at the first ':' after a valid reg-name", () => {
    fc.assert(
      fc.property(hostText, (v) => {
        if (v.startsWith("[")) return;
        const colon = v.indexOf(":");
        const host = colon === -1 ? v : v.slice(0, colon);
        const want = REG_NAME.test(host) ? host.length : -1;
        expect(scanUriHost(ascii(v), 0, v.length)).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });

  it("RFC 9112 §3.2.3: authority-form needs a non-empty host and a port of at least one digit", () => {
    expect(isAuthorityForm(ascii("www.example.com:443"), 0, 19)).toBe(true);
    expect(isAuthorityForm(ascii("www.example.com:"), 0, 16)).toBe(false);
    expect(isAuthorityForm(ascii(":443"), 0, 4)).toBe(false);
    expect(isAuthorityForm(ascii("www.exa/mple.com:443"), 0, 20)).toBe(false);
    expect(isAuthorityForm(ascii("[::1]:8080"), 0, 10)).toBe(true);
  });
});
