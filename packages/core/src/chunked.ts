/**
 * Incremental decoder of the chunked transfer coding (RFC 9112 §7.1):
 *
 *     chunked-body   = *chunk last-chunk trailer-section CRLF
 *     chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *     chunk-size     = 1*HEXDIG
 *     last-chunk     = 1*("0") [ chunk-ext ] CRLF
 *     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *     chunk-ext-name = token
 *     chunk-ext-val  = token / quoted-string
 *     trailer-section = *( field-line CRLF )
 *
 * Chunk data is reported as offsets into the caller's buffer (no copy).
 * Extensions are checked and then ignored (RFC 9112 §7.1.1: a recipient MUST
 * ignore extensions it does not understand). Offsets kept between calls are
 * relative to the first unconsumed octet, as in head-reader.ts.
 */
import { CR, HEX, HTAB, LF, SP, scanQuotedString, scanToken, skipWhitespace } from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import { FieldLineParts, scanContinuation, scanFieldLine } from "./field-line.ts";
import { Fields } from "./fields.ts";
import { decodeAscii, decodeLatin1 } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";
import { lineEnd, lineEndError } from "./line-end.ts";

/** {@link ChunkedDecoder.step}: more octets are needed. */
export const CHUNK_NEED_MORE = 0;
/** {@link ChunkedDecoder.step}: `b[dataStart, dataEnd)` is body data. */
export const CHUNK_DATA = 1;
/** {@link ChunkedDecoder.step}: the chunked body ended; see {@link ChunkedDecoder.trailers}. */
export const CHUNK_END = 2;
/** {@link ChunkedDecoder.step}: invalid coding; see {@link ChunkedDecoder.error}. */
export const CHUNK_FAILED = 3;

const SIZE_LINE = 0;
const DATA = 1;
const DATA_END = 2;
const TRAILER = 3;

/** RFC 9112 §7.1: chunk-size is bounded here to 16 HEXDIG (and to a safe integer). */
const MAX_SIZE_DIGITS = 16;

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;

/** Decodes one chunked body; {@link reset} before the next. */
export class ChunkedDecoder {
  private readonly request: boolean;
  private readonly lenient: boolean;
  private readonly maxExtensions: number;
  private readonly maxTrailerBytes: number;
  private readonly maxFieldLine: number;
  private readonly maxFields: number;
  private maxBody = Number.POSITIVE_INFINITY;

  private state = SIZE_LINE;
  /** Where the next LF search starts, relative to the first unconsumed octet. */
  private scan = 0;
  /** Octets left in the current chunk. */
  private remaining = 0;
  private trailerBytes = 0;
  private trailerRaw: string[] | null = null;
  private readonly line = new FieldLineParts();

  /** Body octets announced so far (sum of chunk sizes). */
  total = 0;

  /** Body octets delivered so far. */
  get received(): number {
    return this.total - this.remaining;
  }
  /** The first unconsumed octet after a {@link step}. */
  pos = 0;
  /** Start of the data reported by {@link CHUNK_DATA}. */
  dataStart = 0;
  /** End of the data reported by {@link CHUNK_DATA}. */
  dataEnd = 0;
  /** The trailer section after {@link CHUNK_END}, or `null` when it was empty. */
  trailers: Fields | null = null;
  /** Why {@link CHUNK_FAILED} was returned. */
  error: ProtocolError | null = null;

  constructor(request: boolean, limits: ParserLimits, lenientLineEndings: boolean) {
    this.request = request;
    this.lenient = lenientLineEndings;
    this.maxExtensions = limits.maxChunkExtensions;
    this.maxTrailerBytes = limits.maxTrailerBytes;
    this.maxFieldLine = limits.maxFieldLine;
    this.maxFields = limits.maxFields;
  }

  /** Starts a new chunked body of at most `maxBody` octets. */
  reset(maxBody: number): void {
    this.maxBody = maxBody;
    this.state = SIZE_LINE;
    this.scan = 0;
    this.remaining = 0;
    this.trailerBytes = 0;
    this.trailerRaw = null;
    this.total = 0;
    this.trailers = null;
    this.error = null;
  }

  /** Decodes on from `b[pos]`; afterwards {@link pos} is the first unconsumed octet. */
  step(b: Uint8Array, pos: number): number {
    for (;;) {
      switch (this.state) {
        case SIZE_LINE: {
          const lf = b.indexOf(LF, pos + this.scan);
          if (lf === -1) return this.partialSizeLine(b, pos);
          let e = lf;
          if (e > pos && b[e - 1] === CR) e--;
          else if (!this.lenient)
            return this.fail("BARE_LF", "chunk-size line ends with a bare LF (RFC 9112 §2.2)");
          const size = this.sizeLine(b, pos, e);
          if (size < 0) return CHUNK_FAILED;
          pos = lf + 1;
          this.scan = 0;
          if (size === 0) {
            this.state = TRAILER;
            break;
          }
          if (this.total + size > this.maxBody) {
            return this.fail("BODY_TOO_LARGE", `body larger than ${this.maxBody} octets`);
          }
          this.total += size;
          this.remaining = size;
          this.state = DATA;
          break;
        }
        case DATA: {
          this.pos = pos;
          const avail = b.length - pos;
          if (avail === 0) return CHUNK_NEED_MORE;
          const n = Math.min(avail, this.remaining);
          this.dataStart = pos;
          this.dataEnd = pos + n;
          this.pos = pos + n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = DATA_END;
          return CHUNK_DATA;
        }
        case DATA_END: {
          // RFC 9112 §7.1: chunk-data is followed by CRLF.
          this.pos = pos;
          if (pos >= b.length) return CHUNK_NEED_MORE;
          if (b[pos] === CR) {
            if (pos + 1 >= b.length) return CHUNK_NEED_MORE;
            if (b[pos + 1] !== LF) return this.dataEndError();
            pos += 2;
          } else if (b[pos] === LF && this.lenient) {
            pos += 1;
          } else {
            return this.dataEndError();
          }
          this.state = SIZE_LINE;
          break;
        }
        default: {
          const r = this.trailerLine(b, pos);
          if (r !== -1) return r;
          pos = this.pos;
        }
      }
    }
  }

  /**
   * Checks the chunk-size line `b[s, e)`; returns the chunk size, or -1 after
   * recording the error in {@link error}.
   */
  private sizeLine(b: Uint8Array, s: number, e: number): number {
    let i = s;
    let size = 0;
    while (i < e && HEX[b[i]!] !== 255) {
      if (i - s === MAX_SIZE_DIGITS) return this.sizeError();
      size = size * 16 + HEX[b[i]!]!;
      i++;
    }
    if (i === s || size > Number.MAX_SAFE_INTEGER) return this.sizeError();
    if (e - i > this.maxExtensions) return this.extensionsTooLong();
    // RFC 9112 §7.1.1: BWS ";" BWS name [ BWS "=" BWS value ], repeated.
    let first = true;
    while (i < e) {
      i = skipWhitespace(b, i, e);
      if (i === e || b[i] !== SEMICOLON) return first ? this.sizeError() : this.extensionError();
      first = false;
      i = skipWhitespace(b, i + 1, e);
      const ne = scanToken(b, i, e);
      if (ne === i) return this.extensionError();
      i = ne;
      const eq = skipWhitespace(b, i, e);
      if (b[eq] === EQUALS && eq < e) {
        const vs = skipWhitespace(b, eq + 1, e);
        const ve = b[vs] === DQUOTE ? scanQuotedString(b, vs, e) : scanToken(b, vs, e);
        if (ve <= vs) return this.extensionError();
        i = ve;
      }
    }
    return size;
  }

  /** No LF yet: make sure the partial chunk-size line stays within bounds. */
  private partialSizeLine(b: Uint8Array, pos: number): number {
    this.pos = pos;
    this.scan = b.length - pos;
    if (this.scan <= MAX_SIZE_DIGITS + this.maxExtensions + 1) return CHUNK_NEED_MORE;
    let i = pos;
    while (HEX[b[i]!] !== 255 && i < b.length) i++;
    if (i === pos || i - pos > MAX_SIZE_DIGITS) this.sizeError();
    else this.extensionsTooLong();
    return CHUNK_FAILED;
  }

  /**
   * Reads one trailer line at `pos`. Returns a step result, or -1 when the
   * line was consumed and decoding goes on from {@link pos}.
   */
  private trailerLine(b: Uint8Array, pos: number): number {
    this.pos = pos;
    const end = b.length;
    const lf = b.indexOf(LF, pos + this.scan);
    if (lf === -1) {
      this.scan = end - pos;
      if (this.scan > this.maxFieldLine + 1) return this.fieldTooLarge();
      if (this.trailerBytes + this.scan > this.maxTrailerBytes) return this.trailersTooLarge();
      return CHUNK_NEED_MORE;
    }
    // The line is complete: the scanners below stop at its terminator.
    this.scan = 0;
    this.trailerBytes += lf + 1 - pos;
    if (this.trailerBytes > this.maxTrailerBytes) return this.trailersTooLarge();
    const first = b[pos];
    if (first === CR || first === LF) {
      // RFC 9112 §7.1: the empty line ends the trailer section and the message.
      const next = lineEnd(b, pos, end, this.lenient);
      if (next < 0) return this.failWith(lineEndError(next, undefined));
      this.pos = next;
      const raw = this.trailerRaw;
      this.trailers = raw === null ? null : new Fields(raw);
      return CHUNK_END;
    }
    const line = this.line;
    const raw = this.trailerRaw;
    if (first === SP || first === HTAB) {
      // RFC 9112 §5.2 applies to trailer lines as to header lines (§7.1.2).
      if (this.request) {
        return this.fail("OBS_FOLD", "obsolete line folding in a request trailer (RFC 9112 §5.2)");
      }
      const next = scanContinuation(b, pos, end, this.lenient, line, pos);
      if (next < 0) return this.lineFailed();
      if (line.lineEnd - pos > this.maxFieldLine) return this.fieldTooLarge();
      this.pos = next;
      if (raw === null) return -1; // nothing to continue: consumed unprocessed
      const more = this.decode(b, line.valueStart, line.valueEnd, line.obsText);
      const last = raw.length - 1;
      if (more !== "") raw[last] = raw[last] === "" ? more : `${raw[last]} ${more}`;
      return -1;
    }
    const next = scanFieldLine(b, pos, end, this.lenient, line, pos);
    if (next < 0) return this.lineFailed();
    if (line.lineEnd - pos > this.maxFieldLine) return this.fieldTooLarge();
    this.pos = next;
    let out = raw;
    if (out === null) {
      out = [];
      this.trailerRaw = out;
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

  /** A trailer line scan failed (it cannot be incomplete: its LF is there). */
  private lineFailed(): number {
    return this.failWith(
      this.line.error ??
        new ProtocolError("INVALID_FIELD_NAME", "invalid trailer line (RFC 9112 §7.1.2)"),
    );
  }

  private decode(b: Uint8Array, s: number, e: number, obsText: boolean): string {
    return obsText ? decodeLatin1(b, s, e) : decodeAscii(b, s, e);
  }

  /** Records the error; returns -1 (see {@link sizeLine}). */
  private sizeError(): number {
    return this.invalid("INVALID_CHUNK_SIZE", "chunk-size must be 1 to 16 HEXDIG (RFC 9112 §7.1)");
  }

  private extensionError(): number {
    return this.invalid(
      "INVALID_CHUNK_EXTENSION",
      'chunk-ext must be ";" token [ "=" ( token / quoted-string ) ] (RFC 9112 §7.1.1)',
    );
  }

  private extensionsTooLong(): number {
    return this.invalid(
      "CHUNK_EXTENSIONS_TOO_LONG",
      `chunk extensions longer than ${this.maxExtensions} octets (RFC 9112 §7.1.1)`,
    );
  }

  private dataEndError(): number {
    return this.fail(
      "INVALID_CHUNK_DATA_END",
      "chunk-data must be followed by CRLF (RFC 9112 §7.1)",
    );
  }

  private fieldTooLarge(): number {
    return this.fail(
      "FIELD_TOO_LARGE",
      `a trailer line is longer than ${this.maxFieldLine} octets`,
    );
  }

  private trailersTooLarge(): number {
    return this.fail(
      "TRAILERS_TOO_LARGE",
      `the trailer section is larger than ${this.maxTrailerBytes} octets`,
    );
  }

  private invalid(code: ProtocolError["code"], message: string): number {
    this.error = new ProtocolError(code, message);
    return -1;
  }

  private fail(code: ProtocolError["code"], message: string): number {
    return this.failWith(new ProtocolError(code, message));
  }

  private failWith(error: ProtocolError): number {
    this.error = error;
    return CHUNK_FAILED;
  }
}
