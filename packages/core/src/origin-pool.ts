/**
 * The connections of one route — an origin, a proxy, or an origin through a
 * proxy's tunnel (route.ts) — and the requests waiting for them.
 *
 * - `connections`: every connection held, connecting ones included — the
 *   number the per-origin cap limits.
 * - the idle stack: open connections with nothing in flight, most recently
 *   used on top. Reuse takes from the top (a connection used a moment ago is
 *   the least likely to have been closed by the server); eviction takes from
 *   the bottom.
 * - `queue`: waiting requests in FIFO order by request id. A retried request
 *   goes back in at its original place, so re-queued pipelined requests keep
 *   their order.
 */
import { mayPipeline } from "./pipelining.ts";
import type { PoolEntry } from "./pool-request.ts";
import type { PooledConnection } from "./pooled-connection.ts";
import type { Route } from "./route.ts";

const NONE: readonly PooledConnection[] = Object.freeze([]);

/** See the module comment. */
export class OriginPool {
  readonly key: string;
  readonly route: Route;
  /** Every connection held, connecting ones included. */
  readonly connections = new Set<PooledConnection>();
  /** Waiting requests, ordered by id. */
  readonly queue: PoolEntry[] = [];
  /** Idle connections, most recently used last. */
  private readonly idleStack: PooledConnection[] = [];

  constructor(route: Route) {
    this.key = route.key;
    this.route = route;
  }

  /** Idle connections held. */
  get idleCount(): number {
    return this.idleStack.length;
  }

  /** Puts a request in the queue at its place by id (FIFO; retries keep their original place). */
  enqueue(entry: PoolEntry): void {
    const q = this.queue;
    // The common case, a new request: its id is above every queued one, so
    // it is not queued yet and goes last.
    // Never `q[-1]`: on an empty queue that is a slow named-property lookup.
    const last = q.length > 0 ? q[q.length - 1] : undefined;
    if (last === undefined || last.id < entry.id) {
      q.push(entry);
      return;
    }
    if (q.includes(entry)) return;
    let i = q.length;
    while (i > 0 && (q[i - 1] as PoolEntry).id > entry.id) i--;
    q.splice(i, 0, entry);
  }

  /** Removes a request from the queue (no-op when absent). */
  dequeue(entry: PoolEntry): void {
    const q = this.queue;
    // Usually the head of the queue: shift() allocates nothing, splice() does.
    if (q[0] === entry) {
      q.shift();
      return;
    }
    const i = q.indexOf(entry);
    if (i !== -1) q.splice(i, 1);
  }

  /** Pushes a connection on top of the idle stack. */
  pushIdle(conn: PooledConnection, now: number): void {
    this.removeIdle(conn);
    conn.idleSince = now;
    conn.inIdleStack = true;
    this.idleStack.push(conn);
  }

  /** Takes a connection off the idle stack (no-op when absent). */
  removeIdle(conn: PooledConnection): void {
    if (!conn.inIdleStack) return;
    conn.inIdleStack = false;
    const i = this.idleStack.indexOf(conn);
    if (i !== -1) this.idleStack.splice(i, 1);
  }

  /**
   * The most recently used idle connection that `entry` may take (for a
   * retry: one opened after the failure), taken off the stack. Expired
   * connections must have been removed first ({@link expiredIdle}).
   */
  takeIdle(entry: PoolEntry): PooledConnection | null {
    const stack = this.idleStack;
    for (let i = stack.length - 1; i >= 0; i--) {
      const conn = stack[i] as PooledConnection;
      if (conn.socket <= entry.freshAfter) continue;
      // Usually the top: pop() allocates nothing, splice() does.
      if (i === stack.length - 1) stack.pop();
      else stack.splice(i, 1);
      conn.inIdleStack = false;
      return conn;
    }
    return null;
  }

  /** Idle connections whose reuse deadline has passed at `now`. */
  expiredIdle(now: number): readonly PooledConnection[] {
    let out: PooledConnection[] | null = null;
    for (const c of this.idleStack) {
      if (c.idleDeadline > now) continue;
      if (out === null) out = [];
      out.push(c);
    }
    return out ?? NONE;
  }

  /** The earliest reuse deadline of the idle connections (`Infinity` when none). */
  earliestIdleDeadline(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const c of this.idleStack) if (c.idleDeadline < t) t = c.idleDeadline;
    return t;
  }

  /** The least recently used idle connection (the one to evict), if any. */
  leastRecentlyUsed(): PooledConnection | undefined {
    return this.idleStack[0];
  }

  /** A busy connection that may take `entry` pipelined (pipelining.ts), oldest first. */
  pipelineCandidate(entry: PoolEntry, depth: number): PooledConnection | null {
    if (depth <= 1) return null;
    let best: PooledConnection | null = null;
    for (const conn of this.connections) {
      if (conn.socket <= entry.freshAfter || !mayPipeline(conn, entry, depth)) continue;
      // The shortest pipeline first: spreads requests over the connections.
      if (best === null || conn.inFlight.length < best.inFlight.length) best = conn;
    }
    return best;
  }

  /** True when nothing is held and nothing waits: the pool may forget this origin. */
  get empty(): boolean {
    return this.connections.size === 0 && this.queue.length === 0;
  }
}
