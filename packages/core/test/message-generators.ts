/**
 * fast-check generators of HTTP/1.1 messages with the events a correct parser
 * gives for them (a model), and byte-level mutations. Shared by the parser
 * property tests, the fuzzing campaign (fuzz/) and the differential test.
 */
import fc from "fast-check";
import type { Seen } from "./parser-helpers.ts";

/** RFC 9110 §5.6.2: the octets of a token. */
export const TCHARS =
  "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Octets for origin-form paths (RFC 3986 pchar, "/" and "?"). */
export const PATH = "abcxyzABC0129-._~!$&'()*+,;=:@/?%";

/** A token (RFC 9110 §5.6.2), 1–10 octets. */
export const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 10 });
/** Any octet, as a latin1 character. */
export const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
/** A field value as the parser returns it: no leading or trailing OWS. */
export const fieldValue = fc
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
export const field = fc.tuple(
  token.map((t) => `X-${t}`),
  fieldValue,
);
/** Up to four extension fields. */
export const fields = fc.array(field, { maxLength: 4 });
/** Optional whitespace (RFC 9110 §5.6.3). */
export const ows = fc.constantFrom("", " ", "\t", "  ");
/** Chunk extensions (RFC 9112 §7.1.1), some with BWS and quoted strings. */
export const extension = fc.constantFrom("", ";a", ";a=b", " ; x = y", ';q="a \\" ;b"', ";k=v;k2");

/** A chunked body: its chunks, the last chunk's extension and the trailer fields. */
export interface Chunked {
  readonly chunks: readonly {
    readonly data: string;
    readonly ext: string;
    readonly upper: boolean;
  }[];
  readonly lastExt: string;
  readonly trailers: readonly (readonly [string, string])[];
}
/** How a generated message's body is framed. */
export type Body =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly data: string }
  | ({ readonly kind: "chunked" } & Chunked);

/** A body: none, Content-Length, or chunked. */
export const body: fc.Arbitrary<Body> = fc.oneof(
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

/** A generated message: its wire text (latin1) and the events a correct parser gives. */
export interface Message {
  readonly wire: string;
  readonly events: Seen[];
}

/** The framing field, wire text and model events of a body. */
export function encodeBody(b: Body): {
  field: [string, string] | null;
  wire: string;
  events: Seen[];
} {
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

/** Field lines with the given OWS around each value. */
export function head(
  fieldList: readonly (readonly [string, string])[],
  spaces: readonly string[],
): string {
  let out = "";
  fieldList.forEach(([n, v], i) => {
    out += `${n}:${spaces[i % spaces.length] ?? ""}${v}${spaces[(i + 1) % spaces.length] ?? ""}\r\n`;
  });
  return out;
}

/** A valid HTTP/1.1 request with its model events. */
export const requestMessage: fc.Arbitrary<Message> = fc
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

/** A valid HTTP/1.1 response (to GET) with its model events. */
export const responseMessage: fc.Arbitrary<Message> = fc
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
export function split(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
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

/** One byte edit: overwrite, insert or delete at a position (taken modulo the length). */
export const mutation = fc.record({
  op: fc.constantFrom("set", "insert", "delete"),
  at: fc.nat(),
  byte: fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(0x0d, 0x0a, 0x20, 0x3a, 0x3b, 0x09, 0x30),
  ),
});

/** Applies byte edits in order. */
export function mutate(
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
