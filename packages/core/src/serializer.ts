/**
 * Serializing outgoing message heads (RFC 9112 §2.1, §3, §4, §5).
 *
 * A head is built as one string — start-line, field lines, the framing
 * fields that match the chosen {@link BodyFraming}, the empty line — and
 * encoded once (see latin1-encode.ts). Every element is checked against the
 * grammar first: a caller can never put CR/LF into the stream (response
 * splitting, RFC 9112 §11.1) or send framing that contradicts itself
 * (request smuggling, RFC 9112 §11.2).
 *
 * Which framing fields are added or accepted: outgoing-framing-fields.ts.
 * Which framing is chosen: outgoing-framing.ts.
 */
import { UsageError } from "./errors.ts";
import { encodeLatin1 } from "./latin1-encode.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";
import { type FieldScan, fieldError, type OutgoingFields, scanFields } from "./outgoing-fields.ts";
import { requestFramingFields, responseFramingFields } from "./outgoing-framing-fields.ts";
import {
  ASCII,
  classifyReasonPhrase,
  INVALID,
  isRequestTarget,
  isToken,
} from "./outgoing-syntax.ts";
import { REASON_PHRASES } from "./reason-phrases.ts";

/** A request head to send (RFC 9112 §3). */
export interface OutgoingRequestHead {
  /** A token (RFC 9110 §9.1), case-sensitive, e.g. "GET". */
  readonly method: string;
  /** The request-target (RFC 9112 §3.2), already percent-encoded. */
  readonly target: string;
  /** Default "1.1". */
  readonly version?: HttpVersion;
  /** Without Content-Length/Transfer-Encoding unless they agree with the framing. */
  readonly fields?: OutgoingFields;
}

/** A response head to send (RFC 9112 §4). */
export interface OutgoingResponseHead {
  /** 100–599 (RFC 9110 §15). */
  readonly status: number;
  /** Default: the registered phrase for the status, or empty. */
  readonly reason?: string;
  /** Default "1.1". */
  readonly version?: HttpVersion;
  /** Without Content-Length/Transfer-Encoding unless they agree with the framing. */
  readonly fields?: OutgoingFields;
}

const CRLF = "\r\n";

/**
 * Serializes a request head, adding the framing fields for `framing`
 * (chosen by `chooseFraming`, outgoing-framing.ts). Throws a {@link UsageError} for an invalid
 * method, target or field, for a missing or repeated Host in HTTP/1.1
 * (RFC 9112 §3.2), or for framing the request cannot use.
 */
export function serializeRequestHead(head: OutgoingRequestHead, framing: BodyFraming): Uint8Array {
  const { method, target } = head;
  const version = checkVersion(head.version);
  // RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
  if (!isToken(method)) startLineError(`invalid method ${JSON.stringify(String(method))}`);
  if (!isRequestTarget(target))
    startLineError(`invalid request-target ${JSON.stringify(String(target))}`);
  // RFC 9112 §3.2.4: the asterisk-form is only for OPTIONS.
  if (target === "*" && method !== "OPTIONS") startLineError(`"*" is only a target for OPTIONS`);
  const scan = scanFields(head.fields);
  // RFC 9112 §3.2: "A client MUST send a Host header field in all HTTP/1.1
  // request messages"; more than one is invalid in any version.
  if (scan.hosts > 1 || (scan.hosts === 0 && version === "1.1")) {
    fieldError(`an HTTP/${version} request needs exactly one Host field (RFC 9112 §3.2)`);
  }
  const framingText = requestFramingFields(framing, scan, version);
  const text = `${method} ${target} HTTP/${version}${CRLF}${scan.text}${framingText}${CRLF}`;
  return encodeLatin1(text, scan.ascii);
}

/**
 * Serializes a final (or 101) response head, adding the framing fields for
 * `framing` (chosen by `chooseFraming`, outgoing-framing.ts). When `framing.kind` is `close`,
 * the caller MUST close the connection after the body; when `tunnel`, the
 * connection no longer carries HTTP.
 */
export function serializeResponseHead(
  head: OutgoingResponseHead,
  framing: BodyFraming,
): Uint8Array {
  // The start-line is checked before the fields (so is the order of errors).
  checkVersion(head.version);
  checkStatus(head.status, 100, 599);
  return serializeScannedResponseHead(head, scanFields(head.fields), framing);
}

/**
 * {@link serializeResponseHead} for a head whose fields were already
 * scanned (`scanFields`, outgoing-fields.ts) — by a server that looked at
 * them to decide persistence; `head.fields` is not read again. A head that
 * repeats the last one made from a shared scan gets the same octets (see
 * `lastHead` below).
 */
export function serializeScannedResponseHead(
  head: OutgoingResponseHead,
  scan: FieldScan,
  framing: BodyFraming,
): Uint8Array {
  const last = lastHead;
  const length = framing.kind === "length" ? framing.length : -1;
  if (
    scan === last.scan &&
    head.status === last.status &&
    head.reason === last.reason &&
    head.version === last.version &&
    framing.kind === last.kind &&
    length === last.length
  ) {
    return last.bytes;
  }
  const version = checkVersion(head.version);
  const status = checkStatus(head.status, 100, 599);
  const framingText = responseFramingFields(framing, scan, version, status);
  const reason = head.reason;
  // The registered phrase (the common case): a ready-made ASCII line, no tuple to unpack.
  const ready =
    reason === undefined || reason === REASON_PHRASES[status]
      ? STATUS_LINES[version][status]
      : undefined;
  let bytes: Uint8Array;
  if (ready !== undefined)
    bytes = encodeLatin1(`${ready}${scan.text}${framingText}${CRLF}`, scan.ascii);
  else {
    const [statusLine, lineAscii] = statusLineOf(version, status, reason);
    bytes = encodeLatin1(`${statusLine}${scan.text}${framingText}${CRLF}`, scan.ascii && lineAscii);
  }
  if (scan.shared) {
    last.scan = scan;
    last.status = head.status;
    last.reason = head.reason;
    last.version = head.version;
    last.kind = framing.kind;
    last.length = length;
    last.bytes = bytes;
  }
  return bytes;
}

/**
 * The last response head serialized from a shared scan (outgoing-fields.ts:
 * a field list that repeats), with what it was made from and its octets. A
 * head made from the same scan object, status, reason, version and framing
 * is the same octets: they are handed out again instead of being built and
 * encoded anew. Octets handed out are never written again (latin1-encode.ts),
 * so one region may go out in any number of responses.
 */
const lastHead: {
  scan: FieldScan | null;
  status: number;
  reason: string | undefined;
  version: HttpVersion | undefined;
  kind: BodyFraming["kind"] | "";
  length: number;
  bytes: Uint8Array;
} = {
  scan: null,
  status: 0,
  reason: undefined,
  version: undefined,
  kind: "",
  length: -1,
  bytes: new Uint8Array(0),
};

/**
 * Serializes an interim 1xx response (RFC 9110 §15.2) such as
 * `HTTP/1.1 100 Continue` or a 103 Early Hints with Link fields. Always
 * HTTP/1.1: "A server MUST NOT send a 1xx response to an HTTP/1.0 client"
 * (RFC 9110 §15.2) — the caller checks the request version. 101 is not
 * interim here: send it with {@link serializeResponseHead} and `tunnel`.
 */
export function serializeInformational(
  status: number,
  fields?: OutgoingFields,
  reason?: string,
): Uint8Array {
  checkStatus(status, 100, 199);
  if (status === 101) startLineError("send 101 with serializeResponseHead and tunnel framing");
  const scan = scanFields(fields);
  // RFC 9110 §8.6, RFC 9112 §6.1: no Content-Length or Transfer-Encoding in 1xx.
  if (scan.contentLength !== undefined || scan.transferEncoding !== undefined) {
    fieldError(`a ${status} response cannot carry Content-Length or Transfer-Encoding`);
  }
  const [statusLine, lineAscii] = statusLineOf("1.1", status, reason);
  return encodeLatin1(`${statusLine}${scan.text}${CRLF}`, scan.ascii && lineAscii);
}

/** Status lines for registered statuses with their default phrase, per version. */
const STATUS_LINES: Record<HttpVersion, string[]> = { "1.0": [], "1.1": [] };
for (const code of Object.keys(REASON_PHRASES)) {
  const status = Number(code);
  for (const v of ["1.0", "1.1"] as const) {
    STATUS_LINES[v][status] = `HTTP/${v} ${status} ${REASON_PHRASES[status]}${CRLF}`;
  }
}

/** RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]. */
function statusLineOf(version: HttpVersion, status: number, reason: string | undefined) {
  if (reason === undefined || reason === REASON_PHRASES[status]) {
    const line = STATUS_LINES[version][status];
    if (line !== undefined) return [line, true] as const;
    reason = "";
  }
  const cls = classifyReasonPhrase(reason);
  if (cls === INVALID) startLineError(`invalid reason-phrase ${JSON.stringify(String(reason))}`);
  return [`HTTP/${version} ${status} ${reason}${CRLF}`, cls === ASCII] as const;
}

function checkVersion(version: HttpVersion | undefined): HttpVersion {
  if (version === undefined) return "1.1";
  if (version !== "1.1" && version !== "1.0") startLineError(`invalid version ${String(version)}`);
  return version;
}

/** RFC 9110 §15: a status code is three digits, 100–599. */
function checkStatus(status: number, min: number, max: number): number {
  if (!Number.isInteger(status) || status < min || status > max) {
    startLineError(`status ${String(status)} outside ${min}–${max}`);
  }
  return status;
}

function startLineError(message: string): never {
  throw new UsageError("INVALID_OUTGOING_START_LINE", message);
}
