/**
 * The emulated link as arithmetic: when may bytes leave, when do they
 * arrive. Pure — times are passed in (milliseconds on one clock) — so the
 * model is tested without a clock. The relay (relay.ts) applies it to real
 * sockets. The model, in full (also in README.md):
 *
 * 1. **Delay.** Each direction delays every byte by RTT/2 (propagation).
 * 2. **Bandwidth.** Each direction has one bottleneck shared by every
 *    connection, first come first served: a piece of `n` bytes occupies it
 *    for `n / bandwidth`, after whatever is queued before it.
 * 3. **Handshake.** A new connection pays one round trip before its first
 *    byte leaves (SYN, SYN-ACK; the request goes with the ACK), so a request
 *    on a new connection is answered two round trips after the connect, not
 *    one. The server accepts it when the ACK arrives (1.5 RTT).
 *    With TLS (`--tls`), the TLS handshake follows and the request leaves
 *    only once it is done: one more round trip for TLS 1.3 (RFC 8446 §2:
 *    ClientHello, then the server's flight up to Finished; the client's
 *    Finished goes with the request) and two for a full TLS 1.2 handshake
 *    (RFC 5246 §7.3). Its bytes (a few kB, inside the initial window) and
 *    session resumption are not modelled: every new connection pays a full
 *    handshake.
 * 4. **Slow start.** Each connection and direction sends in rounds. A round
 *    carries at most `cwnd` bytes; the next round may start once the first
 *    segment of the current one is acknowledged (one RTT after it left the
 *    bottleneck). When a round is acknowledged, `cwnd` grows by the bytes it
 *    carried (RFC 5681 §3.1: about doubling per round trip while the sender
 *    is busy) up to the cap. `cwnd` starts at the initial window (RFC 6928:
 *    10 segments) and is never reduced: no loss is modelled, and a reused
 *    connection keeps its window however long it was idle (as Linux does with
 *    `net.ipv4.tcp_slow_start_after_idle=0`).
 * 5. **Set-up cost.** Each handshake round trip (TCP's, and TLS's) counts one set-up round trip; so does
 *    each round in which a sender had bytes waiting while its window, still
 *    below the cap, was full (a slow-start round).
 *
 * Not modelled: loss, retransmission, receive windows, ACK bytes, header
 * bytes of TCP/IP, Nagle, delayed ACKs, TLS record bytes.
 */

/** The link's parameters. */
export interface LinkParameters {
  readonly rttMs: number;
  /** Bottleneck rate per direction, bytes per millisecond. */
  readonly bytesPerMs: number;
  /** Maximum segment size (bytes). */
  readonly mss: number;
  /** Initial congestion window (segments). */
  readonly initialWindow: number;
  /** Congestion window cap (segments). */
  readonly maxWindow: number;
  /** Round trips of the TLS handshake after TCP's (point 3): 0 without TLS. */
  readonly tlsRtts: number;
}

/** Round trips of a full TLS handshake (point 3): 1.3 → 1 (RFC 8446 §2), 1.2 → 2 (RFC 5246 §7.3). */
export function tlsHandshakeRtts(version: "1.2" | "1.3" | undefined): number {
  if (version === undefined) return 0;
  return version === "1.3" ? 1 : 2;
}

/** Segment size of Ethernet-sized IPv4 TCP packets. */
export const DEFAULT_MSS = 1460;

/** Link parameters from the lab's options (bandwidth in Mbit/s). */
export function linkParameters(o: {
  readonly rttMs: number;
  readonly bandwidthMbps: number;
  readonly initialWindow: number;
  readonly maxWindow: number;
  readonly tls?: "1.2" | "1.3" | undefined;
}): LinkParameters {
  return {
    rttMs: o.rttMs,
    bytesPerMs: (o.bandwidthMbps * 1_000_000) / 8 / 1000,
    mss: DEFAULT_MSS,
    initialWindow: o.initialWindow,
    maxWindow: o.maxWindow,
    tlsRtts: tlsHandshakeRtts(o.tls),
  };
}

/** The bottleneck of one direction, shared by every connection. */
export class Bottleneck {
  private freeAt = Number.NEGATIVE_INFINITY;
  private readonly bytesPerMs: number;

  constructor(bytesPerMs: number) {
    this.bytesPerMs = bytesPerMs;
  }

  /** Queues `bytes` at `now`; returns when it starts and finishes leaving. */
  reserve(now: number, bytes: number): { readonly start: number; readonly end: number } {
    const start = Math.max(now, this.freeAt);
    const end = start + bytes / this.bytesPerMs;
    this.freeAt = end;
    return { start, end };
  }

  /** How long `bytes` occupy the bottleneck. */
  duration(bytes: number): number {
    return bytes / this.bytesPerMs;
  }
}

/** Bytes granted to leave now, and when they arrive at the other end. */
export interface Grant {
  readonly bytes: number;
  /** When the last of them arrives (left the bottleneck + RTT/2). */
  readonly arriveAt: number;
}

/** The answer of {@link Sender.send}: bytes granted now, or when to ask again. */
export type SendResult =
  | { readonly kind: "sent"; readonly grants: readonly Grant[] }
  | { readonly kind: "wait"; readonly until: number };

/**
 * One direction of one connection: its congestion window and rounds
 * (point 4 of the model), sending through a shared {@link Bottleneck}.
 */
export class Sender {
  private readonly p: LinkParameters;
  private readonly link: Bottleneck;
  /** Bytes may not leave before this (the handshake, point 3). */
  private readonly openAt: number;
  private cwnd: number;
  /** Bytes sent in the current round; 0 before the first. */
  private roundSent = 0;
  /** When the current round's first segment is acknowledged. */
  private roundAckAt = Number.NEGATIVE_INFINITY;
  /** The current round has been counted as a slow-start round. */
  private roundStalled = false;
  /** Slow-start rounds so far (point 5). */
  slowStartRounds = 0;

  constructor(p: LinkParameters, link: Bottleneck, openAt: number) {
    this.p = p;
    this.link = link;
    this.openAt = openAt;
    this.cwnd = p.initialWindow * p.mss;
  }

  /** The congestion window now (bytes). */
  get window(): number {
    return this.cwnd;
  }

  /**
   * Asks to send `queued` bytes at `now`. Grants what the window allows
   * (split into pieces for the bottleneck), or says when to ask again.
   */
  send(now: number, queued: number): SendResult {
    if (now < this.openAt) return { kind: "wait", until: this.openAt };
    const cap = this.p.maxWindow * this.p.mss;
    if (now >= this.roundAckAt && this.roundSent > 0) {
      // The round is acknowledged: the window grows by what it carried.
      this.cwnd = Math.min(cap, this.cwnd + this.roundSent);
      this.roundSent = 0;
      this.roundStalled = false;
    }
    const room = this.cwnd - this.roundSent;
    if (room <= 0) {
      if (!this.roundStalled && this.cwnd < cap) {
        this.roundStalled = true;
        this.slowStartRounds++;
      }
      return { kind: "wait", until: this.roundAckAt };
    }
    let left = Math.min(queued, room);
    const grants: Grant[] = [];
    while (left > 0) {
      // One segment at a time, so the receiver sees data arrive as it would.
      const n = Math.min(left, this.p.mss);
      const { start, end } = this.link.reserve(now, n);
      if (this.roundSent === 0) {
        // The round's first segment is acknowledged one RTT after it left.
        this.roundAckAt = start + this.link.duration(Math.min(n, this.p.mss)) + this.p.rttMs;
      }
      this.roundSent += n;
      left -= n;
      grants.push({ bytes: n, arriveAt: end + this.p.rttMs / 2 });
    }
    return { kind: "sent", grants };
  }
}
