/**
 * Message body length (RFC 9112 §6.1–§6.3): the decision table that says how
 * the body of a message is delimited, given its head.
 *
 * Only the `chunked` transfer coding is understood (RFC 9112 §7). Other
 * codings in a response are left on the body for the application (the body
 * is still de-chunked when chunked is final); in a request they are answered
 * with 501 (RFC 9112 §6.1).
 */
import { latin1Octets, scanQuotedString, scanToken, skipWhitespace } from "./chars.ts";
import { CL_CONFLICT, CL_INVALID, CL_NONE } from "./content-length.ts";
import { ProtocolError } from "./errors.ts";
import type { BodyFraming } from "./message.ts";

/** No body. */
export const FRAMING_NONE: BodyFraming = Object.freeze({ kind: "none" });
/** Chunked body (RFC 9112 §7.1). */
export const FRAMING_CHUNKED: BodyFraming = Object.freeze({ kind: "chunked" });
/** Body delimited by the connection closing (responses only). */
export const FRAMING_CLOSE: BodyFraming = Object.freeze({ kind: "close" });
/** The bytes after the head belong to another protocol. */
export const FRAMING_TUNNEL: BodyFraming = Object.freeze({ kind: "tunnel" });

/** A Transfer-Encoding list, summarised (RFC 9112 §6.1). */
interface Codings {
  /** How many times `chunked` appears. */
  chunked: number;
  /** Codings other than chunked. */
  others: number;
  /** The final coding is chunked. */
  chunkedFinal: boolean;
}

const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;

/**
 * Parses `Transfer-Encoding = #transfer-coding` (RFC 9112 §6.1), with
 * `transfer-coding = token *( OWS ";" OWS transfer-parameter )` and
 * `transfer-parameter = token BWS "=" BWS ( token / quoted-string )`
 * (RFC 9110 §10.1.4). Empty list elements are ignored (RFC 9110 §5.6.1).
 * Returns `null` when the syntax is invalid or the list is empty.
 */
function parseCodings(values: readonly string[]): Codings | null {
  const out: Codings = { chunked: 0, others: 0, chunkedFinal: false };
  let count = 0;
  for (const value of values) {
    if (value === "chunked") {
      // The common case, no parsing needed.
      count++;
      out.chunked++;
      out.chunkedFinal = true;
      continue;
    }
    const b = latin1Octets(value);
    const e = b.length;
    let i = 0;
    for (;;) {
      i = skipWhitespace(b, i, e);
      if (i === e) break;
      if (b[i] === COMMA) {
        i++;
        continue;
      }
      const nameEnd = scanToken(b, i, e);
      if (nameEnd === i) return null;
      const name = value.slice(i, nameEnd).toLowerCase();
      i = skipWhitespace(b, nameEnd, e);
      while (b[i] === SEMICOLON) {
        const ps = skipWhitespace(b, i + 1, e);
        const pe = scanToken(b, ps, e);
        if (pe === ps) return null;
        i = skipWhitespace(b, pe, e);
        if (b[i] !== EQUALS) return null;
        i = skipWhitespace(b, i + 1, e);
        const ve = b[i] === DQUOTE ? scanQuotedString(b, i, e) : scanToken(b, i, e);
        if (ve <= i) return null;
        i = skipWhitespace(b, ve, e);
      }
      if (i < e && b[i] !== COMMA) return null;
      count++;
      if (name === "chunked") {
        out.chunked++;
        out.chunkedFinal = true;
      } else {
        out.others++;
        out.chunkedFinal = false;
      }
    }
  }
  return count === 0 ? null : out;
}

function error(code: ProtocolError["code"], message: string): ProtocolError {
  return new ProtocolError(code, message);
}

/** The `length` framing for a valid Content-Length, or the error for a bad one. */
function byContentLength(contentLength: number): BodyFraming | ProtocolError {
  // RFC 9112 §6.3 item 5: an invalid Content-Length is an unrecoverable error.
  if (contentLength === CL_INVALID) {
    return error("INVALID_CONTENT_LENGTH", "Content-Length must be 1*DIGIT (RFC 9110 §8.6)");
  }
  if (contentLength === CL_CONFLICT) {
    return error(
      "CONFLICTING_CONTENT_LENGTH",
      "Content-Length values differ (RFC 9110 §8.6, RFC 9112 §6.3 item 5)",
    );
  }
  // RFC 9112 §6.3 item 6: a valid Content-Length gives the body length.
  return { kind: "length", length: contentLength };
}

/**
 * How a request's body is delimited (RFC 9112 §6.3 items 3–7, as they apply
 * to requests). `contentLength` is a length or a `CL_*` constant
 * (content-length.ts); `te` holds every Transfer-Encoding value, or `null`.
 */
export function requestFraming(
  contentLength: number,
  te: readonly string[] | null,
  minor: number,
): BodyFraming | ProtocolError {
  if (te !== null) {
    // RFC 9112 §6.1: a server MAY reject Content-Length with Transfer-Encoding; we do.
    if (contentLength !== CL_NONE) {
      return error(
        "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
        "a request has both Content-Length and Transfer-Encoding (RFC 9112 §6.1)",
      );
    }
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
    if (minor === 0) {
      return error(
        "TRANSFER_ENCODING_IN_HTTP10",
        "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)",
      );
    }
    const codings = parseCodings(te);
    if (codings === null) {
      return error(
        "INVALID_TRANSFER_ENCODING",
        "Transfer-Encoding is not a list of transfer-codings (RFC 9112 §6.1)",
      );
    }
    // RFC 9112 §6.1: a sender MUST NOT apply chunked more than once.
    if (codings.chunked > 1) {
      return error("CHUNKED_TWICE", "chunked is applied more than once (RFC 9112 §6.1)");
    }
    // RFC 9112 §6.3 item 4: in a request, chunked must be the final coding → 400.
    if (!codings.chunkedFinal) {
      return error(
        "CHUNKED_NOT_FINAL",
        "the final transfer coding of a request is not chunked (RFC 9112 §6.3 item 4)",
      );
    }
    // RFC 9112 §6.1: a coding we do not understand → 501.
    if (codings.others > 0) {
      return error(
        "UNSUPPORTED_TRANSFER_CODING",
        "only the chunked transfer coding is supported (RFC 9112 §6.1)",
      );
    }
    // RFC 9112 §6.3 item 4: chunked is final → read chunks until the last one.
    return FRAMING_CHUNKED;
  }
  // RFC 9112 §6.3 item 6 (or 5 when invalid).
  if (contentLength !== CL_NONE) return byContentLength(contentLength);
  // RFC 9112 §6.3 item 7: a request without either has no body.
  return FRAMING_NONE;
}

/**
 * How a response's body is delimited (RFC 9112 §6.3), given the method of
 * the request it answers; the other arguments as for {@link requestFraming}.
 */
export function responseFraming(
  status: number,
  method: string,
  contentLength: number,
  te: readonly string[] | null,
  minor: number,
): BodyFraming | ProtocolError {
  // RFC 9110 §15.2.2: after 101 the connection speaks the protocol named in Upgrade.
  if (status === 101) return FRAMING_TUNNEL;
  // RFC 9112 §6.3 item 2: a 2xx answer to CONNECT turns the connection into a
  // tunnel right after the head. Checked before item 1, which also covers a
  // 204 to CONNECT: item 1 only says that such a response has no content, and
  // RFC 9110 §9.3.6 says that "any 2xx (Successful) response" to CONNECT
  // switches to tunnel mode — `tunnel` framing is both.
  if (method === "CONNECT" && status >= 200 && status < 300) return FRAMING_TUNNEL;
  // RFC 9112 §6.3 item 1: responses to HEAD, 1xx, 204 and 304 end with the head,
  // whatever Content-Length or Transfer-Encoding they carry.
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) return FRAMING_NONE;
  if (te !== null) {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing; the one
    // delimiter left that cannot be misread is the connection closing.
    if (minor === 0) return FRAMING_CLOSE;
    const codings = parseCodings(te);
    if (codings === null) {
      return error(
        "INVALID_TRANSFER_ENCODING",
        "Transfer-Encoding is not a list of transfer-codings (RFC 9112 §6.1)",
      );
    }
    if (codings.chunked > 1) {
      return error("CHUNKED_TWICE", "chunked is applied more than once (RFC 9112 §6.1)");
    }
    // RFC 9112 §6.3 item 3: Transfer-Encoding overrides Content-Length.
    // RFC 9112 §6.3 item 4: chunked final → chunked; otherwise read until close.
    return codings.chunkedFinal ? FRAMING_CHUNKED : FRAMING_CLOSE;
  }
  if (contentLength !== CL_NONE) return byContentLength(contentLength);
  // RFC 9112 §6.3 item 8: otherwise the body runs until the server closes.
  return FRAMING_CLOSE;
}

/**
 * True when a response's framing leaves the connection unusable afterwards
 * although the body itself was delimited: RFC 9112 §6.3 item 3 (Transfer-
 * Encoding with Content-Length "ought to be handled as an error" — the
 * sender is suspect) and RFC 9112 §6.1 (Transfer-Encoding in HTTP/1.0: close
 * after processing the message).
 */
export function responseForcesClose(
  framing: BodyFraming,
  contentLength: number,
  hasTransferEncoding: boolean,
  minor: number,
): boolean {
  if (!hasTransferEncoding || framing.kind === "none" || framing.kind === "tunnel") return false;
  return contentLength !== CL_NONE || minor === 0;
}
