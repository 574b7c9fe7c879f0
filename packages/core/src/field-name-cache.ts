/**
 * The field names of the last head a parser read, kept to be reused.
 *
 * A client sends much the same field names, in much the same order, in every
 * request on a connection (and clients of one kind send much the same as each
 * other). When the octets of a field line's name equal those of the name at
 * the same position in the last head, that name is known to be a valid token
 * (RFC 9110 §5.1: it was checked then) of the same kind (field-line.ts), and
 * its string can be reused: comparing the octets costs no more than checking
 * them, and no string is cut for it.
 *
 * The entries are rebuilt, all together, from any head that did not match
 * them all; so the strings kept are cut from one decoded head only (a cut
 * string may keep the head it was cut from alive: at most one head here).
 *
 * The octets of a kept name are held four to a number (the first in the low
 * byte), so that four octets of the head are compared at once.
 */

import * as fieldLine from "./field-line.ts";

// Module-local copy: V8 reads imported bindings through their module cell at
// every use (see chars.ts).
const { fieldKind } = fieldLine;

/** Names kept, at most (the first field lines of a head). */
const MAX_NAMES = 32;
/** Longer names are not kept. */
const MAX_NAME_LENGTH = 64;

/** See the module comment. */
export class FieldNameCache {
  /** The name of field line `k` of the last head, or "" when it is not kept. */
  private readonly names: string[] = [];
  /** Its `FIELD_*` kind (field-line.ts). */
  private readonly kinds: number[] = [];
  /** Where its octets are in {@link words}. */
  private readonly at: number[] = [];
  /** The octets of the kept names, four to a word, each name from a new word. */
  private words: Int32Array = new Int32Array(0);
  /** Scratch: the octets of one name, for {@link fieldKind}. */
  private readonly scratch = new Uint8Array(MAX_NAME_LENGTH);
  /** Entries in use. */
  private size = 0;

  /**
   * If the octets from `b[s]` are the name of field line `k` of the last
   * head followed by ":", before the LF at `stop`: the offset of that ":".
   * Otherwise -1.
   */
  match(b: Uint8Array, s: number, stop: number, k: number): number {
    if (k >= this.size) return -1;
    const name = this.names[k]!;
    const len = name.length;
    const e = (s + len) | 0;
    if (len === 0 || e >= stop || b[e] !== 0x3a /* ":" */) return -1;
    const words = this.words;
    let w = this.at[k]!;
    // Four octets per turn, packed as they were kept (each turn of a loop
    // reloads the arrays' fields: see chars.ts), then the last one to three
    // without a loop (the unused high octets of a kept word are 0).
    let i = s;
    const e4 = (s + (len & ~3)) | 0;
    while (i < e4) {
      const packed =
        b[i]! | (b[(i + 1) | 0]! << 8) | (b[(i + 2) | 0]! << 16) | (b[(i + 3) | 0]! << 24);
      if (packed !== words[w]) return -1;
      i = (i + 4) | 0;
      w = (w + 1) | 0;
    }
    const tail = len & 3;
    if (tail !== 0) {
      let packed = b[i]!;
      if (tail > 1) packed |= b[(i + 1) | 0]! << 8;
      if (tail > 2) packed |= b[(i + 2) | 0]! << 16;
      if (packed !== words[w]) return -1;
    }
    return e;
  }

  /** How many of a head's `count` field lines {@link keep} keeps. */
  kept(count: number): number {
    return Math.min(count, MAX_NAMES);
  }

  /** The name of field line `k` of the last head (after {@link match} found it). */
  name(k: number): string {
    return this.names[k]!;
  }

  /** The `FIELD_*` kind of field line `k` of the last head (after {@link match} found it). */
  kind(k: number): number {
    return this.kinds[k]!;
  }

  /**
   * Keeps the names of a head: `raw` is its flat `[name, value, …]`, with
   * `count` field lines.
   */
  keep(raw: readonly string[], count: number): void {
    const n = Math.min(count, MAX_NAMES);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const len = raw[2 * k]!.length;
      if (len <= MAX_NAME_LENGTH) total += (len + 3) >> 2;
    }
    if (this.words.length < total) this.words = new Int32Array(total);
    const words = this.words;
    let at = 0;
    for (let k = 0; k < n; k++) {
      const name = raw[2 * k]!;
      const len = name.length;
      if (len > MAX_NAME_LENGTH) {
        this.names[k] = "";
        continue;
      }
      // A recorded name is a token: ASCII, one code unit per octet.
      const scratch = this.scratch;
      for (let j = 0; j < len; j++) scratch[j] = name.charCodeAt(j);
      for (let j = 0; j < len; j += 4) {
        let packed = 0;
        for (let q = 0; q < 4 && j + q < len; q++) packed |= scratch[j + q]! << (8 * q);
        words[at + (j >> 2)] = packed;
      }
      this.names[k] = name;
      this.kinds[k] = fieldKind(scratch, 0, len);
      this.at[k] = at;
      at += (len + 3) >> 2;
    }
    this.size = n;
  }
}
