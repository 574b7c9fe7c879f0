/**
 * Host and authority syntax, checked on octets.
 *
 * RFC 9112 §3.2: `Host = uri-host [ ":" port ]` (RFC 9110 §7.2), where
 * `uri-host = IP-literal / IPv4address / reg-name` and `port = *DIGIT`
 * (RFC 3986 §3.2.2, §3.2.3). RFC 9112 §3.2.3:
 * `authority-form = uri-host ":" port`.
 */
import * as chars from "./chars.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { COLON, HEX, IP_FUTURE, isDigitOctet, REG_NAME } = chars;

/** {@link HOST_OCTET}: unreserved or sub-delims (RFC 3986 §3.2.2). */
const REG_NAME_OCTET = 1;
/** reg-name octets, except "%" (it starts pct-encoded and is checked apart). */
const HOST_OCTET: Uint8Array = REG_NAME.map((k, c) => (k === 1 && c !== 0x25 ? REG_NAME_OCTET : 0));

const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const DOT = 0x2e;

/**
 * Scans a uri-host that starts at `s` and ends at a `:` or at `e`. Returns
 * the offset just after the host, or -1 when it is not a valid uri-host.
 */
export function scanUriHost(b: Uint8Array, s: number, e: number): number {
  if (s < e && b[s] === LBRACKET) {
    // RFC 3986 §3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]"
    let close = s + 1;
    while (close < e && b[close] !== RBRACKET) close++;
    if (close === e) return -1;
    return isIpv6(b, s + 1, close) || isIpFuture(b, s + 1, close) ? close + 1 : -1;
  }
  // reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4address is a subset.
  // Lower-case letters, digits, "-" and "." (most host names) by arithmetic,
  // four at a time while they last; then one at a time, the other reg-name
  // octets by the table. Octets are number literals and offsets advance by
  // `(i + k) | 0`: see "Performance note" in chars.ts.
  const table = HOST_OCTET;
  let i = s;
  for (;;) {
    while (((i + 4) | 0) <= e) {
      const c0 = b[i]!;
      const c1 = b[i + 1]!;
      const c2 = b[i + 2]!;
      const c3 = b[i + 3]!;
      if (
        ((c0 - 0x61) >>> 0 < 26 || ((c0 - 0x2d) >>> 0 < 13 && c0 !== 0x2f)) &&
        ((c1 - 0x61) >>> 0 < 26 || ((c1 - 0x2d) >>> 0 < 13 && c1 !== 0x2f)) &&
        ((c2 - 0x61) >>> 0 < 26 || ((c2 - 0x2d) >>> 0 < 13 && c2 !== 0x2f)) &&
        ((c3 - 0x61) >>> 0 < 26 || ((c3 - 0x2d) >>> 0 < 13 && c3 !== 0x2f))
      ) {
        i = (i + 4) | 0;
      } else break;
    }
    while (i < e) {
      const c = b[i]!;
      if ((c - 0x61) >>> 0 < 26 || ((c - 0x2d) >>> 0 < 13 && c !== 0x2f) || table[c] === 1) {
        i = (i + 1) | 0;
      } else break;
    }
    if (i === e) return i;
    const c = b[i];
    if (c === 0x3a) return i;
    // pct-encoded = "%" HEXDIG HEXDIG
    if (c !== 0x25 || i + 2 >= e || HEX[b[i + 1]!] === 255 || HEX[b[i + 2]!] === 255) return -1;
    i = (i + 3) | 0;
  }
}

/** RFC 9112 §3.2: a Host field value, `uri-host [ ":" port ]` with `port = *DIGIT`. */
export function isValidHost(b: Uint8Array, s: number, e: number): boolean {
  const hostEnd = scanUriHost(b, s, e);
  if (hostEnd === -1) return false;
  if (hostEnd === e) return true;
  if (b[hostEnd] !== COLON) return false;
  for (let i = hostEnd + 1; i < e; i = (i + 1) | 0) if ((b[i]! - 0x30) >>> 0 > 9) return false;
  return true;
}

/**
 * RFC 9112 §3.2.3: `authority-form = uri-host ":" port`. The host must not be
 * empty and, per RFC 9110 §9.3.6 ("a client MUST send the port number"), the
 * port must have at least one digit.
 */
export function isAuthorityForm(b: Uint8Array, s: number, e: number): boolean {
  const hostEnd = scanUriHost(b, s, e);
  if (hostEnd <= s || hostEnd === e || b[hostEnd] !== COLON || hostEnd + 1 === e) return false;
  for (let i = hostEnd + 1; i < e; i++) if (!isDigitOctet(b[i])) return false;
  return true;
}

/**
 * RFC 3986 §3.2.2 IPv6address: eight 16-bit groups of 1–4 HEXDIG separated
 * by ":", one "::" standing for one or more zero groups, and optionally an
 * IPv4address in place of the last two groups.
 */
function isIpv6(b: Uint8Array, s: number, e: number): boolean {
  let groups = 0;
  let elided = false;
  let i = s;
  if (b[i] === COLON) {
    if (b[i + 1] !== COLON || i + 1 >= e) return false;
    elided = true;
    i += 2;
    if (i === e) return true;
  }
  for (;;) {
    let j = i;
    while (j < e && HEX[b[j]!] !== 255) j++;
    if (j < e && b[j] === DOT) {
      if (!isIpv4(b, i, e)) return false;
      groups += 2;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups++;
    if (j === e) break;
    if (b[j] !== COLON) return false;
    if (b[j + 1] === COLON && j + 1 < e) {
      if (elided) return false;
      elided = true;
      i = j + 2;
      if (i === e) break;
    } else {
      i = j + 1;
      if (i === e) return false;
    }
  }
  return elided ? groups <= 7 : groups === 8;
}

/** RFC 3986 §3.2.2: `IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet`. */
function isIpv4(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (b[i] !== DOT) return false;
      i++;
    }
    const start = i;
    let value = 0;
    while (i < e && isDigitOctet(b[i]) && i - start < 3) value = value * 10 + (b[i++]! - 0x30);
    // dec-octet: 0–255 without leading zeros
    if (i === start || value > 255 || (b[start] === 0x30 && i - start > 1)) return false;
  }
  return i === e;
}

/** RFC 3986 §3.2.2: `IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`. */
function isIpFuture(b: Uint8Array, s: number, e: number): boolean {
  if ((b[s]! | 0x20) !== 0x76) return false;
  let i = s + 1;
  while (i < e && HEX[b[i]!] !== 255) i++;
  if (i === s + 1 || b[i] !== DOT || i + 1 >= e) return false;
  for (i++; i < e; i++) if (IP_FUTURE[b[i]!] !== 1) return false;
  return true;
}
