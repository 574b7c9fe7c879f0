/**
 * Mutations of seed inputs, as fast-check values (so that a failing input
 * shrinks to fewer, smaller edits): byte flips, insertion of the octets and
 * fragments that matter to HTTP/1.1 framing (CR, LF, SP, HTAB, NUL, 0x80,
 * separators, framing fields), deletion, truncation, line duplication and
 * removal, number replacement, and splices with another seed.
 */
import fc from "fast-check";

/** Octets that change how a line or field is read (RFC 9112 §2.2, §5; RFC 9110 §5.5, §5.6). */
export const INTERESTING_OCTETS = [
  0x0d, 0x0a, 0x20, 0x09, 0x00, 0x80, 0xff, 0x0b, 0x0c, 0x3a, 0x3b, 0x2c, 0x22, 0x5c, 0x3d, 0x30,
  0x2d, 0x2b, 0x7f,
] as const;

/** Fragments that change framing or line structure when inserted. */
export const INTERESTING_FRAGMENTS = [
  "\r\n",
  "\r",
  "\n",
  "\r\n ",
  "\r\n\t",
  "\r\n\r\n",
  " ",
  "\t",
  "\0",
  ",",
  ";",
  '"',
  "chunked",
  ", chunked",
  "Transfer-Encoding: chunked\r\n",
  "Content-Length: 0\r\n",
  "Content-Length: 5\r\n",
  "Host: x\r\n",
  "Connection: close\r\n",
  "Connection: upgrade\r\nUpgrade: x\r\n",
  "Expect: 100-continue\r\n",
  "0\r\n\r\n",
  "5\r\nhello\r\n",
  "ffffffffffffffff",
  "HTTP/1.1 ",
  "HTTP/1.0",
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "HTTP/1.1 100 Continue\r\n\r\n",
  "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
] as const;

/** Numbers that probe Content-Length and chunk-size parsing (RFC 9110 §8.6, RFC 9112 §7.1). */
export const INTERESTING_NUMBERS = [
  "0",
  "1",
  "-1",
  "+1",
  "00",
  "4294967296",
  "9007199254740992",
  "9007199254740993",
  "18446744073709551616",
  "99999999999999999999999",
  "ffffffffffffffff",
  "1fffffffffffff",
  "20000000000000",
  "0x10",
  "1e3",
  "1 2",
  "1,1",
  "1, 2",
] as const;

/** One edit. Positions are taken modulo the current length. */
export type Mutation =
  | { readonly op: "flip"; readonly at: number; readonly bit: number }
  | { readonly op: "set"; readonly at: number; readonly byte: number }
  | { readonly op: "insert"; readonly at: number; readonly fragment: string }
  | { readonly op: "delete"; readonly at: number; readonly length: number }
  | { readonly op: "truncate"; readonly at: number }
  | { readonly op: "dup-line"; readonly line: number; readonly times: number }
  | { readonly op: "drop-line"; readonly line: number }
  | { readonly op: "number"; readonly which: number; readonly value: string }
  | { readonly op: "splice"; readonly at: number; readonly from: number; readonly length: number };

const at = fc.nat({ max: 1 << 16 });

/** A random edit. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("flip" as const), at, bit: fc.nat(7) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("set" as const),
      at,
      byte: fc.oneof(fc.constantFrom(...INTERESTING_OCTETS), fc.nat(255)),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("insert" as const),
      at,
      fragment: fc.oneof(
        fc.constantFrom(...INTERESTING_FRAGMENTS),
        fc.constantFrom(...INTERESTING_OCTETS).map((c) => String.fromCharCode(c)),
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("delete" as const),
      at,
      length: fc.integer({ min: 1, max: 8 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), at }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("dup-line" as const),
      line: fc.nat(64),
      times: fc.integer({ min: 1, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("drop-line" as const), line: fc.nat(64) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("number" as const),
      which: fc.nat(16),
      value: fc.constantFrom(...INTERESTING_NUMBERS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("splice" as const),
      at,
      from: at,
      length: fc.integer({ min: 1, max: 256 }),
    }),
  },
);

/** Inputs are kept below this size (the oracles are run one octet at a time too). */
export const MAX_INPUT = 4096;

function lineStarts(b: number[]): number[] {
  const starts = [0];
  for (let i = 0; i < b.length; i++) if (b[i] === 0x0a && i + 1 < b.length) starts.push(i + 1);
  return starts;
}

function lineAt(b: number[], line: number): [number, number] | null {
  const starts = lineStarts(b);
  const s = starts[line % starts.length] as number;
  let e = b.indexOf(0x0a, s);
  e = e === -1 ? b.length : e + 1;
  return e > s ? [s, e] : null;
}

/** Applies `edits` to `seed`; `partner` is the other seed splices take octets from. */
export function applyMutations(
  seed: Uint8Array,
  partner: Uint8Array,
  edits: readonly Mutation[],
): Uint8Array {
  const b = Array.from(seed);
  const pos = (n: number, extra = 0) => (b.length + extra === 0 ? 0 : n % (b.length + extra));
  for (const m of edits) {
    switch (m.op) {
      case "flip":
        if (b.length > 0) b[pos(m.at)] = (b[pos(m.at)] as number) ^ (1 << m.bit);
        break;
      case "set":
        if (b.length > 0) b[pos(m.at)] = m.byte;
        break;
      case "insert":
        b.splice(pos(m.at, 1), 0, ...Array.from(m.fragment, (c) => c.charCodeAt(0) & 0xff));
        break;
      case "delete":
        b.splice(pos(m.at), m.length);
        break;
      case "truncate":
        b.length = pos(m.at);
        break;
      case "dup-line": {
        const r = lineAt(b, m.line);
        if (r === null) break;
        const line = b.slice(r[0], r[1]);
        const copies: number[] = [];
        for (let i = 0; i < m.times && copies.length < MAX_INPUT; i++) copies.push(...line);
        b.splice(r[1], 0, ...copies);
        break;
      }
      case "drop-line": {
        const r = lineAt(b, m.line);
        if (r !== null) b.splice(r[0], r[1] - r[0]);
        break;
      }
      case "number": {
        const text = String.fromCharCode(...b);
        const runs = [...text.matchAll(/[0-9a-fA-F]+/g)];
        const run = runs[m.which % Math.max(1, runs.length)];
        if (run === undefined || run.index === undefined) break;
        b.splice(run.index, run[0].length, ...Array.from(m.value, (c) => c.charCodeAt(0)));
        break;
      }
      case "splice": {
        if (partner.length === 0) break;
        const from = m.from % partner.length;
        b.splice(pos(m.at, 1), 0, ...partner.subarray(from, from + m.length));
        break;
      }
    }
    if (b.length > MAX_INPUT) b.length = MAX_INPUT;
  }
  return Uint8Array.from(b);
}
