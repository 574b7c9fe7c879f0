/**
 * The answers of one connection, written strictly in the order the
 * requests arrived (RFC 9112 §9.3.2), whatever order their handlers finish
 * in (see server-exchange.ts).
 */
import type { BodyFraming, RequestHead } from "@tether/core";
import type { ServerConnectionDriver } from "./server-connection-driver.ts";
import { ServerExchange } from "./server-exchange.ts";

/** The empty list of later exchanges, shared (frozen: a queue makes its own to add to). */
const NONE_LATER: ServerExchange[] = Object.freeze([]) as unknown as ServerExchange[];

/**
 * The answers of one connection, written strictly in request order. The
 * oldest exchange is kept apart from the pipelined ones behind it: one
 * request at a time, the usual case, needs no array.
 */
export class ResponseQueue {
  private readonly driver: ServerConnectionDriver;
  /** The oldest exchange still owed an answer, or null. */
  private first: ServerExchange | null = null;
  /** Pipelined exchanges behind `first`, oldest first. */
  private later: ServerExchange[] = NONE_LATER;
  private writing = false;

  constructor(driver: ServerConnectionDriver) {
    this.driver = driver;
  }

  add(
    id: number,
    head: RequestHead,
    framing: BodyFraming,
    expectContinue: boolean,
  ): ServerExchange {
    const ex = new ServerExchange(this.driver, this, id, head, framing, expectContinue);
    if (this.first === null) this.first = ex;
    else if (this.later === NONE_LATER) this.later = [ex];
    else this.later.push(ex);
    return ex;
  }

  /**
   * An answer was given: write it if it is the oldest one owed, then every
   * later one that is ready too. Complete answers are written at once; a
   * streamed one holds the queue until it ends.
   */
  ready(): void {
    while (!this.writing) {
      const ex = this.first;
      if (ex === null || !ex.hasAnswer) return;
      this.writing = true;
      const pending = ex.write();
      if (pending !== undefined) {
        void pending.then(() => {
          this.done(ex);
          this.ready();
        });
        return;
      }
      this.done(ex);
    }
  }

  private done(ex: ServerExchange): void {
    // abortAll() may have emptied the queue meanwhile.
    if (this.first === ex) {
      const later = this.later;
      if (later.length === 0) this.first = null;
      else {
        this.first = later.shift() as ServerExchange;
        if (later.length === 0) this.later = NONE_LATER;
      }
    }
    this.writing = false;
  }

  /** No exchange is waiting or being written (the driver may drop the queue). */
  get idle(): boolean {
    return this.first === null && !this.writing;
  }

  /** The connection closed: every exchange still here is abandoned. */
  abortAll(): void {
    const first = this.first;
    if (first === null) return;
    const later = this.later;
    this.first = null;
    this.later = NONE_LATER;
    first.abort();
    for (const ex of later) ex.abort();
  }
}
