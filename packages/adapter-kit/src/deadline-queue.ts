/**
 * One timer for every connection of a server. Each connection that has a
 * deadline sits in an indexed binary min-heap keyed by that deadline; the
 * server arms one runtime timer for the earliest. A per-connection timer
 * costs a runtime timer object per idle connection (about 150 bytes on
 * Node); this costs one array slot and two small-integer fields.
 *
 * The heap is indexed: every member records its own position, so a
 * connection that closes is taken out at once (O(log n)) and nothing here
 * keeps a closed connection reachable until its deadline would have come.
 * Members are the connection objects themselves: no entry object is made
 * per arming.
 *
 * Firing early is harmless by design: a member whose deadline is reached is
 * taken out and told; if its session finds nothing due (its deadline moved
 * later meanwhile), it arms itself again for the deadline then current.
 */
import { now } from "./clock.ts";

/** What the queue needs of a member (a connection driver). */
export interface DeadlineMember {
  /** The deadline it is queued for (monotonic ms); -1 when not queued. Owned by the queue. */
  queuedAt: number;
  /** Its position in the heap; -1 when not queued. Owned by the queue. */
  heapIndex: number;
  /** Its deadline was reached: it is out of the queue by now. */
  deadlineReached(): void;
}

/**
 * Whether {@link DeadlineQueue.schedule} would queue `member` for `at`: it
 * is not queued, or queued for a later time. Callers that schedule on every
 * turn may test this first and skip the call (it is small enough to inline).
 */
export function wouldQueue(member: DeadlineMember, at: number): boolean {
  return member.heapIndex < 0 || at < member.queuedAt;
}

/** The server-wide deadline queue. See the module comment. */
export class DeadlineQueue<M extends DeadlineMember> {
  private readonly heap: M[] = [];
  private handle: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The time the runtime timer is armed for; -1 when not armed. */
  private armedFor = -1;

  /** Members queued. */
  get size(): number {
    return this.heap.length;
  }

  /**
   * Queues `member` for `at`, or moves it earlier when it is queued for a
   * later time. A later `at` than the one queued is ignored: the member is
   * told at the earlier time and arms again (see the module comment).
   */
  schedule(member: M, at: number): void {
    if (!wouldQueue(member, at)) return;
    member.queuedAt = at;
    if (member.heapIndex < 0) {
      member.heapIndex = this.heap.length;
      this.heap.push(member);
    }
    this.siftUp(member.heapIndex);
    // The earliest of all, not `at`: while the timer's firing tells members
    // (it is disarmed then), one that queues itself again for a later time
    // must not arm the timer past the members still queued.
    const first = (this.heap[0] as M).queuedAt;
    if (this.armedFor < 0 || first < this.armedFor) this.arm(first);
  }

  /** Takes `member` out (a connection closed); nothing when it is not queued. */
  remove(member: M): void {
    const i = member.heapIndex;
    if (i < 0) return;
    this.removeAt(i);
    if (this.heap.length === 0) this.disarm();
  }

  /** The runtime timer fired: tells every member whose deadline is reached. */
  private readonly fire = (): void => {
    this.handle = undefined;
    this.armedFor = -1;
    const t = now();
    const heap = this.heap;
    // Take every due member out first, then tell them: a member told may
    // queue itself again, and must not be seen twice in one firing.
    let due: M[] | null = null;
    while (heap.length > 0 && (heap[0] as M).queuedAt <= t) {
      const m = heap[0] as M;
      this.removeAt(0);
      due ??= [];
      due.push(m);
    }
    // One member's failure must not cost the others their deadline: each is
    // told, the timer is armed again, then the first failure is thrown (as a
    // timer of its own would have thrown it).
    let failed = false;
    let failure: unknown;
    if (due !== null) {
      for (const m of due) {
        try {
          m.deadlineReached();
        } catch (error) {
          if (!failed) failure = error;
          failed = true;
        }
      }
    }
    if (this.armedFor < 0 && heap.length > 0) this.arm((heap[0] as M).queuedAt);
    if (failed) throw failure;
  };

  private arm(at: number): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.armedFor = at;
    this.handle = setTimeout(this.fire, Math.max(0, Math.ceil(at - now())));
  }

  private disarm(): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = -1;
  }

  private removeAt(i: number): void {
    const heap = this.heap;
    const member = heap[i] as M;
    member.heapIndex = -1;
    member.queuedAt = -1;
    const last = heap.pop() as M;
    if (i === heap.length) return; // it was the last one
    heap[i] = last;
    last.heapIndex = i;
    this.siftUp(i);
    this.siftDown(last.heapIndex);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const m = heap[i] as M;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p] as M;
      if (parent.queuedAt <= m.queuedAt) break;
      heap[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    heap[i] = m;
    m.heapIndex = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const m = heap[i] as M;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (heap[r] as M).queuedAt < (heap[l] as M).queuedAt ? r : l;
      const child = heap[c] as M;
      if (child.queuedAt >= m.queuedAt) break;
      heap[i] = child;
      child.heapIndex = i;
      i = c;
    }
    heap[i] = m;
    m.heapIndex = i;
  }
}
