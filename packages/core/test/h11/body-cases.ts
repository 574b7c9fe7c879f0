/**
 * h11's body reader cases (test_io.py), its received-field cases
 * (test_headers.py) and the framing unit cases of test_connection.py, as
 * MessageParser inputs and outcomes in the compact form of ./run.ts. See
 * ./source.ts for attribution (h11, MIT licence, © Nathaniel J. Smith and
 * contributors) and the commits read.
 *
 * Already covered elsewhere, so not repeated here: the Endless/Big field
 * limits of test_max_incomplete_event_size_countermeasure (parser-fields:
 * maxFieldLine on a partial line and at the limit), HEAD/204/304 ignoring
 * framing fields (parser-framing), EOF inside a body
 * (parser-eof-and-switch).
 */
import type { ParseCase } from "./parse-cases.ts";

const IO = "test_io.py";
const HEADERS = "test_headers.py";
const CONN = "test_connection.py";
const CHUNKED = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
const POST_CHUNKED = "request POST / HTTP/1.1 chunked";
const GET_A = (fields: string) => `GET / HTTP/1.1\r\nHost: a\r\n${fields}\r\n`;

export const BODY_CASES: readonly ParseCase[] = [
  // --- test_io.py: body readers --------------------------------------------
  {
    rfc: "RFC 9112 §6.2",
    title: "Content-Length: 0 ends the message at once",
    from: `${IO}::test_ContentLengthReader`,
    kind: "request",
    input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
    expect: ["request POST / HTTP/1.1 length", "end"],
  },
  {
    rfc: "RFC 9112 §6.2",
    title: "Content-Length: 10 reads ten octets, the rest is the next message",
    from: `${IO}::test_ContentLengthReader`,
    kind: "request",
    input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789",
    expect: ["request POST / HTTP/1.1 length", "data 0123456789", "end"],
  },
  {
    rfc: "RFC 9112 §6.3 item 8",
    title: "an empty close-delimited body ends at EOF",
    from: `${IO}::test_Http10Reader`,
    kind: "response",
    methods: ["GET"],
    input: "HTTP/1.0 200 OK\r\n\r\n",
    end: true,
    expect: ['response 200 "OK" HTTP/1.0 close', "end"],
  },
  {
    rfc: "RFC 9112 §6.3 item 8",
    title: "a close-delimited body does not end before EOF",
    from: `${IO}::test_Http10Reader`,
    kind: "response",
    methods: ["GET"],
    input: "HTTP/1.0 200 OK\r\n\r\nasdf",
    expect: ['response 200 "OK" HTTP/1.0 close', "data asdf"],
  },
  {
    rfc: "RFC 9112 §6.3 item 8",
    title: "a close-delimited body ends at EOF",
    from: `${IO}::test_Http10Reader`,
    kind: "response",
    methods: ["GET"],
    input: "HTTP/1.0 200 OK\r\n\r\nasdf",
    end: true,
    expect: ['response 200 "OK" HTTP/1.0 close', "data asdf", "end"],
  },
  {
    rfc: "RFC 9112 §7.1",
    title: "a last-chunk alone is an empty body",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}0\r\n\r\n`,
    expect: [POST_CHUNKED, "end"],
  },
  {
    rfc: "RFC 9112 §7.1.2",
    title: "a trailer field after the last-chunk",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}0\r\nSome: header\r\n\r\n`,
    expect: [POST_CHUNKED, "end Some: header"],
  },
  {
    rfc: "RFC 9112 §7.1",
    title: "two chunks then a trailer",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}5\r\n01234\r\n10\r\n0123456789abcdef\r\n0\r\nSome: header\r\n\r\n`,
    expect: [POST_CHUNKED, "data 012340123456789abcdef", "end Some: header"],
  },
  {
    rfc: "RFC 9112 §7.1",
    title: "two chunks without trailer",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}5\r\n01234\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n`,
    expect: [POST_CHUNKED, "data 012340123456789abcdef", "end"],
  },
  {
    rfc: "RFC 9112 §7.1",
    title: "chunk-size hex digits in either case",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}aA\r\n${"x".repeat(0xaa)}\r\n0\r\n\r\n`,
    expect: [POST_CHUNKED, `data ${"x".repeat(0xaa)}`, "end"],
  },
  {
    rfc: "RFC 9112 §7.1",
    title: "a chunk-size of 100 digits is INVALID_CHUNK_SIZE (would overflow)",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}${"9".repeat(100)}\r\nxxx`,
    expect: [POST_CHUNKED, "error INVALID_CHUNK_SIZE 400"],
  },
  {
    rfc: "RFC 9112 §7.1",
    title: "NUL after the chunk-size is INVALID_CHUNK_SIZE",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}10\x00\r\nxxx`,
    expect: [POST_CHUNKED, "error INVALID_CHUNK_SIZE 400"],
  },
  {
    rfc: "RFC 9112 §7.1.1",
    title: "chunk extensions, quoted or not, are skipped",
    from: `${IO}::test_ChunkedReader`,
    kind: "request",
    input: `${CHUNKED}5; hello=there\r\nxxxxx\r\n0; random="junk"; some=more; canbe=lonnnnngg\r\n\r\n`,
    expect: [POST_CHUNKED, "data xxxxx", "end"],
  },
  // --- test_headers.py: received fields ------------------------------------
  ...[
    ["Content-Length: asdf\r\n", "INVALID_CONTENT_LENGTH"],
    ["Content-Length: 1x\r\n", "INVALID_CONTENT_LENGTH"],
    ["Content-Length: 1\r\nContent-Length: 2\r\n", "CONFLICTING_CONTENT_LENGTH"],
    ["foo bar: baz\r\n", "INVALID_FIELD_NAME"],
    ["foo: bar\rbaz\r\n", "BARE_CR"],
  ].map(
    ([fields, code]): ParseCase => ({
      rfc:
        code === "INVALID_FIELD_NAME"
          ? "RFC 9110 §5.1"
          : code === "BARE_CR"
            ? "RFC 9112 §2.2"
            : "RFC 9112 §6.3 item 5",
      title: `${JSON.stringify(fields)} is ${code} (400)`,
      from: `${HEADERS}::test_normalize_and_validate`,
      kind: "request",
      input: GET_A(fields as string),
      expect: [`error ${code} 400`],
    }),
  ),
  {
    rfc: "RFC 9112 §7",
    title: "the chunked coding name is case-insensitive",
    from: `${HEADERS}::test_normalize_and_validate`,
    kind: "request",
    input: `${GET_A("Transfer-Encoding: cHuNkEd\r\n")}0\r\n\r\n`,
    expect: ["request GET / HTTP/1.1 chunked", "end"],
  },
  {
    rfc: "RFC 9112 §6.1",
    title: "a request whose only coding is gzip is CHUNKED_NOT_FINAL (400)",
    from: `${HEADERS}::test_normalize_and_validate`,
    kind: "request",
    input: GET_A("Transfer-Encoding: gzip\r\n"),
    expect: ["error CHUNKED_NOT_FINAL 400"],
    difference:
      "h11 answers 501. RFC 9112 §6.1: when chunked is not the final coding of a request the server MUST answer 400 and close; the 501 of an unknown coding does not apply first.",
  },
  {
    rfc: "RFC 9112 §6.1",
    title: "chunked followed by gzip in a request is CHUNKED_NOT_FINAL (400)",
    from: `${HEADERS}::test_normalize_and_validate`,
    kind: "request",
    input: GET_A("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"),
    expect: ["error CHUNKED_NOT_FINAL 400"],
    difference: "h11 answers 501; RFC 9112 §6.1 requires 400 when chunked is not final.",
  },
  {
    rfc: "RFC 9110 §10.1.1",
    title: "Expect: 100-Continue is matched case-insensitively",
    from: `${HEADERS}::test_has_100_continue`,
    kind: "request",
    input: GET_A("Expect: 100-Continue\r\nContent-Length: 1\r\n"),
    expect: ["request GET / HTTP/1.1 length expect-continue"],
  },
  {
    rfc: "RFC 9110 §10.1.1",
    title: "Expect: 100-continue in HTTP/1.0 is ignored",
    from: `${HEADERS}::test_has_100_continue`,
    kind: "request",
    input: "GET / HTTP/1.0\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
    expect: ["request GET / HTTP/1.0 length"],
  },
  // --- test_connection.py: framing unit cases -------------------------------
  {
    rfc: "RFC 9112 §6.3 item 3",
    title: "a response with Transfer-Encoding and Content-Length is chunked and closes after",
    from: `${CONN}::test__body_framing`,
    kind: "response",
    methods: ["GET"],
    input: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    expect: ['response 200 "OK" HTTP/1.1 chunked close-after', "end"],
  },
  {
    rfc: "RFC 9112 §6.3 item 6",
    title: "a request without framing fields has no body",
    from: `${CONN}::test__body_framing`,
    kind: "request",
    input: GET_A(""),
    expect: ["request GET / HTTP/1.1 none", "end"],
  },
  {
    rfc: "RFC 9112 §6.3 item 2",
    title: "a 400 to CONNECT has a body",
    from: `${CONN}::test__response_allows_body`,
    kind: "response",
    methods: ["CONNECT"],
    input: "HTTP/1.1 400 Bad\r\nContent-Length: 3\r\n\r\nabc",
    expect: ['response 400 "Bad" HTTP/1.1 length', "data abc", "end"],
  },
  {
    rfc: "RFC 9112 §6.3 item 2",
    title: "a 200 to CONNECT is a tunnel; its Content-Length is ignored",
    from: `${CONN}::test__response_allows_body`,
    kind: "response",
    methods: ["CONNECT"],
    input: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
    expect: ['response 200 "OK" HTTP/1.1 tunnel', "switched abc"],
  },
];
