/**
 * Reads a message head incrementally (RFC 9112 §2.1):
 *
 *     HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
 *
 * A line that was incomplete is looked for again with the native
 * `indexOf(LF)`, resuming where the last search stopped, so a head that
 * arrives one octet at a time costs O(n). Complete lines are checked on
 * octets as they are scanned: field lines of the common shape in runs, one
 * pass each (field-section.ts), any other line by the scanner that names its
 * exact error. The strings are made only when the whole head is there, from
 * one decode of the head, by slicing. Every limit is checked against partial
 * lines too, so a slow peer cannot make the reader hold more than the limits
 * allow.
 *
 * The verdict on a line never depends on how its octets were chunked:
 * - a line is judged only once its LF is there (a scanner that finds an
 *   error earlier is not believed until then: the octets up to the LF are
 *   the line, RFC 9112 §2.1), or once it breaks a limit;
 * - a limit counts as broken at the first octet after which no ending of
 *   the line could keep it, and the limit broken first wins (the line's own
 *   limit on a tie), before any error in the line's content;
 * - but a request-line's method is judged octet by octet: an octet no
 *   method may hold fails the line at once, unless a limit broke at or
 *   before it (request-line.ts). A peer speaking another protocol gets its
 *   400 now, not when a timer ends the wait for an LF.
 *
 * All offsets kept here are relative to the first octet of the head, so they
 * stay valid when the parser moves unconsumed bytes to a new buffer.
 */
import * as chars from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import { FieldLineParts, scanContinuation, scanFieldLine } from "./field-line.ts";
import { FieldSection } from "./field-section.ts";
import type { Fields } from "./fields.ts";
import type { HeadFacts } from "./head-facts.ts";
import { decodeAscii, decodeLatin1, type Latin1Decoder } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";
import * as lineEnds from "./line-end.ts";
import * as limits from "./line-limits.ts";
import { RequestLineParts, scanMethod, scanRequestLine } from "./request-line.ts";
import { StatusLineParts, scanStatusLine } from "./status-line.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { CR, LF, SP, HTAB } = chars;
const { INCOMPLETE, INVALID, lineEnd, lineEndError } = lineEnds;

/**
 * RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the
 * request-line. We ignore a few, and no more, per message.
 */
const MAX_LEADING_EMPTY_LINES = 8;

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
  private readonly decode: Latin1Decoder | null;

  /** The current line has no LF before this offset (it was incomplete up to here). */
  private scan = 0;
  /** Start of the line being read. */
  private lineStart = 0;
  /** Start of the field section, -1 while the start-line is incomplete. */
  private fieldsStart = -1;
  /** The start-line holds obs-text (a reason-phrase octet ≥ 0x80). */
  private startNonAscii = false;
  /** Empty lines skipped before the request-line of this message. */
  private emptyLines = 0;
  private readonly section: FieldSection;
  private readonly line = new FieldLineParts();

  /** The request-line, valid after {@link HEAD_DONE} on a request reader. */
  readonly requestLine: RequestLineParts = new RequestLineParts();
  /** The status-line, valid after {@link HEAD_DONE} on a response reader. */
  readonly statusLine: StatusLineParts = new StatusLineParts();
  /** The fields the parser acts upon, noted while scanning. */
  readonly facts: HeadFacts;

  /** Octets of the complete head, final empty line included. */
  length = 0;
  /** Why {@link HEAD_FAILED} was returned. */
  error: ProtocolError | null = null;

  /**
   * `decode`, when given, turns any octets of a head into a string with one
   * code point per octet; by default a native UTF-8 decode is used for
   * all-ASCII heads and a latin1 loop for the others.
   */
  constructor(
    request: boolean,
    limits: ParserLimits,
    lenientLineEndings: boolean,
    decode: Latin1Decoder | null = null,
  ) {
    this.request = request;
    this.lenient = lenientLineEndings;
    this.maxStartLine = request ? limits.maxRequestLine : limits.maxStatusLine;
    this.maxFieldLine = limits.maxFieldLine;
    this.maxHeaderBytes = limits.maxHeaderBytes;
    this.maxFields = limits.maxFields;
    this.decode = decode;
    this.section = new FieldSection(limits.maxFields);
    this.facts = this.section.facts;
  }

  /** True while nothing of a head has been looked at. */
  get fresh(): boolean {
    return this.scan === 0 && this.lineStart === 0;
  }

  /** Empty lines skipped before a request-line not yet seen (RFC 9112 §2.2). */
  get skippedEmptyLines(): number {
    return this.emptyLines;
  }

  /** Forgets the previous head. */
  reset(): void {
    this.scan = 0;
    this.lineStart = 0;
    this.fieldsStart = -1;
    this.startNonAscii = false;
    this.emptyLines = 0;
    this.requestLine.methodScan = -1;
    this.section.reset();
    this.error = null;
  }

  /**
   * RFC 9112 §2.2: skips the empty lines at `b[p]` before a request-line (a
   * few of them). Returns the offset after them, or -1 with {@link error}
   * set once there are too many.
   */
  skipEmptyLines(b: Uint8Array, p: number): number {
    while (p < b.length) {
      if (b[p] === CR && b[p + 1] === LF) p += 2;
      else if (b[p] === LF && this.lenient) p += 1;
      else break;
      if (++this.emptyLines > MAX_LEADING_EMPTY_LINES) {
        this.error = new ProtocolError(
          "INVALID_REQUEST_LINE",
          `more than ${MAX_LEADING_EMPTY_LINES} empty lines before the request-line (RFC 9112 §2.2)`,
        );
        return -1;
      }
    }
    return p;
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
      if (b.indexOf(LF, base + this.scan) === -1) {
        // A request-line's method is judged as it comes (see the module comment).
        const methodOpen = this.fieldsStart < 0 && this.requestLine.methodScan >= 0;
        if (methodOpen && this.methodOnward(b, base, end) === INVALID) return HEAD_FAILED;
        return this.needMore(end - base);
      }
    }
    for (;;) {
      const s = base + ls;
      let next: number;
      if (this.fieldsStart < 0) {
        next = this.startLine(b, s, end);
      } else {
        const first = b[s];
        if (first === CR || first === LF) return this.emptyLine(b, base, s, end);
        if (first === SP || first === HTAB) {
          next = this.continuation(b, base, s, end);
        } else {
          const sectionEnd = base + this.fieldsStart + this.maxHeaderBytes;
          next = this.section.run(b, base, s, end, this.maxFieldLine, sectionEnd);
          if (next === s) next = this.fieldLine(b, base, s, end);
        }
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

  /** The start-line at `s` (the head's first octet); returns what the line scanners return. */
  private startLine(b: Uint8Array, s: number, end: number): number {
    let next: number;
    let lineLength: number;
    if (this.request) {
      const line = this.requestLine;
      next = scanRequestLine(b, s, end, this.lenient, line);
      if (next === INVALID) return this.rejectRequestLine(b, s, s, line);
      lineLength = line.lineEnd;
    } else {
      const line = this.statusLine;
      next = scanStatusLine(b, s, end, this.lenient, line);
      if (next === INVALID) return this.rejectLine(b, s, s, line.error!);
      if (line.obsText) this.startNonAscii = true;
      lineLength = line.reasonEnd;
    }
    if (next < 0) return next;
    if (lineLength > this.maxStartLine) {
      this.failWith(limits.startLineTooLong(this.request, this.maxStartLine));
      return INVALID;
    }
    this.fieldsStart = next - s;
    return next;
  }

  /**
   * More octets of a request-line whose method was incomplete, and still no
   * LF: the method's new octets are judged now (see the module comment).
   * Returns {@link INCOMPLETE} or {@link INVALID}.
   */
  private methodOnward(b: Uint8Array, base: number, end: number): number {
    const line = this.requestLine;
    const s = base + this.lineStart;
    const next = scanMethod(b, s, end, this.lenient, line, s + line.methodScan);
    if (next === INVALID) return this.rejectRequestLine(b, base, s, line);
    if (next >= 0) line.methodScan = -1; // the method ended: the rest waits for the LF
    return INCOMPLETE;
  }

  /**
   * The request-line at `s` failed. An octet no method may hold decides at
   * once (`decidedAt`), unless a limit broke by then (a tie goes to the
   * limit), so that every chunking gets the same verdict; any other error
   * waits for the line's end ({@link rejectLine}).
   */
  private rejectRequestLine(
    b: Uint8Array,
    base: number,
    s: number,
    line: RequestLineParts,
  ): number {
    if (line.decidedAt < 0) return this.rejectLine(b, base, s, line.error!);
    if (!this.overLimit(s - base, s - base + line.decidedAt, -1)) this.error = line.error;
    return INVALID;
  }

  /** The empty line at `s` (it starts with CR or LF): the head is complete (RFC 9112 §2.1). */
  private emptyLine(b: Uint8Array, base: number, s: number, end: number): number {
    const next = lineEnd(b, s, end, this.lenient);
    if (next < 0) {
      // A CR not followed by LF, or a bare LF, is judged as in any other line.
      const r =
        next === INCOMPLETE ? next : this.rejectLine(b, base, s, lineEndError(next, s - base));
      return r === INVALID ? HEAD_FAILED : this.needMore(end - base);
    }
    if (next - base - this.fieldsStart > this.maxHeaderBytes) {
      return this.failWith(limits.headersTooLarge(this.maxHeaderBytes, this.fieldsStart));
    }
    this.length = next - base;
    return HEAD_DONE;
  }

  /**
   * After {@link HEAD_DONE}: the head, which starts at `b[base]`, decoded (one
   * code point per octet), for the strings to be cut from. It and
   * {@link fields} are handed over, not kept: storing a new object into this
   * long-lived reader costs a write barrier (remembered-set entry) per head.
   */
  text(b: Uint8Array, base: number): string {
    const end = base + this.length;
    const decode = this.decode;
    if (decode !== null) return decode(b, base, end);
    if (this.section.nonAscii || this.startNonAscii) return decodeLatin1(b, base, end);
    return decodeAscii(b, base, end);
  }

  /** After {@link HEAD_DONE}: the field lines of the head, cut from its {@link text}. */
  fields(text: string): Fields {
    return this.section.build(text);
  }

  /**
   * A field line at `s` that {@link FieldSection.run} did not record, read
   * by the full scanner of field-line.ts, which names the exact error.
   */
  private fieldLine(b: Uint8Array, base: number, s: number, end: number): number {
    const line = this.line;
    const next = scanFieldLine(b, s, end, this.lenient, line, base);
    if (next < 0) return this.lineFailed(b, base, s, next);
    if (this.overLimit(s - base, next - 1 - base, line.lineEnd - base)) return INVALID;
    const section = this.section;
    if (section.count >= this.maxFields) {
      const message = `more than ${this.maxFields} field lines`;
      this.failWith(new ProtocolError("TOO_MANY_FIELDS", message, s - base));
      return INVALID;
    }
    section.add(b, base, s, line.nameEnd, line.valueStart, line.valueEnd, line.obsText);
    return next;
  }

  /** A field-line scan at `s` returned `result` < 0. */
  private lineFailed(b: Uint8Array, base: number, s: number, result: number): number {
    return result === INVALID ? this.rejectLine(b, base, s, this.line.error!) : result;
  }

  /**
   * A scanner found `error` in the line at `s`. It stands once the line is
   * complete, unless the line breaks a limit (which wins); until its LF is
   * there the line is only incomplete. Returns {@link INCOMPLETE}, or
   * {@link INVALID} with {@link error} set.
   */
  private rejectLine(b: Uint8Array, base: number, s: number, error: ProtocolError): number {
    // Every scanner stops at or before the line's first LF.
    const lf = b.indexOf(LF, s);
    if (lf === -1) return INCOMPLETE;
    const contentEnd = lf > s && b[lf - 1] === CR ? lf - 1 : lf;
    if (!this.overLimit(s - base, lf - base, contentEnd - base)) this.error = error;
    return INVALID;
  }

  /** Whether the line at `ls` breaks a limit (line-limits.ts); then the error is set. */
  private overLimit(ls: number, stop: number, contentEnd: number): boolean {
    const startLine = this.fieldsStart < 0;
    const lineMax = startLine ? this.maxStartLine : this.maxFieldLine;
    const sectionAt = startLine ? limits.NEVER : this.fieldsStart + this.maxHeaderBytes + 1;
    const broken = limits.brokenLimit(ls, stop, contentEnd, lineMax, sectionAt);
    if (broken === limits.NO_LIMIT) return false;
    this.failWith(
      broken === limits.SECTION_LIMIT
        ? limits.headersTooLarge(this.maxHeaderBytes, this.fieldsStart)
        : startLine
          ? limits.startLineTooLong(this.request, this.maxStartLine)
          : limits.fieldTooLarge(this.maxFieldLine, ls),
    );
    return true;
  }

  /** A line at `s` that starts with SP or HTAB (RFC 9112 §2.2, §5.2). */
  private continuation(b: Uint8Array, base: number, s: number, end: number): number {
    const section = this.section;
    if (this.request) {
      // RFC 9112 §2.2: whitespace between the start-line and the first field → reject.
      // RFC 9112 §5.2: a server rejects obs-fold in a request with 400.
      const error =
        section.count === 0
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
      return this.rejectLine(b, base, s, error);
    }
    const line = this.line;
    const next = scanContinuation(b, s, end, this.lenient, line, base);
    if (next < 0) return this.lineFailed(b, base, s, next);
    if (this.overLimit(s - base, next - 1 - base, line.lineEnd - base)) return INVALID;
    // RFC 9112 §2.2: in a response, a whitespace line before the first field is
    // consumed without further processing.
    if (section.count === 0) return next;
    // RFC 9112 §5.2: a user agent replaces each obs-fold with SP (done when building).
    section.fold(base, line.valueStart, line.valueEnd, line.obsText);
    return next;
  }

  /**
   * The buffer (which ends at relative offset `end`) holds only part of the
   * current line: remember that it has no LF, and check the limits against
   * the partial line.
   */
  private needMore(end: number): number {
    this.scan = end;
    return this.overLimit(this.lineStart, end, -1) ? HEAD_FAILED : HEAD_NEED_MORE;
  }

  private failWith(error: ProtocolError): number {
    this.error = error;
    return HEAD_FAILED;
  }
}
