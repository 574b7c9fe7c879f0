/**
 * The outbox of one socket's {@link SocketAction}s, in order, with adjacent
 * writes merged into one (a single vectored write for the adapter).
 */
import type { SocketAction, SocketId } from "./socket-actions.ts";

/** Actions waiting for the adapter. See the module comment. */
export class ActionQueue {
  private readonly socket: SocketId;
  private queue: SocketAction[] = [];

  constructor(socket: SocketId) {
    this.socket = socket;
  }

  /** Queues writing `data` (empty buffers dropped); false when nothing is left to write. */
  write(data: readonly Uint8Array[]): boolean {
    const buffers = data.filter((b) => b.length > 0);
    if (buffers.length === 0) return false;
    const q = this.queue;
    const last = q[q.length - 1];
    if (last?.type === "write") {
      q[q.length - 1] = { type: "write", socket: this.socket, data: [...last.data, ...buffers] };
    } else {
      q.push({ type: "write", socket: this.socket, data: buffers });
    }
    return true;
  }

  /** Queues actions produced elsewhere (e.g. by a {@link GracefulClose}). */
  push(actions: readonly SocketAction[]): void {
    for (const a of actions) this.queue.push(a);
  }

  /** Queues `pause-read` or `resume-read`. */
  reading(paused: boolean): void {
    this.queue.push({ type: paused ? "pause-read" : "resume-read", socket: this.socket });
  }

  /** Everything queued, oldest first; the queue is empty afterwards. */
  take(): SocketAction[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }
}
