/**
 * The request-line (RFC 9112 §3):
 *
 *     request-line = method SP request-target SP HTTP-version
 *
 * Checked on octets; the strings are cut later from the decoded head. Strict:
 * exactly one SP between the three parts (RFC 9112 §3 allows, but does not
 * require, splitting on other whitespace).
 */
import * as chars from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import { isAuthorityForm } from "./host.ts";
import * as lineEnds from "./line-end.ts";
import type { TargetForm } from "./message.ts";
import { scanVersion, versionError } from "./version.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { CR, LF, SCHEME, SP, TCHAR } = chars;
const { BARE_CR_AT, INCOMPLETE, INVALID, lineEnd, lineEndError, NOT_EOL } = lineEnds;

/** Where the parts of a request-line are, relative to its first octet. */
export class RequestLineParts {
  /** End of the method (the first SP). */
  methodEnd = 0;
  /** Start of the request-target. */
  targetStart = 0;
  /** End of the request-target (the second SP). */
  targetEnd = 0;
  /** HTTP-version minor digit. */
  minor = 1;
  /** RFC 9112 §3.2: which of the four forms the target has. */
  form: TargetForm = "origin";
  /** The target itself carries an authority (authority-form, or absolute-form with "//"). */
  targetHasAuthority = false;
  /** The method is CONNECT (RFC 9110 §9.3.6; methods are case-sensitive, §9.1). */
  isConnect = false;
  /** The method as a shared string when it is GET, HEAD, POST, PUT or DELETE; else `null`. */
  knownMethod: string | null = null;
  /** Length of the line, terminator excluded. */
  lineEnd = 0;
  /** Set when a scan returns {@link INVALID}. */
  error: ProtocolError | null = null;
  /**
   * Set when a scan returns {@link INCOMPLETE} inside the method: the offset
   * of the method's first octet not judged yet, where a later
   * {@link scanMethod} goes on. Left as it was otherwise (the caller clears it).
   */
  methodScan = -1;
  /**
   * With {@link INVALID}: for an octet that no method may hold, the offset
   * just past the octets that decided it (the line fails there, whatever
   * follows it); -1 when the line's end took part in the verdict.
   */
  decidedAt = -1;
}

const SLASH = 0x2f;
const STAR = 0x2a;
const COLON = 0x3a;

const CONNECT = [0x43, 0x4f, 0x4e, 0x4e, 0x45, 0x43, 0x54];
const OPTIONS = [0x4f, 0x50, 0x54, 0x49, 0x4f, 0x4e, 0x53];
const DELETE = [0x44, 0x45, 0x4c, 0x45, 0x54, 0x45];

/** `b[s, e)` is the method `name` (methods are case-sensitive, RFC 9110 §9.1). */
function isMethod(b: Uint8Array, s: number, e: number, name: readonly number[]): boolean {
  if (e - s !== name.length || b[s] !== name[0]) return false;
  for (let i = 0; i < name.length; i++) if (b[s + i] !== name[i]) return false;
  return true;
}

/**
 * The most frequent methods (RFC 9110 §9.3) as shared strings, so that the
 * parser cuts no string for them: `b[s, s+length)` spelled exactly
 * (methods are case-sensitive, RFC 9110 §9.1), or `null`.
 */
function knownMethod(b: Uint8Array, s: number, length: number): string | null {
  const c = b[s];
  if (length === 3) {
    if (c === 0x47 && b[s + 1] === 0x45 && b[s + 2] === 0x54) return "GET";
    if (c === 0x50 && b[s + 1] === 0x55 && b[s + 2] === 0x54) return "PUT";
  } else if (length === 4) {
    if (c === 0x50 && b[s + 1] === 0x4f && b[s + 2] === 0x53 && b[s + 3] === 0x54) return "POST";
    if (c === 0x48 && b[s + 1] === 0x45 && b[s + 2] === 0x41 && b[s + 3] === 0x44) return "HEAD";
  } else if (length === 6 && isMethod(b, s, s + 6, DELETE)) {
    return "DELETE";
  }
  return null;
}

function fail(
  out: RequestLineParts,
  code: ProtocolError["code"],
  message: string,
  offset: number,
): number {
  out.error = new ProtocolError(code, message, offset);
  out.decidedAt = -1;
  return INVALID;
}

/**
 * RFC 9110 §9.1: `method = token`, from `b[s]`, then SP; the octets before
 * `from` are known to be tchar (a scan resumed at `out.methodScan` judges
 * each octet once, so a method that arrives an octet at a time costs
 * O(n)). Returns the offset of that SP, {@link INCOMPLETE} (with
 * `out.methodScan`), or {@link INVALID} with `out.error` set (and
 * `out.decidedAt`).
 *
 * An octet that is neither tchar nor the SP after the method fails the
 * line as soon as it is seen: nothing after it can make the line a
 * request-line (RFC 9112 §3). This is what tells a client that speaks
 * another protocol (a TLS ClientHello starts with 0x16) from a slow HTTP
 * client, without waiting for a line end that may never come.
 */
export function scanMethod(
  b: Uint8Array,
  s: number,
  end: number,
  lenient: boolean,
  out: RequestLineParts,
  from = s,
): number {
  const tchar = TCHAR;
  let i = from;
  while (i < end && tchar[b[i]!] === 1) i = (i + 1) | 0;
  if (i < end && b[i] === 0x20 /* SP */ && i !== s) return i;
  const eol = lineEnd(b, i, end, lenient);
  if (eol === INCOMPLETE) {
    out.methodScan = i - s;
    return INCOMPLETE;
  }
  if (eol >= 0)
    return fail(
      out,
      "INVALID_REQUEST_LINE",
      "request-line has no request-target (RFC 9112 §3)",
      i - s,
    );
  if (eol !== NOT_EOL) {
    failWith(out, lineEndError(eol, i - s));
    // A CR and the octet after it decide; a bare LF ends the line (judged as a whole).
    if (eol === BARE_CR_AT) out.decidedAt = i + 2 - s;
    return INVALID;
  }
  if (i === s) {
    fail(out, "INVALID_REQUEST_LINE", "request-line must start with a method (RFC 9112 §3)", 0);
  } else {
    fail(out, "INVALID_METHOD", "method must be a token (RFC 9110 §9.1)", i - s);
  }
  out.decidedAt = i + 1 - s;
  return INVALID;
}

/**
 * Scans the request-line that starts at `b[s]`, in a buffer that ends at
 * `end`, and fills `out`. Returns the offset after its line terminator,
 * {@link INCOMPLETE}, or {@link INVALID} with `out.error` set.
 */
export function scanRequestLine(
  b: Uint8Array,
  s: number,
  end: number,
  lenient: boolean,
  out: RequestLineParts,
): number {
  // RFC 9110 §9.1: method = token. The most frequent one, "GET" then SP
  // (spelled exactly: methods are case-sensitive), is told by four octet
  // comparisons; any other start is scanned as a token.
  // Offsets advance by `(i + 1) | 0` (no overflow check): see "Performance note" in chars.ts.
  let i = s;
  let method: string | null = null;
  if (
    s + 3 < end &&
    b[s] === 0x47 && // G
    b[s + 1] === 0x45 && // E
    b[s + 2] === 0x54 && // T
    b[s + 3] === 0x20 // SP
  ) {
    i = s + 3;
    method = "GET";
  } else {
    i = scanMethod(b, s, end, lenient, out);
    if (i < 0) return i;
  }
  const methodEnd = i;

  // RFC 9112 §3.2: request-target, visible ASCII only
  const ts = i + 1;
  let j = ts;
  // %x21-7E, by one unsigned comparison per octet, four at a time while they last
  while (
    ((j + 4) | 0) <= end &&
    (b[j]! - 0x21) >>> 0 < 0x5e &&
    (b[(j + 1) | 0]! - 0x21) >>> 0 < 0x5e &&
    (b[(j + 2) | 0]! - 0x21) >>> 0 < 0x5e &&
    (b[(j + 3) | 0]! - 0x21) >>> 0 < 0x5e
  ) {
    j = (j + 4) | 0;
  }
  while (j < end && (b[j]! - 0x21) >>> 0 < 0x5e) j = (j + 1) | 0;
  if (j >= end) return INCOMPLETE;
  if (b[j] !== 0x20 /* SP */ || j === ts) {
    const eol = lineEnd(b, j, end, lenient);
    if (eol === INCOMPLETE) return INCOMPLETE;
    if (eol >= 0)
      return fail(
        out,
        "INVALID_REQUEST_LINE",
        "request-line has no HTTP-version (RFC 9112 §3)",
        j - s,
      );
    if (eol !== NOT_EOL) return failWith(out, lineEndError(eol, j - s));
    if (j === ts)
      return fail(
        out,
        "INVALID_REQUEST_LINE",
        "parts of the request-line are separated by a single SP (RFC 9112 §3)",
        j - s,
      );
    return fail(
      out,
      "INVALID_TARGET",
      "request-target may only hold visible ASCII (RFC 9112 §3.2)",
      j - s,
    );
  }
  const te = j;

  // RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, then CRLF
  const vs = te + 1;
  if (
    vs + 10 <= end &&
    b[vs] === 0x48 && // H
    b[vs + 1] === 0x54 && // T
    b[vs + 2] === 0x54 && // T
    b[vs + 3] === 0x50 && // P
    b[vs + 4] === 0x2f && // "/"
    b[vs + 5] === 0x31 && // 1
    b[vs + 6] === 0x2e && // "."
    (b[vs + 7]! - 0x30) >>> 0 < 10 && // DIGIT
    b[vs + 8] === 0x0d && // CR
    b[vs + 9] === 0x0a // LF
  ) {
    // The usual shape, "HTTP/1.x" CRLF, checked without a scan.
    return finish(b, s, methodEnd, method, ts, te, vs + 8, b[vs + 7]! - 0x30, out, vs + 10);
  }
  let k = vs;
  while (k < end && b[k] !== CR && b[k] !== LF && b[k] !== SP) k++;
  if (k >= end) return INCOMPLETE;
  if (b[k] === SP)
    return fail(
      out,
      "INVALID_REQUEST_LINE",
      "request-line has more than two SP (RFC 9112 §3)",
      k - s,
    );
  const next = lineEnd(b, k, end, lenient);
  if (next === INCOMPLETE) return INCOMPLETE;
  if (next < 0) return failWith(out, lineEndError(next, k - s));
  const version = scanVersion(b, vs, k);
  if (version < 0) return failWith(out, versionError(version, vs - s));
  return finish(b, s, methodEnd, method, ts, te, k, version, out, next);
}

/**
 * Fills `out` for a request-line whose syntax was checked; checks the target
 * form. `method` is the method when it was recognised while scanning.
 */
function finish(
  b: Uint8Array,
  s: number,
  methodEnd: number,
  method: string | null,
  ts: number,
  te: number,
  lineEnd: number,
  minor: number,
  out: RequestLineParts,
  next: number,
): number {
  out.methodEnd = methodEnd - s;
  out.targetStart = ts - s;
  out.targetEnd = te - s;
  out.lineEnd = lineEnd - s;
  out.minor = minor;
  // `method`: the method was recognised while scanning (it is not CONNECT).
  out.isConnect = method === null && isMethod(b, s, methodEnd, CONNECT);
  out.knownMethod = method ?? knownMethod(b, s, methodEnd - s);
  out.targetHasAuthority = false;
  const err = classifyTarget(b, s, methodEnd, ts, te, out);
  return err === null ? next : failWith(out, err);
}

function failWith(out: RequestLineParts, error: ProtocolError): number {
  out.error = error;
  out.decidedAt = -1;
  return INVALID;
}

/** RFC 9112 §3.2: decides the target form and whether the method allows it. */
function classifyTarget(
  b: Uint8Array,
  s: number,
  methodEnd: number,
  ts: number,
  te: number,
  out: RequestLineParts,
): ProtocolError | null {
  const first = b[ts];
  if (out.isConnect) {
    // RFC 9112 §3.2.3: CONNECT uses authority-form, and only CONNECT does.
    if (!isAuthorityForm(b, ts, te)) {
      return new ProtocolError(
        "INVALID_TARGET",
        "CONNECT needs an authority-form target host:port (RFC 9112 §3.2.3)",
        ts - s,
      );
    }
    out.form = "authority";
    out.targetHasAuthority = true;
    return null;
  }
  if (first === SLASH) {
    // RFC 9112 §3.2.1: origin-form = absolute-path [ "?" query ]
    out.form = "origin";
    return null;
  }
  if (first === STAR) {
    // RFC 9112 §3.2.4: asterisk-form = "*", only for a server-wide OPTIONS
    if (te - ts !== 1 || !isMethod(b, s, methodEnd, OPTIONS)) {
      return new ProtocolError(
        "INVALID_TARGET",
        'asterisk-form "*" is only for OPTIONS (RFC 9112 §3.2.4)',
        ts - s,
      );
    }
    out.form = "asterisk";
    return null;
  }
  // RFC 9112 §3.2.2: absolute-form = absolute-URI = scheme ":" hier-part [ "?" query ].
  // A target such as "example.com:80" also matches this grammar (its scheme is
  // "example.com"); one that cannot be a scheme, such as "127.0.0.1:80", is rejected.
  if (first !== undefined && ((first | 0x20) < 0x61 || (first | 0x20) > 0x7a)) {
    return new ProtocolError(
      "INVALID_TARGET",
      "request-target has no recognised form (RFC 9112 §3.2)",
      ts - s,
    );
  }
  let k = ts + 1;
  while (k < te && SCHEME[b[k]!] === 1) k++;
  if (k === te || b[k] !== COLON) {
    return new ProtocolError(
      "INVALID_TARGET",
      "request-target has no recognised form (RFC 9112 §3.2)",
      ts - s,
    );
  }
  out.form = "absolute";
  out.targetHasAuthority = b[k + 1] === SLASH && b[k + 2] === SLASH && k + 2 < te;
  return null;
}
