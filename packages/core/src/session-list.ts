/**
 * The open sessions of a {@link ServerPolicy}, each with the key of the
 * client it counts under, as a list threaded through the sessions
 * themselves (intrusive-list.ts, plus the key: three fields each) rather than a `Map`: a map's hash table
 * costs about 45 bytes per entry on V8, and a server's sessions are mostly
 * idle connections whose every byte counts (issue #4). It offers what the
 * policy uses of a `Map`: `set`, `get`, `delete`, `size`, and `keys()` in
 * insertion order.
 */
import { IntrusiveList } from "./intrusive-list.ts";
import type { SessionBase } from "./server-session-base.ts";

/** Sessions listed with their client key. See the module comment. */
export class SessionList<S extends SessionBase> {
  private readonly list = new IntrusiveList<SessionBase>();

  /** Sessions listed. */
  get size(): number {
    return this.list.size;
  }

  /** Lists `session` at the end with its client `key` (a session is listed once, in one list). */
  set(session: S, key: string): this {
    if (session.listKey === null) this.list.add(session);
    session.listKey = key;
    return this;
  }

  /** The client key of a listed session, or `undefined`. */
  get(session: S): string | undefined {
    return session.listKey ?? undefined;
  }

  /** Takes `session` out; false when it was not listed. */
  delete(session: S): boolean {
    if (session.listKey === null) return false;
    this.list.delete(session);
    session.listKey = null;
    return true;
  }

  /** The sessions in insertion order (one taken out meanwhile is skipped from then on). */
  keys(): IterableIterator<S> {
    return this.list[Symbol.iterator]() as IterableIterator<S>;
  }
}
