/**
 * Whether a request may be sent on a connection that is still waiting for
 * responses (pipelining, RFC 9112 §9.3.2), as one pure predicate.
 *
 * RFC 9112 §9.3.2: "A client that supports persistent connections MAY
 * pipeline its requests … A client SHOULD NOT pipeline requests after a
 * non-idempotent method, until the final response status code for that
 * method has been received, unless the user agent has a means to detect and
 * recover from partial failure conditions involving the pipelined sequence."
 * And: "A user agent SHOULD NOT pipeline requests after a non-idempotent
 * method" because a close would leave it unknown which of them were applied;
 * requests behind one that fails are retried (§9.3.1), which is only safe
 * when they are idempotent (RFC 9110 §9.2.2).
 *
 * Decision table, first matching row wins (`depth` is the most requests in
 * flight on one connection; 1 means pipelining is off):
 *
 * | # | condition                                                        | may pipeline | why                                  |
 * |---|------------------------------------------------------------------|--------------|--------------------------------------|
 * | 1 | `depth` ≤ 1                                                      | no           | pipelining is opt-in                 |
 * | 2 | nothing in flight                                                | no           | not pipelining: plain reuse          |
 * | 3 | the connection has not proved persistent (no complete response   | no           | RFC 9112 §9.3.2 "supports persistent |
 * |   | on it that allowed reuse)                                        |              | connections"; 1.0 servers may close  |
 * | 4 | the server's last response, or the request, is HTTP/1.0          | no           | pipelining is an HTTP/1.1 feature;   |
 * |   |                                                                  |              | 1.0 keep-alive servers predate it    |
 * | 5 | the connection cannot send (closing, or a body is being written) | no           | RFC 9112 §9.6                        |
 * | 6 | in flight ≥ `depth`                                              | no           | the configured depth                 |
 * | 7 | the request's method is not idempotent                           | no           | RFC 9112 §9.3.2, RFC 9110 §9.2.2     |
 * | 8 | the request asks for an upgrade or is CONNECT                    | no           | RFC 9110 §7.8: later bytes not HTTP  |
 * | 9 | the request's body is a stream                                   | no           | not replayable if the pipeline fails |
 * | 10| a request in flight is non-idempotent, an upgrade, or streamed   | no           | RFC 9112 §9.3.2                      |
 * | 11| otherwise                                                        | yes          |                                      |
 */
import type { HttpVersion } from "./message.ts";
import { isIdempotent } from "./retry.ts";

/** What the predicate needs to know about a request. */
export interface PipelineRequest {
  readonly method: string;
  readonly version: HttpVersion;
  /** The request asks to switch protocols (`Connection: upgrade`) or is CONNECT. */
  readonly upgrade: boolean;
  /** The body is a stream (not bytes known in advance). */
  readonly stream: boolean;
}

/** What the predicate needs to know about a connection. */
export interface PipelineConnection {
  /** A complete response on this connection allowed it to persist. */
  readonly proven: boolean;
  /** The version of the server's last response, `null` before one. */
  readonly serverVersion: HttpVersion | null;
  /** The connection may take a new request now (persistent, writer between messages). */
  readonly canSend: boolean;
  /** Requests sent whose responses have not ended, oldest first. */
  readonly inFlight: readonly PipelineRequest[];
}

/** True when `request` may join the requests already in flight on `connection` (table above). */
export function mayPipeline(
  connection: PipelineConnection,
  request: PipelineRequest,
  depth: number,
): boolean {
  if (depth <= 1) return false; // row 1
  const inFlight = connection.inFlight;
  if (inFlight.length === 0) return false; // row 2
  if (!connection.proven) return false; // row 3
  if (connection.serverVersion !== "1.1" || request.version !== "1.1") return false; // row 4
  if (!connection.canSend) return false; // row 5
  if (inFlight.length >= depth) return false; // row 6
  if (blocksPipelining(request)) return false; // rows 7–9
  for (const ahead of inFlight) if (blocksPipelining(ahead)) return false; // row 10
  return true; // row 11
}

/** A request that may neither be pipelined nor have others pipelined behind it. */
export function blocksPipelining(request: PipelineRequest): boolean {
  return !isIdempotent(request.method) || request.upgrade || request.stream;
}
