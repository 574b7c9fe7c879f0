/**
 * What the fuzzing oracles report: a {@link Violation} of one of the rules in
 * the house contract (errors.ts, parser.ts) — never a generic exception on
 * hostile bytes, never a hang, the same events however the bytes are
 * chunked, and the state invariants of the connection state machines.
 */

/** Which oracle caught it. */
export type OracleKind =
  /** Something other than a ProtocolError event (or a UsageError on API misuse) came out: a thrown exception. */
  | "throw"
  /** next() kept producing events past the per-input bound (or a close never completed). */
  | "hang"
  /** One buffer, one octet at a time and a random chunking gave different events. */
  | "desync"
  /** An event or state broke the documented contract (event grammar, head syntax, closed-once). */
  | "invariant";

/** The target an input was run against. */
export type TargetName =
  | "request-parser"
  | "response-parser"
  | "server-session"
  | "client-connection";

/** A broken rule, with what was expected and what happened. */
export class Violation extends Error {
  override readonly name = "Violation";
  readonly oracle: OracleKind;
  readonly target: TargetName;
  readonly expected: string;
  readonly got: string;
  /** What groups this violation with others of the same cause (default: the message). */
  readonly key: string;

  constructor(
    oracle: OracleKind,
    target: TargetName,
    message: string,
    expected = "",
    got = "",
    key = message,
  ) {
    super(message);
    this.oracle = oracle;
    this.target = target;
    this.expected = expected;
    this.got = got;
    this.key = key;
  }

  /**
   * Groups violations with the same cause: the oracle, the target and the
   * key with its numbers and quoted parts blanked.
   */
  get signature(): string {
    const shape = this.key
      .replace(/"[^"]*"/g, '""')
      .replace(/\d+/g, "N")
      .slice(0, 160);
    return `${this.oracle}|${this.target}|${shape}`;
  }
}

/** Turns an unexpected exception into a `throw` violation, naming where it came from. */
export function thrown(target: TargetName, where: string, e: unknown): Violation {
  if (e instanceof Violation) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const frame = (err.stack ?? "")
    .split("\n")
    .slice(1)
    .find((l) => l.includes("/src/"));
  const at = frame === undefined ? "" : ` at ${frame.trim().replace(/^at /, "")}`;
  return new Violation(
    "throw",
    target,
    `${where} threw ${err.name}: ${err.message}${at.replace(/:\d+:\d+\)?$/, "")}`,
    "only ProtocolError events (UsageError only on API misuse)",
    `${err.name}: ${err.message}\n${err.stack ?? ""}`,
  );
}

/** Latin1 text of some octets. */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** Latin1 octets of a string whose code units are ≤ 0xFF. */
export function octets(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** The input as a JS string literal body (CR, LF, NUL, non-ASCII escaped), for reports. */
export function escaped(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c === 0x0d) s += "\\r";
    else if (c === 0x0a) s += "\\n";
    else if (c === 0x09) s += "\\t";
    else if (c === 0x5c) s += "\\\\";
    else if (c === 0x22) s += '\\"';
    else if (c < 0x20 || c >= 0x7f) s += `\\x${c.toString(16).padStart(2, "0")}`;
    else s += String.fromCharCode(c);
  }
  return s;
}

/** Splits `input` at the given cut points (taken modulo its length, deduplicated). */
export function cutInto(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  if (input.length === 0) return [input];
  const at = [...new Set(cuts.map((c) => c % input.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    if (c > from) out.push(input.subarray(from, c));
    from = Math.max(from, c);
  }
  out.push(input.subarray(from));
  return out;
}
