/**
 * The MessageParser oracle. One input is parsed three ways — one buffer, one
 * octet at a time, and a random chunking — and each run must:
 * (a) produce only `error` events carrying a ProtocolError, never throw;
 * (b) stop: next() may return at most a bounded number of events per input octet;
 * (c) follow the event grammar and head rules (event-grammar.ts);
 * and the three runs must give the same normalized events and final state.
 */
import type { ParserLimits } from "../src/limits.ts";
import { MessageParser, type ParserState } from "../src/parser.ts";
import { merged, type Seen, see } from "../test/parser-helpers.ts";
import { EventGrammar } from "./event-grammar.ts";
import { cutInto, latin1, type TargetName, thrown, Violation } from "./violation.ts";

/** How to run the parser over one input. */
export interface ParserCase {
  readonly kind: "request" | "response";
  readonly lenient: boolean;
  /** Response side: methods given to expectResponse(), in order. */
  readonly methods: readonly string[];
  /** Run with {@link SMALL_LIMITS} (so the limit paths are reached by small inputs). */
  readonly smallLimits: boolean;
  /** Signal EOF after the input. */
  readonly end: boolean;
  /** Request side, in `awaiting-switch`: refuse the switch (resume) or take the rest. */
  readonly onSwitch: "resume" | "take";
  /** Cut points of the random chunking. */
  readonly cuts: readonly number[];
}

/** Limits small enough for short inputs to hit every one of them. */
export const SMALL_LIMITS: Partial<ParserLimits> = Object.freeze({
  maxRequestLine: 48,
  maxStatusLine: 48,
  maxFieldLine: 48,
  maxHeaderBytes: 160,
  maxFields: 6,
  maxChunkExtensions: 12,
  maxTrailerBytes: 40,
  maxBodyBytes: 64,
});

/** Events per input octet (plus a constant) beyond which next() is taken to loop. */
const EVENTS_PER_OCTET = 4;

/** What one run produced, normalized so that chunking does not show. */
export interface ParserRun {
  readonly events: Seen[];
  readonly state: ParserState;
  readonly buffered: number;
}

/** Runs the parser over `pieces` (checks a, b, c). */
export function runParser(pieces: readonly Uint8Array[], c: ParserCase): ParserRun {
  const target: TargetName = c.kind === "request" ? "request-parser" : "response-parser";
  let total = 0;
  for (const p of pieces) total += p.length;
  let budget = EVENTS_PER_OCTET * total + 16;
  const grammar = new EventGrammar(c.kind);
  const methods = c.kind === "response" ? [...c.methods] : [];
  const events: Seen[] = [];
  let where = "new MessageParser()";
  try {
    const p = new MessageParser({
      kind: c.kind,
      lenientLineEndings: c.lenient,
      ...(c.smallLimits ? { limits: SMALL_LIMITS } : {}),
    });
    where = "expectResponse()";
    for (const m of methods) p.expectResponse(m);
    const drain = (): void => {
      for (;;) {
        if (p.state === "awaiting-switch") {
          if (c.onSwitch === "resume") {
            where = "resume()";
            p.resume();
          } else {
            where = "takeRest()";
            events.push({ type: "switched", rest: latin1(p.takeRest()) });
            return;
          }
        }
        where = "next()";
        const ev = p.next();
        if (ev === null) return;
        if (--budget < 0) {
          throw new Violation(
            "hang",
            target,
            "next() keeps returning events",
            `at most ${EVENTS_PER_OCTET} events per octet`,
            `${events.length} events for ${total} octets`,
          );
        }
        let method = "GET";
        if (ev.type === "response" && !ev.interim) method = methods.shift() ?? "GET";
        grammar.on(ev, method);
        events.push(see(ev));
      }
    };
    for (const piece of pieces) {
      if (p.state === "switched") {
        // The bytes belong to the new protocol: count them as rest.
        const last = events[events.length - 1];
        if (last?.type === "switched") last.rest += latin1(piece);
        continue;
      }
      where = "feed()";
      p.feed(piece);
      drain();
    }
    if (c.end && p.state !== "switched") {
      where = "end()";
      p.end();
      drain();
    }
    return { events: merged(events), state: p.state, buffered: p.buffered };
  } catch (e) {
    throw thrown(target, where, e);
  }
}

function summary(r: ParserRun): string {
  // After an error the parser drops what it is fed, so `buffered` depends on the chunking.
  const buffered = r.state === "error" || r.state === "switched" ? "-" : r.buffered;
  return JSON.stringify({ events: r.events, state: r.state, buffered });
}

/** What a run ended with, in a few words: its events, the last one's type (or error code), the state. */
function outline(r: ParserRun): string {
  const last = r.events[r.events.length - 1];
  const tail = last === undefined ? "" : last.type === "error" ? `error ${last.code}` : last.type;
  return `${r.events.length} events${tail === "" ? "" : ` (last ${tail})`}, ${r.state}`;
}

/**
 * How two runs differ, as a class of cause (the key that groups desyncs):
 * the error alone (one run has it, the other not yet, or another code), or
 * the events themselves.
 */
function difference(a: ParserRun, b: ParserRun): string {
  const plain = (r: ParserRun) => JSON.stringify(r.events.filter((e) => e.type !== "error"));
  const err = (r: ParserRun) => r.events.some((e) => e.type === "error");
  if (plain(a) !== plain(b)) return "different events";
  if (err(a) && !err(b)) return "an error only in one buffer";
  if (!err(a) && err(b)) return "an error only when chunked";
  if (err(a) && err(b)) return "different error codes";
  return "different state";
}

/** Runs all three ways and compares (check d). Returns the one-buffer run. */
export function checkParser(input: Uint8Array, c: ParserCase): ParserRun {
  const target: TargetName = c.kind === "request" ? "request-parser" : "response-parser";
  const whole = runParser([input], c);
  const octets: Uint8Array[] = [];
  for (let i = 0; i < input.length; i++) octets.push(input.subarray(i, i + 1));
  const one = runParser(octets, c);
  const chunked = runParser(cutInto(input, c.cuts), c);
  const w = summary(whole);
  for (const [name, r] of [
    ["one octet at a time", one],
    ["random chunks", chunked],
  ] as const) {
    const s = summary(r);
    if (s !== w) {
      throw new Violation(
        "desync",
        target,
        `${name} differs from one buffer: ${outline(whole)} vs ${outline(r)}`,
        w,
        s,
        `${name} differs from one buffer: ${difference(whole, r)}`,
      );
    }
  }
  return whole;
}

/** A short signature of a run's behaviour (for the campaign's novelty feedback). */
export function behaviour(r: ParserRun): string {
  let s = r.state;
  for (const ev of r.events.slice(0, 12)) {
    s += ev.type === "error" ? `!${ev.code}` : `.${ev.type[0]}`;
    if (ev.type === "request" || ev.type === "response") s += ev.framing.kind[0];
  }
  return s;
}
