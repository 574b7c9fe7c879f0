/**
 * A list threaded through its members themselves (two fields each) rather
 * than a `Set`: a set's hash table costs about 35 bytes per member on V8,
 * and a server's open connections and sessions, kept in such lists, are
 * mostly idle connections whose every byte counts (issue #4). It offers
 * what those users need of a `Set`: `add`, `delete`, `has`, `size` and
 * iteration in insertion order. A member is in one list at most.
 */

/** A member: its links are the list's fields (null while not listed; not for applications). */
export interface Listed<T> {
  prevListed: T | null;
  nextListed: T | null;
}

/** An intrusive, doubly linked list. See the module comment. */
export class IntrusiveList<T extends Listed<T>> implements Iterable<T> {
  private first: T | null = null;
  private last: T | null = null;
  private count = 0;

  /** Members listed. */
  get size(): number {
    return this.count;
  }

  /** Lists `member` at the end; nothing when it is listed already. */
  add(member: T): this {
    if (this.has(member)) return this;
    member.prevListed = this.last;
    member.nextListed = null;
    if (this.last === null) this.first = member;
    else this.last.nextListed = member;
    this.last = member;
    this.count++;
    return this;
  }

  /** Takes `member` out; false when it was not listed. */
  delete(member: T): boolean {
    if (!this.has(member)) return false;
    const { prevListed: prev, nextListed: next } = member;
    if (prev === null) this.first = next;
    else prev.nextListed = next;
    if (next === null) this.last = prev;
    else next.prevListed = prev;
    member.prevListed = member.nextListed = null;
    this.count--;
    return true;
  }

  /** Whether `member` is listed (here: a member is in one list at most). */
  has(member: T): boolean {
    return member.prevListed !== null || this.first === member;
  }

  /** The members in insertion order (one taken out meanwhile is skipped from then on). */
  *[Symbol.iterator](): Iterator<T> {
    let m = this.first;
    while (m !== null) {
      const next = m.nextListed;
      yield m;
      m = next;
    }
  }
}
