/**
 * Octet classes used by the parser, as 256-entry lookup tables so that the
 * hot loops do one indexed load per byte and no branching on ranges.
 *
 * Grammar sources: RFC 9110 §5.6.2 (tchar, token), §5.5 (field-vchar,
 * obs-text), RFC 5234 Appendix B.1 (VCHAR, HEXDIG, DIGIT, ALPHA),
 * RFC 3986 §3.1 (scheme), §3.2.2 (reg-name, IP-literal).
 *
 * Performance note for the modules that use these in hot loops: V8 reads an
 * imported (or exported) binding through its module cell, with a TDZ check,
 * at every use. Measured on a byte loop: +50% time with an imported
 * constant, +40% with an imported table. So the parser modules copy what
 * they need into module-local constants (`const { CR, LF, TCHAR } = chars;`)
 * and use those. Even a module's own `const` is loaded from the module
 * context, with a type check, at every use (V8 11 / Node 20, seen in the
 * optimised code), so the hottest octet loops (field-section.ts) write
 * octets as number literals, and advance offsets by `(i + 1) | 0`, which
 * needs no overflow check: about 14% fewer instructions per field-line
 * octet (counted with valgrind).
 */

/** Horizontal tab. */
export const HTAB = 0x09;
/** Line feed. */
export const LF = 0x0a;
/** Carriage return. */
export const CR = 0x0d;
/** Space. */
export const SP = 0x20;
/** ":" between field name and value. */
export const COLON = 0x3a;

function table(accept: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) if (accept(c)) t[c] = 1;
  return t;
}

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const inSet = (set: string) => (c: number) => set.indexOf(String.fromCharCode(c)) !== -1;

/**
 * RFC 9110 §5.6.2: `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
 * "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`. 1 = allowed.
 */
export const TCHAR: Uint8Array = table(
  (c) => isAlpha(c) || isDigit(c) || inSet("!#$%&'*+-.^_`|~")(c),
);

/** {@link FIELD_VALUE} class: octet never allowed in a field value. */
export const VALUE_INVALID = 0;
/** {@link FIELD_VALUE} class: VCHAR, SP or HTAB. */
export const VALUE_ASCII = 1;
/** {@link FIELD_VALUE} class: obs-text (%x80-FF), kept as a latin1 code point. */
export const VALUE_OBS_TEXT = 2;

/**
 * RFC 9110 §5.5: `field-vchar = VCHAR / obs-text` plus SP and HTAB between
 * them. Also the reason-phrase alphabet (RFC 9112 §4:
 * `reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )`). NUL, CR, LF, the
 * other CTLs and DEL are {@link VALUE_INVALID}.
 */
export const FIELD_VALUE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[HTAB] = VALUE_ASCII;
  for (let c = 0x20; c <= 0x7e; c++) t[c] = VALUE_ASCII;
  for (let c = 0x80; c <= 0xff; c++) t[c] = VALUE_OBS_TEXT;
  return t;
})();

/**
 * Octets allowed in a request-target: visible ASCII (%x21-7E). SP, CTLs,
 * DEL and obs-text are rejected (RFC 9112 §3.2: the target is a URI
 * reference, which is ASCII without whitespace).
 */
export const TARGET: Uint8Array = table((c) => c >= 0x21 && c <= 0x7e);

/** RFC 3986 §3.1: `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (tail octets). */
export const SCHEME: Uint8Array = table((c) => isAlpha(c) || isDigit(c) || inSet("+-.")(c));

/**
 * RFC 3986 §3.2.2: `reg-name = *( unreserved / pct-encoded / sub-delims )`.
 * `%` is included here; the two HEXDIG after it are checked separately.
 * IPv4address is a subset of this alphabet.
 */
export const REG_NAME: Uint8Array = table(
  (c) => isAlpha(c) || isDigit(c) || inSet("-._~!$&'()*+,;=%")(c),
);

/** RFC 3986 §3.2.2 IPvFuture tail: `unreserved / sub-delims / ":"`. */
export const IP_FUTURE: Uint8Array = table(
  (c) => isAlpha(c) || isDigit(c) || inSet("-._~!$&'()*+,;=:")(c),
);

/** HEXDIG value (0–15), or 255 when the octet is not a hex digit. */
export const HEX: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(255);
  for (let c = 0; c < 10; c++) t[0x30 + c] = c;
  for (let c = 0; c < 6; c++) {
    t[0x41 + c] = 10 + c;
    t[0x61 + c] = 10 + c;
  }
  return t;
})();

/** True for DIGIT (%x30-39). */
export function isDigitOctet(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** True for SP or HTAB (the octets of OWS, RFC 9110 §5.6.3). */
export function isWhitespace(c: number | undefined): boolean {
  return c === SP || c === HTAB;
}

const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * RFC 9110 §5.6.4: `quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE`,
 * `qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text`,
 * `quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )`.
 * `b[i]` must be DQUOTE. Returns the offset after the closing DQUOTE, or -1.
 */
export function scanQuotedString(b: Uint8Array, i: number, e: number): number {
  for (i++; i < e; i++) {
    const c = b[i]!;
    if (c === DQUOTE) return i + 1;
    if (c === BACKSLASH) {
      i++;
      if (i >= e || FIELD_VALUE[b[i]!] === VALUE_INVALID) return -1;
    } else if (FIELD_VALUE[c] === VALUE_INVALID) {
      return -1;
    }
  }
  return -1;
}

/** Scans a token (1*tchar) from `i`; returns its end, equal to `i` when there is none. */
export function scanToken(b: Uint8Array, i: number, e: number): number {
  while (i < e && TCHAR[b[i]!] === 1) i++;
  return i;
}

/** Skips OWS / BWS (SP and HTAB) from `i`; returns the first other offset. */
export function skipWhitespace(b: Uint8Array, i: number, e: number): number {
  while (i < e && (b[i] === SP || b[i] === HTAB)) i++;
  return i;
}

/** A string's code units as octets (latin1); code units above 0xFF become 0 (never valid). */
export function latin1Octets(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[i] = c > 0xff ? 0 : c;
  }
  return b;
}
