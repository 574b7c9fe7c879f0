/**
 * Shape of `test/fixtures/llhttp/cases.json`: the cases of llhttp's markdown
 * test suite (nodejs/llhttp, MIT; see test/fixtures/llhttp/README.md),
 * converted by `convert.ts` from llhttp's callback traces into plain
 * expectations about messages.
 *
 * Every string that stands for octets (`input`, field names and values,
 * bodies, `rest`) holds one character per octet (latin1), so it round-trips
 * to the exact bytes.
 */

/** One message as llhttp reported it. */
export interface ExpectedMessage {
  /** Offset of llhttp's `message begin` in the input. */
  readonly offset: number;
  /** Request method (requests only, once known). */
  readonly method?: string;
  /** Request-target (requests only, once known). */
  readonly url?: string;
  /** Status code (responses only, once the head is complete). */
  readonly status?: number;
  /** Reason-phrase (responses only). */
  readonly reason?: string;
  /** From llhttp's `headers complete … v=X/Y` (head complete only). */
  readonly versionMajor?: number;
  readonly versionMinor?: number;
  /** Field lines in order; a value continued by obs-fold is its spans joined as llhttp reports them. */
  readonly headers: readonly (readonly [string, string])[];
  /** Indexes into `headers` whose value came in more than one span (obs-fold). */
  readonly foldedHeaders?: readonly number[];
  /** Body octets llhttp reported (de-chunked). */
  readonly body: string;
  /** Trailer fields of a chunked body, when the last chunk was seen. */
  readonly trailers?: readonly (readonly [string, string])[];
  /** llhttp reported `headers complete`. */
  readonly headComplete: boolean;
  /** llhttp reported `message complete`. */
  readonly complete: boolean;
  /** llhttp paused after this message for CONNECT or Upgrade ("Pause on CONNECT/Upgrade"). */
  readonly upgrade?: boolean;
}

/** An error llhttp reported (not the CONNECT/Upgrade pause, which is not an error). */
export interface ExpectedError {
  /** llhttp's numeric error code (`llhttp_errno_t`). */
  readonly code: number;
  readonly reason: string;
  readonly offset: number;
}

/** What llhttp did with the input. */
export interface Expected {
  readonly messages: readonly ExpectedMessage[];
  readonly error?: ExpectedError;
  /** After an upgrade pause: the octets that belong to the new protocol. */
  readonly rest?: string;
  /** `request-finish` / `response-finish` cases: what `llhttp_finish()` returned (0 safe, 1 safe with callbacks, 2 unsafe). */
  readonly finish?: 0 | 1 | 2;
  /** `pausing.md` cases: how many `pause` steps the trace has (API-specific; not replayed). */
  readonly pauses?: number;
}

/** One case of the markdown suite. */
export interface LlhttpCase {
  /** Path below test/fixtures/llhttp, e.g. `request/connection.md`. */
  readonly file: string;
  /** The heading of the case, made unique within the file with ` #2`, ` #3`… */
  readonly name: string;
  /** 1-based line of the ```http block in the markdown file. */
  readonly line: number;
  readonly kind: "request" | "response";
  /** The raw `meta` comment, for reference. */
  readonly meta: Readonly<Record<string, unknown>>;
  /**
   * llhttp lenient flags the case runs with, from `type: "request-lenient-<flag>"`;
   * `loose-mode` for the old `mode: "loose"`. Empty: llhttp's strict default.
   */
  readonly lenientFlags: readonly string[];
  /** The exact octets llhttp was fed (latin1). */
  readonly input: string;
  readonly expected: Expected;
}

/** The whole fixture file. */
export interface CasesFile {
  readonly note: string;
  /** Number of ```log blocks (= cases) in the markdown files. */
  readonly total: number;
  readonly cases: readonly LlhttpCase[];
}
