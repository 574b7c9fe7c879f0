/**
 * Types of the per-case differences between Tether and llhttp (see
 * differences.ts), and the reasons they share.
 */
import type { ProtocolErrorCode } from "../../src/errors.ts";

/** Why the case differs. */
export type Category =
  /** The case needs an llhttp lenient flag (or the old loose mode) that Tether has no equivalent of. */
  | "lenient-flag"
  /** Obsolete line folding (RFC 9112 §5.2). */
  | "obs-fold"
  /** A method llhttp does not know: methods are tokens (RFC 9110 §9.1). */
  | "method"
  /** Not HTTP/1.x: RTSP, ICE, HTTP/0.9, the HTTP/2 preface. */
  | "not-http1"
  /** Asterisk-form with a method other than OPTIONS (RFC 9112 §3.2.4). */
  | "asterisk-form"
  /** Transfer codings other than chunked (RFC 9112 §6.1). */
  | "transfer-coding"
  /** Persistence is the connection's business, not the parser's (RFC 9112 §9.3, §9.6). */
  | "persistence"
  /** 101 ends at its head; what follows is the new protocol (RFC 9110 §7.8, RFC 9112 §6.3). */
  | "switch"
  /** Tether judges a line or head once it is complete; llhttp at the offending octet. */
  | "detection-point"
  /** Empty lines are skipped before a request-line only (RFC 9112 §2.2). */
  | "empty-line"
  /** A bare LF line terminator is rejected unless `lenientLineEndings` (RFC 9112 §2.2). */
  | "bare-lf";

/** A message as our parser should report it; only the listed properties are checked. */
export interface OurMessageSpec {
  readonly method?: string;
  readonly target?: string;
  readonly status?: number;
  readonly minor?: number;
  /** Body octets (latin1). */
  readonly body?: string;
  /** An `end` event was seen. */
  readonly complete?: boolean;
  /** The protocol switched after this message. */
  readonly switched?: boolean;
  /** Trailer fields (`[]` for none). */
  readonly trailers?: readonly (readonly [string, string])[];
}

/** What our parser does, checked by the runner. */
export interface OurBehaviour {
  /** `null`: no error; a list: an error with one of these codes. */
  readonly error: readonly ProtocolErrorCode[] | null;
  /** Our messages, in order (their number is checked too). Omitted: not checked. */
  readonly messages?: readonly OurMessageSpec[];
  /** The octets after a switch (latin1). */
  readonly rest?: string;
  /** Appended to the input: the case's input stops before the end of the line or head Tether judges. */
  readonly suffix?: string;
  /** Run with `lenientLineEndings: true` (the nearest Tether option to the case's llhttp flags). */
  readonly lenientLineEndings?: boolean;
  /** Besides `messages`, the whole llhttp comparison passes (a lenient case where Tether behaves as llhttp's flag does). */
  readonly asLlhttp?: boolean;
  /** With `lenientLineEndings: true`, the llhttp comparison passes. */
  readonly lenientAsLlhttp?: boolean;
}

/** One case where Tether differs from llhttp. */
export interface Difference {
  readonly file: string;
  readonly name: string;
  readonly category: Category;
  /** What Tether does, in words. */
  readonly ours: string;
  /** The rule Tether follows. */
  readonly why: string;
  readonly expect: OurBehaviour;
}
/** A rule the runner applies to every case (not a per-case difference). */
export interface Adaptation {
  readonly id: string;
  readonly what: string;
  readonly why: string;
}

/** A case that llhttp accepts only with a lenient flag. */
export const LENIENT =
  "llhttp accepts this only with a lenient flag; Tether has no such option and keeps to the rule";
/** llhttp refuses data after a message that ends persistence. */
export const PERSISTENCE =
  "RFC 9112 §9.3, §9.6: whether the connection persists after a message is decided by the connection " +
  "(keep-alive.ts), which stops reading after a message that closes it; the message parser only frames messages";

/** obs-fold in a request. */
export const OBS_FOLD_REQUEST =
  "RFC 9112 §5.2: a server that receives an obs-fold in a request MUST either reject it with 400 or replace each obs-fold with SP; Tether rejects";
/** RTSP, ICE, HTTP/0.9 and other versions. */
export const NOT_HTTP1 =
  'RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT with HTTP-name = %s"HTTP"; RFC 9110 §2.5, §15.6.6: Tether speaks HTTP/1.x only';
/** Methods llhttp does not know. */
export const METHOD_TOKEN =
  "RFC 9110 §9.1: method = token, and the method set is extensible; an unknown method is the application's to answer (501), not a syntax error";
/** llhttp rejects at the octet, Tether when the line or head is complete. */
export const DETECTION =
  "RFC 9112 §2.1, §2.2: the head is read line by line and judged when complete; nothing is due to the peer before then. The case's input stops before that point; the suffix completes it";
/** CR/LF before or between responses. */
export const EMPTY_LINE =
  "RFC 9112 §2.2: only a server expecting a request-line SHOULD ignore empty lines before it; a status-line must start the response (RFC 9112 §4)";
