/**
 * llhttp's error codes (`llhttp_errno_t`, with the reason strings its
 * markdown traces print) mapped to the {@link ProtocolErrorCode}s that name
 * the same violation in Tether. Where llhttp's code covers several of our
 * rules, every one of them is allowed; where the rule is not clear, any
 * error is accepted (`null`).
 */
import type { ProtocolErrorCode } from "../../src/errors.ts";

type Codes = readonly ProtocolErrorCode[];

const FIELD_SYNTAX: Codes = [
  "INVALID_FIELD_NAME",
  "INVALID_FIELD_VALUE",
  "WHITESPACE_BEFORE_COLON",
  "BARE_CR",
  "BARE_LF",
  "OBS_FOLD",
  "INVALID_OCTET",
];
const START_LINE: Codes = [
  "INVALID_REQUEST_LINE",
  "INVALID_STATUS_LINE",
  "INVALID_METHOD",
  "INVALID_TARGET",
  "INVALID_VERSION",
  "UNSUPPORTED_VERSION",
];
const TRANSFER_ENCODING: Codes = [
  "INVALID_TRANSFER_ENCODING",
  "CHUNKED_NOT_FINAL",
  "CHUNKED_TWICE",
  "UNSUPPORTED_TRANSFER_CODING",
  "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
  "TRANSFER_ENCODING_IN_HTTP10",
];
const CHUNK_LINE: Codes = ["INVALID_CHUNK_SIZE", "INVALID_CHUNK_EXTENSION", "BARE_CR", "BARE_LF"];

/** By llhttp code and reason; checked before {@link BY_CODE}. */
const BY_REASON: Readonly<Record<string, Codes>> = {
  "2 Expected LF after headers": ["BARE_CR"],
  "2 Expected LF after CR": ["BARE_CR"],
  "2 Expected CRLF after version": ["BARE_CR", ...START_LINE],
  "2 Invalid character in chunk extensions": ["INVALID_CHUNK_EXTENSION"],
  "2 Invalid character in chunk extensions quoted value": ["INVALID_CHUNK_EXTENSION"],
  "2 Expected LF after chunk size": CHUNK_LINE,
  "2 Expected LF after chunk data": ["INVALID_CHUNK_DATA_END"],
  "4 Duplicate Content-Length": ["CONFLICTING_CONTENT_LENGTH"],
  "4 Content-Length can't be present with Transfer-Encoding": [
    "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
  ],
  "9 Expected CRLF after version": ["BARE_LF", "BARE_CR", ...START_LINE],
  "10 Invalid header field char": ["WHITESPACE_BEFORE_COLON", "INVALID_FIELD_NAME"],
  "11 Content-Length can't be present with Transfer-Encoding": [
    "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
  ],
  "15 Transfer-Encoding can't be present with Content-Length": [
    "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
  ],
};

/** By llhttp code alone. */
const BY_CODE: Readonly<Record<number, Codes | null>> = {
  /** HPE_STRICT: reason-specific above; otherwise unclear. */
  2: null,
  /** HPE_LF_EXPECTED: a CR not followed by LF (RFC 9112 §2.2). */
  3: ["BARE_CR"],
  /** HPE_UNEXPECTED_CONTENT_LENGTH. */
  4: ["CONFLICTING_CONTENT_LENGTH", "CONTENT_LENGTH_WITH_TRANSFER_ENCODING"],
  /** HPE_CLOSED_CONNECTION: data after a message that ended persistence. */
  5: ["DATA_AFTER_CLOSE"],
  /** HPE_INVALID_METHOD. */
  6: ["INVALID_METHOD", "INVALID_REQUEST_LINE"],
  /** HPE_INVALID_URL. */
  7: ["INVALID_TARGET", "INVALID_REQUEST_LINE"],
  /** HPE_INVALID_CONSTANT: the protocol name or a fixed part of the start-line. */
  8: START_LINE,
  /** HPE_INVALID_VERSION. */
  9: START_LINE,
  /** HPE_INVALID_HEADER_TOKEN: a field name or value octet. */
  10: FIELD_SYNTAX,
  /** HPE_INVALID_CONTENT_LENGTH. */
  11: ["INVALID_CONTENT_LENGTH"],
  /** HPE_INVALID_CHUNK_SIZE. */
  12: CHUNK_LINE,
  /** HPE_INVALID_STATUS. */
  13: ["INVALID_STATUS_LINE"],
  /** HPE_INVALID_EOF_STATE: the peer closed inside a message. */
  14: ["INCOMPLETE_MESSAGE"],
  /** HPE_INVALID_TRANSFER_ENCODING. */
  15: TRANSFER_ENCODING,
  /** HPE_CR_EXPECTED: a bare LF where CRLF is required (RFC 9112 §2.2). */
  25: ["BARE_LF"],
  /** HPE_UNEXPECTED_SPACE: whitespace before the first field line (RFC 9112 §2.2). */
  30: ["WHITESPACE_AFTER_START_LINE"],
};

/** The Tether codes that match an llhttp error, or `null` when any error matches. */
export function tetherCodesFor(code: number, reason: string): Codes | null {
  return BY_REASON[`${code} ${reason}`] ?? BY_CODE[code] ?? null;
}
