/**
 * Read back-pressure of a server connection: when the adapter should stop
 * reading from the socket (`pause-read`) and when it may go on
 * (`resume-read`). Pausing lets TCP flow control slow the client down
 * instead of buffering without bound.
 *
 * Reading pauses when any row holds (and resumes when none does):
 *
 * | # | condition                                                            | why                                      |
 * |---|----------------------------------------------------------------------|------------------------------------------|
 * | 1 | body octets not yet taken by the application ≥ `maxBufferedBytes`    | the application falls behind             |
 * | 2 | no body is being read, and the read-ahead limit of pipelined requests is reached | RFC 9112 §9.3.2          |
 * | 3 | no body is being read, and persistence ended                         | RFC 9112 §9.6: no further request is read |
 * | 4 | unparsed octets ≥ `maxBufferedBytes`, unless a head is being read    | bytes the parser will not take now       |
 *
 * A head in progress is exempt from row 4 because the parser limits bound
 * it (its bytes are needed to finish it). Once the connection must close,
 * reading always resumes, to discard input until the client's FIN
 * (RFC 9112 §9.6; see graceful-close.ts).
 */
import type { ConnectionState } from "./connection-state.ts";

/** What {@link shouldPauseReading} looks at. */
export interface ReadFlowInput {
  readonly connectionState: ConnectionState;
  /** A request body is being read. */
  readonly readingBody: boolean;
  /** Requests awaiting (the end of) their responses. */
  readonly pendingResponses: number;
  readonly maxPipelinedRequests: number;
  /** Octets received but not parsed yet. */
  readonly unparsedBytes: number;
  /** Body octets parsed but not taken by the application yet. */
  readonly untakenBytes: number;
  readonly maxBufferedBytes: number;
  /** Part of a request head is held and more is awaited. */
  readonly headInProgress: boolean;
}

/** Whether reading must pause now (the table in the module comment). */
export function shouldPauseReading(input: ReadFlowInput): boolean {
  return pauseReading(
    input.connectionState,
    input.readingBody,
    input.pendingResponses,
    input.maxPipelinedRequests,
    input.unparsedBytes,
    input.untakenBytes,
    input.maxBufferedBytes,
    input.headInProgress,
  );
}

/**
 * {@link shouldPauseReading} with the inputs as arguments, in the order of
 * {@link ReadFlowInput}: for the session, which asks after every input and
 * should not allocate to do so.
 */
export function pauseReading(
  connectionState: ConnectionState,
  readingBody: boolean,
  pendingResponses: number,
  maxPipelinedRequests: number,
  unparsedBytes: number,
  untakenBytes: number,
  maxBufferedBytes: number,
  headInProgress: boolean,
): boolean {
  // Row 1.
  if (untakenBytes >= maxBufferedBytes) return true;
  if (!readingBody) {
    // Rows 2 and 3.
    if (pendingResponses >= maxPipelinedRequests) return true;
    if (connectionState !== "open") return true;
  }
  // Row 4.
  return unparsedBytes >= maxBufferedBytes && !headInProgress;
}
