/**
 * Header and trailer fields (RFC 9110 §5).
 *
 * Field lines are kept exactly as received — raw names with their original
 * case, in order, duplicates included — because a proxy must forward them
 * and a reader of `/echo` wants to see them. Lookup is case-insensitive
 * (RFC 9110 §5.1: "Field names are case-insensitive").
 */

/** A `[name, value]` pair exactly as it appeared on the wire (value trimmed of OWS). */
export type FieldLine = readonly [name: string, value: string];

/**
 * An ordered list of field lines with case-insensitive lookup.
 *
 * Storage is a flat array `[name0, value0, name1, value1, …]` so the parser
 * can append without allocating a pair per line.
 */
export class Fields implements Iterable<FieldLine> {
  /** Flat `[name, value, name, value, …]`, names in their original case. */
  readonly raw: string[];

  constructor(raw: string[] = []) {
    this.raw = raw;
  }

  /** Builds fields from pairs or a record; values are taken as given. */
  static from(init: Iterable<readonly [string, string]> | Record<string, string>): Fields {
    const raw: string[] = [];
    if (Symbol.iterator in init) {
      for (const [n, v] of init as Iterable<readonly [string, string]>) raw.push(n, v);
    } else {
      for (const n of Object.keys(init)) raw.push(n, (init as Record<string, string>)[n] as string);
    }
    return new Fields(raw);
  }

  /** Number of field lines. */
  get size(): number {
    return this.raw.length >>> 1;
  }

  /** Appends one field line. */
  append(name: string, value: string): void {
    this.raw.push(name, value);
  }

  /** True if at least one line has this name (case-insensitive). */
  has(name: string): boolean {
    return this.indexOf(name, 0) !== -1;
  }

  /**
   * The combined value of every line with this name, joined with ", "
   * (RFC 9110 §5.3), or `undefined` when there is none.
   */
  get(name: string): string | undefined {
    let i = this.indexOf(name, 0);
    if (i === -1) return undefined;
    let out = this.raw[i + 1] as string;
    for (i = this.indexOf(name, i + 2); i !== -1; i = this.indexOf(name, i + 2)) {
      out += `, ${this.raw[i + 1] as string}`;
    }
    return out;
  }

  /** Every value of this name, one per field line, in order. */
  getAll(name: string): string[] {
    const out: string[] = [];
    for (let i = this.indexOf(name, 0); i !== -1; i = this.indexOf(name, i + 2)) {
      out.push(this.raw[i + 1] as string);
    }
    return out;
  }

  /** Number of field lines with this name. */
  count(name: string): number {
    let n = 0;
    for (let i = this.indexOf(name, 0); i !== -1; i = this.indexOf(name, i + 2)) n++;
    return n;
  }

  /**
   * The comma-separated list elements of every line with this name,
   * lower-cased and trimmed, empty elements dropped (RFC 9110 §5.6.1).
   * Suitable for token lists such as `Connection` and `Transfer-Encoding`.
   */
  tokens(name: string): string[] {
    const out: string[] = [];
    for (let i = this.indexOf(name, 0); i !== -1; i = this.indexOf(name, i + 2)) {
      const value = this.raw[i + 1] as string;
      for (const part of value.split(",")) {
        const t = part.trim().toLowerCase();
        if (t !== "") out.push(t);
      }
    }
    return out;
  }

  /** True when the token list of `name` contains `token` (case-insensitive). */
  hasToken(name: string, token: string): boolean {
    return this.tokens(name).includes(token.toLowerCase());
  }

  /** Removes every line with this name; returns how many were removed. */
  delete(name: string): number {
    let removed = 0;
    for (let i = this.indexOf(name, 0); i !== -1; i = this.indexOf(name, i)) {
      this.raw.splice(i, 2);
      removed++;
    }
    return removed;
  }

  /** Replaces every line with this name by a single line. */
  set(name: string, value: string): void {
    this.delete(name);
    this.raw.push(name, value);
  }

  /** A copy that can be changed without touching this one. */
  clone(): Fields {
    return new Fields(this.raw.slice());
  }

  /** Pairs, in order, raw names. */
  *[Symbol.iterator](): Iterator<FieldLine> {
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) yield [raw[i] as string, raw[i + 1] as string];
  }

  /** Pairs as plain arrays (for JSON). */
  toJSON(): [string, string][] {
    const out: [string, string][] = [];
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
    return out;
  }

  /** Index in `raw` of the next line named `name` at or after `from`, or -1. */
  private indexOf(name: string, from: number): number {
    const raw = this.raw;
    const len = name.length;
    for (let i = from; i < raw.length; i += 2) {
      const n = raw[i] as string;
      if (n.length === len && (n === name || equalsIgnoreCase(n, name))) return i;
    }
    return -1;
  }
}

/** ASCII case-insensitive comparison of two strings of equal length. */
export function equalsIgnoreCase(a: string, b: string): boolean {
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}
