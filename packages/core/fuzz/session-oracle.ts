/**
 * The ServerSession oracle: a session is fed an input (in chunks) while a
 * scripted application and socket act on it, then closed. Rules:
 * - socket-side calls (`received`, `peerEnded`, `writable`, `tick`, `abort`,
 *   `takeActions`, `takeEvents`, `nextDeadline`) never throw;
 * - application-side calls throw nothing but a UsageError;
 * - `error` events carry a ProtocolError; no event follows `close`;
 * - no action follows the `close` action, no write follows `shutdown-write`;
 * - the session ends `closed` with exactly one `close` action, one `close`
 *   event and one onClose call (a switched session: released, none of them).
 */
import { ProtocolError, UsageError } from "../src/errors.ts";
import { ServerSession } from "../src/server-session.ts";
import { SMALL_LIMITS } from "./parser-oracle.ts";
import { cutInto, thrown, Violation } from "./violation.ts";

/** One scripted step: an operation code and its argument. */
export type Step = readonly [op: number, arg: number];

/** How to run a session over one input. */
export interface SessionCase {
  readonly cuts: readonly number[];
  readonly program: readonly Step[];
  readonly errorResponses: "auto" | "app";
  readonly smallLimits: boolean;
}

const STATUSES = [200, 204, 304, 404, 500, 101, 100, 413] as const;
const LENGTHS = [undefined, null, 0, 3] as const;
/** A program for replays: deliver everything, answering each request, flushing as we go. */
const DEFAULT_SESSION_PROGRAM_CYCLE: readonly Step[] = [
  [0, 0],
  [4, 0],
  [6, 0],
  [3, 0],
];
export const DEFAULT_SESSION_PROGRAM: readonly Step[] = Array.from(
  { length: 24 },
  (_, i) => DEFAULT_SESSION_PROGRAM_CYCLE[i % DEFAULT_SESSION_PROGRAM_CYCLE.length] as Step,
);

const T = "server-session" as const;

/** Runs one input through a session and its close (all checks above). */
export function checkSession(input: Uint8Array, c: SessionCase): void {
  const pieces = cutInto(input, c.cuts);
  let now = 0;
  let closedHook = 0;
  let closeEvents = 0;
  let closeActions = 0;
  let shutdownWrite = false;
  let lastErrorId = 0;
  let released = false;
  let next = 0;
  let fin = false;
  let where = "new ServerSession()";
  const fail = (message: string, expected = "", got = ""): never => {
    throw new Violation("invariant", T, message, expected, got);
  };
  try {
    const s = new ServerSession(
      1,
      now,
      {
        maxPipelinedRequests: 2,
        maxRequestsPerConnection: 4,
        headersTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5000,
        bodyTimeoutMs: 20_000,
        maxBufferedBytes: 128,
        errorResponses: c.errorResponses,
        ...(c.smallLimits ? { limits: SMALL_LIMITS } : {}),
        linger: { lingerMs: 2000, drainTimeoutMs: 3000 },
      },
      { onClose: () => closedHook++ },
    );
    /** Collects what the session has for the adapter and the application. */
    const collect = (): void => {
      where = "takeActions()";
      for (const a of s.takeActions()) {
        if (closeActions > 0) fail(`${a.type} action after close`, "nothing", a.type);
        if (a.type === "close") closeActions++;
        if (a.type === "shutdown-write") {
          if (shutdownWrite) fail("second shutdown-write", "one", "two");
          shutdownWrite = true;
        }
        if (a.type === "write" && shutdownWrite)
          fail("write after shutdown-write", "none", "write");
      }
      where = "takeEvents()";
      for (const ev of s.takeEvents()) {
        if (closeEvents > 0) fail(`${ev.type} event after close`, "nothing", ev.type);
        if (ev.type === "close") closeEvents++;
        if (ev.type === "error") {
          if (!(ev.error instanceof ProtocolError)) fail("error event without ProtocolError");
          lastErrorId = ev.id;
        }
      }
      where = "nextDeadline()";
      const d = s.nextDeadline();
      if (d !== null && Number.isNaN(d)) fail("NaN deadline", "number or null", "NaN");
    };
    /** An application call: only a UsageError may come out. */
    const app = (name: string, call: () => void): void => {
      try {
        call();
      } catch (e) {
        if (!(e instanceof UsageError)) throw thrown(T, name, e);
      }
      collect();
    };
    /** A socket-side call: nothing may come out. */
    const sock = (name: string, call: () => void): void => {
      where = name;
      call();
      collect();
    };
    collect();
    for (const [op, arg] of c.program) {
      if (released) break;
      const switched = s.state === "switched";
      switch (op % 12) {
        case 0:
          if (next < pieces.length && !fin && !switched) {
            const piece = pieces[next++] as Uint8Array;
            sock("received()", () => s.received(piece, now));
          }
          break;
        case 1:
          if (!fin && !switched) sock("peerEnded()", () => s.peerEnded(now));
          fin = true;
          break;
        case 2:
          now += (arg % 400) * 100;
          sock("tick()", () => s.tick(now));
          break;
        case 3:
          sock("writable()", () => s.writable(now));
          break;
        case 4: {
          const status = STATUSES[arg % STATUSES.length] as number;
          const bodyLength = LENGTHS[(arg >> 3) % LENGTHS.length];
          const fields: [string, string][] = status === 101 ? [["Upgrade", "x"]] : [];
          app("respond()", () => s.respond({ status, fields }, now, { bodyLength }));
          break;
        }
        case 5:
          app("sendData()", () => s.sendData(new Uint8Array(arg % 5).fill(0x61), now));
          break;
        case 6:
          app("sendEnd()", () => s.sendEnd(now));
          break;
        case 7:
          app("sendInformational()", () => s.sendInformational(arg % 2 === 0 ? 100 : 103, now));
          break;
        case 8:
          app("respondToError()", () => s.respondToError(arg % 3 === 0 ? arg : lastErrorId, now));
          break;
        case 9:
          sock("shutdown()", () => s.shutdown(now));
          break;
        case 10:
          if (arg % 4 === 0) sock("abort()", () => s.abort("transport-error", now));
          break;
        default:
          if (switched) {
            app("takeRest()", () => s.takeRest());
            app("release()", () => s.release());
            released = true;
          }
      }
    }
    // The end of the connection: a well-behaved application answers what is
    // owed; the peer closes; time passes. Then, if it is still open, abort.
    if (!released && s.state === "switched") {
      app("takeRest()", () => s.takeRest());
      app("release()", () => s.release());
      released = true;
    }
    if (!released) {
      if (!fin) sock("peerEnded()", () => s.peerEnded(now));
      for (let i = 0; i < 64 && s.state !== "closed"; i++) {
        if (s.sendingBody) app("sendEnd()", () => s.sendEnd(now));
        else if (s.pendingResponses > 0 && s.state === "open") {
          app("respond()", () => s.respond({ status: 200 }, now, { bodyLength: 0 }));
        }
        sock("writable()", () => s.writable(now));
        const d = s.nextDeadline();
        if (d !== null) {
          now = Math.max(now, d);
          sock("tick()", () => s.tick(now));
        }
      }
      if (s.state !== "closed" && s.state !== "switched" && s.nextDeadline() === null) {
        if (s.pendingResponses === 0 && !s.sendingBody) {
          throw new Violation(
            "hang",
            T,
            "session stays open after the peer's FIN with nothing owed and no deadline",
            "closed, or a deadline",
            `${s.state} / ${s.connectionState} / ${s.closeState}`,
          );
        }
      }
      if (s.state !== "closed") sock("abort()", () => s.abort("aborted", now));
      if (s.state !== "closed") fail("abort() did not close the session", "closed", s.state);
      if (closeActions !== 1) fail("close actions", "1", String(closeActions));
      if (closeEvents !== 1) fail("close events", "1", String(closeEvents));
    }
    if (s.state !== "closed") fail("session not closed at the end", "closed", s.state);
    if (closedHook !== 1) fail("onClose calls", "1", String(closedHook));
    if (s.nextDeadline() !== null) fail("deadline after close", "null", String(s.nextDeadline()));
  } catch (e) {
    throw thrown(T, where, e);
  }
}
