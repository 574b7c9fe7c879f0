/**
 * h11's cases for the client role (test_connection.py) as scripts for a
 * ClientConnection (./run.ts), and its writer cases (test_io.py,
 * test_headers.py) as serializer inputs. See ./source.ts for attribution
 * (h11, MIT licence, © Nathaniel J. Smith and contributors) and the commits
 * read.
 *
 * Already covered, so not repeated: test_client_talking_to_http10_server
 * and an HTTP/1.0 response without keep-alive (connection-client), test_chunked
 * and the ContentLength/Chunked/Http10 writers (body-encoder), field name and
 * value validation of test_normalize_and_validate (outgoing-syntax), chunked
 * not last in a sent Transfer-Encoding (serializer), an HTTP/1.0 request
 * (connection-client: Tether sends it with keep-alive where h11 refuses to
 * send HTTP/1.0 — RFC 9112 §9.3 / Appendix C.2.2 allow it).
 */
import type { BodyFraming } from "../../src/message.ts";
import type { OutgoingRequestHead, OutgoingResponseHead } from "../../src/serializer.ts";
import type { ScriptCase } from "./run.ts";

const CONN = "test_connection.py";
const GET_A = { method: "GET", target: "/", fields: [["Host", "a"]] } as const;

export const CLIENT_CASES: readonly ScriptCase[] = [
  {
    rfc: "RFC 9112 §6.2",
    title: "a request with a Content-Length body, a 100 then a 200 with Content-Length, persistent",
    from: `${CONN}::test_Connection_basics_and_content_length`,
    steps: [
      {
        request: { method: "GET", target: "/", fields: [["Host", "example.com"]] },
        bodyLength: 10,
        wire: "GET / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 10\r\n\r\n",
      },
      { send: "12345", wire: "12345" },
      { send: "67890", wire: "67890" },
      { sendEnd: true, wire: "" },
      { recv: "HTTP/1.1 100 \r\n\r\nHTTP/1.1 200 \r\nContent-Length: 11\r\n\r\n1234567890" },
      { events: ["informational 100", "response 200 length", "data 1234567890"] },
      { recv: "1" },
      { events: ["data 1", "end persistent"] },
      { state: "open" },
    ],
  },
  {
    rfc: "RFC 9112 §4",
    title: "an empty line where a status-line is due is INVALID_STATUS_LINE",
    from: `${CONN}::test_empty_response`,
    steps: [
      { request: GET_A },
      { recv: "\r\n" },
      { events: ["error INVALID_STATUS_LINE 400 failed=1"] },
      { state: "must-close" },
    ],
  },
  {
    rfc: "RFC 9112 §4",
    title: "gibberish where a status-line is due fails the exchange; the connection must close",
    from: `${CONN}::test_errors`,
    steps: [
      { request: GET_A },
      { recv: "gibberish\r\n\r\n" },
      { events: ["error INVALID_STATUS_LINE 400 failed=1"] },
      { state: "must-close" },
      { events: [] },
    ],
  },
  {
    rfc: "RFC 9112 §4",
    title: "a TLS ServerHello where a status-line is due is rejected once a line ends",
    from: `${CONN}::test_early_detection_of_invalid_response`,
    difference:
      "h11 rejects it on the first octets; Tether judges the status-line when its LF (or its length limit) arrives. RFC 9112 does not fix when.",
    steps: [
      { request: GET_A },
      { recv: "\x16\x03\x03\x00\x31\r\n" },
      { events: ["error INVALID_STATUS_LINE 400 failed=1"] },
    ],
  },
  {
    rfc: "RFC 9110 §7.6.1",
    title: "close among other Connection options of a response, in any case, ends persistence",
    from: `${CONN}::test__keep_alive`,
    steps: [
      { request: GET_A },
      { recv: "HTTP/1.1 200 OK\r\nConnection: a, b, cLOse, foo\r\nContent-Length: 0\r\n\r\n" },
      { events: ["response 200 length", "end close"] },
      { state: "must-close", closeReason: "connection-close" },
    ],
  },
  {
    rfc: "RFC 9110 §7.8",
    title: "an upgrade refused with a 200 leaves the connection reusable",
    from: `${CONN}::test_protocol_switch`,
    steps: [
      {
        request: {
          method: "GET",
          target: "/",
          fields: [
            ["Host", "a"],
            ["Upgrade", "x"],
            ["Connection", "upgrade"],
          ],
        },
      },
      { recv: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
      { events: ["response 200 length", "end persistent"] },
      { state: "open" },
      { request: GET_A, wire: "GET / HTTP/1.1\r\nHost: a\r\n\r\n" },
    ],
  },
];

/** A head to serialize and what must come out. */
export interface WriterCase {
  readonly rfc: string;
  readonly title: string;
  readonly from: string;
  readonly request?: OutgoingRequestHead;
  readonly response?: OutgoingResponseHead;
  readonly framing: BodyFraming;
  /** The octets, or the UsageError code. */
  readonly wire?: string;
  readonly throws?: string;
  readonly difference?: string;
}

const IO = "test_io.py";
const HEADERS = "test_headers.py";

export const WRITER_CASES: readonly WriterCase[] = [
  {
    rfc: "RFC 9112 §3",
    title: "a request head goes out with its fields in order and as written",
    from: `${IO}::test_writers_simple`,
    request: {
      method: "GET",
      target: "/a",
      fields: [
        ["Host", "foo"],
        ["Connection", "close"],
      ],
    },
    framing: { kind: "none" },
    wire: "GET /a HTTP/1.1\r\nHost: foo\r\nConnection: close\r\n\r\n",
  },
  {
    rfc: "RFC 9112 §4",
    title: "a close-delimited 200 with the caller's Connection: close, not repeated",
    from: `${IO}::test_writers_simple`,
    response: { status: 200, reason: "OK", fields: [["Connection", "close"]] },
    framing: { kind: "close" },
    wire: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
  },
  {
    rfc: "RFC 9110 §7.8",
    title: "a 101 with Upgrade and Connection: upgrade, custom reason",
    from: `${IO}::test_writers_simple`,
    response: {
      status: 101,
      reason: "Upgrade",
      fields: [
        ["Upgrade", "websocket"],
        ["Connection", "upgrade"],
      ],
    },
    framing: { kind: "tunnel" },
    wire: "HTTP/1.1 101 Upgrade\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
  },
  {
    rfc: "RFC 9110 §7.8",
    title: "a 101 with Upgrade but no Connection: upgrade is refused",
    from: `${IO}::test_writers_simple`,
    response: { status: 101, reason: "Upgrade", fields: [["Upgrade", "websocket"]] },
    framing: { kind: "tunnel" },
    throws: "INVALID_OUTGOING_FIELD",
    difference:
      "h11 writes it. RFC 9110 §7.8: a sender of Upgrade MUST also send the upgrade connection option.",
  },
  {
    rfc: "RFC 9110 §15.2.2",
    title: "a 101 without Upgrade is refused",
    from: `${IO}::test_writers_simple`,
    response: { status: 101, reason: "Upgrade" },
    framing: { kind: "tunnel" },
    throws: "INVALID_OUTGOING_FIELD",
    difference: "h11 writes it. RFC 9110 §15.2.2: a server that sends 101 MUST send Upgrade.",
  },
  ...[["asdf"], ["1x"], ["1", "2"]].map(
    (values): WriterCase => ({
      rfc: "RFC 9110 §8.6",
      title: `Content-Length ${values.join(" + ")} is refused`,
      from: `${HEADERS}::test_normalize_and_validate`,
      request: {
        method: "POST",
        target: "/",
        fields: [["Host", "a"], ...values.map((v): [string, string] => ["Content-Length", v])],
      },
      framing: { kind: "length", length: 1 },
      throws: "INVALID_OUTGOING_FIELD",
    }),
  ),
  {
    rfc: "RFC 9112 §6.1",
    title: "a request's gzip coding gets chunked appended as the final coding",
    from: `${HEADERS}::test_normalize_and_validate`,
    request: {
      method: "POST",
      target: "/",
      fields: [
        ["Host", "a"],
        ["Transfer-Encoding", "gzip"],
      ],
    },
    framing: { kind: "chunked" },
    wire: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
    difference:
      "h11 refuses every coding but chunked (501). RFC 9112 §6.1 allows codings before a final chunked; Tether appends chunked.",
  },
];
