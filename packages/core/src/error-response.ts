/**
 * The minimal responses a server sends on its own: the answer to a
 * protocol error (400, 413, 414, 431, 501, 505 — the status of the
 * {@link ProtocolError}) and 408 Request Timeout for a head that did not
 * arrive in time (RFC 9110 §15.5.9). A short plain-text body names the
 * status; the connection closes after it (RFC 9112 §9.6), so the head also
 * says `Connection: close`.
 */
import type { BodyFraming } from "./message.ts";
import { REASON_PHRASES } from "./reason-phrases.ts";
import { serializeResponseHead } from "./serializer.ts";
import type { ServerConnection } from "./server-connection.ts";

/** Status, fields and body of a server-generated error response. */
export interface ErrorResponse {
  readonly status: number;
  readonly fields: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * The response for `status`: `text/plain` body "<status> <reason>\n".
 * `Connection: close` is included only when `withClose` is set (a
 * {@link ServerConnection} adds it by itself).
 */
export function errorResponse(status: number, withClose = false): ErrorResponse {
  const phrase = REASON_PHRASES[status] ?? "Error";
  const body = encoder.encode(`${status} ${phrase}\n`);
  const fields: (readonly [string, string])[] = [["Content-Type", "text/plain; charset=utf-8"]];
  // RFC 9112 §9.6: a server that will close after this response says so.
  if (withClose) fields.push(["Connection", "close"]);
  return { status, fields, body };
}

/**
 * The wire bytes of a complete error response written outside any exchange
 * (the 408 for a head that never completed: there is no request to answer,
 * RFC 9110 §15.5.9), `Connection: close` included.
 */
export function errorResponseBytes(status: number): Uint8Array[] {
  const response = errorResponse(status, true);
  const framing: BodyFraming = { kind: "length", length: response.body.length };
  const head = serializeResponseHead({ status, fields: response.fields }, framing);
  return [head, response.body];
}

/**
 * Whether exchange `id` (a protocol error) is the next one `conn` answers:
 * every earlier response is complete and the connection still sends.
 */
export function errorAnswerIsDue(conn: ServerConnection, id: number): boolean {
  return (
    conn.state !== "must-close" &&
    conn.writerState === "idle" &&
    conn.pendingResponses > 0 &&
    conn.requestsAnswered + 1 === id
  );
}

/**
 * Answers the protocol error that is `conn`'s next exchange with
 * {@link errorResponse}; `conn` adds `Connection: close` and must close
 * after it (RFC 9112 §9.6). Returns the bytes to write.
 */
export function answerProtocolError(conn: ServerConnection, status: number): Uint8Array[] {
  const r = errorResponse(status);
  const head = conn.respond({ status: r.status, fields: r.fields }, { bodyLength: r.body.length });
  // RFC 9112 §6.3 item 1: the answer to a HEAD request (whose body broke
  // the protocol) is its head alone.
  if (conn.writerState !== "body") return [head];
  return [head, ...conn.sendData(r.body), ...conn.sendEnd()];
}

/**
 * A request head did not complete in time (RFC 9110 §15.5.9). If nothing is
 * owed before the late request, `conn` stops at once and the 408 bytes are
 * returned (there is no exchange to answer: the head never completed).
 * Otherwise the responses owed are still sent, the last one saying
 * `Connection: close`, and nothing is returned.
 */
export function answerHeadTimeout(conn: ServerConnection): Uint8Array[] {
  if (conn.pendingResponses === 0 && conn.writerState === "idle") {
    conn.abort("read-timeout");
    return errorResponseBytes(408);
  }
  conn.closeAfterCurrent("read-timeout");
  return [];
}
