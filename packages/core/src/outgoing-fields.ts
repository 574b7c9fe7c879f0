/**
 * One validating pass over the fields of an outgoing head: each line is
 * checked (RFC 9110 §5.1 name, §5.5 value) and serialized, and the fields
 * that framing and routing depend on are noted for the serializer.
 */
import { UsageError } from "./errors.ts";
import { equalsIgnoreCase, Fields } from "./fields.ts";
import { ASCII, assertFieldName, assertFieldValue } from "./outgoing-syntax.ts";

/** Fields to send: a {@link Fields} or any iterable of `[name, value]` pairs, in order. */
export type OutgoingFields = Fields | Iterable<readonly [string, string]>;

/** What one pass over the caller's fields found. */
export interface FieldScan {
  /** The serialized field lines, each ending in CRLF. */
  text: string;
  /** Every value is US-ASCII (no obs-text). */
  ascii: boolean;
  /** Combined Content-Length values, if any. */
  contentLength: string | undefined;
  /** Combined Transfer-Encoding values, if any. */
  transferEncoding: string | undefined;
  /** Combined Connection values, if any. */
  connection: string | undefined;
  /** Number of Host lines. */
  hosts: number;
  /** An Upgrade line is present. */
  upgrade: boolean;
  /** A Keep-Alive line is present (RFC 2068 §19.7.1.1). */
  keepAlive: boolean;
  /**
   * Made by {@link scanRepeatedFields} (or derived from such a scan by
   * {@link withField}): it may be handed out again for an equal field list,
   * so nothing may change it.
   */
  shared: boolean;
}

const CRLF = "\r\n";

/**
 * Validates and serializes the caller's fields, noting the ones framing
 * cares about. Throws a {@link UsageError} on the first invalid line.
 */
export function scanFields(fields: OutgoingFields | undefined): FieldScan {
  const scan: FieldScan = {
    text: "",
    ascii: true,
    contentLength: undefined,
    transferEncoding: undefined,
    connection: undefined,
    hosts: 0,
    upgrade: false,
    keepAlive: false,
    shared: false,
  };
  if (fields === undefined) return scan;
  // Arrays are told first (see equalsLastLines).
  if (Array.isArray(fields)) {
    // The common case, a list of pairs: indexed, no iterator objects per response.
    const list = fields as readonly (readonly [string, string])[];
    for (let i = 0; i < list.length; i++) {
      const pair = list[i] as readonly [string, string];
      addField(scan, pair[0], pair[1]);
    }
  } else if (fields instanceof Fields) {
    const raw = fields.raw;
    for (let i = 0; i < raw.length; i += 2) addField(scan, raw[i] as string, raw[i + 1] as string);
  } else {
    for (const [name, value] of fields) addField(scan, name, value);
  }
  return scan;
}

// --- repeated field lists ---------------------------------------------------------
//
// A server usually answers with the same few field lines again and again
// (often the very same array). Validating and serializing them costs more
// than the rest of a small response's head, so the last list scanned is
// remembered as its flat name/value strings, with its scan. The list given
// is compared line by line with those strings (`===`: the same string is
// one pointer comparison), so a list changed in place, a different list with
// the same lines, or lines that differ in any octet are all told apart: an
// equal list gets the scan an equal list would get anyway, read-only.

/** The lines of the last list given to {@link scanRepeatedFields}: `[name, value, …]`. */
let lastLines: string[] = [];
/** Its scan (shared), or null before the first. */
let lastScan: FieldScan | null = null;

/**
 * {@link scanFields} for lists that often repeat: an equal list (same
 * lines, same order, octet for octet) gets the same scan object as the last
 * one. The scan is read-only (`shared`): add lines with {@link withField}.
 */
export function scanRepeatedFields(fields: OutgoingFields | undefined): FieldScan {
  const last = lastScan;
  if (last !== null && fields !== undefined && equalsLastLines(fields)) return last;
  const scan = scanFields(fields);
  if (Array.isArray(fields)) lastLines = flatLines(fields);
  else if (fields instanceof Fields) lastLines = fields.raw.slice();
  else return scan; // a one-shot iterable cannot be compared later
  scan.shared = true;
  lastScan = scan;
  return scan;
}

/**
 * Whether `fields` has the lines of {@link lastLines}. A list of pairs is
 * told by `Array.isArray` before `instanceof Fields` is asked (a `Fields`
 * is no array): with a class imported from another module, V8 (Node 20)
 * runs its generic instanceof builtins, some 250 instructions a check
 * (see message-head.ts), which a list of pairs then never pays.
 */
function equalsLastLines(fields: OutgoingFields): boolean {
  const lines = lastLines;
  if (Array.isArray(fields)) {
    const list = fields as readonly (readonly [string, string])[];
    if (list.length * 2 !== lines.length) return false;
    for (let i = 0; i < list.length; i++) {
      const pair = list[i] as readonly [string, string];
      if (pair[0] !== lines[2 * i] || pair[1] !== lines[2 * i + 1]) return false;
    }
    return true;
  }
  if (!(fields instanceof Fields)) return false;
  const raw = fields.raw;
  if (raw.length !== lines.length) return false;
  for (let i = 0; i < raw.length; i++) if (raw[i] !== lines[i]) return false;
  return true;
}

/** `[name, value, …]` of a list of pairs (already validated by `scanFields`). */
function flatLines(list: readonly (readonly [string, string])[]): string[] {
  const out = new Array<string>(list.length * 2);
  for (let i = 0; i < list.length; i++) {
    const pair = list[i] as readonly [string, string];
    out[2 * i] = pair[0];
    out[2 * i + 1] = pair[1];
  }
  return out;
}

/** The last scan {@link withField} derived from a shared one, and from what. */
let derivedFrom: FieldScan | null = null;
let derivedName = "";
let derivedValue = "";
let derived: FieldScan | null = null;

/**
 * `scan` with one more field line (validated like the caller's), e.g. the
 * `Connection: close` a server adds to its last response. A scan of one's
 * own is changed in place; a shared one is copied first, and the copy is
 * shared too: the same line added to the same shared scan again gives the
 * same copy (a keep-alive answer to every HTTP/1.0 request, say).
 */
export function withField(scan: FieldScan, name: string, value: string): FieldScan {
  if (!scan.shared) {
    addField(scan, name, value);
    return scan;
  }
  if (scan === derivedFrom && name === derivedName && value === derivedValue) {
    return derived as FieldScan;
  }
  const copy: FieldScan = { ...scan, shared: false };
  addField(copy, name, value);
  copy.shared = true;
  derivedFrom = scan;
  derivedName = name;
  derivedValue = value;
  derived = copy;
  return copy;
}

function addField(scan: FieldScan, name: string, value: string): void {
  assertFieldName(name);
  if (assertFieldValue(name, value) !== ASCII) scan.ascii = false;
  scan.text += `${name}: ${value}${CRLF}`;
  switch (name.length) {
    case 4:
      if (equalsIgnoreCase(name, "host")) scan.hosts++;
      break;
    case 7:
      if (equalsIgnoreCase(name, "upgrade")) scan.upgrade = true;
      break;
    case 10:
      if (equalsIgnoreCase(name, "connection")) scan.connection = join(scan.connection, value);
      else if (equalsIgnoreCase(name, "keep-alive")) scan.keepAlive = true;
      break;
    case 14:
      if (equalsIgnoreCase(name, "content-length")) {
        scan.contentLength = join(scan.contentLength, value);
      }
      break;
    case 17:
      if (equalsIgnoreCase(name, "transfer-encoding")) {
        scan.transferEncoding = join(scan.transferEncoding, value);
      }
      break;
  }
}

/** RFC 9110 §5.3: field lines with the same name combine with ", ". */
function join(before: string | undefined, value: string): string {
  return before === undefined ? value : `${before}, ${value}`;
}

/** True when the comma-separated `list` holds `token` (lower-case) as an element. */
export function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  for (const part of list.split(",")) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/** A {@link UsageError} for an outgoing field. */
export function fieldError(message: string): never {
  throw new UsageError("INVALID_OUTGOING_FIELD", message);
}
