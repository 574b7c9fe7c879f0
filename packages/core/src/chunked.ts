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
 * relative to the first unconsumed octet, as in head-reader.ts. The trailer
 * section is read by trailer-section.ts.
 *
 * As in head-reader.ts, the verdict on a chunk-size line does not depend on
 * how its octets were chunked: it is judged once its LF is there, or once
 * it is longer than any valid chunk-size line can be — then by the octets
 * that already decide it (its size digits), whether its LF is there or not.
 */
import * as chars from "./chars.ts";
import { ProtocolError } from "./errors.ts";
import type { Fields } from "./fields.ts";
import type { Latin1Decoder } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";
import * as trailerSection from "./trailer-section.ts";
import { TrailerSection } from "./trailer-section.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { CR, HEX, LF, scanQuotedString, scanToken, skipWhitespace } = chars;
const { TRAILER_FAILED, TRAILER_NEED_MORE } = trailerSection;

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
  private readonly lenient: boolean;
  private readonly maxExtensions: number;
  /** The longest chunk-size line that can be valid, terminator excluded, plus its CR. */
  private readonly maxSizeLine: number;
  private readonly trailer: TrailerSection;
  private maxBody = Number.POSITIVE_INFINITY;

  private state = SIZE_LINE;
  /** Where the next LF search starts, relative to the first unconsumed octet. */
  private scan = 0;
  /** Octets left in the current chunk. */
  private remaining = 0;
  /** Set by {@link plainSizeLine}. */
  private sizeDigits = 0;

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

  /** `decode`: as for HeadReader, a native latin1 decoder for trailer strings. */
  constructor(
    request: boolean,
    limits: ParserLimits,
    lenientLineEndings: boolean,
    decode: Latin1Decoder | null = null,
  ) {
    this.lenient = lenientLineEndings;
    this.maxExtensions = limits.maxChunkExtensions;
    this.maxSizeLine = MAX_SIZE_DIGITS + limits.maxChunkExtensions + 1;
    this.trailer = new TrailerSection(request, limits, lenientLineEndings, decode);
  }

  /** Starts a new chunked body of at most `maxBody` octets. */
  reset(maxBody: number): void {
    this.maxBody = maxBody;
    this.state = SIZE_LINE;
    this.scan = 0;
    this.remaining = 0;
    this.trailer.reset();
    this.total = 0;
    this.trailers = null;
    this.error = null;
  }

  /** Decodes on from `b[pos]`; afterwards {@link pos} is the first unconsumed octet. */
  step(b: Uint8Array, pos: number): number {
    for (;;) {
      switch (this.state) {
        case SIZE_LINE: {
          let size = this.plainSizeLine(b, pos);
          if (size >= 0) {
            // `1*HEXDIG CRLF`, the usual line: it ends right after the digits.
            pos += this.sizeDigits + 2;
          } else {
            const lf = b.indexOf(LF, pos + this.scan);
            if (lf === -1) return this.partialSizeLine(b, pos);
            // The line's length is judged first, as it is while the line is partial.
            if (lf - pos > this.maxSizeLine) return this.sizeLineTooLong(b, pos, lf);
            let e = lf;
            if (e > pos && b[e - 1] === CR) e--;
            else if (!this.lenient)
              return this.fail("BARE_LF", "chunk-size line ends with a bare LF (RFC 9112 §2.2)");
            size = this.sizeLine(b, pos, e);
            if (size < 0) return CHUNK_FAILED;
            pos = lf + 1;
          }
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
          // RFC 9112 §7.1.2: the trailer section, then the message ends.
          const t = this.trailer;
          const r = t.read(b, pos);
          this.pos = t.pos;
          if (r === TRAILER_NEED_MORE) return CHUNK_NEED_MORE;
          if (r === TRAILER_FAILED) return this.failWith(t.error!);
          this.trailers = t.fields;
          return CHUNK_END;
        }
      }
    }
  }

  /**
   * The size of a chunk-size line at `s` that is only `1*HEXDIG CRLF`
   * (at most {@link MAX_SIZE_DIGITS} digits, a safe integer), with the number
   * of digits in {@link sizeDigits}; or -1 for any other line, which
   * {@link sizeLine} then reads (it gives such a line the same size).
   */
  private plainSizeLine(b: Uint8Array, s: number): number {
    const hex = HEX;
    const end = Math.min(b.length, s + MAX_SIZE_DIGITS);
    let i = s;
    let size = 0;
    for (; i < end; i++) {
      const d = hex[b[i]!]!;
      if (d === 255) break;
      size = size * 16 + d;
    }
    if (i === s || i + 1 >= b.length || b[i] !== CR || b[i + 1] !== LF) return -1;
    if (size > Number.MAX_SAFE_INTEGER) return -1;
    this.sizeDigits = i - s;
    return size;
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
    if (this.scan <= this.maxSizeLine) return CHUNK_NEED_MORE;
    return this.sizeLineTooLong(b, pos, b.length);
  }

  /**
   * The chunk-size line at `pos` runs past {@link maxSizeLine} octets
   * without LF before `stop`, so no ending can make it valid. Its error is
   * the one {@link sizeLine} gives first, decided by the first 17 octets: a
   * size that is not 1 to 16 HEXDIG making a safe integer, else extensions
   * that are too long.
   */
  private sizeLineTooLong(b: Uint8Array, pos: number, stop: number): number {
    let i = pos;
    let size = 0;
    while (i < stop && i - pos <= MAX_SIZE_DIGITS && HEX[b[i]!] !== 255) {
      size = size * 16 + HEX[b[i]!]!;
      i++;
    }
    if (i === pos || i - pos > MAX_SIZE_DIGITS || size > Number.MAX_SAFE_INTEGER) this.sizeError();
    else this.extensionsTooLong();
    return CHUNK_FAILED;
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
