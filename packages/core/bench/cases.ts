/**
 * Benchmark inputs. Every message is HTTP/1.1 keep-alive, so one parser
 * instance can be fed the same buffer again and again, as on a long-lived
 * connection.
 */
import { type NodeBuffer, NodeBufferCtor } from "./node.ts";

/** One benchmark case: a buffer holding `messages` complete messages. */
export interface BenchCase {
  /** Short name, for `--case`. */
  readonly name: string;
  readonly description: string;
  /** Which side's parser reads it. */
  readonly kind: "request" | "response";
  /** The bytes fed per iteration (a Node Buffer, as a socket would deliver). */
  readonly input: NodeBuffer;
  /** Complete messages in `input`; rates are reported per message. */
  readonly messages: number;
  /** The parser targets apply to this case (≥ 1.5× llhttp, ≥ 3× http-parser-js). */
  readonly targeted: boolean;
}

const CRLF = "\r\n";

function head(startLine: string, fields: readonly (readonly [string, string])[]): string {
  let out = startLine + CRLF;
  for (const [name, value] of fields) out += `${name}: ${value}${CRLF}`;
  return out + CRLF;
}

/** ~100-byte GET with 3 fields (a curl-like client). */
const smallGet = head("GET /static/app.js?v=31 HTTP/1.1", [
  ["Host", "www.example.com"],
  ["User-Agent", "curl/8.5.0-bench"],
  ["Accept", "*/*"],
]);

/** ~500-byte top-level navigation from Chrome 131 on Linux, 12 fields. */
const browserGet = head("GET /orders HTTP/1.1", [
  ["Host", "example.com"],
  ["Connection", "keep-alive"],
  ["sec-ch-ua", '"Chromium";v="131", "Not_A Brand";v="24"'],
  ["sec-ch-ua-mobile", "?0"],
  ["sec-ch-ua-platform", '"Linux"'],
  ["Upgrade-Insecure-Requests", "1"],
  [
    "User-Agent",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  ],
  ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
  ["Sec-Fetch-Site", "none"],
  ["Accept-Encoding", "gzip, deflate, br, zstd"],
  ["Accept-Language", "en-US,en;q=0.9"],
  ["Cookie", "sid=6f1c2a9e4b7d4e0f; theme=dark"],
]);

/** 100 small GETs, each for a different path, in one buffer. */
function pipelined(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    out += head(`GET /items/${i} HTTP/1.1`, [
      ["Host", "api.example.com"],
      ["Accept", "application/json"],
    ]);
  }
  return out;
}

function chunk(data: string): string {
  return data.length.toString(16) + CRLF + data + CRLF;
}

/** ~480-byte chunked JSON response with three chunks. */
const chunkedResponse =
  head("HTTP/1.1 200 OK", [
    ["Date", "Fri, 27 Nov 2026 14:55:00 GMT"],
    ["Content-Type", "application/json; charset=utf-8"],
    ["Transfer-Encoding", "chunked"],
    ["Cache-Control", "no-store"],
    ["Vary", "Accept-Encoding"],
    ["Server", "bench-origin/1.0"],
    ["X-Request-Id", "7f3e9c1a4b2d4e6f"],
  ]) +
  chunk('{"items":[{"id":1,"name":"alpha","price":12.5,"tags":["a","b"]},') +
  chunk('{"id":2,"name":"bravo","price":7.25,"tags":["c"]},{"id":3,"name":"charlie","price":3}') +
  chunk('],"page":2,"pages":9,"next":"/account/orders?page=3","total":214}') +
  chunk(""); // last-chunk, then the CRLF that ends the (empty) trailer section

function bytes(text: string): NodeBuffer {
  return NodeBufferCtor.from(text, "latin1");
}

/** All cases, in report order. */
export const CASES: readonly BenchCase[] = [
  {
    name: "small-get",
    description: `GET, 3 fields (${smallGet.length} B)`,
    kind: "request",
    input: bytes(smallGet),
    messages: 1,
    targeted: true,
  },
  {
    name: "browser-get",
    description: `browser GET, 12 fields (${browserGet.length} B)`,
    kind: "request",
    input: bytes(browserGet),
    messages: 1,
    targeted: true,
  },
  {
    name: "pipelined",
    description: "100 pipelined GETs (per request)",
    kind: "request",
    input: bytes(pipelined(100)),
    messages: 100,
    targeted: false,
  },
  {
    name: "chunked-response",
    description: `chunked response (${chunkedResponse.length} B)`,
    kind: "response",
    input: bytes(chunkedResponse),
    messages: 1,
    targeted: false,
  },
];
