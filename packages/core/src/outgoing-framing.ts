/**
 * Choosing how an outgoing body is delimited (RFC 9112 §6).
 *
 * {@link chooseFraming} is the one place that decides; the head serializer
 * then writes the matching Content-Length / Transfer-Encoding fields and
 * the body encoder enforces it.
 *
 * | message                                  | body length | framing                       |
 * |------------------------------------------|-------------|-------------------------------|
 * | response 101                             | —           | tunnel                        |
 * | response 1xx (not 101), 204, 304         | none        | none                          |
 * | response to HEAD                         | any         | none                          |
 * | 2xx response to CONNECT                  | —           | tunnel                        |
 * | response                                 | n (or none) | length n (0 when none)        |
 * | response 1.1 to a 1.1 request            | unknown     | chunked                       |
 * | response 1.0, or to a 1.0 request        | unknown     | close (caller closes after)   |
 * | request                                  | none        | none                          |
 * | request, method without content meaning  | 0           | none                          |
 * | request                                  | n           | length n                      |
 * | request 1.1                              | unknown     | chunked                       |
 * | request 1.0                              | unknown     | UsageError BODY_LENGTH_REQUIRED |
 */
import { UsageError } from "./errors.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";

/** What {@link chooseFraming} needs to know about the message to be sent. */
export interface FramingInput {
  /** Whether we send a request (client) or a response (server). */
  readonly kind: "request" | "response";
  /** Version of the message being sent. Default "1.1". */
  readonly version?: HttpVersion;
  /**
   * For a request: its method. For a response: the method of the request it
   * answers (needed for HEAD and CONNECT).
   */
  readonly method?: string;
  /** Status code of the response. Required for responses. */
  readonly status?: number;
  /**
   * For a response: the version of the request it answers. Defaults to
   * `version`. A response to an HTTP/1.0 request is never chunked.
   */
  readonly requestVersion?: HttpVersion;
  /**
   * Body octets to send: a number when known, `null` when unknown
   * (streamed), `undefined` when the message has no body at all.
   */
  readonly bodyLength?: number | null;
  /** The response answers a HEAD request (same as `method: "HEAD"`). */
  readonly isHeadResponse?: boolean;
}

/**
 * Methods whose definition gives request content no meaning; an empty body
 * is sent without Content-Length (RFC 9110 §8.6: "A user agent SHOULD NOT
 * send a Content-Length header field when the request message does not
 * contain content and the method definition does not define such data").
 */
const METHODS_WITHOUT_CONTENT: ReadonlySet<string> = new Set([
  "GET", // RFC 9110 §9.3.1
  "HEAD", // RFC 9110 §9.3.2
  "DELETE", // RFC 9110 §9.3.5
  "CONNECT", // RFC 9110 §9.3.6
  "OPTIONS", // RFC 9110 §9.3.7
  "TRACE", // RFC 9110 §9.3.8
]);

const NONE: BodyFraming = Object.freeze({ kind: "none" });
const CHUNKED: BodyFraming = Object.freeze({ kind: "chunked" });
const CLOSE: BodyFraming = Object.freeze({ kind: "close" });
const TUNNEL: BodyFraming = Object.freeze({ kind: "tunnel" });

/**
 * Picks the framing of an outgoing message (see the table in this module's
 * header). Throws a {@link UsageError} for a body the message cannot carry.
 */
export function chooseFraming(input: FramingInput): BodyFraming {
  const length = checkLength(input.bodyLength);
  const version = input.version ?? "1.1";
  return input.kind === "request"
    ? requestFraming(version, input.method ?? "GET", length)
    : responseFraming(input, version, length);
}

/**
 * The message's framing makes the sender close the connection after the
 * body: a close-delimited response (RFC 9112 §6.3 item 8, §9.3) or a
 * protocol switch (RFC 9110 §7.8).
 */
export function framingEndsConnection(framing: BodyFraming): boolean {
  return framing.kind === "close" || framing.kind === "tunnel";
}

function requestFraming(version: HttpVersion, method: string, length: number | null | undefined) {
  // RFC 9112 §6.3 item 6: a request with neither Content-Length nor
  // Transfer-Encoding has an empty body.
  if (length === undefined) return NONE;
  // RFC 9110 §9.3.8: "A client MUST NOT send content in a TRACE request."
  if (method === "TRACE" && length !== 0) {
    throw new UsageError("BODY_NOT_ALLOWED", "a TRACE request cannot have content");
  }
  // RFC 9110 §8.6: empty content is announced (Content-Length: 0) only for
  // methods that define a meaning for content, such as POST.
  if (length === 0) return METHODS_WITHOUT_CONTENT.has(method) ? NONE : lengthFraming(0);
  if (length !== null) return lengthFraming(length);
  // RFC 9112 §6.1: chunked needs HTTP/1.1; a request can never be
  // delimited by closing (§6.3 item 6), so 1.0 needs a known length.
  if (version === "1.0") {
    throw new UsageError(
      "BODY_LENGTH_REQUIRED",
      "an HTTP/1.0 request cannot be chunked: give the body length",
    );
  }
  return CHUNKED;
}

function responseFraming(
  input: FramingInput,
  version: HttpVersion,
  length: number | null | undefined,
) {
  const status = input.status;
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new UsageError("INVALID_OUTGOING_START_LINE", `invalid status code ${String(status)}`);
  }
  // RFC 9110 §7.8 / RFC 9112 §6.3 item 1: after 101 the connection carries
  // the new protocol; the response itself has no content.
  if (status === 101) return noBody(status, length, TUNNEL);
  // RFC 9112 §6.3 item 2 before item 1: any 2xx to CONNECT (a 204 too)
  // switches to a tunnel right after the head (RFC 9110 §9.3.6).
  if (input.method === "CONNECT" && status >= 200 && status < 300) {
    return noBody(status, length, TUNNEL);
  }
  // RFC 9112 §6.3 item 1: 1xx, 204 and 304 responses end at the head.
  if (status < 200 || status === 204 || status === 304) return noBody(status, length, NONE);
  // RFC 9112 §6.3 item 1: a response to HEAD never has content, whatever
  // its fields say (the caller may still send the Content-Length a GET would
  // have had, RFC 9110 §8.6).
  if (input.isHeadResponse === true || input.method === "HEAD") return NONE;
  // RFC 9112 §6.3 item 6: a known length is sent as Content-Length; a
  // response without a body still says so (Content-Length: 0), otherwise
  // the client would read until close (item 8).
  if (length !== null) return lengthFraming(length ?? 0);
  // RFC 9112 §6.1: "A server MUST NOT send a response containing
  // Transfer-Encoding unless the corresponding request indicates HTTP/1.1";
  // chunked also needs a 1.1 response. Otherwise the body is delimited by
  // closing the connection (§6.3 item 8), which ends persistence (§9.3).
  const requestVersion = input.requestVersion ?? version;
  return version === "1.1" && requestVersion === "1.1" ? CHUNKED : CLOSE;
}

/** A status that cannot carry content: refuse a body. */
function noBody(status: number, length: number | null | undefined, framing: BodyFraming) {
  if (length === undefined || length === 0) return framing;
  throw new UsageError("BODY_NOT_ALLOWED", `a ${status} response cannot have content`);
}

/**
 * The framing for `length` octets. The last one made is kept and given
 * again for the same length (frozen, like the other framings here): a
 * server answering with bodies of one size makes it once.
 */
function lengthFraming(length: number): BodyFraming {
  const last = lastLength;
  if (last.length === length) return last;
  const framing = Object.freeze({ kind: "length" as const, length });
  lastLength = framing;
  return framing;
}

let lastLength: { readonly kind: "length"; readonly length: number } = Object.freeze({
  kind: "length",
  length: -1,
});

function checkLength(length: number | null | undefined): number | null | undefined {
  if (length === undefined || length === null) return length;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new UsageError(
      "BODY_LENGTH_MISMATCH",
      `body length must be a non-negative integer, got ${String(length)}`,
    );
  }
  return length;
}
