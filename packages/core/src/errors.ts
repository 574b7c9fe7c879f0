/**
 * Typed protocol errors.
 *
 * Every way a peer's bytes can violate RFC 9112 / RFC 9110 maps to exactly one
 * {@link ProtocolErrorCode}. Each code carries the status code that a server
 * should answer with (RFC 9110 §15), in the spirit of h11's
 * `error_status_hint`. Client-side parse errors carry the same hint, which a
 * client simply ignores.
 *
 * Nothing in core throws anything but a {@link ProtocolError} (for peer
 * errors) or a {@link UsageError} (for a caller that breaks the API's rules).
 */

/** The status a server answers for each error code (RFC 9110 §15.5, §15.6). */
export const ERROR_STATUS = {
  // --- start line (RFC 9112 §3, §4) -------------------------------------
  INVALID_REQUEST_LINE: 400,
  INVALID_METHOD: 400,
  INVALID_TARGET: 400,
  INVALID_VERSION: 400,
  /** RFC 9110 §15.6.6: the major version is not 1. */
  UNSUPPORTED_VERSION: 505,
  INVALID_STATUS_LINE: 400,
  /** RFC 9112 §3: request-line longer than the configured limit → 414. */
  REQUEST_LINE_TOO_LONG: 414,
  STATUS_LINE_TOO_LONG: 400,
  // --- field lines (RFC 9112 §5, RFC 9110 §5) ---------------------------
  INVALID_FIELD_NAME: 400,
  INVALID_FIELD_VALUE: 400,
  /** RFC 9112 §5.1: no whitespace is allowed between field name and colon. */
  WHITESPACE_BEFORE_COLON: 400,
  /** RFC 9112 §5.2: obs-fold in a request is rejected by a server. */
  OBS_FOLD: 400,
  /** RFC 9112 §2.2: a bare CR is invalid. */
  BARE_CR: 400,
  /** RFC 9112 §2.2: a bare LF line terminator, unless the lenient option is set. */
  BARE_LF: 400,
  /** RFC 9112 §2.2: whitespace between the start-line and the first field. */
  WHITESPACE_AFTER_START_LINE: 400,
  /** RFC 9110 §5.5: NUL or another octet that is never valid here. */
  INVALID_OCTET: 400,
  /** RFC 6585 §5 / RFC 9110 §15.5: one field line over the limit. */
  FIELD_TOO_LARGE: 431,
  /** All field lines together over the limit. */
  HEADERS_TOO_LARGE: 431,
  TOO_MANY_FIELDS: 431,
  // --- Host (RFC 9112 §3.2) ---------------------------------------------
  MISSING_HOST: 400,
  DUPLICATE_HOST: 400,
  INVALID_HOST: 400,
  // --- framing (RFC 9112 §6) --------------------------------------------
  INVALID_CONTENT_LENGTH: 400,
  CONFLICTING_CONTENT_LENGTH: 400,
  /** RFC 9112 §6.1: Content-Length together with Transfer-Encoding in a request. */
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING: 400,
  /** RFC 9112 §6.1: a request's final transfer coding must be chunked. */
  CHUNKED_NOT_FINAL: 400,
  /** RFC 9112 §6.1: chunked applied more than once. */
  CHUNKED_TWICE: 400,
  /** RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message is faulty framing. */
  TRANSFER_ENCODING_IN_HTTP10: 400,
  /** RFC 9112 §6.1: a coding the server does not understand → 501. */
  UNSUPPORTED_TRANSFER_CODING: 501,
  INVALID_TRANSFER_ENCODING: 400,
  /** Body larger than the configured maximum → 413 (RFC 9110 §15.5.14). */
  BODY_TOO_LARGE: 413,
  // --- chunked coding (RFC 9112 §7.1) -----------------------------------
  INVALID_CHUNK_SIZE: 400,
  INVALID_CHUNK_EXTENSION: 400,
  CHUNK_EXTENSIONS_TOO_LONG: 400,
  /** The CRLF after chunk data is missing. */
  INVALID_CHUNK_DATA_END: 400,
  TRAILERS_TOO_LARGE: 431,
  // --- the connection ----------------------------------------------------
  /** The peer closed before the message was complete (RFC 9112 §8). */
  INCOMPLETE_MESSAGE: 400,
  /** Bytes arrived after a message that ended persistence (RFC 9112 §9.6). */
  DATA_AFTER_CLOSE: 400,
  /** A response arrived for which no request is outstanding. */
  UNSOLICITED_RESPONSE: 400,
  /** RFC 9110 §15.2.2: a 101 switching to a protocol the request's Upgrade did not offer. */
  UNSOLICITED_SWITCH: 400,
} as const;

/** Discriminant of a {@link ProtocolError}: one code per rule. */
export type ProtocolErrorCode = keyof typeof ERROR_STATUS;

/** The statuses a server may answer a {@link ProtocolError} with. */
export type ErrorStatus = (typeof ERROR_STATUS)[ProtocolErrorCode];

/**
 * The peer sent bytes that violate HTTP/1.1. The connection that received
 * them can no longer be trusted for framing and must be closed (gracefully,
 * after an error response when we are the server).
 */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  /** Which rule was broken. */
  readonly code: ProtocolErrorCode;
  /** The status a server should answer with (400, 413, 414, 431, 501, 505). */
  readonly status: ErrorStatus;
  /** Offset of the offending byte within the current message, when known. */
  readonly offset: number | undefined;
  /** INCOMPLETE_MESSAGE: body octets the framing announced, when known. */
  readonly expected: number | undefined;
  /** INCOMPLETE_MESSAGE: body octets received before the peer closed, when known. */
  readonly received: number | undefined;

  constructor(
    code: ProtocolErrorCode,
    message: string,
    offset?: number,
    counts?: { readonly expected?: number; readonly received?: number },
  ) {
    super(message);
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.offset = offset;
    this.expected = counts?.expected;
    this.received = counts?.received;
  }
}

/**
 * The caller broke an API rule (sent a body after declaring none, fed bytes
 * to a closed parser, put CR/LF into an outgoing field, …). Never caused by
 * peer input.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code: UsageErrorCode;
  constructor(code: UsageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Discriminant of a {@link UsageError}. */
export type UsageErrorCode =
  | "INVALID_OUTGOING_FIELD"
  | "INVALID_OUTGOING_START_LINE"
  | "BODY_LENGTH_MISMATCH"
  | "BODY_NOT_ALLOWED"
  /** A body of unknown length where neither chunked nor close can delimit it (RFC 9112 §6.1, §6.3 item 6). */
  | "BODY_LENGTH_REQUIRED"
  /** Trailer fields on a body that is not chunked (RFC 9112 §7.1.2). */
  | "TRAILERS_NOT_ALLOWED"
  | "INVALID_STATE"
  | "SEND_AFTER_CLOSE";
