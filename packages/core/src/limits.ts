/**
 * Parser limits. Each has its own error code so an operator can tell which
 * limit a peer hit. Defaults follow common practice (nginx, Node, h11) while
 * admitting the example server's contract: an 8000-octet request-line, 4 KiB
 * field values, 100 fields.
 */
export interface ParserLimits {
  /** Max octets in the request-line, CRLF excluded (→ 414). Default 8192. */
  readonly maxRequestLine: number;
  /** Max octets in the status-line, CRLF excluded. Default 8192. */
  readonly maxStatusLine: number;
  /** Max octets of one field line (→ 431). Default 8192. */
  readonly maxFieldLine: number;
  /** Max octets of the whole field section (→ 431). Default 65536. */
  readonly maxHeaderBytes: number;
  /** Max number of field lines (→ 431). Default 128. */
  readonly maxFields: number;
  /** Max octets of chunk extensions in one chunk-size line (→ 400). Default 1024. */
  readonly maxChunkExtensions: number;
  /** Max octets of the trailer section (→ 431). Default 16384. */
  readonly maxTrailerBytes: number;
  /** Max body octets (→ 413). Default Infinity. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_LIMITS: ParserLimits = Object.freeze({
  maxRequestLine: 8192,
  maxStatusLine: 8192,
  maxFieldLine: 8192,
  maxHeaderBytes: 65536,
  maxFields: 128,
  maxChunkExtensions: 1024,
  maxTrailerBytes: 16384,
  maxBodyBytes: Number.POSITIVE_INFINITY,
});
