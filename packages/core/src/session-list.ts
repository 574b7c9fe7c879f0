/**
 * The open sessions of a {@link ServerPolicy}, each with the key of the
 * client it counts under, as a list threaded through the sessions
 * themselves (three fields each) rather than a `Map`: a map's hash table
 * costs about 45 bytes per entry on V8, and a server's sessions are mostly
 * idle connections whose every byte counts (issue #4). It offers what the
 * policy uses of a `Map`: `set`, `get`, `delete`, `size`, and `keys()` in
 * insertion order.
 */
import type { SessionBase } from "./server-session-base.ts";

/** Sessions listed with their client key. See the module comment. */
export class SessionList<S extends SessionBase> {
  private first: S | null = null;
  private last: S | null = null;
  private count = 0;

  /** Sessions listed. */
  get size(): number {
    return this.count;
  }

  /** Lists `session` at the end with its client `key` (a session is listed once, in one list). */
  set(session: S, key: string): this {
    if (session.listKey !== null) {
      session.listKey = key;
      return this;
    }
    session.listKey = key;
    session.listPrev = this.last;
    session.listNext = null;
    if (this.last === null) this.first = session;
    else this.last.listNext = session;
    this.last = session;
    this.count++;
    return this;
  }

  /** The client key of a listed session, or `undefined`. */
  get(session: S): string | undefined {
    return session.listKey ?? undefined;
  }

  /** Takes `session` out; false when it was not listed. */
  delete(session: S): boolean {
    if (session.listKey === null) return false;
    const prev = session.listPrev as S | null;
    const next = session.listNext as S | null;
    if (prev === null) this.first = next;
    else prev.listNext = next;
    if (next === null) this.last = prev;
    else next.listPrev = prev;
    session.listPrev = session.listNext = null;
    session.listKey = null;
    this.count--;
    return true;
  }

  /** The sessions in insertion order (one taken out meanwhile is skipped from then on). */
  *keys(): IterableIterator<S> {
    let s = this.first;
    while (s !== null) {
      const next = s.listNext as S | null;
      yield s;
      s = next;
    }
  }
}
