/**
 * What a {@link ServerSession} tells the application and its owner: the
 * events the application reads, the session's state, and the hook its
 * owner (the {@link ServerPolicy}) uses to count open connections.
 */
import type { ServerEvent } from "./connection-events.ts";
import type { CloseReason } from "./keep-alive.ts";
import type { ResponseOptions } from "./server-connection.ts";
import type { ServerSession } from "./server-session.ts";

/** What the application reads from a {@link ServerSession}. */
export type SessionEvent =
  | ServerEvent
  /**
   * The connection carries nothing more: the session is closing the socket
   * (gracefully, or at once after `abort`). Requests not yet answered are
   * dropped; sending now throws a {@link UsageError}. Emitted once.
   */
  | { readonly type: "close"; readonly reason: CloseReason };

/**
 * Where a session is: `open` (exchanging), `closing` (the graceful close is
 * under way), `closed` (the socket was closed, or released after a protocol
 * switch), `switched` (101 or CONNECT: the socket now carries another
 * protocol; read `takeRest()`, then `release()`).
 */
export type SessionState = "open" | "closing" | "closed" | "switched";

/** Hooks for whoever tracks sessions (the {@link ServerPolicy}). */
export interface SessionHooks {
  /** Called once, synchronously, when the session closes its socket or is released. */
  readonly onClose?: (session: ServerSession) => void;
}

/** Options for {@link ServerSession.respond}. */
export interface SessionResponseOptions extends ResponseOptions {
  /**
   * The whole body, when it is at hand: it is sent right after the head and
   * the response ends (`bodyLength` defaults to its length). The answer to
   * a HEAD request sends the head alone (RFC 9112 §6.3 item 1); a status
   * without content (204, 304) refuses a non-empty body with a UsageError.
   */
  readonly body?: Uint8Array;
}
