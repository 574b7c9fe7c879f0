/**
 * The states of one HTTP/1.x connection, as explicit tables.
 *
 * A connection carries a sequence of exchanges (request + response). Its
 * life is summed up by one {@link ConnectionState}; its outgoing side by one
 * {@link WriterState}. Both change only through the transitions listed here,
 * so a reader can check every path against RFC 9112 §9.
 */
import { UsageError } from "./errors.ts";

/**
 * The life of a connection (RFC 9112 §9.3, §9.6).
 *
 * | state        | meaning                                                                 |
 * |--------------|-------------------------------------------------------------------------|
 * | `open`       | persistent so far: further exchanges may follow                          |
 * | `closing`    | persistence ended ({@link CloseReason}); the exchanges already started    |
 * |              | finish, no new one starts, nothing after them is read or sent            |
 * | `must-close` | nothing more will be exchanged: close now (gracefully, RFC 9112 §9.6)    |
 * | `switched`   | the connection left HTTP (101, or 2xx to CONNECT): hand the bytes over   |
 */
export type ConnectionState = "open" | "closing" | "must-close" | "switched";

/** What moves a connection from one {@link ConnectionState} to another. */
export type ConnectionInput =
  /** Persistence ended: a close option, HTTP/1.0 without keep-alive, a limit, shutdown… */
  | "persistence-ended"
  /** The last exchange still running finished while closing. */
  | "last-exchange-done"
  /** A protocol error or a peer close leaves nothing to finish. */
  | "fatal"
  /** A 101 or a 2xx answer to CONNECT completed the hand-off. */
  | "protocol-switched";

/** The connection state table. A missing entry means the state does not change. */
export const CONNECTION_TRANSITIONS: Readonly<
  Record<ConnectionState, Partial<Record<ConnectionInput, ConnectionState>>>
> = {
  open: {
    "persistence-ended": "closing",
    fatal: "must-close",
    "protocol-switched": "switched",
  },
  closing: {
    "last-exchange-done": "must-close",
    fatal: "must-close",
    "protocol-switched": "switched",
  },
  "must-close": {},
  switched: {},
};

/**
 * Our outgoing message stream.
 *
 * | state  | `head`        | `data` | `end`  | `close` |
 * |--------|---------------|--------|--------|---------|
 * | `idle` | `body`/`idle` | —      | —      | `done`  |
 * | `body` | —             | `body` | `idle` | —       |
 * | `done` | —             | —      | —      | —       |
 *
 * `close` follows the last message this connection will carry (it said
 * `Connection: close`, was close-delimited, or switched protocols): RFC
 * 9112 §9.6 forbids sending anything after it, so `done` accepts nothing.
 */
export type WriterState = "idle" | "body" | "done";

/** What our side does to its outgoing stream. */
export type WriterInput = "head-with-body" | "head-without-body" | "data" | "end" | "close";

/** The writer state table. A missing entry is a {@link UsageError}. */
export const WRITER_TRANSITIONS: Readonly<
  Record<WriterState, Partial<Record<WriterInput, WriterState>>>
> = {
  idle: { "head-with-body": "body", "head-without-body": "idle", close: "done" },
  body: { data: "body", end: "idle" },
  done: {},
};

/** Applies one writer transition or throws a {@link UsageError}. */
export function nextWriterState(state: WriterState, input: WriterInput): WriterState {
  // The refusal is a function of its own: this stays small enough for V8 to inline.
  return writerTransition(state, input) ?? refuseWriterInput(state, input);
}

/** The {@link UsageError} for a writer input its state does not allow. */
function refuseWriterInput(state: WriterState, input: WriterInput): never {
  const code = state === "done" ? "SEND_AFTER_CLOSE" : "INVALID_STATE";
  throw new UsageError(code, `cannot send ${input} while the writer is ${state}`);
}

/**
 * {@link WRITER_TRANSITIONS} written out as comparisons, for the writer's
 * steps (several per response): looking an input up in the table's three
 * differently shaped rows is a generic keyed property load in V8, where
 * these are a few pointer comparisons of interned strings. The table stays
 * the specification; a test checks that both agree on every pair.
 */
export function writerTransition(state: WriterState, input: WriterInput): WriterState | undefined {
  if (state === "idle") {
    if (input === "head-with-body") return "body";
    if (input === "head-without-body") return "idle";
    return input === "close" ? "done" : undefined;
  }
  if (state === "body") {
    if (input === "data") return "body";
    return input === "end" ? "idle" : undefined;
  }
  return undefined;
}

/** Applies one connection transition (unlisted inputs leave the state as is). */
export function nextConnectionState(
  state: ConnectionState,
  input: ConnectionInput,
): ConnectionState {
  return CONNECTION_TRANSITIONS[state][input] ?? state;
}
