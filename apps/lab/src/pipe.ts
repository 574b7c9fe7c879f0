/**
 * One direction of one emulated connection: bytes wait in order, leave as
 * the model's {@link Sender} allows, and are handed over when they arrive
 * (link-model.ts); the FIN follows the last byte. Each piece of bytes
 * carries the message it belongs to (wire-tap.ts), so the relay knows when a
 * message's first and last bytes left and arrived.
 */
import type { Sender } from "./link-model.ts";
import { clock, type Timeline } from "./timeline.ts";

/** Which message a piece of bytes belongs to. */
export interface PieceTag {
  /** The message's number on its connection, from 0. */
  readonly index: number;
  /** The piece holds the message's first byte. */
  readonly starts: boolean;
  /** The piece holds the message's last byte. */
  readonly ends: boolean;
}

/** Bytes in transit. */
export interface Piece {
  readonly bytes: Uint8Array;
  readonly tag: PieceTag;
}

/** What a pipe reports. */
export interface PipeEnds {
  /** The first bytes of these pieces just left (the sender let them go). */
  left(piece: Piece, at: number): void;
  /** A piece arrived at the far end. */
  deliver(piece: Piece): void;
  /** The FIN arrived at the far end (after every byte). */
  fin(): void;
}

/** One direction of one connection. */
export class Pipe {
  private readonly sender: Sender;
  private readonly timeline: Timeline;
  private readonly ends: PipeEnds;
  private readonly oneWayMs: number;
  private queue: Piece[] = [];
  private queued = 0;
  private waiting = false;
  private finPending = false;
  private finScheduled = false;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private dead = false;

  constructor(sender: Sender, timeline: Timeline, oneWayMs: number, ends: PipeEnds) {
    this.sender = sender;
    this.timeline = timeline;
    this.oneWayMs = oneWayMs;
    this.ends = ends;
  }

  /** Bytes to carry, in order. */
  push(piece: Piece): void {
    if (this.dead || this.finPending || piece.bytes.length === 0) return;
    this.queue.push(piece);
    this.queued += piece.bytes.length;
    this.pump();
  }

  /** The sender is done: the FIN follows the bytes queued. */
  end(): void {
    if (this.dead || this.finPending) return;
    this.finPending = true;
    this.pump();
  }

  /** Drops everything queued or in flight (a reset). */
  kill(): void {
    this.dead = true;
    this.queue = [];
    this.queued = 0;
  }

  /** Slow-start rounds of this direction (link-model.ts, point 5). */
  get slowStartRounds(): number {
    return this.sender.slowStartRounds;
  }

  /** The congestion window now (bytes). */
  get window(): number {
    return this.sender.window;
  }

  /**
   * Lets queued bytes leave as the model allows. After a wait, the model
   * resumes at the time it asked for (`at`), not when the timer actually
   * fired, so timer lateness does not pile up round after round.
   */
  private pump(at?: number): void {
    if (this.dead || this.waiting) return;
    const now = at ?? clock();
    while (this.queued > 0) {
      const r = this.sender.send(now, this.queued);
      if (r.kind === "wait") {
        this.waiting = true;
        const until = r.until;
        this.timeline.at(until, () => {
          this.waiting = false;
          this.pump(until);
        });
        return;
      }
      for (const grant of r.grants) {
        const pieces = this.take(grant.bytes);
        for (const piece of pieces) if (piece.tag.starts) this.ends.left(piece, now);
        this.lastArrival = Math.max(this.lastArrival, grant.arriveAt);
        this.timeline.at(grant.arriveAt, () => {
          if (this.dead) return;
          for (const piece of pieces) this.ends.deliver(piece);
        });
      }
    }
    if (this.finPending && !this.finScheduled) {
      this.finScheduled = true;
      const at = Math.max(this.lastArrival, clock() + this.oneWayMs);
      this.timeline.at(at, () => {
        if (!this.dead) this.ends.fin();
      });
    }
  }

  /** Takes `n` bytes off the front of the queue, splitting a piece when needed. */
  private take(n: number): Piece[] {
    const out: Piece[] = [];
    while (n > 0) {
      const head = this.queue[0] as Piece;
      if (head.bytes.length <= n) {
        this.queue.shift();
        out.push(head);
        n -= head.bytes.length;
        this.queued -= head.bytes.length;
      } else {
        out.push({
          bytes: head.bytes.subarray(0, n),
          tag: { index: head.tag.index, starts: head.tag.starts, ends: false },
        });
        this.queue[0] = {
          bytes: head.bytes.subarray(n),
          tag: { index: head.tag.index, starts: false, ends: head.tag.ends },
        };
        this.queued -= n;
        n = 0;
      }
    }
    return out;
  }
}
