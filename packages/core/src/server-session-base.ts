/**
 * What a {@link ServerSession} is made of, and how it stays small while idle.
 *
 * A session holds its socket's id, the server's resolved options (shared),
 * and four per-request parts: the {@link ServerConnection} (the HTTP rules),
 * the {@link GracefulClose}, the {@link ActionQueue} (the outbox) and the
 * {@link SessionTimers}. Its yes/no facts are bits of one number.
 *
 * Idle compaction. A server holds far more idle keep-alive connections than
 * busy ones, so an idle session may drop its four parts ({@link dropParts})
 * and keep only the requests answered and when the idle timer started —
 * once nothing at all is in hand, the parts differ from fresh ones in
 * nothing else (`ServerConnection.atRest`). {@link restore} rebuilds them
 * exactly, and every method of the session that uses them restores them
 * first; while they are dropped the session answers its getters, and its
 * idle timeout, from what it kept. When to compact is server-session.ts's
 * call (`compactAt`, `compact`).
 */
import { ActionQueue } from "./action-queue.ts";
import { GracefulClose } from "./graceful-close.ts";
import { ServerConnection } from "./server-connection.ts";
import { connectionOptions, type ResolvedServerSessionOptions } from "./server-session-options.ts";
import { SessionTimers } from "./session-timers.ts";
import type { SocketId } from "./socket-actions.ts";

// The session's flags (bits of `flags`). A session at rest has none set
// (`noFlags`, server-session.ts `atRest`): a new flag must keep that true.
const FINISHED = 1;
const AWAITING_CONTINUE = 2;
const PAUSED = 4;
const SHUTDOWN_AFTER_HEAD = 8;
const ANNOUNCED = 16;
const RELEASED = 32;

/** The parts and flags of a server session. See the module comment. */
export abstract class SessionBase {
  /** The adapter's handle for the socket, used in every action. */
  readonly socket: SocketId;
  protected readonly opts: ResolvedServerSessionOptions;
  // The four parts: dropped while compacted (see the module comment).
  protected conn: ServerConnection;
  protected closer: GracefulClose;
  protected actions: ActionQueue;
  protected timers: SessionTimers;
  /** While compacted: the requests answered so far. -1 while the parts are held. */
  protected compactedAfter = -1;
  /** While compacted: when the idle timer started. */
  private idleSince = 0;
  private flags = 0;
  /**
   * The fields of the policy's list of open sessions (session-list.ts,
   * intrusive-list.ts): the neighbours, and the key of the client the
   * session counts under (`null` while not listed). Not for applications.
   * @internal
   */
  prevListed: SessionBase | null = null;
  /** @internal See {@link prevListed}. */
  nextListed: SessionBase | null = null;
  /** @internal See {@link prevListed}. */
  listKey: string | null = null;

  constructor(socket: SocketId, opts: ResolvedServerSessionOptions, now: number) {
    this.socket = socket;
    this.opts = opts;
    this.conn = new ServerConnection(connectionOptions(opts));
    this.closer = new GracefulClose(socket, opts.linger);
    this.actions = new ActionQueue(socket);
    this.timers = new SessionTimers(opts);
    // A fresh connection owes nothing: it is idle until its first byte.
    this.timers.run("idle", true, now);
    this.timers.latest = now;
  }

  /** The session is compacted: its parts are dropped until {@link restore}. */
  get compacted(): boolean {
    return this.compactedAfter >= 0;
  }

  /**
   * Drops the four parts, keeping the requests answered and the idle
   * timer's start. Only for a session with nothing in hand but that timer.
   */
  protected dropParts(idleSince: number): void {
    this.compactedAfter = this.conn.requestsAnswered;
    this.idleSince = idleSince;
    // Dropped, not pooled: restore() makes them anew.
    this.conn = null as unknown as ServerConnection;
    this.closer = null as unknown as GracefulClose;
    this.actions = null as unknown as ActionQueue;
    this.timers = null as unknown as SessionTimers;
  }

  /** Rebuilds the parts {@link dropParts} dropped, as they were; nothing when they are held. */
  protected restore(): void {
    const answered = this.compactedAfter;
    if (answered < 0) return;
    this.compactedAfter = -1;
    const o = this.opts;
    const conn = new ServerConnection(connectionOptions(o));
    conn.continueAfter(answered);
    this.conn = conn;
    this.closer = new GracefulClose(this.socket, o.linger);
    this.actions = new ActionQueue(this.socket);
    this.timers = new SessionTimers(o);
    this.timers.run("idle", true, this.idleSince);
    this.timers.latest = this.idleSince;
  }

  /** While compacted: the idle timeout (the only timer then running), or `null` for none. */
  protected idleDeadline(): number | null {
    const at = this.idleSince + this.opts.keepAliveTimeoutMs;
    return at === Number.POSITIVE_INFINITY ? null : at;
  }

  // --- flags (each setter writes its own bit: a shared helper was a call each time) ---

  /**
   * No flag is set: each of them is something a session at rest has not
   * (finished, awaiting 100-continue, paused, shutting down after a head,
   * announced, released). One test instead of six.
   */
  protected get noFlags(): boolean {
    return this.flags === 0;
  }

  /** The session closed (or was released): everything is a no-op now. */
  protected get finished(): boolean {
    return (this.flags & FINISHED) !== 0;
  }
  protected set finished(on: boolean) {
    this.flags = on ? this.flags | FINISHED : this.flags & ~FINISHED;
  }

  /** The request being read asked for 100-continue and no 100 went out yet (RFC 9110 §10.1.1). */
  protected get awaitingContinue(): boolean {
    return (this.flags & AWAITING_CONTINUE) !== 0;
  }
  protected set awaitingContinue(on: boolean) {
    this.flags = on ? this.flags | AWAITING_CONTINUE : this.flags & ~AWAITING_CONTINUE;
  }

  /** We asked the adapter to stop reading (`pause-read`). */
  protected get paused(): boolean {
    return (this.flags & PAUSED) !== 0;
  }
  protected set paused(on: boolean) {
    this.flags = on ? this.flags | PAUSED : this.flags & ~PAUSED;
  }

  /** Shutdown was asked while a head was arriving: end persistence once it is read. */
  protected get shutdownAfterHead(): boolean {
    return (this.flags & SHUTDOWN_AFTER_HEAD) !== 0;
  }
  protected set shutdownAfterHead(on: boolean) {
    this.flags = on ? this.flags | SHUTDOWN_AFTER_HEAD : this.flags & ~SHUTDOWN_AFTER_HEAD;
  }

  /** The application got its `close` event. */
  protected get announced(): boolean {
    return (this.flags & ANNOUNCED) !== 0;
  }
  protected set announced(on: boolean) {
    this.flags = on ? this.flags | ANNOUNCED : this.flags & ~ANNOUNCED;
  }

  /** The socket was handed to a new protocol (`release()`). */
  protected get released(): boolean {
    return (this.flags & RELEASED) !== 0;
  }
  protected set released(on: boolean) {
    this.flags = on ? this.flags | RELEASED : this.flags & ~RELEASED;
  }
}
