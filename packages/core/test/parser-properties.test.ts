/**
 * Property tests of MessageParser (fast-check):
 * 1. any chunking of pipelined valid messages gives the events of a model;
 * 2. one octet at a time gives the same events as one buffer;
 * 3. arbitrary and mutated input gives only ProtocolError events, never a
 *    throw, and always terminates;
 * 4. the parser does not consume past the message it was asked for.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../src/errors.ts";
import { MessageParser } from "../src/parser.ts";
import { mutate, mutation, requestMessage, responseMessage, split } from "./message-generators.ts";
import { bytes, merged, type Seen, see } from "./parser-helpers.ts";

/** Feeds the pieces, draining after each; returns merged events. Never feeds after a switch. */
function parse(
  kind: "request" | "response",
  pieces: readonly Uint8Array[],
  methods = 0,
  end = false,
  lenient = false,
): Seen[] {
  const p = new MessageParser({ kind, lenientLineEndings: lenient });
  for (let i = 0; i < methods; i++) p.expectResponse("GET");
  const events: Seen[] = [];
  let calls = 0;
  const drainAll = () => {
    for (let ev = p.next(); ev !== null; ev = p.next()) {
      if (++calls > 100_000) throw new Error("next() does not terminate");
      if (ev.type === "error") expect(ev.error).toBeInstanceOf(ProtocolError);
      events.push(see(ev));
    }
  };
  for (const piece of pieces) {
    if (p.state === "switched") break;
    p.feed(piece);
    drainAll();
  }
  if (end && p.state !== "switched") {
    p.end();
    drainAll();
  }
  return merged(events);
}

// --- properties --------------------------------------------------------------

describe("MessageParser properties", () => {
  it("(1) any chunking of pipelined requests gives the model's events", () => {
    fc.assert(
      fc.property(
        fc.array(requestMessage, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (msgs, cuts) => {
          const input = bytes(msgs.map((m) => m.wire).join(""));
          const expected = merged(msgs.flatMap((m) => m.events));
          expect(parse("request", split(input, cuts))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("(1) any chunking of pipelined responses gives the model's events", () => {
    fc.assert(
      fc.property(
        fc.array(responseMessage, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (msgs, cuts) => {
          const input = bytes(msgs.map((m) => m.wire).join(""));
          const expected = merged(msgs.flatMap((m) => m.events));
          expect(parse("response", split(input, cuts), msgs.length)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("(2) one octet at a time equals one buffer", () => {
    fc.assert(
      fc.property(fc.array(requestMessage, { minLength: 1, maxLength: 3 }), (msgs) => {
        const input = bytes(msgs.map((m) => m.wire).join(""));
        const octets = Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1));
        expect(parse("request", octets)).toEqual(parse("request", [input]));
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.array(responseMessage, { minLength: 1, maxLength: 3 }), (msgs) => {
        const input = bytes(msgs.map((m) => m.wire).join(""));
        const octets = Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1));
        expect(parse("response", octets, 3)).toEqual(parse("response", [input], 3));
      }),
      { numRuns: 150 },
    );
  });

  const checkOnlyProtocolErrors = (
    kind: "request" | "response",
    input: Uint8Array,
    cuts: number[],
    end: boolean,
    lenient = false,
  ) => {
    const events = parse(kind, split(input, cuts), kind === "response" ? 2 : 0, end, lenient);
    const i = events.findIndex((e) => e.type === "error");
    // nothing after an error
    if (i !== -1) expect(i).toBe(events.length - 1);
  };

  it("(3) arbitrary bytes only ever give ProtocolError events and terminate", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("request" as const, "response" as const),
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        (kind, input, cuts, end, lenient) =>
          checkOnlyProtocolErrors(kind, input, cuts, end, lenient),
      ),
      { numRuns: 1000 },
    );
  });

  it("(3) mutated valid messages only ever give ProtocolError events and terminate", () => {
    fc.assert(
      fc.property(
        fc.array(requestMessage, { minLength: 1, maxLength: 3 }),
        fc.array(responseMessage, { minLength: 1, maxLength: 3 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (reqs, resps, ms, cuts, end, lenient) => {
          const r = mutate(bytes(reqs.map((m) => m.wire).join("")), ms);
          checkOnlyProtocolErrors("request", r, cuts, end, lenient);
          const s = mutate(bytes(resps.map((m) => m.wire).join("")), ms);
          checkOnlyProtocolErrors("response", s, cuts, end, lenient);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("(4) a response parser with one expected method leaves the next message buffered", () => {
    fc.assert(
      fc.property(
        responseMessage,
        fc.array(responseMessage, { minLength: 1, maxLength: 2 }),
        (first, rest) => {
          const tail = rest.map((m) => m.wire).join("");
          const p = new MessageParser({ kind: "response" });
          p.expectResponse("GET");
          p.feed(bytes(first.wire + tail));
          const events: Seen[] = [];
          for (let ev = p.next(); ev !== null; ev = p.next()) {
            events.push(see(ev));
            if (ev.type === "end") break;
          }
          expect(merged(events)).toEqual(merged(first.events));
          expect(p.buffered).toBe(tail.length);
          // still untouched after more bytes arrive
          p.feed(bytes("HTTP/1.1"));
          expect(p.buffered).toBe(tail.length + 8);
        },
      ),
      { numRuns: 300 },
    );
  });
});
