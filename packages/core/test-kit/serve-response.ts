/**
 * How the serving server (a `serve` script) answers: every request in
 * order, with a body known from its target, and persistence as RFC 9112
 * §9.3 has it, bent by the {@link ServeOptions} into the misbehaviours a
 * client meets (HTTP/1.0 answers, no keep-alive, request limits, chunked or
 * close-delimited bodies).
 */
import type { ReceivedRequest } from "./scripted-server.ts";
import { bodyFor, chunked, httpResponse, type ServeOptions } from "./server-script.ts";

/**
 * The serving server's answer to one request: 200 with `X-Method`,
 * `X-Target` and `X-Request-Body` (the request body's length) and the body
 * {@link bodyFor} gives; persistence as RFC 9112 §9.3 has it, shaped by the
 * options. `index` counts the responses already sent on the connection.
 */
export function serveResponse(
  req: ReceivedRequest,
  opts: ServeOptions,
  index: number,
): { text: string; close: boolean } {
  const version = opts.version ?? "1.1";
  const options = req.fields
    .filter(([n]) => n.toLowerCase() === "connection")
    .flatMap(([, v]) => v.split(","))
    .map((t) => t.trim().toLowerCase());
  let persist = req.version === "1.1" ? !options.includes("close") : options.includes("keep-alive");
  if (version === "1.0" && opts.keepAlive === false) persist = false;
  if (req.version === "1.0" && opts.keepAlive === false) persist = false;
  if (opts.maxRequests !== undefined && index + 1 >= opts.maxRequests) persist = false;
  if (opts.closeDelimited === true) persist = false;
  const headers: [string, string][] = [
    ["X-Method", req.method],
    ["X-Target", req.target],
    ["X-Request-Body", String(req.body.length)],
  ];
  if (!persist && version === "1.1") headers.push(["Connection", "close"]);
  if (persist && (version === "1.0" || req.version === "1.0"))
    headers.push(["Connection", "keep-alive"]);
  if (persist && opts.keepAliveHeader !== undefined)
    headers.push(["Keep-Alive", opts.keepAliveHeader]);
  const body = bodyFor(req.method === "HEAD" ? "GET" : req.method, req.target);
  if (req.method === "HEAD") {
    headers.push(["Content-Length", String(body.length)]);
    return { text: httpResponse({ version, headers, framing: "close" }), close: !persist };
  }
  if (opts.closeDelimited === true) {
    return { text: httpResponse({ version, headers, body, framing: "close" }), close: true };
  }
  if (opts.chunked === true && version === "1.1" && req.version === "1.1") {
    const head = httpResponse({
      version,
      headers: [...headers, ["Transfer-Encoding", "chunked"]],
      framing: "close",
    });
    const half = Math.floor(body.length / 2);
    return { text: head + chunked([body.slice(0, half), body.slice(half)]), close: !persist };
  }
  return { text: httpResponse({ version, headers, body }), close: !persist };
}
