/**
 * A tiny deterministic stand-in for a TCP socket and its peer, for server
 * session tests: a kernel that holds input while reading is paused, one
 * timer per socket on the test-kit's {@link VirtualClock} (armed at the
 * session's `nextDeadline()`, as an adapter would), and the reset rule
 * that graceful closing exists for — closing with unread input, or
 * receiving input after a full close, makes the kernel send a reset, which
 * destroys whatever the peer has not read yet.
 */

import type { ServerSession } from "../src/server-session.ts";
import type { SessionEvent } from "../src/server-session-events.ts";
import type { SocketAction } from "../src/socket-actions.ts";
import { type ClockTask, VirtualClock } from "../test-kit/clock.ts";

export { VirtualClock };

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");

/** One accepted socket: our side runs `session`, the peer is scripted by the test. */
export class SimSocket {
  readonly session: ServerSession;
  readonly clock: VirtualClock;
  /** Every action carried out, in order. */
  readonly log: SocketAction[] = [];
  /** Every event the session produced, in order. */
  readonly events: SessionEvent[] = [];
  /** Call `writable` after each batch of writes (a peer that reads promptly). */
  autoFlush = true;
  paused = false;
  /** We sent FIN (shutdown-write or close). */
  finSent = false;
  closed = false;
  /** A reset went to the peer: what it had not read is gone. */
  reset = false;
  /** Bytes in the peer's receive buffer, not read by the peer yet. */
  private inbox = "";
  /** What the peer application has read. */
  peerReceived = "";
  /** Input our kernel holds while reading is paused. */
  private held: Uint8Array[] = [];
  private heldFin = false;
  private unflushed = false;
  private timer: ClockTask | null = null;
  private readonly armTimer: boolean;

  /** `armTimer` false: the test ticks the session itself (e.g. through a ServerPolicy). */
  constructor(session: ServerSession, clock: VirtualClock, armTimer = true) {
    this.session = session;
    this.clock = clock;
    this.armTimer = armTimer;
    this.run();
  }

  /** The peer sends bytes. */
  send(data: string | Uint8Array): this {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    if (this.closed) {
      // Input for a closed socket: our kernel answers with a reset.
      this.resetPeer();
    } else if (this.paused) {
      this.held.push(bytes);
    } else {
      this.session.received(bytes, this.clock.now);
      this.run();
    }
    return this;
  }

  /** The peer half-closes (sends FIN). */
  fin(): this {
    if (this.closed) return this;
    if (this.paused) this.heldFin = true;
    else {
      this.session.peerEnded(this.clock.now);
      this.run();
    }
    return this;
  }

  /** The peer application reads everything that reached it; returns the new text. */
  read(): string {
    const got = this.inbox;
    this.inbox = "";
    this.peerReceived += got;
    return got;
  }

  /** Our write buffer drains (for tests with `autoFlush` off). */
  flush(): this {
    this.unflushed = false;
    this.session.writable(this.clock.now);
    return this.run();
  }

  /** Carries out the session's actions until there are none; collects its events. */
  run(): this {
    for (;;) {
      const actions = this.session.takeActions();
      for (const a of actions) this.execute(a);
      const events = this.session.takeEvents();
      this.events.push(...events);
      if (this.autoFlush && this.unflushed && !this.closed) {
        this.unflushed = false;
        this.session.writable(this.clock.now);
        continue;
      }
      if (actions.length === 0 && events.length === 0) break;
    }
    this.rearm();
    return this;
  }

  /** One timer per socket, at the session's next deadline. */
  private rearm(): void {
    this.timer?.cancel();
    this.timer = null;
    const at = this.session.nextDeadline();
    if (!this.armTimer || at === null) return;
    this.timer = this.clock.schedule(at, () => {
      this.timer = null;
      this.session.tick(this.clock.now);
      this.run();
    });
  }

  /** Actions of one type carried out so far. */
  count(type: SocketAction["type"]): number {
    return this.log.filter((a) => a.type === type).length;
  }

  private execute(a: SocketAction): void {
    if (a.socket !== this.session.socket) throw new Error(`action for socket ${a.socket}`);
    if (this.closed) throw new Error(`${a.type} after close`);
    this.log.push(a);
    switch (a.type) {
      case "write":
        if (this.finSent) throw new Error("write after FIN");
        for (const b of a.data) this.inbox += dec.decode(b);
        this.unflushed = true;
        break;
      case "shutdown-write":
        this.finSent = true;
        break;
      case "close":
        this.finSent = true;
        this.closed = true;
        // Closing with unread input makes the kernel reset the connection.
        if (this.held.length > 0) this.resetPeer();
        break;
      case "pause-read":
        this.paused = true;
        break;
      case "resume-read":
        this.paused = false;
        this.deliverHeld();
        break;
      case "connect":
        throw new Error("a server socket never connects");
    }
  }

  private deliverHeld(): void {
    const held = this.held;
    this.held = [];
    for (const bytes of held) this.session.received(bytes, this.clock.now);
    if (this.heldFin) {
      this.heldFin = false;
      this.session.peerEnded(this.clock.now);
    }
  }

  private resetPeer(): void {
    this.reset = true;
    this.inbox = "";
  }
}

/** Moves the clock forward by `ms`, firing every socket timer on the way, in order. */
export function advance(clock: VirtualClock, ms: number): void {
  clock.run({ until: clock.now + ms });
}

export const bytes = (s: string): Uint8Array => enc.encode(s);

export const GET = (target = "/", extra = ""): string =>
  `GET ${target} HTTP/1.1\r\nHost: a\r\n${extra}\r\n`;

/** Answers the oldest request with a small body. */
export function answer(
  sim: SimSocket,
  body = "ok",
  fields: [string, string][] = [],
  status = 200,
): void {
  const s = sim.session;
  const now = sim.clock.now;
  s.respond({ status, fields }, now, { bodyLength: body.length });
  if (body.length > 0) s.sendData(bytes(body), now);
  s.sendEnd(now);
  sim.run();
}

/** The types of the events so far. */
export const types = (sim: SimSocket): string[] => sim.events.map((e) => e.type);

/** One event as a test compares it: type, id, target, body text, error code, close reason. */
export function eventLine(e: SessionEvent): string {
  switch (e.type) {
    case "request":
      return `request ${e.id} ${e.head.method} ${e.head.target}`;
    case "data":
      return `data ${e.id} ${dec.decode(e.data)}`;
    case "end":
      return `end ${e.id}`;
    case "error":
      return `error ${e.id} ${e.error.code}`;
    case "close":
      return `close ${e.reason}`;
    default:
      return e.type;
  }
}
