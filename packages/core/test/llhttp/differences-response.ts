/**
 * Response cases of llhttp's suite where Tether deliberately differs
 * (test/fixtures/llhttp/response/*.md). See differences.ts.
 */
import {
  type Difference,
  EMPTY_LINE,
  LENIENT,
  NOT_HTTP1,
  PERSISTENCE,
} from "./difference-types.ts";

const SWITCH =
  "RFC 9112 §6.3 item 1: a 1xx response ends at the empty line after its fields and cannot have content; " +
  "RFC 9110 §7.8: after 101 the connection speaks the protocol named in Upgrade";

const C = "response/connection.md";
const S = "response/sample.md";

export const RESPONSE_DIFFERENCES: readonly Difference[] = [
  {
    file: C,
    name: "HTTP/1.1 with keep-alive disabled and 204 status in strict mode",
    category: "persistence",
    ours: "The parser reads on after `Connection: close` and waits for the rest of the next status-line.",
    why: PERSISTENCE,
    expect: { error: null, messages: [{ status: 204, complete: true }] },
  },
  {
    file: C,
    name: "HTTP/1.1 with keep-alive disabled, content-length, and in loose mode",
    category: "persistence",
    ours: "As llhttp in loose mode: the message is read; the parser waits on the bytes after it.",
    why: PERSISTENCE,
    expect: { error: null, asLlhttp: true },
  },
  {
    file: C,
    name: "HTTP/1.1 with keep-alive disabled, content-length, and in strict mode",
    category: "persistence",
    ours: "The parser reads on after `Connection: close` and waits on the bytes after the body.",
    why: PERSISTENCE,
    expect: { error: null, messages: [{ status: 200, body: "2ad73", complete: true }] },
  },
  {
    file: C,
    name: "HTTP/1.1 with keep-alive disabled, content-length, and in lenient mode",
    category: "persistence",
    ours: "As llhttp with its keep-alive flag: the parser reads on.",
    why: PERSISTENCE,
    expect: { error: null, asLlhttp: true },
  },
  {
    file: C,
    name: "HTTP/1.1 with keep-alive disabled and 204 status in lenient mode",
    category: "persistence",
    ours: "As llhttp with its keep-alive flag: the parser reads on.",
    why: PERSISTENCE,
    expect: { error: null, asLlhttp: true },
  },
  {
    file: C,
    name: "HTTP 101 response with Upgrade and Content-Length header",
    category: "switch",
    ours: "`switched` right after the head: the Content-Length is not a body; all that follows is the new protocol's.",
    why: SWITCH,
    expect: {
      error: null,
      messages: [{ status: 101, body: "", complete: false, switched: true }],
      rest: "bodyproto",
    },
  },
  {
    file: C,
    name: "HTTP 101 response with Upgrade and Transfer-Encoding header",
    category: "switch",
    ours: "`switched` right after the head: the chunked coding is not a body; all that follows is the new protocol's.",
    why: SWITCH,
    expect: {
      error: null,
      messages: [{ status: 101, body: "", complete: false, switched: true }],
      rest: "2\r\nbo\r\n2\r\ndy\r\n0\r\n\r\nproto",
    },
  },
  {
    file: "response/invalid.md",
    name: "CR before response and tab after HTTP version",
    category: "empty-line",
    ours: "BARE_CR (the response starts with a CR not followed by LF); llhttp skips it and fails on the tab.",
    why: `${EMPTY_LINE}; RFC 9112 §2.2: a bare CR makes the element invalid`,
    expect: { error: ["BARE_CR"], messages: [] },
  },
  {
    file: "response/lenient-version.md",
    name: "Invalid HTTP version with lenient",
    category: "lenient-flag",
    ours: "UNSUPPORTED_VERSION.",
    why: `${LENIENT}. ${NOT_HTTP1}`,
    expect: { error: ["UNSUPPORTED_VERSION"], messages: [] },
  },
  {
    file: "response/pipelining.md",
    name: "Should parse multiple events",
    category: "empty-line",
    ours: "The first response is read; the CRLF after its body is not a status-line: INVALID_STATUS_LINE.",
    why: EMPTY_LINE,
    expect: {
      error: ["INVALID_STATUS_LINE"],
      messages: [{ status: 200, body: "AAA", complete: true }],
    },
  },
  {
    file: S,
    name: "No carriage ret",
    category: "bare-lf",
    ours: "BARE_LF by default; with lenientLineEndings, as llhttp.",
    why: "RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator; Tether does so only when lenientLineEndings is set",
    expect: { error: ["BARE_LF"], messages: [], lenientAsLlhttp: true },
  },
  {
    file: S,
    name: "Spaces in header name in loose mode",
    category: "lenient-flag",
    ours: "INVALID_FIELD_NAME.",
    why: `${LENIENT} (loose mode). RFC 9110 §5.1: field-name = token, and a token has no SP`,
    expect: { error: ["INVALID_FIELD_NAME"], messages: [] },
  },
  {
    file: S,
    name: "HTTP version 0.9",
    category: "not-http1",
    ours: "UNSUPPORTED_VERSION.",
    why: NOT_HTTP1,
    expect: { error: ["UNSUPPORTED_VERSION"], messages: [] },
  },
  {
    file: S,
    name: "Response starting with CRLF",
    category: "empty-line",
    ours: "INVALID_STATUS_LINE.",
    why: EMPTY_LINE,
    expect: { error: ["INVALID_STATUS_LINE"], messages: [] },
  },
  {
    file: "response/transfer-encoding.md",
    name: "Invalid OBS fold after chunked value",
    category: "obs-fold",
    ours:
      'The fold is replaced by SP, giving Transfer-Encoding "chunked abc", which is not a list of transfer-codings: ' +
      "INVALID_TRANSFER_ENCODING. llhttp reads the body until close.",
    why: "RFC 9112 §5.2: a user agent replaces each obs-fold with SP before interpreting the value; RFC 9112 §6.1: Transfer-Encoding = #transfer-coding",
    expect: { error: ["INVALID_TRANSFER_ENCODING"], messages: [] },
  },
];
