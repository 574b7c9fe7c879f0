/**
 * h11's connection cases for the server role (test_connection.py,
 * test_state.py), as scripts for a ServerConnection (./run.ts). See
 * ./source.ts for attribution (h11, MIT licence, © Nathaniel J. Smith and
 * contributors) and the commits read.
 *
 * Already covered by connection-server.test.ts, keep-alive.test.ts,
 * pipelining.test.ts or server-session.test.ts, so not repeated:
 * test_automagic_connection_close_handling, test_reuse_simple,
 * test_pipelining (three requests in one buffer), the streamed 1.1/1.0
 * responses of test_automatic_transfer_encoding_in_response and
 * test_HEAD_framing_headers for GET, test_errors (gibberish answered 400
 * then close), test_100_continue (100 sent; response first), test_408
 * (idle and head timeouts live in ServerSession), and the close of a
 * half-closed client in test_close_different_states.
 */
import { answersAndCloses, answersEmpty, type ScriptCase } from "./run.ts";

const CONN = "test_connection.py";
const STATE = "test_state.py";
const UPGRADE_REQ =
  "GET / HTTP/1.1\r\nHost: foo\r\nContent-Length: 1\r\nUpgrade: a, b\r\nConnection: upgrade\r\n\r\n1";
const ACCEPT_A = {
  status: 101,
  fields: [
    ["Upgrade", "a"],
    ["Connection", "upgrade"],
  ],
} as const;

export const SERVER_CASES: readonly ScriptCase[] = [
  {
    rfc: "RFC 9112 §9.3",
    title: "an HTTP/1.0 request with a Content-Length body ends persistence once read",
    from: `${CONN}::test_server_talking_to_http10_client`,
    steps: [
      { recv: "POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\n1" },
      { events: ["request POST /", "data 1"] },
      { recv: "234567890" },
      { events: ["data 234567890", "end"] },
      { state: "closing", closeReason: "http10-without-keep-alive" },
      // RFC 9112 §9.6: nothing more is read once persistence ended, so the
      // client's FIN is not reported (h11 reports ConnectionClosed here).
      { eof: true },
      { events: [] },
      { respond: { status: 200 }, bodyLength: 0, has: ["\r\nConnection: close\r\n"] },
      { sendEnd: true, wire: "" },
      { state: "must-close" },
    ],
  },
  {
    rfc: "RFC 9112 §6.1",
    title: "a caller's Transfer-Encoding: chunked agrees with a streamed response to HTTP/1.1",
    from: `${CONN}::test_automatic_transfer_encoding_in_response`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n" },
      { events: ["request GET /", "end"] },
      {
        respond: { status: 200, fields: [["Transfer-Encoding", "chunked"]] },
        bodyLength: null,
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      },
    ],
  },
  {
    rfc: "RFC 9112 §6.2",
    title: "a caller's Content-Length with Transfer-Encoding is refused (UsageError)",
    from: `${CONN}::test_automatic_transfer_encoding_in_response`,
    difference:
      "h11 drops the Content-Length and sends chunked. RFC 9112 §6.2: a sender MUST NOT send Content-Length in a message with Transfer-Encoding; Tether refuses the head rather than rewrite the caller's fields.",
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n" },
      { events: ["request GET /", "end"] },
      {
        respond: {
          status: 200,
          fields: [
            ["Transfer-Encoding", "chunked"],
            ["Content-Length", "100"],
          ],
        },
        bodyLength: null,
        throws: "INVALID_OUTGOING_FIELD",
      },
      { state: "open" },
    ],
  },
  {
    rfc: "RFC 9112 §6.1",
    title: "a caller's Transfer-Encoding on a response to HTTP/1.0 is refused (UsageError)",
    from: `${CONN}::test_automatic_transfer_encoding_in_response`,
    difference:
      "h11 strips it and sends a close-delimited body. RFC 9112 §6.1: a server MUST NOT send Transfer-Encoding unless the request indicates HTTP/1.1; Tether refuses the head instead of rewriting it.",
    steps: [
      { recv: "GET / HTTP/1.0\r\n\r\n" },
      { events: ["request GET /", "end"] },
      {
        respond: { status: 200, fields: [["Transfer-Encoding", "chunked"]] },
        bodyLength: null,
        throws: "INVALID_OUTGOING_FIELD",
      },
      {
        respond: { status: 200 },
        bodyLength: null,
        wire: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
      },
      { send: "12345", wire: "12345" },
    ],
  },
  {
    rfc: "RFC 9110 §10.1.1",
    title: "a client that sends its body without waiting for 100 keeps the connection",
    from: `${CONN}::test_100_continue`,
    steps: [
      { recv: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n" },
      { events: ["request POST / expect-continue"] },
      { recv: "12345" },
      { events: ["data 12345", "end"] },
      ...answersEmpty(),
      { state: "open", closeReason: null },
    ],
  },
  {
    rfc: "RFC 9112 §6.2",
    title: "head limits do not bound a body: 10000 octets pass a 5000-octet head limit",
    from: `${CONN}::test_max_incomplete_event_size_countermeasure`,
    limits: { maxFieldLine: 5000, maxHeaderBytes: 5000 },
    steps: [
      { recv: "GET / HTTP/1.0\r\nContent-Length: 10000" },
      { recv: `\r\n\r\n${"a".repeat(10000)}` },
      { events: ["request GET /", `data ${"a".repeat(10000)}`, "end"] },
    ],
  },
  {
    rfc: "RFC 9112 §9.3.2",
    title: "complete pipelined requests are answered before an oversized line after them (414)",
    from: `${CONN}::test_max_incomplete_event_size_countermeasure`,
    limits: { maxRequestLine: 100 },
    steps: [
      {
        recv: `GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n${"X".repeat(1000)}`,
      },
      {
        events: [
          "request GET /1",
          "end",
          "request GET /2",
          "end",
          "error REQUEST_LINE_TOO_LONG 414",
        ],
      },
      { recv: "X".repeat(1000) },
      { events: [] },
      ...answersEmpty(),
      ...answersEmpty(),
      ...answersAndCloses(414),
    ],
  },
  {
    rfc: "RFC 9110 §7.8",
    title: "bytes after an upgrade request wait; a refusal parses them as the next request",
    from: `${CONN}::test_protocol_switch`,
    steps: [
      { recv: UPGRADE_REQ },
      { events: ["request GET /", "data 1", "end"] },
      { recv: "GET / HTTP/1.0\r\n\r\n" },
      { events: [] },
      {
        respond: { status: 200 },
        bodyLength: null,
        wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      },
      { events: ["request GET /", "end"] },
      { sendEnd: true, wire: "0\r\n\r\n" },
      { state: "closing", closeReason: "http10-without-keep-alive" },
    ],
  },
  {
    rfc: "RFC 9110 §7.8",
    title:
      "after a 101 the bytes received meanwhile are the new protocol's, and HTTP sends are refused",
    from: `${CONN}::test_protocol_switch`,
    steps: [
      { recv: UPGRADE_REQ },
      { events: ["request GET /", "data 1", "end"] },
      { recv: "123" },
      { recv: "456" },
      { events: [] },
      { respond: ACCEPT_A, has: ["HTTP/1.1 101 "] },
      { state: "switched" },
      { rest: "123456" },
      { send: "123", throws: "SEND_AFTER_CLOSE" },
    ],
  },
  {
    rfc: "RFC 9112 §9.6",
    title: "EOF while an upgrade is pending: a refusal is sent, then the peer close is reported",
    from: `${CONN}::test_protocol_switch`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: foo\r\nUpgrade: a\r\nConnection: upgrade\r\n\r\n" },
      { events: ["request GET /", "end"] },
      { eof: true },
      { events: [] },
      { respond: { status: 404 }, bodyLength: 0 },
      { events: ["peer-closed"] },
      { state: "closing" },
    ],
  },
  {
    rfc: "RFC 9110 §7.8",
    title: "EOF while an upgrade is pending: an accepted switch reports no HTTP close",
    from: `${CONN}::test_protocol_switch`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: foo\r\nUpgrade: a\r\nConnection: upgrade\r\n\r\n" },
      { events: ["request GET /", "end"] },
      { eof: true },
      { respond: ACCEPT_A },
      { events: [] },
      { state: "switched" },
    ],
  },
  {
    rfc: "RFC 9110 §9.3.6",
    title: "a CONNECT request has no content: its octets after the head go to the tunnel",
    from: `${CONN}::test_protocol_switch`,
    difference:
      "h11 reads Content-Length: 1 on CONNECT as a one-octet body. RFC 9110 §9.3.6: a CONNECT request has no content, so Tether treats the octet as the tunnel's first.",
    steps: [
      { recv: "CONNECT example.com:443 HTTP/1.1\r\nHost: foo\r\nContent-Length: 1\r\n\r\n1" },
      { events: ["request CONNECT example.com:443", "end"] },
      { respond: { status: 200 }, wire: "HTTP/1.1 200 OK\r\n\r\n" },
      { state: "switched" },
      { rest: "1" },
    ],
  },
  {
    rfc: "RFC 9110 §7.8",
    title: "a CONNECT with Upgrade may be accepted as an upgrade (101)",
    from: `${CONN}::test_protocol_switch`,
    steps: [
      {
        recv: "CONNECT example.com:443 HTTP/1.1\r\nHost: foo\r\nUpgrade: a, b\r\nConnection: upgrade\r\n\r\n",
      },
      { events: ["request CONNECT example.com:443", "end"] },
      {
        respond: {
          status: 101,
          fields: [
            ["Upgrade", "b"],
            ["Connection", "upgrade"],
          ],
        },
      },
      { state: "switched" },
    ],
  },
  {
    rfc: "RFC 9110 §9.3.6",
    title: "a refused CONNECT (404) leaves the connection reusable",
    from: `${CONN}::test_protocol_switch`,
    steps: [
      { recv: "CONNECT example.com:443 HTTP/1.1\r\nHost: foo\r\n\r\n" },
      { events: ["request CONNECT example.com:443", "end"] },
      { respond: { status: 404 }, bodyLength: null, has: ["Transfer-Encoding: chunked"] },
      { sendEnd: true, wire: "0\r\n\r\n" },
      { state: "open", closeReason: null },
      { recv: "GET / HTTP/1.1\r\nHost: foo\r\n\r\n" },
      { events: ["request GET /", "end"] },
    ],
  },
  {
    rfc: "RFC 9110 §15.2.2",
    title: "a 101 to a request that asked for no upgrade is refused (UsageError)",
    from: `${STATE}::test_ConnectionState_inconsistent_protocol_switch`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: foo\r\n\r\n" },
      { events: ["request GET /", "end"] },
      { respond: ACCEPT_A, throws: "INVALID_STATE" },
      { state: "open" },
    ],
  },
  {
    rfc: "RFC 9110 §7.8",
    title:
      "an upgrade refused before the request body ends: the body is still read, persistence kept",
    from: `${STATE}::test_ConnectionState_switch_denied`,
    steps: [
      {
        recv: "GET / HTTP/1.1\r\nHost: foo\r\nContent-Length: 1\r\nUpgrade: a\r\nConnection: upgrade\r\n\r\n",
      },
      { events: ["request GET /"] },
      { respond: { status: 200 }, bodyLength: 0 },
      { sendEnd: true },
      { recv: "1" },
      { events: ["data 1", "end"] },
      { state: "open", closeReason: null },
    ],
  },
  {
    rfc: "RFC 9112 §9.6",
    title: "Upgrade with Connection: close — a refusal closes after the response",
    from: `${STATE}::test_ConnectionState_keepalive_protocol_switch_interaction`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: foo\r\nUpgrade: a\r\nConnection: upgrade, close\r\n\r\n" },
      { events: ["request GET /", "end"] },
      { respond: { status: 200 }, bodyLength: 0, has: ["\r\nConnection: close\r\n"] },
      { sendEnd: true },
      { state: "must-close", closeReason: "connection-close" },
    ],
  },
  {
    rfc: "RFC 9110 §7.8",
    title: "Upgrade with Connection: close — an accepted switch wins",
    from: `${STATE}::test_ConnectionState_keepalive_protocol_switch_interaction`,
    steps: [
      { recv: "GET / HTTP/1.1\r\nHost: foo\r\nUpgrade: a\r\nConnection: upgrade, close\r\n\r\n" },
      { events: ["request GET /", "end"] },
      { respond: ACCEPT_A },
      { state: "switched" },
    ],
  },
];
