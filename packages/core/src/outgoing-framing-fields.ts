/**
 * The framing fields of an outgoing head (RFC 9112 §6.1, §6.2; RFC 9110
 * §8.6): what the serializer adds for a {@link BodyFraming}, and which
 * caller-supplied Content-Length / Transfer-Encoding it accepts.
 *
 * - Content-Length together with Transfer-Encoding: refused (RFC 9112 §6.2:
 *   "A sender MUST NOT send a Content-Length header field in any message
 *   that contains a Transfer-Encoding header field").
 * - `length`: a caller Content-Length must equal the length and is kept;
 *   otherwise one is added. Transfer-Encoding is refused.
 * - `chunked`: a caller Transfer-Encoding must end in chunked (kept) or not
 *   mention it (chunked is appended); Content-Length is refused; never in
 *   HTTP/1.0 (RFC 9112 §6.1).
 * - `none`: 1xx and 204 responses refuse both (RFC 9110 §8.6, RFC 9112
 *   §6.1); HEAD and 304 responses keep well-formed ones (they describe the
 *   content a GET would have had); a request may only say
 *   `Content-Length: 0`.
 * - `close` (responses only): both refused; `Connection: close` is added.
 * - `tunnel` (101, 2xx to CONNECT): both refused (RFC 9110 §8.6, RFC 9112 §6.1).
 */
import { UsageError } from "./errors.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";
import { type FieldScan, fieldError, hasToken } from "./outgoing-fields.ts";

const CRLF = "\r\n";

/** The framing lines to add to a request head; throws on a contradiction. */
export function requestFramingFields(
  framing: BodyFraming,
  scan: FieldScan,
  version: HttpVersion,
): string {
  refuseBoth(scan);
  switch (framing.kind) {
    case "none":
      // RFC 9112 §6.3 item 6: no framing field means an empty body; an
      // explicit Content-Length: 0 says the same.
      if (scan.transferEncoding !== undefined)
        fieldError("Transfer-Encoding on a request without body");
      if (scan.contentLength !== undefined) checkContentLength(scan.contentLength, 0);
      return "";
    case "length":
      return lengthFields(framing.length, scan);
    case "chunked":
      return chunkedFields(scan, version);
    case "close":
      // RFC 9112 §6.3 item 6: a request body is never delimited by closing.
      throw new UsageError("BODY_LENGTH_REQUIRED", "a request cannot be close-delimited");
    case "tunnel":
      throw new UsageError("INVALID_STATE", "a request cannot have tunnel framing");
  }
}

/** The framing lines to add to a response head; throws on a contradiction. */
export function responseFramingFields(
  framing: BodyFraming,
  scan: FieldScan,
  version: HttpVersion,
  status: number,
): string {
  refuseBoth(scan);
  const kind = framing.kind;
  if (status === 101) {
    // RFC 9110 §7.8: a 101 names the new protocol in Upgrade, and a sender
    // of Upgrade also sends the "upgrade" connection option.
    if (kind !== "tunnel" && kind !== "none") bodyNotAllowed(status);
    if (!scan.upgrade || !hasToken(scan.connection, "upgrade")) {
      fieldError("a 101 response needs Upgrade and Connection: upgrade (RFC 9110 §7.8)");
    }
    refuseFramingFields(scan, "a 101 response");
    return "";
  }
  // RFC 9112 §6.3 item 1: these statuses never have content.
  if (status < 200 || status === 204 || status === 304) {
    if (kind !== "none") bodyNotAllowed(status);
    // RFC 9110 §8.6 / RFC 9112 §6.1: no Content-Length or Transfer-Encoding
    // in 1xx or 204; a 304 may repeat what a 200 would have said.
    if (status !== 304) refuseFramingFields(scan, `a ${status} response`);
    return noneFields(scan, version);
  }
  switch (kind) {
    case "none":
      // A response to HEAD (RFC 9110 §9.3.2): caller fields are kept.
      return noneFields(scan, version);
    case "length":
      return lengthFields(framing.length, scan);
    case "chunked":
      return chunkedFields(scan, version);
    case "close":
      refuseFramingFields(scan, "a close-delimited response");
      // RFC 9112 §9.6: we will close, so say so; keep-alive would contradict it.
      if (hasToken(scan.connection, "keep-alive")) {
        fieldError("Connection: keep-alive contradicts a close-delimited body");
      }
      return hasToken(scan.connection, "close") ? "" : `Connection: close${CRLF}`;
    case "tunnel":
      // RFC 9112 §6.1, RFC 9110 §8.6: no framing fields in a 2xx to CONNECT.
      if (status >= 300) fieldError(`tunnel framing needs a 2xx or 101 status, not ${status}`);
      refuseFramingFields(scan, "a 2xx response to CONNECT");
      return "";
  }
}

/** HEAD and 304 responses: caller fields kept, but still well-formed. */
function noneFields(scan: FieldScan, version: HttpVersion): string {
  if (scan.contentLength !== undefined) checkContentLength(scan.contentLength, null);
  if (scan.transferEncoding !== undefined) checkTransferEncoding(scan.transferEncoding, version);
  return "";
}

function lengthFields(length: number, scan: FieldScan): string {
  if (scan.transferEncoding !== undefined) {
    fieldError("Transfer-Encoding contradicts a body of known length");
  }
  if (scan.contentLength !== undefined) {
    checkContentLength(scan.contentLength, length);
    return "";
  }
  return `Content-Length: ${length}${CRLF}`;
}

function chunkedFields(scan: FieldScan, version: HttpVersion): string {
  if (scan.contentLength !== undefined) fieldError("Content-Length contradicts chunked framing");
  if (scan.transferEncoding === undefined) {
    // RFC 9112 §6.1: no Transfer-Encoding in an HTTP/1.0 message.
    if (version === "1.0") fieldError("HTTP/1.0 messages cannot be chunked (RFC 9112 §6.1)");
    return `Transfer-Encoding: chunked${CRLF}`;
  }
  return checkTransferEncoding(scan.transferEncoding, version)
    ? ""
    : `Transfer-Encoding: chunked${CRLF}`;
}

/** RFC 9112 §6.2: never Content-Length with Transfer-Encoding. */
function refuseBoth(scan: FieldScan): void {
  if (scan.contentLength !== undefined && scan.transferEncoding !== undefined) {
    fieldError("Content-Length and Transfer-Encoding together (RFC 9112 §6.2)");
  }
}

function refuseFramingFields(scan: FieldScan, what: string): void {
  if (scan.contentLength !== undefined || scan.transferEncoding !== undefined) {
    fieldError(`${what} cannot carry Content-Length or Transfer-Encoding`);
  }
}

/**
 * RFC 9110 §8.6: `Content-Length = 1*DIGIT` — one line, one value (a
 * recipient may tolerate a list of equal values; we never send one). With
 * `expected` the value must equal it.
 */
function checkContentLength(value: string, expected: number | null): void {
  if (!/^[0-9]+$/.test(value)) fieldError(`invalid Content-Length ${JSON.stringify(value)}`);
  if (expected !== null && Number(value) !== expected) {
    fieldError(`Content-Length ${value} contradicts the body length ${expected}`);
  }
}

/**
 * RFC 9112 §6.1: chunked at most once and last, and no Transfer-Encoding in
 * HTTP/1.0. Returns whether chunked is already the final coding.
 */
function checkTransferEncoding(value: string, version: HttpVersion): boolean {
  if (version === "1.0") fieldError("HTTP/1.0 messages cannot carry Transfer-Encoding");
  const codings = value.split(",").map((c) => (c.split(";")[0] as string).trim().toLowerCase());
  const chunked = codings.filter((c) => c === "chunked").length;
  if (chunked === 0) return false;
  if (chunked > 1 || codings[codings.length - 1] !== "chunked") {
    fieldError(`invalid Transfer-Encoding ${JSON.stringify(value)}: chunked must be last, once`);
  }
  return true;
}

function bodyNotAllowed(status: number): never {
  throw new UsageError("BODY_NOT_ALLOWED", `a ${status} response cannot have content`);
}
