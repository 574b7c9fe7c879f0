/**
 * h11's head reader cases (test_io.py), as MessageParser inputs and outcomes. See
 * ./source.ts for attribution (h11, MIT licence, © Nathaniel J. Smith and
 * contributors) and the commits read.
 *
 * Outcomes are written in the compact form of `./run.ts` (`summarize`):
 * `request METHOD TARGET HTTP/x.y FRAMING`, `response STATUS "REASON"
 * HTTP/x.y FRAMING [close-after]`, `data …` (adjacent data merged),
 * `end [trailer lines]`, `switched REST`, `error CODE STATUS`.
 *
 * Body readers, received framing fields and framing unit cases are in
 * ./body-cases.ts.
 */

/** One parser case ported from h11. */
export interface ParseCase {
  /** The RFC section the rule comes from. */
  readonly rfc: string;
  /** What the case checks, in Tether's terms. */
  readonly title: string;
  /** The h11 test it was ported from (`file::test`). */
  readonly from: string;
  readonly kind: "request" | "response";
  /** Octets, one character per octet (latin1). */
  readonly input: string;
  /** Response cases: the methods of the requests answered, in order. */
  readonly methods?: readonly string[];
  /** Signal EOF after the input. */
  readonly end?: boolean;
  /** The events, compact form. */
  readonly expect: readonly string[];
  /** The field lines of the head, flat [name, value, …], when checked. */
  readonly fields?: readonly string[];
  /** Set when h11 behaves otherwise: what h11 does, and why Tether differs. */
  readonly difference?: string;
}

const IO = "test_io.py";

export const PARSE_CASES: readonly ParseCase[] = [
  // --- test_io.py: the simple cases, read back -----------------------------
  {
    rfc: "RFC 9112 §3",
    title: "a request with lower-case field names is read with its names as sent",
    from: `${IO}::test_readers_simple`,
    kind: "request",
    input: "GET /a HTTP/1.1\r\nhost: foo\r\nconnection: close\r\n\r\n",
    expect: ["request GET /a HTTP/1.1 none", "end"],
    fields: ["host", "foo", "connection", "close"],
  },
  {
    rfc: "RFC 9112 §6.3 item 8",
    title: "a 200 without framing fields is close-delimited",
    from: `${IO}::test_readers_simple`,
    kind: "response",
    methods: ["GET"],
    input: "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n",
    end: true,
    expect: ['response 200 "OK" HTTP/1.1 close', "end"],
  },
  {
    rfc: "RFC 9110 §15.2.2",
    title: "a 101 with Upgrade switches; the bytes after it are the new protocol's",
    from: `${IO}::test_readers_simple`,
    kind: "response",
    methods: ["GET"],
    input: "HTTP/1.1 101 Upgrade\r\nupgrade: websocket\r\n\r\n",
    expect: ['response 101 "Upgrade" HTTP/1.1 tunnel', "switched "],
  },
  // --- test_io.py: unusual heads -------------------------------------------
  {
    rfc: "RFC 9112 §2.3",
    title: "an HTTP/1.0 HEAD request with a field",
    from: `${IO}::test_readers_unusual`,
    kind: "request",
    input: "HEAD /foo HTTP/1.0\r\nSome: header\r\n\r\n",
    expect: ["request HEAD /foo HTTP/1.0 none", "end"],
    fields: ["Some", "header"],
  },
  {
    rfc: "RFC 9112 §3.2",
    title: "an HTTP/1.0 request with no field lines at all (no Host needed)",
    from: `${IO}::test_readers_unusual`,
    kind: "request",
    input: "HEAD /foo HTTP/1.0\r\n\r\n",
    expect: ["request HEAD /foo HTTP/1.0 none", "end"],
    fields: [],
  },
  {
    rfc: "RFC 9110 §9.3.2",
    title: "an HTTP/1.0 response to HEAD has no body",
    from: `${IO}::test_readers_unusual`,
    kind: "response",
    methods: ["HEAD"],
    input: "HTTP/1.0 200 OK\r\nSome: header\r\n\r\n",
    expect: ['response 200 "OK" HTTP/1.0 none', "end"],
    fields: ["Some", "header"],
  },
  {
    rfc: "RFC 9112 §5",
    title: "trailing whitespace of a value with inner spaces is trimmed",
    from: `${IO}::test_readers_unusual`,
    kind: "response",
    methods: ["HEAD"],
    input: "HTTP/1.0 200 OK\r\nFoo: a a a a a \r\n\r\n",
    expect: ['response 200 "OK" HTTP/1.0 none', "end"],
    fields: ["Foo", "a a a a a"],
  },
  {
    rfc: "RFC 9110 §5.5",
    title: "an empty field value is allowed",
    from: `${IO}::test_readers_unusual`,
    kind: "response",
    methods: ["HEAD"],
    input: "HTTP/1.0 200 OK\r\nFoo:\r\n\r\n",
    expect: ['response 200 "OK" HTTP/1.0 none', "end"],
    fields: ["Foo", ""],
  },
  {
    rfc: "RFC 9112 §5",
    title: "a value of only SP and HTAB is empty",
    from: `${IO}::test_readers_unusual`,
    kind: "response",
    methods: ["HEAD"],
    input: "HTTP/1.0 200 OK\r\nFoo: \t \t \r\n\r\n",
    expect: ['response 200 "OK" HTTP/1.0 none', "end"],
    fields: ["Foo", ""],
  },
  {
    rfc: "RFC 9112 §4",
    title: "a status-line without the SP before an empty reason is read (robustness)",
    from: `${IO}::test_readers_unusual`,
    kind: "response",
    methods: ["HEAD"],
    input: "HTTP/1.0 200\r\nFoo: bar\r\n\r\n",
    expect: ['response 200 "" HTTP/1.0 none', "end"],
  },
  {
    rfc: "RFC 9112 §5.2",
    title: "obs-fold in a request is OBS_FOLD (400)",
    from: `${IO}::test_readers_unusual`,
    kind: "request",
    input:
      "HEAD /foo HTTP/1.1\r\nHost: example.com\r\nSome: multi-line\r\n header\r\n\tnonsense\r\n" +
      "    \t   \t\tI guess\r\nConnection: close\r\nMore-nonsense: in the\r\n    last header  \r\n\r\n",
    expect: ["error OBS_FOLD 400"],
    difference:
      "h11 unfolds obs-fold in requests too. RFC 9112 §5.2 lets a server either reject a request with obs-fold (400) or replace each fold with SP; Tether rejects, which closes the request-smuggling door folded lines open.",
  },
  {
    rfc: "RFC 9112 §5.2",
    title: "obs-fold in a response is replaced by SP (user agent rule)",
    from: `${IO}::test_readers_unusual`,
    kind: "response",
    methods: ["HEAD"],
    input:
      "HTTP/1.1 200 OK\r\nSome: multi-line\r\n header\r\n\tnonsense\r\n    \t   \t\tI guess\r\n" +
      "Connection: close\r\nMore-nonsense: in the\r\n    last header  \r\n\r\n",
    expect: ['response 200 "OK" HTTP/1.1 none', "end"],
    fields: [
      "Some",
      "multi-line header nonsense I guess",
      "Connection",
      "close",
      "More-nonsense",
      "in the last header",
    ],
  },
  {
    rfc: "RFC 9112 §2.2",
    title: "a folded line right after the request-line is rejected",
    from: `${IO}::test_readers_unusual`,
    kind: "request",
    input: "HEAD /foo HTTP/1.1\r\n  folded: line\r\n\r\n",
    expect: ["error WHITESPACE_AFTER_START_LINE 400"],
  },
  {
    rfc: "RFC 9112 §5.1",
    title: "SP between field name and colon is rejected",
    from: `${IO}::test_readers_unusual`,
    kind: "request",
    input: "HEAD /foo HTTP/1.1\r\nfoo  : line\r\n\r\n",
    expect: ["error WHITESPACE_BEFORE_COLON 400"],
  },
  {
    rfc: "RFC 9112 §5.1",
    title: "HTAB between field name and colon is rejected",
    from: `${IO}::test_readers_unusual`,
    kind: "request",
    input: "HEAD /foo HTTP/1.1\r\nfoo\t: line\r\n\r\n",
    expect: ["error WHITESPACE_BEFORE_COLON 400"],
  },
  {
    rfc: "RFC 9110 §5.1",
    title: "an empty field name is rejected",
    from: `${IO}::test_readers_unusual`,
    kind: "request",
    input: "HEAD /foo HTTP/1.1\r\n: line\r\n\r\n",
    expect: ["error INVALID_FIELD_NAME 400"],
  },
  // --- test_io.py: garbage --------------------------------------------------
  {
    rfc: "RFC 9112 §4",
    title: "NUL and garbage after the status-line's reason is rejected",
    from: `${IO}::test_reject_garbage_after_request_line`,
    kind: "response",
    methods: ["GET"],
    input: "HTTP/1.0 200 OK\x00xxxx\r\n\r\n",
    expect: ["error INVALID_STATUS_LINE 400"],
  },
  {
    rfc: "RFC 9112 §3",
    title: "garbage after the request-line's version is rejected",
    from: `${IO}::test_reject_garbage_after_response_line`,
    kind: "request",
    input: "HEAD /foo HTTP/1.1 xxxxxx\r\nHost: a\r\n\r\n",
    expect: ["error INVALID_REQUEST_LINE 400"],
  },
  {
    rfc: "RFC 9110 §5.5",
    title: "NUL in a field value is rejected",
    from: `${IO}::test_reject_garbage_in_header_line`,
    kind: "request",
    input: "HEAD /foo HTTP/1.1\r\nHost: foo\x00bar\r\n\r\n",
    expect: ["error INVALID_OCTET 400"],
  },
];
