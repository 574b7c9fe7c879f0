/**
 * h11's cases about closing, lost connections, invalid or empty heads,
 * HEAD framing and chunk boundaries (test_connection.py), as scripts for a
 * ServerConnection (./run.ts). See ./source.ts for attribution (h11, MIT
 * licence, © Nathaniel J. Smith and contributors) and the commits read.
 *
 * Already covered, so not repeated: EOF inside a Content-Length or chunked
 * body with its counts (parser-eof-and-switch.test.ts, the parser side of
 * test_special_exceptions_for_lost_connection_in_message_body), a client
 * that half-closes after its request (connection-server.test.ts), bytes
 * after a full close (server-session.test.ts).
 */
import { answersAndCloses, answersEmpty, type ScriptCase } from "./run.ts";

const CONN = "test_connection.py";

/** Octets that begin no request-line (h11's early-detection inputs). */
export const NOT_A_REQUEST: readonly (readonly [string, string])[] = [
  ["NUL", "\x00"],
  ["SP", " "],
  ["a TLS ClientHello", "\x16\x03\x01\x00\xa5"],
];

/** Octets that begin no status-line. */
export const NOT_A_RESPONSE: readonly (readonly [string, string])[] = [
  ["NUL", "\x00"],
  ["SP", " "],
  ["a TLS ServerHello", "\x16\x03\x03\x00\x31"],
];

/** Why the early-detection cases differ from h11. */
export const CLOSE_CASES: readonly ScriptCase[] = [
  {
    rfc: "RFC 9112 §9.6",
    title: "a client that closes before any request: peer-closed, must-close",
    from: `${CONN}::test_close_simple`,
    steps: [
      { events: [] },
      { eof: true },
      { events: ["peer-closed"] },
      { state: "must-close", closeReason: "peer-closed" },
      { events: [] },
    ],
  },
  {
    rfc: "RFC 9112 §8",
    title:
      "a client that closes inside a request body: INCOMPLETE_MESSAGE, answered 400 with close",
    from: `${CONN}::test_close_different_states`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n" },
      { events: ["request GET /"] },
      { eof: true },
      { events: ["error INCOMPLETE_MESSAGE 400"] },
      ...answersAndCloses(400),
    ],
  },
  {
    rfc: "RFC 9112 §9.6",
    title: "pipelined requests then EOF: each is answered, the last response says close",
    from: `${CONN}::test_pipelined_close`,
    steps: [
      {
        recv:
          "GET /1 HTTP/1.1\r\nHost: a.com\r\nContent-Length: 5\r\n\r\n12345" +
          "GET /2 HTTP/1.1\r\nHost: a.com\r\nContent-Length: 5\r\n\r\n67890",
      },
      { eof: true },
      {
        events: [
          "request GET /1",
          "data 12345",
          "end",
          "request GET /2",
          "data 67890",
          "end",
          "peer-closed",
        ],
      },
      ...answersEmpty(),
      {
        respond: { status: 200 },
        bodyLength: 0,
        wire: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      },
      { sendEnd: true },
      { state: "must-close", closeReason: "peer-closed" },
    ],
  },
  {
    rfc: "RFC 9112 §8",
    title: "a client that closes inside a request-line: INCOMPLETE_MESSAGE (400)",
    from: `${CONN}::test_connection_drop`,
    steps: [
      { recv: "GET /" },
      { events: [] },
      { eof: true },
      { events: ["error INCOMPLETE_MESSAGE 400"] },
      { state: "closing" },
    ],
  },
  {
    rfc: "RFC 9112 §2.2",
    title: "an empty line before any request is ignored",
    from: `${CONN}::test_empty_request`,
    difference:
      "h11 rejects a lone CRLF. RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request-line; Tether does.",
    steps: [
      { recv: "\r\n" },
      { events: [] },
      { recv: "GET / HTTP/1.1\r\nHost: a\r\n\r\n" },
      { events: ["request GET /", "end"] },
    ],
  },
  {
    rfc: "RFC 9112 §3",
    title: "a request-line that begins with NUL is rejected at once, before any LF (400)",
    from: `${CONN}::test_early_detection_of_invalid_request`,
    steps: [{ recv: "\x00" }, { events: ["error INVALID_REQUEST_LINE 400"] }],
  },
  {
    rfc: "RFC 9112 §3",
    title: "a request-line that begins with SP is rejected at once, before any LF (400)",
    from: `${CONN}::test_early_detection_of_invalid_request`,
    steps: [{ recv: " " }, { events: ["error INVALID_REQUEST_LINE 400"] }],
  },
  {
    rfc: "RFC 9112 §3",
    title: "a TLS ClientHello sent to a cleartext port is rejected at its first octet (400)",
    from: `${CONN}::test_early_detection_of_invalid_request`,
    steps: [{ recv: "\x16" }, { events: ["error INVALID_REQUEST_LINE 400"] }, { state: "closing" }],
  },
  {
    rfc: "RFC 9112 §3",
    title: "an octet no method may hold fails the request-line when it arrives, however chunked",
    from: `${CONN}::test_early_detection_of_invalid_request`,
    steps: [
      { recv: "GE" },
      { events: [] },
      { recv: "T" },
      { events: [] },
      { recv: "\x03\x01" },
      { events: ["error INVALID_METHOD 400"] },
    ],
  },
  {
    rfc: "RFC 9110 §9.3.2",
    title: "a streamed response to HEAD (HTTP/1.1) gets no framing field and no body",
    from: `${CONN}::test_HEAD_framing_headers`,
    difference:
      "h11 sends Transfer-Encoding: chunked, as for GET. RFC 9110 §9.3.2 lets a server omit fields whose value is only known while generating content, and RFC 9112 §6.1 makes Transfer-Encoding on a HEAD response a MAY; Tether sends a length only when the caller writes Content-Length.",
    steps: [
      { recv: "HEAD / HTTP/1.1\r\nHost: example.com\r\n\r\n" },
      { events: ["request HEAD /", "end"] },
      { respond: { status: 200 }, bodyLength: null, wire: "HTTP/1.1 200 OK\r\n\r\n" },
      { send: "x", throws: "INVALID_STATE" },
      { state: "open" },
    ],
  },
  {
    rfc: "RFC 9112 §9.3",
    title: "a response to an HTTP/1.0 HEAD says Connection: close, as for GET",
    from: `${CONN}::test_HEAD_framing_headers`,
    steps: [
      { recv: "HEAD / HTTP/1.0\r\nHost: example.com\r\n\r\n" },
      { events: ["request HEAD /", "end"] },
      {
        respond: { status: 200 },
        bodyLength: null,
        wire: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
      },
      { state: "must-close" },
    ],
  },
  {
    rfc: "RFC 9112 §7.1",
    title: "chunk data is delivered as it arrives, never an empty data event",
    from: `${CONN}::test_chunk_boundaries`,
    steps: [
      { recv: "POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n" },
      { events: ["request POST /"] },
      { recv: "5\r\nhello\r\n" },
      { events: ["data hello"] },
      { recv: "5\r\nhel" },
      { events: ["data hel"] },
      { recv: "l" },
      { events: ["data l"] },
      { recv: "o\r\n" },
      { events: ["data o"] },
      { recv: "5\r\nhello" },
      { events: ["data hello"] },
      { recv: "\r\n" },
      { events: [] },
      { recv: "0\r\n\r\n" },
      { events: ["end"] },
    ],
  },
  {
    rfc: "RFC 9110 §7.6.1",
    title: "close among other Connection options, in any case, ends persistence",
    from: `${CONN}::test__keep_alive`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: Example.com\r\nConnection: a, b, cLOse, foo\r\n\r\n" },
      { events: ["request GET /", "end"] },
      { state: "closing", closeReason: "connection-close" },
    ],
  },
  {
    rfc: "RFC 9110 §2.5",
    title: "a response asked for as HTTP/1.0 is sent as HTTP/1.1",
    from: `${CONN}::test_errors`,
    difference:
      "h11 refuses to send HTTP/1.0. RFC 9110 §2.5: a server SHOULD answer with the highest version it conforms to whose major version is not above the request's (1.1 to a 1.0 request); Tether rewrites the version.",
    steps: [
      { recv: "GET / HTTP/1.0\r\n\r\n" },
      { events: ["request GET /", "end"] },
      {
        respond: { status: 200, version: "1.0" },
        bodyLength: 0,
        wire: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      },
    ],
  },
];
