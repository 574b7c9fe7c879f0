/**
 * What a {@link ServerSession} tells the application and its owner: the
 * events the application reads, the session's state, and the hook its
 * owner (the {@link ServerPolicy}) uses to count open connections.
 */
import type { ServerEvent } from "./connection-events.ts";
import type { CloseReason } from "./keep-alive.ts";
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
