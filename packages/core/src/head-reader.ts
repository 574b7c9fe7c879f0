/**
 * Reads a message head incrementally (RFC 9112 §2.1):
 *
 *     HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
 *
 * Lines are found with the native `indexOf(LF)`, resuming where the last
 * search stopped, so a head that arrives one octet at a time costs O(n).
 * Each complete line is checked on octets at once (table lookups); the
 * strings are made only when the whole head is there, from one decode of the
 * head, by slicing. Every limit is checked against partial lines too, so a
 * slow peer cannot make the reader hold more than the limits allow.
 *
 * All offsets kept here are relative to the first octet of the head, so they
 * stay valid when the parser moves unconsumed bytes to a new buffer.
 */
import {
  COLON,
  CR,
  FIELD_VALUE,
  HTAB,
  LF,
  SP,
  TCHAR,
  VALUE_INVALID,
  VALUE_OBS_TEXT,
} from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import {
  FIELD_CONTENT_LENGTH,
  FieldLineParts,
  fieldKind,
  scanContinuation,
  scanFieldLine,
} from "./field-line.ts";
import { Fields } from "./fields.ts";
import { HeadFacts } from "./head-facts.ts";
import { decodeAscii, decodeLatin1 } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";
import { INCOMPLETE, INVALID, lineEnd, lineEndError } from "./line-end.ts";
import { RequestLineParts, scanRequestLine } from "./request-line.ts";
import { StatusLineParts, scanStatusLine } from "./status-line.ts";

/** {@link HeadReader.read}: the head is not complete yet. */
export const HEAD_NEED_MORE = 0;
/** {@link HeadReader.read}: the head is complete; see the reader's result fields. */
export const HEAD_DONE = 1;
/** {@link HeadReader.read}: the head is invalid; see {@link HeadReader.error}. */
export const HEAD_FAILED = 2;

/**
 * Incremental reader of one head at a time: a request head (request-line) or
 * a response head (status-line), then field lines up to the empty line.
 */
export class HeadReader {
  private readonly request: boolean;
  private readonly lenient: boolean;
  private readonly maxStartLine: number;
  private readonly maxFieldLine: number;
  private readonly maxHeaderBytes: number;
  private readonly maxFields: number;

  /** The current line has no LF before this offset (it was incomplete up to here). */
  private scan = 0;
  /** Start of the line being read. */
  private lineStart = 0;
  /** Start of the field section, -1 while the start-line is incomplete. */
  private fieldsStart = -1;
  /** Field lines seen (obs-fold continuations not counted). */
  private count = 0;
  /** Per field line: name start, name end, value start, value end (-1 name start: obs-fold). */
  private readonly recs: number[] = [];
  private nrec = 0;
  /** Some octet ≥ 0x80 must survive decoding (obs-text). */
  private nonAscii = false;
  private lastKind = 0;
  private readonly line = new FieldLineParts();
  /** Set by {@link valueEnd}. */
  private obsText = false;

  /** The request-line, valid after {@link HEAD_DONE} on a request reader. */
  readonly requestLine: RequestLineParts = new RequestLineParts();
  /** The status-line, valid after {@link HEAD_DONE} on a response reader. */
  readonly statusLine: StatusLineParts = new StatusLineParts();
  /** The fields the parser acts upon, noted while scanning. */
  readonly facts: HeadFacts = new HeadFacts();

  /** Octets of the complete head, final empty line included. */
  length = 0;
  /** The start-line and field lines, decoded (one code point per octet). */
  text = "";
  /** The field lines of the complete head. */
  fields: Fields = new Fields();
  /** Why {@link HEAD_FAILED} was returned. */
  error: ProtocolError | null = null;

  constructor(request: boolean, limits: ParserLimits, lenientLineEndings: boolean) {
    this.request = request;
    this.lenient = lenientLineEndings;
    this.maxStartLine = request ? limits.maxRequestLine : limits.maxStatusLine;
    this.maxFieldLine = limits.maxFieldLine;
    this.maxHeaderBytes = limits.maxHeaderBytes;
    this.maxFields = limits.maxFields;
  }

  /** True while nothing of a head has been looked at. */
  get fresh(): boolean {
    return this.scan === 0 && this.lineStart === 0;
  }

  /** Forgets the previous head. */
  reset(): void {
    this.scan = 0;
    this.lineStart = 0;
    this.fieldsStart = -1;
    this.count = 0;
    this.nrec = 0;
    this.nonAscii = false;
    this.facts.reset();
    this.text = "";
    this.error = null;
  }

  /**
   * Reads on in `b`, where the head starts at `base` (the same octets as in
   * earlier calls, maybe more of them, maybe moved to another buffer).
   */
  read(b: Uint8Array, base: number): number {
    const end = b.length;
    let ls = this.lineStart;
    if (this.scan > ls) {
      // The line at `ls` was incomplete up to `scan`: look for its LF in the new
      // octets only, and scan the line again only once it is complete.
      if (b.indexOf(LF, base + this.scan) === -1) return this.needMore(end - base);
    }
    const lenient = this.lenient;
    for (;;) {
      const s = base + ls;
      let next: number;
      if (this.fieldsStart < 0) {
        next = this.startLine(b, s, end);
      } else {
        const first = b[s];
        if (first === CR || first === LF) {
          // The empty line: the head is complete (RFC 9112 §2.1).
          next = lineEnd(b, s, end, lenient);
          if (next === INCOMPLETE) return this.needMore(end - base);
          if (next < 0) return this.failWith(lineEndError(next, ls));
          if (next - base - this.fieldsStart > this.maxHeaderBytes) return this.headersTooLarge();
          this.length = next - base;
          this.build(b, base, next - base);
          return HEAD_DONE;
        }
        next =
          first === SP || first === HTAB
            ? this.continuation(b, base, s, end)
            : this.fieldLine(b, base, s, end);
      }
      if (next < 0) {
        if (next === INCOMPLETE) return this.needMore(end - base);
        return HEAD_FAILED;
      }
      ls = next - base;
      this.lineStart = ls;
      this.scan = ls;
    }
  }

  /** The start-line at `s`; returns what the line scanners return. */
  private startLine(b: Uint8Array, s: number, end: number): number {
    let next: number;
    let lineLength: number;
    if (this.request) {
      const line = this.requestLine;
      next = scanRequestLine(b, s, end, this.lenient, line);
      if (next === INVALID) this.error = line.error;
      lineLength = line.lineEnd;
    } else {
      const line = this.statusLine;
      next = scanStatusLine(b, s, end, this.lenient, line);
      if (next === INVALID) this.error = line.error;
      else if (line.obsText) this.nonAscii = true;
      lineLength = line.reasonEnd;
    }
    if (next < 0) return next;
    if (lineLength > this.maxStartLine) {
      this.startLineTooLong();
      return INVALID;
    }
    this.fieldsStart = next - s;
    return next;
  }

  /**
   * One field line at `s` that starts with a token. The common shape,
   * `token ":" OWS value OWS CRLF` with valid octets, is checked here in one
   * pass; anything else (an error, an incomplete line, a bare LF) goes to the
   * full scanner in field-line.ts, which accepts the same lines and names the
   * exact error for the others.
   */
  private fieldLine(b: Uint8Array, base: number, s: number, end: number): number {
    let i = s;
    while (i < end && TCHAR[b[i]!] === 1) i++;
    if (i === s || i >= end || b[i] !== COLON) return this.scannedFieldLine(b, base, s, end);
    const nameEnd = i++;
    while (i < end && (b[i] === SP || b[i] === HTAB)) i++;
    const vs = i;
    this.obsText = false;
    i = this.valueEnd(b, i, end);
    if (i + 1 >= end || b[i] !== CR || b[i + 1] !== LF)
      return this.scannedFieldLine(b, base, s, end);
    let ve = i;
    while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HTAB)) ve--;
    return this.addField(b, base, s, nameEnd, vs, ve, i, i + 2, this.obsText);
  }

  /**
   * The offset of the first octet from `i` that cannot be in a field value
   * (RFC 9110 §5.5: VCHAR, SP, HTAB, obs-text can); sets {@link obsText}.
   */
  private valueEnd(b: Uint8Array, i: number, end: number): number {
    for (;;) {
      // SP and VCHAR (%x20-7E), the common octets, by two comparisons
      for (; i < end; i++) {
        const c = b[i]!;
        if (c < SP || c > 0x7e) break;
      }
      if (i === end) return i;
      const k = FIELD_VALUE[b[i]!];
      if (k === VALUE_INVALID) return i;
      // HTAB, or obs-text (kept as latin1 code points)
      if (k === VALUE_OBS_TEXT) this.obsText = true;
      i++;
    }
  }

  /** A field line the quick check did not accept, scanned by field-line.ts. */
  private scannedFieldLine(b: Uint8Array, base: number, s: number, end: number): number {
    const line = this.line;
    const next = scanFieldLine(b, s, end, this.lenient, line, base);
    if (next < 0) return this.lineFailed(next);
    return this.addField(
      b,
      base,
      s,
      line.nameEnd,
      line.valueStart,
      line.valueEnd,
      line.lineEnd,
      next,
      line.obsText,
    );
  }

  /** Records a checked field line (absolute offsets); returns `next` or INVALID. */
  private addField(
    b: Uint8Array,
    base: number,
    s: number,
    nameEnd: number,
    vs: number,
    ve: number,
    lineEnd: number,
    next: number,
    obsText: boolean,
  ): number {
    const err = this.checkLine(lineEnd - s, next - base, s - base);
    if (err !== 0) return err;
    if (++this.count > this.maxFields) {
      this.fail("TOO_MANY_FIELDS", `more than ${this.maxFields} field lines`, s - base);
      return INVALID;
    }
    const recs = this.recs;
    const r = this.nrec;
    recs[r] = s - base;
    recs[r + 1] = nameEnd - base;
    recs[r + 2] = vs - base;
    recs[r + 3] = ve - base;
    this.nrec = r + 4;
    if (obsText) this.nonAscii = true;
    const kind = fieldKind(b, s, nameEnd - s);
    this.lastKind = kind;
    if (kind !== 0) this.facts.note(kind, b, vs, ve);
    return next;
  }

  /** Field-line and field-section limits for a complete line; 0 when within them. */
  private checkLine(length: number, sectionEnd: number, offset: number): number {
    if (length > this.maxFieldLine) {
      this.fieldTooLarge(offset);
      return INVALID;
    }
    if (sectionEnd - this.fieldsStart > this.maxHeaderBytes) {
      this.headersTooLarge();
      return INVALID;
    }
    return 0;
  }

  private lineFailed(result: number): number {
    if (result === INVALID) this.error = this.line.error;
    return result;
  }

  /** A line at `s` that starts with SP or HTAB (RFC 9112 §2.2, §5.2). */
  private continuation(b: Uint8Array, base: number, s: number, end: number): number {
    if (this.request) {
      // RFC 9112 §2.2: whitespace between the start-line and the first field → reject.
      // RFC 9112 §5.2: a server rejects obs-fold in a request with 400.
      this.error =
        this.count === 0
          ? new ProtocolError(
              "WHITESPACE_AFTER_START_LINE",
              "whitespace between the start-line and the first field line (RFC 9112 §2.2)",
              s - base,
            )
          : new ProtocolError(
              "OBS_FOLD",
              "obsolete line folding in a request (RFC 9112 §5.2)",
              s - base,
            );
      return INVALID;
    }
    const line = this.line;
    const next = scanContinuation(b, s, end, this.lenient, line, base);
    if (next < 0) return this.lineFailed(next);
    const err = this.checkLine(line.lineEnd - s, next - base, s - base);
    if (err !== 0) return err;
    // RFC 9112 §2.2: in a response, a whitespace line before the first field is
    // consumed without further processing.
    if (this.count === 0) return next;
    // RFC 9112 §5.2: a user agent replaces each obs-fold with SP (done in build()).
    const recs = this.recs;
    const r = this.nrec;
    recs[r] = -1;
    recs[r + 1] = -1;
    recs[r + 2] = line.valueStart - base;
    recs[r + 3] = line.valueEnd - base;
    this.nrec = r + 4;
    if (line.obsText) this.nonAscii = true;
    if (this.lastKind === FIELD_CONTENT_LENGTH) this.facts.contentLengthFolded = true;
    return next;
  }

  /** Decodes the head (`end` octets from `base`) once and cuts the field strings from it. */
  private build(b: Uint8Array, base: number, end: number): void {
    const text = this.nonAscii
      ? decodeLatin1(b, base, base + end)
      : decodeAscii(b, base, base + end);
    this.text = text;
    const recs = this.recs;
    const n = this.nrec;
    const raw: string[] = [];
    for (let r = 0; r < n; r += 4) {
      const ns = recs[r]!;
      if (ns >= 0) {
        raw.push(text.slice(ns, recs[r + 1]), text.slice(recs[r + 2], recs[r + 3]));
      } else {
        // RFC 9112 §5.2: obs-fold → SP, joining the previous value and this line.
        const more = text.slice(recs[r + 2], recs[r + 3]);
        const last = raw.length - 1;
        if (more !== "") raw[last] = raw[last] === "" ? more : `${raw[last]} ${more}`;
      }
    }
    this.fields = new Fields(raw);
    if (this.facts.contentLengthFolded) this.facts.rereadContentLength(this.fields);
  }

  /**
   * The buffer (which ends at relative offset `end`) holds only part of the
   * current line: remember that it has no LF, and check the limits against
   * the partial line.
   */
  private needMore(end: number): number {
    this.scan = end;
    const partial = end - this.lineStart;
    // A complete line may still gain its CR, hence the `+ 1`.
    if (this.fieldsStart < 0) {
      return partial > this.maxStartLine + 1 ? this.startLineTooLong() : HEAD_NEED_MORE;
    }
    if (partial > this.maxFieldLine + 1) return this.fieldTooLarge(this.lineStart);
    if (end - this.fieldsStart > this.maxHeaderBytes) return this.headersTooLarge();
    return HEAD_NEED_MORE;
  }

  private startLineTooLong(): number {
    return this.request
      ? this.fail(
          "REQUEST_LINE_TOO_LONG",
          `request-line longer than ${this.maxStartLine} octets (RFC 9112 §3: 414)`,
          0,
        )
      : this.fail("STATUS_LINE_TOO_LONG", `status-line longer than ${this.maxStartLine} octets`, 0);
  }

  private fieldTooLarge(offset: number): number {
    return this.fail(
      "FIELD_TOO_LARGE",
      `a field line is longer than ${this.maxFieldLine} octets (RFC 6585 §5: 431)`,
      offset,
    );
  }

  private headersTooLarge(): number {
    return this.fail(
      "HEADERS_TOO_LARGE",
      `the field section is larger than ${this.maxHeaderBytes} octets (RFC 6585 §5: 431)`,
      this.fieldsStart,
    );
  }

  private fail(code: ProtocolError["code"], message: string, offset: number): number {
    return this.failWith(new ProtocolError(code, message, offset));
  }

  private failWith(error: ProtocolError): number {
    this.error = error;
    return HEAD_FAILED;
  }
}
