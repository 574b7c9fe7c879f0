/** Requests Tether rejects (400, 501, 505) and llhttp (strict) accepts, with the rule we follow. See known-differences.ts. */
import { DETECTION, NOT_HTTP1 } from "../llhttp/difference-types.ts";
import {
  BARE_CR,
  BARE_LF,
  contentLengths,
  EMPTY_EXTENSION_NAME,
  fieldValues,
  HOST,
  isTargetForm,
  type KnownDifference,
} from "./predicates.ts";

export const STRICTER: readonly KnownDifference[] = [
  {
    id: "host-missing",
    example: "GET / HTTP/1.1\r\n\r\n",
    category: "host",
    kind: "stricter",
    what: "An HTTP/1.1 request without Host is rejected (400); llhttp does not check Host.",
    why: "RFC 9112 §3.2: a server MUST respond with 400 to any HTTP/1.1 request message that lacks a Host header field.",
    applies: (d) =>
      d.theirs !== undefined &&
      d.theirs.version !== "1.0" &&
      fieldValues(d.theirs, "host").length === 0,
    ours: ["MISSING_HOST"],
  },
  {
    id: "host-duplicate",
    example: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    category: "host",
    kind: "stricter",
    what: "A request with more than one Host line is rejected (400).",
    why: "RFC 9112 §3.2: a server MUST respond with 400 to any request message that contains more than one Host header field line.",
    applies: (d) => fieldValues(d.theirs, "host").length > 1,
    ours: ["DUPLICATE_HOST"],
  },
  {
    id: "host-invalid",
    example: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
    category: "host",
    kind: "stricter",
    what: 'A Host value that is not uri-host [ ":" port ], or empty although the target has an authority, is rejected (400).',
    why: 'RFC 9112 §3.2: Host = uri-host [ ":" port ]; a server MUST respond with 400 to a request with an invalid Host field value.',
    applies: (d) => {
      const hosts = fieldValues(d.theirs, "host");
      if (hosts.length !== 1) return false;
      const host = hosts[0] as string;
      // An empty Host only goes with a target without an authority of its own.
      const t = d.theirs?.target ?? "";
      const authority = /^[A-Za-z][A-Za-z0-9+\-.]*:\/\//.test(t) || d.theirs?.method === "CONNECT";
      return !HOST.test(host) || (host === "" && authority);
    },
    ours: ["INVALID_HOST"],
  },
  {
    id: "target-form-method",
    example: "CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "target-form",
    kind: "stricter",
    what: 'CONNECT with a target other than authority-form, or "*" with a method other than OPTIONS, is rejected (400).',
    why:
      "RFC 9112 §3.2.3: the authority-form is only used for CONNECT requests (and RFC 9110 §9.3.6: CONNECT's target is " +
      "host:port); §3.2.4: the asterisk-form is only used for a server-wide OPTIONS request.",
    applies: (d) => {
      const m = d.theirs;
      if (m === undefined) return false;
      if (m.method === "CONNECT") return !/^[^/?#@]+:[0-9]+$/.test(m.target);
      return m.target === "*" && m.method !== "OPTIONS";
    },
    ours: ["INVALID_TARGET"],
  },
  {
    id: "transfer-encoding-http10",
    example: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    category: "transfer-coding",
    kind: "stricter",
    what: "An HTTP/1.0 request with Transfer-Encoding is rejected (400); llhttp reads it as chunked.",
    why:
      "RFC 9112 §6.1: a server that receives an HTTP/1.0 message containing Transfer-Encoding MUST treat the message " +
      "as if the framing is faulty; a request whose framing is faulty is answered 400 (§6.3).",
    applies: (d) =>
      d.theirs?.version === "1.0" && fieldValues(d.theirs, "transfer-encoding").length > 0,
    ours: ["TRANSFER_ENCODING_IN_HTTP10"],
  },
  {
    id: "transfer-coding-unknown",
    example: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    category: "transfer-coding",
    kind: "stricter",
    what:
      "A request whose Transfer-Encoding names a coding other than chunked is answered 501 (400 when chunked is not " +
      "final or the value is not a list of codings); llhttp passes the coded body on.",
    why:
      "RFC 9112 §6.1: a server that receives a request message with a transfer coding it does not understand SHOULD " +
      "respond with 501 (Not Implemented); §6.3 item 4: chunked not final → 400; RFC 9110 §10.1.4: transfer-coding syntax.",
    applies: (d) => {
      const te = fieldValues(d.theirs, "transfer-encoding");
      const codings = te.flatMap((v) => v.split(",")).map((c) => c.trim().toLowerCase());
      return te.length > 0 && (codings.length !== 1 || codings[0] !== "chunked");
    },
    ours: ["UNSUPPORTED_TRANSFER_CODING", "CHUNKED_NOT_FINAL", "INVALID_TRANSFER_ENCODING"],
  },
  {
    id: "request-line-whitespace",
    example: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "request-line",
    kind: "stricter",
    what: "A request-line with more than one SP between its parts is rejected (400); llhttp skips the extra spaces.",
    why:
      "RFC 9112 §3: request-line = method SP request-target SP HTTP-version; recipients MAY parse on whitespace " +
      "boundaries, Tether keeps to the grammar (one SP) so that no two readings of a line exist.",
    applies: (d, input) => {
      const m = d.theirs;
      if (m === undefined) return false;
      return input.includes(`${m.method}  `) || input.includes(`${m.target}  `);
    },
    ours: ["INVALID_REQUEST_LINE"],
  },
  {
    id: "http09-request-line",
    example: "GET /\r\nHost: a\r\n\r\n",
    category: "not-http1",
    kind: "stricter",
    what:
      "A request-line without an HTTP-version (HTTP/0.9 style) is rejected (400), HTTP/0.9 spelled out gets 505; " +
      "llhttp reads both as version 0.9.",
    why: NOT_HTTP1,
    applies: (d) => d.theirs?.version === "0.9",
    ours: ["INVALID_REQUEST_LINE", "UNSUPPORTED_VERSION"],
  },
  {
    id: "target-syntax",
    example: "GET *x HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "target-form",
    kind: "stricter",
    what: 'A request-target in none of the four forms (e.g. "*x") is rejected (400).',
    why: "RFC 9112 §3.2: request-target = origin-form / absolute-form / authority-form / asterisk-form.",
    applies: (d) => d.theirs !== undefined && !isTargetForm(d.theirs.target),
    ours: ["INVALID_TARGET"],
  },
  {
    id: "empty-lines",
    example:
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "empty-line",
    kind: "stricter",
    what: "More than 8 empty lines before a request-line are rejected (400); llhttp skips any number.",
    why: "RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF) received prior to the request-line; Tether ignores a few and no more, so a peer cannot hold a connection with them.",
    applies: (_d, input) => /(?:\r\n){9}/.test(input),
    ours: ["INVALID_REQUEST_LINE"],
  },
  {
    id: "bare-cr",
    example: "GET / HTTP/1.1\r\nHost: a\r\n\r\n\rGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "bare-lf",
    kind: "stricter",
    what: "A bare CR (e.g. before a request-line) is rejected (400); llhttp skips it there.",
    why: "RFC 9112 §2.2: a recipient of a bare CR MUST consider the element invalid or replace the CR with SP before processing; Tether rejects.",
    applies: (_d, input) => BARE_CR.test(input),
    ours: ["BARE_CR"],
  },
  {
    id: "bare-lf",
    example: "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "bare-lf",
    kind: "stricter",
    what: "A bare LF line terminator is rejected (400) unless lenientLineEndings; llhttp strict accepts some.",
    why: "RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator; Tether does only with lenientLineEndings.",
    applies: (_d, input) => BARE_LF.test(input),
    ours: ["BARE_LF"],
  },
  {
    id: "empty-chunk-extension-name",
    example:
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;;a\r\nx\r\n0\r\n\r\n",
    category: "chunk-extension",
    kind: "stricter",
    what: 'A chunk extension without a name (";;", ";=v") is rejected (400).',
    why: "RFC 9112 §7.1.1: chunk-ext-name = token.",
    applies: (_d, input) => EMPTY_EXTENSION_NAME.test(input),
    ours: ["INVALID_CHUNK_EXTENSION"],
  },
  {
    id: "content-length-beyond-2^53",
    example: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9007199254740993\r\n\r\n",
    category: "limits",
    kind: "stricter",
    what: "A Content-Length above 2^53 − 1 is rejected (400); llhttp counts to 2^64 − 1.",
    why:
      "RFC 9110 §8.6: a recipient MUST anticipate potentially large decimal numerals and prevent parsing errors due to " +
      "integer conversion overflows or precision loss; beyond Number.MAX_SAFE_INTEGER a length cannot be counted exactly.",
    applies: (d) =>
      contentLengths(d.theirs).some((v) => /^\d+$/.test(v) && Number(v) > Number.MAX_SAFE_INTEGER),
    ours: ["INVALID_CONTENT_LENGTH"],
  },
  {
    id: "chunk-size-beyond-2^53",
    example:
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n20000000000001\r\nabc",
    category: "limits",
    kind: "stricter",
    what: "A chunk-size above 2^53 − 1 is rejected (400).",
    why: "RFC 9112 §7.1: recipients MUST anticipate potentially large hexadecimal numerals and prevent parsing errors due to integer conversion overflows or precision loss.",
    applies: (_d, input) => /\r\n0*[1-9A-Fa-f][0-9A-Fa-f]{13,}/.test(input),
    ours: ["INVALID_CHUNK_SIZE"],
  },
  {
    id: "detection-point-ours",
    example: "GET  / HTTP/1.1\r\n",
    category: "detection-point",
    kind: "stricter",
    what: "We reject a line of a head that llhttp has not finished reading (the input ends before llhttp judges it).",
    why: DETECTION,
    applies: (d) => d.theirs === undefined && d.theirError === null,
  },
];
