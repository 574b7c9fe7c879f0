/**
 * Random scripts for the differential tests of {@link ServerSession}
 * (server-session-compaction.test.ts, server-session-flush.test.ts): socket
 * happenings, application answers and time, played step by step on two
 * sessions that must not be told apart, and what an observer sees of them.
 */
import fc from "fast-check";
import { UsageError } from "../src/errors.ts";
import type { ServerSession } from "../src/server-session.ts";
import type { SocketAction } from "../src/socket-actions.ts";
import { advance, type SimSocket } from "./server-harness.ts";

const dec = new TextDecoder("latin1");

/**
 * Chunks every script may send besides its own requests: bodies in two
 * parts, a 100-continue, a head split inside its start-line, a bad field
 * name, an empty line.
 */
export const BODIES_AND_FRAGMENTS: readonly string[] = [
  "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel",
  "lo",
  "POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
  "xyz",
  "GET / HTT",
  "P/1.1\r\nHost: a\r\n\r\n",
  "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
  "\r\n",
];

/** One step of a script. */
export type ScriptOp =
  | { k: "send"; chunk: string }
  | { k: "fin" }
  | { k: "tick"; ms: number }
  | { k: "flush" }
  | { k: "answer"; length: number | null }
  | { k: "end" }
  | { k: "info" }
  | { k: "shutdown" }
  | { k: "abort" }
  | { k: "compact" };

/** How often each kind of step comes (relative weights; 1 for the kinds not named). */
export interface ScriptWeights {
  readonly tick: number;
  readonly flush: number;
  /** Whether the script compacts the session itself (`compact` steps). */
  readonly compact: boolean;
}

/** Steps sending `chunks` (requests and fragments a client might send), and the rest. */
export function scriptOp(
  chunks: readonly string[],
  weights: ScriptWeights,
): fc.Arbitrary<ScriptOp> {
  const kinds: fc.WeightedArbitrary<ScriptOp>[] = [
    {
      weight: 6,
      arbitrary: fc.constantFrom(...chunks).map((chunk) => ({ k: "send", chunk }) as const),
    },
    { weight: 1, arbitrary: fc.constant({ k: "fin" } as const) },
    {
      weight: weights.tick,
      arbitrary: fc
        .constantFrom(0, 1, 50, 999, 1000, 4999, 5000, 20_000)
        .map((ms) => ({ k: "tick", ms }) as const),
    },
    { weight: weights.flush, arbitrary: fc.constant({ k: "flush" } as const) },
    {
      weight: 4,
      arbitrary: fc
        .option(fc.nat(4), { nil: null })
        .map((length) => ({ k: "answer", length }) as const),
    },
    { weight: 2, arbitrary: fc.constant({ k: "end" } as const) },
    { weight: 1, arbitrary: fc.constant({ k: "info" } as const) },
    { weight: 1, arbitrary: fc.constant({ k: "shutdown" } as const) },
    { weight: 1, arbitrary: fc.constant({ k: "abort" } as const) },
  ];
  if (weights.compact) kinds.push({ weight: 1, arbitrary: fc.constant({ k: "compact" } as const) });
  return fc.oneof(...kinds);
}

/** Runs an application call; only a UsageError may come out (reported as "refused"). */
function app(call: () => void): string {
  try {
    call();
    return "ok";
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return `refused ${e.code}`;
  }
}

/**
 * Plays one step on `sim` and lets it run; what the application was told
 * ("ok", "refused CODE", or a compaction's result). `shutdown` carries out
 * a shutdown step (the session's own, or its policy's).
 */
export function playOp(sim: SimSocket, o: ScriptOp, shutdown: (now: number) => void): string {
  const s = sim.session;
  const now = sim.clock.now;
  let outcome = "";
  switch (o.k) {
    case "send":
      if (!sim.closed && !sim.finSent) sim.send(o.chunk);
      break;
    case "fin":
      if (!sim.closed) sim.fin();
      break;
    case "tick":
      advance(sim.clock, o.ms);
      break;
    case "flush":
      if (!sim.closed) sim.flush();
      break;
    case "answer":
      outcome = app(() =>
        s.respond({ status: 200 }, now, {
          bodyLength: o.length,
          ...(o.length === null ? {} : { body: new Uint8Array(o.length) }),
        }),
      );
      break;
    case "end":
      outcome = app(() => s.sendEnd(now));
      break;
    case "info":
      outcome = app(() => s.sendInformational(100, now));
      break;
    case "shutdown":
      shutdown(now);
      break;
    case "abort":
      s.abort("aborted", now);
      break;
    case "compact":
      outcome = String(s.compact(now));
      break;
  }
  sim.run();
  return outcome;
}

/** What an observer sees of a session: its getters. */
export function sessionFacts(s: ServerSession): unknown[] {
  return [
    s.state,
    s.connectionState,
    s.closeReason,
    s.closeState,
    s.pendingResponses,
    s.requestsAnswered,
    s.buffered,
    s.sendingBody,
    s.readPaused,
    s.nextDeadline(),
  ];
}

/** Actions without the socket id (two sessions compared have different ids). */
export function actionLines(log: readonly SocketAction[]): string[] {
  return log.map((a) =>
    a.type === "write" ? `write ${a.data.map((d) => dec.decode(d)).join("")}` : a.type,
  );
}
