/**
 * One request as the pool keeps it across its attempts: the head it sends
 * (prepared once), its body (replayable or streamed), and what happened on
 * the current attempt — the facts the retry rules (retry.ts) decide on.
 */
import { createBodyEncoder } from "./body-encoder.ts";
import { UsageError } from "./errors.ts";
import { Fields } from "./fields.ts";
import type { HttpVersion } from "./message.ts";
import type { OutgoingFields } from "./outgoing-fields.ts";
import type { PoolBody, PoolRequest } from "./pool-events.ts";
import type { PooledConnection } from "./pooled-connection.ts";
import { absoluteFormTarget, hostFieldValue, proxyRequestFields } from "./proxy.ts";
import type { AttemptRecord, RetryReason } from "./request-errors.ts";
import { type PreparedRequest, prepareRequest } from "./request-preparation.ts";
import { hasIdempotencyKey, type RetryCandidate } from "./retry.ts";
import { type Route, routeFor } from "./route.ts";
import type { Origin, SocketId } from "./socket-actions.ts";

/** A request inside the pool. Mutable; owned by the pool. */
export interface PoolEntry {
  readonly id: number;
  /** Where its connection goes, and which requests share it (route.ts). */
  readonly route: Route;
  /** Through a tunnel: the `Proxy-Authorization` for the CONNECT (tunnel.ts), kept from the origin. */
  readonly proxyAuthorization: string | undefined;
  readonly method: string;
  /** The target as sent: origin-form, or absolute-form to a proxy. */
  readonly target: string;
  readonly version: HttpVersion;
  /** Fields as sent (Host added, Proxy-Connection removed). */
  readonly fields: Fields;
  /**
   * The head checked and serialized once, at the call (client-connection.ts
   * `prepareRequest`); every attempt writes these octets, unless it must
   * add `Connection: close`.
   */
  readonly prepared: PreparedRequest;
  /** A body given as bytes (kept for replay), or null. */
  readonly bytes: Uint8Array | null;
  /** The body is a stream fed by `writeBody`/`endBody`. */
  readonly stream: boolean;
  /** Body length for the framing: a number, `null` (chunked stream), undefined (no body). */
  readonly bodyLength: number | null | undefined;
  /**
   * The request offers an Upgrade (RFC 9110 §7.8) or is a CONNECT (§9.3.6):
   * its answer may switch protocols, so nothing may follow it on the
   * connection (the rule ClientConnection.canSend keeps too).
   */
  readonly upgrade: boolean;
  readonly idempotencyKey: boolean;
  /** The caller shows nothing of the response before its end (`PoolRequest.buffered`). */
  readonly buffered: boolean;

  // --- a streamed body -----------------------------------------------------
  /** Chunks given but not yet written (a shared empty list, never added to, without a stream). */
  chunks: Uint8Array[];
  /** Octets given so far (checked against a declared length). */
  streamed: number;
  streamEnded: boolean;
  trailers: OutgoingFields | undefined;
  /** Some of the stream was written: it cannot be replayed. */
  bodyWritten: boolean;

  // --- scheduling ------------------------------------------------------------
  /** Not to be sent before this time (retry backoff). */
  readyAt: number;
  /**
   * A retry goes only on a connection opened after its failure: one whose
   * socket id is above this (0: any connection).
   */
  freshAfter: SocketId;
  /** The connection being opened on this request's behalf, if any. */
  opening: PooledConnection | null;

  // --- attempts --------------------------------------------------------------
  attempts: number;
  /**
   * The connection of each attempt, and why each retry happened. Each list
   * is replaced by a longer one, never changed, so an {@link AttemptRecord}
   * may hold the current lists as its own frozen copies.
   */
  connections: readonly SocketId[];
  retries: readonly RetryReason[];

  // --- the current attempt --------------------------------------------------
  conn: PooledConnection | null;
  /** The exchange id on `conn` (ClientConnection numbering). */
  exchange: number;
  /** `conn` had carried a request before this one. */
  reused: boolean;
  responseBytes: boolean;
  /** An interim or final head reached the caller. */
  delivered: boolean;
  /** The final head reached the caller. */
  headDelivered: boolean;
  /** Content-Length of the response, when it has one. */
  expected: number | undefined;
  /** Body octets delivered. */
  received: number;
  /** TIMEOUT (headers) fires at this time. */
  headersDeadline: number;
  /** Cancelled while others are pipelined behind it: its response is read and dropped. */
  discard: boolean;
  settled: boolean;
}

/**
 * Checks and prepares a request: Host added from the origin (RFC 9112 §3.2),
 * absolute-form and hop-by-hop stripping for a proxy (proxy.ts),
 * `Proxy-Authorization` kept for the CONNECT of a tunnel (tunnel.ts),
 * `Proxy-Connection` removed. Throws a {@link UsageError} for anything the
 * serializer would refuse, so that a bad request fails here, at the call,
 * and never later inside an input handler.
 */
export function prepareEntry(
  id: number,
  req: PoolRequest,
  proxy: Origin | undefined,
  http10: boolean,
  heads?: PreparedHeads,
): PoolEntry {
  const origin = req.origin;
  const version: HttpVersion = req.version ?? (http10 ? "1.0" : "1.1");
  const isConnect = req.method === "CONNECT";
  if (!isConnect && req.target !== "*" && !req.target.startsWith("/")) {
    throw new UsageError(
      "INVALID_OUTGOING_START_LINE",
      `the target must be in origin-form (RFC 9112 §3.2.1), got ${JSON.stringify(req.target)}`,
    );
  }
  const route = routeFor(origin, req.method, proxy);
  // RFC 9112 §3.2.3: CONNECT goes to the proxy in authority-form, as given;
  // through a tunnel, requests reach the origin in origin-form (§3.2.1).
  const viaProxy = route.kind === "proxy" && !isConnect;
  const body = req.body ?? null;
  const stream = body !== null && !(body instanceof Uint8Array);
  const bodyLength = body === null ? undefined : stream ? (body.length ?? null) : body.length;
  // A request with no fields of its own: its head is the same every time.
  // Only routes that are kept (route.ts: direct, frozen origin) can find their heads again.
  const plain =
    heads !== undefined && route.kind === "direct" && Object.isFrozen(origin) && hasNoFields(req);
  const known = plain ? heads.get(route, req.method, req.target, version, bodyLength) : undefined;
  if (known !== undefined) {
    return newEntry(id, req, route, undefined, version, known, body, stream, bodyLength, isConnect);
  }
  // A fresh copy of the caller's fields, without `Proxy-Connection` (RFC 9112 Appendix C.2.2).
  let fields = Fields.from(req.fields ?? []);
  if (fields.size > 0) fields.delete("proxy-connection");
  if (viaProxy) fields = proxyRequestFields(fields);
  let proxyAuthorization: string | undefined;
  if (route.kind === "tunnel") {
    // RFC 9110 §11.7.2: for the proxy only, never for the origin.
    proxyAuthorization = fields.get("proxy-authorization");
    fields.delete("proxy-authorization");
  }
  // RFC 9110 §7.2: Host first (prepareRequest moves one given later).
  if (!fields.has("host")) fields.raw.unshift("Host", hostFieldValue(origin));
  const target = viaProxy ? absoluteFormTarget(origin, req.target) : req.target;
  // Checked and serialized now, once: a bad head fails at the call.
  const prepared = prepareRequest(
    { method: req.method, target, version, fields },
    { bodyLength },
    route.kind === "proxy",
  );
  const head: PreparedHead = { target, bodyLength, fields, prepared };
  if (plain) heads.set(route, req.target, head);
  return newEntry(
    id,
    req,
    route,
    proxyAuthorization,
    version,
    head,
    body,
    stream,
    bodyLength,
    isConnect,
  );
}

/**
 * Heads of requests that carry no fields of their own, prepared once per
 * route, method, target, version and body length and shared by every
 * request like them (their `fields` are never changed: a request that must
 * add `Connection: close` copies them first). Looked up by the route object
 * (one per frozen origin, route.ts) and the caller's target string, so no
 * key is built per request. At most {@link HEADS_KEPT} targets are kept;
 * the cache starts over when full.
 */
export class PreparedHeads {
  private readonly byRoute = new Map<Route, Map<string, PreparedHead[]>>();
  private size = 0;

  get(
    route: Route,
    method: string,
    target: string,
    version: HttpVersion,
    bodyLength: number | null | undefined,
  ): PreparedHead | undefined {
    const list = this.byRoute.get(route)?.get(target);
    if (list === undefined) return undefined;
    for (const h of list) {
      const p = h.prepared;
      if (p.method === method && p.version === version && h.bodyLength === bodyLength) return h;
    }
    return undefined;
  }

  set(route: Route, target: string, head: PreparedHead): void {
    if (this.size >= HEADS_KEPT) {
      this.byRoute.clear();
      this.size = 0;
    }
    let targets = this.byRoute.get(route);
    if (targets === undefined) {
      targets = new Map();
      this.byRoute.set(route, targets);
    }
    const list = targets.get(target);
    if (list === undefined) targets.set(target, [head]);
    else list.push(head);
    this.size++;
  }
}

/** One prepared head: the target and fields as sent, and their octets. */
export interface PreparedHead {
  readonly target: string;
  readonly bodyLength: number | null | undefined;
  readonly fields: Fields;
  readonly prepared: PreparedRequest;
}

const HEADS_KEPT = 256;

function hasNoFields(req: PoolRequest): boolean {
  const f = req.fields;
  return f === undefined || (Array.isArray(f) && f.length === 0);
}

function newEntry(
  id: number,
  req: PoolRequest,
  route: Route,
  proxyAuthorization: string | undefined,
  version: HttpVersion,
  head: PreparedHead,
  body: PoolBody,
  stream: boolean,
  bodyLength: number | null | undefined,
  isConnect: boolean,
): PoolEntry {
  const fields = head.fields;
  return {
    id,
    route,
    proxyAuthorization,
    method: req.method,
    target: head.target,
    version,
    fields,
    prepared: head.prepared,
    bytes: body instanceof Uint8Array ? body : null,
    stream,
    bodyLength,
    upgrade: isConnect || head.prepared.upgrade !== null,
    idempotencyKey: hasIdempotencyKey(fields),
    buffered: req.buffered === true,
    chunks: stream ? [] : NO_CHUNKS,
    streamed: 0,
    streamEnded: false,
    trailers: undefined,
    bodyWritten: false,
    readyAt: Number.NEGATIVE_INFINITY,
    freshAfter: 0,
    opening: null,
    attempts: 0,
    connections: NO_CONNECTIONS,
    retries: NO_RETRIES,
    conn: null,
    exchange: 0,
    reused: false,
    responseBytes: false,
    delivered: false,
    headDelivered: false,
    expected: undefined,
    received: 0,
    headersDeadline: Number.POSITIVE_INFINITY,
    discard: false,
    settled: false,
  };
}

/** Clears what belongs to one attempt before the next. */
export function resetAttempt(entry: PoolEntry): void {
  entry.conn = null;
  entry.exchange = 0;
  entry.reused = false;
  entry.responseBytes = false;
  entry.delivered = false;
  entry.headDelivered = false;
  entry.expected = undefined;
  entry.received = 0;
  entry.headersDeadline = Number.POSITIVE_INFINITY;
}

/**
 * The attempt record as it stands. Its lists are the entry's own, which are
 * replaced and never changed ({@link attemptOn}, {@link retryFor}): later
 * attempts do not alter a record already handed out.
 */
export function attemptRecord(entry: PoolEntry): AttemptRecord {
  return { count: entry.attempts, connections: entry.connections, retries: entry.retries };
}

/** Counts an attempt of `entry` on `socket` (the attempt record gets a new list). */
export function attemptOn(entry: PoolEntry, socket: SocketId): void {
  entry.attempts++;
  entry.connections = entry.connections.length === 0 ? [socket] : [...entry.connections, socket];
}

/** Records why `entry` is retried (the attempt record gets a new list). */
export function retryFor(entry: PoolEntry, reason: RetryReason): void {
  entry.retries = [...entry.retries, reason];
}

/** The lists of a request not yet sent: shared, frozen, never added to. */
const NO_RETRIES: readonly RetryReason[] = Object.freeze([]);
const NO_CONNECTIONS: readonly SocketId[] = Object.freeze([]);
/** The chunks of a request without a streamed body (never added to: `checkStreamChunk` refuses). */
const NO_CHUNKS = Object.freeze([]) as unknown as Uint8Array[];

/** What the retry rules need to know about the request. */
export function retryCandidate(entry: PoolEntry): RetryCandidate {
  return {
    method: entry.method,
    idempotencyKey: entry.idempotencyKey,
    replayable: !entry.bodyWritten,
  };
}

/**
 * Checks a chunk of a streamed body before it is taken, so that a bad call
 * fails at the call and never later, when the request is written.
 */
export function checkStreamChunk(entry: PoolEntry, chunk: Uint8Array): void {
  if (!entry.stream) throw new UsageError("BODY_NOT_ALLOWED", "the request has no streamed body");
  if (entry.streamEnded) throw new UsageError("INVALID_STATE", "writeBody() after endBody()");
  const length = entry.bodyLength;
  if (typeof length === "number" && entry.streamed + chunk.length > length) {
    throw new UsageError(
      "BODY_LENGTH_MISMATCH",
      `the body is longer than its declared length ${length}`,
    );
  }
  entry.streamed += chunk.length;
}

/** Checks the end of a streamed body: its length, and trailers only when chunked (RFC 9112 §7.1.2). */
export function checkStreamEnd(entry: PoolEntry, trailers: OutgoingFields | undefined): void {
  if (!entry.stream) throw new UsageError("BODY_NOT_ALLOWED", "the request has no streamed body");
  if (entry.streamEnded) throw new UsageError("INVALID_STATE", "endBody() called twice");
  const length = entry.bodyLength;
  if (typeof length === "number" && entry.streamed !== length) {
    throw new UsageError(
      "BODY_LENGTH_MISMATCH",
      `the body ended after ${entry.streamed} of its declared ${length} octets`,
    );
  }
  if (trailers === undefined) return;
  if (length !== null) {
    throw new UsageError("TRAILERS_NOT_ALLOWED", "trailers need a chunked body (RFC 9112 §7.1.2)");
  }
  // Validates the trailer fields the way the request's encoder will.
  createBodyEncoder({ kind: "chunked" }).finish(trailers);
}
