/**
 * What a head says about the few fields the parser itself acts upon,
 * gathered while the field lines are scanned, so that the common path never
 * looks a field up by name afterwards:
 * Host (RFC 9112 §3.2), Content-Length (RFC 9110 §8.6), Transfer-Encoding
 * (RFC 9112 §6.1), Connection and Upgrade (RFC 9110 §7.6.1, §7.8) and
 * Expect (RFC 9110 §10.1.1).
 */
import * as contentLength from "./content-length.ts";
import * as fieldLine from "./field-line.ts";
import type { Fields } from "./fields.ts";
import * as host from "./host.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { CL_NONE, combineContentLength, parseContentLength, parseContentLengthText } = contentLength;
const {
  FIELD_CONNECTION,
  FIELD_CONTENT_LENGTH,
  FIELD_EXPECT,
  FIELD_HOST,
  FIELD_TRANSFER_ENCODING,
  FIELD_UPGRADE,
} = fieldLine;
const { isValidHost } = host;

/** Facts about one head; {@link reset} before the next. */
export class HeadFacts {
  /** Number of Host field lines. */
  hostCount = 0;
  /** Every Host value is `uri-host [ ":" port ]` (RFC 9112 §3.2). */
  hostValid = true;
  /** A Host value is empty. */
  hostEmpty = false;
  /** Combined Content-Length: a length, or a `CL_*` constant of content-length.ts. */
  contentLength: number = CL_NONE;
  /** A Content-Length line was continued by obs-fold (see {@link rereadContentLength}). */
  contentLengthFolded = false;
  /** A Transfer-Encoding line was seen. */
  hasTransferEncoding = false;
  /** Transfer-Encoding lines seen. */
  transferEncodingCount = 0;
  /** Index (among the field lines) of the first Transfer-Encoding line, or -1. */
  transferEncodingLine = -1;
  /** A Connection line was seen. */
  hasConnection = false;
  /** An Upgrade line was seen. */
  hasUpgrade = false;
  /** An Expect line was seen. */
  hasExpect = false;

  /** Forgets the previous head. */
  reset(): void {
    this.hostCount = 0;
    this.hostValid = true;
    this.hostEmpty = false;
    this.contentLength = CL_NONE;
    this.contentLengthFolded = false;
    this.hasTransferEncoding = false;
    this.transferEncodingCount = 0;
    this.transferEncodingLine = -1;
    this.hasConnection = false;
    this.hasUpgrade = false;
    this.hasExpect = false;
  }

  /**
   * Notes field line number `line` (from 0), of `kind` (a `FIELD_*`
   * constant), whose value is `b[vs, ve)`.
   */
  note(kind: number, line: number, b: Uint8Array, vs: number, ve: number): void {
    switch (kind) {
      case FIELD_HOST:
        this.hostCount++;
        if (vs === ve) this.hostEmpty = true;
        else if (!isValidHost(b, vs, ve)) this.hostValid = false;
        break;
      case FIELD_CONTENT_LENGTH:
        this.contentLength = combineContentLength(
          this.contentLength,
          parseContentLength(b, vs, ve),
        );
        break;
      case FIELD_TRANSFER_ENCODING:
        this.hasTransferEncoding = true;
        if (this.transferEncodingCount++ === 0) this.transferEncodingLine = line;
        break;
      case FIELD_CONNECTION:
        this.hasConnection = true;
        break;
      case FIELD_UPGRADE:
        this.hasUpgrade = true;
        break;
      case FIELD_EXPECT:
        this.hasExpect = true;
        break;
    }
  }

  /** Every Transfer-Encoding value of the head whose field lines are `fields`, or `null`. */
  transferEncodings(fields: Fields): string[] | null {
    const n = this.transferEncodingCount;
    if (n === 0) return null;
    if (n === 1) return [fields.raw[2 * this.transferEncodingLine + 1]!];
    return fields.getAll("transfer-encoding");
  }

  /**
   * RFC 9112 §5.2: a folded Content-Length is read as its unfolded value
   * (responses only; a request with obs-fold is rejected).
   */
  rereadContentLength(fields: Fields): void {
    let cl = CL_NONE;
    for (const v of fields.getAll("content-length")) {
      cl = combineContentLength(cl, parseContentLengthText(v));
    }
    this.contentLength = cl;
  }
}
