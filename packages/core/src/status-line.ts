/**
 * The status-line (RFC 9112 §4):
 *
 *     status-line   = HTTP-version SP status-code SP [ reason-phrase ]
 *     status-code   = 3DIGIT
 *     reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
 *
 * Deliberate leniency: `HTTP/1.1 200` with no SP after the status-code is
 * accepted as an empty reason-phrase. The grammar requires the SP, but
 * RFC 9112 §4 tells a client to ignore the reason-phrase content, deployed
 * servers do omit the SP, and the status-code alone is unambiguous (nothing
 * about framing depends on the reason). Accepted only at the very end of the line.
 */
import * as chars from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import * as lineEnds from "./line-end.ts";
import { scanVersion, startsWithHttpName, versionError } from "./version.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { FIELD_VALUE, isDigitOctet, SP, VALUE_INVALID, VALUE_OBS_TEXT } = chars;
const { INCOMPLETE, INVALID, lineEnd, lineEndError, NOT_EOL } = lineEnds;

/** What a status-line holds, reason offsets relative to its first octet. */
export class StatusLineParts {
  /** HTTP-version minor digit. */
  minor = 1;
  /** The status-code, 100–599. */
  status = 200;
  /** Start of the reason-phrase. */
  reasonStart = 0;
  /** End of the reason-phrase. */
  reasonEnd = 0;
  /** The reason-phrase holds obs-text (octets ≥ 0x80). */
  obsText = false;
  /** Set when a scan returns {@link INVALID}. */
  error: ProtocolError | null = null;
}

function fail(out: StatusLineParts, message: string, offset: number): number {
  out.error = new ProtocolError("INVALID_STATUS_LINE", message, offset);
  return INVALID;
}

/**
 * Scans the status-line that starts at `b[s]`, in a buffer that ends at
 * `end`, and fills `out`. Returns the offset after its line terminator,
 * {@link INCOMPLETE}, or {@link INVALID} with `out.error` set.
 */
export function scanStatusLine(
  b: Uint8Array,
  s: number,
  end: number,
  lenient: boolean,
  out: StatusLineParts,
): number {
  // Every octet of a status-line is VCHAR, SP, HTAB or obs-text: find its end.
  let e = s;
  let seen = 0;
  for (;;) {
    // SP and VCHAR (%x20-7E) by one unsigned comparison; the others by the table
    while (e < end && (b[e]! - SP) >>> 0 < 0x5f) e++;
    if (e >= end) break;
    const k = FIELD_VALUE[b[e]!]!;
    if (k === VALUE_INVALID) break;
    seen |= k;
    e++;
  }
  const next = lineEnd(b, e, end, lenient);
  if (next === INCOMPLETE) return INCOMPLETE;
  if (next === NOT_EOL) return fail(out, "status-line holds a control octet (RFC 9112 §4)", e - s);
  if (next < 0) {
    out.error = lineEndError(next, e - s);
    return INVALID;
  }
  if (!startsWithHttpName(b, s)) {
    return fail(out, 'a status-line starts with "HTTP/" (RFC 9112 §4)', 0);
  }
  let vEnd = s + 5;
  while (vEnd < e && b[vEnd] !== SP) vEnd++;
  const minor = scanVersion(b, s, vEnd);
  if (minor < 0) {
    out.error = versionError(minor, 0);
    return INVALID;
  }
  if (vEnd === e) return fail(out, "status-line has no status-code (RFC 9112 §4)", vEnd - s);

  // status-code = 3DIGIT, and RFC 9110 §15: values outside 100..599 are invalid
  const c = vEnd + 1;
  if (c + 3 > e || !isDigitOctet(b[c]) || !isDigitOctet(b[c + 1]) || !isDigitOctet(b[c + 2])) {
    return fail(out, "status-code must be three digits (RFC 9112 §4)", c - s);
  }
  const status = (b[c]! - 0x30) * 100 + (b[c + 1]! - 0x30) * 10 + (b[c + 2]! - 0x30);
  if (status < 100 || status > 599) {
    return fail(out, "status-code must be in 100..599 (RFC 9110 §15)", c - s);
  }
  let rs = c + 3;
  if (rs < e) {
    if (b[rs] !== SP) return fail(out, "status-code must be three digits (RFC 9112 §4)", rs - s);
    rs++;
  }
  out.minor = minor;
  out.status = status;
  out.reasonStart = rs - s;
  out.reasonEnd = e - s;
  out.obsText = (seen & VALUE_OBS_TEXT) !== 0;
  return next;
}
