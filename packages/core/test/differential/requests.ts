/**
 * Random HTTP/1.x requests for the differential test: mostly valid ones
 * (the shared generators of message-generators.ts), with the variations
 * where parsers are known to part ways — Host missing or doubled, methods
 * outside the registry, other minor versions, duplicate Content-Length,
 * Transfer-Encoding lists, obs-fold, the four target forms — and byte-level
 * mutations of them (fuzz/mutators.ts).
 */
import fc from "fast-check";
import { applyMutations, mutationArb } from "../../fuzz/mutators.ts";
import { body, encodeBody, field, PATH, token } from "../message-generators.ts";

/** One request's wire text (latin1). */
const request: fc.Arbitrary<string> = fc
  .record({
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD") },
      { weight: 1, arbitrary: fc.constantFrom("OPTIONS", "CONNECT", "PROPFIND", "M-SEARCH") },
      { weight: 1, arbitrary: token },
    ),
    target: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.string({ unit: fc.constantFrom(...PATH), maxLength: 16 }).map((p) => `/${p}`),
      },
      { weight: 1, arbitrary: fc.constantFrom("*", "example.com:443", "http://example.com/a?b") },
    ),
    minor: fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, fc.constantFrom(0, 2, 9)),
    host: fc.oneof(
      { weight: 8, arbitrary: fc.constant(["example.com"]) },
      fc.constantFrom([], ["a.example", "b.example"], [""], ["example.com:8080"], ["exa mple"]),
    ),
    fields: fc.array(field, { maxLength: 3 }),
    body,
    framing: fc.oneof(
      { weight: 8, arbitrary: fc.constant("as-body") },
      fc.constantFrom(
        "dup-cl",
        "cl-list",
        "te-list",
        "te-and-cl",
        "te-upper",
        "connection-upgrade",
      ),
    ),
    fold: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, fc.constant(true)),
  })
  .map((r) => {
    const enc = encodeBody(r.body);
    const all: [string, string][] = r.host.map((h) => ["Host", h]);
    all.push(...r.fields);
    if (enc.field !== null) all.push(enc.field);
    const cl = r.body.kind === "length" ? String(r.body.data.length) : "0";
    switch (r.framing) {
      case "dup-cl":
        if (r.body.kind === "length") all.push(["Content-Length", cl]);
        break;
      case "cl-list":
        if (r.body.kind === "length") all.push(["content-length", `${cl}, ${cl}`]);
        break;
      case "te-list":
        if (r.body.kind === "chunked") all[all.length - 1] = ["Transfer-Encoding", "gzip, chunked"];
        break;
      case "te-and-cl":
        if (r.body.kind === "chunked") all.push(["Content-Length", "5"]);
        break;
      case "te-upper":
        if (r.body.kind === "chunked") all[all.length - 1] = ["transfer-encoding", "Chunked"];
        break;
      case "connection-upgrade":
        all.push(["Connection", "upgrade"], ["Upgrade", "websocket"]);
        break;
    }
    let head = "";
    all.forEach(([n, v], i) => {
      head += r.fold && i === all.length - 1 ? `${n}: x\r\n ${v}\r\n` : `${n}: ${v}\r\n`;
    });
    return `${r.method} ${r.target} HTTP/1.${r.minor}\r\n${head}\r\n${enc.wire}`;
  });

function octets(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

/** One or two pipelined requests, as octets. */
export const requests: fc.Arbitrary<Uint8Array> = fc
  .array(request, { minLength: 1, maxLength: 2 })
  .map((rs) => octets(rs.join("")));

/** Requests with one to four byte-level mutations. */
export const mutatedRequests: fc.Arbitrary<Uint8Array> = fc
  .tuple(requests, requests, fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
  .map(([a, b, edits]) => applyMutations(a, b, edits));
