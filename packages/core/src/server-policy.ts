/**
 * The policy across all connections of a server: admission (a cap on
 * connections per client address) and graceful shutdown (RFC 9112 §9.6:
 * stop accepting, let the exchanges in flight finish with
 * `Connection: close`, close idle connections at once, report when the last
 * one is gone).
 *
 * | state      | `accept`                                   | `shutdown`   |
 * |------------|--------------------------------------------|--------------|
 * | `serving`  | a session, unless the client is at its cap | → `draining` |
 * | `draining` | refused (`shutting-down`)                  | (no change)  |
 * | `drained`  | refused (`shutting-down`)                  | (no change)  |
 *
 * `draining` becomes `drained` when the last session closes.
 */

import { UsageError } from "./errors.ts";
import { ServerSession } from "./server-session.ts";
import type { SessionHooks } from "./server-session-events.ts";
import { type ServerSessionOptions, sharedResolvedOptions } from "./server-session-options.ts";
import { SessionList } from "./session-list.ts";
import type { SocketId } from "./socket-actions.ts";

/** Options of a {@link ServerPolicy}: the per-connection options plus admission. */
export interface ServerPolicyOptions extends ServerSessionOptions {
  /**
   * Open connections allowed from one client address; more are refused.
   * Default 256: far above what a browser opens (6 per origin) or a
   * reasonable client pool uses, yet it keeps one address from taking every
   * socket (slowloris opens hundreds). Proxies and NATs put many users behind
   * one address: raise it there, or set Infinity.
   */
  readonly maxConnectionsPerClient?: number;
}

/** Why {@link ServerPolicy.accept} refused a connection. */
export type RefusalReason =
  /** The client address already has `maxConnectionsPerClient` open connections. */
  | "too-many-connections-from-client"
  /** The server is shutting down. */
  | "shutting-down";

/**
 * The outcome of {@link ServerPolicy.accept}. On refusal the adapter closes
 * the new socket at once (before reading from it).
 */
export type AcceptResult =
  | { readonly accept: true; readonly socket: SocketId; readonly session: ServerSession }
  | { readonly accept: false; readonly reason: RefusalReason };

/** Where a {@link ServerPolicy} is (see the table in the module comment). */
export type ServerPolicyState = "serving" | "draining" | "drained";

/** Admission and shutdown for every connection of one server. See the module comment. */
export class ServerPolicy {
  private readonly options: ServerPolicyOptions;
  private readonly maxPerClient: number;
  /**
   * Each open session and the client key it counts under, in a list threaded
   * through the sessions (no map entry per connection: idle connections are
   * what a server holds most of).
   */
  private readonly sessions = new SessionList<ServerSession>();
  private readonly perClient = new Map<string, number>();
  private nextSocket = 1;
  private shuttingDown = false;
  private forceAt: number | null = null;
  /** One set of hooks for every session (nothing allocated per connection for it). */
  private readonly hooks: SessionHooks = { onClose: (s) => this.forget(s) };

  constructor(options: ServerPolicyOptions = {}) {
    const max = options.maxConnectionsPerClient ?? 256;
    if (Number.isNaN(max) || max < 1) {
      throw new UsageError(
        "INVALID_STATE",
        `maxConnectionsPerClient must be at least 1, got ${max}`,
      );
    }
    // Every session option is checked here, once (and the result shared by
    // the sessions), so a bad option fails `new ServerPolicy()` rather than
    // the first connection.
    sharedResolvedOptions(options);
    this.options = options;
    this.maxPerClient = max;
  }

  /** Where the policy is. */
  get state(): ServerPolicyState {
    if (!this.shuttingDown) return "serving";
    return this.sessions.size === 0 ? "drained" : "draining";
  }

  /** True once shutdown was asked and every connection is closed. */
  get drained(): boolean {
    return this.state === "drained";
  }

  /** Open connections (switched ones included until released). */
  get connections(): number {
    return this.sessions.size;
  }

  /** Open connections from one client address. */
  connectionsFrom(address: string): number {
    return this.perClient.get(clientKey(address)) ?? 0;
  }

  /** The session of a socket, while it is open. O(connections). */
  session(socket: SocketId): ServerSession | undefined {
    for (const s of this.sessions.keys()) if (s.socket === socket) return s;
    return undefined;
  }

  /**
   * A connection arrived from `address` (an IP literal as the transport
   * reports it). Accepted: a new {@link ServerSession} and the socket id its
   * actions carry. Refused: beyond the per-client cap, or while shutting
   * down.
   */
  accept(address: string, now: number): AcceptResult {
    if (this.shuttingDown) return { accept: false, reason: "shutting-down" };
    const key = clientKey(address);
    const count = this.perClient.get(key) ?? 0;
    if (count >= this.maxPerClient) {
      return { accept: false, reason: "too-many-connections-from-client" };
    }
    const socket = this.nextSocket++;
    const session = new ServerSession(socket, now, this.options, this.hooks);
    this.sessions.set(session, key);
    this.perClient.set(key, count + 1);
    return { accept: true, socket, session };
  }

  /**
   * Graceful shutdown (RFC 9112 §9.6): refuse new connections; every
   * session stops taking new requests, closes now if idle, or finishes the
   * responses it owes (the last saying `Connection: close`). With a finite
   * `graceMs`, {@link tick} aborts whatever is still open at `now + graceMs`.
   * A switched connection (after a 101) belongs to its new protocol: it
   * counts until its `release()`, or until the grace ends.
   * Idempotent (a later call can only shorten the grace). Returns the
   * sessions it touched: carry out their `takeActions()` (the idle ones
   * close at once).
   */
  shutdown(now: number, graceMs = Number.POSITIVE_INFINITY): ServerSession[] {
    this.shuttingDown = true;
    if (Number.isFinite(graceMs)) {
      const at = now + Math.max(0, graceMs);
      if (this.forceAt === null || at < this.forceAt) this.forceAt = at;
    }
    // Copy: an idle session closes (and leaves the map) during its shutdown.
    const touched = [...this.sessions.keys()];
    for (const session of touched) session.shutdown(now);
    return touched;
  }

  /**
   * The earliest deadline of all sessions and of the shutdown grace, or
   * `null`. O(connections): adapters with a timer per socket use each
   * session's `nextDeadline()` instead.
   */
  nextDeadline(): number | null {
    let at = this.sessions.size > 0 ? this.forceAt : null;
    for (const session of this.sessions.keys()) {
      const d = session.nextDeadline();
      if (d !== null && (at === null || d < at)) at = d;
    }
    return at;
  }

  /**
   * Ticks every session whose deadline is reached, and aborts every session
   * left when the shutdown grace ends. Returns the sessions it touched (carry
   * out their `takeActions()`). O(connections).
   */
  tick(now: number): ServerSession[] {
    const force = this.forceAt !== null && now >= this.forceAt;
    const touched: ServerSession[] = [];
    for (const session of [...this.sessions.keys()]) {
      const d = session.nextDeadline();
      if (force) session.abort("shutdown", now);
      else if (d !== null && now >= d) session.tick(now);
      else continue;
      touched.push(session);
    }
    return touched;
  }

  private forget(session: ServerSession): void {
    const key = this.sessions.get(session);
    if (key === undefined) return;
    this.sessions.delete(session);
    const left = (this.perClient.get(key) ?? 1) - 1;
    if (left === 0) this.perClient.delete(key);
    else this.perClient.set(key, left);
  }
}

/**
 * The key a client is counted under: the address in lower case, an
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) as its
 * IPv4 form, an IPv6 zone index dropped — so one client is one key however
 * the transport spells it.
 */
export function clientKey(address: string): string {
  let key = address.trim().toLowerCase();
  const zone = key.indexOf("%");
  if (zone !== -1) key = key.slice(0, zone);
  if (key.startsWith("::ffff:") && key.indexOf(".") !== -1) key = key.slice(7);
  return key;
}
