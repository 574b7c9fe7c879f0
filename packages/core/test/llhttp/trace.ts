/**
 * Interprets an llhttp callback trace (the ```log block of a markdown case)
 * as messages: spans of the same kind are concatenated, `headers complete`
 * gives the version and status, `message complete` ends a message, and
 * `error code=N reason="…"` is the error. Span contents are taken from the
 * input at the trace's offsets (exact octets) and checked against the text
 * the trace prints, so a mistake in the input decoding cannot go unnoticed.
 */
import type { Expected, ExpectedError, ExpectedMessage } from "./case-types.ts";

/** Octets as a latin1 string (one character per octet). */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

interface Building {
  offset: number;
  method: string | null;
  url: string | null;
  status: number | null;
  reason: string | null;
  versionMajor: number | null;
  versionMinor: number | null;
  headers: [string, string][];
  folded: Set<number>;
  trailers: [string, string][] | null;
  body: string;
  headComplete: boolean;
  complete: boolean;
  upgrade: boolean;
  /** Kind of the previous field span: a new field starts at a field span after a value span. */
  lastSpan: "field" | "value" | null;
  /** Offset of the LF that ends the line of the current field name. */
  fieldLineEnd: number;
  inTrailers: boolean;
}

const LINE = /^off=(\d+|NULL) (.*)$/;
const SPAN = /^len=(\d+) span\[(\w+)\]=(.*)$/;
const HEADERS_COMPLETE =
  /^headers complete (?:method=(\d+)|status=(\d+)) v=(\d+)\/(\d+) flags=([0-9a-f]+) content_length=(\d+)$/;
const ERROR = /^error code=(\d+) reason="(.*)"$/;
const COMPLETE =
  /^(method|url|protocol|version|status|header_field|header_value|chunk_extension_name|chunk_extension_value) complete$/;

/** The text a trace prints for a span: `cr`, `lf`, or the octets in quotes (`\t`, `\f` escaped). */
function printedSpan(raw: string): string {
  if (raw === "cr") return "\r";
  if (raw === "lf") return "\n";
  if (raw.length < 2 || !raw.startsWith('"') || !raw.endsWith('"')) {
    throw new Error(`unreadable span text ${raw}`);
  }
  return raw.slice(1, -1).replace(/\\t/g, "\t").replace(/\\f/g, "\f");
}

function fresh(offset: number): Building {
  return {
    offset,
    method: null,
    url: null,
    status: null,
    reason: null,
    versionMajor: null,
    versionMinor: null,
    headers: [],
    folded: new Set(),
    trailers: null,
    body: "",
    headComplete: false,
    complete: false,
    upgrade: false,
    lastSpan: null,
    fieldLineEnd: -1,
    inTrailers: false,
  };
}

/**
 * Adds a header_field or header_value span at `off`. A value span that starts
 * after the line of its field name is an obs-fold continuation (RFC 9112 §5.2).
 */
function addFieldSpan(
  m: Building,
  kind: "field" | "value",
  text: string,
  off: number,
  input: Uint8Array,
): void {
  if (m.inTrailers && m.trailers === null) m.trailers = [];
  const list = m.inTrailers && m.trailers !== null ? m.trailers : m.headers;
  if (kind === "field") {
    if (m.lastSpan === "field") {
      const last = list[list.length - 1] as [string, string];
      last[0] += text;
    } else {
      list.push([text, ""]);
    }
    m.fieldLineEnd = input.indexOf(0x0a, off + text.length);
  } else {
    const last = list[list.length - 1];
    if (last === undefined) throw new Error("header value span before any header field span");
    last[1] += text;
    const continued = text.length > 0 && m.fieldLineEnd !== -1 && off > m.fieldLineEnd;
    if (continued && !m.inTrailers) m.folded.add(list.length - 1);
  }
  m.lastSpan = kind;
}

function finishMessage(m: Building): ExpectedMessage {
  const out: Record<string, unknown> = { offset: m.offset };
  if (m.method !== null) out.method = m.method;
  if (m.url !== null) out.url = m.url;
  if (m.status !== null) out.status = m.status;
  if (m.reason !== null) out.reason = m.reason;
  if (m.versionMajor !== null) {
    out.versionMajor = m.versionMajor;
    out.versionMinor = m.versionMinor;
  }
  out.headers = m.headers;
  if (m.folded.size > 0) out.foldedHeaders = [...m.folded].sort((a, b) => a - b);
  out.body = m.body;
  if (m.trailers !== null) out.trailers = m.trailers;
  out.headComplete = m.headComplete;
  out.complete = m.complete;
  if (m.upgrade) out.upgrade = true;
  return out as unknown as ExpectedMessage;
}

/** The method of a request that starts at `offset`: the octets up to the first SP. */
function methodAt(input: Uint8Array, offset: number): string | null {
  const sp = input.indexOf(0x20, offset);
  return sp === -1 ? null : latin1(input.subarray(offset, sp));
}

/** Interprets the trace `log` of a case whose input is `input`. */
export function interpretTrace(
  log: readonly string[],
  input: Uint8Array,
  kind: "request" | "response",
): Expected {
  const messages: Building[] = [];
  let cur: Building | null = null;
  let error: ExpectedError | undefined;
  let rest: string | undefined;
  let finish: 0 | 1 | 2 | undefined;
  let pauses = 0;
  const decoder = new TextDecoder();

  for (const line of log) {
    if (line.trim() === "") continue;
    const m = LINE.exec(line);
    if (m === null) throw new Error(`unreadable trace line: ${line}`);
    const off = m[1] === "NULL" ? -1 : Number(m[1]);
    const what = m[2] as string;
    if (error !== undefined) throw new Error(`trace continues after an error: ${line}`);

    if (what === "message begin") {
      cur = fresh(off);
      messages.push(cur);
      continue;
    }
    const fin = /^finish=(\d)$/.exec(what);
    if (fin !== null) {
      finish = Number(fin[1]) as 0 | 1 | 2;
      continue;
    }
    if (what === "reset" || what === "skip body" || COMPLETE.test(what)) continue;
    if (what === "pause") {
      pauses++;
      continue;
    }
    const err = ERROR.exec(what);
    if (err !== null) {
      const reason = err[2] as string;
      if (reason === "Pause on CONNECT/Upgrade") {
        // Not an error: llhttp stops so that the caller can switch protocols.
        if (cur === null) throw new Error("upgrade pause without a message");
        cur.upgrade = true;
        rest = latin1(input.subarray(off));
        cur = null;
        continue;
      }
      error = { code: Number(err[1]), reason, offset: off };
      continue;
    }
    if (cur === null) throw new Error(`trace event outside a message: ${line}`);
    const msg: Building = cur;
    if (what === "message complete") {
      msg.complete = true;
      continue;
    }
    const hc = HEADERS_COMPLETE.exec(what);
    if (hc !== null) {
      msg.headComplete = true;
      if (hc[2] !== undefined) msg.status = Number(hc[2]);
      msg.versionMajor = Number(hc[3]);
      msg.versionMinor = Number(hc[4]);
      msg.lastSpan = null;
      continue;
    }
    const chunk = /^chunk (header len=(\d+)|complete)$/.exec(what);
    if (chunk !== null) {
      // The last chunk (size 0) is followed by the trailer section.
      if (chunk[2] === "0") {
        msg.inTrailers = true;
        msg.lastSpan = null;
      }
      continue;
    }
    const span = SPAN.exec(what);
    if (span === null) throw new Error(`unknown trace event: ${line}`);
    const len = Number(span[1]);
    const octets = input.subarray(off, off + len);
    if (octets.length !== len) throw new Error(`span past the end of the input: ${line}`);
    const printed = printedSpan(span[3] as string);
    if (decoder.decode(octets) !== printed) {
      throw new Error(
        `span text does not match the input at ${off}: ${line} vs ${JSON.stringify(latin1(octets))}`,
      );
    }
    const text = latin1(octets);
    switch (span[2]) {
      case "method":
        msg.method = (msg.method ?? "") + text;
        break;
      case "url":
        // Older traces have no method span: the method is what precedes the target.
        if (msg.method === null && kind === "request") msg.method = methodAt(input, msg.offset);
        msg.url = (msg.url ?? "") + text;
        break;
      case "status":
        msg.reason = (msg.reason ?? "") + text;
        break;
      case "header_field":
        addFieldSpan(msg, "field", text, off, input);
        break;
      case "header_value":
        addFieldSpan(msg, "value", text, off, input);
        break;
      case "body":
        msg.body += text;
        break;
      case "protocol":
      case "version":
      case "chunk_extension_name":
      case "chunk_extension_value":
        break;
      default:
        throw new Error(`unknown span kind: ${line}`);
    }
  }

  // A response head without a reason span has an empty reason-phrase.
  const out: ExpectedMessage[] = messages.map((b) => {
    if (kind === "response" && b.headComplete && b.reason === null) b.reason = "";
    return finishMessage(b);
  });
  const expected: Record<string, unknown> = { messages: out };
  if (error !== undefined) expected.error = error;
  if (rest !== undefined) expected.rest = rest;
  if (finish !== undefined) expected.finish = finish;
  if (pauses > 0) expected.pauses = pauses;
  return expected as unknown as Expected;
}
