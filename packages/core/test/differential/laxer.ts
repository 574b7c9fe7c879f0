/** Requests llhttp (strict) rejects and Tether accepts, with the rule that allows them. See known-differences.ts. */
import { DETECTION, METHOD_TOKEN, PERSISTENCE } from "../llhttp/difference-types.ts";
import {
  ABSOLUTE_URI,
  BWS_IN_EXTENSION,
  contentLengths,
  type KnownDifference,
  LLHTTP_METHODS,
  TOKEN,
} from "./predicates.ts";

export const LAXER: readonly KnownDifference[] = [
  {
    id: "method-token",
    example: "get / HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "method",
    kind: "laxer",
    what: "Any token is a method; llhttp rejects methods outside its table.",
    why: METHOD_TOKEN,
    applies: (d) =>
      d.theirError === "HPE_INVALID_METHOD" &&
      d.ours !== undefined &&
      TOKEN.test(d.ours.method) &&
      !LLHTTP_METHODS.has(d.ours.method),
  },
  {
    id: "minor-version",
    example: "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
    category: "minor-version",
    kind: "laxer",
    what: "HTTP/1.2 to HTTP/1.9 are read as HTTP/1.1; llhttp rejects minor versions above 1.",
    why:
      "RFC 9110 §2.5: a recipient that receives a message with a major version it implements and a higher minor version " +
      "SHOULD process it as if it were in the highest minor version it conforms to.",
    applies: (d) =>
      d.theirError === "HPE_INVALID_VERSION" && /^1\.[2-9]$/.test(d.ours?.version ?? ""),
  },
  {
    id: "duplicate-content-length",
    example: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
    category: "duplicate-content-length",
    kind: "laxer",
    what: "Content-Length lines or list members that are all the same number are one Content-Length; llhttp rejects any duplicate.",
    why:
      'RFC 9110 §8.6: a recipient of Content-Length with a list of identical decimal values (e.g. "42, 42") MAY reject ' +
      "it as invalid or replace the list with the single value; RFC 9112 §6.3 item 5 rejects only differing values.",
    applies: (d) => {
      const values = contentLengths(d.ours);
      const rejected = ["HPE_UNEXPECTED_CONTENT_LENGTH", "HPE_INVALID_CONTENT_LENGTH"];
      return (
        rejected.includes(d.theirError ?? "") && values.length > 1 && new Set(values).size === 1
      );
    },
  },
  {
    id: "absolute-form-scheme",
    example: "GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n",
    category: "target-form",
    kind: "laxer",
    what: 'Any absolute-URI is an absolute-form target (e.g. "example.com:443": scheme "example.com"); llhttp accepts only its URL schema characters.',
    why: 'RFC 9112 §3.2.2: absolute-form = absolute-URI; RFC 3986 §3.1, §4.3: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), hier-part may be path-rootless.',
    applies: (d) => d.theirError === "HPE_INVALID_URL" && ABSOLUTE_URI.test(d.ours?.target ?? ""),
  },
  {
    id: "chunk-extension-bws",
    example:
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 ;a\r\nx\r\n0\r\n\r\n",
    category: "chunk-extension",
    kind: "laxer",
    what: 'Whitespace around a chunk extension\'s ";" and "=" is accepted; llhttp strict rejects it.',
    why: 'RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ).',
    applies: (d, input) => d.theirError !== null && BWS_IN_EXTENSION.test(input),
  },
  {
    id: "content-length-ows",
    example: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\t\r\n\r\nx",
    category: "field-ows",
    kind: "laxer",
    what: "Whitespace after a Content-Length value is OWS, not part of the value; llhttp rejects it.",
    why: 'RFC 9112 §5: field-line = field-name ":" OWS field-value OWS.',
    applies: (d, input) =>
      d.theirError === "HPE_INVALID_CONTENT_LENGTH" &&
      /content-length:[^\r\n]*[0-9][ \t]+\r\n/i.test(input),
  },
  {
    id: "framing-field-in-trailers",
    example:
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n",
    category: "trailer-fields",
    kind: "laxer",
    what: "Content-Length or Transfer-Encoding in a trailer section is kept as a trailer field (never merged, never used for framing); llhttp rejects the message.",
    why:
      "RFC 9110 §6.5.1: framing fields cannot be processed outside the header section; §6.5.2: a recipient MUST NOT " +
      "merge a trailer field into the header section unless its definition allows it. Tether reports trailers apart.",
    applies: (d) =>
      (d.ours?.trailers ?? []).some(([n]) => /^(content-length|transfer-encoding)$/i.test(n)) ||
      (d.ours !== undefined &&
        !d.ours.complete &&
        /Content-Length|Transfer-Encoding/.test(d.theirReason ?? "")),
  },
  {
    id: "persistence",
    example: "GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n",
    category: "persistence",
    kind: "laxer",
    what: "The parser reads on after a message that ends persistence; llhttp refuses the data (HPE_CLOSED_CONNECTION).",
    why: PERSISTENCE,
    applies: (d) => d.theirError === "HPE_CLOSED_CONNECTION",
  },
  {
    id: "detection-point-llhttp",
    example: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\x8a",
    category: "detection-point",
    kind: "laxer",
    what: "llhttp rejects an octet of a line we judge only once it is complete (the input ends before that).",
    why: DETECTION,
    applies: (d) => d.ours === undefined || !d.ours.complete,
  },
];
