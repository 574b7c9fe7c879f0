/**
 * One field line (RFC 9112 §5, RFC 9110 §5):
 *
 *     field-line  = field-name ":" OWS field-value OWS
 *     field-name  = token
 *     field-value = *field-content            ; VCHAR, obs-text, SP, HTAB
 *     obs-fold    = OWS CRLF RWS              ; RFC 9112 §5.2
 *
 * Checked on octets. The scanner also recognises the few field names the
 * parser itself acts upon, so no string comparison is needed later.
 */
import {
  COLON,
  CR,
  FIELD_VALUE,
  HTAB,
  LF,
  SP,
  TCHAR,
  VALUE_INVALID,
  VALUE_OBS_TEXT,
} from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import { INCOMPLETE, INVALID, lineEnd, lineEndError, NOT_EOL } from "./line-end.ts";

/** A field the parser does not act upon. */
export const FIELD_OTHER = 0;
/** `Host` (RFC 9112 §3.2). */
export const FIELD_HOST = 1;
/** `Content-Length` (RFC 9110 §8.6). */
export const FIELD_CONTENT_LENGTH = 2;
/** `Transfer-Encoding` (RFC 9112 §6.1). */
export const FIELD_TRANSFER_ENCODING = 3;
/** `Connection` (RFC 9110 §7.6.1). */
export const FIELD_CONNECTION = 4;
/** `Upgrade` (RFC 9110 §7.8). */
export const FIELD_UPGRADE = 5;
/** `Expect` (RFC 9110 §10.1.1). */
export const FIELD_EXPECT = 6;

/** Where the parts of a field line are (absolute offsets), and what it is. */
export class FieldLineParts {
  /** End of the field name (the colon). */
  nameEnd = 0;
  /** Start of the value, OWS skipped. */
  valueStart = 0;
  /** End of the value, OWS trimmed. */
  valueEnd = 0;
  /** Where the line terminator starts. */
  lineEnd = 0;
  /** The value holds obs-text (octets ≥ 0x80). */
  obsText = false;
  /** Set when a scan returns {@link INVALID}. */
  error: ProtocolError | null = null;
}

// Module-local copies for fieldKind(): V8 folds a module's own constants but
// reads exported or imported bindings through their module cell at every use.
const OTHER = FIELD_OTHER;
const HOST = FIELD_HOST;
const CONTENT_LENGTH = FIELD_CONTENT_LENGTH;
const TRANSFER_ENCODING = FIELD_TRANSFER_ENCODING;
const CONNECTION = FIELD_CONNECTION;
const UPGRADE = FIELD_UPGRADE;
const EXPECT = FIELD_EXPECT;

/** A lower-case field name as octets. */
function octets(name: string): readonly number[] {
  return Array.from(name, (c) => c.charCodeAt(0));
}

const HOST_NAME = octets("host");
const CONTENT_LENGTH_NAME = octets("content-length");
const TRANSFER_ENCODING_NAME = octets("transfer-encoding");
const CONNECTION_NAME = octets("connection");
const UPGRADE_NAME = octets("upgrade");
const EXPECT_NAME = octets("expect");

/**
 * Case-insensitive match of the token `b[s, s+name.length)` against `name`
 * (RFC 9110 §5.1: field names are case-insensitive).
 */
function isNamed(b: Uint8Array, s: number, name: readonly number[]): boolean {
  // For tchar octets `c | 0x20` lower-cases letters and leaves "-" alone.
  for (let i = 0; i < name.length; i++) if ((b[s + i]! | 0x20) !== name[i]) return false;
  return true;
}

/**
 * By name length: the first letter (lower-cased) of the one known name of
 * that length, or 0. Rules out most other names with one lookup.
 */
const FIRST_LETTER: Uint8Array = (() => {
  const t = new Uint8Array(18);
  for (const name of [
    HOST_NAME,
    CONTENT_LENGTH_NAME,
    TRANSFER_ENCODING_NAME,
    CONNECTION_NAME,
    UPGRADE_NAME,
    EXPECT_NAME,
  ]) {
    t[name.length] = name[0]!;
  }
  return t;
})();

/** Which `FIELD_*` kind the token `b[s, s+len)` names. */
export function fieldKind(b: Uint8Array, s: number, len: number): number {
  if (len > 17 || FIRST_LETTER[len] !== (b[s]! | 0x20)) return OTHER;
  switch (len) {
    case 4:
      return isNamed(b, s, HOST_NAME) ? HOST : OTHER;
    case 6:
      return isNamed(b, s, EXPECT_NAME) ? EXPECT : OTHER;
    case 7:
      return isNamed(b, s, UPGRADE_NAME) ? UPGRADE : OTHER;
    case 10:
      return isNamed(b, s, CONNECTION_NAME) ? CONNECTION : OTHER;
    case 14:
      return isNamed(b, s, CONTENT_LENGTH_NAME) ? CONTENT_LENGTH : OTHER;
    default:
      return isNamed(b, s, TRANSFER_ENCODING_NAME) ? TRANSFER_ENCODING : OTHER;
  }
}

/**
 * Scans the field line that starts at `b[s]`, in a buffer that ends at
 * `end`, and fills `out`. Returns the offset after its line terminator,
 * {@link INCOMPLETE} when the buffer ends first (nothing is decided that
 * later octets could change), or {@link INVALID} with `out.error` set.
 * `b[s]` must not be SP or HTAB (that is obs-fold, see {@link scanContinuation}).
 * `origin` is where the message starts (error offsets are relative to it).
 */
export function scanFieldLine(
  b: Uint8Array,
  s: number,
  end: number,
  lenient: boolean,
  out: FieldLineParts,
  origin: number,
): number {
  let i = s;
  while (i < end && TCHAR[b[i]!] === 1) i++;
  if (i >= end) return INCOMPLETE;
  if (b[i] !== COLON || i === s) return nameError(b, s, i, end, lenient, out, origin);
  out.nameEnd = i;
  // OWS around the value is not part of it (RFC 9112 §5)
  i++;
  while (i < end && (b[i] === SP || b[i] === HTAB)) i++;
  return scanValue(b, i, end, lenient, out, origin);
}

/**
 * Scans an obs-fold continuation line (it starts with SP or HTAB) like
 * {@link scanFieldLine}; `out.valueStart`/`valueEnd` get its trimmed content.
 */
export function scanContinuation(
  b: Uint8Array,
  s: number,
  end: number,
  lenient: boolean,
  out: FieldLineParts,
  origin: number,
): number {
  let i = s;
  while (i < end && (b[i] === SP || b[i] === HTAB)) i++;
  return scanValue(b, i, end, lenient, out, origin);
}

/** RFC 9110 §5.5: every octet of a field value is VCHAR, SP, HTAB or obs-text. */
function scanValue(
  b: Uint8Array,
  vs: number,
  end: number,
  lenient: boolean,
  out: FieldLineParts,
  origin: number,
): number {
  let seen = 0;
  let i = vs;
  for (; i < end; i++) {
    const k = FIELD_VALUE[b[i]!]!;
    if (k === VALUE_INVALID) break;
    seen |= k;
  }
  const next = lineEnd(b, i, end, lenient);
  if (next < 0) {
    if (next === INCOMPLETE) return INCOMPLETE;
    out.error = next === NOT_EOL ? octetError(b[i]!, i - origin) : lineEndError(next, i - origin);
    return INVALID;
  }
  let ve = i;
  while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HTAB)) ve--;
  out.valueStart = vs;
  out.valueEnd = ve;
  out.lineEnd = i;
  out.obsText = (seen & VALUE_OBS_TEXT) !== 0;
  return next;
}

/** The error for an octet that may not appear in a field value. */
function octetError(c: number, offset: number): ProtocolError {
  if (c === 0) {
    return new ProtocolError("INVALID_OCTET", "NUL in a field value (RFC 9110 §5.5)", offset);
  }
  return new ProtocolError(
    "INVALID_FIELD_VALUE",
    "control octet in a field value (RFC 9110 §5.5)",
    offset,
  );
}

/** Explains why the name scan stopped at `i` (no colon right after a non-empty token). */
function nameError(
  b: Uint8Array,
  s: number,
  i: number,
  end: number,
  lenient: boolean,
  out: FieldLineParts,
  origin: number,
): number {
  const c = b[i]!;
  let error: ProtocolError;
  if (c === COLON) {
    error = new ProtocolError("INVALID_FIELD_NAME", "empty field name (RFC 9110 §5.1)", i - origin);
  } else if (c === SP || c === HTAB) {
    let j = i;
    while (j < end && (b[j] === SP || b[j] === HTAB)) j++;
    if (j >= end) return INCOMPLETE;
    error =
      b[j] === COLON && i > s
        ? new ProtocolError(
            "WHITESPACE_BEFORE_COLON",
            "no whitespace is allowed between a field name and the colon (RFC 9112 §5.1)",
            i - origin,
          )
        : new ProtocolError(
            "INVALID_FIELD_NAME",
            "field name must be a token (RFC 9110 §5.1)",
            i - origin,
          );
  } else if (c === CR || c === LF) {
    const next = lineEnd(b, i, end, lenient);
    if (next === INCOMPLETE) return INCOMPLETE;
    error =
      next >= 0
        ? new ProtocolError(
            "INVALID_FIELD_NAME",
            "field line without a colon (RFC 9112 §5)",
            i - origin,
          )
        : lineEndError(next, i - origin);
  } else if (c === 0) {
    error = new ProtocolError("INVALID_OCTET", "NUL in a field name (RFC 9110 §5.1)", i - origin);
  } else {
    error = new ProtocolError(
      "INVALID_FIELD_NAME",
      "field name must be a token followed by a colon (RFC 9110 §5.1)",
      i - origin,
    );
  }
  out.error = error;
  return INVALID;
}
