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
  };
  if (fields === undefined) return scan;
  if (fields instanceof Fields) {
    const raw = fields.raw;
    for (let i = 0; i < raw.length; i += 2) addField(scan, raw[i] as string, raw[i + 1] as string);
  } else if (Array.isArray(fields)) {
    // The common case, a list of pairs: indexed, no iterator objects per response.
    const list = fields as readonly (readonly [string, string])[];
    for (let i = 0; i < list.length; i++) {
      const pair = list[i] as readonly [string, string];
      addField(scan, pair[0], pair[1]);
    }
  } else {
    for (const [name, value] of fields) addField(scan, name, value);
  }
  return scan;
}

/**
 * Adds one more field line to a scan (validated like the caller's), e.g. the
 * `Connection: close` a server adds to its last response.
 */
export function appendField(scan: FieldScan, name: string, value: string): void {
  addField(scan, name, value);
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
