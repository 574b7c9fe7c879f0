/**
 * One strategy's run, put together from what the client reported
 * (page-load.ts) and what the link saw (relay.ts): the numbers of the table
 * and the bars of the waterfall. Times are milliseconds from the start of
 * the page load.
 */
import type { PageLoad } from "./page-load.ts";
import type { LinkRecord } from "./relay.ts";
import type { Strategy } from "./strategies.ts";

/** A span of time, from the start of the page load. */
export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** One bar of the waterfall: one attempt of one request on one connection. */
export interface Bar {
  /** The connection (the link's id), i.e. the lane. */
  readonly lane: number;
  readonly target: string;
  readonly kind: "page" | "image";
  /** 1 for the first attempt of this target, 2 for its first retry… */
  readonly attempt: number;
  /** Waiting for a connection (in the pool's queue, or for a retry). */
  readonly queued: Interval | null;
  /** The connection's TCP handshake (first request of a connection only). */
  readonly connect: Interval | null;
  /** Its TLS handshake, after TCP's (first request of a connection, with `--tls`). */
  readonly tls: Interval | null;
  /** From the request leaving to the response's first byte. */
  readonly wait: Interval;
  /** The response's first to last byte. */
  readonly receive: Interval | null;
  /** `ok`, or why no response came. */
  readonly outcome: "ok" | "dropped" | "server-closed" | "no-response";
  /** The last attempt of a request the client gave up on (its error), else `null`. */
  readonly gaveUp: string | null;
}

/** The numbers of one strategy's row in the table. */
export interface Summary {
  readonly totalMs: number;
  /** The first image complete; `null` when none arrived. */
  readonly firstImageMs: number | null;
  /** Connections the client opened (its `connection-opened` events). */
  readonly connectionsOpened: number;
  /** Connections the link accepted. */
  readonly linkConnections: number;
  /** Requests the link carried per connection (retries included). */
  readonly requestsPerConnection: number;
  /** Bytes through the link, both directions. */
  readonly bytes: number;
  /** Handshake round trips (TCP and TLS) plus slow-start rounds (link-model.ts point 5). */
  readonly setupRtts: number;
  /** Of {@link Summary.setupRtts}, the TLS handshakes' round trips. */
  readonly tlsRtts: number;
  readonly retries: number;
  /** `request-retried` events by reason. */
  readonly retryReasons: Readonly<Record<string, number>>;
  readonly imagesOk: number;
  readonly images: number;
  /** Requests that failed for good. */
  readonly failures: number;
}

/** One strategy's run. */
export interface StrategyRun {
  readonly strategy: Strategy;
  readonly summary: Summary;
  readonly bars: readonly Bar[];
  readonly load: PageLoad;
  readonly links: readonly LinkRecord[];
}

/** Puts a run together. */
export function assemble(
  strategy: Strategy,
  load: PageLoad,
  links: readonly LinkRecord[],
): StrategyRun {
  const t0 = load.startedAt;
  const rel = (t: number): number => t - t0;
  const issued = new Map(load.requests.map((r) => [r.target, r]));
  // Attempts in the order they reached the link, to number retries.
  const wire = links.flatMap((link) => link.requests.map((request) => ({ link, request })));
  wire.sort((a, b) => a.request.arrivedAt - b.request.arrivedAt);
  const attempts = new Map<string, number>();
  const previousEnd = new Map<string, number>();
  const bars: Bar[] = [];
  for (const { link, request } of wire) {
    const attempt = (attempts.get(request.target) ?? 0) + 1;
    attempts.set(request.target, attempt);
    const response = link.responses[request.index];
    const first = request.index === 0;
    const leftAt = request.leftAt ?? request.arrivedAt;
    const waitingSince =
      attempt === 1 ? issued.get(request.target)?.issuedAt : previousEnd.get(request.target);
    const queuedUntil = first ? link.acceptedAt : request.arrivedAt;
    const queued =
      waitingSince !== undefined && queuedUntil - waitingSince > 0.5
        ? { from: rel(waitingSince), to: rel(queuedUntil) }
        : null;
    const connect = first ? { from: rel(link.acceptedAt), to: rel(link.establishedAt) } : null;
    const tls =
      first && link.tlsDoneAt !== null
        ? { from: rel(link.establishedAt), to: rel(link.tlsDoneAt) }
        : null;
    let outcome: Bar["outcome"] = "ok";
    let wait: Interval;
    let receive: Interval | null = null;
    if (response?.complete && response.firstByteAt !== null && response.lastByteAt !== null) {
      wait = { from: rel(leftAt), to: rel(response.firstByteAt) };
      receive = { from: rel(response.firstByteAt), to: rel(response.lastByteAt) };
    } else {
      outcome =
        request.fate === "dropped" || request.fate === "server-closed"
          ? request.fate
          : "no-response";
      const end = link.clientFinAt ?? link.closedAt ?? load.finishedAt;
      wait = { from: rel(leftAt), to: rel(Math.max(end, leftAt)) };
      previousEnd.set(request.target, end);
    }
    bars.push({
      lane: link.id,
      target: request.target,
      kind: request.target === "/" ? "page" : "image",
      attempt,
      queued,
      connect,
      tls,
      wait,
      receive,
      outcome,
      gaveUp: null,
    });
  }
  // The last attempt of each request that failed for good says so.
  for (const r of load.requests) {
    if (r.error === null) continue;
    const i = bars.findLastIndex((b) => b.target === r.target);
    if (i >= 0) bars[i] = { ...(bars[i] as Bar), gaveUp: r.error };
  }
  return { strategy, summary: summarize(load, links), bars, load, links };
}

function summarize(load: PageLoad, links: readonly LinkRecord[]): Summary {
  const t0 = load.startedAt;
  const images = load.requests.filter((r) => r.kind === "image");
  const okImages = images.filter((r) => r.error === null && r.doneAt !== null);
  const wireRequests = links.reduce((n, l) => n + l.requests.length, 0);
  const reasons: Record<string, number> = {};
  for (const { event } of load.events) {
    if (event.type === "request-retried") reasons[event.reason] = (reasons[event.reason] ?? 0) + 1;
  }
  const last = Math.max(t0, ...load.requests.map((r) => r.doneAt ?? t0));
  return {
    totalMs: last - t0,
    firstImageMs:
      okImages.length === 0 ? null : Math.min(...okImages.map((r) => (r.doneAt as number) - t0)),
    connectionsOpened: load.stats.connectionsOpened,
    linkConnections: links.length,
    requestsPerConnection: links.length === 0 ? 0 : wireRequests / links.length,
    bytes: links.reduce((n, l) => n + l.bytesUp + l.bytesDown, 0),
    setupRtts: links.reduce((n, l) => n + 1 + l.tlsRtts + l.slowStartRounds, 0),
    tlsRtts: links.reduce((n, l) => n + l.tlsRtts, 0),
    retries: load.stats.retried,
    retryReasons: reasons,
    imagesOk: okImages.length,
    images: images.length,
    failures: load.requests.filter((r) => r.error !== null).length,
  };
}
