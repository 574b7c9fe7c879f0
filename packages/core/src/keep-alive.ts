/**
 * Connection persistence (RFC 9112 §9.3, §9.6; RFC 9110 §7.6.1) as small
 * pure functions. The connection layer calls {@link messageAllowsPersistence}
 * for every message it sends and receives; the connection is reused only if
 * all of them allow it.
 *
 * Decision table, first matching row wins:
 *
 * | # | condition                                                   | persistent | reason                    | rule                     |
 * |---|-------------------------------------------------------------|------------|---------------------------|--------------------------|
 * | 1 | framing is `tunnel` (101, 2xx to CONNECT)                   | no         | switched-protocol         | RFC 9110 §7.8, §9.3.6    |
 * | 2 | both Transfer-Encoding and Content-Length present           | no         | framing-conflict          | RFC 9112 §6.1, §6.3 (3)  |
 * | 3 | framing is `close` (body delimited by closing)              | no         | close-delimited-body      | RFC 9112 §6.3 (8), §9.3  |
 * | 4 | Connection has `close`                                      | no         | connection-close          | RFC 9112 §9.3, §9.6      |
 * | 5 | HTTP/1.0 without `keep-alive`                               | no         | http10-without-keep-alive | RFC 9112 §9.3 item 3–4   |
 * | 6 | HTTP/1.0 request read by a proxy                            | no         | http10-without-keep-alive | RFC 9112 §9.3 item 3     |
 * | 7 | response to an HTTP/1.0 request, without `keep-alive`       | no         | http10-without-keep-alive | RFC 9112 §9.3, App. C.2.2 |
 * | 8 | otherwise (HTTP/1.1, or 1.0 with `keep-alive`)              | yes        | —                         | RFC 9112 §9.3 item 2–3   |
 *
 * Interim (1xx other than 101) responses do not decide persistence; pass
 * only final responses.
 */
import { UsageError } from "./errors.ts";
import { Fields } from "./fields.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";
import type { FieldScan } from "./outgoing-fields.ts";
import { PersistenceFields, readPersistenceFields } from "./persistence-fields.ts";

/**
 * Why a connection is not, or no longer, reused. The connection layer
 * reports one of these whenever it closes.
 */
export type CloseReason =
  /** A `Connection: close` option was sent or received (RFC 9112 §9.6). */
  | "connection-close"
  /**
   * An HTTP/1.0 message without the `keep-alive` option, or a response to a
   * 1.0 request without it (RFC 9112 §9.3).
   */
  | "http10-without-keep-alive"
  /** A response body delimited by closing the connection (RFC 9112 §6.3 item 8, §9.3). */
  | "close-delimited-body"
  /**
   * A message with both Transfer-Encoding and Content-Length: a smuggling
   * signal; the connection is closed after it (RFC 9112 §6.1, §6.3 item 3, §11.2).
   */
  | "framing-conflict"
  /** Our per-connection request limit was reached; we send `close` (RFC 9112 §9.6). */
  | "max-requests"
  /** The connection sat idle longer than allowed, by us or by the peer's hint (RFC 9112 §9.5). */
  | "idle-timeout"
  /** A head or body did not arrive in time (slow peer; a server may answer 408, RFC 9110 §15.5.9). */
  | "read-timeout"
  /** The peer's bytes broke the protocol: a {@link ProtocolError} (RFC 9112 §9.6). */
  | "protocol-error"
  /** The connection now carries another protocol: 101 or a CONNECT tunnel (RFC 9110 §7.8, §9.3.6). */
  | "switched-protocol"
  /** The peer closed (or half-closed) its side (RFC 9112 §9.6). */
  | "peer-closed"
  /**
   * We stopped reading a request body we will not use, so the rest of it
   * cannot be skipped safely (RFC 9112 §9.6; RFC 9110 §10.1.1 for a refused
   * `100-continue`).
   */
  | "unread-body"
  /** A message was abandoned half-way (cancelled by the caller), so framing is lost. */
  | "aborted"
  /** The transport failed (reset, write error). */
  | "transport-error"
  /** We are shutting down gracefully (RFC 9112 §9.5, §9.6). */
  | "shutdown";

/** The lower-cased connection options of every Connection line (RFC 9110 §7.6.1). */
export function connectionTokens(fields: Fields): Set<string> {
  return new Set(fields.tokens("connection"));
}

/** The message whose persistence is being decided. */
export interface PersistenceMessage {
  readonly version: HttpVersion;
  readonly fields: Fields;
  readonly framing: BodyFraming;
}

/** Where the message sits in the exchange. */
export interface PersistenceContext {
  /** The message is a request or a (final) response. */
  readonly kind: "request" | "response";
  /**
   * For a response: the version of the request it answers. A client that
   * sent HTTP/1.0 reuses the connection only if the response carries
   * `keep-alive` (RFC 9112 §9.3; the 1.0 mechanism, RFC 2068 §19.7.1).
   */
  readonly requestVersion?: HttpVersion;
  /**
   * The recipient of a request is a proxy: it does not honor `keep-alive`
   * on an HTTP/1.0 request (RFC 9112 §9.3 item 3, Appendix C.2.2).
   */
  readonly proxy?: boolean;
}

/** The outcome of {@link messageAllowsPersistence}. */
export interface Persistence {
  readonly persistent: boolean;
  /** Why not, when `persistent` is false. */
  readonly reason: CloseReason | null;
}

const PERSISTENT: Persistence = Object.freeze({ persistent: true, reason: null });
const CLOSE_BECAUSE: Readonly<Record<CloseReason, Persistence>> = /* @__PURE__ */ (() => {
  const out = {} as Record<CloseReason, Persistence>;
  const reasons: CloseReason[] = [
    "connection-close",
    "http10-without-keep-alive",
    "close-delimited-body",
    "framing-conflict",
    "max-requests",
    "idle-timeout",
    "read-timeout",
    "protocol-error",
    "switched-protocol",
    "peer-closed",
    "unread-body",
    "aborted",
    "transport-error",
    "shutdown",
  ];
  for (const reason of reasons) out[reason] = Object.freeze({ persistent: false, reason });
  return out;
})();

/** Scratch for callers that do not keep the fields read (the core is single-threaded). */
const SCRATCH = new PersistenceFields();

/**
 * Whether the connection may carry another message after this one (the
 * table in this module's header). Pure: same input, same answer.
 */
export function messageAllowsPersistence(
  message: PersistenceMessage,
  context: PersistenceContext,
): Persistence {
  return decidePersistence(message, context, SCRATCH);
}

/**
 * {@link messageAllowsPersistence}, keeping what was read of the fields in
 * `into` (one pass; e.g. the Keep-Alive line, for the client). Internal:
 * not exported from the package.
 */
export function decidePersistence(
  message: PersistenceMessage,
  context: PersistenceContext,
  into: PersistenceFields,
): Persistence {
  return decidePersistenceOf(message.version, message.fields, message.framing, context, into);
}

/**
 * {@link decidePersistence} with the message's parts as arguments: for the
 * server, which asks for every message it reads and sends, so that no
 * object is written to ask. Internal: not exported from the package.
 */
export function decidePersistenceOf(
  version: HttpVersion,
  fields: Fields,
  framing: BodyFraming,
  context: PersistenceContext,
  into: PersistenceFields,
): Persistence {
  const read = readPersistenceFields(fields, into);
  // Row 1: the bytes after a 101 or a CONNECT 2xx are not HTTP.
  if (framing.kind === "tunnel") return CLOSE_BECAUSE["switched-protocol"];
  // Row 2: RFC 9112 §6.1 ("the server MUST close the connection after
  // responding to such a request") and §6.3 item 3 (handled as an error).
  if (read.hasTransferEncoding && read.hasContentLength) {
    return CLOSE_BECAUSE["framing-conflict"];
  }
  // Row 3: RFC 9112 §9.3: "all messages on a connection need to have a
  // self-defined message length".
  if (framing.kind === "close") return CLOSE_BECAUSE["close-delimited-body"];
  // Row 4: RFC 9112 §9.3 item 1.
  if (read.close) return CLOSE_BECAUSE["connection-close"];
  const keepAlive = read.keepAlive;
  if (version === "1.0") {
    // Rows 5–6: RFC 9112 §9.3 item 3: 1.0 persists only with keep-alive,
    // and "either the recipient is not a proxy or the message is a response".
    if (!keepAlive || (context.kind === "request" && context.proxy === true)) {
      return CLOSE_BECAUSE["http10-without-keep-alive"];
    }
    return PERSISTENT;
  }
  // Row 7: we sent 1.0 + keep-alive; a server that does not echo it did not
  // agree, even if it answers HTTP/1.1 (RFC 9112 §9.3, Appendix C.2.2).
  if (context.kind === "response" && context.requestVersion === "1.0" && !keepAlive) {
    return CLOSE_BECAUSE["http10-without-keep-alive"];
  }
  // Row 8: RFC 9112 §9.3 item 2: HTTP/1.1 persists by default.
  return PERSISTENT;
}

/**
 * The parameters of a `Keep-Alive` field: a legacy, non-normative hint
 * from the HTTP/1.0 keep-alive mechanism (RFC 2068 §19.7.1.1). RFC 9112
 * does not define the field; RFC 9110 §7.6.1 only lists it as hop-by-hop.
 */
export interface KeepAliveHint {
  /** Seconds the sender keeps an idle connection open. */
  readonly timeoutSeconds?: number;
  /** Further requests the sender will accept on this connection. */
  readonly max?: number;
}

/**
 * Reads a `Keep-Alive` value such as `timeout=5, max=100`. Tolerant, since
 * it is only a hint: parameter names in any case, spaces, quoted values,
 * `;` as well as `,` between parameters; unknown parameters and invalid
 * numbers are ignored; the first valid value of each parameter wins.
 * Returns `null` when nothing usable is found.
 */
export function parseKeepAlive(value: string | undefined): KeepAliveHint | null {
  if (value === undefined) return null;
  let timeoutSeconds: number | undefined;
  let max: number | undefined;
  for (const part of value.split(/[,;]/)) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const n = parseNumber(part.slice(eq + 1).trim());
    if (n === undefined) continue;
    if (name === "timeout" && timeoutSeconds === undefined) timeoutSeconds = n;
    else if (name === "max" && max === undefined) max = n;
  }
  if (timeoutSeconds === undefined && max === undefined) return null;
  const hint: { timeoutSeconds?: number; max?: number } = {};
  if (timeoutSeconds !== undefined) hint.timeoutSeconds = timeoutSeconds;
  if (max !== undefined) hint.max = max;
  return hint;
}

/** `1*DIGIT`, optionally in double quotes, at most 15 digits (a safe integer). */
function parseNumber(raw: string): number | undefined {
  if (raw.length >= 2 && raw.charCodeAt(0) === 0x22 && raw.charCodeAt(raw.length - 1) === 0x22) {
    raw = raw.slice(1, -1).trim();
  }
  return /^[0-9]{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Writes a hint as a `Keep-Alive` value: `timeout=5, max=100` (whole
 * seconds, rounded down). Throws a {@link UsageError} for a negative or
 * non-finite number. Only meaningful alongside `Connection: keep-alive`.
 */
export function formatKeepAlive(hint: KeepAliveHint): string {
  const parts: string[] = [];
  if (hint.timeoutSeconds !== undefined) parts.push(`timeout=${wholeNumber(hint.timeoutSeconds)}`);
  if (hint.max !== undefined) parts.push(`max=${wholeNumber(hint.max)}`);
  return parts.join(", ");
}

function wholeNumber(n: number): number {
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError("INVALID_OUTGOING_FIELD", `invalid Keep-Alive parameter ${n}`);
  }
  return Math.floor(n);
}

/** Input of {@link clientIdleDeadline}; all times in milliseconds. */
export interface IdleDeadlineInput {
  /** The time the connection became idle (the response ended). */
  readonly now: number;
  /** How long we keep an idle connection (may be `Infinity`). */
  readonly ourIdleTimeoutMs: number;
  /** The server's `Keep-Alive` hint from the last response, if any. */
  readonly hint: KeepAliveHint | null;
  /**
   * Subtracted from the server's timeout so we stop reusing the connection
   * before the server closes it (a request racing the server's close is the
   * classic stale-connection failure). Default 1000.
   */
  readonly safetyMarginMs?: number;
}

/**
 * When a client's idle pooled connection stops being reusable: the earlier
 * of our own idle timeout and the server's hinted timeout minus the safety
 * margin. The connection may be reused at time `t` only if `t < deadline`;
 * a hint of at most the margin gives `now` (do not reuse). `max` plays no
 * part here (it limits requests, not time).
 */
export function clientIdleDeadline(input: IdleDeadlineInput): number {
  const { now, hint } = input;
  const margin = input.safetyMarginMs ?? 1000;
  let idle = input.ourIdleTimeoutMs;
  if (hint?.timeoutSeconds !== undefined) {
    const serverIdle = hint.timeoutSeconds * 1000 - margin;
    if (serverIdle <= 0) return now;
    if (serverIdle < idle) idle = serverIdle;
  }
  return idle > 0 ? now + idle : now;
}

/** No field that persistence depends on (shared, only ever read). */
const NO_FIELDS = new Fields();

/**
 * The fields of an outgoing message that persistence depends on (RFC 9112
 * §9.3: Connection; §6.1: Transfer-Encoding with Content-Length), for
 * {@link messageAllowsPersistence}, from the scan the serializer makes of
 * them (outgoing-fields.ts): usually none, and nothing is copied.
 */
export function persistenceFieldsOf(scan: FieldScan): Fields {
  if (scan.connection === undefined && scan.transferEncoding === undefined) return NO_FIELDS;
  const raw: string[] = [];
  if (scan.connection !== undefined) raw.push("Connection", scan.connection);
  if (scan.transferEncoding !== undefined) raw.push("Transfer-Encoding", scan.transferEncoding);
  if (scan.contentLength !== undefined) raw.push("Content-Length", scan.contentLength);
  return new Fields(raw);
}
