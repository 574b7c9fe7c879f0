/**
 * The fields a persistence decision reads (RFC 9112 §9.3, §6.1; RFC 9110
 * §7.6.1), found in one pass over a message's flat field list, without
 * building a Connection token list.
 *
 * Gives exactly what `Fields.has` / `Fields.tokens` would: names compared
 * ASCII case-insensitively; Connection split on `,`, each element trimmed
 * and lower-cased. A value made only of visible ASCII, space and tab is
 * read in place (the common `keep-alive` / `close`, any case, optional
 * whitespace); any other value takes the general path through
 * `String.prototype.trim` / `toLowerCase`, so the outcome never differs.
 */

import type { Fields } from "./fields.ts";
import * as fieldsModule from "./fields.ts";

// Module-local copy: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { equalsIgnoreCase } = fieldsModule;

/** What {@link readPersistenceFields} found; reused from message to message. */
export class PersistenceFields {
  /** A Transfer-Encoding line is present (RFC 9112 §6.1). */
  hasTransferEncoding = false;
  /**
   * A Content-Length line is present (RFC 9110 §8.6); looked for only when
   * {@link hasTransferEncoding}, otherwise false.
   */
  hasContentLength = false;
  /** A Connection line lists `close` (RFC 9112 §9.6). */
  close = false;
  /** A Connection line lists `keep-alive` (RFC 9112 §9.3). */
  keepAlive = false;
  /** A Connection line lists `upgrade` (RFC 9110 §7.8). */
  upgrade = false;
  /** Index in `raw` of the first Keep-Alive line's name, or -1. */
  keepAliveAt = -1;
  /** Number of Keep-Alive lines. */
  keepAliveCount = 0;

  /**
   * The combined Keep-Alive value (as `Fields.get("keep-alive")` gives it),
   * or `undefined`, of the fields last read into this object.
   */
  keepAliveValue(fields: Fields): string | undefined {
    if (this.keepAliveCount === 0) return undefined;
    if (this.keepAliveCount === 1) return fields.raw[this.keepAliveAt + 1];
    return fields.get("keep-alive");
  }
}

/** Reads the persistence fields of `fields` into `into` (one pass); returns `into`. */
export function readPersistenceFields(fields: Fields, into: PersistenceFields): PersistenceFields {
  into.hasTransferEncoding = false;
  into.hasContentLength = false;
  into.close = false;
  into.keepAlive = false;
  into.upgrade = false;
  into.keepAliveAt = -1;
  into.keepAliveCount = 0;
  const raw = fields.raw;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const len = name.length;
    // By length, then first letter (`| 0x20` folds only `C`/`c` onto `c`, and
    // so on), most other names are ruled out before a full comparison.
    if (len === 10) {
      const first = name.charCodeAt(0) | 0x20;
      if (first === 0x63 && equalsIgnoreCase(name, "connection")) {
        readConnection(raw[i + 1] as string, into);
      } else if (first === 0x6b && equalsIgnoreCase(name, "keep-alive")) {
        if (into.keepAliveCount++ === 0) into.keepAliveAt = i;
      }
    } else if (
      len === 17 &&
      (name.charCodeAt(0) | 0x20) === 0x74 &&
      equalsIgnoreCase(name, "transfer-encoding")
    ) {
      into.hasTransferEncoding = true;
    }
  }
  // Content-Length only matters next to Transfer-Encoding (RFC 9112 §6.1), so
  // it is looked for only then: most messages carry one but not the other.
  if (into.hasTransferEncoding) into.hasContentLength = fields.has("content-length");
  return into;
}

/** Notes whether one Connection value lists `close`, `keep-alive` or `upgrade` (RFC 9110 §7.6.1). */
function readConnection(value: string, into: PersistenceFields): void {
  const n = value.length;
  // The usual value is exactly one of the two options, in some case.
  if (n === 10 && sliceIs(value, 0, "keep-alive")) {
    into.keepAlive = true;
    return;
  }
  if (n === 5 && sliceIs(value, 0, "close")) {
    into.close = true;
    return;
  }
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 0x09)) {
      readConnectionSlowly(value, into);
      return;
    }
  }
  // RFC 9110 §5.6.1: `#element` — elements between commas, OWS around them.
  let start = 0;
  while (start <= n) {
    let end = value.indexOf(",", start);
    if (end === -1) end = n;
    let s = start;
    let e = end;
    while (s < e && isOws(value.charCodeAt(s))) s++;
    while (e > s && isOws(value.charCodeAt(e - 1))) e--;
    const len = e - s;
    if (len === 5 && sliceIs(value, s, "close")) into.close = true;
    else if (len === 10 && sliceIs(value, s, "keep-alive")) into.keepAlive = true;
    else if (len === 7 && sliceIs(value, s, "upgrade")) into.upgrade = true;
    start = end + 1;
  }
}

/** The general path: the same steps as `Fields.tokens`. */
function readConnectionSlowly(value: string, into: PersistenceFields): void {
  for (const part of value.split(",")) {
    const t = part.trim().toLowerCase();
    if (t === "close") into.close = true;
    else if (t === "keep-alive") into.keepAlive = true;
    else if (t === "upgrade") into.upgrade = true;
  }
}

/** OWS (RFC 9110 §5.6.3): space or horizontal tab. */
function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** `value` from `at` equals the lower-case ASCII `token`, ignoring ASCII case. */
function sliceIs(value: string, at: number, token: string): boolean {
  for (let k = 0; k < token.length; k++) {
    let c = value.charCodeAt(at + k);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== token.charCodeAt(k)) return false;
  }
  return true;
}
