/**
 * The requests of a server connection that await (or are receiving) their
 * responses, oldest first: responses go out in the order the requests came
 * (RFC 9112 §9.3.2), so the oldest is the one being answered and the ones
 * behind it are pipelined (read ahead, up to a limit: server-connection.ts).
 *
 * The oldest is kept apart from the ones behind it, which share a frozen
 * empty list while there are none: one request at a time, the usual case,
 * needs no list, and an idle connection holds none. The ones behind are
 * taken from the list's front by an index, not shifted out (a shift moves
 * the rest of the list, every response): the list is dropped once every
 * exchange in it was taken, and its taken part cut off every
 * {@link CUT_EVERY} exchanges, so that a queue that never empties stays
 * short.
 */
import { ConnectionBase } from "./connection-base.ts";
import type { CloseReason } from "./keep-alive.ts";
import type { HttpVersion } from "./message.ts";

/**
 * One request awaiting (or receiving) its response. Its yes/no facts are
 * bits of {@link flags} (named in server-connection.ts, their only reader):
 * one number to write per request rather than six fields.
 */
export interface ServerExchange {
  readonly id: number;
  readonly method: string;
  readonly version: HttpVersion;
  /** Why the request itself ended persistence, if it did. */
  readonly closeReason: CloseReason | null;
  /**
   * The request asked to switch protocols (Upgrade, or CONNECT); it asked
   * for 100-continue; its body has been read to its end (or it has none);
   * a 100 went out; its response started; our response switches protocols
   * once written.
   */
  flags: number;
}

/** The empty list of later exchanges, shared (frozen: exchanges are added to a list of their own). */
const NONE_LATER: ServerExchange[] = Object.freeze([]) as unknown as ServerExchange[];

/** Taken exchanges at the front of the list that are cut off at once (see the module comment). */
const CUT_EVERY = 16;

/** The exchanges of a server connection, in request order. See the module comment. */
export abstract class ServerExchanges extends ConnectionBase {
  /** The oldest exchange, or null when none is pending. */
  protected first: ServerExchange | null = null;
  /** The pipelined exchanges behind {@link first}, oldest first, from {@link taken} on. */
  private later: ServerExchange[] = NONE_LATER;
  /** How many at the front of {@link later} were taken already. */
  private taken = 0;
  /** {@link first} and the exchanges behind it, counted as they come and go. */
  private pending = 0;

  /** Requests received that still await the end of their response. */
  get pendingResponses(): number {
    return this.pending;
  }

  /** Adds the exchange of a request just read, behind every other. */
  protected addPending(ex: ServerExchange): void {
    this.pending++;
    if (this.first === null) this.first = ex;
    else if (this.later === NONE_LATER) this.later = [ex];
    else this.later.push(ex);
  }

  /** `ex` is the newest pending exchange (nothing was read after it). */
  protected isNewest(ex: ServerExchange): boolean {
    const later = this.later;
    return later.length === 0 ? this.first === ex : later[later.length - 1] === ex;
  }

  /** Forgets every exchange behind the oldest (they will not be answered). */
  protected dropLater(): void {
    this.later = NONE_LATER;
    this.taken = 0;
    this.pending = this.first === null ? 0 : 1;
  }

  /** Takes the oldest exchange out (its response ended) and returns it. */
  protected takeOldest(): ServerExchange {
    const ex = this.first as ServerExchange;
    const later = this.later;
    this.pending--;
    this.first = later.length === 0 ? null : this.takeLater(later);
    return ex;
  }

  /**
   * Takes the oldest of `later` (not empty) by the index; drops the list
   * once all of it was taken (so it is never left with nothing pending in
   * it), and cuts its taken part off every {@link CUT_EVERY}.
   */
  private takeLater(later: ServerExchange[]): ServerExchange {
    const next = this.taken;
    const ex = later[next] as ServerExchange;
    if (next + 1 === later.length) {
      this.later = NONE_LATER;
      this.taken = 0;
    } else if (next + 1 === CUT_EVERY) {
      later.splice(0, CUT_EVERY);
      this.taken = 0;
    } else this.taken = next + 1;
    return ex;
  }
}
