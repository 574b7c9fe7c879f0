/**
 * The trailer section of a chunked body (RFC 9112 §7.1.2):
 *
 *     chunked-body    = *chunk last-chunk trailer-section CRLF
 *     trailer-section = *( field-line CRLF )
 *
 * Trailer lines follow the field-line rules of the head (RFC 9112 §5,
 * obs-fold §5.2). The section is read line by line, each line once its LF
 * is there, or once it breaks a limit: a limit counts as broken at the
 * first octet after which no ending of the line could keep it, the limit
 * broken first wins (maxFieldLine on a tie), before any error in the line's
 * content — so the verdict does not depend on how the octets were chunked.
 */
import * as chars from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import { FieldLineParts, scanContinuation, scanFieldLine } from "./field-line.ts";
import { Fields } from "./fields.ts";
import { decodeAscii, decodeLatin1, type Latin1Decoder } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";
import { lineEnd, lineEndError } from "./line-end.ts";
import { brokenLimit, NO_LIMIT, SECTION_LIMIT } from "./line-limits.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { CR, HTAB, LF, SP } = chars;

/** {@link TrailerSection.read}: more octets are needed. */
export const TRAILER_NEED_MORE = 0;
/** {@link TrailerSection.read}: the empty line ended the section; see {@link TrailerSection.fields}. */
export const TRAILER_END = 1;
/** {@link TrailerSection.read}: invalid; see {@link TrailerSection.error}. */
export const TRAILER_FAILED = 2;

/** Reads the trailer section of one chunked body; {@link reset} before the next. */
export class TrailerSection {
  private readonly request: boolean;
  private readonly lenient: boolean;
  private readonly maxTrailerBytes: number;
  private readonly maxFieldLine: number;
  private readonly maxFields: number;
  private readonly decoder: Latin1Decoder | null;

  /** Where the next LF search starts, relative to the line being read. */
  private scan = 0;
  /** Octets of the complete lines read so far. */
  private bytes = 0;
  private raw: string[] | null = null;
  private readonly line = new FieldLineParts();

  /** The first unconsumed octet after a {@link read}. */
  pos = 0;
  /** The trailer fields after {@link TRAILER_END}, or `null` when there were none. */
  fields: Fields | null = null;
  /** Why {@link TRAILER_FAILED} was returned. */
  error: ProtocolError | null = null;

  /** `decode`: as for HeadReader, a native latin1 decoder for the strings. */
  constructor(
    request: boolean,
    limits: ParserLimits,
    lenientLineEndings: boolean,
    decode: Latin1Decoder | null,
  ) {
    this.request = request;
    this.lenient = lenientLineEndings;
    this.maxTrailerBytes = limits.maxTrailerBytes;
    this.maxFieldLine = limits.maxFieldLine;
    this.maxFields = limits.maxFields;
    this.decoder = decode;
  }

  /** Starts a new trailer section. */
  reset(): void {
    this.scan = 0;
    this.bytes = 0;
    this.raw = null;
    this.fields = null;
    this.error = null;
  }

  /** Reads lines from `b[pos]` on; afterwards {@link pos} is the first unconsumed octet. */
  read(b: Uint8Array, pos: number): number {
    for (;;) {
      const r = this.readLine(b, pos);
      if (r !== -1) return r;
      pos = this.pos;
    }
  }

  /**
   * Reads one line at `pos`. Returns a {@link read} result, or -1 when the
   * line was consumed and reading goes on from {@link pos}.
   */
  private readLine(b: Uint8Array, pos: number): number {
    this.pos = pos;
    const end = b.length;
    const lf = b[pos] === CR && b[pos + 1] === LF ? pos + 1 : b.indexOf(LF, pos + this.scan);
    if (lf === -1) {
      this.scan = end - pos;
      return this.overLimit(pos, end, -1) ? TRAILER_FAILED : TRAILER_NEED_MORE;
    }
    // The line is complete: the scanners below stop at its terminator.
    this.scan = 0;
    const contentEnd = lf > pos && b[lf - 1] === CR ? lf - 1 : lf;
    if (this.overLimit(pos, lf, contentEnd)) return TRAILER_FAILED;
    this.bytes += lf + 1 - pos;
    const first = b[pos];
    if (first === CR || first === LF) {
      // RFC 9112 §7.1: the empty line ends the trailer section and the message.
      const next = lineEnd(b, pos, end, this.lenient);
      if (next < 0) return this.failWith(lineEndError(next, undefined));
      this.pos = next;
      const raw = this.raw;
      this.fields = raw === null ? null : new Fields(raw);
      return TRAILER_END;
    }
    const line = this.line;
    const raw = this.raw;
    if (first === SP || first === HTAB) {
      // RFC 9112 §5.2 applies to trailer lines as to header lines (§7.1.2).
      if (this.request) {
        return this.fail("OBS_FOLD", "obsolete line folding in a request trailer (RFC 9112 §5.2)");
      }
      const next = scanContinuation(b, pos, end, this.lenient, line, pos);
      if (next < 0) return this.lineFailed();
      this.pos = next;
      if (raw === null) return -1; // nothing to continue: consumed unprocessed
      const more = this.decode(b, line.valueStart, line.valueEnd, line.obsText);
      const last = raw.length - 1;
      if (more !== "") raw[last] = raw[last] === "" ? more : `${raw[last]} ${more}`;
      return -1;
    }
    const next = scanFieldLine(b, pos, end, this.lenient, line, pos);
    if (next < 0) return this.lineFailed();
    this.pos = next;
    let out = raw;
    if (out === null) {
      out = [];
      this.raw = out;
    }
    if (out.length >= this.maxFields * 2) {
      return this.fail("TOO_MANY_FIELDS", `more than ${this.maxFields} trailer fields`);
    }
    out.push(
      this.decode(b, pos, line.nameEnd, false),
      this.decode(b, line.valueStart, line.valueEnd, line.obsText),
    );
    return -1;
  }

  /** Whether the line at `pos` breaks a limit (line-limits.ts); then the error is set. */
  private overLimit(pos: number, stop: number, contentEnd: number): boolean {
    const sectionAt = pos + this.maxTrailerBytes - this.bytes + 1;
    const broken = brokenLimit(pos, stop, contentEnd, this.maxFieldLine, sectionAt);
    if (broken === NO_LIMIT) return false;
    if (broken === SECTION_LIMIT) {
      this.fail(
        "TRAILERS_TOO_LARGE",
        `the trailer section is larger than ${this.maxTrailerBytes} octets`,
      );
    } else {
      this.fail("FIELD_TOO_LARGE", `a trailer line is longer than ${this.maxFieldLine} octets`);
    }
    return true;
  }

  /** A line scan failed (it cannot be incomplete: its LF is there). */
  private lineFailed(): number {
    return this.failWith(
      this.line.error ??
        new ProtocolError("INVALID_FIELD_NAME", "invalid trailer line (RFC 9112 §7.1.2)"),
    );
  }

  private decode(b: Uint8Array, s: number, e: number, obsText: boolean): string {
    const decoder = this.decoder;
    if (decoder !== null) return decoder(b, s, e);
    return obsText ? decodeLatin1(b, s, e) : decodeAscii(b, s, e);
  }

  private fail(code: ProtocolError["code"], message: string): number {
    return this.failWith(new ProtocolError(code, message));
  }

  private failWith(error: ProtocolError): number {
    this.error = error;
    return TRAILER_FAILED;
  }
}
