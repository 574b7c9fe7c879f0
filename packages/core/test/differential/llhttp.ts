/**
 * Node's llhttp (the `HTTPParser` binding behind `node:http`, reached through
 * `node:_http_common`) driven as a request parser, strict (`kLenientNone`),
 * and reduced to the outcome shape the differential test compares
 * (outcome.ts). Node only: tests may use Node internals, core may not.
 *
 * The callback shapes are Node 20's; the benchmark's contender
 * (bench/contenders/llhttp.ts) drives the same binding for timing.
 */
import {
  HTTPParser,
  methods,
  type OnHeaders,
  type OnHeadersComplete,
} from "../../bench/llhttp-binding.ts";
import type { Outcome, SeenMessage } from "./outcome.ts";

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

/** Flat `[name, value, …]` → pairs, values without the OWS llhttp may keep (RFC 9112 §5). */
function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.push([flat[i] as string, (flat[i + 1] as string).replace(/^[ \t]+|[ \t]+$/g, "")]);
  }
  return out;
}

/**
 * Parses `input` as requests with llhttp, strict. Stops at the first error,
 * or after a message that switches protocols (llhttp pauses there: what
 * follows is not HTTP, RFC 9110 §7.8, §9.3.6).
 */
export function llhttpRequests(input: Uint8Array): Outcome {
  const parser = new HTTPParser();
  // 0: Node's default header size limit (16 KiB), far above the generated inputs.
  parser.initialize(HTTPParser.REQUEST, {}, 0, HTTPParser.kLenientNone);
  const messages: SeenMessage[] = [];
  let pendingHeaders: string[] = [];
  let pendingUrl = "";
  let switched = false;
  const onHeaders: OnHeaders = (headers, url) => {
    pendingHeaders.push(...headers);
    pendingUrl += url;
  };
  const onHeadersComplete: OnHeadersComplete = (
    major,
    minor,
    headers,
    method,
    url,
    _status,
    _reason,
    upgrade,
  ) => {
    const flat = headers ?? pendingHeaders;
    messages.push({
      method: methods[method] ?? `#${method}`,
      target: url ?? pendingUrl,
      version: `${major}.${minor}`,
      headers: pairs(flat),
      body: "",
      complete: false,
      trailers: null,
    });
    pendingHeaders = [];
    pendingUrl = "";
    if (upgrade) switched = true;
    return 0;
  };
  parser[HTTPParser.kOnHeaders] = onHeaders;
  parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete;
  parser[HTTPParser.kOnBody] = (body: Uint8Array) => {
    const m = messages[messages.length - 1];
    if (m !== undefined) m.body += latin1(body);
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    const m = messages[messages.length - 1];
    if (m === undefined) return;
    m.complete = true;
    // Trailer fields arrive through kOnHeaders (with the target again).
    if (pendingHeaders.length > 0) m.trailers = pairs(pendingHeaders);
    pendingHeaders = [];
    pendingUrl = "";
  };
  const r = parser.execute(input);
  parser.close();
  if (typeof r !== "number") {
    return { messages, error: r.code ?? "HPE_UNKNOWN", reason: r.reason ?? r.message, switched };
  }
  return { messages, error: null, reason: null, switched };
}
