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
import { bytes, merged, type Seen, see } from "./parser-helpers.ts";

// --- generators --------------------------------------------------------------

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PATH = "abcxyzABC0129-._~!$&'()*+,;=:@/?%";

const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 10 });
const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
/** A field value as the parser returns it: no leading or trailing OWS. */
const fieldValue = fc
  .string({
    unit: fc.oneof(
      fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(" ", "\t"),
    ),
    maxLength: 24,
  })
  .map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ""));
/** Names prefixed with X- never collide with the fields the parser acts upon. */
const field = fc.tuple(
  token.map((t) => `X-${t}`),
  fieldValue,
);
const fields = fc.array(field, { maxLength: 4 });
const ows = fc.constantFrom("", " ", "\t", "  ");
const extension = fc.constantFrom("", ";a", ";a=b", " ; x = y", ';q="a \\" ;b"', ";k=v;k2");

interface Chunked {
  readonly chunks: readonly {
    readonly data: string;
    readonly ext: string;
    readonly upper: boolean;
  }[];
  readonly lastExt: string;
  readonly trailers: readonly (readonly [string, string])[];
}
type Body =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly data: string }
  | ({ readonly kind: "chunked" } & Chunked);

const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.string({ unit: latin1Char, maxLength: 40 }).map((data) => ({ kind: "length" as const, data })),
  fc
    .record({
      chunks: fc.array(
        fc.record({
          data: fc.string({ unit: latin1Char, minLength: 1, maxLength: 20 }),
          ext: extension,
          upper: fc.boolean(),
        }),
        { maxLength: 4 },
      ),
      lastExt: extension,
      trailers: fc.array(field, { maxLength: 2 }),
    })
    .map((c) => ({ kind: "chunked" as const, ...c })),
);

interface Message {
  readonly wire: string;
  readonly events: Seen[];
}

function encodeBody(b: Body): { field: [string, string] | null; wire: string; events: Seen[] } {
  if (b.kind === "none")
    return { field: null, wire: "", events: [{ type: "end", trailers: null }] };
  if (b.kind === "length") {
    const events: Seen[] = b.data === "" ? [] : [{ type: "data", data: b.data }];
    events.push({ type: "end", trailers: null });
    return { field: ["Content-Length", String(b.data.length)], wire: b.data, events };
  }
  let wire = "";
  let data = "";
  for (const c of b.chunks) {
    const size = c.data.length.toString(16);
    wire += `${c.upper ? size.toUpperCase() : size}${c.ext}\r\n${c.data}\r\n`;
    data += c.data;
  }
  wire += `0${b.lastExt}\r\n`;
  for (const [n, v] of b.trailers) wire += `${n}: ${v}\r\n`;
  wire += "\r\n";
  const events: Seen[] = data === "" ? [] : [{ type: "data", data }];
  events.push({ type: "end", trailers: b.trailers.length === 0 ? null : b.trailers.flat() });
  return { field: ["Transfer-Encoding", "chunked"], wire, events };
}

function head(
  fieldList: readonly (readonly [string, string])[],
  spaces: readonly string[],
): string {
  let out = "";
  fieldList.forEach(([n, v], i) => {
    out += `${n}:${spaces[i % spaces.length] ?? ""}${v}${spaces[(i + 1) % spaces.length] ?? ""}\r\n`;
  });
  return out;
}

const requestMessage: fc.Arbitrary<Message> = fc
  .record({
    method: fc.oneof(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"), token),
    target: fc.string({ unit: fc.constantFrom(...PATH), maxLength: 20 }).map((p) => `/${p}`),
    fields,
    body,
    spaces: fc.array(ows, { minLength: 1, maxLength: 3 }),
  })
  .filter((r) => r.method !== "CONNECT")
  .map(({ method, target, fields: fs, body: b, spaces }) => {
    const enc = encodeBody(b);
    const all: [string, string][] = [["Host", "example.com"], ...fs];
    if (enc.field !== null) all.push(enc.field);
    const framing =
      b.kind === "none"
        ? { kind: "none" as const }
        : b.kind === "length"
          ? { kind: "length" as const, length: b.data.length }
          : { kind: "chunked" as const };
    const wire = `${method} ${target} HTTP/1.1\r\n${head(all, spaces)}\r\n${enc.wire}`;
    const events: Seen[] = [
      {
        type: "request",
        method,
        target,
        form: "origin",
        version: "1.1",
        minor: 1,
        fields: all.flat(),
        framing,
        expectContinue: false,
      },
      ...enc.events,
    ];
    return { wire, events };
  });

const responseMessage: fc.Arbitrary<Message> = fc
  .record({
    status: fc.constantFrom(200, 201, 204, 404, 500),
    reason: fc.string({ unit: fc.constantFrom(..."OK Not Found\tfine\xe9"), maxLength: 12 }),
    fields,
    body: body.filter((b) => b.kind !== "none"),
    spaces: fc.array(ows, { minLength: 1, maxLength: 3 }),
  })
  .map(({ status, reason, fields: fs, body: b, spaces }) => {
    const enc = status === 204 ? encodeBody({ kind: "none" }) : encodeBody(b);
    const all: [string, string][] = [...fs];
    if (enc.field !== null) all.push(enc.field);
    const framing =
      status === 204
        ? { kind: "none" as const }
        : b.kind === "length"
          ? { kind: "length" as const, length: b.data.length }
          : { kind: "chunked" as const };
    const wire = `HTTP/1.1 ${status} ${reason}\r\n${head(all, spaces)}\r\n${enc.wire}`;
    const events: Seen[] = [
      {
        type: "response",
        status,
        reason,
        version: "1.1",
        minor: 1,
        fields: all.flat(),
        framing,
        interim: false,
        closeAfter: false,
      },
      ...enc.events,
    ];
    return { wire, events };
  });

/** Splits `input` at the given cut points (taken modulo its length). */
function split(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => (input.length === 0 ? 0 : c % input.length)))].sort(
    (a, b) => a - b,
  );
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    out.push(input.subarray(from, c));
    from = c;
  }
  out.push(input.subarray(from));
  return out;
}

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

  const mutation = fc.record({
    op: fc.constantFrom("set", "insert", "delete"),
    at: fc.nat(),
    byte: fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x0d, 0x0a, 0x20, 0x3a, 0x3b, 0x09, 0x30),
    ),
  });

  function mutate(
    input: Uint8Array,
    ms: readonly { op: string; at: number; byte: number }[],
  ): Uint8Array {
    const out = Array.from(input);
    for (const m of ms) {
      const at = out.length === 0 ? 0 : m.at % out.length;
      if (m.op === "set") out[at] = m.byte;
      else if (m.op === "insert") out.splice(at, 0, m.byte);
      else out.splice(at, 1);
    }
    return Uint8Array.from(out);
  }

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
