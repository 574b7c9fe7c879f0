/**
 * What the simulated network records about each request: its outcome,
 * head, body, retries, and any event that arrived after it settled (which
 * breaks the pool's contract: exactly one of `end`, `switched` or `error`,
 * and nothing after it).
 */
import type { ResponseHead } from "../src/message.ts";
import type { PoolEvent } from "../src/pool-events.ts";
import type { RequestError, RetryReason } from "../src/request-errors.ts";
import type { SocketId } from "../src/socket-actions.ts";
import { fromLatin1 } from "./server-script.ts";

/** What became of one request. */
export interface RequestResult {
  readonly id: number;
  outcome: "pending" | "end" | "error" | "switched";
  head: ResponseHead | null;
  /** The body as a latin1 string. */
  body: string;
  error: RequestError | null;
  connection: SocketId | null;
  reused: boolean | null;
  retries: RetryReason[];
  informational: number[];
  /** When it settled. */
  settledAt: number | null;
}

/** Keeps a {@link RequestResult} per request id from the pool's events. */
export class ResultRecorder {
  readonly results = new Map<number, RequestResult>();

  /** The result of a request, created empty on first sight. */
  resultOf(id: number): RequestResult {
    let r = this.results.get(id);
    if (r === undefined) {
      r = {
        id,
        outcome: "pending",
        head: null,
        body: "",
        error: null,
        connection: null,
        reused: null,
        retries: [],
        informational: [],
        settledAt: null,
      };
      this.results.set(id, r);
    }
    return r;
  }

  /**
   * Applies one event at time `now`. Returns a broken rule, if the event
   * came after its request settled; `null` otherwise.
   */
  record(ev: PoolEvent, now: number): string | null {
    if (!("id" in ev)) return null;
    const r = this.resultOf(ev.id);
    if (r.outcome !== "pending")
      return `request ${ev.id}: ${ev.type} after it settled (${r.outcome})`;
    switch (ev.type) {
      case "response":
        r.head = ev.head;
        r.connection = ev.connection;
        r.reused = ev.reused;
        break;
      case "informational":
        r.informational.push(ev.head.status);
        break;
      case "data":
        r.body += fromLatin1(ev.data);
        break;
      case "request-retried":
        r.retries.push(ev.reason);
        // A buffered request's cut response was never shown: it starts over.
        r.head = null;
        r.body = "";
        r.connection = null;
        r.reused = null;
        break;
      case "end":
      case "error":
      case "switched":
        r.outcome = ev.type;
        r.settledAt = now;
        if (ev.type === "error") r.error = ev.error;
        break;
    }
    return null;
  }

  /** Every request settled. */
  get settled(): boolean {
    for (const r of this.results.values()) if (r.outcome === "pending") return false;
    return true;
  }
}
