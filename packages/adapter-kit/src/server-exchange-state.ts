/**
 * The small state of a {@link ServerExchange}: its yes/no facts as bits of
 * one number, and what only some requests need (a request body, an abort
 * signal, the connection facts) in a part made when first needed. An
 * exchange is made for every request, and each field is a word written at
 * every request whether it is used or not.
 */
import type { RequestInfo } from "./api.ts";

/** What only some exchanges need, made when first set. */
export interface ExchangeExtras {
  info: RequestInfo | null;
  controller: AbortController | null;
  chunks: Uint8Array[] | null;
  bodyError: Error | null;
  streamController: ReadableStreamDefaultController<Uint8Array> | null;
  bodyWaiters: { resolve: () => void; reject: (e: Error) => void }[] | null;
}

/** Bits of {@link ExchangeState.bits}: the answer is written (see `settled`). */
export const SETTLED = 1;
/** Writing the answer has begun (see `started`). */
export const STARTED = 2;
const AWAITING_CONTINUE = 4;
/** The connection closed under the exchange (see `aborted`). */
export const ABORTED = 8;
const BODY_DONE = 16;
const BODY_FAILED = 32;

/**
 * The flags and rare parts of an exchange. See the module comment. The
 * exchange's per-request path (`write()`, `finish()`, `session()`) reads and
 * writes {@link bits} with the bits above: V8 did not inline the setters
 * there (about 45 instructions each per request, counted with callgrind).
 */
export abstract class ExchangeState {
  // Abstract, so that the subclass defines both as its first fields (0 and
  // null): with no field of its own, this class adds no initialiser to run
  // for every exchange made (about 250 instructions per request, counted
  // with callgrind).
  /** The bits above; the accessors below name them one by one. */
  protected abstract bits: number;
  /** What only some exchanges need, or null until first needed. */
  protected abstract extras: ExchangeExtras | null;

  /** The answer has been fully written (or can no longer be). */
  get settled(): boolean {
    return (this.bits & SETTLED) !== 0;
  }
  set settled(on: boolean) {
    this.bits = on ? this.bits | SETTLED : this.bits & ~SETTLED;
  }

  /** Writing the answer has begun. */
  get started(): boolean {
    return (this.bits & STARTED) !== 0;
  }
  set started(on: boolean) {
    this.bits = on ? this.bits | STARTED : this.bits & ~STARTED;
  }

  /** The client waits for `100 Continue` before sending the body (RFC 9110 §10.1.1). */
  protected get awaitingContinue(): boolean {
    return (this.bits & AWAITING_CONTINUE) !== 0;
  }
  protected set awaitingContinue(on: boolean) {
    this.bits = on ? this.bits | AWAITING_CONTINUE : this.bits & ~AWAITING_CONTINUE;
  }

  /** The connection closed under the exchange. */
  protected get aborted(): boolean {
    return (this.bits & ABORTED) !== 0;
  }
  protected set aborted(on: boolean) {
    this.bits = on ? this.bits | ABORTED : this.bits & ~ABORTED;
  }

  /** The request body has ended (or failed). */
  protected get bodyDone(): boolean {
    return (this.bits & BODY_DONE) !== 0;
  }
  protected set bodyDone(on: boolean) {
    this.bits = on ? this.bits | BODY_DONE : this.bits & ~BODY_DONE;
  }

  /** The request body failed. */
  protected get bodyFailed(): boolean {
    return (this.bits & BODY_FAILED) !== 0;
  }
  protected set bodyFailed(on: boolean) {
    this.bits = on ? this.bits | BODY_FAILED : this.bits & ~BODY_FAILED;
  }

  /** The connection facts, once made (see `ServerExchange.info`). */
  protected get infoMade(): RequestInfo | null {
    return this.extras === null ? null : this.extras.info;
  }
  protected set infoMade(value: RequestInfo | null) {
    if (value !== null || this.extras !== null) this.more().info = value;
  }

  /** The abort signal's controller, once the signal was asked for. */
  protected get controller(): AbortController | null {
    return this.extras === null ? null : this.extras.controller;
  }
  protected set controller(value: AbortController | null) {
    if (value !== null || this.extras !== null) this.more().controller = value;
  }

  /** Body chunks not yet handed to a reader. */
  protected get chunks(): Uint8Array[] | null {
    return this.extras === null ? null : this.extras.chunks;
  }
  protected set chunks(value: Uint8Array[] | null) {
    if (value !== null || this.extras !== null) this.more().chunks = value;
  }

  /** Why the body failed: a ProtocolError when it was cut short or malformed. */
  protected get bodyError(): Error | null {
    return this.extras === null ? null : this.extras.bodyError;
  }
  protected set bodyError(value: Error | null) {
    if (value !== null || this.extras !== null) this.more().bodyError = value;
  }

  /** The body stream's controller, once the body is streamed. */
  protected get streamController(): ReadableStreamDefaultController<Uint8Array> | null {
    return this.extras === null ? null : this.extras.streamController;
  }
  protected set streamController(value: ReadableStreamDefaultController<Uint8Array> | null) {
    if (value !== null || this.extras !== null) this.more().streamController = value;
  }

  /** Readers of the whole body waiting for its end. */
  protected get bodyWaiters(): { resolve: () => void; reject: (e: Error) => void }[] | null {
    return this.extras === null ? null : this.extras.bodyWaiters;
  }
  protected set bodyWaiters(value: { resolve: () => void; reject: (e: Error) => void }[] | null) {
    if (value !== null || this.extras !== null) this.more().bodyWaiters = value;
  }

  private more(): ExchangeExtras {
    this.extras ??= {
      info: null,
      controller: null,
      chunks: null,
      bodyError: null,
      streamController: null,
      bodyWaiters: null,
    };
    return this.extras;
  }
}
