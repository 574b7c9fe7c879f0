/**
 * The outbox of one socket's {@link SocketAction}s, in order, with adjacent
 * writes merged into one (a single vectored write for the adapter).
 *
 * It runs for every response, so it allocates only what it hands out: one
 * write action per run of adjacent writes, whose buffer list grows in place
 * until the adapter takes it. A write queued alone (the usual answer) is
 * kept as its buffer list only, and may be taken as such
 * ({@link ActionQueue.takeLoneWrite}): no action object, no list of actions.
 */
import type { SocketAction, SocketId } from "./socket-actions.ts";

/** The empty queue, shared (frozen: nobody may add to it). */
const NONE: SocketAction[] = Object.freeze([]) as unknown as SocketAction[];

/** Actions waiting for the adapter. See the module comment. */
export class ActionQueue {
  private readonly socket: SocketId;
  private queue: SocketAction[] = NONE;
  /** The buffers of the last queued action when it is a write (appended to in place). */
  private open: Uint8Array[] | null = null;
  /**
   * The one write in `open` is all there is, and no action object was made
   * for it yet (see {@link takeLoneWrite}): `queue` is empty meanwhile.
   */
  private lone = false;

  constructor(socket: SocketId) {
    this.socket = socket;
  }

  /** Queues writing `data` (empty buffers dropped); false when nothing is left to write. */
  write(data: readonly Uint8Array[]): boolean {
    let any = false;
    for (let i = 0; i < data.length; i++) any = this.writeOne(data[i] as Uint8Array) || any;
    return any;
  }

  /** Queues writing one buffer (dropped when empty); false when it is empty. */
  writeOne(bytes: Uint8Array): boolean {
    if (bytes.length === 0) return false;
    const open = this.open;
    if (open !== null) open.push(bytes);
    else this.openWrite([bytes]);
    return true;
  }

  /** Queues writing two buffers (a head and its body), listed in one array made to size. */
  writePair(first: Uint8Array, second: Uint8Array): void {
    if (first.length === 0 || second.length === 0 || this.open !== null) {
      this.writeOne(first);
      this.writeOne(second);
      return;
    }
    this.openWrite([first, second]);
  }

  /** Queues actions produced elsewhere (e.g. by a {@link GracefulClose}). */
  push(actions: readonly SocketAction[]): void {
    for (let i = 0; i < actions.length; i++) {
      if (this.lone) this.materialize();
      this.open = null;
      this.add(actions[i] as SocketAction);
    }
  }

  /** Queues `pause-read` or `resume-read`. */
  reading(paused: boolean): void {
    if (this.lone) this.materialize();
    this.open = null;
    this.add({ type: paused ? "pause-read" : "resume-read", socket: this.socket });
  }

  /** Nothing is queued. */
  get empty(): boolean {
    return this.queue.length === 0 && !this.lone;
  }

  /** Everything queued, oldest first; the queue is empty afterwards. Read-only. */
  take(): readonly SocketAction[] {
    if (this.lone) this.materialize();
    const out = this.queue;
    if (out.length === 0) return out;
    this.queue = NONE;
    this.open = null;
    return out;
  }

  /**
   * When one write is all that is queued (the usual case after an answer):
   * its buffers, taken as {@link take} would take that write, with no
   * action object made for it. Otherwise null, and nothing is taken.
   */
  takeLoneWrite(): readonly Uint8Array[] | null {
    if (!this.lone) return null;
    const data = this.open as Uint8Array[];
    this.lone = false;
    this.open = null;
    return data;
  }

  /** Starts a write action with `data` (a lone one while nothing else is queued; `open` is null). */
  private openWrite(data: Uint8Array[]): void {
    this.open = data;
    if (this.queue.length === 0) this.lone = true;
    else this.add({ type: "write", socket: this.socket, data });
  }

  /** Gives the lone write its action object, first in the queue (before `open` changes). */
  private materialize(): void {
    this.lone = false;
    this.queue = [{ type: "write", socket: this.socket, data: this.open as Uint8Array[] }];
  }

  private add(action: SocketAction): void {
    if (this.queue === NONE) this.queue = [action];
    else this.queue.push(action);
  }
}
